"""Typed errors raised by the datasync_grades client.

Every failure a caller can see is one of these, so ``except DataSyncError`` catches
everything the package raises on purpose::

    DataSyncError
    ├── APIConnectionError              the request never got an answer
    │   └── APITimeoutError
    ├── APIStatusError                  the server answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   │   └── TokenError              the OAuth2 token endpoint refused or failed
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429 (``retry_after``)
    │   └── InternalServerError         5xx
    ├── ResponseValidationError         a 2xx body that does not parse
    ├── ArtifactError                   an artifact that is not gzip/JSON, truncated, or too large
    ├── PaginationError                 pages that do not add up (the same page again, a loop)
    ├── UploadError                     a data push failed after some chunks were accepted
    └── OversizedItemError              (also a ValueError; in _upload) an item too big for a chunk

Nothing an error carries shows a credential: request headers are part of no message, URLs
lose their userinfo, a message quotes at most 200 characters of a body, and every message,
``body``, ``error_description`` and the messages of chained httpx errors are redacted of the
client's own secrets (see :mod:`datasync_grades._redact`). ``response`` and ``request`` are
closed snapshots: status, headers (``Authorization`` and the like replaced by ``[redacted]``)
and the redacted body; the request's body and the response's ``history`` are not kept.

Status codes map to classes by :func:`status_error_from_response`: 400, 401, 403, 404, 409,
422 and 429 to their classes, 500-599 (including non-IANA codes such as 520) to
``InternalServerError``, anything else outside 2xx (3xx not followed, 418, ...) to
``APIStatusError``.

Example::

    try:
        find_exchange.sync(id, client=client)
    except datasync_grades.NotFoundError as exc:
        print(exc.status_code, exc.request_id)
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
from collections.abc import Iterable
from typing import Any

from ._http import httpx
from ._logging import is_sensitive_header, redact_headers, redact_url
from ._redact import REDACTED, excerpt, redact, redact_bytes, redact_value
from ._retry import parse_retry_after

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "ArtifactError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DataSyncError",
    "InternalServerError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "TokenError",
    "UnprocessableEntityError",
    "UploadError",
    "UploadRateLimitError",
]

# Charsets in which the UTF-8 forms of a secret are its bytes (for an ASCII secret, at least).
_UTF8_COMPATIBLE = frozenset({"utf-8", "ascii"})
# Headers the API (or a proxy in front of it) may use to identify a request.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")
# The ``body`` attribute keeps this much of a body that is not JSON.
_BODY_TEXT_LIMIT = 8192


class DataSyncError(Exception):
    """Base class of every error this package raises on purpose."""


class APIConnectionError(DataSyncError):
    """The request could not be completed: DNS, connect, TLS, a dropped connection."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""


class APIStatusError(DataSyncError):
    """The server answered with a status outside 2xx.

    ``status_code`` is any integer the server sent, including codes Python's
    ``HTTPStatus`` does not know (e.g. 520). ``body`` is the decoded JSON body, or the
    start of the text when it is not JSON, or None when empty. ``retry_after`` is the
    server's ``Retry-After`` in seconds when it sent one. ``url`` has no userinfo.

    The message and ``body`` are redacted of ``secrets``, and ``response`` is a closed
    snapshot of the one given: every status error is made credential-free here, whoever
    raises it.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None,
        body: Any = None,
        secrets: Iterable[str] = (),
    ) -> None:
        secrets = tuple(secrets)
        super().__init__(redact(message, secrets))
        self.body = redact_value(body, secrets)
        if response is not None:
            # A 2xx body (a token endpoint's, refused for its characters) may hold a token:
            # only error bodies are kept.
            response = _snapshot(response, secrets, keep_body=not response.is_success)
        self.response = response
        # No response (the token endpoint was not reached, say): status 0, no headers.
        self.status_code: int = 0 if response is None else response.status_code
        self.headers = httpx.Headers() if response is None else response.headers
        self.method: str = "" if response is None else response.request.method
        self.url: str = "" if response is None else str(response.request.url)  # no userinfo
        self.request_id: str | None = request_id_of(self.headers)
        self.retry_after: float | None = parse_retry_after(self.headers.get("retry-after"))


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid or expired credentials."""


class TokenError(AuthenticationError):
    """No usable token: the OAuth2 token endpoint did not issue one, or a token (issued, or
    from a ``BearerToken`` provider) holds characters HTTP does not allow in a header.

    ``error`` and ``error_description`` are the RFC 6749 fields when the endpoint sent
    them. When the endpoint could not be reached, or the token came from a provider, there
    is no response: ``status_code`` is 0 (``__cause__`` holds the network error, if any).
    The message, ``body``, ``error``, ``error_description`` and ``response`` (a snapshot
    whose request has no body: the form with the client secret is not kept) are redacted of
    ``secrets``.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None = None,
        body: Any = None,
        error: str | None = None,
        error_description: str | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        secrets = tuple(secrets)
        super().__init__(message, response=response, body=body, secrets=secrets)
        self.error = error and redact(error, secrets)
        self.error_description = error_description and redact(error_description, secrets)


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409: e.g. running a schedule that is already running."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429. ``retry_after`` is the server's Retry-After in seconds, when it sent one.

    The client has already waited and retried where the rules allow; this is raised when
    retries ran out or the server asked for a wait longer than ``max_retry_after``.
    """


class InternalServerError(APIStatusError):
    """5xx."""


class ResponseValidationError(DataSyncError):
    """A 2xx answer whose body is not what the spec describes (malformed JSON, wrong shape)."""

    def __init__(self, message: str, *, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        # A closed copy: the original's request carries the Authorization header.
        self.response = None if response is None else _snapshot(response, ())


class ArtifactError(DataSyncError):
    """An artifact body that is not gzip or JSON, a truncated or corrupt gzip, or one
    that decompresses past the size limit."""


class PaginationError(DataSyncError):
    """The server's pages cannot be walked to an end: it sent the same page again, or a
    ``paging.next`` that does not move forward."""


class UploadError(DataSyncError):
    """Pushing exchange data stopped part-way.

    ``chunks_accepted`` chunks were stored by the server; pass it as ``resume_from`` to
    send the rest without sending those again. ``__cause__`` is the underlying error.
    """

    # Defaults: UploadRateLimitError reaches this __init__ through APIStatusError's super().
    def __init__(self, message: str, *, chunks_accepted: int = 0, chunks_total: int = 0) -> None:
        super().__init__(message)
        self.chunks_accepted = chunks_accepted
        self.chunks_total = chunks_total


class UploadRateLimitError(RateLimitError, UploadError):
    """A push stopped by a 429 the client would not wait out: one shape for rate limiting
    (``except RateLimitError``, ``retry_after``) that still tells how far the push got."""

    def __init__(
        self, message: str, *, cause: RateLimitError, chunks_accepted: int, chunks_total: int
    ) -> None:
        # retry_after is read again from the same (snapshot) response's Retry-After.
        super().__init__(message, response=cause.response, body=cause.body)
        self.chunks_accepted = chunks_accepted
        self.chunks_total = chunks_total


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    # Every 5xx, also those HTTPStatus does not know (520 and the like).
    **{status: InternalServerError for status in range(500, 600)},
}


def request_id_of(headers: httpx.Headers) -> str | None:
    """The request id the server (or a proxy in front of it) sent, if any."""
    return next((headers[name] for name in _REQUEST_ID_HEADERS if name in headers), None)


def status_error_from_response(
    response: httpx.Response, *, secrets: Iterable[str] = ()
) -> APIStatusError:
    """The typed exception for a non-2xx response, with its body decoded.

    Read the body first (``response.read()``); an unread body is treated as empty. The
    message quotes at most 200 characters of the body; ``body`` is all of it (JSON decoded,
    text cut at 8 KiB); both, and the ``response`` snapshot, are redacted of ``secrets``
    (give the auth's, see :func:`datasync_grades._redact.secrets_of`).

    Example::

        if not response.is_success:
            response.read()
            raise status_error_from_response(response, secrets=secrets_of(client.auth))
    """
    secrets = tuple(secrets)
    try:
        # The bytes are redacted before decoding: a secret sent as a JSON number is no string
        # for redact_value. The text is decoded in the body's own charset.
        content, text = redact_bytes(response.content, secrets), response.text
    except httpx.ResponseNotRead:
        content, text = b"", ""
    # Redacted before it is cut: a cut through a secret would leave a piece of it.
    text = redact(text, secrets)
    try:
        body = json.loads(content) if content else None
    except (ValueError, RecursionError):  # RecursionError: nested past the interpreter's limit
        body = text[:_BODY_TEXT_LIMIT]
    request = response.request
    message = f"{request.method} {redact_url(request.url)} -> {response.status_code}"
    if response.reason_phrase:
        message += f" {response.reason_phrase}"
    request_id = request_id_of(response.headers)
    if request_id:
        message += f" (request id {request_id})"
    shown = excerpt(text, secrets)
    if shown:
        message += f": {shown}"
    cls = _STATUS_CLASSES.get(response.status_code, APIStatusError)
    return cls(message, response=response, body=body, secrets=secrets)


def connection_error_from(exc: httpx.RequestError, *, secrets: Iterable[str] = ()) -> DataSyncError:
    """The typed exception for an httpx request failure; raise it ``from exc``.

    Timeouts become ``APITimeoutError``, a body httpx could not decode (bad
    ``Content-Encoding``) ``ResponseValidationError``, anything else ``APIConnectionError``.
    No message shows a header value: ``exc`` and the errors chained to it are redacted of
    ``secrets`` in place, and an "Illegal header value" loses the value.
    """
    secrets = tuple(secrets)
    try:
        request: httpx.Request | None = _request_snapshot(exc.request, secrets)
    except RuntimeError:  # raised without a request attached
        request = None
    # The snapshot's URL has no userinfo and no secret.
    where = "request" if request is None else f"{request.method} {request.url}"
    detail = transport_detail(exc, secrets)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{where} timed out: {detail}", request=request)
    if isinstance(exc, httpx.DecodingError):
        return ResponseValidationError(
            f"{where}: the response body could not be decoded: {str(exc) or 'no detail'}"
        )
    return APIConnectionError(f"{where} failed: {detail}", request=request)


# h11 (through httpcore and httpx) quotes the refused header: "Illegal header value b'Bearer ...'".
_ILLEGAL_HEADER = re.compile(r"(Illegal header (?:name|value))\b.*", re.DOTALL)


def transport_detail(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """``"TypeName: message"`` of a transport error, fit for a message or a log line.

    Redacts the messages of ``exc`` and of every exception chained to it in place (they are
    raised or logged again as ``__cause__``): ``secrets`` become ``[redacted]``, and the
    value after "Illegal header value" / "Illegal header name" is dropped.
    """
    secrets = tuple(secrets)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(
            redact(_ILLEGAL_HEADER.sub(r"\1 (not shown)", str(arg)), secrets)
            if isinstance(arg, str | BaseException)
            else arg
            for arg in current.args
        )
        current = current.__cause__ or current.__context__
    return f"{type(exc).__name__}: {str(exc) or 'no detail'}"


# They describe the body on the wire, not the decoded one a snapshot holds.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def _snapshot(
    response: httpx.Response, secrets: tuple[str, ...], *, keep_body: bool = True
) -> httpx.Response:
    """A closed copy of ``response`` that holds no credential: its body (if kept) and headers
    redacted of ``secrets``, and a request without its body or credentials."""
    content = b""
    if keep_body:
        with contextlib.suppress(httpx.ResponseNotRead):  # not read: kept as empty
            content = redact_bytes(response.content, secrets)
            # The secrets' forms are UTF-8 bytes: a body in another charset is redacted as
            # text and written back in that charset (what cannot be decoded becomes U+FFFD).
            encoding = response.encoding or "utf-8"
            if secrets and codecs.lookup(encoding).name not in _UTF8_COMPATIBLE:
                text = redact(content.decode(encoding, errors="replace"), secrets)
                content = text.encode(encoding, errors="replace")
    headers = [
        (name, REDACTED if is_sensitive_header(name) else redact(value, secrets))
        for name, value in response.headers.multi_items()
        if name.lower() not in _WIRE_HEADERS
    ]
    snapshot = httpx.Response(
        response.status_code,
        headers=headers,
        content=content,
        request=_request_snapshot(response.request, secrets),
        # Only what http_version and reason_phrase read: "network_stream" holds the connection.
        extensions={
            "http_version": response.http_version.encode(),
            "reason_phrase": response.reason_phrase.encode(),
        },
    )
    with contextlib.suppress(RuntimeError):  # RuntimeError: not measured, a response made by hand
        snapshot.elapsed = response.elapsed
    return snapshot


def _request_snapshot(request: httpx.Request, secrets: tuple[str, ...]) -> httpx.Request:
    return httpx.Request(
        request.method,
        redact(redact_url(request.url), secrets),
        headers=redact_headers(request.headers, secrets),
    )
