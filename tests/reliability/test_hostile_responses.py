"""Hostile answers: whatever a server (or a proxy in front of it) sends, the client raises one of
the package's typed errors or parses tolerantly; never a bare ValueError, KeyError,
AttributeError, TypeError, and never a hang.

Each answer is scripted byte for byte by :class:`RawServer` on 127.0.0.1, and each case runs
through the sync and the async client from ``connect()``. Every call is bounded
(``asyncio.wait_for``; a sync call runs in a daemon thread and is waited for the same way), so
a hang fails the test instead of stalling the suite.

The calls are the documented paths: the generated functions for what ``connect()`` itself
guarantees (typed status errors, JSON labelled JSON, timeouts), and ``expect_parsed`` /
``paginate`` / ``count`` / ``artifacts`` / ``push_exchange_data`` for bodies of the wrong
shape. A direct generated call (``find_exchange.sync(...)``) on a wrong shape raises what
the generated parser raises (``TypeError``, ``ValueError``, ``JSONDecodeError``): that is
the generated code's contract, and why the overlays go through ``expect_parsed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import json
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import attrs
import httpx
import pytest
from _raw_server import RawRequest, RawServer, http_response, json_response

from datasync_grades import (
    APIStatusError,
    APITimeoutError,
    ArtifactError,
    BearerToken,
    ClientCredentials,
    DataSyncError,
    InternalServerError,
    RateLimitError,
    ResponseValidationError,
    RetryPolicy,
    TokenError,
    UploadError,
    acount,
    apaginate,
    apush_exchange_data,
    artifacts,
    connect,
    count,
    paginate,
    push_exchange_data,
)
from datasync_grades._exceptions import aexpect_parsed, expect_parsed
from datasync_grades._upload import plan_chunks
from datasync_grades_api.api.exchanges import (
    count_exchanges,
    create_exchange_error,
    find_exchange,
    list_exchange_errors,
    list_exchanges,
)
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import (
    Exchange,
    ExchangeError,
    ExchangeErrorCode,
    ExchangeResponse,
)
from datasync_grades_api.types import Unset

T = TypeVar("T")

EXCHANGE_ID = uuid.UUID("6f1c2a4e-9b7d-4e25-8a51-0c3d2e1f4a5b")
TOKEN = "hostile-test-bearer-token-0123456789"
READ_TIMEOUT = 0.5
BOUND = 10.0  # seconds any single call may take before the test calls it a hang
BARE = (ValueError, KeyError, AttributeError, TypeError)


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


@attrs.frozen(kw_only=True)
class SleeplessPolicy(RetryPolicy):
    """The package's retry policy with its waits recorded instead of slept."""

    waits: list[float] = attrs.field(factory=list, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "sleep", self.waits.append)
        object.__setattr__(self, "async_sleep", self._async_sleep)

    async def _async_sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_client() -> AsyncIterator[Callable[..., AuthenticatedClient]]:
    """``make(server, **connect_kwargs)``: a client of ``server`` with a bearer token, a short
    read timeout and no retries (unless overridden); all are closed afterwards."""
    made: list[AuthenticatedClient] = []

    def make(server: RawServer, **kwargs: Any) -> AuthenticatedClient:
        kwargs.setdefault("auth", BearerToken(TOKEN))
        kwargs.setdefault("timeout", httpx.Timeout(READ_TIMEOUT, connect=2.0))
        if "retry_policy" not in kwargs and "max_retries" not in kwargs:
            kwargs["retry_policy"] = SleeplessPolicy(max_retries=0)
        client = connect(server.url + "/v2/grades", **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.get_httpx_client().close()
        await client.get_async_httpx_client().aclose()


def answer_always(raw: bytes) -> Callable[[RawRequest], Iterator[bytes]]:
    def responder(request: RawRequest) -> Iterator[bytes]:
        yield raw

    return responder


# -- the documented calls, sync and async --------------------------------------------------


def _find(client: AuthenticatedClient) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
    return (
        lambda: expect_parsed(find_exchange.sync_detailed, EXCHANGE_ID, client=client),
        lambda: aexpect_parsed(find_exchange.asyncio_detailed, EXCHANGE_ID, client=client),
    )


async def _collect(iterator: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in iterator]


def _list(client: AuthenticatedClient) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
    return (
        lambda: list(paginate(list_exchanges, client=client, page_size=10)),
        lambda: _collect(apaginate(list_exchanges, client=client, page_size=10)),
    )


def _errors(client: AuthenticatedClient) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
    return (
        lambda: list(paginate(list_exchange_errors, client=client, id=EXCHANGE_ID)),
        lambda: _collect(apaginate(list_exchange_errors, client=client, id=EXCHANGE_ID)),
    )


def _count(client: AuthenticatedClient) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
    return (
        lambda: count(count_exchanges, client=client),
        lambda: acount(count_exchanges, client=client),
    )


def _details(client: AuthenticatedClient) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
    return (
        lambda: artifacts.details(client, EXCHANGE_ID, max_bytes=1 << 20),
        lambda: artifacts.adetails(client, EXCHANGE_ID, max_bytes=1 << 20),
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
}


def _tolerated(operation: str, case: str, result: Any) -> bool:
    """Whether ``result`` (not an exception) is an acceptable, tolerant parse of the case."""
    if operation == "find":
        # ExchangeResponse.data is "Exchange or null" (anyOf): the generated parser keeps a
        # value it cannot read as an Exchange as is, and [] is a response without fields.
        return isinstance(result, ExchangeResponse) and case in (
            '{"data": "x"}',
            '{"data": [1, 2]}',
            '{"data": [{"id": 5}]}',
            "[]",
        )
    # A 200 body without "data" is an empty page (the spec requires no property).
    return operation in ("list", "errors") and case == "[]" and result == []


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("case", list(WRONG_BODIES))
async def test_a_wrong_200_body_is_a_response_validation_error_or_a_tolerant_parse(
    mode: str,
    operation: str,
    case: str,
    raw_server: RawServer,
    make_client: Callable[..., AuthenticatedClient],
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
    "raw",
    [json_response('{"data": {"id": '), json_response(b"")],
    ids=["malformed JSON", "empty body"],
)
async def test_a_direct_generated_call_on_a_body_labelled_json_that_is_not(
    mode: str, raw: bytes, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    # connect() checks a body labelled JSON itself, so even the plain generated call is typed.
    raw_server.answer(answer_always(raw))
    client = make_client(raw_server)

    outcome = await outcome_of(
        mode,
        lambda: find_exchange.sync(EXCHANGE_ID, client=client),
        lambda: find_exchange.asyncio(EXCHANGE_ID, client=client),
    )

    assert isinstance(outcome, ResponseValidationError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (http_response(200, b'"x"', {"Content-Type": "application/json"}), ArtifactError),
        (http_response(200, b"<html>login</html>", {"Content-Type": "text/html"}), ArtifactError),
        (http_response(200, b'{"a": ', {"Content-Type": "application/gzip"}), ArtifactError),
        (http_response(200, b"", {"Content-Type": "application/gzip"}), ArtifactError),
        (http_response(200, b"\x1f\x8bnot gzip at all"), ArtifactError),
        (json_response('{"data": ['), ArtifactError),
    ],
    ids=["a JSON string", "HTML", "malformed JSON", "empty", "bad gzip header", "JSON labelled"],
)
async def test_an_artifact_that_is_not_gzip_or_json_is_an_artifact_error(
    mode: str,
    raw: bytes,
    expected: type[Exception],
    raw_server: RawServer,
    make_client: Callable[..., AuthenticatedClient],
) -> None:
    raw_server.answer(answer_always(raw))
    sync_call, async_call = _details(make_client(raw_server))

    outcome = await outcome_of(mode, sync_call, async_call)

    assert isinstance(outcome, expected), repr(outcome)


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


async def test_unknown_enum_values_and_fields_parse_through_a_direct_call(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    raw_server.answer(answer_always(json_response(json.dumps({"data": NEWER_EXCHANGE}))))
    client = make_client(raw_server)

    parsed = await run(
        mode,
        lambda: find_exchange.sync(EXCHANGE_ID, client=client),
        lambda: find_exchange.asyncio(EXCHANGE_ID, client=client),
    )

    assert isinstance(parsed, ExchangeResponse) and isinstance(parsed.data, Exchange)
    _check_newer_exchange(parsed.data)


async def test_unknown_enum_values_and_fields_parse_in_pages(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
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
    client = make_client(raw_server)

    exchanges = await run(mode, *_list(client))
    errors = await run(mode, *_errors(client))

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
    mode: str, body: bytes, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    raw_server.answer(answer_always(http_response(520, body, {"Content-Type": "text/html"})))
    client = make_client(raw_server)

    outcome = await outcome_of(
        mode,
        lambda: find_exchange.sync(EXCHANGE_ID, client=client),
        lambda: find_exchange.asyncio(EXCHANGE_ID, client=client),
    )

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
    make_client: Callable[..., AuthenticatedClient],
) -> None:
    raw_server.answer(
        answer_always(json_response('{"error": {}}', status=status, **{"Retry-After": retry_after}))
    )
    policy = SleeplessPolicy(max_retries=3, max_retry_after=60.0)
    client = make_client(raw_server, retry_policy=policy)
    body = ExchangeError(code=ExchangeErrorCode.PRODUCER_ERROR)
    calls: tuple[Callable[[], object], Callable[[], Awaitable[object]]]
    if method == "GET":
        calls = (
            lambda: find_exchange.sync(EXCHANGE_ID, client=client),
            lambda: find_exchange.asyncio(EXCHANGE_ID, client=client),
        )
    else:
        calls = (
            lambda: create_exchange_error.sync(EXCHANGE_ID, client=client, body=body),
            lambda: create_exchange_error.asyncio(EXCHANGE_ID, client=client, body=body),
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
    make_client: Callable[..., AuthenticatedClient],
) -> None:
    with RawServer(answer_always(json_response('{"data": {}}'))) as other_host:
        location = f"http://localhost:{other_host.port}/v2/grades/exchanges/{EXCHANGE_ID}"
        raw_server.answer(answer_always(http_response(301, b"", {"Location": location})))
        kwargs = {"follow_redirects": True} if follow_redirects else {}
        client = make_client(raw_server, **kwargs)

        outcome = await outcome_of(
            mode,
            lambda: find_exchange.sync(EXCHANGE_ID, client=client),
            lambda: find_exchange.asyncio(EXCHANGE_ID, client=client),
        )
        seen_by_other_host = list(other_host.requests)

    assert raw_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert all(TOKEN not in repr(request) for request in seen_by_other_host)
    if follow_redirects:
        [request] = seen_by_other_host  # followed, as asked, without the Authorization header
        assert "authorization" not in request.headers
        assert isinstance(outcome, ExchangeResponse)
    else:
        assert seen_by_other_host == []
        assert isinstance(outcome, APIStatusError) and outcome.status_code == 301


async def test_a_token_endpoint_answering_html_is_a_token_error(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    secret = "client-secret-never-shown-4242"
    raw_server.answer(
        answer_always(
            http_response(200, b"<html><form>Sign in</form></html>", {"Content-Type": "text/html"})
        )
    )
    auth = ClientCredentials("client-id", secret, token_url=raw_server.url + "/oauth/token")
    client = make_client(raw_server, auth=auth)

    outcome = await outcome_of(
        mode,
        lambda: find_exchange.sync(EXCHANGE_ID, client=client),
        lambda: find_exchange.asyncio(EXCHANGE_ID, client=client),
    )

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
    mode: str, head: bytes, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    raw_server.answer(_stalls_after(head, raw_server))
    client = make_client(raw_server)

    outcome = await outcome_of(mode, *_list(client))

    assert isinstance(outcome, APITimeoutError)


async def test_a_body_that_drips_forever_is_cut_off(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    def drip(request: RawRequest) -> Iterator[bytes]:
        yield b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        yield b"Transfer-Encoding: chunked\r\n\r\n"
        while not raw_server.stopping.wait(0.1):
            yield b"1\r\n \r\n"

    raw_server.answer(drip)
    # Each chunk arrives well within the read timeout: only the total timeout can end it.
    client = make_client(raw_server, total_timeout=0.5)
    sync_call, async_call = _list(client)
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
    return gzip.compress(b"[" + b" " * size + b"]", 9)


@functools.cache
def _truncated_gzip() -> bytes:
    whole = gzip.compress(json.dumps({"entries": list(range(5000))}).encode())
    return whole[: len(whole) // 2]


async def test_a_truncated_gzip_artifact_is_an_artifact_error(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    raw = http_response(200, _truncated_gzip(), {"Content-Type": "application/gzip"})
    raw_server.answer(answer_always(raw))

    outcome = await outcome_of(mode, *_details(make_client(raw_server)))

    assert isinstance(outcome, ArtifactError)


async def test_a_truncated_gzip_encoded_json_answer_is_typed(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.answer(answer_always(http_response(200, _truncated_gzip(), headers)))
    client = make_client(raw_server)

    outcome = await outcome_of(mode, *_find(client))

    assert isinstance(outcome, ResponseValidationError)


@pytest.mark.parametrize("encoding", [None, "gzip"], ids=["gzip body", "and Content-Encoding"])
async def test_a_gzip_bomb_artifact_stops_at_max_bytes(
    mode: str,
    encoding: str | None,
    raw_server: RawServer,
    make_client: Callable[..., AuthenticatedClient],
) -> None:
    bomb = _gzip_bomb(64 * 1024 * 1024)
    headers = {"Content-Type": "application/gzip"}
    if encoding:
        bomb = gzip.compress(bomb)
        headers["Content-Encoding"] = encoding
    raw_server.answer(answer_always(http_response(200, bomb, headers)))

    outcome = await outcome_of(mode, *_details(make_client(raw_server)))

    assert isinstance(outcome, ArtifactError)
    assert "max_bytes" in str(outcome) or str(1 << 20) in str(outcome)


async def test_a_gzip_encoded_json_answer_that_is_not_json_is_typed(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
) -> None:
    # 16 MiB once decoded. httpx decodes Content-Encoding for JSON endpoints whole, with no
    # size limit (a finding: only artifacts are bounded), so the test keeps the bomb small.
    body = gzip.compress(b"\0" * (16 * 1024 * 1024), 9)
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    raw_server.answer(answer_always(http_response(200, body, headers)))
    client = make_client(raw_server)

    outcome = await outcome_of(mode, *_find(client))

    assert isinstance(outcome, ResponseValidationError)


# -- a POST dropped after the server stored it --------------------------------------------


async def test_a_post_dropped_after_it_was_stored_is_sent_again(
    mode: str, raw_server: RawServer, make_client: Callable[..., AuthenticatedClient]
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
    client = make_client(raw_server, retry_policy=SleeplessPolicy(max_retries=3))
    summaries = [{"$person": {"$sys": {"id": str(uuid.uuid4())}}, "score": n} for n in range(6)]
    planned = [c.body() for c in plan_chunks(summaries=summaries, max_bytes=200)]

    def push(resume_from: int) -> tuple[Callable[[], Any], Callable[[], Awaitable[Any]]]:
        kwargs: dict[str, Any] = {"summaries": summaries, "max_bytes": 200}
        return (
            lambda: push_exchange_data(client, EXCHANGE_ID, resume_from=resume_from, **kwargs),
            lambda: apush_exchange_data(client, EXCHANGE_ID, resume_from=resume_from, **kwargs),
        )

    failed = await outcome_of(mode, *push(0))
    assert isinstance(failed, UploadError) and failed.chunks_accepted == 0
    assert isinstance(failed.__cause__, DataSyncError)  # APIConnectionError, not retried
    result = await run(mode, *push(failed.chunks_accepted))

    assert result.chunks_sent == len(planned) > 1
    assert stored == [planned[0], *planned]  # the first chunk, twice


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
    for error in (ResponseValidationError, ArtifactError, APITimeoutError, TokenError):
        assert not issubclass(error, BARE)
