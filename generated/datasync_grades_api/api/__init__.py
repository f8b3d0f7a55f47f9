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
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from functools import cached_property
from os import PathLike
from typing import Any, Generic, Literal, Protocol, TypedDict, TypeVar, Unpack
from uuid import UUID

from .._http import httpx
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

T_co = TypeVar("T_co", covariant=True)


class Identified(Protocol):
    """A model with an id: the resources take it wherever they take its id."""

    @property
    def id(self) -> UUID | str | Unset: ...


def _id(value: UUID | str | Identified) -> UUID | str:
    found = value if isinstance(value, UUID | str) else value.id
    if isinstance(found, Unset):
        raise ValueError(f"this {type(value).__name__} has no id: pass the id itself")
    return found


class RequestOptions(TypedDict, total=False):
    """Per-call options of every method, over the client's own (`with_options` changes those):
    a `timeout` (seconds or `httpx.Timeout`), `extra_headers` (never `Authorization`: auth sets
    it) and `extra_query`. They go through the same send path, retries, bounds and redaction."""

    timeout: float | httpx.Timeout | None
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, str | int | float | bool]


class BodyRequestOptions(RequestOptions, total=False):
    """`RequestOptions` of a method that sends a JSON body, and `extra_body`: fields added to it."""

    extra_body: Mapping[str, Any]


@dataclass(frozen=True)
class RawResponse(Generic[T_co]):
    """One answer (`client.with_raw_response.<tag>.<operation>(...)`): its status, headers,
    request id and the seconds it took (retries included); `parse()` gives what the plain call
    returns (a page for a list). A status that is no success raised an `APIStatusError`."""

    status_code: int
    headers: Mapping[str, str] = field(repr=False)
    request_id: str | None
    elapsed: float
    parse: Callable[[], T_co] = field(
        repr=False
    )  # the payload, checked as the plain call does


@dataclass(frozen=True)
class Page(Generic[T_co]):
    """One page of a list: its number (from 0), its items, the parsed response and the id of
    the request that brought it (None: the server sent none).

    `items` is cut short on the last page when `max_items` ends the iteration there;
    `response.data` always holds the whole page. Empty pages are never handed out.
    """

    number: int
    items: Sequence[T_co]
    response: Any
    request_id: str | None = None


@dataclass(frozen=True)
class PushResult:
    """What one chunked push sent (chunks a checkpoint said were stored not counted).

    `assignments_sent` counts the input assignments whose last part was sent (a split one
    counts once); `chunk_ids` and `request_ids` are the ids the server gave the stored chunks
    and their requests, in order (None where it gave none); `possibly_duplicated` is the chunk that was in flight when the push
    this one resumes stopped, sent again: the server may now hold it twice.
    """

    chunks_sent: int
    chunks_total: int
    assignments_sent: int
    summaries_sent: int
    scores_sent: int
    chunk_ids: tuple[UUID | None, ...]
    possibly_duplicated: int | None = None
    request_ids: tuple[str | None, ...] = ()


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


TERMINAL_EXCHANGE_STATES = frozenset({ExchangeState.COMPLETED, ExchangeState.FAILED})
"""The final values of `Exchange.state`: `exchange.state in TERMINAL_EXCHANGE_STATES`."""


class _Resource:
    # The engine (the hand-written client) is untyped here: the methods' own signatures are
    # what users see and what mypy checks their calls against.
    def __init__(self, engine: Any) -> None:
        self._engine = engine


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


class ArtifactsResource(_Resource):
    """The `artifacts` operations."""

    def get_exchange_details(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> Artifact:
        """Get Grades Exchange Details

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/details` (get_exchange_details).
        """
        return self._engine.call(
            get_exchange_details,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "file",
            "application/gzip",
            options,
        )

    def get_exchange_consumer_logs(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> Artifact:
        """Get Grades Exchange Consumer Logs

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/consumerlogs` (get_exchange_consumer_logs).
        """
        return self._engine.call(
            get_exchange_consumer_logs,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "file",
            "application/gzip",
            options,
        )


class BatchExchangesResource(_Resource):
    """The `batch_exchanges` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Pager[BatchExchange]:
        """List Batch Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /batch_exchanges` (list_batch_exchanges).
        """
        return self._engine.call(
            list_batch_exchanges,
            {},
            "list",
            BatchExchange,
            options,
            count=count_batch_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    def count(
        self,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Get count of Batch Grades Exchanges

        `GET /batch_exchanges/count` (count_batch_exchanges).
        """
        return self._engine.call(count_batch_exchanges, {}, "whole", int, options)

    def get_course_ids_report(
        self,
        id: UUID | str | Identified,
        **options: Unpack[RequestOptions],
    ) -> Artifact:
        """Get Batch Exchange Course IDs Report

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /batch_exchanges/{id}/reports/course_ids` (get_batch_exchange_course_ids_report).
        """
        return self._engine.call(
            get_batch_exchange_course_ids_report,
            {
                "id": _id(id),
            },
            "file",
            "text/csv",
            options,
        )

    def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> BatchExchangeError:
        """Create Batch Grades Exchange Error

        `POST /batch_exchanges/{id}/errors` (create_batch_exchange_error).
        """
        return self._engine.call(
            create_batch_exchange_error,
            {
                "id": _id(id),
                "body": BatchExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            BatchExchangeError,
            options,
        )

    def create_context_data(
        self,
        id: UUID | str | Identified,
        *,
        course_ids: builtins.list[str],
        **options: Unpack[BodyRequestOptions],
    ) -> BatchExchangeContextData:
        """Create Grades Exchange Batch Context Data

        `POST /batch_exchanges/{id}/context_data` (create_batch_exchange_context_data).
        """
        return self._engine.call(
            create_batch_exchange_context_data,
            {
                "id": _id(id),
                "body": BatchExchangeContextDataRequest(
                    course_ids=course_ids,
                ),
            },
            "data",
            BatchExchangeContextData,
            options,
        )


class ConsumerResource(_Resource):
    """The `consumer` operations."""

    def get(
        self,
        **options: Unpack[RequestOptions],
    ) -> Consumer:
        """Get consumer details

        `GET /consumer` (get_consumer).
        """
        return self._engine.call(get_consumer, {}, "data", Consumer, options)


class ExchangesResource(_Resource):
    """The `exchanges` operations."""

    def list(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Pager[Exchange]:
        """List Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges` (list_exchanges).
        """
        return self._engine.call(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "list",
            Exchange,
            options,
            count=count_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    def waiting(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is created or processing, at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        return self._engine.call(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "posted_by": posted_by,
                "search": search,
            },
            "snapshot",
            Exchange,
            options,
            field="state",
            values=[ExchangeState.CREATED, ExchangeState.PROCESSING],
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    def finished(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is completed or failed (final), at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        return self._engine.call(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "posted_by": posted_by,
                "search": search,
            },
            "snapshot",
            Exchange,
            options,
            field="state",
            values=[ExchangeState.COMPLETED, ExchangeState.FAILED],
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    def create(
        self,
        *,
        query: ExchangeQuery | Unset = UNSET,
        metadata: Metadata | None | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> Exchange | None:
        """Create a Grades Exchange

        `POST /exchanges` (create_exchange).
        """
        return self._engine.call(
            create_exchange,
            {
                "body": ExchangesRequest(
                    query=query,
                    metadata=metadata,
                ),
            },
            "optional",
            Exchange,
            options,
        )

    def count(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Get count of Grades Exchanges

        `GET /exchanges/count` (count_exchanges).
        """
        return self._engine.call(
            count_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "whole",
            int,
            options,
        )

    def find(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> Exchange:
        """Find a Grades Exchange by id

        `GET /exchanges/{id}` (find_exchange).
        """
        return self._engine.call(
            find_exchange,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "data",
            Exchange,
            options,
        )

    def list_errors(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> Pager[ExchangeError]:
        """List Grades Exchange Errors

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges/{id}/errors` (list_exchange_errors).
        """
        return self._engine.call(
            list_exchange_errors,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "list",
            ExchangeError,
            options,
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
        **options: Unpack[BodyRequestOptions],
    ) -> ExchangeError:
        """Create Grades Exchange Errors

        `POST /exchanges/{id}/errors` (create_exchange_error).
        """
        return self._engine.call(
            create_exchange_error,
            {
                "id": _id(id),
                "body": ExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            ExchangeError,
            options,
        )

    def create_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: builtins.list[Assignment] | Unset = UNSET,
        summaries: builtins.list[Summary] | Unset = UNSET,
        final: bool | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> Resource:
        """Create Grades Exchange Data

        `POST /exchanges/{id}/data` (create_exchange_data).
        """
        return self._engine.call(
            create_exchange_data,
            {
                "id": _id(id),
                "body": ExchangeDataRequest(
                    assignments=assignments,
                    summaries=summaries,
                    final=final,
                ),
            },
            "data",
            Resource,
            options,
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
        **options: Unpack[RequestOptions],
    ) -> PushResult:
        """Push grade data to the exchange in chunks of at most max_data_content_length bytes.

        Each request body is at most `max_bytes` bytes (default: the resource's `max_data_content_length`);
        every chunk but the last says `final: false`. Every item is checked against the
        spec before anything is sent. `on_progress` is called after each stored chunk; a push started
        again with the same `checkpoint` (after an error, or after the process died) sends only the
        chunks not stored yet.
        """
        return self._engine.call(
            create_exchange_data,
            {
                "id": _id(id),
            },
            "push",
            ExchangeDataRequest,
            options,
            items={
                "assignments": assignments,
                "summaries": summaries,
            },
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
        **options: Unpack[RequestOptions],
    ) -> Pager[Schedule]:
        """List grades schedules

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /schedules` (list_schedules).
        """
        return self._engine.call(
            list_schedules,
            {},
            "list",
            Schedule,
            options,
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    def update(
        self,
        id: UUID | str | Identified,
        *,
        enabled: bool,
        **options: Unpack[BodyRequestOptions],
    ) -> Schedule:
        """Update a grades schedule

        `PATCH /schedules/{id}` (update_schedule).
        """
        return self._engine.call(
            update_schedule,
            {
                "id": _id(id),
                "body": ScheduleUpdate(
                    enabled=enabled,
                ),
            },
            "data",
            Schedule,
            options,
        )

    def run(
        self,
        id: UUID | str | Identified,
        *,
        body: RunScheduleBody | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> None:
        """Run a grades schedule

        `POST /schedules/{id}/run` (run_schedule).
        """
        return self._engine.call(
            run_schedule,
            {
                "id": _id(id),
                "body": body,
            },
            "empty",
            Any,
            options,
        )


class SectionsResource(_Resource):
    """The `sections` operations."""

    def resolve(
        self,
        id: UUID | str | Identified,
        **options: Unpack[RequestOptions],
    ) -> SectionResolution:
        """Resolve the section by ID

        `GET /sections/{id}/resolve` (resolve_section).
        """
        return self._engine.call(
            resolve_section,
            {
                "id": _id(id),
            },
            "data",
            SectionResolution,
            options,
        )


class Resources(_Resource):
    """Every operation of the API, grouped by tag: `client.<tag>.<operation>(...)`."""

    @cached_property
    def with_raw_response(self) -> RawResources:
        """The same operations, each returning a `RawResponse` (status, headers, request id, `parse()`)."""
        return RawResources(self._engine.raw())

    @cached_property
    def artifacts(self) -> ArtifactsResource:
        """The `artifacts` operations (ArtifactsResource): get_exchange_details, get_exchange_consumer_logs."""
        return ArtifactsResource(self._engine)

    @cached_property
    def batch_exchanges(self) -> BatchExchangesResource:
        """The `batch_exchanges` operations (BatchExchangesResource): list, count, get_course_ids_report, create_error, create_context_data."""
        return BatchExchangesResource(self._engine)

    @cached_property
    def consumer(self) -> ConsumerResource:
        """The `consumer` operations (ConsumerResource): get."""
        return ConsumerResource(self._engine)

    @cached_property
    def exchanges(self) -> ExchangesResource:
        """The `exchanges` operations (ExchangesResource): list, create, count, find, list_errors, create_error, create_data, waiting, finished, push_data."""
        return ExchangesResource(self._engine)

    @cached_property
    def schedules(self) -> SchedulesResource:
        """The `schedules` operations (SchedulesResource): list, update, run."""
        return SchedulesResource(self._engine)

    @cached_property
    def sections(self) -> SectionsResource:
        """The `sections` operations (SectionsResource): resolve."""
        return SectionsResource(self._engine)


class RawArtifactsResource(_Resource):
    """The `artifacts` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""


class RawBatchExchangesResource(_Resource):
    """The `batch_exchanges` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    def list(
        self,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[BatchExchange]]:
        """List Batch Grades Exchanges

        `GET /batch_exchanges` (list_batch_exchanges).
        """
        return self._engine.call(
            list_batch_exchanges,
            {
                "page": page,
                "page_size": page_size,
            },
            "list",
            BatchExchange,
            options,
        )

    def count(
        self,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[int]:
        """Get count of Batch Grades Exchanges

        `GET /batch_exchanges/count` (count_batch_exchanges).
        """
        return self._engine.call(count_batch_exchanges, {}, "whole", int, options)

    def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[BatchExchangeError]:
        """Create Batch Grades Exchange Error

        `POST /batch_exchanges/{id}/errors` (create_batch_exchange_error).
        """
        return self._engine.call(
            create_batch_exchange_error,
            {
                "id": _id(id),
                "body": BatchExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            BatchExchangeError,
            options,
        )

    def create_context_data(
        self,
        id: UUID | str | Identified,
        *,
        course_ids: builtins.list[str],
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[BatchExchangeContextData]:
        """Create Grades Exchange Batch Context Data

        `POST /batch_exchanges/{id}/context_data` (create_batch_exchange_context_data).
        """
        return self._engine.call(
            create_batch_exchange_context_data,
            {
                "id": _id(id),
                "body": BatchExchangeContextDataRequest(
                    course_ids=course_ids,
                ),
            },
            "data",
            BatchExchangeContextData,
            options,
        )


class RawConsumerResource(_Resource):
    """The `consumer` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    def get(
        self,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Consumer]:
        """Get consumer details

        `GET /consumer` (get_consumer).
        """
        return self._engine.call(get_consumer, {}, "data", Consumer, options)


class RawExchangesResource(_Resource):
    """The `exchanges` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    def list(
        self,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[Exchange]]:
        """List Grades Exchanges

        `GET /exchanges` (list_exchanges).
        """
        return self._engine.call(
            list_exchanges,
            {
                "page": page,
                "page_size": page_size,
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "list",
            Exchange,
            options,
        )

    def create(
        self,
        *,
        query: ExchangeQuery | Unset = UNSET,
        metadata: Metadata | None | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[Exchange | None]:
        """Create a Grades Exchange

        `POST /exchanges` (create_exchange).
        """
        return self._engine.call(
            create_exchange,
            {
                "body": ExchangesRequest(
                    query=query,
                    metadata=metadata,
                ),
            },
            "optional",
            Exchange,
            options,
        )

    def count(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[int]:
        """Get count of Grades Exchanges

        `GET /exchanges/count` (count_exchanges).
        """
        return self._engine.call(
            count_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "whole",
            int,
            options,
        )

    def find(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Exchange]:
        """Find a Grades Exchange by id

        `GET /exchanges/{id}` (find_exchange).
        """
        return self._engine.call(
            find_exchange,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "data",
            Exchange,
            options,
        )

    def list_errors(
        self,
        id: UUID | str | Identified,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[ExchangeError]]:
        """List Grades Exchange Errors

        `GET /exchanges/{id}/errors` (list_exchange_errors).
        """
        return self._engine.call(
            list_exchange_errors,
            {
                "id": _id(id),
                "page": page,
                "page_size": page_size,
                "course_app_id": course_app_id,
            },
            "list",
            ExchangeError,
            options,
        )

    def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[ExchangeError]:
        """Create Grades Exchange Errors

        `POST /exchanges/{id}/errors` (create_exchange_error).
        """
        return self._engine.call(
            create_exchange_error,
            {
                "id": _id(id),
                "body": ExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            ExchangeError,
            options,
        )

    def create_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: builtins.list[Assignment] | Unset = UNSET,
        summaries: builtins.list[Summary] | Unset = UNSET,
        final: bool | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[Resource]:
        """Create Grades Exchange Data

        `POST /exchanges/{id}/data` (create_exchange_data).
        """
        return self._engine.call(
            create_exchange_data,
            {
                "id": _id(id),
                "body": ExchangeDataRequest(
                    assignments=assignments,
                    summaries=summaries,
                    final=final,
                ),
            },
            "data",
            Resource,
            options,
        )


class RawSchedulesResource(_Resource):
    """The `schedules` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    def list(
        self,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[Schedule]]:
        """List grades schedules

        `GET /schedules` (list_schedules).
        """
        return self._engine.call(
            list_schedules,
            {
                "page": page,
                "page_size": page_size,
            },
            "list",
            Schedule,
            options,
        )

    def update(
        self,
        id: UUID | str | Identified,
        *,
        enabled: bool,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[Schedule]:
        """Update a grades schedule

        `PATCH /schedules/{id}` (update_schedule).
        """
        return self._engine.call(
            update_schedule,
            {
                "id": _id(id),
                "body": ScheduleUpdate(
                    enabled=enabled,
                ),
            },
            "data",
            Schedule,
            options,
        )

    def run(
        self,
        id: UUID | str | Identified,
        *,
        body: RunScheduleBody | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[None]:
        """Run a grades schedule

        `POST /schedules/{id}/run` (run_schedule).
        """
        return self._engine.call(
            run_schedule,
            {
                "id": _id(id),
                "body": body,
            },
            "empty",
            Any,
            options,
        )


class RawSectionsResource(_Resource):
    """The `sections` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    def resolve(
        self,
        id: UUID | str | Identified,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[SectionResolution]:
        """Resolve the section by ID

        `GET /sections/{id}/resolve` (resolve_section).
        """
        return self._engine.call(
            resolve_section,
            {
                "id": _id(id),
            },
            "data",
            SectionResolution,
            options,
        )


class RawResources(_Resource):
    """Every operation of the API, grouped by tag, as raw answers: `client.with_raw_response.<tag>.<operation>(...)`."""

    @cached_property
    def artifacts(self) -> RawArtifactsResource:
        """The `artifacts` operations (RawArtifactsResource): get_exchange_details, get_exchange_consumer_logs."""
        return RawArtifactsResource(self._engine)

    @cached_property
    def batch_exchanges(self) -> RawBatchExchangesResource:
        """The `batch_exchanges` operations (RawBatchExchangesResource): list, count, get_course_ids_report, create_error, create_context_data."""
        return RawBatchExchangesResource(self._engine)

    @cached_property
    def consumer(self) -> RawConsumerResource:
        """The `consumer` operations (RawConsumerResource): get."""
        return RawConsumerResource(self._engine)

    @cached_property
    def exchanges(self) -> RawExchangesResource:
        """The `exchanges` operations (RawExchangesResource): list, create, count, find, list_errors, create_error, create_data, waiting, finished, push_data."""
        return RawExchangesResource(self._engine)

    @cached_property
    def schedules(self) -> RawSchedulesResource:
        """The `schedules` operations (RawSchedulesResource): list, update, run."""
        return RawSchedulesResource(self._engine)

    @cached_property
    def sections(self) -> RawSectionsResource:
        """The `sections` operations (RawSectionsResource): resolve."""
        return RawSectionsResource(self._engine)


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


class AsyncArtifactsResource(_Resource):
    """The `artifacts` operations."""

    def get_exchange_details(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> AsyncArtifact:
        """Get Grades Exchange Details

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/details` (get_exchange_details).
        """
        return self._engine.call(
            get_exchange_details,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "file",
            "application/gzip",
            options,
        )

    def get_exchange_consumer_logs(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> AsyncArtifact:
        """Get Grades Exchange Consumer Logs

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /exchanges/{id}/artifacts/consumerlogs` (get_exchange_consumer_logs).
        """
        return self._engine.call(
            get_exchange_consumer_logs,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "file",
            "application/gzip",
            options,
        )


class AsyncBatchExchangesResource(_Resource):
    """The `batch_exchanges` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[BatchExchange]:
        """List Batch Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /batch_exchanges` (list_batch_exchanges).
        """
        return self._engine.call(
            list_batch_exchanges,
            {},
            "list",
            BatchExchange,
            options,
            count=count_batch_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    async def count(
        self,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Get count of Batch Grades Exchanges

        `GET /batch_exchanges/count` (count_batch_exchanges).
        """
        return await self._engine.call(count_batch_exchanges, {}, "whole", int, options)

    def get_course_ids_report(
        self,
        id: UUID | str | Identified,
        **options: Unpack[RequestOptions],
    ) -> AsyncArtifact:
        """Get Batch Exchange Course IDs Report

        Lazy: nothing is sent until the artifact is read, streamed or saved.

        `GET /batch_exchanges/{id}/reports/course_ids` (get_batch_exchange_course_ids_report).
        """
        return self._engine.call(
            get_batch_exchange_course_ids_report,
            {
                "id": _id(id),
            },
            "file",
            "text/csv",
            options,
        )

    async def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> BatchExchangeError:
        """Create Batch Grades Exchange Error

        `POST /batch_exchanges/{id}/errors` (create_batch_exchange_error).
        """
        return await self._engine.call(
            create_batch_exchange_error,
            {
                "id": _id(id),
                "body": BatchExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            BatchExchangeError,
            options,
        )

    async def create_context_data(
        self,
        id: UUID | str | Identified,
        *,
        course_ids: builtins.list[str],
        **options: Unpack[BodyRequestOptions],
    ) -> BatchExchangeContextData:
        """Create Grades Exchange Batch Context Data

        `POST /batch_exchanges/{id}/context_data` (create_batch_exchange_context_data).
        """
        return await self._engine.call(
            create_batch_exchange_context_data,
            {
                "id": _id(id),
                "body": BatchExchangeContextDataRequest(
                    course_ids=course_ids,
                ),
            },
            "data",
            BatchExchangeContextData,
            options,
        )


class AsyncConsumerResource(_Resource):
    """The `consumer` operations."""

    async def get(
        self,
        **options: Unpack[RequestOptions],
    ) -> Consumer:
        """Get consumer details

        `GET /consumer` (get_consumer).
        """
        return await self._engine.call(get_consumer, {}, "data", Consumer, options)


class AsyncExchangesResource(_Resource):
    """The `exchanges` operations."""

    def list(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Exchange]:
        """List Grades Exchanges

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges` (list_exchanges).
        """
        return self._engine.call(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "list",
            Exchange,
            options,
            count=count_exchanges,
            page_size=page_size,
            max_items=max_items,
        )

    async def waiting(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is created or processing, at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        return await self._engine.call(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "posted_by": posted_by,
                "search": search,
            },
            "snapshot",
            Exchange,
            options,
            field="state",
            values=[ExchangeState.CREATED, ExchangeState.PROCESSING],
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    async def finished(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = 10_000,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[Exchange]:
        """The Exchanges whose `state` is completed or failed (final), at most `max_items` (None: all).

        Every page is read first, deduplicated by id: acting on them loses none and repeats none.
        As many as `max_items` back may leave more: handle them and call again.
        """
        return await self._engine.call(
            list_exchanges,
            {
                "course_app_id": course_app_id,
                "posted_by": posted_by,
                "search": search,
            },
            "snapshot",
            Exchange,
            options,
            field="state",
            values=[ExchangeState.COMPLETED, ExchangeState.FAILED],
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    async def create(
        self,
        *,
        query: ExchangeQuery | Unset = UNSET,
        metadata: Metadata | None | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> Exchange | None:
        """Create a Grades Exchange

        `POST /exchanges` (create_exchange).
        """
        return await self._engine.call(
            create_exchange,
            {
                "body": ExchangesRequest(
                    query=query,
                    metadata=metadata,
                ),
            },
            "optional",
            Exchange,
            options,
        )

    async def count(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Get count of Grades Exchanges

        `GET /exchanges/count` (count_exchanges).
        """
        return await self._engine.call(
            count_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "whole",
            int,
            options,
        )

    async def find(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> Exchange:
        """Find a Grades Exchange by id

        `GET /exchanges/{id}` (find_exchange).
        """
        return await self._engine.call(
            find_exchange,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "data",
            Exchange,
            options,
        )

    def list_errors(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[ExchangeError]:
        """List Grades Exchange Errors

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /exchanges/{id}/errors` (list_exchange_errors).
        """
        return self._engine.call(
            list_exchange_errors,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "list",
            ExchangeError,
            options,
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
        **options: Unpack[BodyRequestOptions],
    ) -> ExchangeError:
        """Create Grades Exchange Errors

        `POST /exchanges/{id}/errors` (create_exchange_error).
        """
        return await self._engine.call(
            create_exchange_error,
            {
                "id": _id(id),
                "body": ExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            ExchangeError,
            options,
        )

    async def create_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: builtins.list[Assignment] | Unset = UNSET,
        summaries: builtins.list[Summary] | Unset = UNSET,
        final: bool | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> Resource:
        """Create Grades Exchange Data

        `POST /exchanges/{id}/data` (create_exchange_data).
        """
        return await self._engine.call(
            create_exchange_data,
            {
                "id": _id(id),
                "body": ExchangeDataRequest(
                    assignments=assignments,
                    summaries=summaries,
                    final=final,
                ),
            },
            "data",
            Resource,
            options,
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
        **options: Unpack[RequestOptions],
    ) -> PushResult:
        """Push grade data to the exchange in chunks of at most max_data_content_length bytes.

        Each request body is at most `max_bytes` bytes (default: the resource's `max_data_content_length`);
        every chunk but the last says `final: false`. Every item is checked against the
        spec before anything is sent. `on_progress` is called after each stored chunk; a push started
        again with the same `checkpoint` (after an error, or after the process died) sends only the
        chunks not stored yet.
        """
        return await self._engine.call(
            create_exchange_data,
            {
                "id": _id(id),
            },
            "push",
            ExchangeDataRequest,
            options,
            items={
                "assignments": assignments,
                "summaries": summaries,
            },
            limit=(find_exchange, "max_data_content_length"),
            max_bytes=max_bytes,
            on_progress=on_progress,
            checkpoint=checkpoint,
        )


class AsyncSchedulesResource(_Resource):
    """The `schedules` operations."""

    def list(
        self,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPager[Schedule]:
        """List grades schedules

        Every page, in order; iterate it for the items, or call `pages()`.

        `GET /schedules` (list_schedules).
        """
        return self._engine.call(
            list_schedules,
            {},
            "list",
            Schedule,
            options,
            count=None,
            page_size=page_size,
            max_items=max_items,
        )

    async def update(
        self,
        id: UUID | str | Identified,
        *,
        enabled: bool,
        **options: Unpack[BodyRequestOptions],
    ) -> Schedule:
        """Update a grades schedule

        `PATCH /schedules/{id}` (update_schedule).
        """
        return await self._engine.call(
            update_schedule,
            {
                "id": _id(id),
                "body": ScheduleUpdate(
                    enabled=enabled,
                ),
            },
            "data",
            Schedule,
            options,
        )

    async def run(
        self,
        id: UUID | str | Identified,
        *,
        body: RunScheduleBody | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> None:
        """Run a grades schedule

        `POST /schedules/{id}/run` (run_schedule).
        """
        return await self._engine.call(
            run_schedule,
            {
                "id": _id(id),
                "body": body,
            },
            "empty",
            Any,
            options,
        )


class AsyncSectionsResource(_Resource):
    """The `sections` operations."""

    async def resolve(
        self,
        id: UUID | str | Identified,
        **options: Unpack[RequestOptions],
    ) -> SectionResolution:
        """Resolve the section by ID

        `GET /sections/{id}/resolve` (resolve_section).
        """
        return await self._engine.call(
            resolve_section,
            {
                "id": _id(id),
            },
            "data",
            SectionResolution,
            options,
        )


class AsyncResources(_Resource):
    """Every operation of the API, grouped by tag, async: `client.<tag>.<operation>(...)`."""

    @cached_property
    def with_raw_response(self) -> AsyncRawResources:
        """The same operations, each returning a `RawResponse` (status, headers, request id, `parse()`)."""
        return AsyncRawResources(self._engine.raw())

    @cached_property
    def artifacts(self) -> AsyncArtifactsResource:
        """The `artifacts` operations (AsyncArtifactsResource): get_exchange_details, get_exchange_consumer_logs."""
        return AsyncArtifactsResource(self._engine)

    @cached_property
    def batch_exchanges(self) -> AsyncBatchExchangesResource:
        """The `batch_exchanges` operations (AsyncBatchExchangesResource): list, count, get_course_ids_report, create_error, create_context_data."""
        return AsyncBatchExchangesResource(self._engine)

    @cached_property
    def consumer(self) -> AsyncConsumerResource:
        """The `consumer` operations (AsyncConsumerResource): get."""
        return AsyncConsumerResource(self._engine)

    @cached_property
    def exchanges(self) -> AsyncExchangesResource:
        """The `exchanges` operations (AsyncExchangesResource): list, create, count, find, list_errors, create_error, create_data, waiting, finished, push_data."""
        return AsyncExchangesResource(self._engine)

    @cached_property
    def schedules(self) -> AsyncSchedulesResource:
        """The `schedules` operations (AsyncSchedulesResource): list, update, run."""
        return AsyncSchedulesResource(self._engine)

    @cached_property
    def sections(self) -> AsyncSectionsResource:
        """The `sections` operations (AsyncSectionsResource): resolve."""
        return AsyncSectionsResource(self._engine)


class AsyncRawArtifactsResource(_Resource):
    """The `artifacts` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""


class AsyncRawBatchExchangesResource(_Resource):
    """The `batch_exchanges` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    async def list(
        self,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[BatchExchange]]:
        """List Batch Grades Exchanges

        `GET /batch_exchanges` (list_batch_exchanges).
        """
        return await self._engine.call(
            list_batch_exchanges,
            {
                "page": page,
                "page_size": page_size,
            },
            "list",
            BatchExchange,
            options,
        )

    async def count(
        self,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[int]:
        """Get count of Batch Grades Exchanges

        `GET /batch_exchanges/count` (count_batch_exchanges).
        """
        return await self._engine.call(count_batch_exchanges, {}, "whole", int, options)

    async def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[BatchExchangeError]:
        """Create Batch Grades Exchange Error

        `POST /batch_exchanges/{id}/errors` (create_batch_exchange_error).
        """
        return await self._engine.call(
            create_batch_exchange_error,
            {
                "id": _id(id),
                "body": BatchExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            BatchExchangeError,
            options,
        )

    async def create_context_data(
        self,
        id: UUID | str | Identified,
        *,
        course_ids: builtins.list[str],
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[BatchExchangeContextData]:
        """Create Grades Exchange Batch Context Data

        `POST /batch_exchanges/{id}/context_data` (create_batch_exchange_context_data).
        """
        return await self._engine.call(
            create_batch_exchange_context_data,
            {
                "id": _id(id),
                "body": BatchExchangeContextDataRequest(
                    course_ids=course_ids,
                ),
            },
            "data",
            BatchExchangeContextData,
            options,
        )


class AsyncRawConsumerResource(_Resource):
    """The `consumer` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    async def get(
        self,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Consumer]:
        """Get consumer details

        `GET /consumer` (get_consumer).
        """
        return await self._engine.call(get_consumer, {}, "data", Consumer, options)


class AsyncRawExchangesResource(_Resource):
    """The `exchanges` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    async def list(
        self,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[Exchange]]:
        """List Grades Exchanges

        `GET /exchanges` (list_exchanges).
        """
        return await self._engine.call(
            list_exchanges,
            {
                "page": page,
                "page_size": page_size,
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "list",
            Exchange,
            options,
        )

    async def create(
        self,
        *,
        query: ExchangeQuery | Unset = UNSET,
        metadata: Metadata | None | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[Exchange | None]:
        """Create a Grades Exchange

        `POST /exchanges` (create_exchange).
        """
        return await self._engine.call(
            create_exchange,
            {
                "body": ExchangesRequest(
                    query=query,
                    metadata=metadata,
                ),
            },
            "optional",
            Exchange,
            options,
        )

    async def count(
        self,
        *,
        course_app_id: str | Unset = UNSET,
        state: ExchangeState
        | Literal["created", "processing", "completed", "failed"]
        | Unset = UNSET,
        posted_by: PostedBy | Literal["user", "schedule"] | Unset = UNSET,
        search: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[int]:
        """Get count of Grades Exchanges

        `GET /exchanges/count` (count_exchanges).
        """
        return await self._engine.call(
            count_exchanges,
            {
                "course_app_id": course_app_id,
                "state": state,
                "posted_by": posted_by,
                "search": search,
            },
            "whole",
            int,
            options,
        )

    async def find(
        self,
        id: UUID | str | Identified,
        *,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Exchange]:
        """Find a Grades Exchange by id

        `GET /exchanges/{id}` (find_exchange).
        """
        return await self._engine.call(
            find_exchange,
            {
                "id": _id(id),
                "course_app_id": course_app_id,
            },
            "data",
            Exchange,
            options,
        )

    async def list_errors(
        self,
        id: UUID | str | Identified,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        course_app_id: str | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[ExchangeError]]:
        """List Grades Exchange Errors

        `GET /exchanges/{id}/errors` (list_exchange_errors).
        """
        return await self._engine.call(
            list_exchange_errors,
            {
                "id": _id(id),
                "page": page,
                "page_size": page_size,
                "course_app_id": course_app_id,
            },
            "list",
            ExchangeError,
            options,
        )

    async def create_error(
        self,
        id: UUID | str | Identified,
        *,
        code: ExchangeErrorCode | str | Unset = UNSET,
        details: str | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[ExchangeError]:
        """Create Grades Exchange Errors

        `POST /exchanges/{id}/errors` (create_exchange_error).
        """
        return await self._engine.call(
            create_exchange_error,
            {
                "id": _id(id),
                "body": ExchangeErrorCreate(
                    code=code,
                    details=details,
                ),
            },
            "data",
            ExchangeError,
            options,
        )

    async def create_data(
        self,
        id: UUID | str | Identified,
        *,
        assignments: builtins.list[Assignment] | Unset = UNSET,
        summaries: builtins.list[Summary] | Unset = UNSET,
        final: bool | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[Resource]:
        """Create Grades Exchange Data

        `POST /exchanges/{id}/data` (create_exchange_data).
        """
        return await self._engine.call(
            create_exchange_data,
            {
                "id": _id(id),
                "body": ExchangeDataRequest(
                    assignments=assignments,
                    summaries=summaries,
                    final=final,
                ),
            },
            "data",
            Resource,
            options,
        )


class AsyncRawSchedulesResource(_Resource):
    """The `schedules` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    async def list(
        self,
        *,
        page: int | Unset = UNSET,
        page_size: int | Unset = UNSET,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Page[Schedule]]:
        """List grades schedules

        `GET /schedules` (list_schedules).
        """
        return await self._engine.call(
            list_schedules,
            {
                "page": page,
                "page_size": page_size,
            },
            "list",
            Schedule,
            options,
        )

    async def update(
        self,
        id: UUID | str | Identified,
        *,
        enabled: bool,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[Schedule]:
        """Update a grades schedule

        `PATCH /schedules/{id}` (update_schedule).
        """
        return await self._engine.call(
            update_schedule,
            {
                "id": _id(id),
                "body": ScheduleUpdate(
                    enabled=enabled,
                ),
            },
            "data",
            Schedule,
            options,
        )

    async def run(
        self,
        id: UUID | str | Identified,
        *,
        body: RunScheduleBody | Unset = UNSET,
        **options: Unpack[BodyRequestOptions],
    ) -> RawResponse[None]:
        """Run a grades schedule

        `POST /schedules/{id}/run` (run_schedule).
        """
        return await self._engine.call(
            run_schedule,
            {
                "id": _id(id),
                "body": body,
            },
            "empty",
            Any,
            options,
        )


class AsyncRawSectionsResource(_Resource):
    """The `sections` operations, each returning its answer as a RawResponse: `parse()` gives what the plain call returns (a list: the page `page`, from 0)."""

    async def resolve(
        self,
        id: UUID | str | Identified,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[SectionResolution]:
        """Resolve the section by ID

        `GET /sections/{id}/resolve` (resolve_section).
        """
        return await self._engine.call(
            resolve_section,
            {
                "id": _id(id),
            },
            "data",
            SectionResolution,
            options,
        )


class AsyncRawResources(_Resource):
    """Every operation of the API, grouped by tag, async, as raw answers: `client.with_raw_response.<tag>.<operation>(...)`."""

    @cached_property
    def artifacts(self) -> AsyncRawArtifactsResource:
        """The `artifacts` operations (AsyncRawArtifactsResource): get_exchange_details, get_exchange_consumer_logs."""
        return AsyncRawArtifactsResource(self._engine)

    @cached_property
    def batch_exchanges(self) -> AsyncRawBatchExchangesResource:
        """The `batch_exchanges` operations (AsyncRawBatchExchangesResource): list, count, get_course_ids_report, create_error, create_context_data."""
        return AsyncRawBatchExchangesResource(self._engine)

    @cached_property
    def consumer(self) -> AsyncRawConsumerResource:
        """The `consumer` operations (AsyncRawConsumerResource): get."""
        return AsyncRawConsumerResource(self._engine)

    @cached_property
    def exchanges(self) -> AsyncRawExchangesResource:
        """The `exchanges` operations (AsyncRawExchangesResource): list, create, count, find, list_errors, create_error, create_data, waiting, finished, push_data."""
        return AsyncRawExchangesResource(self._engine)

    @cached_property
    def schedules(self) -> AsyncRawSchedulesResource:
        """The `schedules` operations (AsyncRawSchedulesResource): list, update, run."""
        return AsyncRawSchedulesResource(self._engine)

    @cached_property
    def sections(self) -> AsyncRawSectionsResource:
        """The `sections` operations (AsyncRawSectionsResource): resolve."""
        return AsyncRawSectionsResource(self._engine)
