"""Hostile answers: whatever a server (or a proxy in front of it) sends, the client raises one of
the package's typed errors or parses tolerantly; never a bare ValueError, KeyError,
AttributeError, TypeError, RecursionError or RuntimeError, and never a hang.

Each answer is scripted byte for byte by :class:`RawServer` on 127.0.0.1, and each case runs
through ``DataSync`` and ``AsyncDataSync`` (the ``mode`` fixture). Every call is bounded
(``asyncio.wait_for``; a sync call runs in a daemon thread and is waited for the same way), so
a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import json
import threading
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, NamedTuple, TypeVar

import attrs
import pytest
from _raw_server import RawRequest, RawServer, http_response, json_response

from datasync_grades import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ArtifactError,
    AsyncDataSync,
    BadRequestError,
    BearerToken,
    ClientCredentials,
    DataSync,
    DataSyncError,
    InternalServerError,
    MemoryCheckpoint,
    PaginationError,
    RateLimitError,
    ResponseValidationError,
    RetryPolicy,
    TokenError,
    UploadError,
    plan_chunks,
)
from datasync_grades._http import httpx
from datasync_grades_api.models import Exchange, ExchangeError, ExchangeErrorCode
from datasync_grades_api.types import Unset

T = TypeVar("T")

EXCHANGE_ID = uuid.UUID("6f1c2a4e-9b7d-4e25-8a51-0c3d2e1f4a5b")
TOKEN = "hostile-test-bearer-token-0123456789"
READ_TIMEOUT = 0.5
BOUND = 10.0  # seconds any single call may take before the test calls it a hang
BARE = (ValueError, KeyError, AttributeError, TypeError, RecursionError, RuntimeError)


# -- running a call, sync or async, with a bound -------------------------------------------


async def bounded_sync(fn: Callable[[], T], bound: float = BOUND) -> T:
    """Run a blocking call in a daemon thread; fail (TimeoutError) when it outlasts ``bound``.

    Not ``asyncio.to_thread``: the event loop's executor is joined when the loop closes, so
    a call that hangs for good would hang the test's teardown too.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not done.done():
            outcome()

    def run() -> None:
        try:
            result = fn()
        except BaseException as exc:
            outcome = functools.partial(done.set_exception, exc)
        else:
            outcome = functools.partial(done.set_result, result)
        with contextlib.suppress(RuntimeError):  # the loop is closed: the test is over
            loop.call_soon_threadsafe(settle, outcome)

    threading.Thread(target=run, name="bounded-sync-call", daemon=True).start()
    return await asyncio.wait_for(done, bound)


async def run(mode: str, sync_call: Callable[[], T], async_call: Callable[[], Awaitable[T]]) -> T:
    if mode == "sync":
        return await bounded_sync(sync_call)
    return await asyncio.wait_for(async_call(), BOUND)


async def outcome_of(
    mode: str, sync_call: Callable[[], Any], async_call: Callable[[], Awaitable[Any]]
) -> Any:
    """The call's result, or the exception it raised (a hang still fails the test)."""
    try:
        return await run(mode, sync_call, async_call)
    except TimeoutError:
        raise
    except Exception as exc:
        return exc


# -- clients -------------------------------------------------------------------------------


# -- clients -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SleeplessPolicy(RetryPolicy):
    """The package's retry policy with its waits recorded instead of slept."""

    waits: list[float] = attrs.field(factory=list, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "sleep", self.waits.append)
        object.__setattr__(self, "async_sleep", self._async_sleep)

    async def _async_sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


class Clients(NamedTuple):
    """The two clients of one server, made with the same options (and retry policy)."""

    sync: DataSync
    aio: AsyncDataSync


Calls = tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A bearer token, a short read timeout and no retries, unless ``kwargs`` say otherwise."""
    kwargs.setdefault("auth", BearerToken(TOKEN))
    kwargs.setdefault("timeout", httpx.Timeout(READ_TIMEOUT, connect=2.0))
    if "retry_policy" not in kwargs and "max_retries" not in kwargs:
        kwargs["retry_policy"] = SleeplessPolicy(max_retries=0)
    return kwargs


@pytest.fixture
async def make_client() -> AsyncIterator[Callable[..., Clients]]:
    """``make(server, **options)``: a ``DataSync`` and an ``AsyncDataSync`` of ``server``
    (see :func:`_options`); all are closed afterwards."""
    made: list[Clients] = []

    def make(server: RawServer, **kwargs: Any) -> Clients:
        options = _options(kwargs)
        base_url = server.url + "/v2/grades"
        clients = Clients(DataSync(base_url, **options), AsyncDataSync(base_url, **options))
        made.append(clients)
        return clients

    yield make
    for clients in made:
        clients.sync.close()
        await clients.aio.aclose()


def answer_always(raw: bytes) -> Callable[[RawRequest], Iterator[bytes]]:
    def responder(request: RawRequest) -> Iterator[bytes]:
        yield raw

    return responder


# -- the documented calls, sync and async --------------------------------------------------


def _find(clients: Clients) -> Calls:
    return (
        lambda: clients.sync.exchanges.find(EXCHANGE_ID),
        lambda: clients.aio.exchanges.find(EXCHANGE_ID),
    )


async def _collect(iterable: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in iterable]


def _list(clients: Clients) -> Calls:
    return (
        lambda: list(clients.sync.exchanges.list(page_size=10)),
        lambda: _collect(clients.aio.exchanges.list(page_size=10)),
    )


def _errors(clients: Clients) -> Calls:
    return (
        lambda: list(clients.sync.exchanges.list_errors(EXCHANGE_ID)),
        lambda: _collect(clients.aio.exchanges.list_errors(EXCHANGE_ID)),
    )


def _count(clients: Clients) -> Calls:
    return (
        lambda: clients.sync.exchanges.count(),
        lambda: clients.aio.exchanges.count(),
    )


def _details(clients: Clients) -> Calls:
    return (
        lambda: clients.sync.artifacts.get_exchange_details(EXCHANGE_ID).json(max_bytes=1 << 20),
        lambda: clients.aio.artifacts.get_exchange_details(EXCHANGE_ID).json(max_bytes=1 << 20),
    )


OPERATIONS = {"find": _find, "list": _list, "errors": _errors, "count": _count}

# 200 answers a JSON endpoint must not choke on.
WRONG_BODIES = {
    "malformed JSON": json_response('{"data": [{"id": '),
    "malformed JSON as text/plain": http_response(
        200, b'{"data": ', {"Content-Type": "text/plain"}
    ),
    "empty JSON body": json_response(b""),
    "empty body, no content type": http_response(200),
    "HTML": http_response(200, b"<html>Maintenance</html>", {"Content-Type": "text/html"}),
    '{"data": "x"}': json_response('{"data": "x"}'),
    "[]": json_response("[]"),
    '{"data": [1, 2]}': json_response('{"data": [1, 2]}'),
    "null": json_response("null"),
    '"x"': json_response('"x"'),
    '{"data": [{"id": 5}]}': json_response('{"data": [{"id": 5}]}'),
    "status 299 (no IANA name)": json_response('{"data": []}', status=299),
    "200,000 nested [": json_response(b"[" * 200_000),
}


def _tolerated(operation: str, case: str, result: Any) -> bool:
    """Whether ``result`` (not an exception) is an acceptable, tolerant parse of the case."""
    # A 200 body without "data" is an empty page (the spec requires no property).
    return operation in ("list", "errors") and case == "[]" and result == []


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("case", list(WRONG_BODIES))
async def test_a_wrong_200_body_is_a_response_validation_error_or_a_tolerant_parse(
    mode: str,
    operation: str,
    case: str,
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    raw_server.answer(answer_always(WRONG_BODIES[case]))
    sync_call, async_call = OPERATIONS[operation](make_client(raw_server))

    outcome = await outcome_of(mode, sync_call, async_call)

    if isinstance(outcome, BaseException):
        assert isinstance(outcome, ResponseValidationError), repr(outcome)
        assert TOKEN not in str(outcome)
    else:
        assert _tolerated(operation, case, outcome), f"accepted as {outcome!r}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (http_response(200, b'"x"', {"Content-Type": "application/json"}), ArtifactError),
        (http_response(200, b"<html>login</html>", {"Content-Type": "text/html"}), ArtifactError),
        (http_response(200, b'{"a": ', {"Content-Type": "application/gzip"}), ArtifactError),
        (http_response(200, b"", {"Content-Type": "application/gzip"}), ArtifactError),
        (http_response(200, b"\x1f\x8bnot gzip at all"), ArtifactError),
        (json_response('{"data": ['), ArtifactError),
        (http_response(200, b"[" * 200_000, {"Content-Type": "application/gzip"}), ArtifactError),
        (
            http_response(
                200, gzip.compress(b"[" * 200_000, mtime=0), {"Content-Type": "application/gzip"}
            ),
            ArtifactError,
        ),
    ],
    ids=[
        "a JSON string",
        "HTML",
        "malformed JSON",
        "empty",
        "bad gzip header",
        "JSON labelled",
        "200,000 nested [",
        "200,000 nested [, gzipped",
    ],
)
async def test_an_artifact_that_is_not_gzip_or_json_is_an_artifact_error(
    mode: str,
    raw: bytes,
    expected: type[Exception],
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    raw_server.answer(answer_always(raw))
    sync_call, async_call = _details(make_client(raw_server))

    outcome = await outcome_of(mode, sync_call, async_call)

    assert isinstance(outcome, expected), repr(outcome)


# -- bodies nested past the recursion limit ------------------------------------------------

DEEP = b"[" * 200_000


@pytest.mark.parametrize(
    ("status", "expected"),
    [(500, InternalServerError), (400, BadRequestError), (429, RateLimitError)],
)
async def test_an_error_body_nested_200000_deep_is_a_typed_status_error(
    mode: str,
    status: int,
    expected: type[APIStatusError],
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    raw_server.answer(answer_always(json_response(DEEP, status=status)))

    outcome = await outcome_of(mode, *_find(make_client(raw_server)))

    assert isinstance(outcome, expected), repr(outcome)
    assert outcome.status_code == status
    # Not JSON the client can decode: the body is kept as the start of its text.
    assert isinstance(outcome.body, str) and outcome.body.startswith("[[[")


async def test_a_token_answer_nested_200000_deep_is_a_token_error(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    secret = "client-secret-never-shown-4343"
    raw_server.answer(answer_always(json_response(DEEP)))
    auth = ClientCredentials("client-id", secret, token_url=raw_server.url + "/oauth/token")

    outcome = await outcome_of(mode, *_find(make_client(raw_server, auth=auth)))

    assert isinstance(outcome, TokenError), repr(outcome)
    assert secret not in str(outcome)
    assert [request.target for request in raw_server.requests] == ["/oauth/token"]


# -- paging.next out of range --------------------------------------------------------------

LONG_NUMBER = "7" * 5_000  # past int()'s 4,300-digit limit for a str


def _one_page(next_value: str) -> Callable[[RawRequest], Iterator[bytes]]:
    """Page 0 holds one exchange and ``paging.next`` (raw JSON); every other page is empty."""

    def responder(request: RawRequest) -> Iterator[bytes]:
        data = f'[{{"id": "{EXCHANGE_ID}"}}]' if "page=0" in request.target else "[]"
        yield json_response(f'{{"data": {data}, "paging": {{"next": {next_value}}}}}')

    return responder


@pytest.mark.parametrize(
    "next_value",
    [f'"{LONG_NUMBER}"', f'"https://api.example/v2/grades/exchanges?page={LONG_NUMBER}"'],
    ids=["digits", "a URL with those digits"],
)
async def test_a_paging_next_of_5000_digits_is_no_page_number(
    mode: str, next_value: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    raw_server.answer(_one_page(next_value))

    exchanges = await run(mode, *_list(make_client(raw_server)))

    # No usable hint. Page 0 (1 item of 10) may be short only because the server caps
    # page_size: page 1, empty, is the end.
    assert [exchange.id for exchange in exchanges] == [EXCHANGE_ID]
    assert [request.target for request in raw_server.requests] == [
        "/v2/grades/exchanges?page=0&page_size=10",
        "/v2/grades/exchanges?page=1&page_size=10",
    ]


async def test_a_paging_next_that_is_a_5000_digit_json_number_is_typed(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    raw_server.answer(_one_page(LONG_NUMBER))

    outcome = await outcome_of(mode, *_list(make_client(raw_server)))

    assert isinstance(outcome, ResponseValidationError), repr(outcome)


# -- a newer server ------------------------------------------------------------------------

NEWER_EXCHANGE = {
    "id": str(EXCHANGE_ID),
    "created_at": "2026-02-01T10:00:00.123456789Z",
    "state": "archived",
    "posted_by": "integration",
    "priority": 3,
    "query": {
        "type": "attendance",
        "window": {"days": 7},
        "conditions": [
            {"scope": "district", "scope_by": "name", "summary_type": "quarter", "weight": 0.5}
        ],
    },
}


def _check_newer_exchange(exchange: Exchange) -> None:
    assert exchange.id == EXCHANGE_ID
    assert exchange.state == "archived" and type(exchange.state) is str
    assert exchange.posted_by == "integration"
    assert exchange.additional_properties == {"priority": 3}
    assert not isinstance(exchange.query, Unset)
    assert exchange.query.type_ == "attendance"
    assert exchange.query.additional_properties == {"window": {"days": 7}}
    assert not isinstance(exchange.query.conditions, Unset)
    [condition] = exchange.query.conditions
    assert (condition.scope, condition.scope_by, condition.summary_type) == (
        "district",
        "name",
        "quarter",
    )
    assert condition.additional_properties == {"weight": 0.5}


async def test_unknown_enum_values_and_fields_parse_through_find(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    raw_server.answer(answer_always(json_response(json.dumps({"data": NEWER_EXCHANGE}))))

    parsed = await run(mode, *_find(make_client(raw_server)))

    assert isinstance(parsed, Exchange)
    _check_newer_exchange(parsed)


async def test_unknown_enum_values_and_fields_parse_in_pages(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    error = {"id": str(uuid.uuid4()), "code": "sis_rejected", "message": "no", "retry": True}

    def responder(request: RawRequest) -> Iterator[bytes]:
        first_page = "page=0" in request.target
        if "/errors" in request.target:
            page = {"data": [error] if first_page else [], "paging": {"cursor": "abc"}}
        else:
            page = {"data": [NEWER_EXCHANGE] if first_page else [], "paging": {"next": None}}
        yield json_response(json.dumps(page))

    raw_server.answer(responder)
    clients = make_client(raw_server)

    exchanges = await run(mode, *_list(clients))
    errors = await run(mode, *_errors(clients))

    [exchange] = exchanges
    _check_newer_exchange(exchange)
    [parsed_error] = errors
    assert isinstance(parsed_error, ExchangeError)
    assert parsed_error.code == "sis_rejected" and type(parsed_error.code) is str
    assert parsed_error.additional_properties == {"retry": True}


# -- statuses and headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b'{"error": {"code": "origin_error"}}', b"<html>Web server is returning an unknown error"],
    ids=["json", "html"],
)
async def test_status_520_is_an_internal_server_error(
    mode: str, body: bytes, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    raw_server.answer(answer_always(http_response(520, body, {"Content-Type": "text/html"})))

    outcome = await outcome_of(mode, *_find(make_client(raw_server)))

    assert isinstance(outcome, InternalServerError)
    assert outcome.status_code == 520
    assert outcome.body


@pytest.mark.parametrize(
    ("status", "retry_after", "expected", "seconds"),
    [
        (429, "86400", RateLimitError, 86400.0),
        (429, "99999999999", RateLimitError, 99999999999.0),
        (503, "in a while", InternalServerError, None),
        (503, "Fri, 31 Dec 2100 23:59:59 GMT", InternalServerError, "future"),
    ],
    ids=["a day", "centuries", "a garbage date", "an HTTP-date in 2100"],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_huge_retry_after_is_raised_at_once_not_slept(
    mode: str,
    method: str,
    status: int,
    retry_after: str,
    expected: type[APIStatusError],
    seconds: float | str | None,
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    raw_server.answer(
        answer_always(json_response('{"error": {}}', status=status, **{"Retry-After": retry_after}))
    )
    policy = SleeplessPolicy(max_retries=3, max_retry_after=60.0)
    clients = make_client(raw_server, retry_policy=policy)
    code = ExchangeErrorCode.PRODUCER_ERROR
    calls: Calls
    if method == "GET":
        calls = _find(clients)
    else:
        calls = (
            lambda: clients.sync.exchanges.create_error(EXCHANGE_ID, code=code),
            lambda: clients.aio.exchanges.create_error(EXCHANGE_ID, code=code),
        )

    outcome = await outcome_of(mode, *calls)

    assert isinstance(outcome, expected)
    if seconds is None:
        # Unreadable: no server-stated wait, so the policy backs off and retries as usual.
        assert outcome.retry_after is None
        assert len(policy.waits) == 3 and all(wait <= 8.0 for wait in policy.waits)
    else:
        assert policy.waits == []
        assert len(raw_server.requests) == 1
        if seconds == "future":
            assert outcome.retry_after is not None and outcome.retry_after > 365 * 86400
        else:
            assert outcome.retry_after == seconds


@pytest.mark.parametrize("follow_redirects", [False, True], ids=["default", "follow_redirects"])
async def test_a_redirect_to_another_host_never_carries_the_credentials(
    mode: str,
    follow_redirects: bool,
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    with RawServer(answer_always(json_response('{"data": {}}'))) as other_host:
        location = f"http://localhost:{other_host.port}/v2/grades/exchanges/{EXCHANGE_ID}"
        raw_server.answer(answer_always(http_response(301, b"", {"Location": location})))
        kwargs = {"follow_redirects": True} if follow_redirects else {}
        clients = make_client(raw_server, **kwargs)

        outcome = await outcome_of(mode, *_find(clients))
        seen_by_other_host = list(other_host.requests)

    assert raw_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert all(TOKEN not in repr(request) for request in seen_by_other_host)
    # Another origin is never followed, whatever follow_redirects says (same-origin only).
    assert seen_by_other_host == []
    assert isinstance(outcome, APIStatusError) and outcome.status_code == 301
    assert outcome.headers["location"] == location  # plain data: the caller may follow it


async def test_a_token_endpoint_answering_html_is_a_token_error(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    secret = "client-secret-never-shown-4242"
    raw_server.answer(
        answer_always(
            http_response(200, b"<html><form>Sign in</form></html>", {"Content-Type": "text/html"})
        )
    )
    auth = ClientCredentials("client-id", secret, token_url=raw_server.url + "/oauth/token")

    outcome = await outcome_of(mode, *_find(make_client(raw_server, auth=auth)))

    assert isinstance(outcome, TokenError)
    assert secret not in str(outcome) and secret not in repr(outcome.args)
    assert [request.target for request in raw_server.requests] == ["/oauth/token"]


# -- bodies that do not end ----------------------------------------------------------------


def _stalls_after(head: bytes, server: RawServer) -> Callable[[RawRequest], Iterator[bytes]]:
    def responder(request: RawRequest) -> Iterator[bytes]:
        if head:
            yield head
        server.stopping.wait(30)  # then nothing, until the test is over

    return responder


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        b'Transfer-Encoding: chunked\r\n\r\n9\r\n{"data": \r\n',
    ],
    ids=["no answer", "a body that stops", "a chunked body that stops"],
)
async def test_an_answer_that_stops_coming_is_a_timeout(
    mode: str, head: bytes, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    raw_server.answer(_stalls_after(head, raw_server))

    outcome = await outcome_of(mode, *_list(make_client(raw_server)))

    assert isinstance(outcome, APITimeoutError)


async def test_a_body_that_drips_forever_is_cut_off(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    def drip(request: RawRequest) -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        yield b"Transfer-Encoding: chunked\r\n\r\n"
        while not raw_server.stopping.wait(0.1):
            yield b"1\r\n \r\n"

    raw_server.answer(drip)
    # Each chunk arrives well within the read timeout: only the total timeout can end it.
    sync_call, async_call = _list(make_client(raw_server, total_timeout=0.5))
    try:
        with pytest.raises(APITimeoutError, match="total_timeout"):
            if mode == "sync":
                await bounded_sync(sync_call, bound=BOUND)
            else:
                await asyncio.wait_for(async_call(), BOUND)
    finally:
        raw_server.stopping.set()  # ends the drip, and with it a sync call still reading


# -- compressed bodies ---------------------------------------------------------------------


@functools.cache
def _gzip_bomb(size: int) -> bytes:
    """A JSON array of ``size`` spaces, gzipped: about a thousandth of that on the wire."""
    return gzip.compress(b"[" + b" " * size + b"]", 9, mtime=0)


@functools.cache
def _truncated_gzip() -> bytes:
    whole = gzip.compress(json.dumps({"entries": list(range(5000))}).encode(), mtime=0)
    return whole[: len(whole) // 2]


async def test_a_truncated_gzip_artifact_is_an_artifact_error(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    raw = http_response(200, _truncated_gzip(), {"Content-Type": "application/gzip"})
    raw_server.answer(answer_always(raw))

    outcome = await outcome_of(mode, *_details(make_client(raw_server)))

    assert isinstance(outcome, ArtifactError)


async def test_a_truncated_gzip_encoded_json_answer_is_typed(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.answer(answer_always(http_response(200, _truncated_gzip(), headers)))

    outcome = await outcome_of(mode, *_find(make_client(raw_server)))

    assert isinstance(outcome, ResponseValidationError)


@pytest.mark.parametrize("encoding", [None, "gzip"], ids=["gzip body", "and Content-Encoding"])
async def test_a_gzip_bomb_artifact_stops_at_max_bytes(
    mode: str,
    encoding: str | None,
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    bomb = _gzip_bomb(64 * 1024 * 1024)
    headers = {"Content-Type": "application/gzip"}
    if encoding:
        bomb = gzip.compress(bomb, mtime=0)
        headers["Content-Encoding"] = encoding
    raw_server.answer(answer_always(http_response(200, bomb, headers)))

    outcome = await outcome_of(mode, *_details(make_client(raw_server)))

    assert isinstance(outcome, ArtifactError)
    assert "max_bytes" in str(outcome) or str(1 << 20) in str(outcome)


@pytest.mark.parametrize(
    "max_response_bytes", [None, 1 << 20], ids=["within the cap", "past max_response_bytes"]
)
async def test_a_gzip_encoded_json_answer_that_is_not_json_is_typed(
    mode: str,
    max_response_bytes: int | None,
    raw_server: RawServer,
    make_client: Callable[..., Clients],
) -> None:
    # 16 MiB once decoded: under the default cap (64 MiB) it is read whole and is no JSON;
    # under a 1 MiB cap reading stops there.
    body = gzip.compress(b"\0" * (16 * 1024 * 1024), 9, mtime=0)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.answer(answer_always(http_response(200, body, headers)))
    options = {} if max_response_bytes is None else {"max_response_bytes": max_response_bytes}

    outcome = await outcome_of(mode, *_find(make_client(raw_server, **options)))

    assert isinstance(outcome, ResponseValidationError), repr(outcome)
    assert ("max_response_bytes" in str(outcome)) == (max_response_bytes is not None)


@pytest.mark.parametrize(
    "body",
    [gzip.compress(bytes(range(256)) * 1024, mtime=0), _truncated_gzip()],
    ids=["256 KiB decoded (error bodies keep 64 KiB)", "truncated gzip"],
)
async def test_a_gzip_encoded_error_body_too_large_or_corrupt_is_still_the_status_error(
    mode: str, body: bytes, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.answer(answer_always(http_response(500, body, headers)))

    outcome = await outcome_of(mode, *_find(make_client(raw_server)))

    assert isinstance(outcome, InternalServerError), repr(outcome)
    assert outcome.status_code == 500
    assert "body cut at 65536 bytes" in str(outcome)


# -- a POST dropped after the server stored it --------------------------------------------


async def test_a_post_dropped_after_it_was_stored_is_sent_again(
    mode: str, raw_server: RawServer, make_client: Callable[..., Clients]
) -> None:
    """What the API cannot prevent: no idempotency key, so a chunk stored by the server whose
    answer was lost is sent again on resume. The sandbox drops before storing, so the soak
    never meets this; a real server or proxy can."""
    stored: list[bytes] = []
    lost_answers = [True]  # the first chunk's answer is lost

    def responder(request: RawRequest) -> Iterator[bytes]:
        stored.append(request.body)
        if lost_answers and lost_answers.pop():
            return  # stored, then the connection closes without an answer
        chunk = {"id": str(uuid.uuid4()), "created_at": "2026-01-01T00:00:00Z"}
        yield json_response(json.dumps({"data": chunk}))

    raw_server.answer(responder)
    clients = make_client(raw_server, retry_policy=SleeplessPolicy(max_retries=3))
    summaries = [{"$person": {"$sys": {"id": str(uuid.uuid4())}}, "score": n} for n in range(6)]
    planned = [c.body() for c in plan_chunks(summaries=summaries, max_bytes=200)]

    kwargs: dict[str, Any] = {"summaries": summaries, "max_bytes": 200}
    kwargs["checkpoint"] = MemoryCheckpoint()  # the one way to resume
    push: Calls = (
        lambda: clients.sync.exchanges.push_data(EXCHANGE_ID, **kwargs),
        lambda: clients.aio.exchanges.push_data(EXCHANGE_ID, **kwargs),
    )

    failed = await outcome_of(mode, *push)
    assert isinstance(failed, UploadError) and failed.chunks_accepted == 0
    assert isinstance(failed.__cause__, APIConnectionError)  # not retried
    result = await run(mode, *push)

    assert result.chunks_sent == len(planned) > 1
    assert stored == [planned[0], *planned]  # the first chunk, twice
    assert result.possibly_duplicated == 0  # and the push says so


# -- an async client outliving its event loop ----------------------------------------------


def _reused_calls(client: AsyncDataSync) -> dict[str, Callable[[], Awaitable[Any]]]:
    return {
        "find": lambda: client.exchanges.find(EXCHANGE_ID),
        "list": lambda: _collect(client.exchanges.list()),
        "count": lambda: client.exchanges.count(),
        "artifact": lambda: client.artifacts.get_exchange_details(EXCHANGE_ID).read(),
        "push": lambda: client.exchanges.push_data(
            EXCHANGE_ID, summaries=[{"score": 1}], max_bytes=1000
        ),
    }


@pytest.mark.parametrize("operation", ["find", "list", "count", "artifact", "push"])
def test_an_async_client_reused_under_a_second_asyncio_run_is_an_api_connection_error(
    operation: str,
) -> None:
    # A kept-alive connection belongs to the loop that opened it; the second asyncio.run()
    # finds it in the pool after that loop has closed.
    exchange = json.dumps({"data": {"id": str(EXCHANGE_ID)}})
    with RawServer(
        answer_always(json_response(exchange, Connection="keep-alive")), keep_alive=True
    ) as server:
        client = AsyncDataSync(server.url + "/v2/grades", **_options({}))
        found = asyncio.run(asyncio.wait_for(client.exchanges.find(EXCHANGE_ID), BOUND))
        assert found.id == EXCHANGE_ID

        with pytest.raises(DataSyncError) as caught:
            asyncio.run(asyncio.wait_for(_reused_calls(client)[operation](), BOUND))
        asyncio.run(client.aclose())

    error: BaseException | None = caught.value
    if operation == "push":  # a chunk that failed: the push says where to resume
        assert isinstance(error, UploadError) and error.chunks_accepted == 0
        error = error.__cause__
    assert isinstance(error, APIConnectionError), repr(error)
    assert "event loop" in str(error)
    assert error.cause_type == "RuntimeError" and error.__cause__ is None


# -- the guard itself ----------------------------------------------------------------------


async def test_the_bound_catches_a_hang() -> None:
    # The guard every test above relies on to turn a hang into a failure.
    release = threading.Event()
    with pytest.raises(TimeoutError):
        await bounded_sync(lambda: release.wait(5), bound=0.2)
    release.set()


def test_no_bare_exception_type_is_a_package_error() -> None:
    # The checks above rely on this: a typed error is never also a bare ValueError etc.,
    # except OversizedItemError, which is raised before any request for the caller's data.
    typed = (
        ResponseValidationError,
        ArtifactError,
        APIConnectionError,
        APITimeoutError,
        APIStatusError,
        TokenError,
        PaginationError,
        UploadError,
    )
    for error in typed:
        assert not issubclass(error, BARE)
