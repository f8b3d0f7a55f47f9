"""Typed errors raised by the datasync_grades client.

Every failure a caller can see is one of these, so ``except DataSyncError`` catches
everything the package raises on purpose::

    DataSyncError
    ├── APIConnectionError              the request (a token request too) never got an answer
    │   └── APITimeoutError
    ├── APIStatusError                  the server answered with a non-2xx status
    │   ├── BadRequestError             400
    │   ├── AuthenticationError         401
    │   │   └── TokenError              the token endpoint refused, or a token is unusable
    │   ├── PermissionDeniedError       403
    │   ├── NotFoundError               404
    │   ├── ConflictError               409
    │   ├── UnprocessableEntityError    422
    │   ├── RateLimitError              429 (``retry_after``)
    │   └── InternalServerError         5xx
    ├── ResponseValidationError         a 2xx body that does not parse
    ├── ArtifactError                   an artifact that is not gzip/JSON, truncated, or too large
    ├── PaginationError                 pages that do not add up (the same page again, a loop)
    ├── UploadError                     a push stopped part-way (``__cause__``, ``retry_after``)
    └── OversizedItemError              (also a ValueError; in _upload) an item too big for a chunk

Errors are plain data (dataclasses, constructed with the message first and the fields by
keyword): status, method, URL (without userinfo), headers (a plain dict, names in lower case),
the decoded ``body`` (a :data:`JSONValue`), its error ``code``, request id and ``retry_after``,
never a live httpx object. Nothing chained to them (``__cause__``, ``__context__``) is an httpx
exception: a transport failure keeps its type name and message as ``cause_type`` and
``cause_message``. Errors made here from an answer (:func:`status_error`,
:func:`connection_error`, :func:`validation_error`) are redacted by the client's
:class:`~datasync_grades._redact.Redactor` (its secrets in every form, credential headers by
name), and their messages have control and bidi characters escaped and quote at most 200
characters of a body, never a ``score``, ``grade`` or ``comments`` value. An error made by hand
is shown as given.

Status codes map to classes by :func:`status_error`: 400, 401, 403, 404, 409,
422 and 429 to their classes, 500-599 (including non-IANA codes such as 520) to
``InternalServerError``, anything else outside 2xx (3xx not followed, 418, ...) to
``APIStatusError``.

Example::

    try:
        client.artifacts.get_exchange_details(exchange_id).iter_bytes()
    except datasync_grades.NotFoundError as exc:
        print(exc.status_code, exc.code, exc.url, exc.request_id)  # 404 artifact_not_available
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from typing import Any, TypeAlias

from datasync_grades_api.models import ErrorCode

from ._http import httpx
from ._redact import REDACTED, Redactor, escape_controls
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
    "JSONValue",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "TokenError",
    "UnprocessableEntityError",
    "UploadError",
    "connection_error",
    "request_id_of",
    "status_error",
    "validation_error",
]

# What ``json.loads`` returns: narrow it with ``isinstance`` (``body["error"]`` after
# ``isinstance(body, dict)``), no cast needed.
JSONValue: TypeAlias = dict[str, "JSONValue"] | list["JSONValue"] | str | int | float | bool | None

# The codes the spec knows, as members (``ErrorCode.RUN_IN_PROGRESS == "run_in_progress"``).
_CODES: dict[str, ErrorCode] = {code.value: code for code in ErrorCode}
# Headers the API (or a proxy in front of it) may use to identify a request.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")
# h11 (through httpcore and httpx) quotes the refused header: "Illegal header value b'Bearer ...'".
_ILLEGAL_HEADER = re.compile(r"(Illegal header (?:name|value))\b.*", re.DOTALL)
# The ``body`` attribute keeps this much of a body that is not JSON.
_BODY_TEXT_LIMIT = 8192
# Students' grade data, which a server may quote back when it refuses a chunk: never in a message.
_GRADE_FIELDS = frozenset({"score", "grade", "comments"})


# Errors are dataclasses: fields by keyword after the message, compared and hashed by identity
# and shown (repr) by their message, as any exception.
@dataclass(eq=False, repr=False)
class DataSyncError(Exception):
    """Base class of every error this package raises on purpose."""

    message: InitVar[str]  # the exception's one argument (``args``, ``str(exc)``), not a field

    def __post_init__(self, message: str) -> None:
        super().__init__(message)  # (a subclass's own __init__ may take more arguments)


@dataclass(eq=False, repr=False, kw_only=True)
class _RequestError(DataSyncError):
    method: str = ""
    url: str = ""


@dataclass(eq=False, repr=False, kw_only=True)
class APIConnectionError(_RequestError):
    """The request got no answer: DNS, connect, TLS, a dropped connection, a proxy.

    ``cause_type`` and ``cause_message`` are the transport error's type name (``"ConnectError"``)
    and its redacted message; no live httpx exception is kept.
    """

    cause_type: str = ""
    cause_message: str = ""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write, pool, or ``total_timeout``)."""


@dataclass(eq=False, repr=False, kw_only=True)
class _AnswerError(_RequestError):
    status_code: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self, message: str) -> None:
        super().__post_init__(message)
        self.headers = {name.lower(): value for name, value in self.headers.items()}


@dataclass(eq=False, repr=False, kw_only=True)
class APIStatusError(_AnswerError):
    """The server answered with a status outside 2xx.

    ``status_code`` is any integer the server sent, including codes Python's ``HTTPStatus`` does
    not know (e.g. 520). ``headers`` is a plain dict (names in lower case). ``body`` is the decoded
    JSON body, or the start of the text when it is not JSON, or None when empty. ``code`` is the
    server's error code: the body's ``error.code`` (the API's: an ``ErrorCode`` member, a str
    enum, when the spec knows it, e.g. ``ErrorCode.NOT_FOUND == "not_found"``; else the str) or
    its ``error`` string (an OAuth2 error such as ``"invalid_client"``), else None.
    ``request_id`` and ``retry_after`` (seconds) are read from ``headers``.
    """

    status_code: int
    body: JSONValue = None

    def __post_init__(self, message: str) -> None:
        super().__post_init__(message)
        self.request_id = request_id_of(self.headers)
        self.retry_after = parse_retry_after(self.headers.get("retry-after"))
        error = self.body.get("error") if isinstance(self.body, dict) else None
        code = error.get("code") if isinstance(error, dict) else error
        self.code: ErrorCode | str | None = (
            _CODES.get(code, code) if isinstance(code, str) else None
        )


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: missing, invalid or expired credentials."""


@dataclass(eq=False, repr=False, kw_only=True)
class TokenError(AuthenticationError):
    """No usable token: the OAuth2 token endpoint answered without one, or a token (issued, or
    from a ``BearerToken`` provider) holds characters HTTP does not allow in a header. An
    endpoint that could not be reached is an ``APIConnectionError``.

    ``error`` (also ``code``) and ``error_description`` are the RFC 6749 fields when the endpoint
    sent them. ``status_code`` is the endpoint's, 0 for a provider's token.
    """

    status_code: int = 0

    @property
    def error(self) -> str | None:
        return self.code

    @property
    def error_description(self) -> str | None:
        value = self.body.get("error_description") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404: no such resource; for an artifact, ``code`` tells ``"artifact_not_available"`` (the
    exchange exists, its artifact does not) from ``"not_found"`` when the server says which."""


class ConflictError(APIStatusError):
    """409: e.g. running a schedule that is already running (``code`` ``"run_in_progress"``)."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429. ``retry_after`` is the server's Retry-After in seconds, when it sent one.

    The client has already waited and retried where the rules allow; this is raised when
    retries ran out or the server asked for a wait longer than ``max_retry_after``.
    """


class InternalServerError(APIStatusError):
    """5xx."""


class ResponseValidationError(_AnswerError):
    """A 2xx answer whose body is not what the spec describes (malformed JSON, wrong shape, too
    large). ``status_code`` (None: no answer to speak of), ``method``, ``url`` and ``headers``
    as in ``APIStatusError``; the body is not kept."""


class ArtifactError(DataSyncError):
    """An artifact body that is not gzip or JSON, a truncated or corrupt gzip, or one
    that decompresses past the size limit."""


class PaginationError(DataSyncError):
    """The server's pages cannot be walked to an end: it sent the same page again, or a
    ``paging.next`` that does not move forward."""


@dataclass(eq=False, repr=False, kw_only=True)
class UploadError(DataSyncError):
    """Pushing exchange data stopped part-way.

    ``chunks_accepted`` chunks were stored by the server; the same push with the same
    ``checkpoint`` sends the rest without sending those again. ``__cause__`` is the error that
    stopped it; for a ``RateLimitError``, ``retry_after`` is its wait (else None).
    """

    chunks_accepted: int = 0
    chunks_total: int = 0

    @property
    def retry_after(self) -> float | None:
        cause = self.__cause__
        return cause.retry_after if isinstance(cause, RateLimitError) else None


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


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The request id the server (or a proxy in front of it) sent, if any (names in lower case,
    or ``httpx.Headers``)."""
    present = headers.keys()  # (``name in headers`` raises a KeyError inside httpx per miss)
    return next((headers[name] for name in _REQUEST_ID_HEADERS if name in present), None)


def _response_fields(response: httpx.Response, redactor: Redactor) -> dict[str, Any]:
    """``status_code``, ``method``, ``url`` and ``headers`` of an answer, redacted: keywords
    for any error above."""
    request = response.request
    return {
        "status_code": response.status_code,
        "method": request.method,
        "url": redactor.url(request.url),
        "headers": redactor.headers(response.headers),
    }


def status_error(
    response: httpx.Response, redactor: Redactor, *, cut: bool = False
) -> APIStatusError:
    """The typed exception for a non-2xx answer, redacted by ``redactor``.

    The send path calls it once it has read the body, bounded and decoded; ``cut``: the body
    was cut at a size cap, so a secret may be cut through at its end. ``body`` is the decoded
    JSON (or the text, up to 8 KiB); the message reads
    ``GET <url> -> 404 Not Found (request id abc): <excerpt>``.

    Example::

        raise status_error(response, self.redactor, cut=problem is not None)
    """
    # Redacted as text before decoding: a secret sent as a JSON number is no string later.
    text = redactor.text(response.text, cut=cut)
    body: JSONValue = text[:_BODY_TEXT_LIMIT] or None
    shown = text[:_BODY_TEXT_LIMIT]
    # RecursionError: nested past the interpreter's limit (then kept as text).
    with contextlib.suppress(ValueError, RecursionError):
        body = redactor.value(json.loads(text))  # also \u-escaped secrets
        shown = json.dumps(_without_grades(body), ensure_ascii=False)
    fields = _response_fields(response, redactor)
    reason = redactor.excerpt(response.reason_phrase)
    message = f"{fields['method']} {fields['url']} -> {response.status_code} {reason}".rstrip()
    if request_id := request_id_of(fields["headers"]):
        message += f" (request id {request_id})"
    if excerpt := redactor.excerpt(shown):
        message += f": {excerpt}"
    return _STATUS_CLASSES.get(response.status_code, APIStatusError)(message, body=body, **fields)


def validation_error(
    message: str, response: httpx.Response, redactor: Redactor
) -> ResponseValidationError:
    """``ResponseValidationError`` for a 2xx answer: ``message`` redacted and escaped."""
    return ResponseValidationError(
        escape_controls(redactor.text(message)), **_response_fields(response, redactor)
    )


def connection_error(
    exc: httpx.RequestError, redactor: Redactor, *, method: str, url: str
) -> APIConnectionError:
    """The typed exception for an httpx failure to get an answer to ``method`` ``url`` (the
    URL redacted): ``APITimeoutError`` or ``APIConnectionError`` (the client decodes bodies
    itself: httpx never fails to).

    Raise it outside the ``except`` block that caught ``exc``: then nothing chains the httpx
    error (``__context__``), whose request holds the credentials and the body sent.
    """
    # Redacted, escaped, and without the value h11 quotes after "Illegal header value".
    cause_message = _ILLEGAL_HEADER.sub(r"\1 (not shown)", str(exc)) or "no detail"
    cause_message = escape_controls(redactor.text(cause_message))
    timeout, cause_type = isinstance(exc, httpx.TimeoutException), type(exc).__name__
    return (APITimeoutError if timeout else APIConnectionError)(
        f"{method} {url} {'timed out' if timeout else 'failed'}: {cause_type}: {cause_message}",
        method=method,
        url=url,
        cause_type=cause_type,
        cause_message=cause_message,
    )


def _without_grades(value: Any) -> Any:
    """``value`` with the values of grade fields (``score``, ``grade``, ``comments``) blanked."""
    if isinstance(value, dict):
        return {k: REDACTED if k in _GRADE_FIELDS else _without_grades(v) for k, v in value.items()}
    return [_without_grades(item) for item in value] if isinstance(value, list) else value
