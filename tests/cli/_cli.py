"""Running the command line as a real subprocess (`python -m datasync_grades ...`) with the
environment variables the README uses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from datasync_grades_sandbox import Sandbox


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


def environment(sandbox: Sandbox | None, **more: str) -> dict[str, str]:
    """The process environment: no DATASYNC_* or profile of the machine's, the sandbox's
    settings, and the test process's import path (the checkout, or the installed wheel)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATASYNC_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    # no profile file of the machine's user (a test that wants one sets its own)
    env["XDG_CONFIG_HOME"] = os.path.join(os.devnull, "no-config")
    if sandbox is not None:
        env |= {
            "DATASYNC_BASE_URL": sandbox.base_url,
            "DATASYNC_TOKEN_URL": sandbox.token_url,
            "DATASYNC_CLIENT_ID": sandbox.client_id,
            "DATASYNC_CLIENT_SECRET": sandbox.client_secret,
        }
    return env | more


def run_cli(env: dict[str, str], *args: str, **kwargs: Any) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "datasync_grades", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=kwargs.pop("stdin", subprocess.DEVNULL),  # not a terminal: nothing is asked
        check=False,
        **kwargs,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return Result(done.returncode, done.stdout, done.stderr)
