"""The chunked push of grade data: checking items, planning chunks to a byte limit, and
sending them in order, recorded in a checkpoint.

A producer answers an exchange by POSTing ``ExchangeDataRequest`` chunks, each body at most the
exchange's ``max_data_content_length`` bytes, every chunk ``"final": false`` but the last.
Items are generated models (taken as they are) or plain dicts, first parsed with the generated
models' ``from_dict`` (:class:`InvalidPushError` names the bad ones; nothing is sent); each is
serialized once; chunks are filled in order (assignments, then summaries); an assignment too
large for a chunk of its own is split by its scores; anything that cannot fit raises
:class:`OversizedItemError` before anything is sent. A failed chunk raises :class:`UploadError`;
the same call with the same ``checkpoint`` sends the rest. The push is written once, as
:func:`apush`; a sync client drives the same coroutine under a sync sender.

Example::

    checkpoint = MemoryCheckpoint()  # or FileCheckpoint(path), to survive the process
    result = client.exchanges.push_data(exchange, assignments=rows, checkpoint=checkpoint)
    chunks = plan_chunks(rows, max_bytes=1_000_000)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import ModuleType
from typing import Any, Final, Literal
from uuid import UUID

import attrs

from datasync_grades_api.api import Checkpoint, ChunkStored, PushResult

from ._artifacts import _commit, _temporary_beside, fcntl
from ._client import Sender
from ._exceptions import DataSyncError, ResponseValidationError, UploadError, request_id_of
from ._logging import logger
from ._parsing import parse

__all__ = [
    "CheckpointError",
    "Chunk",
    "ConcurrentPushError",
    "FileCheckpoint",
    "InvalidPushError",
    "MemoryCheckpoint",
    "OversizedItemError",
    "apush",
    "plan_chunks",
]

ItemKind = Literal["assignment", "summary"]

# Every chunk: its assignments, its summaries, and whether it is the last. "false" is one
# byte longer than "true": chunks are planned with it, so the last chunk may end up one byte
# under what the plan allowed.
_BODY: Final = b'{"assignments":[%s],"summaries":[%s],"final":%s}'
_ENVELOPE: Final = len(_BODY % (b"", b"", b"false"))

# Same settings as httpx's ``json=`` encoding: the compact form a server expects. One
# encoder for every item: ``json.dumps`` with options builds a new one per call.
_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("utf-8")


class InvalidPushError(DataSyncError, ValueError):
    """A push refused before anything was sent: items that do not match the spec's models, or a
    ``max_bytes`` that cannot hold an empty chunk.

    ``problems`` names the first 20 bad items, each with the field and what is wrong with it
    (never the value: they are students' grades); ``invalid_items`` counts them all.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = (), invalid_items: int = 0):
        super().__init__(message)
        self.problems = problems
        self.invalid_items = invalid_items


class CheckpointError(UploadError):
    """A checkpoint that cannot serve this push: made for another plan of the exchange (other
    items or another ``max_bytes``), unreadable or not a checkpoint's contents, or a save that
    failed (a full disk) part-way: ``chunks_accepted`` says how far the push got."""


class ConcurrentPushError(UploadError):
    """Another push of the exchange runs in this process, or another process pushes with the
    same :class:`FileCheckpoint`: chunks of two pushes must never interleave."""


@attrs.define(auto_exc=True)
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
        only = "" if self.score_index is None else f" with only its score {self.score_index}"
        what = f"{_named(self.kind, self.index, self.item_id)}{only}"
        return f"{what} makes a chunk of {self.size} bytes alone, over max_bytes {self.max_bytes}"


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
    _body: bytes = attrs.field(repr=False)

    def body(self) -> bytes:
        """The request body: UTF-8 JSON, ``{"assignments":[...],"summaries":[...],"final":...}``."""
        return self._body


# -- planning ------------------------------------------------------------------------------


def plan_chunks(
    assignments: Iterable[Any] = (), summaries: Iterable[Any] = (), *, max_bytes: int
) -> tuple[Chunk, ...]:
    """The chunks ``client.exchanges.push_data`` sends for these items, without sending anything.

    Raises :class:`OversizedItemError` for an item that does not fit, and
    :class:`InvalidPushError` when ``max_bytes`` cannot hold even an empty chunk or an item is
    not JSON (naming it). Always at least one chunk; the last one is final.

    Example::

        chunks = plan_chunks(assignments, max_bytes=1_000_000)
        assert all(len(chunk.body()) <= 1_000_000 for chunk in chunks)
    """
    if type(max_bytes) is not int or max_bytes < _ENVELOPE:
        why = f"an int of at least {_ENVELOPE} (an empty chunk), got {max_bytes!r:.40}"
        raise InvalidPushError(f"max_bytes must be {why}")
    planner = _Planner(max_bytes)
    for index, item in enumerate(assignments):
        planner.add_item("assignment", index, item)
    for index, item in enumerate(summaries):
        planner.add_item("summary", index, item)
    planner.close(final=True)
    return tuple(planner.chunks)


def _named(kind: ItemKind, index: int, item_id: str | None) -> str:
    return f"{kind} {index}" + (f" ({item_id})" if item_id else "")


def _as_dict(kind: ItemKind, index: int, item: Any) -> dict[str, Any]:
    what = f"{kind} {index} must be a generated model or a mapping, got {type(item).__name__}"
    try:  # a model built with values of the wrong types may fail to_dict()
        item = item.to_dict() if callable(getattr(item, "to_dict", None)) else item
    except (AttributeError, TypeError, ValueError) as exc:
        raise InvalidPushError(f"{what} whose to_dict() fails", (what,), 1) from exc
    if not isinstance(item, Mapping):
        raise InvalidPushError(what, (what,), 1)
    return dict(item)  # (json encodes only a dict as an object)


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
    (everything up to ``"scores":[``) and some of its scores.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.chunks = max_bytes, list[Chunk]()
        self._open()

    def _open(self) -> None:
        self.entries: dict[ItemKind, list[bytes]] = {"assignment": [], "summary": []}
        self.size, self.scores = _ENVELOPE, 0

    def add(self, kind: ItemKind, entry: bytes, scores: int) -> None:
        if len(entry) > self.max_bytes - self.size - bool(self.entries[kind]):  # (its comma)
            self.close()
        self.size += len(entry) + bool(self.entries[kind])
        self.entries[kind].append(entry)
        self.scores += scores

    def close(self, *, final: bool = False, cut: bool = False) -> None:
        """End the open chunk; ``cut``: its last assignment goes on in the next chunk."""
        a, s = self.entries["assignment"], self.entries["summary"]
        body = _BODY % (b",".join(a), b",".join(s), b"true" if final else b"false")
        self.chunks.append(Chunk(final, len(body), len(a), len(a) - cut, len(s), self.scores, body))
        self._open()

    def add_item(self, kind: ItemKind, index: int, item: Any) -> None:
        data = _as_dict(kind, index, item)
        item_id = _item_id(kind, data)
        scores = data.get("scores") if kind == "assignment" else None
        scores = scores if isinstance(scores, list) else []
        head = {key: value for key, value in data.items() if key != "scores"}
        try:  # with scores, they go last: a part of the item is its JSON up to them, and some
            entry = _dumps({**head, "scores": scores} if scores else data)
        except (TypeError, ValueError, RecursionError) as exc:
            # A value json cannot encode (a datetime in a dict, NaN, a lone surrogate): name it.
            what = f"{_named(kind, index, item_id)} cannot be serialized as JSON"
            raise InvalidPushError(f"{what}: {type(exc).__name__}", (what,), 1) from exc
        if len(entry) <= self.max_bytes - _ENVELOPE:
            self.add(kind, entry, len(scores))
        elif not scores:
            raise OversizedItemError(kind, index, item_id, _ENVELOPE + len(entry), self.max_bytes)
        else:  # too large for a chunk of its own: spread by its scores, from the room left
            opening = _dumps(head)[:-1] + (b"," if head else b"") + b'"scores":['
            part: list[bytes] = []
            size = empty = len(opening) + len(b"]}")
            # Scores one by one only now: the whole list, one call to the C encoder, is faster.
            for position, score in enumerate(map(_dumps, scores)):
                if (alone := _ENVELOPE + empty + len(score)) > self.max_bytes:
                    raise OversizedItemError(kind, index, item_id, alone, self.max_bytes, position)
                size += len(score) + bool(part)
                if size > self.max_bytes - self.size - bool(self.entries[kind]):  # chunk full
                    if part:
                        self.add(kind, opening + b",".join(part) + b"]}", len(part))
                    self.close(cut=bool(part))
                    part, size = [], empty + len(score)
                part.append(score)
            self.add(kind, opening + b",".join(part) + b"]}", len(part))


# -- checking items against the generated models ------------------------------------------

# What a generated ``from_dict`` raises for a value that does not fit its model. Its own
# messages name the field and the types, never the value: ``"score: expected float, got str"``.
_REFUSALS: Final = (TypeError, ValueError, KeyError, AttributeError, RecursionError)
_GENERATED: Final = re.compile(r"[$\w]+: (expected [\w |]+, got \w+)")
_MISSING: Final = re.compile(r"KeyError: '([$\w]+)'")  # a required field (d.pop(name))


def _refusal(parse: Callable[[Any], object], value: Any) -> str | None:
    try:
        parse(value)
    except _REFUSALS as exc:
        return f"{type(exc).__name__}: {exc}"  # compared, never shown: it may hold the value
    return None


def _inside(parse: Callable[[Any], object], container: type, key: Any) -> Callable[[Any], object]:
    """``parse`` of a value put in a container: ``{key: value}`` (a dict) or ``[value]``."""
    return lambda value: parse({key: value} if container is dict else [value])


def _problem(parse: Callable[[Any], object], value: Any) -> str | None:
    """Where and how ``parse`` (a generated ``from_dict``) refuses ``value``, never showing the
    value; None when it parses. The path is found by parsing parts alone: a bad item only.

    Example::

        assert _problem(ScheduleUpdate.from_dict, {}) == "enabled: missing (required)"
    """
    if (error := _refusal(parse, value)) is None:
        return None
    path = ""
    # Down to the part that fails alone as the whole did, unless the container itself is
    # what fails (empty, it fails the same: a required field is missing).
    while isinstance(value, dict | list) and _refusal(parse, type(value)()) != error:
        for key, part in value.items() if isinstance(value, dict) else enumerate(value):
            if _refusal(inner := _inside(parse, type(value), key), part) == error:
                path += f"[{key}]" if isinstance(value, list) else f".{key}"
                parse, value = inner, part
                break
        else:
            break
    if missing := _MISSING.fullmatch(error):
        return f"{path}.{missing[1]}".lstrip(".") + ": missing (required)"
    kind, _, message = error.partition(": ")
    found = _GENERATED.fullmatch(message)
    how = found[1] if found else f"not of the form the spec gives ({kind})"
    return f"{path.lstrip('.') or 'the item'}: {how}"


_LISTS: Final[dict[str, ItemKind]] = {"assignments": "assignment", "summaries": "summary"}


def _checked_items(body: Any, items: Mapping[str, Iterable[Any]]) -> dict[ItemKind, list[Any]]:
    """The items as JSON objects, once each mapping is known to parse as its generated model
    (a model is taken as it is); else :class:`InvalidPushError` naming the first 20 bad ones,
    before anything is sent."""
    if not set(items) <= set(_LISTS) or not {*_LISTS, "final"} <= set(attrs.fields_dict(body)):
        raise DataSyncError(f"{body.__name__} changed: update datasync_grades to this spec")
    found: dict[ItemKind, list[Any]] = {}
    problems: list[str] = []
    for name, kind in _LISTS.items():
        parse = _inside(_inside(body.from_dict, dict, name), list, 0)
        found[kind] = []
        for index, item in enumerate(items.get(name, ())):
            found[kind].append(data := _as_dict(kind, index, item))
            if isinstance(item, Mapping) and (problem := _problem(parse, data)):
                what = _named(kind, index, (_item_id(kind, data) or "")[:80])
                problems.append(f"{what}: {problem}")
    if problems:
        shown = "; ".join(problems[:20]) + ("; ..." if len(problems) > 20 else "")
        message = f"{len(problems)} item(s) do not match the spec, nothing was sent: {shown}"
        raise InvalidPushError(message, tuple(problems[:20]), len(problems))
    return found


# -- checkpoints and locks -----------------------------------------------------------------


def _fspath(path: str | os.PathLike[str]) -> str:
    # os.fspath's own signature is generic over str and bytes, which mypy cannot pick from.
    return os.fspath(path)


@attrs.define(eq=False)
class MemoryCheckpoint:
    """A :class:`Checkpoint` in memory: pass the same one again to resume in this process.

    Example::

        checkpoint = MemoryCheckpoint()
        try:
            client.exchanges.push_data(exchange, assignments=rows, checkpoint=checkpoint)
        except UploadError:  # later: only the chunks not stored yet are sent
            client.exchanges.push_data(exchange, assignments=rows, checkpoint=checkpoint)
    """

    state: dict[str, Any] | None = attrs.field(default=None, repr=False)

    def load(self) -> dict[str, Any] | None:
        return self.state

    def save(self, state: dict[str, Any]) -> None:
        self.state = state

    def clear(self) -> None:
        self.state = None


def _private(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)


@attrs.define(eq=False)
class FileCheckpoint:
    """A :class:`Checkpoint` in a JSON file of mode 0600, written as ``Artifact.save`` writes
    (a temporary ``.partial`` file beside it, fsynced and renamed over ``path``; what a killed
    write left is removed by the next). While a push uses it, ``path + ".lock"`` is locked
    (``flock``): another process pushing with it is refused. A push that stored every chunk
    removes its files; a kill at any moment leaves nothing the next push trips on.

    Example::

        client.exchanges.push_data(exchange, assignments=rows, checkpoint=FileCheckpoint(path))
    """

    path: str = attrs.field(converter=_fspath)

    def load(self) -> dict[str, Any] | None:
        try:
            with open(self.path, "rb") as file:
                state = json.loads(file.read(4096))  # ~200 bytes: a longer file is no checkpoint
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as exc:
            raise CheckpointError(f"{self!r} cannot be read: {type(exc).__name__}") from exc
        return state if isinstance(state, dict) else {}

    def save(self, state: dict[str, Any]) -> None:
        with _temporary_beside(self.path) as file:  # the one atomic write: Artifact.save's
            file.write(json.dumps(state).encode())
            _commit(file, self.path)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold ``path + ".lock"`` (``flock``, POSIX), or raise :class:`ConcurrentPushError`."""
        with open(self.path + ".lock", "ab", opener=_private) as file:
            held = False
            with contextlib.suppress(BlockingIOError, FileNotFoundError):
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                # A push that just finished removed the file it locked: then ours is another.
                held = os.path.samestat(os.fstat(file.fileno()), os.stat(file.name))
            if not held:
                raise ConcurrentPushError(f"another process pushes with {self!r}")
            yield
            os.unlink(file.name)  # while still locked: the next push makes a new one


_PUSHING: dict[str, object] = {}  # the exchanges being pushed in this process, by push


@contextlib.contextmanager
def _only_push_of(exchange: str, checkpoint: Checkpoint) -> Iterator[None]:
    if _PUSHING.setdefault(exchange, me := object()) is not me:  # atomic: one thread wins
        raise ConcurrentPushError(f"exchange {exchange} is being pushed in this process")
    try:  # a FileCheckpoint is locked across processes too (not POSIX: alone in its process)
        lock = checkpoint.lock() if isinstance(checkpoint, FileCheckpoint) and fcntl else None
        with lock or contextlib.nullcontext():
            yield
    finally:
        del _PUSHING[exchange]


def _state(key: dict[str, str], stored: int, in_flight: bool) -> dict[str, Any]:
    """What a push saves: ``key`` (its exchange and plan), the chunks stored, the one in flight."""
    return {**key, "stored": stored, "in_flight": stored if in_flight else None}


def _resume(checkpoint: Checkpoint, key: dict[str, str], total: int) -> tuple[int, int | None]:
    """The chunks a checkpoint says are stored, and the one in flight when it was saved (sent
    again: it may be stored twice); :class:`CheckpointError` for anything but a state this
    plan's pushes save (the final chunk sent early, ``"stored": -2``, or a chunk of another
    plan, never resumed by index). Nothing, or another exchange's push: start afresh."""
    saved, mine = checkpoint.load(), key["exchange"]
    other = saved.get("exchange") if isinstance(saved, dict) else None  # (not a dict: refused)
    if saved is None or (isinstance(other, str) and other != mine):
        return 0, None
    valid = [_state(key, n, f) for n in range(total + 1) for f in (False, n < total)]
    if saved not in valid or any(type(v) not in (str, int, type(None)) for v in saved.values()):
        # (True == 1 and 1.0 == 1: a bool or a float is no count.)
        what = f"{checkpoint!r} holds no state of this plan for exchange {mine}"
        raise CheckpointError(f"{what}: its items or max_bytes changed, or it is no push's")
    stored, in_flight = saved["stored"], saved["in_flight"]
    if in_flight is not None:
        logger.warning(
            "chunk %d of exchange %s, in flight, is resent: may store it twice", in_flight + 1, mine
        )
    return stored, in_flight


# -- sending -------------------------------------------------------------------------------


async def apush(
    client: Sender, endpoint: ModuleType, params: dict[str, Any], **options: Any
) -> PushResult:
    """Check the items, plan every chunk, then send them in order; see the module docstring.
    ``options``: the engine's ``items`` (``{"assignments": ..., "summaries": ...}``), ``body``
    (the generated model of a chunk), ``limit`` (the endpoint and field giving ``max_bytes``
    when it is None), ``max_bytes``, ``on_progress``, ``checkpoint``.

    ``{"stored": n, "in_flight": n}`` is saved in the checkpoint (a new
    :class:`MemoryCheckpoint` if none is given) before chunk n is sent, and ``{"stored": n +
    1, "in_flight": null}`` once it is stored, before ``on_progress`` hears of it; the
    checkpoint is cleared after the last. A push started again with it (after an error, or
    in a new process after a kill) sends only the chunks not stored, chunk n again at most,
    and says so (``possibly_duplicated``). The state is keyed to the plan (a SHA-256 of
    every chunk body): other items or another ``max_bytes`` are refused, never resumed.
    """
    items = _checked_items(options["body"], options["items"])  # before any request
    checkpoint = MemoryCheckpoint() if options["checkpoint"] is None else options["checkpoint"]
    exchange, max_bytes = str(params.get("id")), options["max_bytes"]
    with _only_push_of(exchange, checkpoint):
        if max_bytes is None:
            limit, field = options["limit"]
            found = parse(limit, await client.request(limit._get_kwargs(**params)), client.redactor)
            max_bytes = getattr(getattr(found, "data", None), field, None)
            if type(max_bytes) is not int or max_bytes < _ENVELOPE:
                why = f"{field} ({max_bytes!r:.40}; an empty chunk is {_ENVELOPE} bytes)"
                raise ResponseValidationError(f"no usable {why}: pass max_bytes=")
        chunks = plan_chunks(items["assignment"], items["summary"], max_bytes=max_bytes)
        digest, total = hashlib.sha256(), len(chunks)
        for chunk in chunks:  # one body at a time: no second copy of all the data
            digest.update(chunk.body())
        key = {"exchange": exchange, "plan": digest.hexdigest()}

        async def save(stored: int, in_flight: bool = False) -> None:
            """Record how far the push got; a failed write (a full disk) is a CheckpointError."""
            try:
                if isinstance(checkpoint, FileCheckpoint):  # fsync: off the event loop
                    await client.offload(checkpoint.save, _state(key, stored, in_flight))
                else:  # it may be bound to this thread (a sqlite connection)
                    checkpoint.save(_state(key, stored, in_flight))
            except (OSError, DataSyncError) as exc:  # (a FileCheckpoint's is an ArtifactError)
                message = f"{checkpoint!r} could not be written ({stored} chunks accepted): {exc}"
                raise CheckpointError(message, chunks_accepted=stored, chunks_total=total) from exc

        start, duplicated = _resume(checkpoint, key, total)
        # The generated request (method, path, headers), with the planned bytes as content.
        request = {**endpoint._get_kwargs(**params, body=options["body"]()), "json": None}
        ids: list[UUID | None] = []
        request_ids: list[str | None] = []
        for number in range(start, total):
            await save(number, in_flight=True)
            try:
                response = await client.request({**request, "content": chunks[number].body()})
                parsed = parse(endpoint, response, client.redactor)
            except DataSyncError as exc:
                # A 2xx whose body could not be read still stored the chunk: do not send it again.
                accepted = number + (200 <= (getattr(exc, "status_code", None) or 0) < 300)
                await save(accepted, in_flight=accepted == number)
                message = f"chunk {number + 1} of {total} failed ({accepted} accepted): {exc}"
                raise UploadError(message, chunks_accepted=accepted, chunks_total=total) from exc
            chunk_id = getattr(getattr(parsed, "data", None), "id", None)
            ids.append(chunk_id if isinstance(chunk_id, UUID) else None)
            request_ids.append(request_id_of(response.headers))
            await save(number + 1)
            event = ChunkStored(number, total, chunks[number].size, ids[-1])
            logger.debug("stored: %s", event)
            if options["on_progress"] is not None:
                options["on_progress"](event)
        with contextlib.suppress(OSError):  # every chunk is stored: nothing to lose now
            checkpoint.clear()
    sent = chunks[start:]
    done = sum(chunk.assignments_completed for chunk in sent)
    summaries, scores = sum(c.summaries for c in sent), sum(c.scores for c in sent)
    counts = len(sent), total, done, summaries, scores, tuple(ids), duplicated
    return PushResult(*counts, tuple(request_ids))
