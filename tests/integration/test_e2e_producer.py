"""The producer of docs/producer.md, run as a process against a sandbox, killed with SIGKILL at
random moments and started again until it is done: every score stored, every chunk once, except
at most the one in flight at each kill (or lost with its answer), each of which it reported; its
FileCheckpoint files private (0600) while they exist and gone once it is done."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import stat
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from datasync_grades import plan_chunks
from datasync_grades_sandbox import Faults, Sandbox

PRODUCER = Path(__file__).parents[2] / "docs" / "producer.md"
COURSES = ("MATH-101", "BIO-201", "HIST-120")
MAX_BYTES = 4096
ROUNDS = 14


def producer_source() -> str:
    [block] = re.findall(r"```python\n(.*?)```", PRODUCER.read_text(), flags=re.S)
    return block


def planned_bodies(gradebook: Callable[[str], list[dict[str, Any]]], course: str) -> list[Any]:
    return [
        json.loads(chunk.body()) for chunk in plan_chunks(gradebook(course), max_bytes=MAX_BYTES)
    ]


def modes(directory: Path) -> set[tuple[str, int]]:
    """(name, permission bits) of the files in ``directory``, as far as they still exist."""
    found = set()
    for path in directory.iterdir() if directory.exists() else ():
        with contextlib.suppress(FileNotFoundError):  # renamed or removed under our feet
            found.add((path.name, stat.S_IMODE(path.stat().st_mode)))
    return found


def collapse_adjacent(items: list[str]) -> list[str]:
    return [item for n, item in enumerate(items) if n == 0 or items[n - 1] != item]


@pytest.mark.slow
def test_the_readme_producer_answers_everything_through_kills(
    tmp_path: Path, datasync_sandbox_factory: Callable[..., Sandbox]
) -> None:
    source = producer_source()
    namespace: dict[str, Any] = {"__name__": "producer_under_test"}
    exec(compile(source, "docs/producer.md", "exec"), namespace)
    script = tmp_path / "producer.py"
    script.write_text(source, encoding="utf-8")

    sandbox = datasync_sandbox_factory(max_data_content_length=MAX_BYTES)
    course_of = {sandbox.seed_exchanges(1, course_app_id=course)[0]: course for course in COURSES}
    [refused] = sandbox.seed_exchanges(1, query={"type": "summary", "conditions": []})
    env = {
        **os.environ,
        "DATASYNC_BASE_URL": sandbox.base_url,
        "DATASYNC_TOKEN_URL": sandbox.token_url,
        "DATASYNC_CLIENT_ID": sandbox.client_id,
        "DATASYNC_CLIENT_SECRET": sandbox.client_secret,
        "PRODUCER_STATE": str(tmp_path / "state"),
    }
    rng = random.Random(20261201)
    output: list[str] = []
    warnings: list[str] = []  # stderr: the client's warning about a chunk sent again
    state = tmp_path / "state"
    files_seen: set[tuple[str, int]] = set()  # the checkpoint files, sampled as the runs go
    kills = 0
    for number in range(ROUNDS + 1):
        last = number == ROUNDS
        # Every third round one request is stored and then left unanswered.
        drop = rng.randint(1, 12) if number % 3 == 1 and not last else 0
        # 50 ms a request: a whole run takes over a second on any machine, so the kills land.
        sandbox.faults = Faults(latency=0.05, drop_after=drop, drop_stage="response")
        # The first rounds are cut short whatever the machine: at least three kills.
        patience = rng.uniform(0.4, 0.9) if number < 3 else rng.uniform(0.5, 2.5)
        deadline = time.monotonic() + (120 if last else patience)
        out_file, err_file = tmp_path / f"out-{number}", tmp_path / f"err-{number}"
        with out_file.open("w") as out, err_file.open("w") as err:
            process = subprocess.Popen(
                [sys.executable, str(script), "--once"],
                env=env,
                cwd=tmp_path,
                stdout=out,
                stderr=err,
            )
            while process.poll() is None and time.monotonic() < deadline:
                files_seen |= modes(state)
                time.sleep(0.01)
            killed = process.poll() is None
            if killed:
                process.kill()  # SIGKILL: no handler, no flush, no cleanup
            process.wait()
        files_seen |= modes(state)
        output.append(out_file.read_text())
        warnings.append(err_file.read_text())
        if killed:
            kills += 1
            continue
        assert process.returncode == 0, warnings[-1]
        break  # --once leaves only when nothing waits any more
    else:
        pytest.fail("the producer did not finish")
    assert kills >= 3, "too few kills to prove anything: change the seed"
    # Checkpoints (and their .partial and .lock files) were private while they existed, and
    # none is left once every exchange is answered.
    assert any(name.endswith(".json") for name, _ in files_seen), "no checkpoint was seen"
    assert {mode for _, mode in files_seen} == {0o600}, files_seen
    assert modes(state) == set()
    print(f"producer: {kills} kills, {sandbox.counters().dropped_after_handling} answers lost")
    lines = "".join(output).splitlines()
    dropped = sandbox.counters().dropped_after_handling

    with sandbox.state.lock:
        assert sandbox.state.exchanges[refused].state == "failed"
        assert [e.code for e in sandbox.state.exchanges[refused].errors] == [
            "query_type_not_supported"
        ]
        stored_ids: dict[str, str] = {}  # chunk id -> exchange id
        duplicates = 0
        for exchange_id, course in course_of.items():
            record = sandbox.state.exchanges[exchange_id]
            assert record.state == "completed"
            bodies = [json.dumps(chunk.body, sort_keys=True) for chunk in record.chunks]
            planned = [
                json.dumps(body, sort_keys=True)
                for body in planned_bodies(namespace["gradebook"], course)
            ]
            # A chunk sent twice is stored twice in a row; nothing else repeats or goes missing.
            assert collapse_adjacent(bodies) == planned
            scores = {
                (assignment["$sys"]["id"], score["$person"]["$sys"]["id"], score["score"])
                for chunk in record.chunks
                for assignment in chunk.body["assignments"]
                for score in assignment["scores"]
            }
            expected = {
                (assignment["$sys"]["id"], score["$person"]["$sys"]["id"], score["score"])
                for assignment in namespace["gradebook"](course)
                for score in assignment["scores"]
            }
            assert scores == expected and len(expected) == 300  # every score stored
            repeated = [n for n in range(1, len(bodies)) if bodies[n] == bodies[n - 1]]
            duplicates += len(repeated)
            for n in repeated:  # each was reported by the run that sent it again
                index = planned.index(bodies[n])
                warning = f"chunk {index + 1} of exchange {exchange_id}, in flight, is resent"
                assert warning in "".join(warnings) or f"resent {exchange_id} {index}" in lines
            stored_ids.update({str(chunk.id): exchange_id for chunk in record.chunks})

    assert duplicates <= kills + dropped  # at most the one in flight per kill or lost answer
    print(f"producer: {duplicates} chunks stored twice, each reported")
    printed = [line.split()[3] for line in lines if line.startswith("stored ")]
    counts = Counter(printed)
    assert all(count == 1 for count in counts.values()), "a stored chunk was reported twice"
    assert set(printed) <= set(stored_ids)
    # Unreported: the first copy of each chunk sent again, and a last chunk stored just as its
    # run died (or lost its answer) and so never sent again: at most one per kill or loss.
    assert duplicates <= len(stored_ids) - len(printed) <= kills + dropped
