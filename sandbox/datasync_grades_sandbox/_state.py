"""The sandbox's in-memory state: exchanges, batch exchanges, schedules, consumer, sections.

Records are plain dataclasses a test may read (and change) directly, holding ``state.lock``
when the server may be running::

    exchange = sandbox.state.exchanges[exchange_id]
    assert [chunk.final for chunk in exchange.chunks] == [False, True]
    assert exchange.state == "completed"

Exchange lifecycle (the spec documents only ``created``; the rest is the sandbox's reading, as
the spec's ``ExchangeState`` enum marks it inferred):

- ``created``: new, no data yet;
- ``processing``: at least one chunk with ``final: false`` received;
- ``completed``: the chunk with ``final: true`` received; the details artifact (gzip JSON of
  what was received) and the consumer logs (gzip JSON of what was "sent to the SIS") exist;
- ``failed``: an error was reported (createExchangeError) before completion; no artifacts,
  so both artifact endpoints answer 404, as the spec says for an early failure.

Errors reported after completion are recorded (``error_count`` grows) but leave the state
alone. Data for a completed or failed exchange is refused with 409.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BatchExchangeRecord",
    "ChunkRecord",
    "ContextDataRecord",
    "ErrorRecord",
    "ExchangeRecord",
    "RunRecord",
    "SandboxState",
    "ScheduleRecord",
    "gzip_json",
    "isoformat",
]

ERROR_MESSAGES = {
    "query_type_not_supported": "The producer does not support this query type",
    "query_conditions_not_supported": "The producer does not support these query conditions",
    "producer_error": "The producer reported an error",
    "producer_failure": "The producer failed",
}


def isoformat(epoch: float) -> str:
    """``2025-07-04T21:46:15.529Z`` for an epoch time."""
    stamp = dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def gzip_json(document: Any) -> bytes:
    """Gzip-compressed JSON; ``mtime=0`` makes equal documents give equal bytes."""
    return gzip.compress(json.dumps(document).encode("utf-8"), mtime=0)


@dataclass
class ChunkRecord:
    """One data chunk as received: the parsed body and its size in bytes."""

    id: str
    created_at: str
    body: dict[str, Any]
    size: int

    @property
    def final(self) -> bool:
        return self.body.get("final") is True

    def items(self, name: str) -> list[Any]:
        """The chunk's ``assignments`` or ``summaries`` (none unless a list was sent)."""
        value = self.body.get(name)
        return value if isinstance(value, list) else []

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "created_at": self.created_at, "updated_at": self.created_at}


@dataclass
class ErrorRecord:
    """An error reported for an exchange or a batch exchange."""

    id: str
    created_at: str
    code: str | None
    details: str | None = None

    @property
    def message(self) -> str:
        if self.code is None:
            return "The producer reported an error"
        return ERROR_MESSAGES.get(self.code, f"The producer reported {self.code}")

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.created_at,
            "message": self.message,
        }
        for name in ("code", "details"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        return body


@dataclass
class ExchangeRecord:
    """A grades exchange, its data chunks, its errors and its artifacts (gzip bytes)."""

    id: str
    created_at: str
    updated_at: str
    query: dict[str, Any]
    metadata: dict[str, Any] | None = None
    state: str = "created"
    max_data_content_length: int = 1_048_576
    course_app_id: str | None = None
    batch_exchange_id: str | None = None
    posted_by: str | None = None
    chunks: list[ChunkRecord] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    details: bytes | None = None
    consumer_logs: bytes | None = None

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "query": self.query,
            "metadata": self.metadata,
            "state": self.state,
            "max_data_content_length": self.max_data_content_length,
            "error_count": self.error_count,
        }
        for name in ("course_app_id", "batch_exchange_id", "posted_by"):
            value = getattr(self, name)
            if value is not None:  # the spec types these as non-null strings
                body[name] = value
        return body

    def complete(self, now: str) -> None:
        """Move to ``completed`` and produce both artifacts from the chunks received."""
        assignments = [a for chunk in self.chunks for a in chunk.items("assignments")]
        summaries = [s for chunk in self.chunks for s in chunk.items("summaries")]
        self.state = "completed"
        self.updated_at = now
        self.details = gzip_json(
            {
                "exchange_id": self.id,
                "state": self.state,
                "chunks": len(self.chunks),
                "assignments": assignments,
                "summaries": summaries,
            }
        )
        entries = [
            {
                "at": chunk.created_at,
                "level": "info",
                "message": f"received chunk {n} ({chunk.size} bytes)",
            }
            for n, chunk in enumerate(self.chunks, start=1)
        ]
        entries.append(
            {
                "at": now,
                "level": "info",
                "message": f"sent {len(assignments)} assignments and {len(summaries)} "
                "summaries to the consumer",
            }
        )
        self.consumer_logs = gzip_json({"exchange_id": self.id, "entries": entries})


@dataclass
class ContextDataRecord:
    """Course ids supplied for a batch exchange by one createBatchExchangeContextData call."""

    id: str
    created_at: str
    course_ids: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.created_at,
            "course_ids": self.course_ids,
        }


@dataclass
class BatchExchangeRecord:
    """A batch exchange; its course ids are those of all its context data, first seen first."""

    id: str
    created_at: str
    updated_at: str
    query: dict[str, Any]
    metadata: dict[str, Any] | None = None
    state: str = "created"
    context_data: list[ContextDataRecord] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)

    @property
    def course_ids(self) -> list[str]:
        return list(dict.fromkeys(cid for data in self.context_data for cid in data.course_ids))

    def to_json(self, exchange_count: int) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "state": self.state,
            "query": self.query,
            "metadata": self.metadata,
            "exchange_count": exchange_count,
        }


@dataclass
class RunRecord:
    """One accepted runSchedule: epoch start, and end of the (simulated) run."""

    started_at: float
    ends_at: float


@dataclass
class ScheduleRecord:
    """A grades sync schedule and the runs it was asked for."""

    id: str
    created_at: str
    updated_at: str
    name: str
    enabled: bool
    cron: str
    runs: list[RunRecord] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "name": self.name,
            "enabled": self.enabled,
            "cron": self.cron,
            "last_run_at": isoformat(self.runs[-1].started_at) if self.runs else None,
        }


_COURSE_QUERY: dict[str, Any] = {
    "type": "assignment_scores",
    "conditions": [{"scope": "course", "scope_by": "all"}],
}


class SandboxState:
    """Everything the API serves. Ids come from a seeded RNG, so a fresh state always has the
    same seed ids and hands out the same sequence of new ids."""

    def __init__(self, *, seed: int = 0) -> None:
        self.lock = threading.RLock()
        self._rng = random.Random(seed)
        self.exchanges: dict[str, ExchangeRecord] = {}
        self.batch_exchanges: dict[str, BatchExchangeRecord] = {}
        self.schedules: dict[str, ScheduleRecord] = {}
        self.consumer: dict[str, Any] | None = None
        self.sections: dict[str, str] = {}  # DataSync section id -> consumer's id

    def new_id(self) -> str:
        with self.lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def exchange_count(self, batch_exchange_id: str) -> int:
        return sum(1 for e in self.exchanges.values() if e.batch_exchange_id == batch_exchange_id)

    def add_exchange(
        self,
        now: str,
        *,
        query: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        state: str = "created",
        max_data_content_length: int = 1_048_576,
        course_app_id: str | None = None,
        batch_exchange_id: str | None = None,
        posted_by: str | None = None,
    ) -> ExchangeRecord:
        with self.lock:
            record = ExchangeRecord(
                id=self.new_id(),
                created_at=now,
                updated_at=now,
                query=query if query is not None else dict(_COURSE_QUERY),
                metadata=metadata,
                state=state,
                max_data_content_length=max_data_content_length,
                course_app_id=course_app_id,
                batch_exchange_id=batch_exchange_id,
                posted_by=posted_by,
            )
            self.exchanges[record.id] = record
            return record

    def seed(self, now: str) -> None:
        """The demo data: a consumer, three schedules, two batch exchanges, three sections."""
        with self.lock:
            self.consumer = {
                "id": self.new_id(),
                "name": "District SIS",
                "type": "sis",
                "metadata": {},
            }
            for name, enabled, cron in (
                ("Nightly final grades", True, "0 2 * * *"),
                ("Midterm grades", False, "0 3 * * 1"),
                ("Hourly assignment scores", True, "0 * * * *"),
            ):
                schedule = ScheduleRecord(self.new_id(), now, now, name, enabled, cron)
                self.schedules[schedule.id] = schedule
            for course_ids in (["1001", "1002", "1003"], ["2001"]):
                batch = BatchExchangeRecord(self.new_id(), now, now, dict(_COURSE_QUERY), {})
                batch.context_data.append(ContextDataRecord(self.new_id(), now, course_ids))
                self.batch_exchanges[batch.id] = batch
            for number in (101, 102, 201):
                self.sections[self.new_id()] = f"SEC-2025-{number}"
