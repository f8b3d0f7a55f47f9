"""The command line runs as a real subprocess against a sandbox started here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _cli import Result, Run, environment, run_cli

from datasync_grades_sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """One sandbox per module: the seed data, 3 completed exchanges and 2 created ones."""
    with Sandbox() as started:
        started.seed_exchanges(3, state="completed")
        started.seed_exchanges(2, state="created")
        yield started


@pytest.fixture
def cli(sandbox: Sandbox) -> Run:
    """Run `datasync-grades ARGS` against the module's sandbox; ``env=`` adds variables."""

    def run(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> Result:
        return run_cli(environment(sandbox, **(env or {})), *args, **kwargs)

    return run
