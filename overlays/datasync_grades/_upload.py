"""Pushing grade data to an exchange in chunks, and reporting a producer's error.

A producer answers an exchange by POSTing ``ExchangeDataRequest`` chunks to
``/exchanges/{id}/data``: each request body at most the exchange's
``max_data_content_length`` bytes, every chunk ``"final": false`` except the last.
:func:`push_exchange_data` plans the chunks, checks that every item fits, then sends them
in order; :func:`report_exchange_error` reports a query the producer cannot serve.

Example::

    from datasync_grades import connect, push_exchange_data, report_exchange_error

    client = connect(auth=auth)
    result = push_exchange_data(client, exchange_id, assignments=assignments)
    print(result.chunks_sent, result.chunk_ids)

    report_exchange_error(client, exchange_id, "query_type_not_supported", "no summaries")

How chunks are made:

- Items are generated models (``Assignment``, ``Summary``: their ``to_dict()``) or plain
  dicts, in any iterable. Each item (and each score of an assignment) is serialized to
  JSON bytes exactly once; a chunk's size is the envelope plus the sum of its items'
  sizes plus the commas, and its body is those bytes joined. Planning is linear in the
  data; the serialized items are kept until the push ends (memory proportional to the
  data, which the caller holds anyway), and each chunk body is built only when it is sent.
- The body is ``{"assignments":[...],"summaries":[...],"final":false}``, both lists always
  present, serialized like httpx does (compact separators, UTF-8, no NaN). Sizes are
  bytes, not characters. The bytes planned are the bytes sent: the request is the
  generated ``create_exchange_data`` request with those bytes as its content, not a
  re-serialization of a model (which would, e.g., rewrite timestamps).
- Order is kept: assignments in order, then summaries in order; a chunk is filled before
  the next one starts. The plan depends only on the items and ``max_bytes``, so a resumed
  push plans the same chunks.
- An item that does not fit in a chunk of its own: an assignment is split by its scores,
  each part a copy of the assignment (``$sys``, ``$section``, ``name``, ... all kept) with a
  consecutive run of its scores. An assignment that would not fit even with a single
  score (or with no scores), or a summary that does not fit, raises
  :class:`OversizedItemError` before anything is sent.

Failures: if a chunk fails (after the client's retries), :class:`UploadError` says how many
chunks the server stored (``chunks_accepted``); ``push_exchange_data(...,
resume_from=exc.chunks_accepted)`` with the same items sends the rest. After a dropped
connection or a timeout the server may or may not have stored the chunk in flight; it is
counted as not accepted, so a resume sends it again.

Why hand-written: JSON libraries serialize a whole document and cannot bound its size;
bounding it needs the per-item sizes anyway, and with them the packing is a short greedy
loop. The generated ``create_exchange_data.sync`` is not used to send because it
serializes ``body.to_dict()`` itself, so the size the server sees could not be promised.
"""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final, Literal
from uuid import UUID

import attrs
import httpx

from datasync_grades_api.api.exchanges import (
    create_exchange_data,
    create_exchange_error,
    find_exchange,
)
from datasync_grades_api.client import AuthenticatedClient, Client
from datasync_grades_api.models.exchange import Exchange
from datasync_grades_api.models.exchange_data_request import ExchangeDataRequest
from datasync_grades_api.models.exchange_data_response import ExchangeDataResponse
from datasync_grades_api.models.exchange_error import ExchangeError
from datasync_grades_api.models.exchange_error_code import ExchangeErrorCode
from datasync_grades_api.models.exchange_error_response import ExchangeErrorResponse
from datasync_grades_api.models.exchange_response import ExchangeResponse

from ._exceptions import (
    DataSyncError,
    ResponseValidationError,
    UploadError,
    aexpect_parsed,
    connection_error_from,
    expect_parsed,
    status_error_from_response,
)
from ._logging import logger

__all__ = [
    "Chunk",
    "OversizedItemError",
    "PushResult",
    "apush_exchange_data",
    "areport_exchange_error",
    "plan_chunks",
    "push_exchange_data",
    "report_exchange_error",
]

ItemKind = Literal["assignment", "summary"]

# The envelope of every chunk. "false" is one byte longer than "true": chunks are planned
# with it, so the last chunk may end up one byte under what the plan allowed.
_OPEN: Final = b'{"assignments":['
_BETWEEN: Final = b'],"summaries":['
_CLOSE_MORE: Final = b'],"final":false}'
_CLOSE_FINAL: Final = b'],"final":true}'
_ENVELOPE: Final = len(_OPEN) + len(_BETWEEN) + len(_CLOSE_MORE)
_SCORES_KEY: Final = b'"scores":['
_PART_END: Final = b"]}"


# Same settings as httpx's ``json=`` encoding: the compact form a server expects. One
# encoder for every item: ``json.dumps`` with options builds a new one per call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


class OversizedItemError(DataSyncError, ValueError):
    """An item that cannot be sent within ``max_bytes``, even in a chunk of its own.

    Raised before anything is sent. ``kind`` is ``"assignment"`` or ``"summary"``,
    ``index`` its position among the items of that kind, ``item_id`` its ``$sys.id`` (an
    assignment; else its name) or its ``$person``'s ``$sys.id`` (a summary), when it has
    one. ``size`` is the body of a (non-final) chunk holding only that item, or, for an
    assignment split by scores, only it with its single score ``score_index``.
    """

    def __init__(
        self,
        *,
        kind: ItemKind,
        index: int,
        item_id: str | None,
        size: int,
        max_bytes: int,
        score_index: int | None = None,
    ) -> None:
        what = f"{kind} {index}" + (f" ({item_id})" if item_id else "")
        if score_index is not None:
            what += f" with only its score {score_index}"
        super().__init__(
            f"{what} does not fit in a chunk: a chunk holding only it is {size} bytes, "
            f"max_bytes is {max_bytes}"
        )
        self.kind = kind
        self.index = index
        self.item_id = item_id
        self.size = size
        self.max_bytes = max_bytes
        self.score_index = score_index


@attrs.frozen
class PushResult:
    """What one :func:`push_exchange_data` call sent.

    Counts cover the chunks this call sent (not those skipped by ``resume_from``).
    ``assignments_sent`` counts input assignments whose last part this call sent (so a
    split assignment counts once); ``chunk_ids`` are the ids the server gave the stored
    chunks, in order (None where it gave none).
    """

    chunks_sent: int
    chunks_total: int
    assignments_sent: int
    summaries_sent: int
    scores_sent: int
    chunk_ids: tuple[UUID | None, ...]


@attrs.frozen
class _Part:
    """An assignment (or a part of one) kept as its serialized pieces."""

    head: bytes  # the assignment without "scores", its closing brace cut off
    scores: tuple[bytes, ...]

    def write(self, out: list[bytes]) -> None:
        out.append(self.head)
        out.append(b"," if len(self.head) > 1 else b"")
        out.append(_SCORES_KEY)
        out.append(b",".join(self.scores))
        out.append(_PART_END)


_Entry = bytes | _Part


@attrs.frozen
class Chunk:
    """One planned ``ExchangeDataRequest`` body. ``body()`` is exactly ``size`` bytes.

    ``assignments`` counts assignment entries (a part of a split assignment is one),
    ``assignments_completed`` the input assignments whose last part is in this chunk.
    """

    final: bool
    size: int
    assignments: int
    assignments_completed: int
    summaries: int
    scores: int
    _assignment_entries: tuple[_Entry, ...] = attrs.field(repr=False, alias="assignment_entries")
    _summary_entries: tuple[bytes, ...] = attrs.field(repr=False, alias="summary_entries")

    def body(self) -> bytes:
        """The request body: UTF-8 JSON, ``{"assignments":[...],"summaries":[...],"final":...}``."""
        out: list[bytes] = [_OPEN]
        for number, entry in enumerate(self._assignment_entries):
            if number:
                out.append(b",")
            if isinstance(entry, _Part):
                entry.write(out)
            else:
                out.append(entry)
        out.append(_BETWEEN)
        out.append(b",".join(self._summary_entries))
        out.append(_CLOSE_FINAL if self.final else _CLOSE_MORE)
        return b"".join(out)


# -- planning ------------------------------------------------------------------------------


@attrs.frozen
class _Encoded:
    """One input item, serialized: a ``_Part`` for an assignment with scores, else bytes."""

    entry: _Entry
    size: int
    scores: int
    item_id: str | None


def plan_chunks(
    assignments: Iterable[Any] = (), summaries: Iterable[Any] = (), *, max_bytes: int
) -> tuple[Chunk, ...]:
    """The chunks :func:`push_exchange_data` sends for these items, without sending anything.

    Raises :class:`OversizedItemError` for an item that does not fit, ``ValueError`` when
    ``max_bytes`` cannot hold even an empty chunk, ``TypeError``/``ValueError`` for an item
    that is not JSON (naming it). Always at least one chunk; the last one is final.

    Example::

        chunks = plan_chunks(assignments, max_bytes=1_000_000)
        assert all(len(chunk.body()) <= 1_000_000 for chunk in chunks)
    """
    _check_max_bytes(max_bytes)
    return _pack(*_encode_all(assignments, summaries), max_bytes)


def _check_max_bytes(max_bytes: object) -> None:
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool):
        raise TypeError(f"max_bytes must be an int, got {type(max_bytes).__name__}")
    if max_bytes < _ENVELOPE:
        raise ValueError(f"max_bytes={max_bytes} is less than an empty chunk ({_ENVELOPE} bytes)")


def _as_dict(kind: ItemKind, index: int, item: Any) -> Mapping[str, Any]:
    to_dict = getattr(item, "to_dict", None)
    if callable(to_dict):
        item = to_dict()
    if not isinstance(item, Mapping):
        raise TypeError(
            f"{kind} {index} must be a generated model or a mapping, got {type(item).__name__}"
        )
    return item


def _item_id(kind: ItemKind, item: Mapping[str, Any]) -> str | None:
    holder = item if kind == "assignment" else item.get("$person")
    sys_fields = holder.get("$sys") if isinstance(holder, Mapping) else None
    if isinstance(sys_fields, Mapping) and sys_fields.get("id") is not None:
        return str(sys_fields["id"])
    name = item.get("name") if kind == "assignment" else None
    return name if isinstance(name, str) else None


def _encode(kind: ItemKind, index: int, item: Any) -> _Encoded:
    data = _as_dict(kind, index, item)
    item_id = _item_id(kind, data)
    scores = data.get("scores") if kind == "assignment" else None
    try:
        if not isinstance(scores, list) or not scores:
            whole = _dumps(data)
            return _Encoded(whole, len(whole), 0, item_id)
        head = _dumps({key: value for key, value in data.items() if key != "scores"})[:-1]
        part = _Part(head, tuple(_dumps(score) for score in scores))
    except (TypeError, ValueError) as exc:
        # A value json cannot encode (a datetime in a dict, NaN, a lone surrogate): name the item.
        what = f"{kind} {index}" + (f" ({item_id})" if item_id else "")
        raise type(exc)(f"{what} cannot be serialized as JSON: {exc}") from exc
    return _Encoded(part, _part_size(part.head, part.scores), len(scores), item_id)


def _encode_all(
    assignments: Iterable[Any], summaries: Iterable[Any]
) -> tuple[list[_Encoded], list[_Encoded]]:
    return (
        [_encode("assignment", i, item) for i, item in enumerate(assignments)],
        [_encode("summary", i, item) for i, item in enumerate(summaries)],
    )


def _part_size(head: bytes, scores: Sequence[bytes]) -> int:
    comma = 1 if len(head) > 1 else 0
    joined = sum(len(score) for score in scores) + max(0, len(scores) - 1)
    return len(head) + comma + len(_SCORES_KEY) + joined + len(_PART_END)


class _Packer:
    """Greedy, in-order packing of serialized items into chunks of at most ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.done: list[tuple[list[_Entry], list[bytes], int, int, int]] = []
        self._reset()

    def _reset(self) -> None:
        self.assignments: list[_Entry] = []
        self.summaries: list[bytes] = []
        self.size = _ENVELOPE
        self.scores = 0
        self.completed = 0

    def room(self, entries: Sequence[object]) -> int:
        """Bytes left for one more entry in ``entries`` (a list of the open chunk)."""
        return self.max_bytes - self.size - (1 if entries else 0)

    def add_assignment(self, entry: _Entry, size: int, scores: int, last_part: bool) -> None:
        self.size += size + (1 if self.assignments else 0)
        self.assignments.append(entry)
        self.scores += scores
        self.completed += last_part

    def add_summary(self, entry: bytes) -> None:
        self.size += len(entry) + (1 if self.summaries else 0)
        self.summaries.append(entry)

    def close(self) -> None:
        self.done.append((self.assignments, self.summaries, self.size, self.scores, self.completed))
        self._reset()

    @property
    def empty(self) -> bool:
        return not self.assignments and not self.summaries


def _pack(
    assignments: Sequence[_Encoded], summaries: Sequence[_Encoded], max_bytes: int
) -> tuple[Chunk, ...]:
    packer = _Packer(max_bytes)
    whole_room = max_bytes - _ENVELOPE
    for index, item in enumerate(assignments):
        if item.size <= whole_room:
            if item.size > packer.room(packer.assignments):
                packer.close()
            packer.add_assignment(item.entry, item.size, item.scores, last_part=True)
        elif not isinstance(item.entry, _Part):
            raise OversizedItemError(
                kind="assignment",
                index=index,
                item_id=item.item_id,
                size=_ENVELOPE + item.size,
                max_bytes=max_bytes,
            )
        else:
            _pack_split(packer, index, item, item.entry)
    for index, item in enumerate(summaries):
        assert isinstance(item.entry, bytes)  # only assignments are split
        if item.size > whole_room:
            raise OversizedItemError(
                kind="summary",
                index=index,
                item_id=item.item_id,
                size=_ENVELOPE + item.size,
                max_bytes=max_bytes,
            )
        if item.size > packer.room(packer.summaries):
            packer.close()
        packer.add_summary(item.entry)
    if not packer.empty or not packer.done:
        packer.close()
    last = len(packer.done) - 1
    return tuple(
        Chunk(
            final=number == last,
            size=size - (number == last),  # "true" is one byte shorter than "false"
            assignments=len(entries),
            assignments_completed=completed,
            summaries=len(summary_entries),
            scores=scores,
            assignment_entries=tuple(entries),
            summary_entries=tuple(summary_entries),
        )
        for number, (entries, summary_entries, size, scores, completed) in enumerate(packer.done)
    )


def _pack_split(packer: _Packer, index: int, item: _Encoded, whole: _Part) -> None:
    """Spread an assignment too large for a chunk of its own over chunks, by its scores."""
    empty_part = _part_size(whole.head, ())
    for score_index, score in enumerate(whole.scores):
        if empty_part + len(score) > packer.max_bytes - _ENVELOPE:
            raise OversizedItemError(
                kind="assignment",
                index=index,
                item_id=item.item_id,
                size=_ENVELOPE + empty_part + len(score),
                max_bytes=packer.max_bytes,
                score_index=score_index,
            )
    start = 0
    size = empty_part
    for position, score in enumerate(whole.scores):
        grown = size + len(score) + (1 if position > start else 0)
        if grown > packer.room(packer.assignments):
            if position > start:
                part = _Part(whole.head, whole.scores[start:position])
                packer.add_assignment(part, size, position - start, last_part=False)
            packer.close()
            start, grown = position, empty_part + len(score)
        size = grown
    part = _Part(whole.head, whole.scores[start:])
    packer.add_assignment(part, size, len(whole.scores) - start, last_part=True)


# -- sending -------------------------------------------------------------------------------


def _as_uuid(exchange_id: UUID | str) -> UUID:
    return exchange_id if isinstance(exchange_id, UUID) else UUID(str(exchange_id))


def _check_resume(resume_from: object, total: int | None = None) -> int:
    """``resume_from`` as a chunk index; without ``total`` only its type and sign are checked."""
    if not isinstance(resume_from, int) or isinstance(resume_from, bool):
        raise TypeError(f"resume_from must be an int, got {type(resume_from).__name__}")
    if resume_from < 0:
        raise ValueError(f"resume_from must be >= 0, got {resume_from}")
    if total is not None and resume_from >= total:
        raise ValueError(f"resume_from={resume_from} is outside 0..{total - 1} ({total} chunks)")
    return resume_from


def _max_bytes_of(exchange_id: UUID, parsed: object) -> int:
    data = parsed.data if isinstance(parsed, ExchangeResponse) else None
    value = data.max_data_content_length if isinstance(data, Exchange) else None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ResponseValidationError(
            f"exchange {exchange_id} has no usable max_data_content_length ({value!r}); "
            "pass max_bytes="
        )
    return value


def _chunk_request(exchange_id: UUID, body: bytes) -> dict[str, Any]:
    # The generated request (method, path, headers), with the planned bytes as its content.
    kwargs = create_exchange_data._get_kwargs(exchange_id, body=ExchangeDataRequest())
    if kwargs.pop("json", None) is None:
        raise RuntimeError("generated create_exchange_data no longer sends a JSON body")
    kwargs["content"] = body
    return kwargs


def _stored_chunk_id(client: AuthenticatedClient | Client, response: httpx.Response) -> UUID | None:
    """The stored chunk's id from a response; typed errors for anything but a 2xx model."""
    if not response.is_success:
        raise status_error_from_response(response)
    try:
        parsed = create_exchange_data._build_response(client=client, response=response).parsed
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResponseValidationError(
            f"create_exchange_data: the response body does not match the spec: "
            f"{type(exc).__name__}: {exc}",
            response=response,
        ) from exc
    if not isinstance(parsed, ExchangeDataResponse):
        raise ResponseValidationError(
            f"create_exchange_data: status {response.status_code} has no parsed body",
            response=response,
        )
    stored_id = getattr(parsed.data, "id", None)
    return stored_id if isinstance(stored_id, UUID) else None


def _accepted_after(exc: DataSyncError, number: int) -> int:
    # A 2xx whose body could not be read still stored the chunk: do not send it again.
    response = getattr(exc, "response", None)
    stored = isinstance(exc, ResponseValidationError) and isinstance(response, httpx.Response)
    return number + 1 if stored and response is not None and response.is_success else number


def _upload_error(exc: DataSyncError, number: int, total: int) -> UploadError:
    accepted = _accepted_after(exc, number)
    return UploadError(
        f"chunk {number + 1} of {total} failed ({accepted} accepted; resume with "
        f"resume_from={accepted}): {exc}",
        chunks_accepted=accepted,
        chunks_total=total,
    )


class _Push:
    """The bookkeeping shared by the sync and async push."""

    def __init__(self, exchange_id: UUID, chunks: tuple[Chunk, ...], resume_from: object) -> None:
        self.exchange_id = exchange_id
        self.chunks = chunks
        self.start = _check_resume(resume_from, len(chunks))
        self.ids: list[UUID | None] = []

    def pending(self) -> Iterable[tuple[int, Chunk]]:
        return ((n, self.chunks[n]) for n in range(self.start, len(self.chunks)))

    def stored(self, number: int, chunk_id: UUID | None) -> None:
        self.ids.append(chunk_id)
        logger.debug(
            "exchange %s: chunk %d/%d stored (%d bytes, id %s)",
            self.exchange_id,
            number + 1,
            len(self.chunks),
            self.chunks[number].size,
            chunk_id,
        )

    def result(self) -> PushResult:
        sent = self.chunks[self.start :]
        return PushResult(
            chunks_sent=len(sent),
            chunks_total=len(self.chunks),
            assignments_sent=sum(chunk.assignments_completed for chunk in sent),
            summaries_sent=sum(chunk.summaries for chunk in sent),
            scores_sent=sum(chunk.scores for chunk in sent),
            chunk_ids=tuple(self.ids),
        )


def push_exchange_data(
    client: AuthenticatedClient | Client,
    exchange_id: UUID | str,
    *,
    assignments: Iterable[Any] = (),
    summaries: Iterable[Any] = (),
    max_bytes: int | None = None,
    resume_from: int = 0,
) -> PushResult:
    """Send assignments and summaries to an exchange as size-bounded chunks, the last final.

    ``max_bytes`` defaults to the exchange's ``max_data_content_length`` (one GET). All
    chunks are planned, and every item checked, before the first is sent (see the module
    docs for the rules). An empty push sends one empty final chunk.

    Raises :class:`OversizedItemError` (nothing sent) for an item that cannot fit;
    :class:`UploadError` when a chunk fails, with ``chunks_accepted`` to pass as
    ``resume_from`` (same items, same ``max_bytes``) and the typed error as ``__cause__``.

    Example::

        try:
            push_exchange_data(client, exchange_id, assignments=assignments)
        except UploadError as exc:
            push_exchange_data(
                client, exchange_id, assignments=assignments, resume_from=exc.chunks_accepted
            )
    """
    exchange = _as_uuid(exchange_id)
    _check_resume(resume_from)  # before any request
    encoded = _encode_all(assignments, summaries)
    if max_bytes is None:
        parsed = expect_parsed(find_exchange.sync_detailed, exchange, client=client)
        max_bytes = _max_bytes_of(exchange, parsed)
    _check_max_bytes(max_bytes)
    push = _Push(exchange, _pack(*encoded, max_bytes), resume_from)
    http = client.get_httpx_client()
    for number, chunk in push.pending():
        try:
            try:
                response = http.request(**_chunk_request(exchange, chunk.body()))
            except httpx.RequestError as exc:  # a client not made by connect()
                raise connection_error_from(exc) from exc
            push.stored(number, _stored_chunk_id(client, response))
        except DataSyncError as exc:
            raise _upload_error(exc, number, len(push.chunks)) from exc
    return push.result()


async def apush_exchange_data(
    client: AuthenticatedClient | Client,
    exchange_id: UUID | str,
    *,
    assignments: Iterable[Any] = (),
    summaries: Iterable[Any] = (),
    max_bytes: int | None = None,
    resume_from: int = 0,
) -> PushResult:
    """The async :func:`push_exchange_data`; same planning, same errors.

    Example::

        result = await apush_exchange_data(client, exchange_id, summaries=summaries)
    """
    exchange = _as_uuid(exchange_id)
    _check_resume(resume_from)
    encoded = _encode_all(assignments, summaries)
    if max_bytes is None:
        parsed = await aexpect_parsed(find_exchange.asyncio_detailed, exchange, client=client)
        max_bytes = _max_bytes_of(exchange, parsed)
    _check_max_bytes(max_bytes)
    push = _Push(exchange, _pack(*encoded, max_bytes), resume_from)
    http = client.get_async_httpx_client()
    for number, chunk in push.pending():
        try:
            try:
                response = await http.request(**_chunk_request(exchange, chunk.body()))
            except httpx.RequestError as exc:
                raise connection_error_from(exc) from exc
            push.stored(number, _stored_chunk_id(client, response))
        except DataSyncError as exc:
            raise _upload_error(exc, number, len(push.chunks)) from exc
    return push.result()


# -- reporting an error --------------------------------------------------------------------


@functools.cache
def _body_model(endpoint: Callable[..., Any]) -> Any:
    """The model class an endpoint takes as ``body``: found from its signature, so a renamed
    request schema needs a regeneration, not an edit here."""
    hint = typing.get_type_hints(endpoint)["body"]
    for candidate in typing.get_args(hint) or (hint,):
        if hasattr(candidate, "from_dict"):
            return candidate
    raise TypeError(f"{endpoint.__qualname__} takes no model body")


def _error_body(code: ExchangeErrorCode | str, details: str | None) -> Any:
    document = {"code": code.value if isinstance(code, ExchangeErrorCode) else code}
    if details is not None:
        document["details"] = details
    # from_dict keeps a code this client does not know yet as a plain string.
    return _body_model(create_exchange_error.sync_detailed).from_dict(document)


def _reported(parsed: object) -> ExchangeError:
    data = parsed.data if isinstance(parsed, ExchangeErrorResponse) else None
    if not isinstance(data, ExchangeError):
        raise ResponseValidationError("create_exchange_error: the response has no error in data")
    return data


def report_exchange_error(
    client: AuthenticatedClient | Client,
    exchange_id: UUID | str,
    code: ExchangeErrorCode | str,
    details: str | None = None,
) -> ExchangeError:
    """Report the producer's error for an exchange; returns the error as the server stored it.

    ``code`` is an ``ExchangeErrorCode`` or its string value (an unknown string is sent
    as is).

    Example::

        report_exchange_error(
            client, exchange_id, ExchangeErrorCode.QUERY_TYPE_NOT_SUPPORTED, "summary queries"
        )
    """
    body = _error_body(code, details)
    parsed = expect_parsed(
        create_exchange_error.sync_detailed, _as_uuid(exchange_id), client=client, body=body
    )
    return _reported(parsed)


async def areport_exchange_error(
    client: AuthenticatedClient | Client,
    exchange_id: UUID | str,
    code: ExchangeErrorCode | str,
    details: str | None = None,
) -> ExchangeError:
    """The async :func:`report_exchange_error`.

    Example::

        await areport_exchange_error(client, exchange_id, "producer_failure", "SIS is down")
    """
    body = _error_body(code, details)
    parsed = await aexpect_parsed(
        create_exchange_error.asyncio_detailed, _as_uuid(exchange_id), client=client, body=body
    )
    return _reported(parsed)
