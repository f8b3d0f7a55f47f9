"""Bodies read with a bound: ``max_response_bytes`` for a 2xx answer, 64 KiB of an error body,
``total_timeout`` over a body that trickles; over real HTTP on 127.0.0.1, sync and async.

What the client read is counted below httpx (the bytes its transport's stream gave), so "it
stopped early" is asserted on bytes, never on time.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from uuid import UUID

import pytest
from _artifact_server import ArtifactServer, Reply, running
from _wire import SSL_CONTEXT, AsyncCountingTransport, CountingTransport, Wire, gzip_bomb

from datasync_grades import (
    APITimeoutError,
    AsyncDataSync,
    BearerToken,
    DataSync,
    InternalServerError,
    NotFoundError,
    ResponseValidationError,
)
from datasync_grades._client import DEFAULT_MAX_ERROR_BYTES, run_sync
from datasync_grades._http import httpx

EXCHANGE = UUID("0c1d2e3f-4a5b-4c6d-8e8f-9a0b1c2d3e4f")
KiB = 1024
MiB = 1024 * KiB
CAP = MiB  # the max_response_bytes of these tests' clients
# One network read: httpcore reads at most 64 KiB at a time.
READ = 64 * KiB
EXCHANGE_JSON = b'{"data": {"id": "%s", "state": "created"}}' % str(EXCHANGE).encode()


# -- the network, observed ------------------------------------------------------------------


# -- bodies ---------------------------------------------------------------------------------


def endless(piece: bytes = b" " * READ) -> Callable[[], Iterator[bytes]]:
    """A body factory that never ends (chunked)."""
    return lambda: itertools.repeat(piece)


def trickle(piece: bytes = b" ", every: float = 0.02) -> Callable[[], Iterator[bytes]]:
    """A body that never ends, one small piece at a time: each read is quick, the whole is not."""

    def pieces() -> Iterator[bytes]:
        while True:
            yield piece
            time.sleep(every)

    return pieces


def gzipped(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """One more gzip layer around a stream of pieces, made as they come."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    for piece in pieces:
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


def test_the_double_bomb_is_a_valid_double_gzip() -> None:
    body = b"".join(gzipped(gzip_bomb(3)))
    assert gzip.decompress(gzip.decompress(body)) == b"[" + b" " * (3 * MiB)


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[ArtifactServer]:
    with running() as artifact_server:
        yield artifact_server


@pytest.fixture
def wire() -> Wire:
    return Wire()


class Mode:
    """A ``DataSync`` or an ``AsyncDataSync`` on the server, and the calls these tests make."""

    def __init__(self, name: str, client: DataSync | AsyncDataSync) -> None:
        self.name = name
        self.client = client

    async def find(self) -> Any:
        """An ordinary operation: its body is read whole, under ``max_response_bytes``."""
        if isinstance(self.client, DataSync):
            return self.client.exchanges.find(EXCHANGE)
        return await self.client.exchanges.find(EXCHANGE)

    async def details(self) -> Any:
        """A streamed operation: its 2xx body is the artifact's to read; an error body is not."""
        artifact = self.client.artifacts.get_exchange_details(EXCHANGE)
        if isinstance(self.client, DataSync):
            return artifact.json()
        return await artifact.json()

    def __repr__(self) -> str:
        return self.name


def make_client(
    name: str, server: ArtifactServer, wire: Wire, **options: Any
) -> DataSync | AsyncDataSync:
    common: dict[str, Any] = {
        "auth": BearerToken("t0ken"),
        "max_retries": 0,
        "max_response_bytes": CAP,
        "verify": SSL_CONTEXT,
        **options,
    }
    if common["max_response_bytes"] is None:  # the client's own default
        del common["max_response_bytes"]
    if name == "sync":
        return DataSync(server.base_url, transport=CountingTransport(wire), **common)
    return AsyncDataSync(server.base_url, transport=AsyncCountingTransport(wire), **common)


@pytest.fixture(params=["sync", "async"])
def mode_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def make_mode(
    mode_name: str, server: ArtifactServer, wire: Wire
) -> AsyncIterator[Callable[..., Mode]]:
    """``make(**options)``: a :class:`Mode` (sync, then async); every client closed after."""
    made: list[DataSync | AsyncDataSync] = []

    def make(**options: Any) -> Mode:
        client = make_client(mode_name, server, wire, **options)
        made.append(client)
        return Mode(mode_name, client)

    yield make
    for client in made:
        if isinstance(client, DataSync):
            client.close()
        else:
            await client.aclose()


@pytest.fixture
def mode(make_mode: Callable[..., Mode]) -> Mode:
    return make_mode()


# -- a 2xx body, read whole -------------------------------------------------------------------


async def test_a_body_within_the_cap_is_read_and_parsed(mode: Mode, server: ArtifactServer) -> None:
    server.serve("exchange", EXCHANGE, Reply(body=EXCHANGE_JSON, content_type="application/json"))
    exchange = await mode.find()
    assert exchange.id == EXCHANGE and str(exchange.state) == "created"
    assert server.requests[-1].headers["accept-encoding"] == "gzip"
    assert server.last_answer_complete()


async def test_a_gzip_gzip_bomb_stops_at_max_response_bytes(
    mode: Mode, server: ArtifactServer, wire: Wire
) -> None:
    # 1 GiB of JSON-looking spaces under two gzip layers, both declared: ~3 KiB on the wire,
    # compressed before the measure starts (the server thread's zlib is not the client's).
    bomb = b"".join(gzipped(gzip_bomb(1024)))
    server.serve(
        "exchange",
        EXCHANGE,
        Reply(
            body=bomb,
            content_type="application/json",
            headers={"Content-Encoding": "gzip, gzip"},
        ),
    )
    tracemalloc.start()
    try:
        with pytest.raises(ResponseValidationError, match="max_response_bytes") as caught:
            await mode.find()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"({CAP})" in str(caught.value)
    # No more than the cap was decoded and held, nor a whole network chunk inflated at once.
    assert peak < CAP + 2 * MiB
    assert wire.received < 64 * KiB


async def test_a_gzip_body_over_the_cap_is_refused_and_one_at_it_is_read(
    make_mode: Callable[..., Mode], server: ArtifactServer
) -> None:
    document = b'{"data": {"id": "%s", "note": "%s"}}' % (str(EXCHANGE).encode(), b"x" * 5000)
    body = gzip.compress(document, mtime=0)
    server.serve(
        "exchange",
        EXCHANGE,
        Reply(body=body, content_type="application/json", headers={"Content-Encoding": "gzip"}),
    )
    exact = make_mode(max_response_bytes=len(document))
    assert (await exact.find()).id == EXCHANGE
    with pytest.raises(ResponseValidationError, match="max_response_bytes"):
        await make_mode(max_response_bytes=len(document) - 1).find()


async def test_an_endless_chunked_200_is_cut_at_the_cap(
    mode: Mode, server: ArtifactServer, wire: Wire
) -> None:
    server.serve("exchange", EXCHANGE, Reply(body=endless(), content_type="application/json"))
    with pytest.raises(ResponseValidationError, match="larger than max_response_bytes"):
        await mode.find()
    assert CAP <= wire.received <= CAP + 2 * READ


async def test_the_default_cap_is_64_mib(
    make_mode: Callable[..., Mode], server: ArtifactServer, wire: Wire
) -> None:
    server.serve("exchange", EXCHANGE, Reply(body=endless(), content_type="application/json"))
    mode = make_mode(max_response_bytes=None)
    with pytest.raises(ResponseValidationError, match=f"max_response_bytes \\({64 * MiB}\\)"):
        await mode.find()
    assert 64 * MiB <= wire.received <= 64 * MiB + 2 * READ


# -- an error body: 64 KiB of it is kept --------------------------------------------------------


@pytest.mark.parametrize("call", ["find", "details"])
@pytest.mark.parametrize(
    "body",
    [endless(b"x" * READ), b"y" * (8 * MiB)],
    ids=["endless", "huge"],
)
async def test_a_500_with_a_huge_body_raises_with_the_body_cut(
    mode: Mode, server: ArtifactServer, wire: Wire, call: str, body: Any
) -> None:
    route = "exchange" if call == "find" else "details"
    server.serve(route, EXCHANGE, Reply(status=500, body=body, content_type="text/plain"))
    with pytest.raises(InternalServerError) as caught:
        await getattr(mode, call)()
    exc = caught.value
    assert exc.status_code == 500
    assert f"(body cut at {DEFAULT_MAX_ERROR_BYTES} bytes)" in str(exc)
    assert exc.body == ("x" if callable(body) else "y") * 8192  # the text kept: 8 KiB
    assert wire.received <= DEFAULT_MAX_ERROR_BYTES + 2 * READ


@pytest.mark.parametrize("call", ["find", "details"])
async def test_a_500_gzip_bomb_raises_with_the_body_cut(
    mode: Mode, server: ArtifactServer, call: str
) -> None:
    route = "exchange" if call == "find" else "details"
    server.serve(
        route,
        EXCHANGE,
        Reply(
            status=500,
            body=lambda: gzip_bomb(1024),
            content_type="application/json",
            headers={"Content-Encoding": "gzip"},
        ),
    )
    with pytest.raises(InternalServerError) as caught:
        await getattr(mode, call)()
    assert caught.value.body == "[" + " " * 8191  # not JSON once cut: the text, 8 KiB of it
    assert f"(body cut at {DEFAULT_MAX_ERROR_BYTES} bytes)" in str(caught.value)


async def test_a_small_error_body_is_kept_whole_and_parsed(
    mode: Mode, server: ArtifactServer
) -> None:
    error = b'{"error": {"status": 404, "message": "no such exchange"}}'
    server.serve(
        "exchange",
        EXCHANGE,
        Reply(
            status=404,
            body=gzip.compress(error, mtime=0),
            content_type="application/json",
            headers={"Content-Encoding": "gzip"},
        ),
    )
    with pytest.raises(NotFoundError) as caught:
        await mode.find()
    assert caught.value.body == {"error": {"status": 404, "message": "no such exchange"}}
    assert "body cut" not in str(caught.value)


# -- total_timeout over a body ---------------------------------------------------------------


@pytest.mark.parametrize("call", ["find", "details"])
async def test_total_timeout_covers_an_error_body_that_trickles(
    make_mode: Callable[..., Mode], server: ArtifactServer, call: str
) -> None:
    # Each byte comes well within the read timeout; the body as a whole never ends.
    route = "exchange" if call == "find" else "details"
    server.serve(route, EXCHANGE, Reply(status=503, body=trickle(), content_type="text/plain"))
    mode = make_mode(timeout=30.0, total_timeout=0.3)
    with pytest.raises(APITimeoutError, match="total_timeout") as caught:
        await getattr(mode, call)()
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


async def test_total_timeout_covers_a_2xx_body_that_trickles(
    make_mode: Callable[..., Mode], server: ArtifactServer
) -> None:
    server.serve("exchange", EXCHANGE, Reply(body=trickle(), content_type="application/json"))
    mode = make_mode(timeout=30.0, total_timeout=0.3)
    with pytest.raises(APITimeoutError, match="total_timeout"):
        await mode.find()


# -- the response is closed however the read ends -------------------------------------------


class _Endless(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A 2xx body that never ends, sync or async; notes when it is closed."""

    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.gate = gate  # async: after the first piece, wait here (for a cancellation)
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        while True:
            yield b" " * READ

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"[" + b" " * READ
        if self.gate is not None:
            await self.gate.wait()
        while True:
            yield b" " * READ

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _sender_on(stream: _Endless, *, sync: bool) -> Any:
    """The send path of a client whose every answer is ``stream``."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    cls = DataSync if sync else AsyncDataSync
    options: Any = {"auth": BearerToken("t"), "max_response_bytes": CAP}
    return cls("https://api.test/v2/grades", transport=transport, **options)._sender


def test_a_sync_body_over_the_cap_closes_the_response() -> None:
    stream = _Endless()
    sender = _sender_on(stream, sync=True)
    with pytest.raises(ResponseValidationError, match="larger than max_response_bytes"):
        run_sync(sender.request({"method": "get", "url": "/exchanges"}))
    assert stream.closed


async def test_an_async_body_over_the_cap_closes_the_response() -> None:
    stream = _Endless()
    sender = _sender_on(stream, sync=False)
    with pytest.raises(ResponseValidationError, match="larger than max_response_bytes"):
        await sender.request({"method": "get", "url": "/exchanges"})
    assert stream.closed


async def test_an_async_call_cancelled_in_its_body_closes_the_response() -> None:
    stream = _Endless(gate=asyncio.Event())
    sender = _sender_on(stream, sync=False)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(sender.request({"method": "get", "url": "/exchanges"}), 0.2)
    assert stream.closed
