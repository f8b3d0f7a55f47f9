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

import asyncio
import contextlib
import csv
import io
import itertools
import json
import os
import tempfile
from collections.abc import AsyncGenerator, Callable, Generator, Iterable, Iterator
from types import ModuleType
from typing import IO, Any

import httpx

from datasync_grades_api.client import AuthenticatedClient, Client

from ._exceptions import ArtifactError, NotFoundError, connection_error
from ._gzip_stream import (
    JSON_START,
    MAX_GZIP_LAYERS,
    BodyDecoder,
    check_sizes,
    content_codings,
    raw_gzip_layers,
)
from ._parsing import operation_name
from ._redact import Redactor

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

PathLike = str | os.PathLike[str]


def _not_markup(byte: int) -> bool:
    """A report's first byte: anything but "<" (an HTML or XML page, a proxy's or a login
    form's, is not a report)."""
    return byte != ord("<")


class _Request:
    """One artifact request: its httpx arguments and how to decode its body."""

    def __init__(
        self,
        client: AuthenticatedClient | Client,
        endpoint: ModuleType,
        params: dict[str, Any],
        media_type: str,
    ) -> None:
        kwargs: dict[str, Any] = dict(endpoint._get_kwargs(**params))
        # Only gzip (or nothing) on the wire: the decoder peels gzip with its bound, whereas
        # httpx would decode br, zstd or deflate itself, a whole network chunk at a time.
        kwargs["headers"] = {**(kwargs.get("headers") or {}), "Accept-Encoding": "gzip"}
        self.client = client
        self.kwargs = kwargs
        # What the body's plain (not gzip) form is, and how to recognise its first byte.
        self.csv = "csv" in media_type
        self.kind = "CSV" if self.csv else "JSON"
        self.accept: Callable[[int], bool] = _not_markup if self.csv else JSON_START.__contains__
        name = operation_name(endpoint)
        self.source = f"{name} {str(kwargs.get('method', 'get')).upper()} {kwargs.get('url', '')}"

    def decoder(
        self, response: httpx.Response, max_bytes: int, chunk_size: int
    ) -> tuple[BodyDecoder, bool]:
        """The body decoder, and whether to read the body raw (gzip codings peeled by it)."""
        codings = content_codings(response.headers)
        # Otherwise httpx decodes the body (iter_bytes() hands out what it kept or decoded).
        layers = raw_gzip_layers(response)
        received = response.headers.get("content-type") or "no content type"
        if codings:
            received += f" (content-encoding {', '.join(codings)})"
        decoder = BodyDecoder(
            kind=self.kind,
            accept=self.accept,
            max_bytes=max_bytes,
            chunk_size=chunk_size,
            max_gzip_layers=MAX_GZIP_LAYERS if layers is None else max(MAX_GZIP_LAYERS, 1 + layers),
            source=self.source,
            received=received,
        )
        return decoder, layers is not None

    def failed(self, exc: httpx.RequestError) -> Exception:
        if isinstance(exc, httpx.DecodingError):  # a Content-Encoding other than gzip, broken
            return ArtifactError(f"{self.source}: the body could not be decoded: {exc}")
        return connection_error(exc, Redactor.for_auth(self.client.get_httpx_client().auth))

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
        try:
            return json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise ArtifactError(f"{self.source}: the artifact is not valid JSON: {exc}") from exc


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
        request = self._request
        try:
            with request.client.get_httpx_client().stream(**request.kwargs) as response:
                decoder, raw = request.decoder(response, max_bytes, chunk_size)
                chunks = response.iter_raw(chunk_size) if raw else response.iter_bytes(chunk_size)
                for data in chunks:
                    yield from decoder.feed(data)
                yield from decoder.finish()
        except httpx.RequestError as exc:
            failure = request.failed(exc)
        else:
            return
        raise failure  # outside the except: the httpx error is not chained


class AsyncArtifact(_Artifact):
    """The async :class:`Artifact`. Close ``iter_bytes()`` when leaving it early
    (``contextlib.aclosing``)."""

    def iter_bytes(
        self, *, chunk_size: int | None = None, max_bytes: int | None = None
    ) -> AsyncGenerator[bytes, None]:
        return self._stream(*_sizes(max_bytes, chunk_size, DEFAULT_MAX_BYTES))

    async def read(self, *, max_bytes: int | None = None) -> bytes | None:
        limit, size = _sizes(max_bytes, None, DEFAULT_MAX_MEMORY_BYTES)
        try:  # (as in Artifact.read, the comprehension drives the stream to its end)
            return b"".join([piece async for piece in self._stream(limit, size)])
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
        async with contextlib.aclosing(self._stream(limit, size)) as pieces:
            try:
                first = await anext(pieces, b"")
            except NotFoundError:
                return None
            with _temporary_beside(path) as file:
                file.write(first)
                async for piece in pieces:
                    file.write(piece)
                written = file.tell()
                await _to_thread_to_the_end(_commit, file, path)
            return written

    async def _stream(self, max_bytes: int, chunk_size: int) -> AsyncGenerator[bytes, None]:
        request = self._request
        try:
            async with request.client.get_async_httpx_client().stream(**request.kwargs) as response:
                decoder, raw = request.decoder(response, max_bytes, chunk_size)
                chunks = response.aiter_raw(chunk_size) if raw else response.aiter_bytes(chunk_size)
                async for data in chunks:
                    for piece in decoder.feed(data):
                        yield piece
                for piece in decoder.finish():
                    yield piece
        except httpx.RequestError as exc:
            failure = request.failed(exc)
        else:
            return
        raise failure  # outside the except: the httpx error is not chained


# -- atomic files -------------------------------------------------------------------------


@contextlib.contextmanager
def _temporary_beside(path: PathLike) -> Iterator[IO[bytes]]:
    """A new temporary file (mode 0600) beside ``path``, removed if the block raises."""
    target = os.fspath(path)
    with tempfile.NamedTemporaryFile(
        "wb",
        prefix=f".{os.path.basename(target)[:100]}.",
        suffix=".partial",
        dir=os.path.dirname(os.path.abspath(target)),
        delete=False,
    ) as file:
        try:
            yield file
        except BaseException:
            file.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(file.name)
            raise


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


async def _to_thread_to_the_end(fn: Callable[..., None], *args: Any) -> None:
    """Run ``fn`` in a worker thread; a cancellation waits until it returns, then raises.

    A thread cannot be stopped: the file must not be closed and removed under its feet.
    """
    task = asyncio.ensure_future(asyncio.to_thread(fn, *args))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([task])
        if not task.cancelled():
            task.exception()  # retrieved: the cancellation is what the caller sees
        raise
