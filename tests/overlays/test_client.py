"""connect(): what it configures, what it passes through, and the auth flow still working."""

from __future__ import annotations

import re
import sys
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

import datasync_grades
from datasync_grades import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    APITimeoutError,
    AuthenticationError,
    RetryPolicy,
    connect,
)
from datasync_grades_api.api.exchanges import find_exchange
from datasync_grades_api.client import AuthenticatedClient

if TYPE_CHECKING:
    from collections.abc import Callable

    from _overlay_support import RecordedSleeps, ScriptedServer, StaticBearer, SyncOrAsync

EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
EXCHANGE = {"data": {"id": str(EXCHANGE_ID), "state": "created"}}


class NoAuth(httpx.Auth):
    """An httpx.Auth that adds nothing, for tests that send no request."""


def test_public_names() -> None:
    for name in (
        "connect",
        "DEFAULT_BASE_URL",
        "DEFAULT_TIMEOUT",
        "DEFAULT_MAX_RETRIES",
        "RetryPolicy",
    ):
        assert name in datasync_grades.__all__
    assert DEFAULT_BASE_URL == "https://api.us2.kimonocloud.com/v2/grades"
    assert DEFAULT_MAX_RETRIES == 2


def test_defaults_need_no_network() -> None:
    client = connect(auth=NoAuth())
    assert isinstance(client, AuthenticatedClient)
    for http in (client.get_httpx_client(), client.get_async_httpx_client()):
        assert str(http.base_url) == DEFAULT_BASE_URL + "/"
        assert http.timeout == DEFAULT_TIMEOUT
    client.get_httpx_client().close()


def test_the_default_timeout_is_explicit() -> None:
    assert DEFAULT_TIMEOUT.connect is not None
    assert DEFAULT_TIMEOUT.read is not None
    assert DEFAULT_TIMEOUT.write is not None
    assert DEFAULT_TIMEOUT.pool is not None


def test_a_number_is_a_timeout_for_every_phase() -> None:
    client = connect(auth=NoAuth(), timeout=3.0)
    assert client.get_httpx_client().timeout == httpx.Timeout(3.0)
    assert client.get_async_httpx_client().timeout == httpx.Timeout(3.0)


@pytest.mark.parametrize("auth", [None, ("user", "password"), "token"])
def test_auth_must_be_an_httpx_auth(auth: Any) -> None:
    with pytest.raises(TypeError, match=r"httpx\.Auth"):
        connect(auth=auth)


def test_auth_is_required() -> None:
    with pytest.raises(TypeError):
        connect()  # type: ignore[call-arg]


def test_retry_policy_excludes_the_retry_arguments() -> None:
    with pytest.raises(TypeError, match="retry_policy"):
        connect(auth=NoAuth(), retry_policy=RetryPolicy(), max_retries=5)


def test_mounts_are_refused() -> None:
    with pytest.raises(TypeError, match="mounts"):
        connect(auth=NoAuth(), mounts={})


async def test_user_agent_and_the_auth_header_reach_the_server(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client()
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200
    headers = scripted_server.requests[0].headers
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert re.fullmatch(
        rf"datasync-grades/{re.escape(datasync_grades.__version__)} "
        rf"httpx/{re.escape(httpx.__version__)} python/{re.escape(python)}",
        headers["user-agent"],
    )
    # the auth object's header; the generated client's (empty) token is never sent
    assert headers["authorization"] == "Bearer s3cr3t-token-value"


async def test_callers_headers_and_httpx_settings_pass_through(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(302, headers={"Location": f"/exchanges/{EXCHANGE_ID}"})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client(
        headers={"X-Caller": "yes", "User-Agent": "mine/1.0"},
        cookies={"session": "c1"},
        follow_redirects=True,
        limits=httpx.Limits(max_connections=3),
        verify=False,
    )
    response = await sync_or_async.detailed(find_exchange, uuid.uuid4(), client=client)
    assert response.status_code == 200
    final = scripted_server.requests[-1]
    assert final.path == f"/exchanges/{EXCHANGE_ID}"
    assert final.headers["x-caller"] == "yes"
    assert final.headers["user-agent"] == "mine/1.0"
    assert final.headers["cookie"] == "session=c1"


async def test_callers_event_hooks_run(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    seen: list[str] = []

    def on_request(request: httpx.Request) -> None:
        seen.append(f"sync {request.method}")

    def on_response(response: httpx.Response) -> None:
        seen.append(f"sync {response.status_code}")

    async def aon_request(request: httpx.Request) -> None:
        seen.append(f"async {request.method}")

    async def aon_response(response: httpx.Response) -> None:
        seen.append(f"async {response.status_code}")

    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client(
        event_hooks={"request": [on_request], "response": [on_response]},
        async_event_hooks={"request": [aon_request], "response": [aon_response]},
    )
    await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert seen == [f"{sync_or_async.mode} GET", f"{sync_or_async.mode} 200"]


async def test_the_auth_flow_still_sees_a_401_and_retries_once(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    static_bearer: StaticBearer,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(401, json={"error": {"message": "expired"}})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client()
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200
    assert static_bearer.refreshes == 1
    assert [r.headers["authorization"] for r in scripted_server.requests] == [
        "Bearer s3cr3t-token-value",
        "Bearer s3cr3t-token-value-refreshed",
    ]


async def test_a_second_401_raises_authentication_error(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(401)
    scripted_server.reply(401, headers={"X-Request-Id": "r-2"})
    client = make_scripted_client()
    with pytest.raises(AuthenticationError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert caught.value.request_id == "r-2"
    assert len(scripted_server.requests) == 2


async def test_a_server_that_never_answers_times_out(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(hang=True)
    client = make_scripted_client(timeout=0.2, max_retries=0)
    with pytest.raises(APITimeoutError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert caught.value.request is not None


async def test_a_get_that_times_out_is_retried(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    for _ in range(3):
        scripted_server.reply(hang=True)
    client = make_scripted_client(timeout=0.2)
    with pytest.raises(APITimeoutError):
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert len(scripted_server.requests) == 3
    assert len(recorded_sleeps.waits) == 2


async def test_a_given_transport_is_used_with_retries_around_it(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> None:
    statuses = [503, 200]
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(statuses.pop(0), json=EXCHANGE)

    mock = httpx.MockTransport(handler)
    client = connect(
        "https://api.example/v2/grades",
        auth=NoAuth(),
        transport=mock,
        async_transport=mock,
        retry_policy=recorded_sleeps.policy(),
    )
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200
    assert paths == [f"/v2/grades/exchanges/{EXCHANGE_ID}"] * 2
    assert len(recorded_sleeps.waits) == 1


async def test_an_explicit_proxy_is_used_with_retries(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client(
        base_url="http://datasync.example/v2/grades", proxy=scripted_server.url
    )
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200
    assert [r.path for r in scripted_server.requests] == [
        f"http://datasync.example/v2/grades/exchanges/{EXCHANGE_ID}"
    ] * 2


async def test_environment_proxies_are_honoured_with_retries(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", scripted_server.url)
    monkeypatch.setenv("http_proxy", scripted_server.url)
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client(base_url="http://datasync.example/v2/grades")
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200
    assert len(scripted_server.requests) == 2
    assert scripted_server.requests[0].path.startswith("http://datasync.example/")


async def test_no_proxy_goes_direct(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client()
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200
    assert scripted_server.requests[0].path == f"/exchanges/{EXCHANGE_ID}"


async def test_trust_env_false_ignores_environment_proxies(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client(trust_env=False)
    response = await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert response.status_code == 200


def test_each_connect_builds_its_own_clients() -> None:
    first, second = connect(auth=NoAuth()), connect(auth=NoAuth())
    assert first.get_httpx_client() is not second.get_httpx_client()
    assert first.get_async_httpx_client() is not second.get_async_httpx_client()
