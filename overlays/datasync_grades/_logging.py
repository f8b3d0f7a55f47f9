"""Logging for datasync_grades: one logger, redaction of secrets, opt-in output to stderr.

Everything the package logs goes to the logger ``"datasync_grades"``:

- INFO: one line per request (method, URL, status, elapsed time, request id), every retry
  the client makes, and why it did not retry a failure it could have retried;
- DEBUG: also the request and response headers, with credentials replaced by
  ``"[redacted]"`` (see :func:`redact_headers`).

Like any library logger it is silent until the application configures logging. For a
quick look without touching the application, set the environment variable
``DATASYNC_GRADES_LOG=info`` (or ``debug``): :func:`datasync_grades.connect` then adds a
stderr handler to this logger (only once per process, however many clients are made).

Example::

    import logging
    logging.getLogger("datasync_grades").setLevel(logging.DEBUG)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping

from ._http import httpx
from ._redact import REDACTED, redact

__all__ = [
    "ENV_VAR",
    "LOGGER_NAME",
    "configure_from_env",
    "is_sensitive_header",
    "logger",
    "redact_headers",
    "redact_url",
]

LOGGER_NAME = "datasync_grades"
ENV_VAR = "DATASYNC_GRADES_LOG"

logger = logging.getLogger(LOGGER_NAME)

# A header whose name holds one of these is never shown ("auth": Authorization and
# Proxy-Authorization; "cookie": Cookie and Set-Cookie).
_SENSITIVE_WORDS = ("auth", "cookie", "token", "secret", "key", "password", "session", "signature")
_ENV_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


def is_sensitive_header(name: str) -> bool:
    """Whether a header's value is a credential, judged by its name alone (see redact_headers)."""
    lowered = name.lower()
    # A challenge, not a credential: why a 401 was refused (e.g. error="invalid_token").
    if lowered == "www-authenticate":
        return False
    return any(word in lowered for word in _SENSITIVE_WORDS)


def redact_headers(
    headers: httpx.Headers | Mapping[str, str] | Iterable[tuple[str, str]],
    secrets: Iterable[str] = (),
) -> dict[str, str]:
    """Headers as a dict fit for a log line: credentials replaced by ``"[redacted]"``.

    Redacted, judged by its name alone: any header whose name contains auth (``Authorization``,
    ``Proxy-Authorization``), cookie (``Cookie``, ``Set-Cookie``), token, secret, key, password,
    session or signature, except ``WWW-Authenticate`` (a challenge); in the others, any of
    ``secrets`` (see :func:`datasync_grades._redact.redact`).
    Repeated headers are joined with ``", "``.

    >>> redact_headers({"Authorization": "Bearer abc", "Accept": "application/json"})
    {'Authorization': '[redacted]', 'Accept': 'application/json'}
    """
    if isinstance(headers, httpx.Headers):
        items: Iterable[tuple[str, str]] = headers.multi_items()
    elif isinstance(headers, Mapping):
        items = headers.items()
    else:
        items = headers
    secrets = tuple(secrets)
    redacted: dict[str, str] = {}
    for name, value in items:
        shown = REDACTED if is_sensitive_header(name) else redact(value, secrets)
        redacted[name] = f"{redacted[name]}, {shown}" if name in redacted else shown
    return redacted


def redact_url(url: httpx.URL | str) -> str:
    """The URL without its userinfo (``user:password@``), for messages and logs.

    The API carries no secrets in paths or query strings, so those are kept.
    """
    url = httpx.URL(url)
    if url.userinfo:
        url = url.copy_with(userinfo=b"")
    return str(url)


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler installed by ``DATASYNC_GRADES_LOG``: a type of its own, so that it can
    be told from the application's handlers."""


def configure_from_env(environ: Mapping[str, str] | None = None) -> None:
    """Apply ``DATASYNC_GRADES_LOG`` (``info`` or ``debug``) to the package logger.

    Sets the logger's level and, where no handler would print the records yet (none on this
    logger or its ancestors, root included), adds one stderr handler, once per process: beside
    the application's own logging configuration a line is printed once, not twice. Unset,
    empty or unknown values change nothing.
    """
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip().lower()
    level = _ENV_LEVELS.get(value)
    if level is None:
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = _EnvHandler()  # sys.stderr
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
