"""The network as a test sees it: transports that count what the client reads off the wire,
below httpx's decoding and chunking, sync and async alike."""

from __future__ import annotations

import functools
import ssl
import struct
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

from datasync_grades._http import httpx

MiB = 1024 * 1024

# Loading the CA bundle costs ~50 ms per transport; the tests speak plain HTTP anyway.
SSL_CONTEXT = ssl.create_default_context()


@dataclass
class Wire:
    """What the client read off the network, counted below httpx's decoding and chunking."""

    received: int = 0
    largest: int = 0
    reads: int = 0
    # Called before each read of a response body (sync / async client).
    before_read: Callable[[Wire], None] | None = None
    before_aread: Callable[[Wire], Awaitable[None]] | None = None

    def count(self, data: bytes) -> None:
        self.received += len(data)
        self.largest = max(self.largest, len(data))
        self.reads += 1


class _CountingStream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, wire: Wire) -> None:
        self._inner = inner
        self._wire = wire

    def __iter__(self) -> Iterator[bytes]:
        reads = iter(self._inner)
        while True:
            if self._wire.before_read is not None:
                self._wire.before_read(self._wire)
            data = next(reads, None)
            if data is None:
                return
            self._wire.count(data)
            yield data

    def close(self) -> None:
        self._inner.close()


class _AsyncCountingStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, wire: Wire) -> None:
        self._inner = inner
        self._wire = wire

    async def __aiter__(self) -> AsyncIterator[bytes]:
        reads = aiter(self._inner)
        while True:
            if self._wire.before_aread is not None:
                await self._wire.before_aread(self._wire)
            data = await anext(reads, None)
            if data is None:
                return
            self._wire.count(data)
            yield data

    async def aclose(self) -> None:
        await self._inner.aclose()


class CountingTransport(httpx.BaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._inner = httpx.HTTPTransport(verify=SSL_CONTEXT)
        self._wire = wire

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _CountingStream(response.stream, self._wire)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._inner = httpx.AsyncHTTPTransport(verify=SSL_CONTEXT)
        self._wire = wire

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _AsyncCountingStream(response.stream, self._wire)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@functools.cache
def _bomb_parts() -> tuple[bytes, bytes, bytes, bytes]:
    """``[`` and 1 MiB of spaces compressed, another MiB of spaces, the last block, 1 MiB
    of spaces. Made once, so serving a bomb allocates next to nothing."""
    spaces = b" " * MiB
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = compressor.compress(b"[" + spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush deflate starts afresh: every further MiB compresses to these bytes.
    again = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    final_block = compressor.flush()[:-8]  # an empty last block; its trailer is not ours
    return first, again, final_block, spaces


def gzip_bomb(mib: int) -> Iterator[bytes]:
    """A valid gzip of ``[`` and ``mib`` MiB of spaces (~1 KiB per MiB), piece by piece.

    JSON-looking, so only the size limit can stop it; streamed without compressing (or
    holding) it all. The CRC is computed only if the trailer is reached.
    """
    first, again, final_block, spaces = _bomb_parts()
    yield first
    for _ in range(mib - 1):
        yield again
    crc = zlib.crc32(b"[")
    for _ in range(mib):
        crc = zlib.crc32(spaces, crc)
    yield final_block + struct.pack("<II", crc, (1 + mib * MiB) & 0xFFFFFFFF)
