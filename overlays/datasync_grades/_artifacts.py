"""Artifacts: the files the API serves (gzip JSON details and logs, CSV reports), streamed.

A binary operation's method returns an :class:`Artifact` (or :class:`AsyncArtifact`); nothing
is sent until it is read. Gzip is found by its magic bytes, layer after layer; a plain body
must look like the expected format (JSON: ``{`` or ``[``; CSV: anything but ``<``). Every
layer's output, and the bytes on the wire, count against ``max_bytes``: in-memory reads
default to 256 MiB, streams (``iter_bytes``, ``iter_items``) and saves to 4 GiB. A 404 ("not
produced": ``artifact_not_available``, or no code at all) gives ``None`` from ``read``/``json``/
``rows``/``column``/``save`` (no file is created); one whose code is ``not_found`` (no such
exchange or batch) raises ``NotFoundError``, as the streams do for any 404 when first iterated.

Each method is written once, as the async one; the sync class drives the same coroutine
(``run_sync``/``iterate_sync``), whose steps never suspend under a sync client.

Example::

    details = client.artifacts.get_exchange_details(exchange_id).json()   # None on a 404
    for assignment in client.artifacts.get_exchange_details(exchange_id).iter_items():
        ...
    written = client.artifacts.get_exchange_consumer_logs(exchange_id).save("logs.json")
    rows = client.batch_exchanges.get_course_ids_report(batch_id).rows()
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import glob
import io
import json
import os
import re
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from types import ModuleType
from typing import IO, Any

from ._client import Sender, iterate_sync, json_values_within, run_sync
from ._exceptions import ArtifactError, NotFoundError
from ._parsing import operation_name

try:
    import fcntl as fcntl  # (as: also for _upload)
except ImportError:  # not on Windows: stale .partial files stay there
    fcntl = None  # type: ignore[assignment]

__all__ = ["Artifact", "AsyncArtifact"]

DEFAULT_MAX_BYTES = 4 * 1024**3
# In-memory reads; also the largest item ``iter_items`` holds.
DEFAULT_MAX_MEMORY_BYTES = 256 * 1024**2
DEFAULT_CHUNK_SIZE = 64 * 1024
# The values ``json()`` (or one item) may parse into: at most ~72 bytes each (``[[],[],...]``).
MAX_JSON_VALUES = 8_000_000
_JSON = json.JSONDecoder()
_NUMBER = "0123456789.eE+-"  # what may follow a number's text and still be part of it
_NOT_SPACE = re.compile(r"[^ \t\n\r]")

PathLike = str | os.PathLike[str]


def _sizes(max_bytes: int | None, default: int, chunk_size: int | None = None) -> tuple[int, int]:
    """The sizes a read uses, checked now: a bad one fails before anything is sent."""
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    if size < 1 or (max_bytes is not None and max_bytes < 0):
        raise ValueError(f"chunk_size must be >= 1 and max_bytes >= 0, got {size}, {max_bytes}")
    return default if max_bytes is None else max_bytes, size


def _column(rows: list[list[str]], names: Iterable[str]) -> list[str]:
    wanted = {name.lower() for name in names}
    header = [c.strip().lower().replace("-", "_").replace(" ", "_") for c in next(iter(rows), [])]
    at = next((i for i, cell in enumerate(header) if cell in wanted), None)
    cells = (row[at or 0].strip() for row in rows[at is not None :] if len(row) > (at or 0))
    return [cell for cell in cells if cell]


class AsyncArtifact:
    """A file an operation serves, read asynchronously; see the module docstring. Reusable:
    each read sends anew. Close a stream left early (``contextlib.aclosing``)."""

    def __init__(self, client: Sender, endpoint: ModuleType, params: dict[str, Any], media: str):
        self._client = client
        self._kwargs = endpoint._get_kwargs(**params)
        self._csv = "csv" in media  # the body's plain (not gzip) form
        method, url = str(self._kwargs.get("method", "get")).upper(), self._kwargs.get("url", "")
        self._source = f"{operation_name(endpoint)} {method} {url}"

    def iter_bytes(
        self, *, chunk_size: int | None = None, max_bytes: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        """The decompressed bytes in chunks of at most ``chunk_size``; NotFoundError on a 404."""
        return self._pieces(*_sizes(max_bytes, DEFAULT_MAX_BYTES, chunk_size))

    def iter_items(
        self, *, member: str | None = None, max_bytes: int | None = None
    ) -> AsyncGenerator[Any, None]:
        """The items of a JSON artifact one by one, holding one item at a time (at most
        ``DEFAULT_MAX_MEMORY_BYTES``); NotFoundError on a 404, nothing for an empty file.

        Each top-level value (one, or one per line in JSON lines) gives: an array, its items;
        an object, the items of its array member ``member`` (default: its first array-valued
        member; the members before it are held) or, with no such member, itself; any other
        value, itself. ``for a in artifact.iter_items(member="summaries"): ...``
        """
        return self._items(member, self._pieces(*_sizes(max_bytes, DEFAULT_MAX_BYTES)))

    async def read(self, *, max_bytes: int | None = None) -> bytes | None:
        """The whole decompressed file, or None on a 404."""
        pieces = self._pieces(*_sizes(max_bytes, DEFAULT_MAX_MEMORY_BYTES))
        try:  # (the comprehension drives the stream to its end, which closes it)
            return b"".join([piece async for piece in pieces])
        except NotFoundError as exc:
            if exc.code == "not_found":  # no such exchange or batch (else: not produced)
                raise
            return None

    async def json(self, *, max_bytes: int | None = None) -> Any:
        """The file parsed as JSON, or as CSV rows (blank ones skipped) for a report (its media
        type says which); None on a 404."""
        data = await self.read(max_bytes=max_bytes)
        return None if data is None else self._parse(data)

    rows = json  # the same parse: a report's rows

    async def column(self, *names: str, max_bytes: int | None = None) -> list[str] | None:
        """A CSV column's values: the one headed by one of ``names`` (any case), else the
        first column of every row when the first row is no such header; None on a 404."""
        rows = await self.rows(max_bytes=max_bytes)
        return None if rows is None else _column(rows, names)

    async def save(self, path: PathLike, *, max_bytes: int | None = None) -> int | None:
        """Write the decompressed file to ``path`` atomically (temporary file, mode 0600, fsync,
        rename); the bytes written, or None on a 404, when no file is created. An async
        client writes each chunk from the event loop and fsyncs in a worker thread."""
        limit, size = _sizes(max_bytes, DEFAULT_MAX_BYTES)
        async with contextlib.aclosing(self._pieces(limit, size)) as pieces:
            try:
                first = await anext(pieces, b"")  # settles status and format before any file
            except NotFoundError as exc:
                if exc.code == "not_found":  # no such exchange or batch (else: not produced)
                    raise
                return None
            with _temporary_beside(path) as file:
                file.write(first)
                async for piece in pieces:
                    file.write(piece)
                written = file.tell()
                await self._client.offload(_commit, file, path)
            return written

    def _pieces(self, max_bytes: int, chunk_size: int) -> AsyncGenerator[bytes, None]:
        """The decoded body: the client's send path, then its one decoder of bodies."""
        return self._client.body(
            self._kwargs,  # sent when first iterated
            max_bytes=max_bytes,
            chunk_size=chunk_size,
            kind="CSV" if self._csv else "JSON",
            source=self._source,
        )

    def _parse(self, data: bytes) -> Any:
        if self._csv:
            try:
                rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
                return [row for row in rows if any(cell.strip() for cell in row)]
            except (UnicodeDecodeError, csv.Error) as exc:
                raise ArtifactError(f"{self._source}: not a UTF-8 CSV report: {exc}") from exc
        if not json_values_within(data, MAX_JSON_VALUES):
            raise ArtifactError(f"{self._source}: more than {MAX_JSON_VALUES} JSON values")
        try:
            return json.loads(data)
        except (ValueError, RecursionError, MemoryError) as exc:
            error = ArtifactError(f"{self._source}: the artifact is not valid JSON: {exc!r:.200}")
        raise error  # outside the except block: the parser's frames are freed

    async def _items(
        self, member: str | None, pieces: AsyncGenerator[bytes, None]
    ) -> AsyncGenerator[Any, None]:
        async with contextlib.aclosing(pieces):
            text = _Text(pieces, self._source)
            while start := await text.peek():
                if start == "[":
                    async for _ in text.each("[]"):
                        yield await text.value()
                elif start != "{":
                    yield await text.value()
                else:
                    held: dict[str, Any] | None = {}  # None once the member is streamed
                    async for _ in text.each("{}"):
                        if not isinstance(key := await text.value(), str):
                            raise text.invalid("an object's key is not a string")
                        await text.peek(":")
                        if held is not None and member in (None, key) and await text.peek() == "[":
                            async for _ in text.each("[]"):
                                yield await text.value()
                            held = None
                        elif held is None:
                            await text.value()  # a member after the one streamed
                        else:
                            held[key] = await text.value()
                    if held is not None:
                        yield held


class _Text:
    """An artifact's text, read only as far ahead as the value being parsed needs. A value is
    taken once a character after it has come that cannot continue it, or at the end: a number
    cut in a chunk's end (``-1.`` of ``-1.5``) is never taken short. A value not whole yet is
    tried again when the text past it has doubled, so a large item costs linear time."""

    def __init__(self, pieces: AsyncIterator[bytes], source: str) -> None:
        self.pieces, self.source = pieces, source
        self.utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.pos, self.end = "", 0, False

    def invalid(self, problem: object) -> ArtifactError:
        return ArtifactError(f"{self.source}: the artifact is not valid JSON: {problem!s:.200}")

    async def fill(self, want: int) -> None:
        """Read until ``want`` characters wait past ``pos``, or the end."""
        parts = [self.text[self.pos :]]
        have = len(parts[0])
        while have < want and not self.end:
            if have > DEFAULT_MAX_MEMORY_BYTES:
                raise ArtifactError(f"{self.source}: an item over {DEFAULT_MAX_MEMORY_BYTES} bytes")
            piece = await anext(self.pieces, None)
            self.end = piece is None
            try:
                parts.append(self.utf8.decode(piece or b"", final=self.end))
            except UnicodeDecodeError as exc:
                raise self.invalid(exc) from None
            have += len(parts[-1])
        self.text, self.pos = "".join(parts), 0
        if have > MAX_JSON_VALUES and sum(map(self.text.count, ",[{")) > MAX_JSON_VALUES:
            raise ArtifactError(f"{self.source}: an item of over {MAX_JSON_VALUES} JSON values")

    async def peek(self, take: str = "") -> str:
        """The next character past whitespace ("" at the end); with ``take``, it must be one
        of those, and is taken."""
        while (found := _NOT_SPACE.search(self.text, self.pos)) is None and not self.end:
            self.pos = len(self.text)
            await self.fill(1)
        self.pos = len(self.text) if found is None else found.start()
        char = self.text[self.pos : self.pos + 1]
        if take and (not char or char not in take):
            raise self.invalid(f"expected one of {take!r}, got {char or 'the end'!r}")
        self.pos += 1 if take else 0
        return char

    async def value(self) -> Any:
        await self.peek()
        while True:
            try:
                value, end = _JSON.raw_decode(self.text, self.pos)
                if self.end or self.text[end : end + 1] not in _NUMBER:  # "" (not yet) is in
                    self.pos = end
                    return value
            except (ValueError, RecursionError, MemoryError) as exc:  # 5,000 digits, nesting...
                if self.end or not isinstance(exc, json.JSONDecodeError):  # (not yet whole)
                    raise self.invalid(f"{type(exc).__name__}: {exc}") from None
            await self.fill(2 * (len(self.text) - self.pos))  # twice what was tried

    async def each(self, pair: str) -> AsyncGenerator[None, None]:
        """Stop at each element of the array or object opening here (``pair``: "[]", "{}")."""
        await self.peek(pair[0])
        sep = "," if await self.peek() != pair[1] else await self.peek(pair[1])
        while sep == ",":  # an element follows
            yield
            sep = await self.peek("," + pair[1])


def _blocking(name: str) -> Callable[..., Any]:
    """The sync method ``name``: the async one's coroutine (or stream), driven under the sync
    sender, whose steps never suspend."""

    def method(self: Artifact, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self._async, name)(*args, **kwargs)  # (arguments checked now)
        return iterate_sync(result) if isinstance(result, AsyncGenerator) else run_sync(result)

    return functools.update_wrapper(method, getattr(AsyncArtifact, name))  # its docstring


class Artifact:
    """A file an operation serves; see :class:`AsyncArtifact`, whose methods these run."""

    def __init__(self, artifact: AsyncArtifact) -> None:
        self._async = artifact

    read, json, rows, column, save, iter_bytes, iter_items = map(
        _blocking, ("read", "json", "rows", "column", "save", "iter_bytes", "iter_items")
    )


# -- atomic files -------------------------------------------------------------------------


@contextlib.contextmanager
def _temporary_beside(path: PathLike) -> Iterator[IO[bytes]]:
    """A new temporary file (mode 0600) beside ``path``, removed if the block raises; an
    ``OSError`` (a full disk) becomes ``ArtifactError``. Files a killed writer left are removed
    first: each writer holds a lock on its file, which ends with its process."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    prefix = f".{os.path.basename(target)[:100]}."
    try:
        stale = os.path.join(glob.escape(directory), glob.escape(prefix) + "*.partial")
        for name in glob.glob(stale) if fcntl is not None else ():
            with contextlib.suppress(OSError), open(name, "rb") as old:
                fcntl.flock(old.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while written
                os.unlink(name)
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by _commit, or below)
            "wb", prefix=prefix, suffix=".partial", dir=directory, delete=False
        )
        try:
            if fcntl is not None:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            yield file
        except BaseException:
            file.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(file.name)
            raise
    except OSError as exc:  # raised here, or in the block: a full disk
        raise ArtifactError(f"could not write {target}: {exc}") from None


def _commit(file: IO[bytes], path: PathLike) -> None:
    """Make the temporary ``file`` the file at ``path``, durably."""
    file.flush()
    os.fsync(file.fileno())
    file.close()
    os.replace(file.name, path)
    # Make the rename itself durable, where the platform allows it: Windows and some
    # filesystems refuse to open or fsync a directory, and the file's data is synced already.
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
