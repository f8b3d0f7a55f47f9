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
    └── UploadError                     a data push failed after some chunks were accepted

Messages never carry credentials: request headers are not part of any message, and the
body excerpt in a message is cut short.

Example::

    try:
        find_exchange.sync(id, client=client)
    except datasync_grades.NotFoundError as exc:
        print(exc.status_code, exc.request_id)
"""

from __future__ import annotations

from typing import Any

import httpx

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
    ``HTTPStatus`` does not know (e.g. 520).
    """

    def __init__(self, message: str, *, response: httpx.Response | None, body: Any = None) -> None:
        super().__init__(message)
        self.response = response
        self.body = body
        if response is not None:
            self.status_code: int = response.status_code
            self.headers: httpx.Headers = response.headers
            self.method: str = response.request.method
            self.url: str = str(response.request.url)
        else:
            self.status_code = 0
            self.headers = httpx.Headers()
            self.method = ""
            self.url = ""
        self.request_id: str | None = next(
            (self.headers[name] for name in _REQUEST_ID_HEADERS if name in self.headers), None
        )


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
    """429. ``retry_after`` is the server's Retry-After in seconds, when it sent one."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, response=response, body=body)
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


class UploadError(DataSyncError):
    """Pushing exchange data stopped part-way.

    ``chunks_accepted`` chunks were stored by the server; pass it as ``resume_from`` to
    send the rest without sending those again. ``__cause__`` is the underlying error.
    """

    def __init__(self, message: str, *, chunks_accepted: int, chunks_total: int) -> None:
        super().__init__(message)
        self.chunks_accepted = chunks_accepted
        self.chunks_total = chunks_total
