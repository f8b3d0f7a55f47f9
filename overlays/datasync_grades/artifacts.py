"""Exchange artifacts (details, consumer logs) and the batch course-ids report, streamed.

Example::

    from datasync_grades import artifacts

    details = artifacts.details(client, exchange_id)        # parsed JSON; None on a 404
    for chunk in artifacts.iter_details(client, exchange_id):   # NotFoundError on a 404
        sink.write(chunk)
    written = artifacts.save_consumer_logs(client, exchange_id, "logs.json")  # None on a 404
    course_ids = await artifacts.acourse_ids_report(client, batch_id)

Decisions (the README section "Artifacts" has the details):

- Bodies are streamed: neither the compressed nor the decompressed artifact is held whole
  (``details``/``consumer_logs`` hold the decompressed one, to parse it). Gzip is found by
  its magic bytes, layer after layer, member after member; plain JSON passes through.
  Anything else, a truncated or corrupt gzip, more than ``max_bytes`` out of any layer, or
  invalid JSON raises ``ArtifactError`` (not ``ResponseValidationError``: it is about the
  file, not the API's JSON).
- A 404 means "not produced": ``None`` from ``details``/``consumer_logs``/``save_*`` (no
  file created), ``NotFoundError`` from ``iter_*`` and the course-ids report. Other
  non-2xx raise their ``APIStatusError``, also with a bare generated client.
- ``save_*`` is atomic: temporary file (mode 0600) beside ``path``, fsync, ``os.replace``;
  removed on any failure, cancellation included.
- The course-ids report's first non-blank row is a header when a cell reads
  ``course_id``/``course_ids`` (any case); ids come from that column, else the first.

Everything is generic underneath: :func:`iter_artifact` and friends take any generated
endpoint module whose 200 body is a file, build the request with its ``_get_kwargs`` and
stream it (the generated ``sync()`` reads the whole body). Hand-written: no library streams
an httpx response through bounded gzip decoding (see :mod:`datasync_grades._gzip_stream`).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import csv
import functools
import json
import os
import re
import sys
import tempfile
import types
import typing
from collections.abc import AsyncGenerator, Callable, Generator, Iterable
from dataclasses import dataclass
from typing import IO, Any, TypeAlias
from uuid import UUID

import httpx

from datasync_grades_api.api.artifacts import get_exchange_consumer_logs, get_exchange_details
from datasync_grades_api.api.batch_exchanges import get_batch_exchange_course_ids_report
from datasync_grades_api.client import AuthenticatedClient, Client
from datasync_grades_api.types import File

from ._exceptions import (
    ArtifactError,
    NotFoundError,
    connection_error_from,
    status_error_from_response,
)
from ._gzip_stream import JSON_START, BodyDecoder

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_BYTES",
    "aconsumer_logs",
    "acourse_ids_report",
    "adetails",
    "aiter_artifact",
    "aiter_consumer_logs",
    "aiter_course_ids_report",
    "aiter_details",
    "aload_artifact",
    "asave_artifact",
    "asave_consumer_logs",
    "asave_details",
    "consumer_logs",
    "course_ids_report",
    "details",
    "iter_artifact",
    "iter_consumer_logs",
    "iter_course_ids_report",
    "iter_details",
    "load_artifact",
    "save_artifact",
    "save_consumer_logs",
    "save_details",
]

DEFAULT_MAX_BYTES = 4 * 1024**3
DEFAULT_CHUNK_SIZE = 64 * 1024

# A generated endpoint module, e.g. ``get_exchange_details``, or one of its functions.
Endpoint: TypeAlias = types.ModuleType | Callable[..., Any]
AnyClient: TypeAlias = AuthenticatedClient | Client
PathLike: TypeAlias = str | os.PathLike[str]

# httpx would decode these itself, without a bound per chunk; the decoder peels them by
# their magic bytes instead. Any other Content-Encoding is left to httpx.
_GZIP_CODINGS = frozenset({"gzip", "x-gzip"})
_IDENTITY = "identity"
# The artifact's own gzip plus one Content-Encoding: gzip on top.
_MAX_GZIP_LAYERS = 2
# A CSV line (or a quoted field spanning lines) longer than this is not a course id list.
_MAX_CSV_RECORD = 1024 * 1024
_CSV_HEADERS = frozenset({"course_id", "course_ids"})
_EOL = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class _Format:
    """What a body's plain (not gzip) form is, and how to recognise its first byte."""

    kind: str
    accept: Callable[[int], bool]


_JSON = _Format("JSON", JSON_START.__contains__)
# Any first byte but "<": an HTML or XML page (a proxy, a login form) is not a report.
_CSV = _Format("CSV", lambda byte: byte != ord("<"))


@dataclass(frozen=True)
class _Request:
    source: str  # operation and path, for messages
    kwargs: dict[str, Any]
    format: _Format
    max_bytes: int
    chunk_size: int


# -- the generic core ---------------------------------------------------------------------


def _module_of(endpoint: Endpoint) -> types.ModuleType:
    if isinstance(endpoint, types.ModuleType):
        return endpoint
    module = sys.modules.get(getattr(endpoint, "__module__", None) or "")
    name = getattr(endpoint, "__name__", None)
    if module is not None and name and getattr(module, name, None) is endpoint:
        return module
    raise TypeError(
        f"expected a generated endpoint module such as get_exchange_details, got {endpoint!r}"
    )


@functools.cache
def _check_binary_endpoint(module: types.ModuleType) -> None:
    """Reject an endpoint whose 200 body is not a file (e.g. ``find_exchange``)."""
    name = module.__name__.rpartition(".")[2]
    get_kwargs = getattr(module, "_get_kwargs", None)
    sync_detailed = getattr(module, "sync_detailed", None)
    if not callable(get_kwargs) or not callable(sync_detailed):
        raise TypeError(f"{name} is not a generated endpoint module (no _get_kwargs)")
    try:
        response_type = typing.get_type_hints(sync_detailed).get("return")
    except Exception:  # unresolvable annotations: nothing to check against
        return
    parsed = typing.get_args(response_type)  # Response[X | File] -> (X | File,)
    members = (typing.get_args(parsed[0]) or parsed) if parsed else ()
    if File not in members:
        raise TypeError(f"{name} does not return a file (its 200 body is not binary)")


def _prepare(
    endpoint: Endpoint, params: dict[str, Any], fmt: _Format, max_bytes: int, chunk_size: int
) -> _Request:
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if max_bytes < 0:
        raise ValueError(f"max_bytes must not be negative, got {max_bytes}")
    module = _module_of(endpoint)
    _check_binary_endpoint(module)
    kwargs: dict[str, Any] = dict(module._get_kwargs(**params))
    # Only gzip (or nothing) is welcome on the wire: the decoder peels gzip with its bound,
    # whereas httpx would decode br, zstd or deflate itself, a network chunk at a time.
    kwargs["headers"] = {**(kwargs.get("headers") or {}), "Accept-Encoding": "gzip"}
    name = module.__name__.rpartition(".")[2]
    source = f"{name} {str(kwargs.get('method', 'get')).upper()} {kwargs.get('url', '')}"
    return _Request(source, kwargs, fmt, max_bytes, chunk_size)


def _decoder_for(response: httpx.Response, request: _Request) -> tuple[BodyDecoder, bool]:
    """The body decoder, and whether to read the body raw (gzip codings peeled by it)."""
    codings = [
        coding.strip().lower()
        for coding in response.headers.get_list("content-encoding", split_commas=True)
        if coding.strip()
    ]
    raw = all(coding in _GZIP_CODINGS or coding == _IDENTITY for coding in codings)
    gzip_codings = sum(coding in _GZIP_CODINGS for coding in codings) if raw else 0
    received = response.headers.get("content-type") or "no content type"
    if codings:
        received += f" (content-encoding {', '.join(codings)})"
    decoder = BodyDecoder(
        kind=request.format.kind,
        accept=request.format.accept,
        max_bytes=request.max_bytes,
        chunk_size=request.chunk_size,
        max_gzip_layers=max(_MAX_GZIP_LAYERS, 1 + gzip_codings),
        source=request.source,
        received=received,
    )
    return decoder, raw


def _request_error(exc: httpx.RequestError, request: _Request) -> Exception:
    if isinstance(exc, httpx.DecodingError):  # a Content-Encoding other than gzip, broken
        return ArtifactError(f"{request.source}: the body could not be decoded: {exc}")
    return connection_error_from(exc)


def _stream(client: AnyClient, request: _Request) -> Generator[bytes, None, None]:
    try:
        with client.get_httpx_client().stream(**request.kwargs) as response:
            # A client from connect() has raised already; a bare client has not.
            if not response.is_success:
                response.read()
                raise status_error_from_response(response)
            decoder, raw = _decoder_for(response, request)
            size = request.chunk_size
            for data in response.iter_raw(size) if raw else response.iter_bytes(size):
                yield from decoder.feed(data)
            yield from decoder.finish()
    except httpx.RequestError as exc:
        raise _request_error(exc, request) from exc


async def _astream(client: AnyClient, request: _Request) -> AsyncGenerator[bytes, None]:
    try:
        async with client.get_async_httpx_client().stream(**request.kwargs) as response:
            if not response.is_success:
                await response.aread()
                raise status_error_from_response(response)
            decoder, raw = _decoder_for(response, request)
            size = request.chunk_size
            async for data in response.aiter_raw(size) if raw else response.aiter_bytes(size):
                for piece in decoder.feed(data):
                    yield piece
            for piece in decoder.finish():
                yield piece
    except httpx.RequestError as exc:
        raise _request_error(exc, request) from exc


def _parse_json(data: bytes | bytearray, request: _Request) -> Any:
    if not data or data.isspace():  # (not strip(): that would copy up to max_bytes)
        raise ArtifactError(f"{request.source}: the artifact is empty, not JSON")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ArtifactError(f"{request.source}: the artifact is not valid JSON: {exc}") from exc


def iter_artifact(
    endpoint: Endpoint,
    client: AnyClient,
    /,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Generator[bytes, None, None]:
    """The decompressed artifact of any generated binary endpoint, in chunks of at most
    ``chunk_size`` bytes. ``params`` go to the endpoint (``id=...``, ``course_app_id=...``).

    Arguments are checked at once; the request is sent by the first ``next()``, which
    raises ``NotFoundError`` on a 404.

    Example::

        for chunk in iter_artifact(get_exchange_details, client, id=exchange_id):
            sink.write(chunk)
    """
    return _stream(client, _prepare(endpoint, params, _JSON, max_bytes, chunk_size))


def aiter_artifact(
    endpoint: Endpoint,
    client: AnyClient,
    /,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> AsyncGenerator[bytes, None]:
    """The async :func:`iter_artifact`. To stop early, close it (``contextlib.aclosing``).

    Example::

        async with contextlib.aclosing(aiter_artifact(get_exchange_details, client, id=i)) as it:
            async for chunk in it:
                sink.write(chunk)
    """
    return _astream(client, _prepare(endpoint, params, _JSON, max_bytes, chunk_size))


def load_artifact(
    endpoint: Endpoint,
    client: AnyClient,
    /,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Any:
    """The artifact of any generated binary endpoint, decompressed and parsed as JSON;
    ``None`` on a 404. Holds the decompressed document (at most ``max_bytes``) to parse it.

    Example::

        details = load_artifact(get_exchange_details, client, id=exchange_id)
    """
    request = _prepare(endpoint, params, _JSON, max_bytes, chunk_size)
    data = bytearray()
    try:
        with contextlib.closing(_stream(client, request)) as pieces:
            for piece in pieces:
                data += piece
    except NotFoundError:
        return None
    return _parse_json(data, request)


async def aload_artifact(
    endpoint: Endpoint,
    client: AnyClient,
    /,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Any:
    """The async :func:`load_artifact`."""
    request = _prepare(endpoint, params, _JSON, max_bytes, chunk_size)
    data = bytearray()
    try:
        async with contextlib.aclosing(_astream(client, request)) as pieces:
            async for piece in pieces:
                data += piece
    except NotFoundError:
        return None
    return _parse_json(data, request)


def save_artifact(
    endpoint: Endpoint,
    client: AnyClient,
    path: PathLike,
    /,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> int | None:
    """Write the decompressed artifact of any generated binary endpoint to ``path``,
    atomically. Returns the bytes written, or ``None`` on a 404 (no file is created).

    Example::

        written = save_artifact(get_exchange_details, client, "details.json", id=exchange_id)
    """
    request = _prepare(endpoint, params, _JSON, max_bytes, chunk_size)
    with contextlib.closing(_stream(client, request)) as pieces:
        try:
            # The first piece settles status and format before any file exists.
            first = next(pieces, None)
        except NotFoundError:
            return None
        return _write_atomically(path, first, pieces)


async def asave_artifact(
    endpoint: Endpoint,
    client: AnyClient,
    path: PathLike,
    /,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> int | None:
    """The async :func:`save_artifact`. Chunks are written to the page cache from the event
    loop (each at most ``chunk_size``); the fsync and rename run in a worker thread."""
    request = _prepare(endpoint, params, _JSON, max_bytes, chunk_size)
    async with contextlib.aclosing(_astream(client, request)) as pieces:
        try:
            first = await anext(pieces, None)
        except NotFoundError:
            return None
        return await _awrite_atomically(path, first, pieces)


# -- atomic files -------------------------------------------------------------------------


def _open_temporary(path: PathLike) -> tuple[IO[bytes], str, str]:
    """A new temporary file beside ``path``: (file, its name, the target's name)."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    prefix = f".{os.path.basename(target)[:100]}."
    fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=".partial", dir=directory)
    try:
        return os.fdopen(fd, "wb"), temporary, target
    except BaseException:
        os.close(fd)
        _discard(temporary)
        raise


def _commit(file: IO[bytes], temporary: str, target: str) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()
    os.replace(temporary, target)
    _fsync_directory(os.path.dirname(os.path.abspath(target)))


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable, where the platform allows it."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse; the file's data is synced already
    finally:
        os.close(fd)


def _discard(temporary: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)


def _write_atomically(path: PathLike, first: bytes | None, rest: Iterable[bytes]) -> int:
    file, temporary, target = _open_temporary(path)
    written = 0
    try:
        if first is not None:
            file.write(first)
            written += len(first)
        for piece in rest:
            file.write(piece)
            written += len(piece)
        _commit(file, temporary, target)
    except BaseException:
        file.close()
        _discard(temporary)
        raise
    return written


async def _awrite_atomically(
    path: PathLike, first: bytes | None, rest: AsyncGenerator[bytes, None]
) -> int:
    file, temporary, target = _open_temporary(path)
    written = 0
    try:
        if first is not None:
            file.write(first)
            written += len(first)
        async for piece in rest:
            file.write(piece)
            written += len(piece)
        await _to_thread_to_the_end(_commit, file, temporary, target)
    except BaseException:
        file.close()
        _discard(temporary)
        raise
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


# -- details and consumer logs ------------------------------------------------------------


def details(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Any:
    """The exchange's details artifact, decompressed and parsed; ``None`` if not produced.

    ``params`` go to the endpoint (e.g. ``course_app_id``).

    Example::

        found = details(client, exchange_id)
    """
    return load_artifact(
        get_exchange_details,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


async def adetails(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Any:
    """The async :func:`details`."""
    return await aload_artifact(
        get_exchange_details,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def consumer_logs(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Any:
    """The exchange's consumer logs, decompressed and parsed; ``None`` if there are none
    (nothing was sent to the SIS)."""
    return load_artifact(
        get_exchange_consumer_logs,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


async def aconsumer_logs(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Any:
    """The async :func:`consumer_logs`."""
    return await aload_artifact(
        get_exchange_consumer_logs,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def iter_details(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Generator[bytes, None, None]:
    """The decompressed details artifact in chunks; ``NotFoundError`` if not produced."""
    return iter_artifact(
        get_exchange_details,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def aiter_details(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> AsyncGenerator[bytes, None]:
    """The async :func:`iter_details`."""
    return aiter_artifact(
        get_exchange_details,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def iter_consumer_logs(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Generator[bytes, None, None]:
    """The decompressed consumer logs in chunks; ``NotFoundError`` if there are none."""
    return iter_artifact(
        get_exchange_consumer_logs,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def aiter_consumer_logs(
    client: AnyClient,
    exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> AsyncGenerator[bytes, None]:
    """The async :func:`iter_consumer_logs`."""
    return aiter_artifact(
        get_exchange_consumer_logs,
        client,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def save_details(
    client: AnyClient,
    exchange_id: UUID | str,
    path: PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> int | None:
    """Write the decompressed details artifact to ``path`` atomically; the bytes written,
    or ``None`` (and no file) if not produced."""
    return save_artifact(
        get_exchange_details,
        client,
        path,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


async def asave_details(
    client: AnyClient,
    exchange_id: UUID | str,
    path: PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> int | None:
    """The async :func:`save_details`."""
    return await asave_artifact(
        get_exchange_details,
        client,
        path,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


def save_consumer_logs(
    client: AnyClient,
    exchange_id: UUID | str,
    path: PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> int | None:
    """Write the decompressed consumer logs to ``path`` atomically; the bytes written, or
    ``None`` (and no file) if there are none."""
    return save_artifact(
        get_exchange_consumer_logs,
        client,
        path,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


async def asave_consumer_logs(
    client: AnyClient,
    exchange_id: UUID | str,
    path: PathLike,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> int | None:
    """The async :func:`save_consumer_logs`."""
    return await asave_artifact(
        get_exchange_consumer_logs,
        client,
        path,
        max_bytes=max_bytes,
        chunk_size=chunk_size,
        id=exchange_id,
        **params,
    )


# -- the course-ids report ----------------------------------------------------------------


def _still_quoted(line: str, in_quotes: bool) -> bool:
    """Whether a quoted field is open at the end of ``line``, read as ``csv`` reads it.

    A quote opens a field only at the field's start; inside, ``""`` is a quote.
    """
    if '"' not in line:
        return in_quotes
    at_field_start = not in_quotes
    index, length = 0, len(line)
    while index < length:
        char = line[index]
        if in_quotes:
            if char == '"':
                if index + 1 < length and line[index + 1] == '"':
                    index += 2
                    continue
                in_quotes = False
        else:
            if char == '"' and at_field_start:
                in_quotes = True
            at_field_start = char == ","
        index += 1
    return in_quotes


def _header_column(cells: list[str]) -> int | None:
    for index, cell in enumerate(cells):
        if cell.lower().replace("-", "_").replace(" ", "_") in _CSV_HEADERS:
            return index
    return None


class _CourseIds:
    """Course ids from CSV bytes fed in pieces.

    Lines are split as they arrive and handed to ``csv`` a record at a time (a record is
    more than one line when a quoted field holds a line break), so the same code serves
    the sync and the async stream and memory stays at one record.
    """

    def __init__(self, source: str) -> None:
        self._source = source
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._pending = ""  # text after the last line break
        self._record: list[str] = []  # lines of a record with a quoted field still open
        self._record_size = 0
        self._in_quotes = False
        self._column: int | None = None  # settled by the first non-blank row

    def feed(self, data: bytes) -> list[str]:
        return self._text(self._decode(data, final=False), final=False)

    def finish(self) -> list[str]:
        ids = self._text(self._decode(b"", final=True), final=True)
        if self._record:  # an unterminated quoted field: csv decides what it holds
            ids += self._rows(self._record)
            self._record = []
        return ids

    def _decode(self, data: bytes, *, final: bool) -> str:
        try:
            return self._decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            raise ArtifactError(f"{self._source}: the report is not UTF-8: {exc}") from exc

    def _text(self, text: str, *, final: bool) -> list[str]:
        pending = self._pending + text
        ids: list[str] = []
        start = 0
        for match in _EOL.finditer(pending):
            if match.end() == len(pending) and match.group() == "\r" and not final:
                break  # perhaps the first half of a \r\n
            ids += self._line(pending[start : match.end()])
            start = match.end()
        rest = pending[start:]
        if final and rest:
            ids += self._line(rest)
            rest = ""
        if len(rest) > _MAX_CSV_RECORD:
            raise ArtifactError(f"{self._source}: a CSV line longer than {_MAX_CSV_RECORD}")
        self._pending = rest
        return ids

    def _line(self, line: str) -> list[str]:
        self._record.append(line)
        self._record_size += len(line)
        self._in_quotes = _still_quoted(line, self._in_quotes)
        if self._in_quotes:
            if self._record_size > _MAX_CSV_RECORD:
                raise ArtifactError(
                    f"{self._source}: a CSV record longer than {_MAX_CSV_RECORD} characters"
                )
            return []
        lines, self._record, self._record_size = self._record, [], 0
        return self._rows(lines)

    def _rows(self, lines: list[str]) -> list[str]:
        try:
            rows = list(csv.reader(lines))
        except csv.Error as exc:
            raise ArtifactError(f"{self._source}: the report is not valid CSV: {exc}") from exc
        ids: list[str] = []
        for row in rows:
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            if self._column is None:
                self._column = _header_column(cells)
                if self._column is not None:
                    continue
                self._column = 0
            if self._column < len(cells) and cells[self._column]:
                ids.append(cells[self._column])
        return ids


def _prepare_report(
    batch_exchange_id: UUID | str, params: dict[str, Any], max_bytes: int, chunk_size: int
) -> _Request:
    return _prepare(
        get_batch_exchange_course_ids_report,
        {"id": batch_exchange_id, **params},
        _CSV,
        max_bytes,
        chunk_size,
    )


def _course_ids(client: AnyClient, request: _Request) -> Generator[str, None, None]:
    parser = _CourseIds(request.source)
    with contextlib.closing(_stream(client, request)) as pieces:
        for piece in pieces:
            yield from parser.feed(piece)
    yield from parser.finish()


async def _acourse_ids(client: AnyClient, request: _Request) -> AsyncGenerator[str, None]:
    parser = _CourseIds(request.source)
    async with contextlib.aclosing(_astream(client, request)) as pieces:
        async for piece in pieces:
            for course_id in parser.feed(piece):
                yield course_id
    for course_id in parser.finish():
        yield course_id


def iter_course_ids_report(
    client: AnyClient,
    batch_exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> Generator[str, None, None]:
    """The batch exchange's course ids, streamed from its CSV report (gzip or plain).

    Example::

        for course_id in iter_course_ids_report(client, batch_id):
            print(course_id)
    """
    return _course_ids(client, _prepare_report(batch_exchange_id, params, max_bytes, chunk_size))


def aiter_course_ids_report(
    client: AnyClient,
    batch_exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> AsyncGenerator[str, None]:
    """The async :func:`iter_course_ids_report`."""
    return _acourse_ids(client, _prepare_report(batch_exchange_id, params, max_bytes, chunk_size))


def course_ids_report(
    client: AnyClient,
    batch_exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> list[str]:
    """The batch exchange's course ids, from its CSV report; ``NotFoundError`` on a 404.

    Example::

        course_ids = course_ids_report(client, batch_id)
    """
    return list(
        iter_course_ids_report(
            client, batch_exchange_id, max_bytes=max_bytes, chunk_size=chunk_size, **params
        )
    )


async def acourse_ids_report(
    client: AnyClient,
    batch_exchange_id: UUID | str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    **params: Any,
) -> list[str]:
    """The async :func:`course_ids_report`."""
    request = _prepare_report(batch_exchange_id, params, max_bytes, chunk_size)
    async with contextlib.aclosing(_acourse_ids(client, request)) as course_ids:
        return [course_id async for course_id in course_ids]
