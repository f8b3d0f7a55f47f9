"""datasync_grades.artifacts: real gzip bytes over real HTTP on 127.0.0.1, sync and async.

Most tests run twice through the ``mode`` fixture: once through the sync functions
(``details``, ``iter_details``, ...) and once through their async twins (``adetails``,
``aiter_details``, ...). The client comes from ``connect()`` unless a test is about a bare
generated client. Memory bounds are asserted through what the code sees and holds (chunk
sizes fed and yielded, bytes read off the network, tracemalloc's peak), never wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import functools
import gzip
import hashlib
import io
import itertools
import json
import os
import random
import ssl
import struct
import threading
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from _artifact_server import ArtifactServer, Reply, running
from hypothesis import given, settings
from hypothesis import strategies as st

import datasync_grades
from datasync_grades import (
    APIConnectionError,
    ArtifactError,
    BearerToken,
    InternalServerError,
    NotFoundError,
    artifacts,
    connect,
)
from datasync_grades._gzip_stream import JSON_START, BodyDecoder
from datasync_grades.artifacts import _CourseIds, _header_column
from datasync_grades_api.api.artifacts import get_exchange_details
from datasync_grades_api.api.exchanges import find_exchange
from datasync_grades_api.client import AuthenticatedClient

EXCHANGE = UUID("0c1d2e3f-4a5b-4c6d-8e8f-9a0b1c2d3e4f")
BATCH = UUID("11111111-2222-4333-8444-555555555555")
MiB = 1024 * 1024
DOC: dict[str, Any] = {
    "exchange_id": str(EXCHANGE),
    "rows": [{"course": f"c{i}", "score": i / 2, "name": 'Zoë, "the" 1st'} for i in range(50)],
}
DOC_BYTES = json.dumps(DOC).encode()


def gz(data: bytes, *, level: int = 6) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


def noisy_json(size: int, seed: int = 0) -> bytes:
    """A JSON document of about ``size`` bytes that compresses about 2:1."""
    rng = random.Random(seed)
    items: list[str] = []
    total = 0
    while total < size:
        item = json.dumps({"i": len(items), "hex": rng.randbytes(256).hex()})
        items.append(item)
        total += len(item) + 1
    return ("[" + ",".join(items) + "]").encode()


# -- the network, observed ------------------------------------------------------------------


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


# Loading the CA bundle costs ~50 ms per transport; the tests speak plain HTTP anyway.
_SSL_CONTEXT = ssl.create_default_context()


class CountingTransport(httpx.BaseTransport):
    def __init__(self, wire: Wire) -> None:
        self._inner = httpx.HTTPTransport(verify=_SSL_CONTEXT)
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
        self._inner = httpx.AsyncHTTPTransport(verify=_SSL_CONTEXT)
        self._wire = wire

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _AsyncCountingStream(response.stream, self._wire)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[ArtifactServer]:
    with running() as artifact_server:
        yield artifact_server


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
async def client(server: ArtifactServer, wire: Wire) -> AsyncIterator[AuthenticatedClient]:
    """A client from ``connect()``: typed errors raised by its httpx clients."""
    made = connect(
        server.base_url,
        auth=BearerToken("t0ken"),
        transport=CountingTransport(wire),
        async_transport=AsyncCountingTransport(wire),
        max_retries=0,
    )
    yield made
    made.get_httpx_client().close()
    await made.get_async_httpx_client().aclose()


@pytest.fixture
async def bare_client(server: ArtifactServer, wire: Wire) -> AsyncIterator[AuthenticatedClient]:
    """A generated client with plain httpx clients: nothing raises on a 4xx/5xx."""
    made = AuthenticatedClient(base_url=server.base_url, token="t0ken")
    headers = {"Authorization": "Bearer t0ken"}
    made.set_httpx_client(
        httpx.Client(base_url=server.base_url, headers=headers, transport=CountingTransport(wire))
    )
    made.set_async_httpx_client(
        httpx.AsyncClient(
            base_url=server.base_url, headers=headers, transport=AsyncCountingTransport(wire)
        )
    )
    yield made
    made.get_httpx_client().close()
    await made.get_async_httpx_client().aclose()


@pytest.fixture(params=["connect", "bare"])
def any_client(
    request: pytest.FixtureRequest,
    client: AuthenticatedClient,
    bare_client: AuthenticatedClient,
) -> AuthenticatedClient:
    return client if request.param == "connect" else bare_client


class Mode:
    """Calls ``artifacts.<name>`` (sync) or ``artifacts.a<name>`` (async) alike."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.name == "sync":
            return getattr(artifacts, name)(*args, **kwargs)
        return await getattr(artifacts, "a" + name)(*args, **kwargs)

    async def collect(self, name: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Everything an ``iter_*`` function yields."""
        if self.name == "sync":
            return list(getattr(artifacts, name)(*args, **kwargs))
        async with contextlib.aclosing(getattr(artifacts, "a" + name)(*args, **kwargs)) as items:
            return [item async for item in items]

    async def drain(self, name: str, *args: Any, **kwargs: Any) -> int:
        """Consume an ``iter_*`` function without keeping what it yields; the bytes seen."""
        seen = 0
        if self.name == "sync":
            for chunk in getattr(artifacts, name)(*args, **kwargs):
                seen += len(chunk)
            return seen
        async with contextlib.aclosing(getattr(artifacts, "a" + name)(*args, **kwargs)) as items:
            async for chunk in items:
                seen += len(chunk)
        return seen

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> Mode:
    return Mode(request.param)


def listing(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


# -- the package surface ------------------------------------------------------------------


def test_artifacts_is_a_public_submodule_of_the_package() -> None:
    assert datasync_grades.artifacts is artifacts
    assert "artifacts" in datasync_grades.__all__
    for name in artifacts.__all__:
        assert hasattr(artifacts, name)
        if name.startswith(("iter_", "save_", "details", "consumer", "course", "load_")):
            assert hasattr(artifacts, "a" + name), f"{name} has no async twin"
    assert artifacts.DEFAULT_MAX_BYTES == 4 * 1024**3


# -- happy paths ----------------------------------------------------------------------------


async def test_details_are_decompressed_and_parsed(
    mode: Mode, any_client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))

    assert await mode.call("details", any_client, EXCHANGE, course_app_id="app-7") == DOC
    served = server.requests[-1]
    assert served.path == server.path("details", EXCHANGE)
    assert served.query == {"course_app_id": ["app-7"]}
    assert served.headers["authorization"] == "Bearer t0ken"
    assert served.headers["accept-encoding"] == "gzip"


async def test_consumer_logs_with_several_gzip_members_and_padding(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    logs = [{"line": i, "text": "sent to SIS"} for i in range(300)]
    data = json.dumps(logs).encode()
    third = len(data) // 3
    body = gz(data[:third]) + gz(data[third : 2 * third]) + b"\0" * 7 + gz(data[2 * third :])
    server.serve("consumerlogs", EXCHANGE, Reply(body=body))

    assert await mode.call("consumer_logs", client, str(EXCHANGE)) == logs
    assert server.requests[-1].path == server.path("consumerlogs", EXCHANGE)


@pytest.mark.parametrize(
    ("body", "parsed"),
    [(gz(b"{}"), {}), (gz(b"[]"), []), (gz(b" \n[ ]\n"), [])],
    ids=["object", "array", "whitespace"],
)
async def test_empty_json(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, body: bytes, parsed: Any
) -> None:
    server.serve("details", EXCHANGE, Reply(body=body))
    assert await mode.call("details", client, EXCHANGE) == parsed


@pytest.mark.parametrize("body", [gz(b""), b""], ids=["empty-gzip", "empty-body"])
async def test_an_empty_artifact_streams_as_nothing_and_does_not_parse(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path, body: bytes
) -> None:
    server.serve("details", EXCHANGE, Reply(body=body))

    assert await mode.collect("iter_details", client, EXCHANGE) == []
    target = tmp_path / "details.json"
    assert await mode.call("save_details", client, EXCHANGE, target) == 0
    assert target.read_bytes() == b""
    with pytest.raises(ArtifactError, match="empty, not JSON"):
        await mode.call("details", client, EXCHANGE)


def big_json_pieces(blocks: int) -> Iterator[bytes]:
    """A JSON array of ``blocks`` objects of 64 KiB each, one at a time."""
    yield b"["
    for index in range(blocks):
        hex_part = random.Random(index).randbytes(4096).hex().encode()  # 8 KiB
        filler = (hex_part * 8)[: 64 * 1024 - 40]
        yield b'%s{"i":%d,"pad":"%s"}' % (b"," if index else b"", index, filler)
    yield b"]"


def gzip_pieces(pieces: Iterable[bytes], level: int = 1) -> Iterator[bytes]:
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    for piece in pieces:
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


async def test_a_64_mib_artifact_streams_in_bounded_chunks(
    mode: Mode,
    client: AuthenticatedClient,
    server: ArtifactServer,
    wire: Wire,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocks = 1024  # 64 MiB decompressed
    expected = hashlib.sha256()
    expected_size = 0
    for piece in big_json_pieces(blocks):
        expected.update(piece)
        expected_size += len(piece)
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_pieces(big_json_pieces(blocks))))
    # Record every compressed piece the decoder is fed.
    fed: list[int] = []
    original_feed = BodyDecoder.feed

    def recording_feed(self: BodyDecoder, data: bytes) -> Iterator[bytes]:
        fed.append(len(data))
        return original_feed(self, data)

    monkeypatch.setattr(BodyDecoder, "feed", recording_feed)
    chunk_size = 16 * 1024
    digest = hashlib.sha256()
    size = largest = chunks = 0

    def take(chunk: bytes) -> None:
        nonlocal size, largest, chunks
        digest.update(chunk)
        size += len(chunk)
        largest = max(largest, len(chunk))
        chunks += 1

    tracemalloc.start()
    try:
        if mode.name == "sync":
            for chunk in artifacts.iter_details(client, EXCHANGE, chunk_size=chunk_size):
                take(chunk)
        else:
            stream = artifacts.aiter_details(client, EXCHANGE, chunk_size=chunk_size)
            async with contextlib.aclosing(stream) as chunks_in:
                async for chunk in chunks_in:
                    take(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert (size, digest.hexdigest()) == (expected_size, expected.hexdigest())
    assert largest <= chunk_size
    assert chunks >= expected_size // chunk_size
    assert fed and max(fed) <= chunk_size
    assert sum(fed) == wire.received > 4 * MiB  # the compressed body, read in pieces
    # Neither the compressed (~6 MiB) nor the decompressed (64 MiB) body was held.
    assert peak < 3 * MiB
    assert server.requests[-1].complete


async def test_saving_a_large_artifact(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    blocks = 64  # 4 MiB
    expected = b"".join(big_json_pieces(blocks))
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_pieces(big_json_pieces(blocks))))
    target = tmp_path / "details.json"

    written = await mode.call("save_details", client, EXCHANGE, target, chunk_size=4096)

    assert written == len(expected)
    assert target.read_bytes() == expected
    assert listing(tmp_path) == ["details.json"]
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600


# -- what the body may be ---------------------------------------------------------------------


async def test_content_encoding_gzip_over_a_gzip_file(
    mode: Mode, any_client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve(
        "details", EXCHANGE, Reply(body=gz(gz(DOC_BYTES)), headers={"Content-Encoding": "gzip"})
    )
    assert await mode.call("details", any_client, EXCHANGE) == DOC


async def test_content_encoding_gzip_over_plain_json(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(
            body=gz(DOC_BYTES),
            content_type="application/json",
            headers={"Content-Encoding": "gzip"},
        ),
    )
    assert await mode.call("details", client, EXCHANGE) == DOC


async def test_another_content_encoding_is_left_to_httpx(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(body=zlib.compress(gz(DOC_BYTES)), headers={"Content-Encoding": "deflate"}),
    )
    assert await mode.call("details", client, EXCHANGE) == DOC

    server.serve(
        "details", EXCHANGE, Reply(body=b"not deflate", headers={"Content-Encoding": "deflate"})
    )
    with pytest.raises(ArtifactError, match="could not be decoded"):
        await mode.call("details", client, EXCHANGE)


@pytest.mark.parametrize(
    "body",
    [DOC_BYTES, b"\r\n\t " + DOC_BYTES, b"\xef\xbb\xbf" + DOC_BYTES],
    ids=["json", "leading-whitespace", "bom"],
)
async def test_plain_json_passes_through(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, body: bytes
) -> None:
    server.serve("details", EXCHANGE, Reply(body=body, content_type="application/json"))

    assert await mode.call("details", client, EXCHANGE) == DOC
    assert b"".join(await mode.collect("iter_details", client, EXCHANGE)) == body


async def test_html_is_rejected_naming_what_came(
    mode: Mode, any_client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    page = b"<html><body>Please log in</body></html>"
    server.serve("details", EXCHANGE, Reply(body=page, content_type="text/html; charset=utf-8"))

    with pytest.raises(ArtifactError) as caught:
        await mode.call("details", any_client, EXCHANGE)
    message = str(caught.value)
    assert (
        "expected gzip (1f 8b) or JSON, got text/html; charset=utf-8 starting 3c 68 74 6d"
        in message
    )
    assert "get_exchange_details" in message
    assert "t0ken" not in message
    with pytest.raises(ArtifactError, match="text/html"):
        await mode.call("save_details", any_client, EXCHANGE, tmp_path / "d.json")
    assert listing(tmp_path) == []


async def test_inside_gzip_only_json_or_gzip_is_accepted(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(b"PK\x03\x04 a zip file")))
    with pytest.raises(ArtifactError, match="got gzip content starting 50 4b 03 04"):
        await mode.call("details", client, EXCHANGE)

    server.serve("details", EXCHANGE, Reply(body=gz(gz(gz(DOC_BYTES)))))
    with pytest.raises(ArtifactError, match="more than 2 layers"):
        await mode.call("details", client, EXCHANGE)


async def test_invalid_json_inside_valid_gzip(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(b'{"rows": [1, 2,')))
    with pytest.raises(ArtifactError, match="not valid JSON"):
        await mode.call("details", client, EXCHANGE)


# -- broken bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keep", [0.5, -8, -1, 5], ids=["half", "no-trailer", "last-byte", "header"]
)
async def test_truncated_gzip(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, keep: float
) -> None:
    body = gz(noisy_json(20_000))
    cut = int(len(body) * keep) if isinstance(keep, float) else keep
    server.serve("details", EXCHANGE, Reply(body=body[:cut]))

    with pytest.raises(ArtifactError, match="truncated gzip"):
        await mode.call("details", client, EXCHANGE)
    with pytest.raises(ArtifactError, match="truncated gzip"):
        await mode.collect("iter_details", client, EXCHANGE)


def flipped(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x55]) + data[index + 1 :]


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (lambda body: len(body) // 2, ""),  # in the deflate data
        (lambda body: len(body) - 6, "incorrect data check"),  # the CRC
        (lambda body: len(body) - 2, "incorrect length check"),  # the size
        (lambda body: 3, "unknown header flags|invalid"),  # the header's flags
    ],
    ids=["deflate-data", "crc", "isize", "header"],
)
async def test_corrupt_gzip(
    mode: Mode,
    client: AuthenticatedClient,
    server: ArtifactServer,
    where: Callable[[bytes], int],
    reason: str,
) -> None:
    body = gz(noisy_json(20_000))
    server.serve("details", EXCHANGE, Reply(body=flipped(body, where(body))))

    with pytest.raises(ArtifactError, match="corrupt gzip") as caught:
        await mode.call("details", client, EXCHANGE)
    assert isinstance(caught.value.__cause__, zlib.error)
    if reason:
        assert any(part in str(caught.value) for part in reason.split("|"))


async def test_garbage_after_the_gzip_stream(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES) + b"<html>oops"))
    with pytest.raises(ArtifactError, match="data after the end of the gzip stream"):
        await mode.call("details", client, EXCHANGE)


async def test_a_connection_dropped_mid_body(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    body = gz(noisy_json(300_000))
    server.serve("details", EXCHANGE, Reply(body=body, cut_after=len(body) // 2))

    with pytest.raises(APIConnectionError):
        await mode.call("details", client, EXCHANGE)
    with pytest.raises(APIConnectionError):
        await mode.call("save_details", client, EXCHANGE, tmp_path / "d.json", chunk_size=1024)
    assert listing(tmp_path) == []


# -- size limits ------------------------------------------------------------------------------


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


def test_the_bomb_is_a_valid_gzip() -> None:
    assert gzip.decompress(b"".join(gzip_bomb(5))) == b"[" + b" " * (5 * MiB)


async def test_a_gzip_bomb_stops_early(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, wire: Wire, tmp_path: Path
) -> None:
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_bomb(1024)))  # 1 GiB of spaces
    body_size = sum(map(len, itertools.islice(gzip_bomb(1024), 1024)))  # ~1 MiB
    limit = 32 * MiB

    tracemalloc.start()
    try:
        with pytest.raises(ArtifactError, match=f"more than {limit} bytes"):
            await mode.drain("iter_details", client, EXCHANGE, max_bytes=limit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # No single zlib call inflated a whole network chunk (~64 MiB for 64 KiB of this).
    assert peak < 2 * MiB
    assert wire.received < body_size // 4

    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", client, EXCHANGE, max_bytes=8 * MiB)
    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("save_details", client, EXCHANGE, tmp_path / "bomb.json", max_bytes=limit)
    assert listing(tmp_path) == []


async def test_a_bomb_in_the_content_encoding_layer_stops_early_too(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, wire: Wire
) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(body=lambda: gzip_bomb(1024), headers={"Content-Encoding": "gzip"}),
    )
    with pytest.raises(ArtifactError, match="more than"):
        await mode.drain("iter_details", client, EXCHANGE, max_bytes=MiB, chunk_size=4096)
    assert wire.received < 256 * 1024


@pytest.mark.parametrize("wrapped", [False, True], ids=["plain", "gzip"])
async def test_max_bytes_is_exact(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, wrapped: bool
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES) if wrapped else DOC_BYTES))

    assert await mode.call("details", client, EXCHANGE, max_bytes=len(DOC_BYTES)) == DOC
    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", client, EXCHANGE, max_bytes=len(DOC_BYTES) - 1)


async def test_every_gzip_layer_counts_toward_max_bytes(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    # The outer layer inflates to a small inner gzip plus 4 MiB of zeros that the inner layer
    # never turns into output: only counting the outer layer's output stops it.
    server.serve("details", EXCHANGE, Reply(body=gz(gz(b"{}") + bytes(4 * MiB))))

    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", client, EXCHANGE, max_bytes=MiB)


async def test_a_double_gzip_is_limited_by_its_larger_layer(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    # A tiny document: its gzip (the outer layer's output) is larger than it, so a limit of
    # exactly the document's size is crossed by the outer layer, not by the inner one.
    document = b'{"a": 1}'
    server.serve("details", EXCHANGE, Reply(body=gz(gz(document))))

    assert len(gz(document)) > len(document)
    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", client, EXCHANGE, max_bytes=len(document))
    assert await mode.call("details", client, EXCHANGE, max_bytes=len(gz(document))) == {"a": 1}


# -- 404 and other statuses ---------------------------------------------------------------------


async def test_404_means_no_artifact(
    mode: Mode, any_client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    # Nothing is served for this exchange: the server answers 404 with a JSON error.
    assert await mode.call("details", any_client, EXCHANGE) is None
    assert await mode.call("consumer_logs", any_client, EXCHANGE) is None
    with pytest.raises(NotFoundError) as caught:
        await mode.collect("iter_details", any_client, EXCHANGE)
    assert caught.value.status_code == 404
    assert caught.value.body == {"error": {"status": 404, "message": "artifact not available"}}

    existing = tmp_path / "details.json"
    existing.write_bytes(b"old")
    assert await mode.call("save_details", any_client, EXCHANGE, existing) is None
    assert await mode.call("save_consumer_logs", any_client, EXCHANGE, tmp_path / "l.json") is None
    assert listing(tmp_path) == ["details.json"]
    assert existing.read_bytes() == b"old"
    assert server.requests[-1].path == server.path("consumerlogs", EXCHANGE)


async def test_other_error_statuses_raise(
    mode: Mode, any_client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(status=503, body=b'{"error": {"message": "down"}}', content_type="application/json"),
    )
    with pytest.raises(InternalServerError) as caught:
        await mode.call("details", any_client, EXCHANGE)
    assert caught.value.status_code == 503
    with pytest.raises(InternalServerError):
        await mode.call("save_details", any_client, EXCHANGE, tmp_path / "d.json")
    assert listing(tmp_path) == []


# -- atomic saving ------------------------------------------------------------------------------


async def test_save_replaces_an_existing_file(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    server.serve("consumerlogs", EXCHANGE, Reply(body=gz(DOC_BYTES)))
    target = tmp_path / "logs.json"
    target.write_bytes(b"old")

    assert await mode.call("save_consumer_logs", client, EXCHANGE, str(target)) == len(DOC_BYTES)
    assert target.read_bytes() == DOC_BYTES
    assert listing(tmp_path) == ["logs.json"]


async def test_a_failed_save_leaves_no_file_and_the_old_one_untouched(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path, wire: Wire
) -> None:
    # A CRC error is found only at the very end, after everything else was written.
    body = gz(noisy_json(200_000))
    server.serve("details", EXCHANGE, Reply(body=flipped(body, len(body) - 6)))
    target = tmp_path / "details.json"
    target.write_bytes(b"old")
    seen: list[list[str]] = []

    def snapshot(_: Wire) -> None:
        seen.append(listing(tmp_path))

    async def asnapshot(_: Wire) -> None:
        seen.append(listing(tmp_path))

    wire.before_read, wire.before_aread = snapshot, asnapshot

    with pytest.raises(ArtifactError, match="incorrect data check"):
        await mode.call("save_details", client, EXCHANGE, target, chunk_size=1024)

    assert any(len(names) == 2 for names in seen)  # the temporary file was there mid-way
    assert listing(tmp_path) == ["details.json"]
    assert target.read_bytes() == b"old"


def test_a_keyboard_interrupt_mid_save_leaves_nothing(
    client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path, wire: Wire
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(noisy_json(400_000))))
    seen: list[str] = []

    def interrupt(wire: Wire) -> None:
        if wire.received >= 16 * 1024:
            seen.extend(listing(tmp_path))
            raise KeyboardInterrupt

    wire.before_read = interrupt

    with pytest.raises(KeyboardInterrupt):
        artifacts.save_details(client, EXCHANGE, tmp_path / "details.json", chunk_size=1024)

    assert len(seen) == 1 and seen[0].endswith(".partial")  # a temporary file existed
    assert listing(tmp_path) == []


async def test_a_cancelled_async_save_leaves_nothing(
    client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path, wire: Wire
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(noisy_json(400_000))))
    target = tmp_path / "details.json"
    target.write_bytes(b"old")
    stalled = asyncio.Event()
    seen: list[str] = []

    async def stall(wire: Wire) -> None:
        if wire.received >= 16 * 1024:
            seen.extend(listing(tmp_path))
            stalled.set()
            await asyncio.Event().wait()  # until cancelled

    wire.before_aread = stall
    task = asyncio.create_task(artifacts.asave_details(client, EXCHANGE, target, chunk_size=1024))
    await stalled.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(seen) == 2  # the old file and the temporary one
    assert listing(tmp_path) == ["details.json"]
    assert target.read_bytes() == b"old"


async def test_a_cancel_during_the_commit_waits_for_it(
    client: AuthenticatedClient,
    server: ArtifactServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fsync and rename run in a thread, which cannot be stopped: a cancellation must
    # not close and remove the file under it, but wait, then raise.
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))
    target = tmp_path / "details.json"
    entered, release = threading.Event(), threading.Event()
    real_commit = artifacts._commit

    def slow_commit(*args: Any) -> None:
        entered.set()
        release.wait(10)
        real_commit(*args)

    monkeypatch.setattr(artifacts, "_commit", slow_commit)
    task = asyncio.create_task(artifacts.asave_details(client, EXCHANGE, target))
    await asyncio.to_thread(entered.wait, 10)
    task.cancel()
    await asyncio.sleep(0)  # the task takes the cancellation while the commit still runs
    assert not task.done()
    release.set()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert target.read_bytes() == DOC_BYTES  # the commit finished: a whole file, not a part
    assert listing(tmp_path) == ["details.json"]


# -- the generic core ---------------------------------------------------------------------------


async def test_any_binary_endpoint_module_or_function_works(
    client: AuthenticatedClient, server: ArtifactServer, tmp_path: Path
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))

    chunks = list(artifacts.iter_artifact(get_exchange_details.sync, client, id=EXCHANGE))
    assert b"".join(chunks) == DOC_BYTES
    assert artifacts.load_artifact(get_exchange_details, client, id=EXCHANGE) == DOC
    assert await artifacts.aload_artifact(get_exchange_details, client, id=EXCHANGE) == DOC
    target = tmp_path / "d.json"
    assert await artifacts.asave_artifact(get_exchange_details, client, target, id=EXCHANGE) == len(
        DOC_BYTES
    )
    async with contextlib.aclosing(
        artifacts.aiter_artifact(get_exchange_details, client, id=EXCHANGE)
    ) as achunks:
        assert b"".join([chunk async for chunk in achunks]) == DOC_BYTES


def test_wrong_arguments_fail_at_the_call(client: AuthenticatedClient) -> None:
    with pytest.raises(TypeError, match="does not return a file"):
        artifacts.iter_artifact(find_exchange, client, id=EXCHANGE)
    with pytest.raises(TypeError, match="generated endpoint module"):
        artifacts.iter_artifact(print, client, id=EXCHANGE)
    with pytest.raises(TypeError, match="page_size"):
        artifacts.iter_details(client, EXCHANGE, page_size=3)
    with pytest.raises(ValueError, match="chunk_size"):
        artifacts.aiter_details(client, EXCHANGE, chunk_size=0)
    with pytest.raises(ValueError, match="max_bytes"):
        artifacts.iter_course_ids_report(client, BATCH, max_bytes=-1)


async def test_stopping_early_closes_the_response(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_pieces(big_json_pieces(64))))
    if mode.name == "sync":
        stream = artifacts.iter_details(client, EXCHANGE, chunk_size=1024)
        first = next(stream)
        stream.close()
    else:
        astream = artifacts.aiter_details(client, EXCHANGE, chunk_size=1024)
        first = await anext(astream)
        await astream.aclose()
    assert first.startswith(b'[{"i":0,')
    # The connection is free again: a second request goes through.
    server.serve("details", EXCHANGE, Reply(body=gz(b"[]")))
    assert await mode.call("details", client, EXCHANGE) == []


# -- the course-ids report -------------------------------------------------------------------

CSV_CASES: dict[str, tuple[bytes, list[str]]] = {
    "header-crlf": (b"course_id\r\n1001\r\n1002\r\n", ["1001", "1002"]),
    "no-header": (b"1001\n1002", ["1001", "1002"]),
    "bom-header": ("\ufeffcourse_id\n1001\n".encode(), ["1001"]),
    "bom-no-header": ("\ufeff1001\n1002\n".encode(), ["1001", "1002"]),
    "header-any-case": (b" Course_ID \n1\n", ["1"]),
    "empty": (b"", []),
    "header-only": (b"course_id\r\n", []),
    "blank-lines": (b"\n\ncourse_id\n\n1001\n  \n\r\n1002\n\n", ["1001", "1002"]),
    "quoted-commas": (
        b'course_id,name\r\n"A,1","Math, 101"\r\n"B,2",x\r\n',
        ["A,1", "B,2"],
    ),
    "header-picks-column": (b"name,course_id\nMath,1001\nArt,1002\n", ["1001", "1002"]),
    "quoted-line-break": (b'"multi\r\nline",x\n1002\n', ["multi\r\nline", "1002"]),
    "escaped-quotes": (b'"a""b"\n"c"\n', ['a"b', "c"]),
    "cr-only": (b"course_id\r1\r2\r", ["1", "2"]),
    "utf-8": ("course_id\nkurs-ä\nκ-7\n".encode(), ["kurs-ä", "κ-7"]),
    "empty-cells": (b"1001,\n,\n1002,x\n", ["1001", "1002"]),
    "gzipped": (gz(b"course_id\n7\n8\n"), ["7", "8"]),
}


@pytest.mark.parametrize("chunk_size", [1, 64 * 1024], ids=["1-byte-chunks", "64k-chunks"])
@pytest.mark.parametrize("case", CSV_CASES, ids=list(CSV_CASES))
async def test_course_ids_report(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer, case: str, chunk_size: int
) -> None:
    body, expected = CSV_CASES[case]
    server.serve("course_ids", BATCH, Reply(body=body, content_type="text/csv"))

    assert await mode.call("course_ids_report", client, BATCH, chunk_size=chunk_size) == expected
    assert server.requests[-1].path == server.path("course_ids", BATCH)


async def test_course_ids_report_streams(
    mode: Mode, client: AuthenticatedClient, server: ArtifactServer
) -> None:
    ids = [f"course-{i}" for i in range(20_000)]
    body = ("course_id\r\n" + "".join(f"{i}\r\n" for i in ids)).encode()
    server.serve(
        "course_ids", BATCH, Reply(body=lambda: gzip_pieces([body]), content_type="text/csv")
    )

    assert await mode.collect("iter_course_ids_report", client, BATCH, chunk_size=512) == ids


@pytest.mark.parametrize(
    ("body", "content_type", "match"),
    [
        (b"\xff\xfe1\x00\n\x00", "text/csv", "not UTF-8"),
        (b"<!DOCTYPE html><p>login</p>", "text/html", "or CSV, got text/html starting 3c 21"),
        (gz(b"course_id\n1\n")[:-3], "text/csv", "truncated gzip"),
        (b'"' + b"x" * (1024 * 1024 + 10), "text/csv", "longer than"),
    ],
    ids=["not-utf8", "html", "truncated", "endless-quoted-field"],
)
async def test_course_ids_report_rejects(
    mode: Mode,
    client: AuthenticatedClient,
    server: ArtifactServer,
    body: bytes,
    content_type: str,
    match: str,
) -> None:
    server.serve("course_ids", BATCH, Reply(body=body, content_type=content_type))
    with pytest.raises(ArtifactError, match=match):
        await mode.call("course_ids_report", client, BATCH)


async def test_course_ids_report_404_raises(mode: Mode, any_client: AuthenticatedClient) -> None:
    with pytest.raises(NotFoundError):
        await mode.call("course_ids_report", any_client, BATCH)


@settings(max_examples=200, deadline=None)
@given(
    ids=st.lists(
        st.text(min_size=1, max_size=12).filter(
            lambda text: bool(text.strip()) and _header_column([text.strip()]) is None
        ),
        max_size=8,
    ),
    second=st.booleans(),
    terminator=st.sampled_from(["\r\n", "\n", "\r"]),
    bom=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
)
def test_course_id_parsing_matches_csv_for_any_split(
    ids: list[str], second: bool, terminator: str, bom: bool, cuts: list[int]
) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator=terminator)
    for course_id in ids:
        writer.writerow([course_id, "x,y"] if second else [course_id])
    data = (("\ufeff" if bom else "") + text.getvalue()).encode()
    rows = csv.reader(io.StringIO(text.getvalue(), newline=""))
    reference = [row[0].strip() for row in rows if row]
    # A bare \r ends a record for csv too, except inside quotes; what csv reads is the rule.
    parser = _CourseIds("test")
    got: list[str] = []
    bounds = sorted({min(cut, len(data)) for cut in cuts} | {0, len(data)})
    for start, end in itertools.pairwise(bounds):
        got += parser.feed(data[start:end])
    got += parser.finish()
    assert got == [course_id for course_id in reference if course_id]


# -- the decoder on its own ------------------------------------------------------------------


def decode_all(pieces: Iterable[bytes], chunk_size: int, max_bytes: int = 1 << 30) -> list[bytes]:
    decoder = BodyDecoder(
        kind="JSON", accept=JSON_START.__contains__, max_bytes=max_bytes, chunk_size=chunk_size
    )
    out: list[bytes] = []
    for piece in pieces:
        out += decoder.feed(piece)
    out += decoder.finish()
    assert decoder.bytes_out == sum(map(len, out))
    return out


@settings(max_examples=150, deadline=None)
@given(
    payload=st.binary(max_size=3000),
    members=st.lists(st.integers(min_value=0, max_value=3000), max_size=3),
    padding=st.integers(min_value=0, max_value=3),
    outer=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=8),
    chunk_size=st.integers(min_value=1, max_value=700),
)
def test_decoder_output_is_the_payload_for_any_members_and_splits(
    payload: bytes,
    members: list[int],
    padding: int,
    outer: bool,
    cuts: list[int],
    chunk_size: int,
) -> None:
    data = b"[" + payload
    bounds = sorted({min(cut, len(data)) for cut in members} | {0, len(data)})
    body = b"".join(gz(data[a:b]) + b"\0" * padding for a, b in itertools.pairwise(bounds))
    if outer:
        body = gz(body)
    splits = sorted({min(cut, len(body)) for cut in cuts} | {0, len(body)})

    out = decode_all((body[a:b] for a, b in itertools.pairwise(splits)), chunk_size)

    assert b"".join(out) == data
    assert all(0 < len(piece) <= chunk_size for piece in out)


def test_decoder_rejects_a_lone_byte_after_a_member_and_feeding_after_finish() -> None:
    with pytest.raises(ArtifactError, match="truncated"):
        decode_all([gz(b"[]") + b"\x1f"], 64)
    decoder = BodyDecoder(kind="JSON", accept=JSON_START.__contains__, max_bytes=10, chunk_size=4)
    assert list(decoder.finish()) == []
    with pytest.raises(RuntimeError):
        list(decoder.feed(b"{}"))


def test_decoder_rejects_endless_leading_whitespace() -> None:
    with pytest.raises(ArtifactError, match="starting 20 20"):
        decode_all([b" " * 70_000, b"{}"], 1024)
    assert b"".join(decode_all([b" " * 1000, b"{}"], 1024)) == b" " * 1000 + b"{}"


def test_decoder_needs_a_positive_chunk_size() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        BodyDecoder(kind="JSON", accept=JSON_START.__contains__, max_bytes=1, chunk_size=0)


# -- the README ---------------------------------------------------------------------------

README = Path(__file__).parents[2] / "README.md"


def test_readme_examples_run(
    readme_python_blocks: Callable[[Path, str], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    blocks = readme_python_blocks(README, "Artifacts")
    assert len(blocks) == 6
    monkeypatch.chdir(tmp_path)
    with running() as server:
        server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))
        server.serve("consumerlogs", EXCHANGE, Reply(body=gz(b'[{"sent": 1}, {"sent": 2}]')))
        server.serve("course_ids", BATCH, Reply(body=b"course_id\r\n1001\r\n1002\r\n"))
        monkeypatch.setenv("DATASYNC_BASE_URL", server.base_url)
        monkeypatch.setenv("DATASYNC_TOKEN", "t")
        monkeypatch.setenv("DATASYNC_EXCHANGE_ID", str(EXCHANGE))
        monkeypatch.setenv("DATASYNC_BATCH_ID", str(BATCH))
        namespace: dict[str, Any] = {}
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)
        namespace["client"].get_httpx_client().close()
    out = capsys.readouterr().out
    assert "details: 50 rows" in out and "consumer logs: 2" in out
    assert f"details sha256: {hashlib.sha256(DOC_BYTES).hexdigest()[:12]}" in out
    assert f"saved details.json: {len(DOC_BYTES)} bytes" in out
    assert "async details: True" in out and "async first chunk starts with b'{'" in out
    assert f"async saved: {len(DOC_BYTES)}" in out
    assert "async course ids: ['1001', '1002']" in out
    assert "course ids: ['1001', '1002']" in out and "course 1002" in out
    assert "consumer log chunk of 26 bytes" in out
    assert (tmp_path / "details.json").read_bytes() == DOC_BYTES
