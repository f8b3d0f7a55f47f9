"""Per-operation code is generated: a spec with one more list operation and one more binary
operation, regenerated, shows both on the typed client, typed, with no overlay edit."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[2]
OVERLAYS = ROOT / "overlays"

# A regeneration of the whole package and a mypy --strict run: `nox -s slow`.
pytestmark = pytest.mark.slow


def _with_two_operations(spec: dict[str, Any]) -> dict[str, Any]:
    spec["paths"]["/exchanges/{id}/notes"] = {
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "get": {
            "operationId": "listExchangeNotes",
            "tags": ["exchanges"],
            "summary": "List an exchange's notes",
            "parameters": [
                {"$ref": "#/components/parameters/Page"},
                {"$ref": "#/components/parameters/PageSize"},
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
    spec["paths"]["/exchanges/{id}/artifacts/transcript"] = {
        "parameters": [{"$ref": "#/components/parameters/Id"}],
        "get": {
            "operationId": "getExchangeTranscript",
            "tags": ["artifacts"],
            "summary": "Get an exchange's transcript",
            "responses": {
                "200": {
                    "description": "A .json.gz file.",
                    "content": {
                        "application/gzip": {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
    }
    schemas = spec["components"]["schemas"]
    schemas["Note"] = {
        "type": "object",
        "properties": {"id": {"type": "string", "format": "uuid"}, "text": {"type": "string"}},
    }
    schemas["NotesResponse"] = {
        "type": "object",
        "properties": {
            "paging": {"$ref": "#/components/schemas/Paging"},
            "data": {"type": "array", "items": {"$ref": "#/components/schemas/Note"}},
        },
    }
    return spec


@pytest.fixture(scope="module")
def regenerated(generator: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import codegen
    finally:
        sys.path.pop(0)
    tmp = tmp_path_factory.mktemp("typed-client")
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    (tmp / "openapi.yaml").write_text(yaml.safe_dump(_with_two_operations(spec)), encoding="utf-8")
    codegen.generate(tmp / "openapi.yaml", tmp / "out" / "datasync_grades_api")
    return tmp / "out"


def _run(out: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(out), str(OVERLAYS)])}
    env["MYPYPATH"] = env["PYTHONPATH"]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=out, check=False)


def test_both_operations_work_through_the_client(regenerated: Path) -> None:
    transcript = gzip.compress(json.dumps({"lines": ["hello"]}).encode(), mtime=0)
    script = textwrap.dedent(
        f"""
        import httpx
        from datasync_grades import AsyncDataSync, BearerToken, DataSync
        from datasync_grades_api.models import Note

        NOTES = [{{"id": "3f6c1f4e-8d0a-4b7e-9a55-0c1d2e3f4a5b", "text": "first"}},
                 {{"id": "4f6c1f4e-8d0a-4b7e-9a55-0c1d2e3f4a5b", "text": "second"}}]

        def answer(request):
            if request.url.path.endswith("/notes"):
                page = int(request.url.params["page"])
                return httpx.Response(200, json={{"data": NOTES[page:page + 1]}})
            return httpx.Response(200, content={transcript!r},
                                  headers={{"Content-Type": "application/gzip"}})

        auth = BearerToken("a-bearer-token-for-the-test")
        client = DataSync("https://api.test/v2/grades", auth=auth,
                          transport=httpx.MockTransport(answer))
        notes = list(client.exchanges.list_notes("e1", page_size=1))
        assert [type(n) for n in notes] == [Note, Note], notes
        assert [n.text for n in notes] == ["first", "second"]
        assert client.artifacts.get_exchange_transcript("e1").json() == {{"lines": ["hello"]}}

        async def main():
            async def aanswer(request):
                return answer(request)
            aclient = AsyncDataSync("https://api.test/v2/grades", auth=auth,
                                    transport=httpx.MockTransport(aanswer))
            texts = [n.text async for n in aclient.exchanges.list_notes("e1", page_size=1)]
            assert texts == ["first", "second"], texts
            data = await aclient.artifacts.get_exchange_transcript("e1").json()
            assert data == {{"lines": ["hello"]}}
            await aclient.aclose()

        import asyncio
        asyncio.run(main())
        print("ok")
        """
    )
    result = _run(regenerated, sys.executable, "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


TYPED = """
from datasync_grades import Artifact, AsyncDataSync, AsyncPager, BearerToken, DataSync, Pager
from datasync_grades_api.models import Note
from datasync_grades_api.types import Unset

client = DataSync(auth=BearerToken("a-bearer-token-for-the-test"))
notes: Pager[Note] = client.exchanges.list_notes("e1", page_size=10)
transcript: Artifact = client.artifacts.get_exchange_transcript("e1")
for note in notes:
    text: str | Unset = note.text


async def main() -> None:
    aclient = AsyncDataSync(auth=BearerToken("a-bearer-token-for-the-test"))
    anotes: AsyncPager[Note] = aclient.exchanges.list_notes("e1")
    async for anote in anotes:
        atext: str | Unset = anote.text
"""


def test_both_operations_are_typed_and_a_misspelt_parameter_is_a_type_error(
    regenerated: Path,
) -> None:
    (regenerated / "typed.py").write_text(TYPED, encoding="utf-8")
    (regenerated / "misspelt.py").write_text(
        TYPED + '\nclient.exchanges.list_notes("e1", page_sise=10)\n', encoding="utf-8"
    )
    ok = _run(regenerated, sys.executable, "-m", "mypy", "--strict", "--no-incremental", "typed.py")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = _run(
        regenerated, sys.executable, "-m", "mypy", "--strict", "--no-incremental", "misspelt.py"
    )
    assert bad.returncode == 1
    assert 'Unexpected keyword argument "page_sise"' in bad.stdout
