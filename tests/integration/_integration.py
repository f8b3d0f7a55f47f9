"""Helpers of the end-to-end tests: one call site for the sync and async clients, instant
retry waits.

A test runs once with a ``DataSync`` and once with an ``AsyncDataSync`` (the ``mode``
fixture); the two have the same methods, so a test writes each call once and settles it
with :func:`settle` (awaits it when the client is async) or :func:`collect` (iterates a
pager or byte stream, ``async for`` when it is async).

Example::

    exchange = await settle(client.exchanges.find(exchange_id))
    listed = await collect(client.exchanges.list(page_size=3))
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from datasync_grades import AsyncDataSync, ClientCredentials, DataSync, RetryPolicy
from datasync_grades_api.models import Assignment, AssignmentScore, Ref, Summary, SysFields
from datasync_grades_sandbox import Sandbox

__all__ = [
    "AnyClient",
    "ConnectTo",
    "RecordedWaits",
    "collect",
    "credentials",
    "gradebook",
    "hooks",
    "settle",
    "summaries",
]

T = TypeVar("T")

AnyClient = DataSync | AsyncDataSync
# The ``connect_to`` fixture: ``connect_to(mode, sandbox, auth=None, **options)``.
ConnectTo = Callable[..., Any]

_NAMESPACE = uuid.UUID("0b8f2f7e-94a4-4f0e-8a57-5b0d6f3c1a22")


async def settle(value: T | Awaitable[T]) -> T:
    """A sync client's result as it is; an async client's awaited."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(items: Iterable[T] | AsyncIterable[T]) -> list[T]:
    """Everything a sync iterable or an async one yields."""
    if isinstance(items, AsyncIterable):
        return [item async for item in items]
    return list(items)


def hooks(mode: str, **by_event: Callable[[Any], None]) -> dict[str, list[Callable[..., Any]]]:
    """``event_hooks`` for a client of ``mode``: an async client needs coroutine functions."""
    if mode == "sync":
        return {event: [hook] for event, hook in by_event.items()}

    def awaitable(hook: Callable[[Any], None]) -> Callable[[Any], Awaitable[None]]:
        async def run(value: Any) -> None:
            hook(value)

        return run

    return {event: [awaitable(hook)] for event, hook in by_event.items()}


def credentials(sandbox: Sandbox, **kwargs: Any) -> ClientCredentials:
    """ClientCredentials for the sandbox's registered client and token endpoint."""
    return ClientCredentials(
        sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url, **kwargs
    )


@dataclass
class RecordedWaits:
    """A :class:`RetryPolicy` whose waits are recorded instead of slept."""

    waits: list[float] = field(default_factory=list)

    def policy(self, max_retries: int = 2, **kwargs: Any) -> RetryPolicy:
        async def async_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        return RetryPolicy(
            max_retries=max_retries, sleep=self.waits.append, async_sleep=async_sleep, **kwargs
        )


def _ref(kind: str, key: object) -> Ref:
    return Ref(sys=SysFields(id=uuid.uuid5(_NAMESPACE, f"{kind}:{key}")))


def gradebook(assignments: int, students: int) -> list[Assignment]:
    """Assignments, each with one score per student; ids are stable (uuid5)."""
    return [
        Assignment(
            sys=SysFields(id=uuid.uuid5(_NAMESPACE, f"assignment:{a}")),
            name=f"Assignment {a}",
            points_possible=100.0,
            scores=[
                AssignmentScore(person=_ref("student", s), score=float((a * 31 + s) % 101))
                for s in range(students)
            ],
        )
        for a in range(assignments)
    ]


def summaries(students: int) -> list[Summary]:
    return [
        Summary(person=_ref("student", s), score=float(s % 101), grade="B") for s in range(students)
    ]
