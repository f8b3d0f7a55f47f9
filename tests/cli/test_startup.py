"""`datasync-grades --help` starts lazily: it imports neither the client (httpx, and through
httpx rich's progress bars), nor the generated models, nor the sandbox; a command imports
them when it runs (bench/ records the start-up time)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from _cli import environment

# Runs the command line in a child Python, then lists the modules it imported on stderr.
CHILD = """
import sys
from datasync_grades.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    assert not exit.code, exit.code
print(*sorted(sys.modules), sep="\\n", file=sys.stderr)
"""
NOT_FOR_HELP = (
    "datasync_grades_sandbox",
    "datasync_grades_api.models",
    "datasync_grades_api.api",
    "datasync_grades._datasync",
    "httpx",
    "rich.progress",
    "rich.live",
)


def _imported(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        env=environment(None),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout, set(done.stderr.split())


@pytest.mark.parametrize(
    "args",
    [("--help",), ("exchanges", "--help"), ("exchanges", "push-data", "--help")],
    ids=" ".join,
)
def test_help_imports_no_client_models_sandbox_or_progress_bars(args: tuple[str, ...]) -> None:
    shown, modules = _imported(*args)
    assert "Usage" in shown and "typer" in modules
    assert "datasync_grades.cli._app" in modules  # the commands were built
    loaded = sorted(m for m in modules if m.startswith(NOT_FOR_HELP))
    assert loaded == []


def test_the_library_names_still_import_on_first_use() -> None:
    code = (
        "import sys, datasync_grades as d; before = 'httpx' in sys.modules; d.DataSync; "
        "print(before, 'httpx' in sys.modules, d.DataSync.__module__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment(None), capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.split() == ["False", "True", "datasync_grades._datasync"]
