"""Typed errors: status → class, what an error carries, malformed 2xx bodies, redaction."""

from __future__ import annotations

import gzip
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

import pytest

from datasync_grades import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BearerToken,
    ConflictError,
    DataSyncError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    UnprocessableEntityError,
)
from datasync_grades._client import run_sync
from datasync_grades._exceptions import connection_error, status_error
from datasync_grades._http import httpx
from datasync_grades._redact import REDACTED, Redactor
from datasync_grades_api.api.artifacts import get_exchange_details
from datasync_grades_api.api.exchanges import find_exchange
from datasync_grades_api.models import ErrorCode

if TYPE_CHECKING:
    from collections.abc import Callable

    from _overlay_support import ScriptedServer, SyncOrAsync

EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
EXCHANGE = {"data": {"id": str(EXCHANGE_ID), "state": "created"}}
ERROR_BODY = {"error": {"status": 0, "code": "nope", "message": "it went wrong"}}

STATUS_CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (501, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
    (520, InternalServerError),  # not an IANA code: HTTPStatus(520) would be a ValueError
    (599, InternalServerError),
    (302, APIStatusError),  # a redirect not followed
    (307, APIStatusError),
    (405, APIStatusError),
    (418, APIStatusError),
    (499, APIStatusError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_each_status_raises_its_class_through_a_generated_endpoint(
    status: int,
    cls: type[APIStatusError],
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    headers = {"X-Request-Id": "req-42", "Location": "/elsewhere"}
    for _ in range(2):  # a 401 goes to the auth flow twice
        scripted_server.reply(status, json=ERROR_BODY, headers=headers)
    client = make_scripted_client(max_retries=0)
    with pytest.raises(APIStatusError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    error = caught.value
    assert type(error) is cls
    assert error.status_code == status
    assert error.method == "GET"
    assert error.url == f"{scripted_server.url}/exchanges/{EXCHANGE_ID}"
    assert error.headers["x-request-id"] == "req-42"
    assert error.request_id == "req-42"
    assert error.body == ERROR_BODY and error.code == "nope"
    assert (error.__cause__, error.__context__) == (None, None)
    assert f"GET {scripted_server.url}/exchanges/{EXCHANGE_ID} -> {status}" in str(error)
    assert "req-42" in str(error)
    assert "it went wrong" in str(error)
    assert "s3cr3t" not in str(error)


async def test_a_text_body_is_kept_as_text_and_cut_short_in_the_message(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    text = "upstream exploded " + "x" * 2000
    scripted_server.reply(502, body=text, headers={"Content-Type": "text/html"})
    client = make_scripted_client(max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert caught.value.body == text
    assert "upstream exploded" in str(caught.value)
    assert len(str(caught.value)) < 700


async def test_an_empty_error_body_is_none(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(404)
    client = make_scripted_client()
    with pytest.raises(NotFoundError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert caught.value.body is None
    assert caught.value.request_id is None


async def test_a_streamed_error_is_read_and_closed_before_raising(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(404, json=ERROR_BODY)
    client = make_scripted_client()
    with pytest.raises(NotFoundError) as caught:
        request = {"method": "get", "url": "/exchanges/x"}
        if sync_or_async.mode == "sync":
            run_sync(client.sync._sender.request(request, stream=True))
        else:
            await client.aio._sender.request(request, stream=True)
    assert caught.value.body == ERROR_BODY


@pytest.mark.parametrize(
    ("value", "expected"), [("7", 7.0), ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0), ("later", None)]
)
def test_rate_limit_error_carries_retry_after(value: str, expected: float | None) -> None:
    request = httpx.Request("GET", "https://api.example/exchanges")
    response = httpx.Response(429, headers={"Retry-After": value}, request=request)
    error = status_error(response, Redactor())
    assert isinstance(error, RateLimitError)
    assert error.retry_after == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"error": {"code": "run_in_progress", "message": "busy"}}, ErrorCode.RUN_IN_PROGRESS),
        ({"error": {"code": "a_code_the_spec_lacks"}}, "a_code_the_spec_lacks"),  # still a str
        ({"error": "invalid_token", "error_description": "expired"}, ErrorCode.INVALID_TOKEN),
        ({"error": "invalid_client"}, "invalid_client"),  # an OAuth2 error the spec lacks
        ({"error": {"code": 7}}, None),
        ({"error": {"message": "no code"}}, None),
        ({"message": "no error member"}, None),
        (["a", "list"], None),
        ("a text body", None),
    ],
)
def test_the_code_is_the_bodys_error_code_or_its_oauth_error(body: Any, code: Any) -> None:
    request = httpx.Request("GET", "https://api.example/exchanges")
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    error = status_error(httpx.Response(409, content=content, request=request), Redactor())
    assert error.code == code and type(error.code) is type(code)
    assert isinstance(error, ConflictError) and error.body == body


def test_the_url_in_an_error_has_no_userinfo() -> None:
    request = httpx.Request("GET", "https://user:pa55word@api.example/exchanges?page=2")
    error = status_error(httpx.Response(404, request=request), Redactor())
    assert error.url == "https://api.example/exchanges?page=2"
    assert "pa55word" not in str(error)


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectTimeout, APITimeoutError),
        (httpx.ReadTimeout, APITimeoutError),
        (httpx.WriteTimeout, APITimeoutError),
        (httpx.PoolTimeout, APITimeoutError),
        (httpx.ConnectError, APIConnectionError),
        (httpx.ReadError, APIConnectionError),
        (httpx.RemoteProtocolError, APIConnectionError),
        (httpx.ProxyError, APIConnectionError),
        (httpx.UnsupportedProtocol, APIConnectionError),
        (httpx.TooManyRedirects, APIConnectionError),
        # The client decodes bodies itself (httpx never does): any other httpx error, alike.
        (httpx.DecodingError, APIConnectionError),
    ],
)
def test_transport_errors_map_to_their_class(
    exc: type[httpx.RequestError], cls: type[Exception]
) -> None:
    request = httpx.Request(
        "POST", "https://u:p@api.example/exchanges", headers={"Authorization": "Bearer tok"}
    )
    fields = {"method": "POST", "url": "https://api.example/exchanges"}  # as the client gives
    error = connection_error(exc("it broke", request=request), Redactor(), **fields)
    assert type(error) is cls
    assert isinstance(error, DataSyncError)
    assert str(error).startswith("POST https://api.example/exchanges")
    # Plain data: the method and URL (no userinfo), the cause's type and message.
    assert (error.method, error.url) == ("POST", "https://api.example/exchanges")  # type: ignore[attr-defined]
    if isinstance(error, APIConnectionError):
        assert (error.cause_type, error.cause_message) == (exc.__name__, "it broke")


async def test_a_transport_error_without_a_request_is_still_typed(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    # Raised by an event hook: httpx attaches no request to it; the client knows the request.
    def slow(request: httpx.Request) -> None:
        raise httpx.ReadTimeout("slow")

    async def aslow(request: httpx.Request) -> None:
        slow(request)

    hooks = {"request": [slow if sync_or_async.mode == "sync" else aslow]}
    client = make_scripted_datasync(event_hooks=hooks, max_retries=0)
    with pytest.raises(APITimeoutError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    url = f"{scripted_server.url}/exchanges/{EXCHANGE_ID}"
    assert (caught.value.method, caught.value.url) == ("GET", url)
    assert str(caught.value) == f"GET {url} timed out: ReadTimeout: slow"


# -- 2xx bodies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/problem+json"],
)
@pytest.mark.parametrize("body", [b'{"data": {', b"", b"\xff\xfe\x00garbage", b"<html>nope</html>"])
async def test_malformed_json_on_2xx_raises_response_validation_error(
    content_type: str,
    body: bytes,
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(200, body=body, headers={"Content-Type": content_type})
    client = make_scripted_datasync()
    with pytest.raises(ResponseValidationError) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert caught.value.status_code == 200
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (200, "text/csv", b"course_id\n1,2\n"),
        (200, "application/gzip", gzip.compress(b'{"a": 1}', mtime=0)),
        (200, "application/octet-stream", b"\x1f\x8b\x08 not json"),
        (200, None, b"not json, not labelled"),
        (204, "application/json", b""),
        (201, "application/json", b'{"data": null}'),
    ],
)
async def test_bodies_not_labelled_json_or_without_content_are_not_validated(
    status: int,
    content_type: str | None,
    body: bytes,
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    scripted_server.reply(
        status, body=body, headers={"Content-Type": content_type} if content_type else {}
    )
    client = make_scripted_client()
    response = await sync_or_async.request(client, "GET", "/exchanges/x/artifacts/details")
    assert response.status_code == status
    assert response.content == body


async def test_an_artifact_passes_through_the_generated_endpoint(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    payload = gzip.compress(b'{"details": []}', mtime=0)
    scripted_server.reply(200, body=payload, headers={"Content-Type": "application/gzip"})
    client = make_scripted_client()
    response = await sync_or_async.detailed(get_exchange_details, EXCHANGE_ID, client=client)
    assert response.parsed.payload.read() == payload


# -- undocumented 2xx answers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "content_type", "body", "why"),
    [
        (200, "application/json", b"[1, 2]", "TypeError"),  # a list where an object belongs
        (200, "application/json", b'{"error": "a string, not an object"}', "ValueError"),
        (200, None, b"", "JSONDecodeError"),  # generated code calls .json() on nothing
        (200, "text/plain", b"hello", "JSONDecodeError"),
        (202, "application/json", b"{}", "no parsed body"),  # not in the spec: parsed is None
        (299, "application/json", b"{}", "no parsed body"),  # not an IANA status either
    ],
)
async def test_unparseable_bodies_raise_response_validation_error_naming_the_operation(
    status: int,
    content_type: str | None,
    body: bytes,
    why: str,
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    scripted_server.reply(status, body=body, headers=headers)
    client = make_scripted_datasync()
    with pytest.raises(ResponseValidationError, match=why) as caught:
        await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert "find_exchange" in str(caught.value)


# -- the client's credentials never show ----------------------------------------------------

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZWFjaGVyIn0.c2lnbmF0dXJl"
WINDOW = 12  # characters of a secret that make a leak


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and everything chained to it, through ``__cause__`` and ``__context__`` both."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is not None and all(current is not s for s in seen):
            seen.append(current)
            pending += [current.__cause__, current.__context__]
    return seen


def _texts_of(error: BaseException) -> list[str]:
    """Everything an error shows or carries as text, its whole chain included."""
    texts = []
    for current in _chain(error):
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
    return texts


def _leaks(error: BaseException, *secrets: str) -> list[str]:
    windows = {s[i : i + WINDOW] for s in secrets for i in range(len(s) - WINDOW + 1)}
    return [text for text in _texts_of(error) if any(w in text for w in windows)]


def _no_httpx_in(error: BaseException) -> None:
    modules = [type(e).__module__.partition(".")[0] for e in _chain(error)]
    assert not {"httpx", "httpcore", "httpx2", "httpcore2", "h11", "h2"} & set(modules), modules


async def test_an_error_body_echoing_the_token_is_redacted_in_all_the_error_holds(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    echo = {
        "error": {"status": 401, "message": f"bad Authorization: Bearer {TOKEN}"},
        "seen": [quote(f"Bearer {TOKEN}"), {TOKEN: True}],
    }
    scripted_server.reply(401, json=echo, headers={"X-Echo": f"Bearer {TOKEN}"})
    client = make_scripted_client(auth=BearerToken(TOKEN), max_retries=0)

    with pytest.raises(AuthenticationError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)

    error = caught.value
    assert scripted_server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert error.body == {
        "error": {"status": 401, "message": "bad Authorization: Bearer [redacted]"},
        "seen": [f"Bearer%20{REDACTED}", {REDACTED: True}],
    }
    assert "bad Authorization: Bearer [redacted]" in str(error)
    assert error.headers["x-echo"] == f"Bearer {REDACTED}" and type(error.headers) is dict
    assert error.request_id is None and error.status_code == 401
    assert _leaks(error, TOKEN, quote(TOKEN)) == []
    _no_httpx_in(error)


async def test_upper_case_json_escapes_the_reason_phrase_and_controls_show_nothing(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    # .NET writes "\u002B" for "+": the lower-case form alone was searched for.
    secret = "tok+en/with+plus-and-slash"
    escaped = secret.replace("+", "\\u002B")
    body = '{"message": "bad token ' + escaped + '\\u001b[2J\\u0007 \\u202Eevil"}'
    scripted_server.reply(
        400, body=body, headers={"Content-Type": "application/json", "X-Note": escaped}
    )
    client = make_scripted_client(auth=BearerToken(secret), max_retries=0)

    with pytest.raises(BadRequestError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)

    error = caught.value
    assert error.body == {"message": f"bad token {REDACTED}\x1b[2J\x07 \u202eevil"}  # data
    shown = f'{{"message": "bad token {REDACTED}\\u001b[2J\\u0007 \\u202eevil"}}'
    assert str(error).endswith(shown)
    assert not any(c in str(error) for c in "\x1b\x07\u202e")
    assert error.headers["x-note"] == REDACTED
    assert _leaks(error, secret, escaped) == []


def test_the_reason_phrase_is_redacted_and_escaped() -> None:
    request = httpx.Request("GET", "https://api.example/exchanges")
    reason = f"Bad {TOKEN} \x1b]0;owned\x07".encode("latin-1")
    response = httpx.Response(400, request=request, extensions={"reason_phrase": reason})

    error = status_error(response, Redactor(TOKEN))

    assert (
        str(error) == f"GET https://api.example/exchanges -> 400 Bad {REDACTED} \\x1b]0;owned\\x07"
    )


async def test_a_2xx_body_that_does_not_parse_gives_a_redacted_message(
    scripted_server: ScriptedServer,
    make_scripted_datasync: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    # The generated parser quotes the refused value: the token, echoed in an enum field.
    scripted_server.reply(200, json={"data": {"id": str(EXCHANGE_ID), "state": {TOKEN: 1}}})
    scripted_server.reply(200, json={"data": {"id": TOKEN}})
    client = make_scripted_datasync(auth=BearerToken(TOKEN))
    for _ in range(2):
        with pytest.raises(ResponseValidationError) as caught:
            await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
        assert "does not match the spec" in str(caught.value)
        assert caught.value.status_code == 200
        assert _leaks(caught.value, TOKEN) == []
        _no_httpx_in(caught.value)


async def test_a_secret_cut_through_by_the_error_cap_leaves_no_piece(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    from datasync_grades._client import DEFAULT_MAX_ERROR_BYTES

    # The cap falls one character before the token's end: all but 1 character survived.
    body = "x" * (DEFAULT_MAX_ERROR_BYTES - len(TOKEN) + 1) + TOKEN + "y" * 100
    scripted_server.reply(500, body=body, headers={"Content-Type": "text/plain"})
    client = make_scripted_client(auth=BearerToken(TOKEN), max_retries=0)

    with pytest.raises(InternalServerError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)

    assert "body cut at" in str(caught.value)
    assert _leaks(caught.value, TOKEN) == []


async def test_an_excerpt_shows_no_score_grade_or_comment_the_server_quotes(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    refused = {
        "error": {"code": "invalid_score", "field": "scores[0].score"},
        "data": {"scores": [{"score": 97.5, "grade": "A+", "excused": False}]},
        "summary": {"score": "98.25", "comments": ["reads well above level"]},
    }
    scripted_server.reply(422, json=refused)
    client = make_scripted_client(max_retries=0)

    with pytest.raises(UnprocessableEntityError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)

    message = str(caught.value)
    assert '"code": "invalid_score", "field": "scores[0].score"' in message  # still useful
    assert '"excused": false' in message
    assert not any(value in message for value in ("97.5", "A+", "98.25", "above level"))
    assert caught.value.body == refused  # the caller's own data, in full


async def test_a_message_quotes_at_most_200_characters_of_the_body_and_body_keeps_it_all(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    # An error body of this API may list students' grades: they must not land in logs whole.
    grades = [{"student": f"student-{n:03}", "grade": "B+"} for n in range(40)]
    scripted_server.reply(422, json={"error": {"code": "invalid"}, "data": grades})
    client = make_scripted_client(max_retries=0)

    with pytest.raises(UnprocessableEntityError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)

    message = str(caught.value)
    excerpt = message.partition("-> 422 Unprocessable Entity: ")[2]
    assert excerpt.startswith('{"error": {"code": "invalid"}, "data": [{"student": "student-000"')
    assert len(excerpt) <= 200 and excerpt.endswith("...")
    assert "student-039" not in message and "student-005" not in message and "B+" not in message
    assert caught.value.body["data"] == grades


async def test_an_illegal_header_value_is_not_shown_in_the_error_its_chain_or_the_log(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # (httpcore's own DEBUG trace quotes the header before the client sees the error: the
    # package's tokens are checked before they are sent, see test_auth.py.)
    caplog.set_level(logging.DEBUG, logger="datasync_grades")
    value = "trace-value-0123456789"
    client = make_scripted_client(headers={"X-Trace": f"{value}\nInjected: yes"}, max_retries=0)

    with pytest.raises(APIConnectionError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)

    assert "LocalProtocolError: Illegal header value (not shown)" in str(caught.value)
    assert caught.value.cause_type == "LocalProtocolError"
    assert _chain(caught.value) == [caught.value]  # no httpx error (its request) chained
    texts = _texts_of(caught.value)
    texts += [r.getMessage() for r in caplog.records if r.name.startswith("datasync_grades")]
    assert any("(after " in text for text in texts)  # the log line of the failure
    assert [text for text in texts if value in text] == []
    assert scripted_server.requests == []


async def test_a_connection_failure_chains_nothing_and_keeps_the_cause_as_data(
    make_scripted_client: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    client = make_scripted_client(base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    error = caught.value
    assert _chain(error) == [error]
    assert (error.method, error.cause_type) == ("GET", "ConnectError")
    assert error.url == f"http://127.0.0.1:9/exchanges/{EXCHANGE_ID}"
    assert error.cause_message and error.cause_message in str(error)


def test_connection_errors_are_redacted_and_chain_nothing() -> None:
    request = httpx.Request("GET", "https://api.example/exchanges", headers={"X-Api-Key": TOKEN})
    try:
        try:
            raise OSError(f"proxy refused {quote_plus(TOKEN)}")
        except OSError as cause:
            raise httpx.ConnectError(f"could not connect with {TOKEN}", request=request) from cause
    except httpx.ConnectError as exc:
        error = connection_error(exc, Redactor(TOKEN), method="GET", url=str(request.url))

    assert str(error) == (
        "GET https://api.example/exchanges failed: ConnectError: could not connect with [redacted]"
    )
    assert isinstance(error, APIConnectionError)
    assert error.cause_message == "could not connect with [redacted]"
    assert _leaks(error, TOKEN) == [] and _chain(error) == [error]


async def test_per_request_tokens_in_flight_together_are_all_redacted(
    make_scripted_client: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    # A new JWT per request and 8 calls at once: only the last 4 tokens were remembered, and
    # 4 of 8 messages showed one. The API echoes the Authorization header it got.
    import asyncio
    import itertools
    from concurrent.futures import ThreadPoolExecutor

    counter = itertools.count()
    sent = [f"eyJhbGciOiJub25lIn0.eyJuIjo{n:04}fQ.c2lnbmF0dXJl" for n in range(8)]

    def token() -> str:
        return sent[next(counter)]

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": request.headers["authorization"]}})

    client = make_scripted_client(
        auth=BearerToken(token),
        transport=httpx.MockTransport(echo),
        max_retries=0,
    )

    async def one() -> BaseException:
        with pytest.raises(BadRequestError) as caught:
            await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
        return caught.value

    if sync_or_async.mode == "async":
        errors = await asyncio.gather(*(one() for _ in range(8)))
    else:  # 8 threads
        with ThreadPoolExecutor(8) as pool:
            errors = list(pool.map(lambda _: asyncio.run(one()), range(8)))
    assert next(counter) == 8  # one token per request
    assert [error for error in errors if _leaks(error, *sent)] == []
    assert all("Bearer [redacted]" in str(error) for error in errors)


def test_status_error_redacts_a_text_body_and_cuts_after_redacting() -> None:
    # The secret straddles character 200: cutting first would leave its first half.
    body = "x" * 190 + f" {TOKEN} " + "y" * 9000
    request = httpx.Request("GET", "https://api.example/exchanges")
    response = httpx.Response(500, text=body, request=request)

    error = status_error(response, Redactor(TOKEN))

    assert TOKEN[:12] not in str(error)
    assert error.body == ("x" * 190 + f" {REDACTED} " + "y" * 9000)[:8192]


def test_a_body_nested_deeper_than_the_parser_goes_is_kept_as_text() -> None:
    request = httpx.Request("GET", "https://api.example/exchanges")
    response = httpx.Response(500, content=b"[" * 200_000, request=request)

    error = status_error(response, Redactor())

    assert isinstance(error, InternalServerError)
    assert error.body == "[" * 8192


def test_a_status_error_made_by_hand_is_plain_data() -> None:
    error = RateLimitError(
        "slow down",
        status_code=429,
        method="POST",
        url="https://api.example/x",
        headers={"Retry-After": "7", "X-Request-Id": "req-9"},
        body={"error": "busy"},
    )
    assert (error.status_code, error.method, error.url) == (429, "POST", "https://api.example/x")
    assert error.headers == {"retry-after": "7", "x-request-id": "req-9"}
    assert (error.retry_after, error.request_id, error.body) == (7.0, "req-9", {"error": "busy"})
    assert not hasattr(error, "response") and not hasattr(error, "request")


def test_an_upload_error_tells_the_wait_of_the_rate_limit_that_stopped_it() -> None:
    from datasync_grades import UploadError

    limit = RateLimitError("429", status_code=429, headers={"retry-after": "12"})
    try:
        raise UploadError("stopped", chunks_accepted=2, chunks_total=5) from limit
    except UploadError as exc:
        assert exc.retry_after == 12.0
    assert UploadError("x", chunks_accepted=0, chunks_total=1).retry_after is None


def test_credential_headers_of_an_answer_are_redacted() -> None:
    # Judged by name, as in the logs: the server's own cookies and keys.
    request = httpx.Request("GET", "https://api.example/exchanges")
    headers = [
        ("Set-Cookie", "sid=abc123"),
        ("X-Api-Key", "k-0000"),
        ("Retry-After", "7"),
        ("X-Request-Id", "req-1"),
        ("WWW-Authenticate", 'Bearer error="invalid_token"'),
    ]
    response = httpx.Response(503, content=b"busy", headers=headers, request=request)

    error = status_error(response, Redactor())

    where = error.headers
    assert (where["set-cookie"], where["x-api-key"]) == (REDACTED, REDACTED)
    assert (where["retry-after"], where["x-request-id"]) == ("7", "req-1")
    assert where["www-authenticate"] == 'Bearer error="invalid_token"'  # a challenge
    assert (error.retry_after, error.request_id) == (7.0, "req-1")


def test_an_error_body_in_another_charset_is_decoded_by_it_and_redacted() -> None:
    secret = "geheimnis-é-1234"
    body = f"Zugriff verweigert: {secret}".encode("latin-1")
    request = httpx.Request("GET", "https://api.example/exchanges")
    headers = {"Content-Type": "text/plain; charset=latin-1"}
    response = httpx.Response(403, content=body, headers=headers, request=request)

    error = status_error(response, Redactor(secret))

    assert error.body == f"Zugriff verweigert: {REDACTED}"
    assert str(error).endswith(f": Zugriff verweigert: {REDACTED}")


def test_a_utf16_error_body_keeps_no_secret() -> None:
    secret = "abcdefgh12345678"
    body = f'{{"echo": "{secret}"}}'.encode("utf-16")
    request = httpx.Request("GET", "https://api.example/exchanges")
    headers = {"Content-Type": "application/json; charset=utf-16"}
    response = httpx.Response(400, content=body, headers=headers, request=request)

    error = status_error(response, Redactor(secret))

    assert error.body == {"echo": REDACTED}
    assert _leaks(error, secret) == []


def test_a_secret_sent_as_a_json_number_is_redacted_from_the_body() -> None:
    # Redacted as text before it is decoded: a number is no string to redact later.
    request = httpx.Request("GET", "https://api.example/exchanges")
    response = httpx.Response(400, content=b'{"secret": 123456789012}', request=request)

    error = status_error(response, Redactor("123456789012"))

    assert "123456789012" not in repr(error.body) and "123456789012" not in str(error)
