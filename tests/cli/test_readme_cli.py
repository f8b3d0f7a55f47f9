"""The README's "Command line" section runs as written: its shell block under bash, with the
sandbox it starts itself (on a free port instead of 8080), `datasync-grades` and `python`
on PATH, in an empty directory; only `pip install` lines are left out. Its exit codes are
the ones `ExitCode` has."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

from _cli import environment

from datasync_grades.cli import ExitCode

README = Path(__file__).parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"^## Command line\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found, "README.md has no Command line section"
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _on_path(bin_dir: Path) -> None:
    """`python` is this interpreter; `datasync-grades` is the console script (as installed)."""
    (bin_dir / "python").symlink_to(sys.executable)
    script = bin_dir / "datasync-grades"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m datasync_grades "$@"\n')
    script.chmod(0o755)


def test_the_shell_block_runs_against_the_sandbox_it_starts(tmp_path: Path) -> None:
    [block] = re.findall(r"```sh\n(.*?)```", _section(), flags=re.S)
    lines = [line for line in block.splitlines() if not line.startswith("pip install")]
    script = "\n".join(lines).replace("8080", str(_free_port()))
    (tmp_path / "bin").mkdir()
    _on_path(tmp_path / "bin")
    env = environment(None, PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    # Every command must succeed; the started sandbox goes with the shell.
    prelude = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n"
    shell = subprocess.Popen(
        ["bash", "-c", prelude + script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = shell.communicate(timeout=120)
    finally:
        if shell.poll() is None:
            os.killpg(shell.pid, signal.SIGKILL)
            shell.wait()
    assert shell.returncode == 0, err
    assert "Traceback" not in err
    assert f"exit code {int(ExitCode.NOT_FOUND)}" in out
    assert '"scores_sent":1' in out and '"chunk":0' in out  # the push and its dry run
    assert re.search(r"^3$", out, re.M)  # the count of the 3 seeded exchanges


def test_the_exit_codes_are_the_command_lines() -> None:
    text = " ".join(_section().split())
    listed = re.search(r"Exit codes: (.*?)\.", text)
    assert listed
    named = dict(
        (int(code), name) for code, name in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", listed[1])
    )
    assert sorted(named) == sorted(int(code) for code in ExitCode)
    for code, name in named.items():
        words = name.upper().split()
        assert ExitCode(code).name in {"_".join(words), words[0], words[-1]}, (code, name)
