"""Logging for datasync_grades: one logger, redaction of secrets, opt-in output to stderr.

Everything the package logs goes to the logger ``"datasync_grades"``:

- INFO: one line per request (method, URL, status, elapsed time, request id), every retry
  the client makes, and why it did not retry a failure it could have retried;
- DEBUG: also the request and response headers, credential headers replaced by
  ``"[redacted]"`` and every other value redacted of the client's secrets (see
  :meth:`datasync_grades._redact.Redactor.headers`).

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
from collections.abc import Mapping

from ._redact import redact_url

__all__ = [
    "ENV_VAR",
    "LOGGER_NAME",
    "configure_from_env",
    "logger",
    "redact_url",  # (from _redact, where the one redactor lives)
]

LOGGER_NAME = "datasync_grades"
ENV_VAR = "DATASYNC_GRADES_LOG"

logger = logging.getLogger(LOGGER_NAME)


def configure_from_env(environ: Mapping[str, str] | None = None) -> None:
    """Apply ``DATASYNC_GRADES_LOG`` (``info`` or ``debug``) to the package logger.

    Sets the logger's level and, where no handler would print the records yet (none on this
    logger or its ancestors, root included), adds one stderr handler, once per process: beside
    the application's own logging configuration a line is printed once, not twice. Unset,
    empty or unknown values change nothing.
    """
    level = (os.environ if environ is None else environ).get(ENV_VAR, "").strip().upper()
    if level not in ("DEBUG", "INFO"):
        return
    logger.setLevel(level)
    if not logger.hasHandlers():
        handler = logging.StreamHandler()  # sys.stderr
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
