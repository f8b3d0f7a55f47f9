"""The command line runs as a real subprocess against a sandbox started here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _cli import Result, Run, environment, run_cli

from datasync_grades_sandbox import Sandbox


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as started:
        yield started


@pytest.fixture
def sandbox(module_sandbox: Sandbox) -> Sandbox:
    """One sandbox per module, reset for each test (so that no test depends on the ones run
    before it, in whatever order pytest-xdist runs them): the seed data, 3 completed exchanges
    and 2 created ones."""
    module_sandbox.reset()
    module_sandbox.seed_exchanges(3, state="completed")
    module_sandbox.seed_exchanges(2, state="created")
    return module_sandbox


@pytest.fixture
def cli(sandbox: Sandbox) -> Run:
    """Run `datasync-grades ARGS` against the module's sandbox; ``env=`` adds variables."""

    def run(*args: str, env: dict[str, str] | None = None, **kwargs: Any) -> Result:
        return run_cli(environment(sandbox, **(env or {})), *args, **kwargs)

    return run
