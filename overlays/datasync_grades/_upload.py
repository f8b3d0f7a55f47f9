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
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import ModuleType, SimpleNamespace
from typing import Any, Final, Literal
from uuid import UUID

import attrs

from datasync_grades_api.api import Checkpoint, ChunkStored, PushResult

from ._artifacts import _write_atomically
from ._exceptions import (
    DataSyncError,
    RateLimitError,
    ResponseValidationError,
    UploadError,
    UploadRateLimitError,
)
from ._http import httpx
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


# Same settings as httpx's ``json=`` encoding: the compact form a server expects. One
# encoder for every item: ``json.dumps`` with options builds a new one per call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


@attrs.define(auto_exc=True, kw_only=True)
class OversizedItemError(DataSyncError, ValueError):
    """An item that cannot be sent within ``max_bytes``, even in a chunk of its own.

    Raised before anything is sent. ``kind`` is ``"assignment"`` or ``"summary"``,
    ``index`` its position among the items of that kind, ``item_id`` its ``$sys.id`` (an
    assignment; else its name) or its ``$person``'s ``$sys.id`` (a summary), when it has
    one. ``size`` is the body of a (non-final) chunk holding only that item, or, for an
    assignment split by scores, only it with its single score ``score_index``.
    """

    kind: ItemKind
    index: int
    item_id: str | None
    size: int
    max_bytes: int
    score_index: int | None = None

    def __str__(self) -> str:
        what = _named(self.kind, self.index, self.item_id)
        if self.score_index is not None:
            what += f" with only its score {self.score_index}"
        return (
            f"{what} does not fit in a chunk: a chunk holding only it is {self.size} bytes, "
            f"max_bytes is {self.max_bytes}"
        )


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
    # The JSON of the assignment entries and of the summary entries, each comma-separated.
    _assignments_json: bytes = attrs.field(repr=False)
    _summaries_json: bytes = attrs.field(repr=False)

    def body(self) -> bytes:
        """The request body: UTF-8 JSON, ``{"assignments":[...],"summaries":[...],"final":...}``."""
        close = _CLOSE_FINAL if self.final else _CLOSE_MORE
        return b"".join((_OPEN, self._assignments_json, _BETWEEN, self._summaries_json, close))


# -- planning ------------------------------------------------------------------------------


def plan_chunks(
    assignments: Iterable[Any] = (), summaries: Iterable[Any] = (), *, max_bytes: int
) -> tuple[Chunk, ...]:
    """The chunks ``client.exchanges.push_data`` sends for these items, without sending anything.

    Raises :class:`OversizedItemError` for an item that does not fit, ``ValueError`` when
    ``max_bytes`` cannot hold even an empty chunk, ``TypeError``/``ValueError`` for an item
    that is not JSON (naming it). Always at least one chunk; the last one is final.

    Example::

        chunks = plan_chunks(assignments, max_bytes=1_000_000)
        assert all(len(chunk.body()) <= 1_000_000 for chunk in chunks)
    """
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool):
        raise TypeError(f"max_bytes must be an int, got {type(max_bytes).__name__}")
    if max_bytes < _ENVELOPE:
        raise ValueError(f"max_bytes={max_bytes} is less than an empty chunk ({_ENVELOPE} bytes)")
    planner = _Planner(max_bytes)
    for index, item in enumerate(assignments):
        planner.add_item("assignment", index, item)
    for index, item in enumerate(summaries):
        planner.add_item("summary", index, item)
    planner.close(final=True)
    return tuple(planner.chunks)


def _named(kind: ItemKind, index: int, item_id: str | None) -> str:
    return f"{kind} {index}" + (f" ({item_id})" if item_id else "")


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


class _Planner:
    """Greedy, in-order packing of items into chunks of at most ``max_bytes``, as they come.

    Every entry is bytes: an item serialized whole, or, for an assignment too large for a
    chunk of its own, a part of it (its fields, some of its scores) serialized once its
    scores are chosen. An assignment's ``"scores"`` go last, so a part is its opening
    (everything up to ``"scores":``) and a list of scores.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.chunks: list[Chunk] = []
        self._open()

    def _open(self) -> None:
        self.entries: dict[ItemKind, list[bytes]] = {"assignment": [], "summary": []}
        self.size = _ENVELOPE
        self.scores = 0

    def room(self, kind: ItemKind) -> int:
        """Bytes left for one more entry of ``kind`` in the open chunk (after its comma)."""
        return self.max_bytes - self.size - (1 if self.entries[kind] else 0)

    def add(self, kind: ItemKind, entry: bytes, scores: int) -> None:
        if len(entry) > self.room(kind):
            self.close()
        self.size += len(entry) + (1 if self.entries[kind] else 0)
        self.entries[kind].append(entry)
        self.scores += scores

    def close(self, *, final: bool = False, cut: bool = False) -> None:
        """End the open chunk; ``cut``: its last assignment goes on in the next chunk."""
        assignments, summaries = self.entries["assignment"], self.entries["summary"]
        self.chunks.append(
            Chunk(
                final=final,
                size=self.size - final,  # "true" is one byte shorter than "false"
                assignments=len(assignments),
                assignments_completed=len(assignments) - cut,
                summaries=len(summaries),
                scores=self.scores,
                assignments_json=b",".join(assignments),
                summaries_json=b",".join(summaries),
            )
        )
        self._open()

    def add_item(self, kind: ItemKind, index: int, item: Any) -> None:
        data = _as_dict(kind, index, item)
        item_id = _item_id(kind, data)
        scores = data.get("scores") if kind == "assignment" else None
        if not isinstance(scores, list):
            scores = []
        opening = b""  # with scores: the assignment's JSON up to its scores, which go last
        try:
            if not scores:
                entry = _dumps(data)
            else:
                head = _dumps({key: value for key, value in data.items() if key != "scores"})
                opening = head[:-1] + (b"," if len(head) > 2 else b"") + b'"scores":'
                entry = b"".join((opening, _dumps(scores), b"}"))
        except (TypeError, ValueError) as exc:
            # A value json cannot encode (a datetime in a dict, NaN, a lone surrogate): name it.
            what = _named(kind, index, item_id)
            raise type(exc)(f"{what} cannot be serialized as JSON: {exc}") from exc
        if len(entry) <= self.max_bytes - _ENVELOPE:
            self.add(kind, entry, len(scores))
        elif not scores:
            raise OversizedItemError(
                kind=kind,
                index=index,
                item_id=item_id,
                size=_ENVELOPE + len(entry),
                max_bytes=self.max_bytes,
            )
        else:
            # Scores one by one only now: the whole list, one call to the C encoder, is faster.
            self._split(index, item_id, opening, [_dumps(score) for score in scores])

    def _split(self, index: int, item_id: str | None, opening: bytes, scores: list[bytes]) -> None:
        """Spread an assignment too large for a chunk of its own over chunks, by its scores."""
        empty_part = len(opening) + len(b"[]}")
        start, size = 0, empty_part
        for position, score in enumerate(scores):
            if empty_part + len(score) > self.max_bytes - _ENVELOPE:
                raise OversizedItemError(
                    kind="assignment",
                    index=index,
                    item_id=item_id,
                    size=_ENVELOPE + empty_part + len(score),
                    max_bytes=self.max_bytes,
                    score_index=position,
                )
            grown = size + len(score) + (1 if position > start else 0)
            if grown > self.room("assignment"):
                if position > start:
                    self.add("assignment", _part(opening, scores[start:position]), position - start)
                self.close(cut=position > start)
                start, grown = position, empty_part + len(score)
            size = grown
        self.add("assignment", _part(opening, scores[start:]), len(scores) - start)


def _part(opening: bytes, scores: list[bytes]) -> bytes:
    return b"".join((opening, b"[", b",".join(scores), b"]}"))


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


def _fspath(path: str | os.PathLike[str]) -> str:
    # os.fspath's own signature is generic over str and bytes, which mypy cannot pick from.
    return os.fspath(path)


@attrs.define(eq=False)
class FileCheckpoint:
    """A :class:`Checkpoint` in a JSON file, replaced atomically (temporary file, fsync, rename).

    Example::

        client.exchanges.push_data(exchange, assignments=rows, checkpoint=FileCheckpoint(path))
    """

    path: str = attrs.field(converter=_fspath)

    def load(self) -> dict[str, Any] | None:
        try:
            with open(self.path, "rb") as file:
                state = json.load(file)
        except FileNotFoundError:
            return None
        return state if isinstance(state, dict) else None

    def save(self, state: dict[str, Any]) -> None:
        _write_atomically(self.path, json.dumps(state).encode(), ())


class _Push:
    """One push: the plan, the requests, and the bookkeeping shared by sync and async.

    With a checkpoint, ``{"stored": n, "in_flight": n}`` is saved before chunk n is sent, and
    ``{"stored": total}`` after the last: a process killed at any moment and started again
    sends chunk n again at most, and says so (``possibly_duplicated``).
    """

    def __init__(
        self,
        client: Any,
        endpoint: ModuleType,
        params: dict[str, Any],
        options: Any,
    ) -> None:
        self.resume_from = _check_resume(options.get("resume_from", 0))  # before any request
        self.checkpoint: Checkpoint | None = options.get("checkpoint")
        self.on_progress: Callable[[ChunkStored], object] | None = options.get("on_progress")
        if self.checkpoint is not None and self.resume_from:
            raise TypeError("pass resume_from or checkpoint, not both: the checkpoint knows")
        self.client = client
        self.endpoint = endpoint
        self.params = params
        self.items: Mapping[str, Iterable[Any]] = options["items"]
        self.chunks: tuple[Chunk, ...] = ()
        self.ids: list[UUID | None] = []
        self.possibly_duplicated: int | None = None
        self._state: dict[str, Any] = {}

    def requests(self, max_bytes: int) -> Iterator[tuple[int, dict[str, Any]]]:
        """Plan the chunks, then each chunk's number and request, as they are to be sent."""
        items = self.items
        self.chunks = plan_chunks(
            items.get("assignments", ()), items.get("summaries", ()), max_bytes=max_bytes
        )
        self.resume_from = self._start()
        # The generated request (method, path, headers), with the planned bytes as content.
        request = self.endpoint._get_kwargs(**self.params, body=SimpleNamespace(to_dict=dict))
        del request["json"]
        for number in range(self.resume_from, len(self.chunks)):
            self._save(stored=number, in_flight=number)
            yield number, {**request, "content": self.chunks[number].body()}
        self._save(stored=len(self.chunks), in_flight=None)

    def _start(self) -> int:
        total = len(self.chunks)
        if self.checkpoint is None:
            return _check_resume(self.resume_from, total)
        digest = hashlib.sha256()
        for chunk in self.chunks:
            digest.update(chunk.body())
        self._state = {"exchange": str(self.params.get("id")), "plan": digest.hexdigest()}
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
        parsed = parse(self.endpoint, response)
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
        stored = isinstance(response, httpx.Response) and response.is_success
        accepted = number + 1 if stored else number
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


def push(client: Any, endpoint: ModuleType, params: dict[str, Any], **options: Any) -> PushResult:
    """Plan every chunk, then send them in order; see the module docstring. ``options``: the
    engine's ``items`` (``{"assignments": ..., "summaries": ...}``), ``limit`` (the endpoint
    and field giving ``max_bytes`` when it is None), ``max_bytes``, ``resume_from``,
    ``on_progress``, ``checkpoint``."""
    job = _Push(client, endpoint, params, options)
    max_bytes = options["max_bytes"]
    if max_bytes is None:
        max_bytes = _limit_of(options["limit"][1], call(options["limit"][0], client, params))
    for number, kwargs in job.requests(max_bytes):
        try:
            job.stored(number, client.send(kwargs))
        except DataSyncError as exc:
            raise job.failed(exc, number) from exc
    return job.result()


async def apush(
    client: Any, endpoint: ModuleType, params: dict[str, Any], **options: Any
) -> PushResult:
    """The async :func:`push`."""
    job = _Push(client, endpoint, params, options)
    max_bytes = options["max_bytes"]
    if max_bytes is None:
        max_bytes = _limit_of(options["limit"][1], await acall(options["limit"][0], client, params))
    for number, kwargs in job.requests(max_bytes):
        try:
            job.stored(number, await client.send(kwargs))
        except DataSyncError as exc:
            raise job.failed(exc, number) from exc
    return job.result()
