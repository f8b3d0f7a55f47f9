"""Fixtures of the end-to-end tests: a sandbox per test, ``DataSync``/``AsyncDataSync`` clients.

Every test here talks HTTP to a real sandbox on 127.0.0.1 through the public front only
(``datasync_grades`` and the generated ``datasync_grades_api`` packages); the sandbox's own
state and counters are read to check what arrived.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from _integration import AnyClient, ConnectTo, RecordedWaits, credentials

from datasync_grades import AsyncDataSync, DataSync
from datasync_grades._http import httpx
from datasync_grades_sandbox import Sandbox


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run a test once through ``DataSync`` and once through ``AsyncDataSync``."""
    return str(request.param)


@pytest.fixture
def datasync_sandbox_factory(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> Iterator[Callable[..., Sandbox]]:
    """The plugin's factory, plus a check at teardown: every answer of every sandbox the test
    started conformed to openapi.yaml (the sandbox records those that did not)."""
    started: list[Sandbox] = []

    def start(**kwargs: Any) -> Sandbox:
        started.append(datasync_sandbox_factory(**kwargs))
        return started[-1]

    yield start
    for sandbox in started:
        assert sandbox.response_validation_errors == []


@pytest.fixture
def sandbox(datasync_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    return datasync_sandbox_factory()


@pytest.fixture
def waits() -> RecordedWaits:
    return RecordedWaits()


@pytest.fixture
async def connect_to(waits: RecordedWaits) -> AsyncIterator[ConnectTo]:
    """``connect_to(mode, sandbox, auth=None, **options)``: a ``DataSync`` (mode "sync") or
    ``AsyncDataSync`` (mode "async") of that sandbox.

    Client credentials by default; retry waits are recorded in ``waits``, not slept. Every
    client made is closed at teardown, the async ones in the test's event loop.
    """
    made: list[AnyClient] = []

    def make(mode: str, sandbox: Sandbox, auth: httpx.Auth | None = None, **options: Any) -> Any:
        if "retry_policy" not in options and "max_retries" not in options:
            options["retry_policy"] = waits.policy()
        kind = DataSync if mode == "sync" else AsyncDataSync
        client = kind(sandbox.base_url, auth=auth or credentials(sandbox), **options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, AsyncDataSync):
            await client.aclose()
        else:
            client.close()


@pytest.fixture
def client(mode: str, sandbox: Sandbox, connect_to: ConnectTo) -> Any:
    """A client of ``sandbox`` in the test's mode (``DataSync`` or ``AsyncDataSync``)."""
    return connect_to(mode, sandbox)
