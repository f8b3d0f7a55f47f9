"""Artifacts: the files the API serves (gzip JSON details and logs, CSV reports), streamed.

A binary operation's method returns an :class:`Artifact` (or :class:`AsyncArtifact`); nothing
is sent until it is read. Gzip is found by its magic bytes, layer after layer; a plain body
must look like the expected format (JSON: ``{`` or ``[``; CSV: anything but ``<``). Every
layer's output counts against ``max_bytes``: in-memory reads default to 256 MiB, streams and
saves to 4 GiB. A 404 ("not produced") gives ``None`` from ``read``/``json``/``rows``/
``save`` (no file is created) and ``NotFoundError`` from ``iter_bytes``.

Example::

    details = client.artifacts.get_exchange_details(exchange_id).json()   # None on a 404
    written = client.artifacts.get_exchange_consumer_logs(exchange_id).save("logs.json")
    rows = client.batch_exchanges.get_course_ids_report(batch_id).rows()
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io
import itertools
import json
import os
import tempfile
from collections.abc import AsyncGenerator, Callable, Generator, Iterable, Iterator
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any

from ._client import iterate_sync, json_values_within, wire_codings
from ._exceptions import ArtifactError, NotFoundError, connection_error
from ._gzip_stream import (
    JSON_START,
    MAX_GZIP_LAYERS,
    BodyDecoder,
    check_sizes,
    unsupported,
)
from ._http import httpx
from ._parsing import operation_name
from ._redact import escape_controls

if TYPE_CHECKING:
    from ._client import AsyncSender, SyncSender

try:
    import fcntl
except ImportError:  # not on Windows: stale .partial files stay there
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MEMORY_BYTES",
    "Artifact",
    "AsyncArtifact",
]

DEFAULT_MAX_BYTES = 4 * 1024**3
DEFAULT_MAX_MEMORY_BYTES = 256 * 1024**2
DEFAULT_CHUNK_SIZE = 64 * 1024
# The values ``json()`` may parse into: at most ~72 bytes each in memory (``[[],[],...]``).
MAX_JSON_VALUES = 8_000_000

PathLike = str | os.PathLike[str]


def _not_markup(byte: int) -> bool:
    """A report's first byte: anything but "<" (an HTML or XML page, a proxy's or a login
    form's, is not a report)."""
    return byte != ord("<")


class _Request:
    """One artifact request: its generated arguments and how to decode its body."""

    def __init__(
        self,
        client: SyncSender | AsyncSender,
        endpoint: ModuleType,
        params: dict[str, Any],
        media_type: str,
    ) -> None:
        self.client = client
        self.kwargs = endpoint._get_kwargs(**params)
        # What the body's plain (not gzip) form is, and how to recognise its first byte.
        self.csv = "csv" in media_type
        self.kind = "CSV" if self.csv else "JSON"
        self.accept: Callable[[int], bool] = _not_markup if self.csv else JSON_START.__contains__
        name = operation_name(endpoint)
        url = self.kwargs.get("url", "")
        self.source = f"{name} {str(self.kwargs.get('method', 'get')).upper()} {url}"

    def decoder(self, response: httpx.Response, max_bytes: int, chunk_size: int) -> BodyDecoder:
        """The decoder of the raw body: gzip (by its magic bytes) peeled with a bound; any
        Content-Encoding but gzip refused (httpx would decode it without one)."""
        codings = wire_codings(response)
        received = response.headers.get("content-type", "")[:100] or "no content type"
        if codings:
            received += f" (content-encoding {', '.join(codings)[:100]})"
        received = escape_controls(received)  # the server's words reach str(exc) and logs
        if (problem := unsupported(codings)) is not None:
            raise ArtifactError(f"{self.source}: {received}: {problem}")
        return BodyDecoder(
            kind=self.kind,
            accept=self.accept,
            max_bytes=max_bytes,
            chunk_size=chunk_size,
            max_gzip_layers=MAX_GZIP_LAYERS + len(codings),
            source=self.source,
            received=received,
        )

    def failed(self, exc: Exception) -> Exception:
        if isinstance(exc, httpx.RequestError):
            return connection_error(exc, self.client.redactor)
        return ArtifactError(f"{self.source}: the body could not be read: {type(exc).__name__}")

    def parse(self, data: bytes) -> Any:
        if self.csv:
            try:
                rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
                return [row for row in rows if any(cell.strip() for cell in row)]
            except UnicodeDecodeError as exc:
                raise ArtifactError(f"{self.source}: the report is not UTF-8: {exc}") from exc
            except csv.Error as exc:
                raise ArtifactError(f"{self.source}: the report is not valid CSV: {exc}") from exc
        if not data or data.isspace():  # (not strip(): that would copy up to max_bytes)
            raise ArtifactError(f"{self.source}: the artifact is empty, not JSON")
        if not json_values_within(data, MAX_JSON_VALUES):
            raise ArtifactError(f"{self.source}: more than {MAX_JSON_VALUES} JSON values")
        try:
            return json.loads(data)
        except (ValueError, RecursionError, MemoryError) as exc:
            error = ArtifactError(f"{self.source}: the artifact is not valid JSON: {exc!r:.200}")
        raise error


def _sizes(max_bytes: int | None, chunk_size: int | None, default: int) -> tuple[int, int]:
    """The sizes a read uses, checked now: a bad one fails before anything is sent."""
    size = DEFAULT_CHUNK_SIZE if chunk_size is None else chunk_size
    limit = default if max_bytes is None else max_bytes
    check_sizes(limit, size)
    return limit, size


def _column(rows: list[list[str]], names: Iterable[str]) -> list[str]:
    wanted = {name.lower() for name in names}
    first = rows[0] if rows else []
    header = [cell.strip().lower().replace("-", "_").replace(" ", "_") for cell in first]
    index = next((i for i, cell in enumerate(header) if cell in wanted), None)
    body = rows[1:] if index is not None else rows
    index = index or 0
    return [row[index].strip() for row in body if index < len(row) and row[index].strip()]


class _Artifact:
    def __init__(self, request: _Request) -> None:
        self._request = request

    async def _pieces(self, max_bytes: int, chunk_size: int) -> AsyncGenerator[bytes, None]:
        """The decoded body, written once for both clients: every I/O is a step of the
        client's send path (a sync client's never suspend)."""
        request, client = self._request, self._request.client
        response = await client.request(request.kwargs, True)  # non-2xx raised
        error: Exception | None = None
        try:
            decoder = request.decoder(response, max_bytes, chunk_size)
            if response.is_stream_consumed:  # read already (see wire_codings)
                for piece in decoder.feed(response.content):
                    yield piece
            else:
                chunks = await client._step("chunks", response, None)
                while (data := await client._step("next", chunks, None)) is not None:
                    for start in range(0, len(data), chunk_size):  # at most chunk_size a feed
                        for piece in decoder.feed(data[start : start + chunk_size]):
                            yield piece
            for piece in decoder.finish():
                yield piece
        except (httpx.RequestError, MemoryError, RecursionError) as exc:
            error = request.failed(exc)
        finally:
            await client._step("close", response, None)
        if error is not None:
            raise error  # outside the except block: no httpx exception as its context


class Artifact(_Artifact):
    """A file an operation serves; see the module docstring. Reusable: each read sends anew."""

    def iter_bytes(
        self, *, chunk_size: int | None = None, max_bytes: int | None = None
    ) -> Iterator[bytes]:
        """The decompressed bytes in chunks of at most ``chunk_size``; NotFoundError on a 404."""
        return self._stream(*_sizes(max_bytes, chunk_size, DEFAULT_MAX_BYTES))

    def read(self, *, max_bytes: int | None = None) -> bytes | None:
        """The whole decompressed file, or None on a 404."""
        # No closing() needed: join() drives the stream to its end, and whatever stops it
        # early is raised inside it, which finishes it (and closes the response).
        try:
            return b"".join(self._stream(*_sizes(max_bytes, None, DEFAULT_MAX_MEMORY_BYTES)))
        except NotFoundError:
            return None

    def json(self, *, max_bytes: int | None = None) -> Any:
        """The file parsed as JSON, or None on a 404."""
        data = self.read(max_bytes=max_bytes)
        return None if data is None else self._request.parse(data)

    def rows(self, *, max_bytes: int | None = None) -> list[list[str]] | None:
        """The file parsed as CSV (blank rows skipped), or None on a 404."""
        data = self.read(max_bytes=max_bytes)
        return None if data is None else self._request.parse(data)

    def column(self, *names: str, max_bytes: int | None = None) -> list[str] | None:
        """A CSV column's values: the one headed by one of ``names`` (any case), else the
        first column of every row when the first row is no such header; None on a 404."""
        rows = self.rows(max_bytes=max_bytes)
        return None if rows is None else _column(rows, names)

    def save(self, path: PathLike, *, max_bytes: int | None = None) -> int | None:
        """Write the decompressed file to ``path`` atomically (temporary file, mode 0600, fsync,
        rename); the bytes written, or None on a 404, when no file is created."""
        limit, size = _sizes(max_bytes, None, DEFAULT_MAX_BYTES)
        with contextlib.closing(self._stream(limit, size)) as pieces:
            try:
                first = next(pieces, b"")  # settles status and format before any file exists
            except NotFoundError:
                return None
            return _write_atomically(path, first, pieces)

    def _stream(self, max_bytes: int, chunk_size: int) -> Generator[bytes, None, None]:
        return iterate_sync(self._pieces(max_bytes, chunk_size))


class AsyncArtifact(_Artifact):
    """The async :class:`Artifact`. Close ``iter_bytes()`` when leaving it early
    (``contextlib.aclosing``)."""

    def iter_bytes(
        self, *, chunk_size: int | None = None, max_bytes: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        return self._pieces(*_sizes(max_bytes, chunk_size, DEFAULT_MAX_BYTES))

    async def read(self, *, max_bytes: int | None = None) -> bytes | None:
        limit, size = _sizes(max_bytes, None, DEFAULT_MAX_MEMORY_BYTES)
        try:  # (as in Artifact.read, the comprehension drives the stream to its end)
            return b"".join([piece async for piece in self._pieces(limit, size)])
        except NotFoundError:
            return None

    async def json(self, *, max_bytes: int | None = None) -> Any:
        data = await self.read(max_bytes=max_bytes)
        return None if data is None else self._request.parse(data)

    async def rows(self, *, max_bytes: int | None = None) -> list[list[str]] | None:
        data = await self.read(max_bytes=max_bytes)
        return None if data is None else self._request.parse(data)

    async def column(self, *names: str, max_bytes: int | None = None) -> list[str] | None:
        rows = await self.rows(max_bytes=max_bytes)
        return None if rows is None else _column(rows, names)

    async def save(self, path: PathLike, *, max_bytes: int | None = None) -> int | None:
        """The async :meth:`Artifact.save`: chunks are written from the event loop (each at most
        64 KiB); the fsync and rename run in a worker thread."""
        limit, size = _sizes(max_bytes, None, DEFAULT_MAX_BYTES)
        async with contextlib.aclosing(self._pieces(limit, size)) as pieces:
            try:
                first = await anext(pieces, b"")
            except NotFoundError:
                return None
            with _temporary_beside(path) as file:
                file.write(first)
                async for piece in pieces:
                    file.write(piece)
                written = file.tell()
                await self._request.client.offload(_commit, file, path)
            return written


# -- atomic files -------------------------------------------------------------------------


@contextlib.contextmanager
def _temporary_beside(path: PathLike) -> Iterator[IO[bytes]]:
    """A new temporary file (mode 0600) beside ``path``, removed if the block raises; an
    ``OSError`` (a full disk) becomes ``ArtifactError``. Files a killed writer left are removed
    first: each writer holds a lock on its file, which ends with its process."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    prefix = f".{os.path.basename(target)[:100]}."
    error: ArtifactError | None = None
    try:
        _remove_stale(os.path.join(glob.escape(directory), glob.escape(prefix) + "*.partial"))
        file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed by the with below)
            "wb", prefix=prefix, suffix=".partial", dir=directory, delete=False
        )
        if fcntl is not None:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        error = ArtifactError(f"could not write beside {target}: {exc}")
    if error is not None:
        raise error
    with file:
        try:
            yield file
        except BaseException as exc:
            file.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(file.name)
            if not isinstance(exc, OSError):
                raise
            error = ArtifactError(f"could not write {target}: {exc}")
    if error is not None:
        raise error


def _remove_stale(pattern: str) -> None:
    if fcntl is None:
        return
    for name in glob.glob(pattern):
        with contextlib.suppress(OSError), open(name, "rb") as stale:
            fcntl.flock(stale.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while it is written
            os.unlink(name)


def _commit(file: IO[bytes], path: PathLike) -> None:
    """Make the temporary ``file`` the file at ``path``, durably."""
    file.flush()
    os.fsync(file.fileno())
    file.close()
    os.replace(file.name, path)
    # Make the rename itself durable, where the platform allows it; some filesystems
    # refuse to fsync a directory, and the file's data is synced already.
    if os.name == "posix":
        with contextlib.suppress(OSError):
            fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _write_atomically(path: PathLike, first: bytes, rest: Iterable[bytes]) -> int:
    """Write ``first`` and then ``rest`` to ``path`` atomically; the bytes written."""
    with _temporary_beside(path) as file:
        file.writelines(itertools.chain([first], rest))
        written = file.tell()
        _commit(file, path)
    return written
