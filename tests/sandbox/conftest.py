"""Fixtures of the sandbox tests: a sandbox whose responses must all conform to the spec, and
plain httpx clients: these tests check the server alone, with the datasync_grades client only
where they test the plugin's client fixtures (test_sandbox_plugin.py) or seed for a consumer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from datasync_grades_sandbox import Sandbox


@pytest.fixture
def sandbox(datasync_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The plugin's fresh sandbox; after the test, no response of it may have broken the spec."""
    yield datasync_sandbox
    assert datasync_sandbox.response_validation_errors == []


@pytest.fixture
def datasync_sandbox_factory(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> Iterator[Callable[..., Sandbox]]:
    """The plugin's factory, with the same after-test check of every sandbox it started."""
    started: list[Sandbox] = []

    def start(**kwargs: Any) -> Sandbox:
        sandbox = datasync_sandbox_factory(**kwargs)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        assert sandbox.response_validation_errors == []


@pytest.fixture
def token(sandbox: Sandbox) -> str:
    return sandbox.issue_token()


@pytest.fixture
def api(sandbox: Sandbox, token: str) -> Iterator[httpx.Client]:
    """An httpx client on the API's base URL, authenticated with an access token."""
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as client:
        yield client


@pytest.fixture
async def aapi(sandbox: Sandbox, token: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as client:
        yield client
