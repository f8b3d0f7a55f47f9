"""The network as a test sees it: transports that count what the client reads off the wire,
below httpx's decoding and chunking, sync and async alike."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

from datasync_grades._http import httpx

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
