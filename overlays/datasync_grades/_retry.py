"""Retries: which failures are retried and how long to wait; the client's send loop applies it.

Idempotent methods are retried after a transport failure and after 408, 429, 500, 502, 503
and 504; POST and PATCH only when the server provably did not process them (the connection
was never made, or 429/503). The wait is full-jitter exponential backoff, or exactly the
server's ``Retry-After`` up to ``max_retry_after`` (above it: no retry, the error at once).

Example::

    policy = RetryPolicy(max_retries=5, max_retry_after=120.0)
    client = DataSync(auth=auth, retry_policy=policy)
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import attrs

from ._http import httpx
from ._logging import logger, redact_url

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "RetryPolicy",
    "parse_retry_after",
]

DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RETRY_AFTER = 60.0

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_IDEMPOTENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# The server did not process the request and says when to come back (Retry-After).
_NOT_PROCESSED_STATUSES = frozenset({429, 503})
# Failures after which a server may or may not have the request: timeouts, network errors, a
# dropped connection (not a request refused here, a proxy's error or a protocol not spoken).
_IDEMPOTENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Raised before a single byte of the request left this machine.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or None when there is none or it is garbage.

    Accepts delay-seconds (``"120"``; decimals tolerated) and an HTTP-date (compared with
    ``now``, default the current UTC time). A negative delay or a date in the past gives
    ``0.0``. Capping is the caller's business.

    >>> parse_retry_after("1")
    1.0
    >>> parse_retry_after("soon") is None
    True
    """
    text = (value or "").strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)  # also an empty value: no header, or an empty one
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        when = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        seconds = (when - (datetime.now(UTC) if now is None else now)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


_NON_NEGATIVE = attrs.validators.ge(0.0)  # the int max_retries takes ge(0): mypy types the bound


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When to retry a request and how long to wait first. Immutable; share it freely.

    ``sleep``, ``async_sleep`` and ``random`` are injectable for tests.

    Example::

        RetryPolicy(max_retries=0)                       # never retry
        RetryPolicy(max_retries=4, max_backoff=30.0)     # longer, slower
    """

    max_retries: int = attrs.field(default=DEFAULT_MAX_RETRIES, validator=attrs.validators.ge(0))
    backoff_base: float = attrs.field(default=0.5, validator=_NON_NEGATIVE)
    backoff_factor: float = attrs.field(default=2.0, validator=_NON_NEGATIVE)
    max_backoff: float = attrs.field(default=8.0, validator=_NON_NEGATIVE)
    max_retry_after: float = attrs.field(default=DEFAULT_MAX_RETRY_AFTER, validator=_NON_NEGATIVE)
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, eq=False, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = attrs.field(
        default=asyncio.sleep, eq=False, repr=False
    )
    random: Callable[[], float] = attrs.field(default=random.random, eq=False, repr=False)

    def next_wait(
        self,
        request: httpx.Request,
        *,
        response: httpx.Response | None = None,
        exc: BaseException | None = None,
        attempt: int,
        now: datetime | None = None,
    ) -> float | None:
        """The seconds to wait before retrying ``request``, or None not to retry. Logs why.

        This is the whole decision the client's sync and async send loops apply.
        """
        status = response.status_code if response is not None else None
        idempotent = request.method.upper() in IDEMPOTENT_METHODS
        errors = _IDEMPOTENT_ERRORS if idempotent else _NOT_SENT_ERRORS
        statuses = _IDEMPOTENT_STATUSES if idempotent else _NOT_PROCESSED_STATUSES
        retryable = isinstance(exc, errors) if exc is not None else status in statuses
        if not retryable or attempt >= self.max_retries:
            # A success, not retryable, retries off, or spent ("attempt n of n" was logged).
            return None
        where = f"{request.method} {redact_url(request.url)} after {status or type(exc).__name__}"
        retry_after = None
        if response is not None and status in _NOT_PROCESSED_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"), now)
        if not isinstance(request.stream, httpx.ByteStream):
            why = "the request body cannot be replayed"
        elif retry_after is not None and retry_after > self.max_retry_after:
            why = (
                f"Retry-After {retry_after:.0f} s exceeds max_retry_after "
                f"{self.max_retry_after:.0f} s"
            )
        else:  # Retry-After, or full-jitter exponential backoff
            ceiling = min(self.max_backoff, self.backoff_base * self.backoff_factor**attempt)
            wait = retry_after if retry_after is not None else self.random() * ceiling
            logger.info(
                "retrying %s in %.2f s (attempt %d of %d)",
                where,
                wait,
                attempt + 1,
                self.max_retries,
            )
            return wait
        logger.info("not retrying %s: %s", where, why)
        return None
