"""The plugin's client fixtures, used as a consumer's test would: seed exchanges with grade data,
read what they produced through the typed client (sync and async)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import datasync_grades_sandbox
from datasync_grades import AsyncDataSync, DataSync
from datasync_grades_api.models import Assignment, Summary
from datasync_grades_sandbox import GradeData, Sandbox

PERSON = {"$sys": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}
ASSIGNMENTS = [
    Assignment.from_dict(
        {
            "$sys": {"id": f"5a0d3c2b-1e4f-4a6b-9c8d-{n:012x}"},
            "name": f"Quiz {n}",
            "points_possible": 20,
            "scores": [{"$person": PERSON, "score": 10 + n, "late": n % 2 == 0}],
        }
    )
    for n in range(4)
]
SUMMARIES = [
    Summary.from_dict({"$person": PERSON, "summary_type": "midterm", "score": 77.5, "grade": "C+"})
]
DATA: GradeData = {"assignments": ASSIGNMENTS, "summaries": SUMMARIES}


def _check_details(details: Any, exchange_id: str) -> None:
    assert details["exchange_id"] == exchange_id
    assert [Assignment.from_dict(item) for item in details["assignments"]] == ASSIGNMENTS
    assert [Summary.from_dict(item) for item in details["summaries"]] == SUMMARIES


def test_a_consumer_reads_what_a_seeded_exchange_produced(
    datasync_sandbox: Sandbox, datasync_client: DataSync
) -> None:
    [done] = datasync_sandbox.seed_exchanges(
        1, state="completed", data=DATA, course_app_id="MATH-101"
    )
    [failed] = datasync_sandbox.seed_exchanges(1, state="failed", data=DATA)
    finished = datasync_client.exchanges.list(state="completed")
    assert [str(exchange.id) for exchange in finished] == [done]

    _check_details(datasync_client.artifacts.get_exchange_details(done).json(), done)
    logs = datasync_client.artifacts.get_exchange_consumer_logs(done).json()
    assert logs["entries"][-1]["message"] == "sent 4 assignments and 1 summaries to the consumer"

    [error] = datasync_client.exchanges.list_errors(failed)
    assert error.code == "producer_failure"
    assert error.details == (
        "The producer failed after 1 chunks, without the final one: "
        "4 assignments (4 scores) and 1 summaries received"
    )
    assert datasync_client.artifacts.get_exchange_details(failed).json() is None
    assert datasync_sandbox.tokens_issued == 1  # the client is wired to this very sandbox


def test_a_consumer_reads_a_batch_report_of_the_seeded_courses(
    datasync_sandbox: Sandbox, datasync_client: DataSync
) -> None:
    batch_id = next(iter(datasync_sandbox.state.batch_exchanges))
    for course in ("ART-1", "ART-2"):
        datasync_sandbox.seed_exchanges(
            1, state="completed", data=DATA, course_app_id=course, batch_exchange_id=batch_id
        )
    report = datasync_client.batch_exchanges.get_course_ids_report(batch_id)
    assert report.column("course_id") == ["1001", "1002", "1003", "ART-1", "ART-2"]


async def test_the_async_client_reads_the_same(
    datasync_sandbox: Sandbox, datasync_async_client: AsyncDataSync
) -> None:
    [done] = datasync_sandbox.seed_exchanges(1, state="completed", data=DATA)
    [failed] = datasync_sandbox.seed_exchanges(1, state="failed")
    assert await datasync_async_client.exchanges.count(state="completed") == 1
    details = await datasync_async_client.artifacts.get_exchange_details(done).json()
    _check_details(details, done)
    [error] = [e async for e in datasync_async_client.exchanges.list_errors(failed)]
    assert error.details == "The producer failed before sending any data"
    assert datasync_sandbox.tokens_issued == 1


def test_the_sandbox_never_imports_the_client() -> None:
    # The fixtures import the client lazily: the sandbox, its plugin, its command line and
    # seeding with data load neither client package.
    code = (
        "import sys\n"
        "import datasync_grades_sandbox.pytest_plugin, datasync_grades_sandbox.__main__\n"
        "from datasync_grades_sandbox import Sandbox\n"
        "with Sandbox() as sandbox:\n"
        "    sandbox.seed_exchanges(1, state='completed', data={'summaries': [{'score': 1}]})\n"
        "print(sorted(m for m in sys.modules if m.startswith(('datasync_grades.',"
        " 'datasync_grades_api')) or m == 'datasync_grades'))\n"
    )
    root = str(Path(datasync_grades_sandbox.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root}  # the client packages are not even on the path
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


DOC = Path(__file__).parents[2] / "docs" / "sandbox-artifacts.md"


def test_the_documented_example_runs(datasync_sandbox: Sandbox, datasync_client: DataSync) -> None:
    [block] = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, Any] = {}
    exec(compile(block, str(DOC), "exec"), namespace)
    namespace["test_reconciles"](datasync_sandbox, datasync_client)


def test_the_documented_formats_are_those_served(
    datasync_sandbox: Sandbox, datasync_client: DataSync
) -> None:
    documented = [
        json.loads(block)
        for block in re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    ]
    [details, logs] = documented
    [done] = datasync_sandbox.seed_exchanges(1, state="completed", data=DATA)
    served = datasync_client.artifacts.get_exchange_details(done).json()
    assert served.keys() == details.keys()
    served_logs = datasync_client.artifacts.get_exchange_consumer_logs(done).json()
    assert served_logs.keys() == logs.keys()
    assert {tuple(entry) for entry in served_logs["entries"]} == {
        tuple(entry) for entry in logs["entries"]
    }
    report = datasync_client.batch_exchanges.get_course_ids_report(
        next(iter(datasync_sandbox.state.batch_exchanges))
    )
    assert "```\ncourse_id\n1001\n1002\n```" in DOC.read_text(encoding="utf-8")
    rows = report.rows()
    assert rows is not None and rows[:3] == [["course_id"], ["1001"], ["1002"]]
