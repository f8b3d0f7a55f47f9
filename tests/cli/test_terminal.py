"""What a person at a terminal sees, read through a pseudo-terminal: an artifact's byte counter
(never in piped output or with --quiet), and the question before a change on the server."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _cli import environment

from datasync_grades_sandbox import Sandbox

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


def _on_a_terminal(env: dict[str, str], *args: str, answer: bytes = b"") -> tuple[int, str]:
    """Run with stderr and stdin on a pseudo-terminal (typing ``answer``); what it showed."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasync_grades", *args],
        env=env | {"TERM": "xterm-256color", "COLUMNS": "100"},
        stdin=follower,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    os.write(leader, answer)  # kept by the terminal until the program reads it
    shown = bytearray()
    while True:
        try:
            piece = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not piece:
            break
        shown += piece
    os.close(leader)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


@pytest.fixture
def big_artifact(datasync_sandbox: Sandbox) -> str:
    exchange = datasync_sandbox.seed_exchanges(1, state="completed")[0]
    items = [{"assignment": n, "score": n % 10, "student": f"s{n:06}"} for n in range(60_000)]
    details = gzip.compress(
        json.dumps({"exchange_id": exchange, "assignments": items}).encode(), mtime=0
    )
    datasync_sandbox.set_artifacts(exchange, details=details)
    return exchange


def test_the_byte_counter_shows_on_a_terminal(
    datasync_sandbox: Sandbox, big_artifact: str, tmp_path: Path
) -> None:
    out = tmp_path / "details.json"
    env = environment(datasync_sandbox)
    command = ["artifacts", "get-exchange-details", big_artifact, "-o", str(out)]
    code, shown = _on_a_terminal(env, *command)
    assert code == 0, shown
    size = out.stat().st_size
    assert json.loads(out.read_bytes())["exchange_id"] == big_artifact
    assert f"{size / 1e6:.1f}" in shown and "MB" in shown  # the counter's last state
    code, quiet = _on_a_terminal(env, *command, "--quiet")
    assert (code, quiet.strip()) == (0, "")


def test_an_item_counter_shows_on_a_terminal(datasync_sandbox: Sandbox, big_artifact: str) -> None:
    env = environment(datasync_sandbox)
    command = ["artifacts", "get-exchange-details", big_artifact, "--items"]
    code, shown = _on_a_terminal(env, *command)  # the items go to /dev/null, the count here
    assert code == 0 and "items" in shown and "60000/?" in shown, shown
    code, quiet = _on_a_terminal(env, *command, "--quiet")
    assert (code, quiet.strip()) == (0, "")


def test_piped_output_has_no_progress(datasync_sandbox: Sandbox, big_artifact: str) -> None:
    command = ["artifacts", "get-exchange-details", big_artifact]
    done = subprocess.run(
        [sys.executable, "-m", "datasync_grades", *command],
        env=environment(datasync_sandbox),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == b""
    assert len(json.loads(done.stdout)["assignments"]) == 60_000
    done = subprocess.run(
        [sys.executable, "-m", "datasync_grades", *command, "--items"],
        env=environment(datasync_sandbox),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == b""
    lines = done.stdout.splitlines()
    assert len(lines) == 60_000 and json.loads(lines[-1])["student"] == "s059999"


@pytest.mark.parametrize(("answer", "sent"), [(b"n\n", False), (b"y\n", True)])
def test_a_change_is_asked_for_on_a_terminal(
    datasync_sandbox: Sandbox, answer: bytes, sent: bool
) -> None:
    exchange = datasync_sandbox.seed_exchanges(1)[0]
    env = environment(datasync_sandbox)
    command = ["exchanges", "create-error", exchange, "--details", "asked"]
    code, shown = _on_a_terminal(env, *command, answer=answer)
    assert "Create Grades Exchange Errors (POST /exchanges/{id}/errors)? [y/N]" in shown
    assert (code, len(datasync_sandbox.state.exchanges[exchange].errors)) == (
        (0, 1) if sent else (1, 0)
    )
    code, shown = _on_a_terminal(env, *command, "--yes")
    assert code == 0 and "?" not in shown


def test_a_push_counts_its_chunks_on_a_terminal(datasync_sandbox: Sandbox, tmp_path: Path) -> None:
    [exchange] = datasync_sandbox.seed_exchanges(1)
    scores = [{"person": {"id": {"name": f"s{s}"}}, "score": 1.0} for s in range(20)]
    assignments = [{"name": f"A{a}", "scores": scores} for a in range(10)]
    (tmp_path / "grades.json").write_text(json.dumps({"assignments": assignments}))
    env = environment(datasync_sandbox)
    command = ["exchanges", "push-data", exchange, "-d", str(tmp_path / "grades.json")]
    code, shown = _on_a_terminal(env, *command, "--max-bytes", "2000", "--yes")
    assert code == 0, shown
    chunks = len(datasync_sandbox.state.exchanges[exchange].chunks)
    assert chunks > 1 and "chunks stored" in shown and f"{chunks}/{chunks}" in shown


def test_a_list_counts_its_items_against_the_count_on_a_terminal(
    datasync_sandbox: Sandbox,
) -> None:
    datasync_sandbox.seed_exchanges(7)
    env = environment(datasync_sandbox)
    command = ["exchanges", "list", "--page-size", "2"]
    code, shown = _on_a_terminal(env, *command)  # the items go to a pipe, the count to the terminal
    assert code == 0 and "items" in shown and "7/7" in shown
    code, shown = _on_a_terminal(env, *command, "--max-items", "3")
    assert code == 0 and "3/3" in shown
    code, quiet = _on_a_terminal(env, *command, "--quiet")
    assert (code, quiet.strip()) == (0, "")
