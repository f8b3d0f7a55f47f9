"""The commands come from the spec: a copy of openapi.yaml with one more operation, regenerated,
shows it on the command line (options from its parameters, paging for a list) and runs it
through the typed client, with no edit to the command line's code."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from _cli import environment, run_cli

from datasync_grades.cli import ExitCode
from datasync_grades_sandbox import Sandbox

ROOT = Path(__file__).parents[2]


def _with_notes(spec: dict[str, Any]) -> dict[str, Any]:
    spec["paths"]["/exchanges/{id}/notes"] = {
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "get": {
            "operationId": "listExchangeNotes",
            "tags": ["exchanges"],
            "summary": "List an exchange's notes",
            "parameters": [
                {"$ref": "#/components/parameters/Page"},
                {"$ref": "#/components/parameters/PageSize"},
                {"name": "author", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {
                    "description": "A page of notes.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/NotesResponse"}
                        }
                    },
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
    }
    spec["components"]["schemas"]["NotesResponse"] = {
        "type": "object",
        "properties": {
            "paging": {"$ref": "#/components/schemas/Paging"},
            "data": {"type": "array", "items": {"type": "object"}},
        },
    }
    return spec


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import codegen
    finally:
        sys.path.pop(0)
    tmp = tmp_path_factory.mktemp("cli-generation")
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    (tmp / "openapi.yaml").write_text(yaml.safe_dump(_with_notes(spec)), encoding="utf-8")
    codegen.generate(tmp / "openapi.yaml", tmp / "out" / "datasync_grades_api")
    return tmp / "out"


def _env(out: Path, sandbox: Sandbox | None = None) -> dict[str, str]:
    import datasync_grades

    env = environment(sandbox)
    overlays = str(Path(datasync_grades.__file__).parents[1])
    env["PYTHONPATH"] = os.pathsep.join([str(out), overlays, env["PYTHONPATH"]])
    return env


def test_the_new_operation_is_a_command_with_its_options(regenerated: Path) -> None:
    listed = run_cli(_env(regenerated), "exchanges", "--help")
    assert "list-notes" in listed.out and "List an exchange's notes" in listed.out
    assert "list-notes" not in run_cli(environment(None), "exchanges", "--help").out
    shown = run_cli(_env(regenerated), "exchanges", "list-notes", "--help").out
    for option in ("ID", "--author", "--page-size", "--max-items", "--format"):
        assert option in shown


def test_the_new_command_calls_the_api_through_the_client(
    regenerated: Path, datasync_sandbox: Sandbox
) -> None:
    # The sandbox knows no notes: its 404 proves the request went to the new path.
    exchange = datasync_sandbox.seed_exchanges(1)[0]
    env = _env(regenerated, datasync_sandbox)
    result = run_cli(env, "exchanges", "list-notes", exchange, "--author", "ann")
    assert result.code == ExitCode.NOT_FOUND, result.err
    assert f"/exchanges/{exchange}/notes?" in result.err and "author=ann" in result.err
