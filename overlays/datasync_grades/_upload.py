"""The chunked push of grade data: planning chunks to a byte limit, and sending them in order.

A producer answers an exchange by POSTing ``ExchangeDataRequest`` chunks, each body at most the
exchange's ``max_data_content_length`` bytes, every chunk ``"final": false`` but the last.
Items (generated models or plain dicts) are serialized once; chunks are filled in order
(assignments, then summaries); an assignment too large for a chunk of its own is split by its
scores; anything that cannot fit raises :class:`OversizedItemError` before anything is sent.
A failed chunk raises :class:`UploadError`; ``resume_from=exc.chunks_accepted`` sends the rest.

Example::

    result = client.exchanges.push_data(exchange, assignments=assignments)
    chunks = plan_chunks(assignments, max_bytes=1_000_000)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any, Final, Literal
from uuid import UUID

import attrs
import httpx

from datasync_grades_api.api import Checkpoint, ChunkStored, PushResult
from datasync_grades_api.client import AuthenticatedClient, Client

from ._artifacts import _write_atomically
from ._exceptions import (
    DataSyncError,
    RateLimitError,
    ResponseValidationError,
    UploadError,
    UploadRateLimitError,
)
from ._logging import logger
from ._parsing import acall, call, parse

__all__ = [
    "Chunk",
    "FileCheckpoint",
    "OversizedItemError",
    "apush",
    "plan_chunks",
    "push",
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


def _check_resume(resume_from: object, total: int | None = None) -> int:
    """``resume_from`` as a chunk index; without ``total`` only its type and sign are checked."""
    if not isinstance(resume_from, int) or isinstance(resume_from, bool):
        raise TypeError(f"resume_from must be an int, got {type(resume_from).__name__}")
    if resume_from < 0:
        raise ValueError(f"resume_from must be >= 0, got {resume_from}")
    if total is not None and resume_from >= total:
        raise ValueError(f"resume_from={resume_from} is outside 0..{total - 1} ({total} chunks)")
    return resume_from


def _limit_of(field: str, parsed: object) -> int:
    value = getattr(getattr(parsed, "data", None), field, None)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ResponseValidationError(f"no usable {field} ({value!r}); pass max_bytes=")
    return value


class _NoBody:
    def to_dict(self) -> dict[str, Any]:
        return {}


class FileCheckpoint:
    """A :class:`Checkpoint` in a JSON file, replaced atomically (temporary file, fsync, rename).

    Example::

        client.exchanges.push_data(exchange, assignments=rows, checkpoint=FileCheckpoint(path))
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)

    def __repr__(self) -> str:
        return f"FileCheckpoint({self.path!r})"

    def load(self) -> dict[str, Any] | None:
        try:
            with open(self.path, "rb") as file:
                state = json.load(file)
        except FileNotFoundError:
            return None
        return state if isinstance(state, dict) else None

    def save(self, state: dict[str, Any]) -> None:
        _write_atomically(self.path, json.dumps(state).encode(), ())


def _digest(chunks: Sequence[Chunk]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.body())
    return digest.hexdigest()


class _Push:
    """One push: the plan, the requests, and the bookkeeping shared by sync and async.

    With a checkpoint, ``{"stored": n, "in_flight": n}`` is saved before chunk n is sent, and
    ``{"stored": total}`` after the last: a process killed at any moment and started again
    sends chunk n again at most, and says so (``possibly_duplicated``).
    """

    def __init__(
        self,
        client: AuthenticatedClient | Client,
        endpoint: ModuleType,
        params: dict[str, Any],
        items: Mapping[str, Iterable[Any]],
        options: Mapping[str, Any],
    ) -> None:
        self.resume_from = _check_resume(options.get("resume_from", 0))  # before any request
        self.checkpoint: Checkpoint | None = options.get("checkpoint")
        self.on_progress: Callable[[ChunkStored], object] | None = options.get("on_progress")
        if self.checkpoint is not None and self.resume_from:
            raise TypeError("pass resume_from or checkpoint, not both: the checkpoint knows")
        self.client = client
        self.endpoint = endpoint
        self.params = params
        self.encoded = _encode_all(items.get("assignments", ()), items.get("summaries", ()))
        self.chunks: tuple[Chunk, ...] = ()
        self.ids: list[UUID | None] = []
        self.possibly_duplicated: int | None = None
        self._state: dict[str, Any] = {}

    def plan(self, max_bytes: int) -> Iterable[tuple[int, dict[str, Any]]]:
        _check_max_bytes(max_bytes)
        self.chunks = _pack(*self.encoded, max_bytes)
        self.resume_from = self._start()
        for number in range(self.resume_from, len(self.chunks)):
            self._save(stored=number, in_flight=number)
            # The generated request (method, path, headers), with the planned bytes as content.
            kwargs = self.endpoint._get_kwargs(**self.params, body=_NoBody())
            kwargs.pop("json", None)
            kwargs["content"] = self.chunks[number].body()
            yield number, kwargs
        self._save(stored=len(self.chunks), in_flight=None)

    def _start(self) -> int:
        total = len(self.chunks)
        if self.checkpoint is None:
            return _check_resume(self.resume_from, total)
        self._state = {"exchange": str(self.params.get("id")), "plan": _digest(self.chunks)}
        saved = self.checkpoint.load() or {}
        if saved.get("exchange") != self._state["exchange"]:
            return 0  # another exchange's push (or none): this one starts afresh
        if saved.get("plan") != self._state["plan"]:
            raise ValueError(
                f"{self.checkpoint!r} holds another plan for this exchange: the items or "
                "max_bytes changed since, so its chunks would not line up"
            )
        if saved.get("in_flight") is not None:
            self.possibly_duplicated = int(saved["in_flight"])
            logger.warning(
                "chunk %d of exchange %s was in flight when the last push stopped: sending it "
                "again may store it twice (the API has no idempotency key)",
                self.possibly_duplicated + 1,
                self._state["exchange"],
            )
        return min(int(saved.get("stored", 0)), total)

    def _save(self, *, stored: int, in_flight: int | None) -> None:
        if self.checkpoint is not None:
            self.checkpoint.save({**self._state, "stored": stored, "in_flight": in_flight})

    def stored(self, number: int, response: httpx.Response) -> None:
        parsed = parse(self.endpoint, self.client, response)
        chunk_id = getattr(getattr(parsed, "data", None), "id", None)
        chunk_id = chunk_id if isinstance(chunk_id, UUID) else None
        self.ids.append(chunk_id)
        size = self.chunks[number].size
        logger.debug(
            "chunk %d/%d stored (%d bytes, id %s)", number + 1, len(self.chunks), size, chunk_id
        )
        if self.on_progress is not None:
            self.on_progress(ChunkStored(number, len(self.chunks), size, chunk_id))

    def failed(self, exc: DataSyncError, number: int) -> UploadError:
        # A 2xx whose body could not be read still stored the chunk: do not send it again.
        response = getattr(exc, "response", None)
        stored = isinstance(exc, ResponseValidationError) and isinstance(response, httpx.Response)
        accepted = number + 1 if stored and response is not None and response.is_success else number
        total = len(self.chunks)
        message = (
            f"chunk {number + 1} of {total} failed ({accepted} accepted; resume with "
            f"resume_from={accepted}): {exc}"
        )
        if isinstance(exc, RateLimitError):
            return UploadRateLimitError(
                message, cause=exc, chunks_accepted=accepted, chunks_total=total
            )
        return UploadError(message, chunks_accepted=accepted, chunks_total=total)

    def result(self) -> PushResult:
        sent = self.chunks[self.resume_from :]
        return PushResult(
            chunks_sent=len(sent),
            chunks_total=len(self.chunks),
            assignments_sent=sum(chunk.assignments_completed for chunk in sent),
            summaries_sent=sum(chunk.summaries for chunk in sent),
            scores_sent=sum(chunk.scores for chunk in sent),
            chunk_ids=tuple(self.ids),
            possibly_duplicated=self.possibly_duplicated,
        )


def push(
    client: AuthenticatedClient | Client,
    endpoint: ModuleType,
    params: dict[str, Any],
    items: Mapping[str, Iterable[Any]],
    *,
    limit: tuple[ModuleType, str],
    max_bytes: int | None,
    **options: Any,
) -> PushResult:
    """Plan every chunk, then send them in order; see the module docstring. ``options``:
    ``resume_from``, ``on_progress``, ``checkpoint``."""
    job = _Push(client, endpoint, params, items, options)
    if max_bytes is None:
        max_bytes = _limit_of(limit[1], call(limit[0], client, params))
    http = client.get_httpx_client()
    for number, kwargs in job.plan(max_bytes):
        try:
            job.stored(number, http.request(**kwargs))
        except DataSyncError as exc:
            raise job.failed(exc, number) from exc
    return job.result()


async def apush(
    client: AuthenticatedClient | Client,
    endpoint: ModuleType,
    params: dict[str, Any],
    items: Mapping[str, Iterable[Any]],
    *,
    limit: tuple[ModuleType, str],
    max_bytes: int | None,
    **options: Any,
) -> PushResult:
    """The async :func:`push`."""
    job = _Push(client, endpoint, params, items, options)
    if max_bytes is None:
        max_bytes = _limit_of(limit[1], await acall(limit[0], client, params))
    http = client.get_async_httpx_client()
    for number, kwargs in job.plan(max_bytes):
        try:
            job.stored(number, await http.request(**kwargs))
        except DataSyncError as exc:
            raise job.failed(exc, number) from exc
    return job.result()
