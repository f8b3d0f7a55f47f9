"""Helpers of the end-to-end tests: one call site for a sync/async pair, instant retry waits.

Example::

    listed = await collect(mode, paginate, apaginate, list_exchanges, client=client)
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from datasync_grades import ClientCredentials, RetryPolicy
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import Assignment, AssignmentScore, Ref, Summary, SysFields
from datasync_grades_sandbox import Sandbox

__all__ = [
    "ConnectTo",
    "RecordedWaits",
    "call",
    "collect",
    "credentials",
    "gradebook",
    "summaries",
]

# The ``connect_to`` fixture: ``connect_to(sandbox, auth=None, **connect_kwargs)``.
ConnectTo = Callable[..., AuthenticatedClient]

_NAMESPACE = uuid.UUID("0b8f2f7e-94a4-4f0e-8a57-5b0d6f3c1a22")


async def call(
    mode: str, sync_fn: Callable[..., Any], async_fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> Any:
    """``sync_fn(*args, **kwargs)`` in mode "sync", ``await async_fn(...)`` in mode "async"."""
    if mode == "sync":
        return sync_fn(*args, **kwargs)
    return await async_fn(*args, **kwargs)


async def collect(
    mode: str,
    sync_fn: Callable[..., Iterable[Any]],
    async_fn: Callable[..., AsyncIterator[Any]],
    *args: Any,
    **kwargs: Any,
) -> list[Any]:
    """Everything a sync generator (mode "sync") or an async one (mode "async") yields."""
    if mode == "sync":
        return list(sync_fn(*args, **kwargs))
    return [item async for item in async_fn(*args, **kwargs)]


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
