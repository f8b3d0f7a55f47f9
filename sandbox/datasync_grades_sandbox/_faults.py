"""Fault injection: latency, 503s, bursts of 429s and dropped connections, deterministically.

A :class:`Faults` is plain configuration; the sandbox's :class:`FaultInjector` turns it into a
decision per request, drawing from a ``random.Random(faults.seed)``, so a test that sends its
requests one after another sees the same faults on every run. Every decision is counted in
:class:`FaultCounters`, which tests and benchmarks read through ``Sandbox.counters()``.

Example::

    faults = Faults(error_rate=0.2, error_retry_after=0, burst_every=10, burst_length=2, seed=7)
    with Sandbox(faults=faults) as sandbox:
        ...
        sandbox.faults = Faults(drop_after=3, drop_stage="response")  # 4th request: stored, lost
        print(sandbox.counters().unavailable)
"""

from __future__ import annotations

import dataclasses
import enum
import random
import threading
from dataclasses import dataclass
from typing import Literal

__all__ = ["FaultAction", "FaultCounters", "FaultDecision", "FaultInjector", "Faults"]


@dataclass(frozen=True)
class Faults:
    """What the sandbox does wrong, and how often.

    - ``latency``: seconds added before every affected answer.
    - ``error_rate``: share (0..1) of requests answered 503; ``error_retry_after`` (seconds)
      adds a ``Retry-After`` header to them.
    - ``burst_every`` / ``burst_length``: the ``burst_every``-th request and the
      ``burst_length - 1`` after it are answered 429 with ``Retry-After: burst_retry_after``,
      then again from request ``2 * burst_every``, and so on (0: no bursts).
    - ``drop_rate``: share of requests whose connection is closed without any answer.
    - ``drop_after``: the request after the first ``drop_after`` ones is dropped, once per
      configuration (0: never); assigning ``sandbox.faults`` again re-arms it.
    - ``drop_stage``: when a drop happens. ``"request"``: before routing, so nothing is stored;
      ``"response"``: the request is handled in full (a data chunk is stored, an error
      recorded), then the connection is closed instead of answering: the client cannot tell
      it from a lost request, and sending it again stores a duplicate.
    - ``seed``: seeds the random draws; ``include_token_endpoint``: also affect ``/oauth/token``
      (by default only API paths are affected).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    error_retry_after: int | None = None
    burst_every: int = 0
    burst_length: int = 1
    burst_retry_after: int = 1
    drop_rate: float = 0.0
    drop_after: int = 0
    drop_stage: Literal["request", "response"] = "request"
    seed: int = 0
    include_token_endpoint: bool = False

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError("latency must be >= 0")
        for name in ("error_rate", "drop_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be within 0..1")
        if self.burst_every < 0:
            raise ValueError("burst_every must be >= 0")
        if self.burst_every and not 1 <= self.burst_length < self.burst_every:
            # a burst as long as its period would throttle every request forever
            raise ValueError("burst_length must be within 1..burst_every-1")
        if self.burst_retry_after < 0 or (self.error_retry_after or 0) < 0:
            raise ValueError("Retry-After values must be >= 0")
        if self.drop_after < 0:
            raise ValueError("drop_after must be >= 0")
        if self.drop_stage not in ("request", "response"):
            raise ValueError("drop_stage must be 'request' or 'response'")


class FaultAction(enum.Enum):
    """How a request is answered: normally, or with one of the injected faults."""

    NONE = "none"
    DROP = "drop"  # before routing: nothing is stored
    DROP_AFTER_HANDLING = "drop_after_handling"  # handled (and stored), then not answered
    THROTTLE = "throttle"  # 429
    UNAVAILABLE = "unavailable"  # 503


@dataclass(frozen=True)
class FaultDecision:
    """The injector's verdict on one request."""

    delay: float
    action: FaultAction
    retry_after: int | None = None


@dataclass
class FaultCounters:
    """Requests received and faults injected since start (or the last reset).

    ``requests`` counts every HTTP request, ``served`` those answered normally (whatever their
    status); ``delayed``, ``dropped``, ``throttled`` (429) and ``unavailable`` (503) count the
    injected faults; ``dropped_after_handling`` is the part of ``dropped`` that was handled
    (``drop_stage="response"``) before its connection was closed.
    """

    requests: int = 0
    served: int = 0
    delayed: int = 0
    dropped: int = 0
    dropped_after_handling: int = 0
    throttled: int = 0
    unavailable: int = 0

    @property
    def injected(self) -> int:
        """Faults that replaced an answer (latency alone does not count)."""
        return self.dropped + self.throttled + self.unavailable


class FaultInjector:
    """Thread-safe per-request decisions for one :class:`Faults` configuration."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._counters = FaultCounters()
        self.configure(faults or Faults())

    @property
    def faults(self) -> Faults:
        return self._faults

    def configure(self, faults: Faults) -> None:
        """Use ``faults`` from now on; the random draws and the burst period start afresh."""
        with self._lock:
            self._faults = faults
            self._rng = random.Random(faults.seed)
            self._eligible = 0

    def counters(self) -> FaultCounters:
        """A snapshot of the counters."""
        with self._lock:
            return dataclasses.replace(self._counters)

    def reset_counters(self) -> None:
        with self._lock:
            self._counters = FaultCounters()

    def decide(self, *, api: bool = True, token_endpoint: bool = False) -> FaultDecision:
        """Count one request and decide its fate.

        Faults apply to API requests, and to the token endpoint when the configuration says
        so; any other request is counted and served.
        """
        with self._lock:
            counters = self._counters
            counters.requests += 1
            faults = self._faults
            if not (api or (token_endpoint and faults.include_token_endpoint)):
                counters.served += 1
                return FaultDecision(0.0, FaultAction.NONE)
            self._eligible += 1
            # Always two draws, whatever the configuration, so the sequence of decisions only
            # depends on the seed and the order of requests.
            drop_draw = self._rng.random()
            error_draw = self._rng.random()
            if faults.latency:
                counters.delayed += 1
            index = self._eligible
            drop_now = faults.drop_after > 0 and index == faults.drop_after + 1
            if drop_now or drop_draw < faults.drop_rate:
                counters.dropped += 1
                if faults.drop_stage == "response":
                    counters.dropped_after_handling += 1
                    return FaultDecision(faults.latency, FaultAction.DROP_AFTER_HANDLING)
                return FaultDecision(faults.latency, FaultAction.DROP)
            every = faults.burst_every
            if every and index >= every and index % every < faults.burst_length:
                counters.throttled += 1
                return FaultDecision(faults.latency, FaultAction.THROTTLE, faults.burst_retry_after)
            if error_draw < faults.error_rate:
                counters.unavailable += 1
                return FaultDecision(
                    faults.latency, FaultAction.UNAVAILABLE, faults.error_retry_after
                )
            counters.served += 1
            return FaultDecision(faults.latency, FaultAction.NONE)
