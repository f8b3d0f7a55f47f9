"""pytest fixtures that start a sandbox on a free port of 127.0.0.1.

- ``datasync_sandbox``: a fresh sandbox per test (default settings, seed data).
- ``datasync_sandbox_factory``: a callable taking :class:`Sandbox` keyword arguments, for tests
  that need other settings or faults; every sandbox it starts is stopped after the test.
- ``datasync_sandbox_session``: one sandbox for the whole session, shared state (call
  ``reset()`` where a test needs a clean slate).
- ``datasync_client`` / ``datasync_async_client``: a ``DataSync`` / ``AsyncDataSync`` wired to
  ``datasync_sandbox`` (client credentials), closed after the test. The async one needs a
  plugin that runs async fixtures (pytest-asyncio in auto mode, or anyio).

How pytest finds this plugin:

- installed (``pip install -e .`` or a wheel): through the ``pytest11`` entry point
  ``datasync_grades_sandbox``, in every project that has the package installed;
- in a bare checkout (``pythonpath = sandbox``, nothing installed): ``tests/conftest.py``
  names it in ``pytest_plugins``, but only when the entry point has not already loaded it,
  since pytest refuses to register one module twice.

The sandbox itself is imported inside the fixtures: a project that installed
``datasync-grades`` without the ``sandbox`` extra still runs pytest.

Example::

    def test_lists(datasync_sandbox):
        token = datasync_sandbox.issue_token()
        httpx.get(datasync_sandbox.base_url + "/schedules",
                  headers={"Authorization": f"Bearer {token}"})

    def test_slow(datasync_sandbox_factory):
        sandbox = datasync_sandbox_factory(faults=Faults(latency=0.05))

    def test_reads_details(datasync_sandbox, datasync_client):
        [done] = datasync_sandbox.seed_exchanges(1, state="completed", data=grades)
        assert datasync_client.artifacts.get_exchange_details(done).json() is not None
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from datasync_grades import AsyncDataSync, ClientCredentials, DataSync

    from ._server import Sandbox

__all__ = [
    "datasync_async_client",
    "datasync_client",
    "datasync_sandbox",
    "datasync_sandbox_factory",
    "datasync_sandbox_session",
]


@pytest.fixture
def datasync_sandbox_factory() -> Iterator[Callable[..., Sandbox]]:
    """Start sandboxes with custom settings; all are stopped at teardown."""
    from ._server import Sandbox

    started: list[Sandbox] = []

    def start(**kwargs: Any) -> Sandbox:
        sandbox = Sandbox(**kwargs).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def datasync_sandbox() -> Iterator[Sandbox]:
    """A running sandbox with fresh state, default settings and seed data."""
    from ._server import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def datasync_sandbox_session() -> Iterator[Sandbox]:
    """One running sandbox shared by the whole session."""
    from ._server import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


# The client fixtures import the client inside their bodies, not at the top, and live here
# rather than in a plugin module of their own: the sandbox stays an independent reading of
# the spec that never imports the client (only a test that asks for a client loads it), pytest
# imports this plugin in every project that installs the package without paying for the
# client's import, and one module keeps one entry point.


def _auth(sandbox: Sandbox) -> ClientCredentials:
    from datasync_grades import ClientCredentials

    return ClientCredentials(sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url)


@pytest.fixture
def datasync_client(datasync_sandbox: Sandbox) -> Iterator[DataSync]:
    """A ``DataSync`` on ``datasync_sandbox``, with its client credentials."""
    from datasync_grades import DataSync

    with DataSync(datasync_sandbox.base_url, auth=_auth(datasync_sandbox)) as client:
        yield client


@pytest.fixture
async def datasync_async_client(datasync_sandbox: Sandbox) -> AsyncIterator[AsyncDataSync]:
    """An ``AsyncDataSync`` on ``datasync_sandbox``, with its client credentials."""
    from datasync_grades import AsyncDataSync

    async with AsyncDataSync(datasync_sandbox.base_url, auth=_auth(datasync_sandbox)) as client:
        yield client
