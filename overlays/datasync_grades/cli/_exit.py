"""Exit codes by error class, so that a script tells a 404 from a 409 from a 429."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .. import DataSyncError

__all__ = ["ExitCode", "exit_code_for"]


class ExitCode(IntEnum):
    """What `datasync-grades` exits with (README, "Command line")."""

    OK = 0
    ERROR = 1  # anything else: a corrupt artifact, pages that never end, a declined question
    USAGE = 2  # a bad option or value, missing credentials, --yes needed off a terminal
    AUTH = 3  # 401 or 403, or no token from the token endpoint
    NOT_FOUND = 4  # 404
    CONFLICT = 5  # 409, e.g. a schedule that is already running
    RATE_LIMITED = 6  # 429 after the client's own retries
    VALIDATION = 7  # 400, 422 and any other 4xx: the server refused the request as sent
    SERVER = 8  # 5xx, no connection, a timeout, or an answer the spec does not describe


def exit_code_for(error: DataSyncError) -> ExitCode:
    """The exit code of a library error (subclasses first: a TokenError is an auth error)."""
    from .. import (
        APIConnectionError,
        APIStatusError,
        AuthenticationError,
        ConflictError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseValidationError,
    )

    for cls, code in (
        (AuthenticationError, ExitCode.AUTH),
        (PermissionDeniedError, ExitCode.AUTH),
        (NotFoundError, ExitCode.NOT_FOUND),
        (ConflictError, ExitCode.CONFLICT),
        (RateLimitError, ExitCode.RATE_LIMITED),
        (APIConnectionError, ExitCode.SERVER),
        (ResponseValidationError, ExitCode.SERVER),
    ):
        if isinstance(error, cls):
            return code
    if isinstance(error, APIStatusError):
        return ExitCode.SERVER if error.status_code >= 500 else ExitCode.VALIDATION
    return ExitCode.ERROR
