"""Fixtures of the end-to-end tests: a sandbox per test, clients made by ``connect()``.

Every test here talks HTTP to a real sandbox on 127.0.0.1 through the public front only
(``datasync_grades`` and the generated ``datasync_grades_api.api`` modules); the sandbox's
own state and counters are read to check what arrived.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from _integration import ConnectTo, RecordedWaits, credentials

from datasync_grades import connect
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_sandbox import Sandbox


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    """Run a test once through the sync functions and once through their async twins."""
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
def connect_to(waits: RecordedWaits) -> Iterator[ConnectTo]:
    """``connect_to(sandbox, auth=None, **connect_kwargs)``: a client of that sandbox.

    Client credentials by default; retry waits are recorded in ``waits``, not slept. The
    sync httpx clients are closed at teardown (async tests close theirs: see ``aclient``).
    """
    made: list[AuthenticatedClient] = []

    def make(
        sandbox: Sandbox, auth: httpx.Auth | None = None, **kwargs: Any
    ) -> AuthenticatedClient:
        if "retry_policy" not in kwargs and "max_retries" not in kwargs:
            kwargs["retry_policy"] = waits.policy()
        client = connect(sandbox.base_url, auth=auth or credentials(sandbox), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.get_httpx_client().close()


@pytest.fixture
async def client(sandbox: Sandbox, connect_to: ConnectTo) -> AsyncIterator[AuthenticatedClient]:
    """A client of ``sandbox``, usable sync and async; its async side is closed in the loop."""
    made = connect_to(sandbox)
    yield made
    await made.get_async_httpx_client().aclose()
