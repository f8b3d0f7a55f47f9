"""ClientCredentials and BearerToken, against a real OAuth2 token endpoint on 127.0.0.1.

Each behaviour runs through an httpx.Client and an httpx.AsyncClient (the ``flow`` fixture);
expiry is driven by an injected clock, never by sleeping.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import signal
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import trustme
from _overlay_support import ClientPair
from _token_server import OAuthServer, running

from datasync_grades import (
    APIConnectionError,
    BearerToken,
    ClientCredentials,
    DataSync,
    DataSyncError,
    TokenError,
)
from datasync_grades._auth import DEFAULT_TOKEN_URL, _seconds
from datasync_grades._client import run_sync
from datasync_grades._http import httpcore, httpx
from datasync_grades._redact import REDACTED

# Characters that form-encoding must get right (":", "/", "+", "%", non-ASCII).
CLIENT_ID = "grades client:1"
SECRET = "s3cr3t/+:%é-value"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Flow:
    """Sends requests through a sync or an async httpx client: one test body covers both."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._runner = asyncio.Runner() if mode == "async" else None
        self._clients: dict[tuple[int, int], Any] = {}
        self._keep: list[object] = []  # ids stay unique while the objects live

    def request(
        self,
        auth: httpx.Auth,
        method: str,
        url: str,
        *,
        chunks: list[bytes] | None = None,
        transport: httpx.MockTransport | None = None,
    ) -> httpx.Response:
        key = (id(auth), id(transport))
        if key not in self._clients:
            self._keep += [auth, transport]
            client_type = httpx.AsyncClient if self._runner else httpx.Client
            self._clients[key] = client_type(auth=auth, transport=transport)
        client = self._clients[key]
        if self._runner is None:
            content = None if chunks is None else iter(chunks)
            return client.request(method, url, content=content)  # type: ignore[no-any-return]

        async def send() -> httpx.Response:
            content = None if chunks is None else _aiter(chunks)
            return await client.request(method, url, content=content)  # type: ignore[no-any-return]

        return self._runner.run(send())

    def get(self, auth: httpx.Auth, url: str, **kwargs: Any) -> httpx.Response:
        return self.request(auth, "GET", url, **kwargs)

    def close(self) -> None:
        for client in self._clients.values():
            if self._runner is None:
                client.close()
            else:
                self._runner.run(client.aclose())
        if self._runner is not None:
            self._runner.close()


async def _aiter(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


@pytest.fixture(params=["sync", "async"])
def flow(request: pytest.FixtureRequest) -> Iterator[Flow]:
    f = Flow(request.param)
    yield f
    f.close()


@pytest.fixture
def server() -> Iterator[OAuthServer]:
    with running(CLIENT_ID, SECRET) as s:
        yield s


def credentials(server: OAuthServer, **kwargs: Any) -> ClientCredentials:
    return ClientCredentials(CLIENT_ID, SECRET, token_url=server.token_url, **kwargs)


def api(server: OAuthServer) -> str:
    return f"{server.url}/api/exchanges"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the grant ---------------------------------------------------------------------------------


def test_client_secret_post_sends_the_credentials_in_the_body(
    flow: Flow, server: OAuthServer
) -> None:
    auth = credentials(server)

    assert flow.get(auth, api(server)).status_code == 200

    [seen] = server.token_requests
    assert seen.form == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
    }
    assert "authorization" not in seen.headers
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"


def test_the_first_request_fetches_a_token_and_later_ones_reuse_it(
    flow: Flow, server: OAuthServer
) -> None:
    auth = credentials(server)

    responses = [flow.get(auth, api(server)) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(server.token_requests) == 1
    [token] = server.issued
    assert [r.headers["authorization"] for r in server.api_requests] == [f"Bearer {token}"] * 3


@pytest.mark.parametrize(
    ("expires_in", "refresh_skew", "refresh_after"),
    [
        (100, 30.0, 70.0),  # the default skew
        (10, 30.0, 5.0),  # a short lifetime: refreshed at half of it, not at once
        (100, 0.0, 100.0),
    ],
)
def test_a_token_is_refreshed_refresh_skew_before_it_expires(
    flow: Flow, server: OAuthServer, expires_in: int, refresh_skew: float, refresh_after: float
) -> None:
    clock = FakeClock()
    start = clock.now
    server.expires_in = expires_in
    auth = credentials(server, refresh_skew=refresh_skew, clock=clock)

    flow.get(auth, api(server))
    clock.now = start + refresh_after - 0.01
    flow.get(auth, api(server))
    assert len(server.token_requests) == 1

    clock.now = start + refresh_after
    assert flow.get(auth, api(server)).status_code == 200
    assert len(server.token_requests) == 2
    assert server.api_requests[-1].headers["authorization"] == f"Bearer {server.issued[1]}"


@pytest.mark.parametrize(
    ("expires_in", "seconds"),
    [
        (60, 60.0),
        ("60", 60.0),
        (-5, 0.0),
        (None, math.inf),
        (True, math.inf),
        ("soon", math.inf),
        ({"s": 1}, math.inf),
        (float("nan"), math.inf),
        (10**400, math.inf),  # float() of it overflows
    ],
)
def test_expires_in_is_read_as_seconds_or_kept_until_a_401(expires_in: Any, seconds: float) -> None:
    assert _seconds(expires_in) == seconds


def test_a_token_without_expires_in_is_kept_until_the_api_answers_401(
    flow: Flow, server: OAuthServer
) -> None:
    clock = FakeClock()
    server.expires_in = None
    auth = credentials(server, clock=clock)

    flow.get(auth, api(server))
    clock.now += 10**9
    assert flow.get(auth, api(server)).status_code == 200
    assert len(server.token_requests) == 1

    server.revoke_all()
    response = flow.get(auth, api(server))

    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [401]
    assert len(server.token_requests) == 2
    assert len(server.api_requests) == 4


def test_a_401_is_retried_exactly_once_with_a_new_token_and_the_same_body(
    flow: Flow, server: OAuthServer
) -> None:
    server.api_always_401 = True
    auth = credentials(server)

    # A streamed body: replayable only because the flow reads it first.
    response = flow.request(auth, "POST", api(server), chunks=[b'{"final": ', b"true}"])

    assert response.status_code == 401
    assert len(server.api_requests) == 2
    assert [r.body for r in server.api_requests] == [b'{"final": true}'] * 2
    assert [r.headers["authorization"] for r in server.api_requests] == [
        f"Bearer {token}" for token in server.issued
    ]
    assert len(server.token_requests) == 2


# -- token endpoint failures -------------------------------------------------------------------

INVALID_CLIENT = b'{"error": "invalid_client", "error_description": "Client authentication failed"}'


@pytest.mark.parametrize(
    ("canned", "error", "description", "message"),
    [
        (
            (400, "application/json", INVALID_CLIENT),
            "invalid_client",
            "Client authentication failed",
            "HTTP 400: invalid_client: Client authentication failed",
        ),
        ((502, "text/html", b"<html>Bad Gateway</html>"), None, None, "error (text/html)"),
        ((200, "text/html", b"<html>login</html>"), None, None, "access_token (text/html)"),
        # A C1 control (CSI) in the Content-Type is escaped in the message, not printed.
        ((502, "text/html\x9b2J", b"<html/>"), None, None, "error (text/html\\x9b2J)"),
        (
            (200, "application/json", b'{"token_type": "Bearer"}'),
            None,
            None,
            "without an access_token (application/json)",
        ),
        (
            (503, "application/json", b'{"detail": "down"}'),
            None,
            None,
            "without an OAuth2 error (application/json)",
        ),
    ],
)
def test_a_token_endpoint_failure_raises_token_error(
    flow: Flow,
    server: OAuthServer,
    canned: tuple[int, str, bytes],
    error: str | None,
    description: str | None,
    message: str,
) -> None:
    server.canned = canned
    auth = credentials(server)

    with pytest.raises(TokenError) as caught:
        flow.get(auth, api(server))

    exc = caught.value
    assert exc.status_code == canned[0]
    assert (exc.error, exc.error_description) == (error, description)
    assert message in str(exc)
    assert server.token_url in str(exc)
    assert server.api_requests == []


def test_wrong_credentials_raise_token_error_from_the_real_grant(
    flow: Flow, server: OAuthServer
) -> None:
    auth = ClientCredentials(CLIENT_ID, "not-the-secret", token_url=server.token_url)

    with pytest.raises(TokenError) as caught:
        flow.get(auth, api(server))

    assert caught.value.status_code == 401
    assert caught.value.error == "invalid_client"
    assert "not-the-secret" not in str(caught.value)


def test_an_unreachable_token_endpoint_raises_a_connection_error_with_no_httpx_chained(
    flow: Flow,
) -> None:
    # Not a TokenError with status 0: the endpoint never answered.
    token_url = f"http://127.0.0.1:{closed_port()}/oauth/token"
    auth = ClientCredentials(CLIENT_ID, SECRET, token_url=token_url)

    with pytest.raises(APIConnectionError) as caught:
        flow.get(auth, "http://127.0.0.1:1/api/exchanges")

    error = caught.value
    assert (error.method, error.url) == ("POST", token_url)
    assert error.cause_type == "ConnectError"
    assert (error.__cause__, error.__context__) == (None, None)
    assert f"POST {token_url} failed: ConnectError" in str(error)


# -- clients: injected, private, shared --------------------------------------------------------


def _token_endpoint(seen: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "injected", "expires_in": 60})

    return handle


def _api_expecting(token: str) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        ok = request.headers.get("authorization") == f"Bearer {token}"
        return httpx.Response(200 if ok else 401)

    return httpx.MockTransport(handle)


def test_an_injected_token_client_is_used_without_its_own_auth() -> None:
    seen: list[httpx.Request] = []
    token_client = httpx.Client(
        transport=httpx.MockTransport(_token_endpoint(seen)), auth=("someone", "else")
    )
    auth = ClientCredentials(CLIENT_ID, SECRET, token_client=token_client)

    with httpx.Client(auth=auth, transport=_api_expecting("injected")) as client:
        assert client.get("https://api.example/v2/grades/exchanges").status_code == 200

    [request] = seen
    assert str(request.url) == DEFAULT_TOKEN_URL
    assert "authorization" not in request.headers


async def test_an_injected_token_client_serves_an_async_client_too_off_its_loop() -> None:
    seen: list[httpx.Request] = []
    fetched_in: list[threading.Thread] = []
    endpoint = _token_endpoint(seen)

    def handle(request: httpx.Request) -> httpx.Response:
        fetched_in.append(threading.current_thread())
        return endpoint(request)

    token_client = httpx.Client(transport=httpx.MockTransport(handle), auth=("someone", "else"))
    auth = ClientCredentials(CLIENT_ID, SECRET, token_client=token_client)

    async with httpx.AsyncClient(auth=auth, transport=_api_expecting("injected")) as client:
        assert (await client.get("https://api.example/v2/grades/exchanges")).status_code == 200

    [request] = seen
    assert str(request.url) == DEFAULT_TOKEN_URL
    assert "authorization" not in request.headers
    assert fetched_in != [threading.current_thread()]  # a worker thread: the loop ran on


def test_a_sync_and_an_async_client_share_one_token(server: OAuthServer) -> None:
    auth = credentials(server)

    with httpx.Client(auth=auth) as client:
        assert client.get(api(server)).status_code == 200

    async def use_async() -> int:
        async with httpx.AsyncClient(auth=auth) as client:
            return (await client.get(api(server))).status_code

    assert asyncio.run(use_async()) == 200
    assert len(server.token_requests) == 1


# -- single flight -----------------------------------------------------------------------------


def _mock_api(server: OAuthServer) -> httpx.MockTransport:
    """The API in memory: a request to it cannot reach the token endpoint by mistake."""

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v2/grades/exchanges"
        ok = request.headers.get("authorization") in {f"Bearer {t}" for t in server.issued}
        return httpx.Response(200 if ok else 401)

    return httpx.MockTransport(handle)


async def test_100_concurrent_tasks_on_a_cold_cache_make_one_token_request(
    server: OAuthServer,
) -> None:
    server.token_delay = 0.05
    auth = credentials(server)

    async with httpx.AsyncClient(auth=auth, transport=_mock_api(server)) as client:
        responses = await asyncio.gather(
            *(client.get("https://api.example/v2/grades/exchanges") for _ in range(100))
        )

    assert [r.status_code for r in responses] == [200] * 100
    assert len(server.token_requests) == 1


def test_20_concurrent_threads_on_a_cold_cache_make_one_token_request(
    server: OAuthServer,
) -> None:
    server.token_delay = 0.05
    auth = credentials(server)
    statuses = _in_threads(20, auth, "https://api.example/v2/grades/exchanges", _mock_api(server))

    assert statuses == [200] * 20
    assert len(server.token_requests) == 1


async def test_concurrent_401s_on_one_token_fetch_one_new_token_async(
    server: OAuthServer,
) -> None:
    auth = credentials(server)
    async with httpx.AsyncClient(auth=auth) as client:
        await client.get(api(server))
        server.revoke_all()
        server.token_delay = 0.05

        responses = await asyncio.gather(*(client.get(api(server)) for _ in range(20)))

    assert [r.status_code for r in responses] == [200] * 20
    assert len(server.token_requests) == 2


def test_concurrent_401s_on_one_token_fetch_one_new_token_in_threads(
    server: OAuthServer,
) -> None:
    auth = credentials(server)
    with httpx.Client(auth=auth) as client:
        client.get(api(server))
    server.revoke_all()
    server.token_delay = 0.05

    assert _in_threads(20, auth, api(server)) == [200] * 20
    assert len(server.token_requests) == 2


def _late_401_api(server: OAuthServer, event: Callable[[], Any]) -> httpx.MockTransport:
    """/slow and /fast both carry the first token; /slow's 401 comes after /fast's retry.

    By then the cache holds the second token, which /slow's 401 must not throw away.
    """
    slow_arrived, retried = event(), event()

    async def wait(e: Any) -> None:
        if isinstance(e, asyncio.Event):
            await e.wait()
        else:
            assert e.wait(timeout=5)

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] != f"Bearer {server.issued[0]}":
            retried.set()
            return httpx.Response(200)
        if request.url.path == "/slow":
            slow_arrived.set()
            await wait(retried)
            return httpx.Response(401)
        if request.url.path == "/fast":
            await wait(slow_arrived)
            return httpx.Response(401)
        return httpx.Response(200)

    def handle_sync(request: httpx.Request) -> httpx.Response:
        return asyncio.run(handle(request))

    return httpx.MockTransport(handle if event is asyncio.Event else handle_sync)


async def test_a_late_401_on_a_replaced_token_keeps_the_new_one_async(server: OAuthServer) -> None:
    auth = credentials(server)
    transport = _late_401_api(server, asyncio.Event)
    async with httpx.AsyncClient(auth=auth, transport=transport) as client:
        await client.get("https://api.example/warm")
        slow = asyncio.create_task(client.get("https://api.example/slow"))
        fast = asyncio.create_task(client.get("https://api.example/fast"))
        responses = await asyncio.gather(slow, fast)

    assert [r.status_code for r in responses] == [200, 200]
    assert len(server.token_requests) == 2


def test_a_late_401_on_a_replaced_token_keeps_the_new_one_in_threads(
    server: OAuthServer,
) -> None:
    auth = credentials(server)
    transport = _late_401_api(server, threading.Event)
    statuses: list[int] = []
    with httpx.Client(auth=auth, transport=transport) as client:
        client.get("https://api.example/warm")
        threads = [
            threading.Thread(target=lambda p=path: statuses.append(client.get(p).status_code))
            for path in ("https://api.example/slow", "https://api.example/fast")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert statuses == [200, 200]
    assert len(server.token_requests) == 2


def _in_threads(
    n: int, auth: httpx.Auth, url: str, transport: httpx.MockTransport | None = None
) -> list[int]:
    barrier = threading.Barrier(n, timeout=30)
    statuses: list[int] = []

    def run() -> None:
        barrier.wait()
        statuses.append(client.get(url).status_code)

    with httpx.Client(auth=auth, transport=transport) as client:
        threads = [threading.Thread(target=run) for _ in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return statuses


# -- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token_url",
    [
        "http://example.com/oauth/token",
        "http://127.0.0.1.example.com/oauth/token",
        "ftp://127.0.0.1/oauth/token",
        "https://user:pass@example.com/oauth/token",
        "/oauth/token",
    ],
)
def test_a_token_url_that_is_not_https_or_loopback_is_refused(token_url: str) -> None:
    with pytest.raises(ValueError, match="token_url"):
        ClientCredentials(CLIENT_ID, SECRET, token_url=token_url)


@pytest.mark.parametrize(
    "token_url",
    [
        "https://example.com/oauth/token",
        "http://127.0.0.1:8080/oauth/token",
        "http://127.4.5.6/oauth/token",
        "http://localhost/oauth/token",
        "http://[::1]:8080/oauth/token",
    ],
)
def test_https_and_loopback_token_urls_are_accepted(token_url: str) -> None:
    assert ClientCredentials(CLIENT_ID, SECRET, token_url=token_url).token_url == token_url


@pytest.mark.parametrize(
    "kwargs",
    [
        {"client_id": ""},
        {"client_secret": ""},
        {"client_secret": "s" * 10_000_000},  # its redaction would take minutes: refused
        {"refresh_skew": -1},
        {"refresh_skew": float("nan")},
    ],
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ClientCredentials(**{"client_id": CLIENT_ID, "client_secret": SECRET, **kwargs})


def test_repr_shows_no_secret() -> None:
    auth = ClientCredentials(CLIENT_ID, SECRET)

    assert repr(auth) == (
        f"ClientCredentials(client_id={CLIENT_ID!r}, token_url={DEFAULT_TOKEN_URL!r})"
    )
    assert repr(BearerToken("jwt-value")) == "BearerToken(token='***')"


# -- BearerToken -------------------------------------------------------------------------------


def _api_accepting(*tokens: str) -> tuple[httpx.MockTransport, list[tuple[str, bytes]]]:
    """The API in memory; ``seen`` gets (Authorization, body) of each request it receives."""
    seen: list[tuple[str, bytes]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        authorization = request.headers.get("authorization", "")
        seen.append((authorization, request.read()))
        ok = authorization in {f"Bearer {t}" for t in tokens}
        return httpx.Response(200 if ok else 401)

    return httpx.MockTransport(handle), seen


class Provider:
    """Hands out a new token on every call: t1, t2, ..."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"t{self.calls}"


def test_bearer_token_sends_a_fixed_token(flow: Flow) -> None:
    transport, seen = _api_accepting("jwt-value")

    response = flow.get(BearerToken("jwt-value"), "https://api.example/x", transport=transport)

    assert response.status_code == 200
    assert seen == [("Bearer jwt-value", b"")]


def test_bearer_token_returns_a_401_on_a_fixed_token_as_is(flow: Flow) -> None:
    transport, seen = _api_accepting("another")

    response = flow.get(BearerToken("jwt-value"), "https://api.example/x", transport=transport)

    assert response.status_code == 401
    assert len(seen) == 1


def test_bearer_token_asks_the_provider_per_request_and_again_after_a_401(flow: Flow) -> None:
    provider = Provider()
    transport, seen = _api_accepting("t2", "t3")
    auth = BearerToken(provider)

    first = flow.request(
        auth, "POST", "https://api.example/x", chunks=[b"a", b"b"], transport=transport
    )
    second = flow.get(auth, "https://api.example/x", transport=transport)

    assert (first.status_code, second.status_code) == (200, 200)
    assert provider.calls == 3
    assert seen == [("Bearer t1", b"ab"), ("Bearer t2", b"ab"), ("Bearer t3", b"")]


def test_bearer_token_retries_a_401_only_once(flow: Flow) -> None:
    provider = Provider()
    transport, seen = _api_accepting()

    response = flow.get(BearerToken(provider), "https://api.example/x", transport=transport)

    assert response.status_code == 401
    assert len(seen) == 2
    assert provider.calls == 2


def test_bearer_token_does_not_retry_when_the_provider_has_nothing_new(flow: Flow) -> None:
    transport, seen = _api_accepting()

    response = flow.get(BearerToken(lambda: "same"), "https://api.example/x", transport=transport)

    assert response.status_code == 401
    assert len(seen) == 1


def test_bearer_token_refuses_a_provider_that_returns_no_token(flow: Flow) -> None:
    transport, _ = _api_accepting()

    with pytest.raises(TokenError, match="returned no str"):
        flow.get(BearerToken(lambda: None), "https://api.example/x", transport=transport)  # type: ignore[arg-type, return-value]


def test_bearer_token_refuses_an_empty_token() -> None:
    with pytest.raises(ValueError):
        BearerToken("")


# -- secrets -----------------------------------------------------------------------------------


def test_no_secret_or_token_in_logs_reprs_or_errors(
    flow: Flow, server: OAuthServer, caplog: pytest.LogCaptureFixture
) -> None:
    for name in (None, httpx.__name__, httpcore.__name__, "datasync_grades"):
        caplog.set_level(logging.DEBUG, logger=name)
    auth = credentials(server)
    bearer = BearerToken("jwt-secret-value")

    flow.get(auth, api(server))
    server.revoke_all()
    flow.get(auth, api(server))  # a 401, a refresh, a retry
    flow.get(bearer, api(server))
    server.canned = (
        400,
        "application/json",
        b'{"error": "invalid_client", "error_description": '
        b'"wrong secret ' + SECRET.encode() + b'"}',
    )
    server.revoke_all()
    with pytest.raises(TokenError) as caught:
        flow.get(auth, api(server))

    secrets = [SECRET, quote_plus(SECRET), "jwt-secret-value", *server.issued]
    assert len(server.issued) == 2
    messages = [record.getMessage() for record in caplog.records]
    assert any(m.startswith(f"POST {server.token_url} -> 200") for m in messages)  # logged
    assert any(record.name.startswith(httpcore.__name__) for record in caplog.records)
    texts = [*messages, repr(auth), str(auth), repr(bearer), str(caught.value)]
    leaks = [(secret, text) for secret in secrets for text in texts if secret in text]
    assert leaks == []


# -- tokens HTTP cannot carry (issue 15, item 1) -----------------------------------------------

FORBIDDEN = {
    "NUL": "jwt-head\x00jwt-tail-value",
    "inner newline": "jwt-head\njwt-tail-value",
    "CR LF": "jwt-head\r\nX-Injected: yes",
    "space": "jwt-head jwt-tail-value",
    "DEL": "jwt-head\x7fjwt-tail-value",
    "non-ASCII": "jwt-head-é-jwt-tail-value",
    # A 10 MB token would be a 10 MB header, and its redaction would take minutes.
    "over 8 KiB": "jwt-head" + "t" * 10_000_000,
}


def test_a_fixed_bearer_token_is_sent_without_surrounding_whitespace(flow: Flow) -> None:
    transport, seen = _api_accepting("jwt-value")

    # A JWT read from a file keeps its trailing newline.
    response = flow.get(BearerToken(" jwt-value\r\n"), "https://api.example/x", transport=transport)

    assert response.status_code == 200
    assert seen == [("Bearer jwt-value", b"")]


@pytest.mark.parametrize("token", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_a_fixed_bearer_token_with_a_forbidden_character_is_refused_unshown(token: str) -> None:
    with pytest.raises(ValueError, match="not shown") as caught:
        BearerToken(token)
    assert "jwt" not in str(caught.value)


def test_a_whitespace_only_bearer_token_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        BearerToken(" \n")


def test_a_provider_token_is_sent_without_surrounding_whitespace(flow: Flow) -> None:
    transport, seen = _api_accepting("t1")

    response = flow.get(BearerToken(lambda: "t1\n"), "https://api.example/x", transport=transport)

    assert response.status_code == 200
    assert seen == [("Bearer t1", b"")]


@pytest.mark.parametrize("token", [*FORBIDDEN.values(), "\n"], ids=[*FORBIDDEN.keys(), "empty"])
def test_a_provider_token_with_a_forbidden_character_raises_token_error_unshown(
    flow: Flow, token: str
) -> None:
    transport, seen = _api_accepting()

    with pytest.raises(TokenError, match="BearerToken's token provider returned") as caught:
        flow.get(BearerToken(lambda: token), "https://api.example/x", transport=transport)

    assert isinstance(caught.value, DataSyncError) and caught.value.status_code == 0
    assert "jwt" not in str(caught.value) and caught.value.url == ""
    assert seen == []


def test_an_issued_token_is_used_without_surrounding_whitespace(
    flow: Flow, server: OAuthServer
) -> None:
    server.issue_as = lambda token: f"{token}\n"

    response = flow.get(credentials(server), api(server))

    assert response.status_code == 200
    assert server.api_requests[0].headers["authorization"] == f"Bearer {server.issued[0]}"


@pytest.mark.parametrize("where", ["\x00", "\n", " ", "é"], ids=["NUL", "LF", "space", "é"])
def test_an_issued_token_with_a_forbidden_character_raises_token_error_unshown(
    flow: Flow, server: OAuthServer, where: str
) -> None:
    server.issue_as = lambda token: token[:6] + where + token[6:]

    with pytest.raises(TokenError, match="HTTP 200 with an access_token over 8 KiB, or") as caught:
        flow.get(credentials(server), api(server))

    [issued] = server.issued
    texts = [str(caught.value), repr(vars(caught.value)), repr(caught.value.args)]
    assert [text for text in texts if issued[6:] in text] == []
    assert caught.value.body is None  # a 2xx body may hold a token: not kept
    assert server.api_requests == []


# -- redirects (item 6) ------------------------------------------------------------------------


def _redirecting_token_endpoint(
    elsewhere: list[httpx.Request],
) -> Callable[[httpx.Request], httpx.Response]:
    location = f"http://elsewhere.example/steal?client_secret={quote_plus(SECRET)}"

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host != "elsewhere.example":
            return httpx.Response(307, headers={"Location": location})
        elsewhere.append(request)
        return httpx.Response(200, json={"access_token": "issued-elsewhere", "expires_in": 60})

    return handle


def _assert_redirect_refused(error: TokenError, elsewhere: list[httpx.Request]) -> None:
    assert elsewhere == []
    assert error.status_code == 307
    assert "HTTP 307, a redirect, not followed" in str(error)
    assert "elsewhere" not in str(error)
    assert error.headers["location"] == "http://elsewhere.example/steal?client_secret=[redacted]"


def test_the_token_request_does_not_follow_a_redirect_even_if_its_client_would() -> None:
    elsewhere: list[httpx.Request] = []
    token_client = httpx.Client(
        transport=httpx.MockTransport(_redirecting_token_endpoint(elsewhere)),
        follow_redirects=True,
    )
    auth = ClientCredentials(CLIENT_ID, SECRET, token_client=token_client)

    with (
        httpx.Client(auth=auth, transport=_api_expecting("issued-elsewhere")) as client,
        pytest.raises(TokenError) as caught,
    ):
        client.get("https://api.example/v2/grades/exchanges")

    _assert_redirect_refused(caught.value, elsewhere)


async def test_the_async_token_request_does_not_follow_a_redirect_even_if_its_client_would() -> (
    None
):
    elsewhere: list[httpx.Request] = []
    token_client = httpx.Client(
        transport=httpx.MockTransport(_redirecting_token_endpoint(elsewhere)),
        follow_redirects=True,
    )
    auth = ClientCredentials(CLIENT_ID, SECRET, token_client=token_client)

    async with httpx.AsyncClient(auth=auth, transport=_api_expecting("issued-elsewhere")) as client:
        with pytest.raises(TokenError) as caught:
            await client.get("https://api.example/v2/grades/exchanges")

    _assert_redirect_refused(caught.value, elsewhere)


def test_a_redirect_from_the_real_token_endpoint_is_a_token_error(
    flow: Flow, server: OAuthServer
) -> None:
    server.canned = (302, "text/html", b"<a href='/login'>moved</a>")

    with pytest.raises(TokenError, match="HTTP 302, a redirect, not followed"):
        flow.get(credentials(server), api(server))
    assert server.api_requests == []


# -- what a TokenError holds (item 7) ------------------------------------------------------------


def _secret_forms() -> list[str]:
    return [SECRET, quote_plus(SECRET), quote(SECRET, safe="")]


@pytest.mark.parametrize("echo", ["json", "text"])
def test_a_token_endpoint_echoing_the_request_shows_the_secret_in_no_form(
    flow: Flow, server: OAuthServer, echo: str
) -> None:
    server.token_echo = echo
    auth = credentials(server)

    with pytest.raises(TokenError) as caught:
        flow.get(auth, api(server))

    [seen] = server.token_requests
    sent = seen.body.decode()
    forms = _secret_forms()
    assert any(form in sent for form in forms)  # the echo had something to leak
    error = caught.value
    assert error.status_code == 400 and (error.__cause__, error.__context__) == (None, None)
    texts = [str(error), repr(error.args), repr(vars(error))]
    assert [(form, text) for form in forms for text in texts if form in text] == []
    # What is no secret stays readable: in the message (an OAuth2 error) or the body (text).
    assert "grant_type=client_credentials" in (str(error) if echo == "json" else error.body)
    if echo == "json":
        assert error.error == "invalid_request"
        assert error.error_description is not None and REDACTED in error.error_description


def test_a_long_error_description_is_cut_short_in_the_message(
    flow: Flow, server: OAuthServer
) -> None:
    description = "because " + "very " * 200 + "long"
    server.canned = (
        400,
        "application/json",
        json.dumps({"error": "invalid_client", "error_description": description}).encode(),
    )

    with pytest.raises(TokenError) as caught:
        flow.get(credentials(server), api(server))

    assert len(str(caught.value)) < 300
    assert caught.value.error_description == description


# -- transport settings reach the token request (item 5) ---------------------------------------


async def _call(mode: str, client: ClientPair, path: str = "/exchanges") -> int:
    request = {"method": "get", "url": path}
    if mode == "sync":
        return run_sync(client.sync._sender.request(request)).status_code
    return (await client.aio._sender.request(request)).status_code


@pytest.fixture
def proxy() -> Iterator[OAuthServer]:
    """A second server that answers as a proxy would (it knows the same client)."""
    with running(CLIENT_ID, SECRET) as s:
        yield s


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_trust_env_false_keeps_the_token_request_away_from_an_environment_proxy(
    mode: str, server: OAuthServer, proxy: OAuthServer, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", proxy.url)
    client = ClientPair(f"{server.url}/api", auth=credentials(server), trust_env=False)

    async with client:
        assert await _call(mode, client) == 200

    assert proxy.token_requests == [] and proxy.api_requests == []
    assert len(server.token_requests) == 1 and not server.token_requests[0].proxied


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_proxy_given_to_the_client_carries_the_token_request_too(
    mode: str, server: OAuthServer, proxy: OAuthServer, no_proxy_env: pytest.MonkeyPatch
) -> None:
    client = ClientPair(f"{server.url}/api", auth=credentials(server), proxy=proxy.url)

    async with client:
        assert await _call(mode, client) == 200

    assert server.token_requests == [] and server.api_requests == []
    [token_request] = proxy.token_requests
    assert token_request.proxied and token_request.path == "/oauth/token"
    assert proxy.api_requests[0].proxied


@pytest.fixture(scope="module")
def private_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_server(private_ca: trustme.CA) -> Iterator[OAuthServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    private_ca.issue_cert("127.0.0.1").configure_cert(context)
    with running(CLIENT_ID, SECRET, context) as s:
        yield s


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_verify_given_to_the_client_verifies_the_token_endpoint_too(
    mode: str, tls_server: OAuthServer, private_ca: trustme.CA
) -> None:
    trusting = ssl.create_default_context()
    private_ca.configure_trust(trusting)
    auth = credentials(tls_server)
    assert tls_server.token_url.startswith("https://127.0.0.1:")

    async with ClientPair(f"{tls_server.url}/api", auth=auth, verify=trusting) as client:
        assert await _call(mode, client) == 200
    assert len(tls_server.token_requests) == 1

    # And without it the private CA is not trusted, token request included.
    async with ClientPair(f"{tls_server.url}/api", auth=credentials(tls_server)) as client:
        with pytest.raises(APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            await _call(mode, client)


def test_an_injected_token_client_is_used_as_given_whatever_the_client_was_told(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    seen: list[httpx.Request] = []
    token_client = httpx.Client(transport=httpx.MockTransport(_token_endpoint(seen)))
    auth = ClientCredentials(CLIENT_ID, SECRET, token_client=token_client)
    client = DataSync(
        "https://api.example/v2/grades",
        auth=auth,
        proxy=f"http://127.0.0.1:{closed_port()}",
        transport=_api_expecting("injected"),
    )

    with client:
        response = run_sync(client._sender.request({"method": "get", "url": "/exchanges"}))
        assert response.status_code == 200
    assert len(seen) == 1


# -- what the client must never show (_secrets) --------------------------------------------------


def test_client_credentials_secrets_are_the_secret_and_recent_tokens(
    server: OAuthServer,
) -> None:
    auth = credentials(server)
    assert auth._redactor.secrets() == (SECRET,)

    with httpx.Client(auth=auth) as client:
        for _ in range(6):
            client.get(api(server))
            server.revoke_all()

    assert len(server.issued) == 6  # each request after a revocation: a 401, a new token
    # Every token used, not the last 4: a late answer may quote any of them.
    assert auth._redactor.secrets() == (SECRET, *server.issued)


def test_bearer_token_secrets_are_the_token_or_the_providers_recent_ones(flow: Flow) -> None:
    assert BearerToken("fixed-token\n")._redactor.secrets() == ("fixed-token",)
    tokens = iter(f"jwt-{n:04}" for n in range(1, 20))
    auth = BearerToken(lambda: next(tokens))
    transport, _ = _api_accepting(*(f"jwt-{n:04}" for n in range(1, 20)))

    for _ in range(6):
        flow.get(auth, "https://api.example/x", transport=transport)

    # Every token the provider gave, not the last 4 (shorter ones are never searched for).
    assert auth._redactor.secrets() == tuple(f"jwt-{n:04}" for n in range(1, 7))


# -- single flight across event loops (item 11) -------------------------------------------------


def _in_loops(n: int, auth: httpx.Auth, url: str, transport: httpx.MockTransport) -> list[int]:
    """``n`` threads, each running its own event loop with its own AsyncClient."""
    barrier = threading.Barrier(n, timeout=30)
    statuses: list[int] = []

    async def one() -> int:
        async with httpx.AsyncClient(auth=auth, transport=transport) as client:
            barrier.wait()
            return (await client.get(url)).status_code

    def run() -> None:
        statuses.append(asyncio.run(one()))

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_4_threads_each_with_its_own_loop_make_one_token_request(server: OAuthServer) -> None:
    server.token_delay = 0.2
    auth = credentials(server)

    statuses = _in_loops(4, auth, "https://api.example/v2/grades/exchanges", _mock_api(server))

    assert statuses == [200] * 4
    assert len(server.token_requests) == 1


def test_sync_threads_and_loops_together_make_one_token_request(server: OAuthServer) -> None:
    server.token_delay = 0.2
    auth = credentials(server)
    url, transport = "https://api.example/v2/grades/exchanges", _mock_api(server)
    results: list[list[int]] = []
    workers = [
        threading.Thread(target=lambda: results.append(_in_loops(3, auth, url, transport))),
        threading.Thread(target=lambda: results.append(_in_threads(3, auth, url, transport))),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(status for statuses in results for status in statuses) == [200] * 6
    assert len(server.token_requests) == 1


def test_callers_waiting_on_a_failing_token_request_share_its_error(server: OAuthServer) -> None:
    server.canned = (400, "application/json", INVALID_CLIENT)
    server.token_delay = 0.2
    auth = credentials(server)
    url, transport = "https://api.example/v2/grades/exchanges", _mock_api(server)
    barrier = threading.Barrier(6, timeout=30)
    errors: list[BaseException] = []

    async def in_own_loop() -> None:
        async with httpx.AsyncClient(auth=auth, transport=transport) as client:
            barrier.wait()
            await client.get(url)

    def in_thread() -> None:
        barrier.wait()
        client.get(url)

    def run(call: Callable[[], Any]) -> None:
        try:
            call()
        except TokenError as exc:
            errors.append(exc)

    with httpx.Client(auth=auth, transport=transport) as client:
        threads = [threading.Thread(target=run, args=(in_thread,)) for _ in range(4)]
        threads += [
            threading.Thread(target=run, args=(lambda: asyncio.run(in_own_loop()),))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(errors) == 6
    assert all(getattr(e, "error", None) == "invalid_client" for e in errors)
    assert len(server.token_requests) == 1


async def test_cancelling_the_task_that_started_the_token_request_does_not_stop_it(
    server: OAuthServer,
) -> None:
    server.token_delay = 0.2
    auth = credentials(server)
    url = "https://api.example/v2/grades/exchanges"
    async with httpx.AsyncClient(auth=auth, transport=_mock_api(server)) as client:
        fetching = asyncio.create_task(client.get(url))
        while not server.token_requests:
            await asyncio.sleep(0.005)
        waiting = asyncio.create_task(client.get(url))
        await asyncio.sleep(0.02)  # the waiter joins the flight under way
        fetching.cancel()

        response = await waiting

    assert response.status_code == 200
    assert fetching.cancelled()
    assert len(server.token_requests) == 1  # the waiter got the token the cancelled task asked


@pytest.mark.timeout(30)
async def test_a_token_request_every_waiter_gave_up_on_still_fills_the_cache(
    server: OAuthServer,
) -> None:
    server.token_delay = 0.2
    auth = credentials(server)
    url = "https://api.example/v2/grades/exchanges"
    async with httpx.AsyncClient(auth=auth, transport=_mock_api(server)) as client:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(client.get(url) for _ in range(3))), 0.05)
        while len(auth._redactor.secrets()) < 2:  # the token lands, with no one waiting for it
            await asyncio.sleep(0.01)

        assert (await client.get(url)).status_code == 200

    assert len(server.token_requests) == 1


@pytest.mark.timeout(30)
def test_a_caller_interrupted_in_its_token_request_leaves_the_others_one_new_request() -> None:
    # Ctrl-C reaches the main thread during the token request it makes: that request stops
    # there, and the thread and the task waiting for it get a token from one new request
    # (still one at a time), which later callers reuse.
    main, waiting = threading.get_ident(), threading.Event()
    calls: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(len(calls))
        if len(calls) == 1:
            waiting.set()
            time.sleep(0.2)  # both waiters wait for this request
            signal.pthread_kill(main, signal.SIGINT)  # Ctrl-C
            time.sleep(5)  # (interrupted)
        return httpx.Response(200, json={"access_token": "t1", "expires_in": 60})

    token_client = httpx.Client(transport=httpx.MockTransport(handle))
    auth = ClientCredentials(CLIENT_ID, SECRET, token_client=token_client)
    url, api = "https://api.example/v2/grades/exchanges", _api_expecting("t1")
    outcomes: list[int] = []

    async def in_own_loop() -> int:
        async with httpx.AsyncClient(auth=auth, transport=api) as client:
            return (await client.get(url)).status_code

    def waiting_thread() -> None:
        with httpx.Client(auth=auth, transport=api) as client:
            outcomes.append(client.get(url).status_code)

    waiters = [
        threading.Thread(target=lambda: waiting.wait(10) and waiting_thread()),
        threading.Thread(
            target=lambda: waiting.wait(10) and outcomes.append(asyncio.run(in_own_loop()))
        ),
    ]
    # Python's own Ctrl-C handler, whatever started the tests: a shell's background job (CI
    # scripts) inherits SIGINT ignored, and then Python installs none.
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for waiter in waiters:
            waiter.start()
        with httpx.Client(auth=auth, transport=api) as client, pytest.raises(KeyboardInterrupt):
            client.get(url)
        for waiter in waiters:
            waiter.join()
    finally:
        signal.signal(signal.SIGINT, handler)

    assert outcomes == [200, 200]
    with httpx.Client(auth=auth, transport=api) as client:
        assert client.get(url).status_code == 200
    assert calls == [0, 1]  # the interrupted request, then one for all the others


@pytest.mark.timeout(30)
async def test_a_sync_request_inside_the_loop_that_is_fetching_waits_for_it_without_deadlock(
    server: OAuthServer,
) -> None:
    server.token_delay = 0.2
    auth = credentials(server)
    url, transport = "https://api.example/v2/grades/exchanges", _mock_api(server)
    async with httpx.AsyncClient(auth=auth, transport=transport) as client:
        fetching = asyncio.create_task(client.get(url))
        while not server.token_requests:
            await asyncio.sleep(0.005)
        # Blocking this loop while its own task fetches: the fetch runs in a thread, not on
        # this loop, so waiting for it ends.
        with httpx.Client(auth=auth, transport=transport) as sync_client:
            assert sync_client.get(url).status_code == 200
        assert (await fetching).status_code == 200
    assert len(server.token_requests) == 1
