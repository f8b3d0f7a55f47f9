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

Messages never carry credentials: request headers are not part of any message, URLs lose
their userinfo, and the body excerpt in a message is cut short.

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

import json
from collections.abc import Iterable
from typing import Any

import httpx

from ._logging import redact_url
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
]

# Headers the API (or a proxy in front of it) may use to identify a request.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")
_BODY_EXCERPT = 500
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
    """

    def __init__(self, message: str, *, response: httpx.Response | None, body: Any = None) -> None:
        super().__init__(message)
        self.response = response
        self.body = body
        if response is not None:
            self.status_code: int = response.status_code
            self.headers: httpx.Headers = response.headers
            self.method: str = response.request.method
            self.url: str = redact_url(response.request.url)
        else:
            self.status_code = 0
            self.headers = httpx.Headers()
            self.method = ""
            self.url = ""
        self.request_id: str | None = request_id_of(self.headers)
        self.retry_after: float | None = parse_retry_after(self.headers.get("retry-after"))


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid or expired credentials."""


class TokenError(AuthenticationError):
    """The OAuth2 token endpoint did not issue a token.

    ``error`` and ``error_description`` are the RFC 6749 fields when the endpoint sent
    them. When the endpoint could not be reached there is no response: ``status_code``
    is 0 and ``__cause__`` holds the network error.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None = None,
        body: Any = None,
        error: str | None = None,
        error_description: str | None = None,
    ) -> None:
        super().__init__(message, response=response, body=body)
        self.error = error
        self.error_description = error_description


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

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, response=response, body=body)
        if retry_after is not None:
            self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx."""


class ResponseValidationError(DataSyncError):
    """A 2xx answer whose body is not what the spec describes (malformed JSON, wrong shape)."""

    def __init__(self, message: str, *, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


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

    def __init__(self, message: str, *, chunks_accepted: int, chunks_total: int) -> None:
        super().__init__(message)
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
}


def request_id_of(headers: httpx.Headers) -> str | None:
    """The request id the server (or a proxy in front of it) sent, if any."""
    return next((headers[name] for name in _REQUEST_ID_HEADERS if name in headers), None)


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for a status outside 2xx."""
    cls = _STATUS_CLASSES.get(status_code)
    if cls is not None:
        return cls
    return InternalServerError if 500 <= status_code <= 599 else APIStatusError


def status_error_from_response(
    response: httpx.Response, *, secrets: Iterable[str] = ()
) -> APIStatusError:
    """The typed exception for a non-2xx response, with its body decoded.

    Read the body first (``response.read()``); an unread body is treated as empty.

    Example::

        if not response.is_success:
            response.read()
            raise status_error_from_response(response)
    """
    try:
        content = response.content
    except httpx.ResponseNotRead:
        content = b""
    body = _decode_body(response, content)
    cls = status_error_class(response.status_code)
    request = response.request
    message = f"{request.method} {redact_url(request.url)} -> {response.status_code}"
    if response.reason_phrase:
        message += f" {response.reason_phrase}"
    request_id = request_id_of(response.headers)
    if request_id:
        message += f" (request id {request_id})"
    excerpt = _excerpt(content, response)
    if excerpt:
        message += f": {excerpt}"
    return cls(message, response=response, body=body)


def connection_error_from(exc: httpx.RequestError, *, secrets: Iterable[str] = ()) -> DataSyncError:
    """The typed exception for an httpx request failure; raise it ``from exc``.

    Timeouts become ``APITimeoutError``, a body httpx could not decode (bad
    ``Content-Encoding``) ``ResponseValidationError``, anything else ``APIConnectionError``.
    """
    try:
        request: httpx.Request | None = exc.request
    except RuntimeError:  # raised without a request attached
        request = None
    where = f"{request.method} {redact_url(request.url)}" if request is not None else "request"
    detail = str(exc) or "no detail"
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"{where} timed out: {type(exc).__name__}: {detail}", request=request
        )
    if isinstance(exc, httpx.DecodingError):
        return ResponseValidationError(f"{where}: the response body could not be decoded: {detail}")
    return APIConnectionError(f"{where} failed: {type(exc).__name__}: {detail}", request=request)


def _decode_body(response: httpx.Response, content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):  # RecursionError: nested past the interpreter's limit
        return _text(response, content)[:_BODY_TEXT_LIMIT]


def _text(response: httpx.Response, content: bytes) -> str:
    encoding = response.encoding or "utf-8"
    try:
        return content.decode(encoding, errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")


def _excerpt(content: bytes, response: httpx.Response) -> str:
    text = " ".join(_text(response, content[: _BODY_EXCERPT * 4]).split())
    return text if len(text) <= _BODY_EXCERPT else text[: _BODY_EXCERPT - 3] + "..."
