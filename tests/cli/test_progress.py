"""An artifact's byte counter shows on a terminal (read here through a pseudo-terminal, as a
person would see it) and never in piped output or with --quiet."""

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


def _on_a_terminal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run with stderr (and stdin) on a pseudo-terminal; what the terminal showed."""
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
    details = gzip.compress(json.dumps({"exchange_id": exchange, "assignments": items}).encode())
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


def test_piped_output_has_no_progress(datasync_sandbox: Sandbox, big_artifact: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "datasync_grades",
            "artifacts",
            "get-exchange-details",
            big_artifact,
        ],
        env=environment(datasync_sandbox),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and done.stderr == b""
    assert len(json.loads(done.stdout)["assignments"]) == 60_000
