"""Retries: the policy's decision and Retry-After tables, then the same tables applied by the
client's send loop (through DataSync and its send path, on httpx.MockTransport), then end to end on
real HTTP; sync and async."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from _overlay_support import ClientPair

from datasync_grades import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BearerToken,
    InternalServerError,
    RateLimitError,
)
from datasync_grades._http import httpx
from datasync_grades._retry import RetryPolicy, parse_retry_after
from datasync_grades_api.models import Exchange, Schedule

if TYPE_CHECKING:
    from collections.abc import Callable

    from _overlay_support import RecordedSleeps, ScriptedServer, SyncOrAsync

EXCHANGE = {"data": {"id": "123e4567-e89b-12d3-a456-426614174000", "state": "created"}}
EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")

# -- the decision table ----------------------------------------------------------------

IDEMPOTENT = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]
NOT_IDEMPOTENT = ["POST", "PATCH"]
REQ = httpx.Request("GET", "https://x")


def _exc(cls: type[httpx.TransportError]) -> httpx.TransportError:
    return cls("boom", request=REQ)


STATUS_TABLE = [
    # status, retried for idempotent methods, retried for POST/PATCH
    (400, False, False),
    (401, False, False),
    (403, False, False),
    (404, False, False),
    (408, True, False),
    (409, False, False),
    (422, False, False),
    (429, True, True),
    (500, True, False),
    (501, False, False),
    (502, True, False),
    (503, True, True),
    (504, True, False),
    (520, False, False),
]
EXCEPTION_TABLE = [
    (httpx.ConnectError, True, True),
    (httpx.ConnectTimeout, True, True),
    (httpx.PoolTimeout, True, True),
    (httpx.ReadTimeout, True, False),
    (httpx.ReadError, True, False),
    (httpx.WriteError, True, False),
    (httpx.WriteTimeout, True, False),
    (httpx.RemoteProtocolError, True, False),
    (httpx.LocalProtocolError, False, False),
    (httpx.UnsupportedProtocol, False, False),
    (httpx.ProxyError, False, False),
]


def _retried(method: str, *, attempt: int = 0, max_retries: int = 2, **outcome: Any) -> bool:
    """Whether the policy would retry: ``next_wait`` gives a wait."""
    request = httpx.Request(method, "https://x", content=b"")
    policy = RetryPolicy(max_retries=max_retries)
    return policy.next_wait(request, attempt=attempt, **outcome) is not None


@pytest.mark.parametrize(("status", "idempotent", "not_idempotent"), STATUS_TABLE)
def test_retried_statuses(status: int, idempotent: bool, not_idempotent: bool) -> None:
    for method in IDEMPOTENT:
        assert _retried(method, response=_response(status)) is idempotent, method
        assert _retried(method.lower(), response=_response(status)) is idempotent
    for method in NOT_IDEMPOTENT:
        assert _retried(method, response=_response(status)) is not_idempotent, method


@pytest.mark.parametrize(("cls", "idempotent", "not_idempotent"), EXCEPTION_TABLE)
def test_retried_exceptions(
    cls: type[httpx.TransportError], idempotent: bool, not_idempotent: bool
) -> None:
    for method in IDEMPOTENT:
        assert _retried(method, exc=_exc(cls)) is idempotent, method
    for method in NOT_IDEMPOTENT:
        assert _retried(method, exc=_exc(cls)) is not_idempotent, method


@pytest.mark.parametrize(
    ("max_retries", "attempt", "expected"),
    [(2, 0, True), (2, 1, True), (2, 2, False), (0, 0, False), (5, 4, True), (5, 5, False)],
)
def test_no_retry_after_max_retries(max_retries: int, attempt: int, expected: bool) -> None:
    retried = _retried("GET", response=_response(503), attempt=attempt, max_retries=max_retries)
    assert retried is expected


# -- Retry-After ---------------------------------------------------------------------------

NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1.0),
        ("0", 0.0),
        (" 120 ", 120.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        ("86400000", 86400000.0),  # huge: returned as is, the cap is the policy's business
        ("Thu, 15 Jan 2026 12:00:30 GMT", 30.0),
        ("Thu, 15 Jan 2026 11:59:00 GMT", 0.0),  # in the past
        ("Thu, 15 Jan 2026 12:00:30 -0000", 30.0),  # no zone: UTC
        (
            "Fri, 31 Dec 9999 23:59:59 GMT",
            (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - NOW).total_seconds(),
        ),
        ("soon", None),
        ("", None),
        ("   ", None),
        (None, None),
        ("nan", None),
        ("inf", None),
        ("1e400", None),
        ("Thu, 45 Foo 2026 99:00:00 GMT", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


def test_parse_retry_after_defaults_to_now() -> None:
    later = datetime.fromtimestamp(time.time() + 3600, UTC)
    value = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = parse_retry_after(value)
    assert seconds is not None
    assert 3590 < seconds <= 3600


# -- waits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (20, 8.0)]
)
def test_backoff_is_full_jitter_under_a_capped_exponential(attempt: int, ceiling: float) -> None:
    def wait(random: float) -> float | None:
        policy = RetryPolicy(max_retries=30, random=lambda: random)
        return policy.next_wait(REQ, response=_response(503), attempt=attempt)

    assert (wait(1.0), wait(0.0), wait(0.5)) == (ceiling, 0.0, ceiling / 2)


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize(
    ("method", "status", "headers", "expected"),
    [
        ("GET", 503, {}, 0.25),  # backoff (random 0.5 of 0.5 s)
        ("GET", 503, {"Retry-After": "3"}, 3.0),  # exactly Retry-After, even above max_backoff
        ("GET", 429, {"Retry-After": "60"}, 60.0),  # at the cap: waited
        ("GET", 429, {"Retry-After": "61"}, None),  # above the cap: no retry
        ("POST", 429, {"Retry-After": "1"}, 1.0),
        ("POST", 503, {}, 0.25),
        ("POST", 500, {"Retry-After": "1"}, None),
        ("GET", 500, {"Retry-After": "30"}, 0.25),  # Retry-After counts on 429/503 only
        ("GET", 429, {"Retry-After": "garbage"}, 0.25),
        ("GET", 200, {"Retry-After": "1"}, None),
        ("GET", 404, {}, None),
    ],
)
def test_next_wait(
    method: str, status: int, headers: dict[str, str], expected: float | None
) -> None:
    policy = RetryPolicy(random=lambda: 0.5)
    request = httpx.Request(method, "https://api.example/x", content=b"{}")
    assert policy.next_wait(request, response=_response(status, headers), attempt=0) == expected


def test_next_wait_never_replays_a_one_shot_body() -> None:
    request = httpx.Request("PUT", "https://api.example/x", content=iter([b"chunk"]))
    assert RetryPolicy().next_wait(request, response=_response(503), attempt=0) is None


def test_max_retries_zero_never_waits() -> None:
    request = httpx.Request("GET", "https://api.example/x")
    policy = RetryPolicy(max_retries=0)
    assert policy.next_wait(request, response=_response(503), attempt=0) is None
    assert policy.next_wait(request, exc=_exc(httpx.ConnectError), attempt=0) is None


@pytest.mark.parametrize("field", ["max_retries", "backoff_base", "max_backoff", "max_retry_after"])
def test_policy_rejects_negative_settings(field: str) -> None:
    settings: dict[str, Any] = {field: -1}
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**settings)


# -- the send loop, on httpx.MockTransport ---------------------------------------------------

BASE_URL = "https://api.example/v2/grades"
# Each operation of the client by the HTTP method it sends; what a 200 parses into.
OPERATIONS: dict[str, tuple[Callable[[Any], Any], type | None]] = {
    "GET": (lambda c: c.exchanges.find(EXCHANGE_ID), Exchange),
    "POST": (lambda c: c.exchanges.create(), Exchange),
    "PATCH": (lambda c: c.schedules.update(EXCHANGE_ID, enabled=False), Schedule),
}
# The methods no operation of the spec uses, sent through the client's send path.
RAW_METHODS = [m for m in IDEMPOTENT + NOT_IDEMPOTENT if m not in OPERATIONS]


class _Scripted:
    """A mock handler answering from a list; records the requests and the streams it gave."""

    def __init__(self, *outcomes: int | type[httpx.TransportError]) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []
        self.streams: list[_TrackedStream] = []

    @property
    def calls(self) -> int:
        return len(self.requests)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes.pop(0)
        if not isinstance(outcome, int):
            raise outcome("scripted failure", request=request)
        stream = _TrackedStream()
        self.streams.append(stream)
        headers = {"Content-Type": "application/json"}
        return httpx.Response(outcome, stream=stream, headers=headers)


class _TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that is streamed, not read in advance, and knows whether it was closed."""

    body = b'{"data": {"id": "123e4567-e89b-12d3-a456-426614174000", "state": "created"}}'

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Any:
        yield self.body

    async def __aiter__(self) -> Any:
        yield self.body

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


async def _run(
    sync_or_async: SyncOrAsync,
    handler: _Scripted,
    policy: RetryPolicy,
    method: str,
    **options: Any,
) -> Any:
    """One call with ``method`` through a DataSync (or its send path for the methods no
    operation uses) on a MockTransport; its result, or what it raised."""
    mock = httpx.MockTransport(handler)
    if method in OPERATIONS:
        client = sync_or_async.datasync(
            BASE_URL, auth=BearerToken("t"), transport=mock, retry_policy=policy, **options
        )
        try:
            return await sync_or_async.call(OPERATIONS[method][0](client))
        finally:
            await sync_or_async.close(client)
    pair = ClientPair(
        BASE_URL, auth=BearerToken("t"), transport=mock, retry_policy=policy, **options
    )
    try:
        return await sync_or_async.request(pair, method, "/exchanges", content=b"{}")
    finally:
        pair.sync.close()
        await pair.aio.aclose()


@pytest.mark.parametrize(("status", "idempotent", "not_idempotent"), STATUS_TABLE)
async def test_send_applies_the_status_table(
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
    status: int,
    idempotent: bool,
    not_idempotent: bool,
) -> None:
    for method in IDEMPOTENT + NOT_IDEMPOTENT:
        retried = idempotent if method in IDEMPOTENT else not_idempotent
        handler = _Scripted(status, 200)
        policy = recorded_sleeps.policy(max_retries=1)
        if retried:
            result = await _run(sync_or_async, handler, policy, method)
            expected = OPERATIONS[method][1] if method in OPERATIONS else httpx.Response
            assert isinstance(result, expected), method
        else:
            with pytest.raises(APIStatusError) as caught:
                await _run(sync_or_async, handler, policy, method)
            assert caught.value.status_code == status, method
        assert handler.calls == (2 if retried else 1), method
        assert {r.method for r in handler.requests} == {method}
        assert all(stream.closed for stream in handler.streams), method
    assert len(recorded_sleeps.waits) == (
        (len(IDEMPOTENT) if idempotent else 0) + (len(NOT_IDEMPOTENT) if not_idempotent else 0)
    )


@pytest.mark.parametrize(("cls", "idempotent", "not_idempotent"), EXCEPTION_TABLE)
async def test_send_applies_the_exception_table(
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
    cls: type[httpx.TransportError],
    idempotent: bool,
    not_idempotent: bool,
) -> None:
    for method in IDEMPOTENT + NOT_IDEMPOTENT:
        retried = idempotent if method in IDEMPOTENT else not_idempotent
        handler = _Scripted(cls, 200)
        policy = recorded_sleeps.policy(max_retries=1)
        if retried:
            await _run(sync_or_async, handler, policy, method)
        else:
            with pytest.raises(APIConnectionError) as caught:
                await _run(sync_or_async, handler, policy, method)
            assert caught.value.cause_type == cls.__name__, method
            # The transport error's type is in the message, not in the chain (its request is live).
            assert f"{cls.__name__}: " in str(caught.value), method
            assert caught.value.__cause__ is caught.value.__context__ is None
            assert isinstance(caught.value, APITimeoutError) is issubclass(
                cls, httpx.TimeoutException
            )
        assert handler.calls == (2 if retried else 1), method


async def test_send_retries_then_returns_the_success(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> None:
    handler = _Scripted(503, httpx.ConnectError, 200)
    policy = recorded_sleeps.policy(random=lambda: 1.0)
    exchange = await _run(sync_or_async, handler, policy, "GET")
    assert exchange.id == EXCHANGE_ID
    assert handler.calls == 3
    assert recorded_sleeps.waits == [0.5, 1.0]
    assert [stream.closed for stream in handler.streams] == [True, True]  # no leaked connection
    # Each attempt went through the auth flow again.
    assert [r.headers["authorization"] for r in handler.requests] == ["Bearer t"] * 3


async def test_send_raises_the_last_failure_when_retries_run_out(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> None:
    handler = _Scripted(503, 503, 503, 200)
    with pytest.raises(InternalServerError) as caught:
        await _run(sync_or_async, handler, recorded_sleeps.policy(), "GET")
    assert caught.value.status_code == 503
    assert handler.calls == 3
    assert len(recorded_sleeps.waits) == 2
    assert all(stream.closed for stream in handler.streams)


async def test_send_raises_what_it_does_not_retry(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> None:
    handler = _Scripted(httpx.ReadTimeout, 200)
    with pytest.raises(APITimeoutError) as caught:
        await _run(sync_or_async, handler, recorded_sleeps.policy(), "POST")
    assert caught.value.cause_type == "ReadTimeout" and caught.value.__cause__ is None
    assert "ReadTimeout" in str(caught.value)
    assert handler.calls == 1
    assert recorded_sleeps.waits == []


async def test_send_replays_the_same_body(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> None:
    handler = _Scripted(429, 503, 200)
    await _run(sync_or_async, handler, recorded_sleeps.policy(), "PATCH")
    assert [r.content for r in handler.requests] == [b'{"enabled":false}'] * 3


async def test_send_never_replays_a_one_shot_body(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    # On a real connection: httpx.MockTransport reads a streamed body into memory first,
    # which would make it replayable.
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_client()

    async def chunks() -> Any:
        yield b"chunk"

    content: Any = iter([b"chunk"]) if sync_or_async.mode == "sync" else chunks()
    with pytest.raises(InternalServerError):
        await sync_or_async.request(
            client, "PUT", "/exchanges", content=content, headers={"Content-Length": "5"}
        )
    assert [r.body for r in scripted_server.requests] == [b"chunk"]
    assert recorded_sleeps.waits == []


@pytest.mark.parametrize(("total_timeout", "waits"), [(1.0, []), (None, [5.0])])
async def test_send_does_not_wait_past_the_total_timeout(
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
    total_timeout: float | None,
    waits: list[float],
) -> None:
    # Retry-After 5 s is under max_retry_after, but would end after a 1 s total_timeout.
    def handler(request: httpx.Request) -> httpx.Response:
        statuses.append(503 if not statuses else 200)
        if statuses[-1] == 503:
            return httpx.Response(503, headers={"Retry-After": "5"})
        return httpx.Response(200, json=EXCHANGE)

    statuses: list[int] = []
    client = sync_or_async.datasync(
        BASE_URL,
        auth=BearerToken("t"),
        transport=httpx.MockTransport(handler),
        retry_policy=recorded_sleeps.policy(),
        total_timeout=total_timeout,
    )
    try:
        if waits:
            exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
            assert exchange.id == EXCHANGE_ID
        else:
            with pytest.raises(InternalServerError) as caught:
                await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
            assert caught.value.retry_after == 5.0
    finally:
        await sync_or_async.close(client)
    assert recorded_sleeps.waits == waits
    assert statuses == [503, 200][: len(waits) + 1]


# -- end to end, through DataSync, on real HTTP -------------------------------------------


async def test_get_503_503_200_succeeds_after_two_retries(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(503)
    scripted_server.reply(503, headers={"Retry-After": "0"})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync()
    exchange = await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert exchange.id == EXCHANGE_ID
    assert len(scripted_server.requests) == 3
    assert len(recorded_sleeps.waits) == 2
    assert recorded_sleeps.waits[1] == 0.0  # Retry-After: 0, exactly


async def test_post_whose_read_timed_out_is_not_retried(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(hang=True)  # receives the POST, never answers
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(timeout=httpx.Timeout(5.0, read=0.2))
    with pytest.raises(APITimeoutError) as caught:
        await sync_or_async.call(client.exchanges.create())
    assert caught.value.cause_type == "ReadTimeout" and caught.value.__cause__ is None
    assert "ReadTimeout" in str(caught.value)
    assert [r.method for r in scripted_server.requests] == ["POST"]
    assert recorded_sleeps.waits == []


async def test_post_answered_429_with_retry_after_is_retried_after_exactly_that(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(429, headers={"Retry-After": "1"}, json={"error": {"message": "slow"}})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync()
    created = await sync_or_async.call(client.exchanges.create(metadata=None))
    assert created.id == EXCHANGE_ID
    assert recorded_sleeps.waits == [1.0]
    assert [r.method for r in scripted_server.requests] == ["POST", "POST"]
    assert scripted_server.requests[0].body == scripted_server.requests[1].body


async def test_post_answered_500_is_not_retried(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(500, json={"error": {"message": "oops"}})
    client = make_scripted_datasync()
    with pytest.raises(InternalServerError):
        await sync_or_async.call(client.exchanges.create())
    assert len(scripted_server.requests) == 1
    assert recorded_sleeps.waits == []


async def test_max_retries_zero_does_not_retry(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert caught.value.status_code == 503
    assert len(scripted_server.requests) == 1


async def test_retry_after_above_the_cap_raises_at_once(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(429, headers={"Retry-After": "120"})
    scripted_server.reply(200, json=EXCHANGE)
    client = make_scripted_datasync(retry_policy=recorded_sleeps.policy(max_retry_after=60.0))
    with pytest.raises(RateLimitError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert caught.value.retry_after == 120.0
    assert recorded_sleeps.waits == []
    assert len(scripted_server.requests) == 1


async def test_max_retry_after_argument_sets_the_cap(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(503, headers={"Retry-After": "5"})
    client = make_scripted_datasync(max_retry_after=1.0)
    with pytest.raises(InternalServerError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert caught.value.retry_after == 5.0
    # One request: above the cap there was no retry, hence no wait (a retry would follow one).
    assert len(scripted_server.requests) == 1


async def test_connection_refused_is_retried_then_raised(
    make_scripted_datasync: Callable[..., Any],
    recorded_sleeps: RecordedSleeps,
    sync_or_async: SyncOrAsync,
    unused_port: int,
) -> None:
    client = make_scripted_datasync(base_url=f"http://127.0.0.1:{unused_port}/v2/grades")
    with pytest.raises(APIConnectionError) as caught:
        await sync_or_async.call(client.exchanges.create())
    assert not isinstance(caught.value, APITimeoutError)
    assert caught.value.cause_type == "ConnectError" and caught.value.__cause__ is None
    assert "ConnectError" in str(caught.value)
    assert len(recorded_sleeps.waits) == 2  # never sent, so even a POST is retried


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
