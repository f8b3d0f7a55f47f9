"""End to end: ``DataSync``/``AsyncDataSync`` with ClientCredentials (both auth methods) and
BearerToken (LTI JWT), token expiry and revocation on the sandbox's clock, and the errors when
no token will do."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from _integration import AnyClient, ConnectTo, collect, credentials, hooks

from datasync_grades import AuthenticationError, BearerToken, ClientCredentials, TokenError
from datasync_grades._http import httpx
from datasync_grades_api.models import Consumer, ErrorCode, Schedule
from datasync_grades_sandbox import Sandbox

# One page holds the sandbox's three schedules, and max_items says no page follows (page 0
# alone cannot be judged short): one request per listing.
PAGE_SIZE = 50


async def _list(client: AnyClient) -> list[Schedule]:
    listed = await collect(client.schedules.list(page_size=PAGE_SIZE, max_items=3))
    assert all(isinstance(schedule, Schedule) for schedule in listed)
    return listed


def _status_hooks(mode: str, statuses: list[int]) -> dict[str, Any]:
    """Client options recording the status of every response, 401s included (httpx calls
    response hooks inside the auth flow)."""

    def record(response: httpx.Response) -> None:
        statuses.append(response.status_code)

    return {"event_hooks": hooks(mode, response=record)}


async def test_client_credentials_fetch_one_token_and_reuse_it(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    token_requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> None:
        token_requests.append(request)

    # The one (sync) token client serves the async client too.
    with httpx.Client(event_hooks={"request": [record]}) as token_client:
        auth = credentials(sandbox, token_client=token_client)
        client = connect_to(mode, sandbox, auth=auth)
        first = await _list(client)
        second = await _list(client)

    assert first == second and len(first) == 3
    assert sandbox.tokens_issued == 1
    [request] = token_requests
    form = request.content.decode()
    assert "grant_type=client_credentials" in form
    assert f"client_secret={sandbox.client_secret}" in form
    assert "authorization" not in request.headers


async def test_bearer_token_with_a_minted_lti_jwt(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    auth = BearerToken(sandbox.mint_lti_jwt({"sub": "teacher-1"}))
    client = connect_to(mode, sandbox, auth=auth)
    assert len(await _list(client)) == 3
    assert sandbox.tokens_issued == 0  # the JWT alone was accepted


async def test_expired_lti_jwt_raises_401_without_leaking_it(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    jwt = sandbox.mint_lti_jwt(ttl=60)
    client = connect_to(mode, sandbox, auth=BearerToken(jwt))
    sandbox.advance_clock(120)
    with pytest.raises(AuthenticationError) as caught:
        await _list(client)
    assert caught.value.status_code == 401
    assert "invalid_token" in caught.value.headers["www-authenticate"]
    assert caught.value.code is ErrorCode.INVALID_TOKEN  # the body's error.code, typed
    assert jwt not in str(caught.value) and jwt not in repr(caught.value)


async def test_bearer_token_provider_renews_a_rejected_jwt(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    stale = sandbox.mint_lti_jwt(ttl=60)
    sandbox.advance_clock(120)
    handed_out: list[str] = []

    def provide() -> str:
        handed_out.append(stale if not handed_out else sandbox.mint_lti_jwt(ttl=60))
        return handed_out[-1]

    statuses: list[int] = []
    auth = BearerToken(provide)
    client = connect_to(mode, sandbox, auth=auth, **_status_hooks(mode, statuses))
    assert len(await _list(client)) == 3
    assert statuses == [401, 200]
    assert len(handed_out) == 2 and handed_out[1] != stale


async def test_token_expired_on_the_server_is_refreshed_after_a_401(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(token_ttl=60)
    statuses: list[int] = []
    client = connect_to(mode, sandbox, **_status_hooks(mode, statuses))
    await _list(client)
    sandbox.advance_clock(61)  # the client's clock has not moved: it learns from the 401
    await _list(client)
    assert statuses == [200, 401, 200]
    assert sandbox.tokens_issued == 2


async def test_token_stale_on_the_client_clock_is_refreshed_before_sending(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(token_ttl=60)
    now = [1000.0]
    statuses: list[int] = []
    auth = credentials(sandbox, clock=lambda: now[0])
    client = connect_to(mode, sandbox, auth=auth, **_status_hooks(mode, statuses))
    await _list(client)
    now[0] += 45  # past expires_in minus refresh_skew (30 s), not yet past expiry
    await _list(client)
    assert statuses == [200, 200]
    assert sandbox.tokens_issued == 2


async def test_revoked_token_is_replaced_by_client_credentials(
    sandbox: Sandbox, client: AnyClient
) -> None:
    await _list(client)
    sandbox.revoke_tokens()
    assert len(await _list(client)) == 3
    assert sandbox.tokens_issued == 2


async def test_revoked_token_that_cannot_be_refreshed_raises_401(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    token = sandbox.issue_token()
    client = connect_to(mode, sandbox, auth=BearerToken(token))
    await _list(client)
    sandbox.revoke_tokens()
    with pytest.raises(AuthenticationError) as caught:
        await _list(client)
    assert caught.value.status_code == 401
    assert caught.value.url.endswith(f"/schedules?page=0&page_size={PAGE_SIZE}")
    assert token not in str(caught.value)


async def test_wrong_client_secret_raises_token_error_without_the_secret(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    wrong = "not-the-sandbox-secret"
    auth = ClientCredentials(sandbox.client_id, wrong, token_url=sandbox.token_url)
    client = connect_to(mode, sandbox, auth=auth)
    with pytest.raises(TokenError) as caught:
        await _list(client)
    assert caught.value.status_code == 401
    assert caught.value.error == caught.value.code == "invalid_client"  # the OAuth2 error
    assert wrong not in str(caught.value) and wrong not in repr(auth)
    assert wrong not in repr(client)
    assert sandbox.tokens_issued == 0


async def test_concurrent_requests_on_an_expired_token_fetch_one_new_token(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(token_ttl=60)
    client = connect_to(mode, sandbox)
    await _list(client)
    sandbox.advance_clock(61)
    if mode == "sync":
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.consumer.get(), range(8)))
    else:
        results = await asyncio.gather(*(client.consumer.get() for _ in range(8)))
    assert len(results) == 8 and all(isinstance(result, Consumer) for result in results)
    assert sandbox.tokens_issued == 2


async def test_reprs_of_a_client_show_no_secret_or_token(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    issued: list[str] = []

    def capture(response: httpx.Response) -> None:
        response.read()
        issued.append(response.json()["access_token"])

    with httpx.Client(event_hooks={"response": [capture]}) as token_client:
        auth = credentials(sandbox, token_client=token_client)
        client = connect_to(mode, sandbox, auth=auth)
        await _list(client)
        http = client._sender.http
        shown = [
            repr(client),
            str(client),
            repr(client.exchanges),
            repr(client._sender),
            repr(http),
            repr(auth),
            str(auth),
            repr(http.headers),
        ]

    [token] = issued
    for text in shown:
        assert sandbox.client_secret not in text
        assert token not in text
    assert sandbox.client_id in repr(auth)  # the repr still says which client it is
    assert sandbox.base_url in repr(client)
