"""`exchanges push-data ID --data FILE`: the chunked upload from the table's x-chunked-upload,
with a dry run, and a checkpoint that resumes a push that stopped part-way."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import yaml
from _cli import environment, run_cli

from datasync_grades.cli import ExitCode
from datasync_grades.cli._csv import ASSIGNMENT, SCORE
from datasync_grades_sandbox import Faults, Sandbox

STUDENTS = 20
SPEC = Path(__file__).parents[2] / "openapi.yaml"


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    """Ten assignments of 20 scores: five chunks of two assignments at --max-bytes 2000."""
    scores = [{"person": {"id": {"name": f"s{s}"}}, "score": float(s)} for s in range(STUDENTS)]
    assignments = [{"name": f"A{a}", "points_possible": 100.0, "scores": scores} for a in range(10)]
    path = tmp_path / "grades.json"
    path.write_text(json.dumps({"assignments": assignments, "summaries": []}))
    return path


def _push(sandbox: Sandbox, exchange: str, data: Path, *more: str) -> tuple[int, str, str]:
    done = run_cli(environment(sandbox), "exchanges", "push-data", exchange, "--data", str(data),
                   "--max-bytes", "2000", "--format", "jsonl", *more)  # fmt: skip
    return done.code, done.out, done.err


def test_a_dry_run_prints_the_plan_and_sends_nothing(
    datasync_sandbox: Sandbox, data_file: Path
) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    code, out, _ = _push(datasync_sandbox, exchange, data_file, "--dry-run")
    plan = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [c["chunk"] for c in plan] == [0, 1, 2, 3, 4]
    assert [c["final"] for c in plan] == [False] * 4 + [True]
    assert sum(c["scores"] for c in plan) == 10 * STUDENTS
    assert datasync_sandbox.state.exchanges[exchange].chunks == []


def test_a_push_sends_every_chunk_and_needs_yes(datasync_sandbox: Sandbox, data_file: Path) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    code, _, err = _push(datasync_sandbox, exchange, data_file)
    assert code == ExitCode.USAGE and "--yes" in err
    code, out, _ = _push(datasync_sandbox, exchange, data_file, "--yes")
    result = json.loads(out)
    assert code == 0 and (result["chunks_sent"], result["scores_sent"]) == (5, 10 * STUDENTS)
    record = datasync_sandbox.state.exchanges[exchange]
    assert (record.state, len(record.chunks)) == ("completed", 5)


def test_a_checkpoint_resumes_a_push_that_stopped(
    datasync_sandbox: Sandbox, data_file: Path, tmp_path: Path
) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    checkpoint = tmp_path / "push.checkpoint"
    datasync_sandbox.faults = Faults(drop_after=3)  # the 4th request never arrives
    resumable = ["--yes", "--checkpoint", str(checkpoint)]
    code, _, err = _push(datasync_sandbox, exchange, data_file, *resumable)
    stored = len(datasync_sandbox.state.exchanges[exchange].chunks)
    assert code == ExitCode.ERROR and "UploadError" in err and 0 < stored < 5
    datasync_sandbox.faults = Faults()
    code, out, _ = _push(datasync_sandbox, exchange, data_file, *resumable)
    assert code == 0 and json.loads(out)["chunks_sent"] == 5 - stored
    record = datasync_sandbox.state.exchanges[exchange]
    assert (record.state, len(record.chunks)) == ("completed", 5)


def test_data_that_is_not_the_bodys_arrays_is_a_usage_error(
    datasync_sandbox: Sandbox, tmp_path: Path
) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    (tmp_path / "bad.json").write_text(json.dumps({"assignmnets": []}))
    code, _, err = _push(datasync_sandbox, exchange, tmp_path / "bad.json", "--yes")
    assert code == ExitCode.USAGE and "assignments" in err
    code, _, err = _push(datasync_sandbox, exchange, tmp_path / "missing.json", "--yes")
    assert code == ExitCode.USAGE and "missing.json" in err


def _csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_scores_as_csv_are_pushed_as_assignments(datasync_sandbox: Sandbox, tmp_path: Path) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    data = _csv(
        tmp_path,
        "assignment,points_possible,due_at,person_id,score,grade,late",
        f"Essay 1,10,2026-12-01T00:00:00Z,{a},9.5,A,false",
        f"Quiz 2,,,{a},3,,TRUE",
        f"Essay 1,10,2026-12-01T00:00:00Z,{b},7,,",
    )
    code, out, _ = _push(datasync_sandbox, exchange, data, "--yes")
    assert code == 0 and json.loads(out)["scores_sent"] == 3
    [chunk] = datasync_sandbox.state.exchanges[exchange].chunks
    essay = {"name": "Essay 1", "points_possible": 10, "due_at": "2026-12-01T00:00:00Z"}
    assert chunk.body["assignments"] == [
        essay | {"scores": [
            {"$person": {"$sys": {"id": a}}, "score": 9.5, "grade": "A", "late": False},
            {"$person": {"$sys": {"id": b}}, "score": 7},
        ]},
        {"name": "Quiz 2", "scores": [{"$person": {"$sys": {"id": a}}, "score": 3, "late": True}]},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["assignment,person_id,scroe", "Essay 1,p1,9"], "unknown CSV columns ['scroe']"),
        (["assignment,score", "Essay 1,9", "Essay 1,nine"], "line 3, column score: not a number"),
        (["assignment,late", "Essay 1,maybe"], "line 2, column late: not a true or false"),
        (["assignment,points_possible", "Essay 1,10", "Essay 1,20"], "line 3, column points"),
        (["score", "9"], "line 2: no assignment or assignment_id"),
        (["assignment,score", "Essay 1,9,8"], "line 2: more cells than columns"),
    ],
)
def test_a_bad_csv_is_a_usage_error_that_sends_nothing(
    datasync_sandbox: Sandbox, tmp_path: Path, rows: list[str], message: str
) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    code, _, err = _push(datasync_sandbox, exchange, _csv(tmp_path, *rows), "--yes")
    assert code == ExitCode.USAGE and message in err
    assert "nine" not in err and "maybe" not in err  # a cell's value is never quoted
    assert datasync_sandbox.state.exchanges[exchange].chunks == []


def test_every_csv_column_is_a_field_of_the_spec() -> None:
    schemas = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]
    for columns, schema in ((ASSIGNMENT, "Assignment"), (SCORE, "AssignmentScore")):
        for path in columns.values():
            node = schemas[schema]
            for key in path:
                node = node["properties"][key]
                node = schemas[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node
