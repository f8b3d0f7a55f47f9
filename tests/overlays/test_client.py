"""DataSync/AsyncDataSync: what they configure, what they pass through to the plain httpx
client each owns, and the auth flow still working beneath the retries."""

from __future__ import annotations

import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

import datasync_grades
from datasync_grades import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    APITimeoutError,
    AsyncDataSync,
    AuthenticationError,
    ClientCredentials,
    DataSync,
    RetryPolicy,
)
from datasync_grades._client import _warn_unverified
from datasync_grades._http import httpx
from datasync_grades_api.models import Exchange

if TYPE_CHECKING:
    from collections.abc import Callable

    from _overlay_support import RecordedSleeps, ScriptedServer, StaticBearer, SyncOrAsync

EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
EXCHANGE = {"data": {"id": str(EXCHANGE_ID), "state": "created"}}
SURFACES = [DataSync, AsyncDataSync]


class NoAuth(httpx.Auth):
    """An httpx.Auth that adds nothing, for tests that send no request."""


def _http(made: Any) -> Any:
    """The plain httpx client a DataSync or an AsyncDataSync owns."""
    http = made._sender.http
    assert type(http) in (httpx.Client, httpx.AsyncClient)  # no subclass of ours
    return http


def test_public_names() -> None:
    for name in (
        "AsyncDataSync",
        "ClientOptions",
        "DataSync",
        "DEFAULT_BASE_URL",
        "DEFAULT_MAX_RESPONSE_BYTES",
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
        "DEFAULT_TOTAL_TIMEOUT",
        "RetryPolicy",
    ):
        assert name in datasync_grades.__all__
    assert DEFAULT_BASE_URL == "https://api.us2.kimonocloud.com/v2/grades"
    assert DEFAULT_MAX_RETRIES == 2
    assert DEFAULT_MAX_RESPONSE_BYTES == 64 * 1024 * 1024
    assert DEFAULT_TOTAL_TIMEOUT is not None and DEFAULT_TOTAL_TIMEOUT > 0


@pytest.mark.parametrize("surface", SURFACES)
def test_defaults_need_no_network(surface: Any) -> None:
    client = surface(auth=NoAuth())
    assert client._sender.base_url == DEFAULT_BASE_URL
    assert _http(client).timeout == DEFAULT_TIMEOUT


def test_the_default_timeout_is_the_documented_one() -> None:
    # The README and ClientOptions' docstring: 30 s for each phase, 5 s to connect.
    assert (DEFAULT_TIMEOUT.connect, DEFAULT_TIMEOUT.read) == (5.0, 30.0)
    assert (DEFAULT_TIMEOUT.write, DEFAULT_TIMEOUT.pool) == (30.0, 30.0)


@pytest.mark.parametrize("surface", SURFACES)
def test_a_number_is_a_timeout_for_every_phase(surface: Any) -> None:
    assert _http(surface(auth=NoAuth(), timeout=3.0)).timeout == httpx.Timeout(3.0)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("auth", [None, ("user", "password"), "token"])
def test_auth_must_be_an_httpx_auth(surface: Any, auth: Any) -> None:
    with pytest.raises(TypeError, match=r"httpx\.Auth"):
        surface(auth=auth)


@pytest.mark.parametrize("surface", SURFACES)
def test_auth_is_required(surface: Any) -> None:
    with pytest.raises(TypeError):
        surface()


@pytest.mark.parametrize("surface", SURFACES)
def test_retry_policy_excludes_the_retry_arguments(surface: Any) -> None:
    with pytest.raises(TypeError, match="retry_policy"):
        surface(auth=NoAuth(), retry_policy=RetryPolicy(), max_retries=5)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    "base_url", ["http://api.example/v2/grades", "http://user:pw@10.0.0.8:8080/v2/grades"]
)
def test_plain_http_to_another_host_is_refused(surface: Any, base_url: str) -> None:
    with pytest.raises(ValueError, match="plain http") as caught:
        surface(base_url, auth=NoAuth())
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    ("base_url", "options"),
    [
        ("http://127.0.0.1:8080/v2/grades", {}),
        ("http://localhost/v2/grades", {}),
        ("http://[::1]:8080/v2/grades", {}),
        ("http://api.example/v2/grades", {"allow_insecure_http": True}),
    ],
)
def test_plain_http_is_allowed_to_loopback_or_when_asked(
    surface: Any, base_url: str, options: dict[str, Any]
) -> None:
    assert surface(base_url, auth=NoAuth(), **options)._sender.base_url == base_url


def test_verify_false_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    _warn_unverified.cache_clear()  # as if no client of this process had been made yet
    with caplog.at_level(logging.WARNING, logger="datasync_grades"):
        AsyncDataSync(auth=NoAuth(), verify=False)
        DataSync(auth=NoAuth(), verify=False)
        DataSync(auth=NoAuth())
    warnings = [r for r in caplog.records if "verify=False" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


def test_the_repr_shows_no_secret() -> None:
    auth = ClientCredentials("client-1", "the-client-secret")
    for cls in (DataSync, AsyncDataSync):
        text = repr(cls("https://user:url-password@api.example/v2/grades", auth=auth))
        assert text.startswith(f"{cls.__name__}(")
        assert "client-1" in text and "api.example" in text
        assert "the-client-secret" not in text
        assert "url-password" not in text


async def test_the_context_managers_close_their_http_clients() -> None:
    with DataSync(auth=NoAuth()) as client:
        assert not _http(client).is_closed
    assert _http(client).is_closed
    async with AsyncDataSync(auth=NoAuth()) as aclient:
        assert not _http(aclient).is_closed
    assert _http(aclient).is_closed


# -- on the wire ---------------------------------------------------------------------------


async def test_user_agent_and_the_auth_header_reach_the_server(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync()
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert isinstance(exchange, Exchange) and exchange.id == EXCHANGE_ID
    [request] = scripted_server.requests
    assert request.path == f"/exchanges/{EXCHANGE_ID}"
    assert re.fullmatch(
        rf"datasync-grades/{re.escape(datasync_grades.__version__)} "
        rf"{httpx.__name__}/{re.escape(httpx.__version__)}",
        request.headers["user-agent"],
    )
    assert request.headers["accept-encoding"] == "gzip"
    # the auth object's header; the generated client's (empty) token is never sent
    assert request.headers["authorization"] == "Bearer s3cr3t-token-value"


async def test_callers_headers_and_httpx_settings_pass_through(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(302, headers={"Location": f"/exchanges/{EXCHANGE_ID}"})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(
        headers={"X-Caller": "yes", "User-Agent": "mine/1.0"},
        cookies={"session": "c1"},
        follow_redirects=True,
        limits=httpx.Limits(max_connections=3),
        verify=False,
    )
    exchange = await sync_or_async.call(client.exchanges.find(uuid.uuid4()))
    assert exchange.id == EXCHANGE_ID
    final = scripted_server.requests[-1]
    assert final.path == f"/exchanges/{EXCHANGE_ID}"
    assert final.headers["x-caller"] == "yes"
    assert final.headers["user-agent"] == "mine/1.0"
    assert final.headers["cookie"] == "session=c1"
    assert _http(client)._transport._pool._max_connections == 3


async def test_callers_event_hooks_run(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
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

    hooks: dict[str, Any] = (
        {"request": [on_request], "response": [on_response]}
        if sync_or_async.mode == "sync"
        else {"request": [aon_request], "response": [aon_response]}
    )
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(event_hooks=hooks)
    await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert seen == [f"{sync_or_async.mode} GET", f"{sync_or_async.mode} 200"]


async def test_the_auth_flow_still_sees_a_401_and_retries_once(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    static_bearer: StaticBearer,
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(401, json={"error": {"message": "expired"}})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync()
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert exchange.id == EXCHANGE_ID
    assert static_bearer.refreshes == 1
    assert recorded_sleeps.waits == []  # the auth flow's retry, not the retry policy's
    assert [r.headers["authorization"] for r in scripted_server.requests] == [
        "Bearer s3cr3t-token-value",
        "Bearer s3cr3t-token-value-refreshed",
    ]


async def test_a_second_401_raises_authentication_error(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(401)
    scripted_server.reply(401, headers={"X-Request-Id": "r-2"})
    client = make_scripted_datasync()
    with pytest.raises(AuthenticationError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert caught.value.request_id == "r-2"
    assert "s3cr3t-token-value" not in str(caught.value)
    assert len(scripted_server.requests) == 2


async def test_a_server_that_never_answers_times_out(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(hang=True)
    client = make_scripted_datasync(timeout=0.2, max_retries=0)
    with pytest.raises(APITimeoutError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    # Plain data: the transport error's type and message, no httpx exception chained.
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)
    assert caught.value.cause_type == "ReadTimeout" and caught.value.method == "GET"
    assert caught.value.url.endswith(f"/exchanges/{EXCHANGE_ID}")


async def test_a_get_that_times_out_is_retried(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    for _ in range(3):
        scripted_server.reply(hang=True)
    client = make_scripted_datasync(timeout=0.2)
    with pytest.raises(APITimeoutError):
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert len(scripted_server.requests) == 3
    assert len(recorded_sleeps.waits) == 2


async def test_a_given_transport_is_used_with_retries_and_auth_above_it(
    recorded_sleeps: RecordedSleeps, static_bearer: StaticBearer, sync_or_async: SyncOrAsync
) -> None:
    statuses = [503, 200]
    seen: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers["authorization"]))
        return httpx.Response(statuses.pop(0), json=EXCHANGE)

    client = sync_or_async.datasync(
        "https://api.example/v2/grades",
        auth=static_bearer,
        transport=httpx.MockTransport(handler),
        retry_policy=recorded_sleeps.policy(),
    )
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    await sync_or_async.close(client)
    assert exchange.id == EXCHANGE_ID
    assert seen == [(f"/v2/grades/exchanges/{EXCHANGE_ID}", "Bearer s3cr3t-token-value")] * 2
    assert len(recorded_sleeps.waits) == 1


async def test_mounts_are_used_with_retries_above_them(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> None:
    statuses = [503, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(statuses.pop(0), json=EXCHANGE)

    async def ahandler(request: httpx.Request) -> httpx.Response:
        return handler(request)

    mock = httpx.MockTransport(handler if sync_or_async.mode == "sync" else ahandler)
    client = sync_or_async.datasync(
        "https://api.example/v2/grades",
        auth=NoAuth(),
        mounts={"https://api.example": mock},
        retry_policy=recorded_sleeps.policy(),
    )
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    await sync_or_async.close(client)
    assert exchange.id == EXCHANGE_ID
    assert statuses == []
    assert len(recorded_sleeps.waits) == 1


async def test_an_explicit_proxy_is_used_with_retries(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(
        base_url="http://datasync.example/v2/grades",
        allow_insecure_http=True,
        proxy=scripted_server.url,
    )
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert exchange.id == EXCHANGE_ID
    assert [r.path for r in scripted_server.requests] == [
        f"http://datasync.example/v2/grades/exchanges/{EXCHANGE_ID}"
    ] * 2


async def test_environment_proxies_are_honoured_with_retries(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", scripted_server.url)
    monkeypatch.setenv("http_proxy", scripted_server.url)
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(
        base_url="http://datasync.example/v2/grades", allow_insecure_http=True
    )
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert exchange.id == EXCHANGE_ID
    assert len(scripted_server.requests) == 2
    assert scripted_server.requests[0].path.startswith("http://datasync.example/")


async def test_no_proxy_goes_direct(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync()
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert exchange.id == EXCHANGE_ID
    assert scripted_server.requests[0].path == f"/exchanges/{EXCHANGE_ID}"


async def test_trust_env_false_ignores_environment_proxies(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(trust_env=False)
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert exchange.id == EXCHANGE_ID
    assert len(scripted_server.requests) == 1


@pytest.mark.parametrize("surface", SURFACES)
def test_each_one_builds_its_own_clients(surface: Any) -> None:
    assert _http(surface(auth=NoAuth())) is not _http(surface(auth=NoAuth()))
