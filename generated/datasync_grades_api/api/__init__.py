"""Typed resources over the generated endpoint modules, one class per tag, sync and async.

Generated from openapi.yaml by templates/api_init.py.jinja: do not edit. The engine (the
hand-written `datasync_grades` package) sends the requests; this module only says, per
operation, which endpoint module it calls, with which typed arguments, and what it returns.
"""

from __future__ import annotations

import builtins
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from os import PathLike
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from ..models import *
from ..types import UNSET, Unset
from .artifacts import get_exchange_consumer_logs, get_exchange_details
from .batch_exchanges import (
    count_batch_exchanges,
    create_batch_exchange_context_data,
    create_batch_exchange_error,
    get_batch_exchange_course_ids_report,
    list_batch_exchanges,
)
from .consumer import get_consumer
from .exchanges import (
    count_exchanges,
    create_exchange,
    create_exchange_data,
    create_exchange_error,
    find_exchange,
    list_exchange_errors,
    list_exchanges,
)
from .schedules import list_schedules, run_schedule, update_schedule
from .sections import resolve_section

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Identified(Protocol):
    """A model with an id: the resources take it wherever they take its id."""

    @property
    def id(self) -> UUID | str | Unset: ...


def _id(value: UUID | str | Identified) -> UUID | str:
    if isinstance(value, UUID | str):
        return value
    found = value.id
    if isinstance(found, Unset):
        raise ValueError(f"this {type(value).__name__} has no id: pass the id itself")
    return found


def _key(item: object) -> object:
    """What tells an item from the others: its id; an item without one is like no other."""
    found = getattr(item, "id", None)
    return object() if found is None or isinstance(found, Unset) else found


@dataclass(frozen=True)
class Page(Generic[T_co]):
    """One page of a list: its number (from 0), its items, and the parsed response.

    `items` is cut short on the last page when `max_items` ends the iteration there;
    `response.data` always holds the whole page. Empty pages are never handed out.
    """

    number: int
    items: Sequence[T_co]
    response: Any


@dataclass(frozen=True)
class PushResult:
    """What one chunked push sent (chunks a checkpoint said were stored not counted).

    `assignments_sent` counts the input assignments whose last part was sent (a split one
    counts once); `chunk_ids` are the ids the server gave the stored chunks, in order (None
    where it gave none); `possibly_duplicated` is the chunk that was in flight when the push
    this one resumes stopped, sent again: the server may now hold it twice.
    """

    chunks_sent: int
    chunks_total: int
    assignments_sent: int
    summaries_sent: int
    scores_sent: int
    chunk_ids: tuple[UUID | None, ...]
    possibly_duplicated: int | None = None


@dataclass(frozen=True)
class ChunkStored:
    """One chunk the server stored: its index (from 0), the push's total, its size, its id."""

    index: int
    total: int
    size: int
    chunk_id: UUID | None


class Checkpoint(Protocol):
    """Where a push keeps how far it got: `load()` what `save()` kept (None: nothing or
    cleared); `clear()` once the push has stored every chunk."""

    def load(self) -> dict[str, Any] | None: ...
    def save(self, state: dict[str, Any]) -> None: ...
    def clear(self) -> None: ...


# Per model: its JSON property names, each with the attribute that holds it.
JSON_NAMES: dict[type, dict[str, str]] = {
    ErrorDetail: {
        "status": "status",
        "code": "code",
        "message": "message",
        "ext_message": "ext_message",
        "details": "details",
    },
    ErrorResponse: {
        "error": "error",
        "error_description": "error_description",
    },
    Paging: {
        "next": "next_",
    },
    SysFields: {
        "id": "id",
        "source_id": "source_id",
        "app_id": "app_id",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    Ref: {
        "$sys": "sys",
    },
    NamedRef: {
        "name": "name",
        "$sys": "sys",
    },
    Metadata: {},
    Extensions: {},
    ExchangeCondition: {
        "scope": "scope",
        "scope_by": "scope_by",
        "scope_id": "scope_id",
        "graded_after": "graded_after",
        "summary_type": "summary_type",
        "assignment_ids": "assignment_ids",
    },
    ExchangeQuery: {
        "type": "type_",
        "conditions": "conditions",
    },
    Exchange: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "query": "query",
        "metadata": "metadata",
        "state": "state",
        "max_data_content_length": "max_data_content_length",
        "error_count": "error_count",
        "course_app_id": "course_app_id",
        "batch_exchange_id": "batch_exchange_id",
        "posted_by": "posted_by",
    },
    ExchangesRequest: {
        "query": "query",
        "metadata": "metadata",
    },
    ExchangesResponse: {
        "paging": "paging",
        "data": "data",
    },
    ExchangeResponse: {
        "error": "error",
        "data": "data",
    },
    ExchangeCreatedResponse: {
        "error": "error",
        "data": "data",
    },
    ExchangeError: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "code": "code",
        "message": "message",
        "details": "details",
    },
    ExchangeErrorCreate: {
        "code": "code",
        "details": "details",
    },
    ExchangeErrorsResponse: {
        "paging": "paging",
        "data": "data",
    },
    ExchangeErrorResponse: {
        "error": "error",
        "data": "data",
    },
    AssignmentScore: {
        "$person": "person",
        "$grader": "grader",
        "score": "score",
        "grade": "grade",
        "late": "late",
        "excused": "excused",
        "submitted_at": "submitted_at",
        "preview_url": "preview_url",
        "$ext": "ext",
    },
    Assignment: {
        "$sys": "sys",
        "$section": "section",
        "$category": "category",
        "$term": "term",
        "name": "name",
        "description": "description",
        "points_possible": "points_possible",
        "due_at": "due_at",
        "available_at": "available_at",
        "$ext": "ext",
        "scores": "scores",
    },
    Summary: {
        "$section": "section",
        "$person": "person",
        "$grader": "grader",
        "summary_type": "summary_type",
        "score_type": "score_type",
        "score": "score",
        "grade": "grade",
        "last_activity": "last_activity",
        "comments": "comments",
        "$ext": "ext",
    },
    ExchangeDataRequest: {
        "assignments": "assignments",
        "summaries": "summaries",
        "final": "final",
    },
    Resource: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
    },
    ExchangeDataResponse: {
        "error": "error",
        "data": "data",
    },
    Consumer: {
        "id": "id",
        "name": "name",
        "type": "type_",
        "metadata": "metadata",
    },
    ConsumerResponse: {
        "error": "error",
        "data": "data",
    },
    SectionResolution: {
        "id": "id",
        "consumer_id": "consumer_id",
    },
    SectionResolutionResponse: {
        "error": "error",
        "data": "data",
    },
    BatchExchange: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "state": "state",
        "query": "query",
        "metadata": "metadata",
        "exchange_count": "exchange_count",
    },
    BatchExchangesResponse: {
        "paging": "paging",
        "data": "data",
    },
    BatchExchangeError: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "code": "code",
        "message": "message",
        "details": "details",
    },
    BatchExchangeErrorCreate: {
        "code": "code",
        "details": "details",
    },
    BatchExchangeErrorResponse: {
        "error": "error",
        "data": "data",
    },
    BatchExchangeContextDataRequest: {
        "course_ids": "course_ids",
    },
    BatchExchangeContextData: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "course_ids": "course_ids",
    },
    BatchExchangeContextDataResponse: {
        "error": "error",
        "data": "data",
    },
    Schedule: {
        "id": "id",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "name": "name",
        "enabled": "enabled",
        "cron": "cron",
        "last_run_at": "last_run_at",
    },
    ScheduleUpdate: {
        "enabled": "enabled",
    },
    SchedulesResponse: {
        "paging": "paging",
        "data": "data",
    },
    ScheduleResponse: {
        "error": "error",
        "data": "data",
    },
    SysFieldsSourceId: {},
    SysFieldsAppId: {},
    RunScheduleBody: {},
}


TERMINAL_EXCHANGE_STATES = frozenset({ExchangeState.COMPLETED, ExchangeState.FAILED})
"""The final values of `Exchange.state`: `exchange.state in TERMINAL_EXCHANGE_STATES`."""


class Pager(Protocol[T_co]):
    """Every page of a list operation; iterating it yields the items of each page in order."""

    def __iter__(self) -> Iterator[T_co]: ...
    def pages(self) -> Iterator[Page[T_co]]: ...
    def total(self) -> int | None: ...


class Artifact(Protocol):
    """A file the API serves (gzip JSON, CSV), fetched when read; decompressed and bounded."""

    def read(self, *, max_bytes: int | None = None) -> bytes | None: ...
    def json(self, *, max_bytes: int | None = None) -> Any: ...
    def rows(
        self, *, max_bytes: int | None = None
    ) -> builtins.list[builtins.list[str]] | None: ...
    def column(
        self, *names: str, max_bytes: int | None = None
    ) -> builtins.list[str] | None: ...
    def iter_bytes(
        self, *, chunk_size: int | None = None, max_bytes: int | None = None
    ) -> Iterator[bytes]: ...
    def iter_items(
        self, *, member: str | None = None, max_bytes: int | None = None
    ) -> Iterator[Any]: ...
    def save(
        self, path: str | PathLike[str], *, max_bytes: int | None = None
    ) -> int | None: ...


class Engine(Protocol):
    """What the sync resources need from the client that sends their requests."""

    def one(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> T: ...
    def optional(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> T | None: ...
    def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None: ...
    def pager(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        item: type[T],
        *,
        count: ModuleType | None,
        page_size: int | None,
        max_items: int | None,
    ) -> Pager[T]: ...
    def artifact(
        self, endpoint: ModuleType, params: dict[str, Any], media_type: str
    ) -> Artifact: ...
    def push(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        items: dict[str, Iterable[Any]],
        *,
        body: type,
        limit: tuple[ModuleType, str],
        max_bytes: int | None,
        on_progress: Callable[[ChunkStored], object] | None,
        checkpoint: Checkpoint | None,
    ) -> PushResult: ...


class _Resource:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine


class ArtifactsResource(_Resource):
    """The `artifacts` operations."""

    def get_exchange_details(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
    ) -> Artifact:
        """Get Grades Exchange Details

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/details` (get_exchange_details).
        """
        return self._engine.artifact(
            get_exchange_details,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "application/gzip",
        )

    def get_exchange_consumer_logs(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
    ) -> Artifact:
        """Get Grades Exchange Consumer Logs

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/consumerlogs` (get_exchange_consumer_logs).
        """
        return self._engine.artifact(
            get_exchange_consumer_logs,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "application/gzip",
        )


class BatchExchangesResource(_Resource):
    """The `batch_exchanges` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> Pager[BatchExchange]:
        """List Batch Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /batch_exchanges` (list_batch_exchanges).
        """
        return self._engine.pager(
            list_batch_exchanges,
            {},
            BatchExchange,
            count=count_batch_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    def count(
        self,
    ) -> int:
        """Get count of Batch Grades Exchanges

        `GET /batch_exchanges/count` (count_batch_exchanges).
        """
        return self._engine.one(count_batch_exchanges, {}, int)

    def get_course_ids_report(
        self,
        id: UUID | str | Identified,
    ) -> Artifact:
        """Get Batch Exchange Course IDs Report

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /batch_exchanges/{id}/reports/course_ids` (get_batch_exchange_course_ids_report).
        """
        return self._engine.artifact(
            get_batch_exchange_course_ids_report,
            {
                "id": _id(id),
            },
            "text/csv",
        )

    def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
    ) -> BatchExchangeError:
        """Create Batch Grades Exchange Error

        `POST /batch_exchanges/{id}/errors` (create_batch_exchange_error).
        """
        return self._engine.one(
            create_batch_exchange_error,
            {
                "id": _id(id),
                "body": BatchExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            BatchExchangeError,
        )

    def create_context_data(
        self,
        id: UUID | str | Identified,
        *,
        course_ids: builtins.list[str],
    ) -> BatchExchangeContextData:
        """Create Grades Exchange Batch Context Data

        `POST /batch_exchanges/{id}/context_data` (create_batch_exchange_context_data).
        """
        return self._engine.one(
            create_batch_exchange_context_data,
            {
                "id": _id(id),
                "body": BatchExchangeContextDataRequest(
                    course_ids=course_ids,
                ),
            },
            BatchExchangeContextData,
        )


class ConsumerResource(_Resource):
    """The `consumer` operations."""

    def get(
        self,
    ) -> Consumer:
        """Get consumer details

        `GET /consumer` (get_consumer).
        """
        return self._engine.one(get_consumer, {}, Consumer)


class ExchangesResource(_Resource):
    """The `exchanges` operations."""

    def list(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState | str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> Pager[Exchange]:
        """List Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges` (list_exchanges).
        """
        return self._engine.pager(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            Exchange,
            count=count_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    def waiting(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is created or processing, at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        found: dict[object, Exchange] = {}
        for value in [ExchangeState.CREATED, ExchangeState.PROCESSING]:
            pager = self._engine.pager(
                list_exchanges,
                {
                    "course_app_id": course_app_id,
                    "posted_by": posted_by,
                    "search": search,
                    "state": value,
                },
                Exchange,
                count=None,
                page_size=page_size,
                max_items=None if max_items is None else max_items - len(found),
            )
            for listed in pager:
                found.setdefault(_key(listed), listed)
        return builtins.list(found.values())

    def finished(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is completed or failed (final), at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        found: dict[object, Exchange] = {}
        for value in [ExchangeState.COMPLETED, ExchangeState.FAILED]:
            pager = self._engine.pager(
                list_exchanges,
                {
                    "course_app_id": course_app_id,
                    "posted_by": posted_by,
                    "search": search,
                    "state": value,
                },
                Exchange,
                count=None,
                page_size=page_size,
                max_items=None if max_items is None else max_items - len(found),
            )
            for listed in pager:
                found.setdefault(_key(listed), listed)
        return builtins.list(found.values())

    def create(
        self,
        *,
        query: ExchangeQuery | Unset = UNSET,
        metadata: Metadata | None | Unset = UNSET,
    ) -> Exchange | None:
        """Create a Grades Exchange

        `POST /exchanges` (create_exchange).
        """
        return self._engine.optional(
            create_exchange,
            {
                "body": ExchangesRequest(
                    query=query,
                    metadata=metadata,
                ),
            },
            Exchange,
        )

    def count(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState | str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
    ) -> int:
        """Get count of Grades Exchanges

        `GET /exchanges/count` (count_exchanges).
        """
        return self._engine.one(
            count_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            int,
        )

    def find(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
    ) -> Exchange:
        """Find a Grades Exchange by id

        `GET /exchanges/{id}` (find_exchange).
        """
        return self._engine.one(
            find_exchange,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            Exchange,
        )

    def list_errors(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> Pager[ExchangeError]:
        """List Grades Exchange Errors

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges/{id}/errors` (list_exchange_errors).
        """
        return self._engine.pager(
            list_exchange_errors,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            ExchangeError,
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
    ) -> ExchangeError:
        """Create Grades Exchange Errors

        `POST /exchanges/{id}/errors` (create_exchange_error).
        """
        return self._engine.one(
            create_exchange_error,
            {
                "id": _id(id),
                "body": ExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            ExchangeError,
        )

    def create_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: builtins.list[Assignment] | Unset = UNSET,
        summaries: builtins.list[Summary] | Unset = UNSET,
        final: bool | Unset = UNSET,
    ) -> Resource:
        """Create Grades Exchange Data

        `POST /exchanges/{id}/data` (create_exchange_data).
        """
        return self._engine.one(
            create_exchange_data,
            {
                "id": _id(id),
                "body": ExchangeDataRequest(
                    assignments=assignments,
                    summaries=summaries,
                    final=final,
                ),
            },
            Resource,
        )

    def push_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: Iterable[Assignment | Mapping[str, Any]] = (),
        summaries: Iterable[Summary | Mapping[str, Any]] = (),
        max_bytes: int | None = None,
        on_progress: Callable[[ChunkStored], object] | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> PushResult:
        """Push grade data to the exchange in chunks of at most max_data_content_length bytes.

        Each request body is at most `max_bytes` bytes (default: the resource's
        `max_data_content_length`); every chunk but the last says `final: false`.
        Every item is checked against the spec before anything is sent. `on_progress` is called
        after each stored chunk; a push started again with the same `checkpoint` (after an
        error, or after the process died) sends only the chunks not stored yet.
        """
        return self._engine.push(
            create_exchange_data,
            {
                "id": _id(id),
            },
            {
                "assignments": assignments,
                "summaries": summaries,
            },
            body=ExchangeDataRequest,
            limit=(find_exchange, "max_data_content_length"),
            max_bytes=max_bytes,
            on_progress=on_progress,
            checkpoint=checkpoint,
        )


class SchedulesResource(_Resource):
    """The `schedules` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> Pager[Schedule]:
        """List grades schedules

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /schedules` (list_schedules).
        """
        return self._engine.pager(
            list_schedules,
            {},
            Schedule,
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    def update(
        self,
        id: UUID | str | Identified,
        *,
        enabled: bool,
    ) -> Schedule:
        """Update a grades schedule

        `PATCH /schedules/{id}` (update_schedule).
        """
        return self._engine.one(
            update_schedule,
            {
                "id": _id(id),
                "body": ScheduleUpdate(
                    enabled=enabled,
                ),
            },
            Schedule,
        )

    def run(
        self,
        id: UUID | str | Identified,
        *,
        body: RunScheduleBody | Unset = UNSET,
    ) -> None:
        """Run a grades schedule

        `POST /schedules/{id}/run` (run_schedule).
        """
        self._engine.empty(
            run_schedule,
            {
                "id": _id(id),
                "body": body,
            },
        )


class SectionsResource(_Resource):
    """The `sections` operations."""

    def resolve(
        self,
        id: UUID | str | Identified,
    ) -> SectionResolution:
        """Resolve the section by ID

        `GET /sections/{id}/resolve` (resolve_section).
        """
        return self._engine.one(
            resolve_section,
            {
                "id": _id(id),
            },
            SectionResolution,
        )


class Resources:
    """Every operation of the API, grouped by tag."""

    def __init__(self, engine: Engine) -> None:
        self.artifacts = ArtifactsResource(engine)
        self.batch_exchanges = BatchExchangesResource(engine)
        self.consumer = ConsumerResource(engine)
        self.exchanges = ExchangesResource(engine)
        self.schedules = SchedulesResource(engine)
        self.sections = SectionsResource(engine)


class AsyncPager(Protocol[T_co]):
    """Every page of a list operation; iterating it yields the items of each page in order."""

    def __aiter__(self) -> AsyncIterator[T_co]: ...
    def pages(self, *, concurrency: int = 1) -> AsyncGenerator[Page[T_co], None]: ...
    async def total(self) -> int | None: ...


class AsyncArtifact(Protocol):
    """A file the API serves (gzip JSON, CSV), fetched when read; decompressed and bounded."""

    async def read(self, *, max_bytes: int | None = None) -> bytes | None: ...
    async def json(self, *, max_bytes: int | None = None) -> Any: ...
    async def rows(
        self, *, max_bytes: int | None = None
    ) -> builtins.list[builtins.list[str]] | None: ...
    async def column(
        self, *names: str, max_bytes: int | None = None
    ) -> builtins.list[str] | None: ...
    def iter_bytes(
        self, *, chunk_size: int | None = None, max_bytes: int | None = None
    ) -> AsyncGenerator[bytes, None]: ...
    def iter_items(
        self, *, member: str | None = None, max_bytes: int | None = None
    ) -> AsyncGenerator[Any, None]: ...
    async def save(
        self, path: str | PathLike[str], *, max_bytes: int | None = None
    ) -> int | None: ...


class AsyncEngine(Protocol):
    """What the async resources need from the client that sends their requests."""

    def one(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> Awaitable[T]: ...
    def optional(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> Awaitable[T | None]: ...
    def empty(
        self, endpoint: ModuleType, params: dict[str, Any]
    ) -> Awaitable[None]: ...
    def pager(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        item: type[T],
        *,
        count: ModuleType | None,
        page_size: int | None,
        max_items: int | None,
    ) -> AsyncPager[T]: ...
    def artifact(
        self, endpoint: ModuleType, params: dict[str, Any], media_type: str
    ) -> AsyncArtifact: ...
    def push(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        items: dict[str, Iterable[Any]],
        *,
        body: type,
        limit: tuple[ModuleType, str],
        max_bytes: int | None,
        on_progress: Callable[[ChunkStored], object] | None,
        checkpoint: Checkpoint | None,
    ) -> Awaitable[PushResult]: ...


class _AsyncResource:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine


class AsyncArtifactsResource(_AsyncResource):
    """The `artifacts` operations."""

    def get_exchange_details(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
    ) -> AsyncArtifact:
        """Get Grades Exchange Details

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/details` (get_exchange_details).
        """
        return self._engine.artifact(
            get_exchange_details,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "application/gzip",
        )

    def get_exchange_consumer_logs(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
    ) -> AsyncArtifact:
        """Get Grades Exchange Consumer Logs

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/consumerlogs` (get_exchange_consumer_logs).
        """
        return self._engine.artifact(
            get_exchange_consumer_logs,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "application/gzip",
        )


class AsyncBatchExchangesResource(_AsyncResource):
    """The `batch_exchanges` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[BatchExchange]:
        """List Batch Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /batch_exchanges` (list_batch_exchanges).
        """
        return self._engine.pager(
            list_batch_exchanges,
            {},
            BatchExchange,
            count=count_batch_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    async def count(
        self,
    ) -> int:
        """Get count of Batch Grades Exchanges

        `GET /batch_exchanges/count` (count_batch_exchanges).
        """
        return await self._engine.one(count_batch_exchanges, {}, int)

    def get_course_ids_report(
        self,
        id: UUID | str | Identified,
    ) -> AsyncArtifact:
        """Get Batch Exchange Course IDs Report

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /batch_exchanges/{id}/reports/course_ids` (get_batch_exchange_course_ids_report).
        """
        return self._engine.artifact(
            get_batch_exchange_course_ids_report,
            {
                "id": _id(id),
            },
            "text/csv",
        )

    async def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
    ) -> BatchExchangeError:
        """Create Batch Grades Exchange Error

        `POST /batch_exchanges/{id}/errors` (create_batch_exchange_error).
        """
        return await self._engine.one(
            create_batch_exchange_error,
            {
                "id": _id(id),
                "body": BatchExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            BatchExchangeError,
        )

    async def create_context_data(
        self,
        id: UUID | str | Identified,
        *,
        course_ids: builtins.list[str],
    ) -> BatchExchangeContextData:
        """Create Grades Exchange Batch Context Data

        `POST /batch_exchanges/{id}/context_data` (create_batch_exchange_context_data).
        """
        return await self._engine.one(
            create_batch_exchange_context_data,
            {
                "id": _id(id),
                "body": BatchExchangeContextDataRequest(
                    course_ids=course_ids,
                ),
            },
            BatchExchangeContextData,
        )


class AsyncConsumerResource(_AsyncResource):
    """The `consumer` operations."""

    async def get(
        self,
    ) -> Consumer:
        """Get consumer details

        `GET /consumer` (get_consumer).
        """
        return await self._engine.one(get_consumer, {}, Consumer)


class AsyncExchangesResource(_AsyncResource):
    """The `exchanges` operations."""

    def list(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState | str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[Exchange]:
        """List Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges` (list_exchanges).
        """
        return self._engine.pager(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            Exchange,
            count=count_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    async def waiting(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is created or processing, at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        found: dict[object, Exchange] = {}
        for value in [ExchangeState.CREATED, ExchangeState.PROCESSING]:
            pager = self._engine.pager(
                list_exchanges,
                {
                    "course_app_id": course_app_id,
                    "posted_by": posted_by,
                    "search": search,
                    "state": value,
                },
                Exchange,
                count=None,
                page_size=page_size,
                max_items=None if max_items is None else max_items - len(found),
            )
            async for listed in pager:
                found.setdefault(_key(listed), listed)
        return builtins.list(found.values())

    async def finished(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is completed or failed (final), at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        found: dict[object, Exchange] = {}
        for value in [ExchangeState.COMPLETED, ExchangeState.FAILED]:
            pager = self._engine.pager(
                list_exchanges,
                {
                    "course_app_id": course_app_id,
                    "posted_by": posted_by,
                    "search": search,
                    "state": value,
                },
                Exchange,
                count=None,
                page_size=page_size,
                max_items=None if max_items is None else max_items - len(found),
            )
            async for listed in pager:
                found.setdefault(_key(listed), listed)
        return builtins.list(found.values())

    async def create(
        self,
        *,
        query: ExchangeQuery | Unset = UNSET,
        metadata: Metadata | None | Unset = UNSET,
    ) -> Exchange | None:
        """Create a Grades Exchange

        `POST /exchanges` (create_exchange).
        """
        return await self._engine.optional(
            create_exchange,
            {
                "body": ExchangesRequest(
                    query=query,
                    metadata=metadata,
                ),
            },
            Exchange,
        )

    async def count(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState | str | Unset = UNSET,
        posted_by: PostedBy | str | Unset = UNSET,
        search: str | Unset = UNSET,
    ) -> int:
        """Get count of Grades Exchanges

        `GET /exchanges/count` (count_exchanges).
        """
        return await self._engine.one(
            count_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            int,
        )

    async def find(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
    ) -> Exchange:
        """Find a Grades Exchange by id

        `GET /exchanges/{id}` (find_exchange).
        """
        return await self._engine.one(
            find_exchange,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            Exchange,
        )

    def list_errors(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[ExchangeError]:
        """List Grades Exchange Errors

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges/{id}/errors` (list_exchange_errors).
        """
        return self._engine.pager(
            list_exchange_errors,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            ExchangeError,
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    async def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
    ) -> ExchangeError:
        """Create Grades Exchange Errors

        `POST /exchanges/{id}/errors` (create_exchange_error).
        """
        return await self._engine.one(
            create_exchange_error,
            {
                "id": _id(id),
                "body": ExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            ExchangeError,
        )

    async def create_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: builtins.list[Assignment] | Unset = UNSET,
        summaries: builtins.list[Summary] | Unset = UNSET,
        final: bool | Unset = UNSET,
    ) -> Resource:
        """Create Grades Exchange Data

        `POST /exchanges/{id}/data` (create_exchange_data).
        """
        return await self._engine.one(
            create_exchange_data,
            {
                "id": _id(id),
                "body": ExchangeDataRequest(
                    assignments=assignments,
                    summaries=summaries,
                    final=final,
                ),
            },
            Resource,
        )

    async def push_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: Iterable[Assignment | Mapping[str, Any]] = (),
        summaries: Iterable[Summary | Mapping[str, Any]] = (),
        max_bytes: int | None = None,
        on_progress: Callable[[ChunkStored], object] | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> PushResult:
        """Push grade data to the exchange in chunks of at most max_data_content_length bytes.

        Each request body is at most `max_bytes` bytes (default: the resource's
        `max_data_content_length`); every chunk but the last says `final: false`.
        Every item is checked against the spec before anything is sent. `on_progress` is called
        after each stored chunk; a push started again with the same `checkpoint` (after an
        error, or after the process died) sends only the chunks not stored yet.
        """
        return await self._engine.push(
            create_exchange_data,
            {
                "id": _id(id),
            },
            {
                "assignments": assignments,
                "summaries": summaries,
            },
            body=ExchangeDataRequest,
            limit=(find_exchange, "max_data_content_length"),
            max_bytes=max_bytes,
            on_progress=on_progress,
            checkpoint=checkpoint,
        )


class AsyncSchedulesResource(_AsyncResource):
    """The `schedules` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
    ) -> AsyncPager[Schedule]:
        """List grades schedules

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /schedules` (list_schedules).
        """
        return self._engine.pager(
            list_schedules,
            {},
            Schedule,
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    async def update(
        self,
        id: UUID | str | Identified,
        *,
        enabled: bool,
    ) -> Schedule:
        """Update a grades schedule

        `PATCH /schedules/{id}` (update_schedule).
        """
        return await self._engine.one(
            update_schedule,
            {
                "id": _id(id),
                "body": ScheduleUpdate(
                    enabled=enabled,
                ),
            },
            Schedule,
        )

    async def run(
        self,
        id: UUID | str | Identified,
        *,
        body: RunScheduleBody | Unset = UNSET,
    ) -> None:
        """Run a grades schedule

        `POST /schedules/{id}/run` (run_schedule).
        """
        await self._engine.empty(
            run_schedule,
            {
                "id": _id(id),
                "body": body,
            },
        )


class AsyncSectionsResource(_AsyncResource):
    """The `sections` operations."""

    async def resolve(
        self,
        id: UUID | str | Identified,
    ) -> SectionResolution:
        """Resolve the section by ID

        `GET /sections/{id}/resolve` (resolve_section).
        """
        return await self._engine.one(
            resolve_section,
            {
                "id": _id(id),
            },
            SectionResolution,
        )


class AsyncResources:
    """Every operation of the API, grouped by tag, async."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.artifacts = AsyncArtifactsResource(engine)
        self.batch_exchanges = AsyncBatchExchangesResource(engine)
        self.consumer = AsyncConsumerResource(engine)
        self.exchanges = AsyncExchangesResource(engine)
        self.schedules = AsyncSchedulesResource(engine)
        self.sections = AsyncSectionsResource(engine)
