"""Artifacts (``client.artifacts.*``, ``client.batch_exchanges.get_course_ids_report``): real
gzip bytes over real HTTP on 127.0.0.1, through ``DataSync`` and ``AsyncDataSync``.

Most tests run twice through the ``mode`` fixture: once with a ``DataSync`` and once with an
``AsyncDataSync``, calling the same ``Artifact`` method (awaited in the async mode). Memory
bounds are asserted through what the code sees and holds (chunk sizes fed and yielded, bytes
read off the network, tracemalloc's peak), never wall time.
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
import threading
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from _artifact_server import ArtifactServer, Reply, running
from _wire import SSL_CONTEXT, AsyncCountingTransport, CountingTransport, Wire, gzip_bomb
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import datasync_grades
from datasync_grades import (
    APIConnectionError,
    ArtifactError,
    AsyncDataSync,
    BearerToken,
    DataSync,
    InternalServerError,
    NotFoundError,
    _artifacts,
)
from datasync_grades._gzip_stream import BodyDecoder
from datasync_grades._http import httpx
from datasync_grades_api.models.batch_exchange import BatchExchange
from datasync_grades_api.models.exchange import Exchange

EXCHANGE = UUID("0c1d2e3f-4a5b-4c6d-8e8f-9a0b1c2d3e4f")
BATCH = UUID("11111111-2222-4333-8444-555555555555")
MiB = 1024 * 1024
DOC: dict[str, Any] = {
    "exchange_id": str(EXCHANGE),
    "rows": [{"course": f"c{i}", "score": i / 2, "name": 'Zoë, "the" 1st'} for i in range(50)],
}
DOC_BYTES = json.dumps(DOC).encode()
COURSE_ID = ("course_id", "course_ids")  # the header names the course-ids report may carry


def gz(data: bytes, *, level: int = 6) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)


@functools.cache
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


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[ArtifactServer]:
    with running() as artifact_server:
        yield artifact_server


@pytest.fixture
def wire() -> Wire:
    return Wire()


def make_client(name: str, server: ArtifactServer, wire: Wire) -> DataSync | AsyncDataSync:
    """A client whose network reads ``wire`` counts; no retries, so every answer is final."""
    # verify: the half of the client a test does not use builds a default transport.
    options: dict[str, Any] = {
        "auth": BearerToken("t0ken"),
        "max_retries": 0,
        "verify": SSL_CONTEXT,
    }
    if name == "sync":
        return DataSync(server.base_url, transport=CountingTransport(wire), **options)
    return AsyncDataSync(server.base_url, transport=AsyncCountingTransport(wire), **options)


@pytest.fixture
def client(server: ArtifactServer, wire: Wire) -> Iterator[DataSync]:
    made = make_client("sync", server, wire)
    assert isinstance(made, DataSync)
    with made:
        yield made


@pytest.fixture
async def aclient(server: ArtifactServer, wire: Wire) -> AsyncIterator[AsyncDataSync]:
    made = make_client("async", server, wire)
    assert isinstance(made, AsyncDataSync)
    async with made:
        yield made


# Which resource method serves each of the server's routes.
OPERATIONS = {
    "details": ("artifacts", "get_exchange_details"),
    "consumerlogs": ("artifacts", "get_exchange_consumer_logs"),
    "course_ids": ("batch_exchanges", "get_course_ids_report"),
}


class Mode:
    """One client, sync or async, and its artifacts read alike.

    ``await mode.call("details", EXCHANGE, "json", max_bytes=...)`` calls
    ``client.artifacts.get_exchange_details(EXCHANGE).json(max_bytes=...)``, awaited in the
    async mode; ``params`` go to the operation.
    """

    def __init__(self, name: str, client: DataSync | AsyncDataSync) -> None:
        self.name = name
        self.client = client

    def artifact(self, route: str, id: Any, **params: Any) -> Any:
        tag, operation = OPERATIONS[route]
        return getattr(getattr(self.client, tag), operation)(id, **params)

    async def call(
        self,
        route: str,
        id: Any,
        method: str,
        *args: Any,
        params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        result = getattr(self.artifact(route, id, **(params or {})), method)(*args, **kwargs)
        return await result if self.name == "async" else result

    async def collect(self, route: str, id: Any, **kwargs: Any) -> list[bytes]:
        """Every chunk ``iter_bytes(**kwargs)`` yields."""
        chunks = self.artifact(route, id).iter_bytes(**kwargs)
        if self.name == "sync":
            return list(chunks)
        async with contextlib.aclosing(chunks) as items:
            return [item async for item in items]

    async def drain(self, route: str, id: Any, **kwargs: Any) -> int:
        """Consume ``iter_bytes(**kwargs)`` without keeping what it yields; the bytes seen."""
        seen = 0
        chunks = self.artifact(route, id).iter_bytes(**kwargs)
        if self.name == "sync":
            for chunk in chunks:
                seen += len(chunk)
            return seen
        async with contextlib.aclosing(chunks) as items:
            async for chunk in items:
                seen += len(chunk)
        return seen

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(params=["sync", "async"])
async def mode(
    request: pytest.FixtureRequest, server: ArtifactServer, wire: Wire
) -> AsyncIterator[Mode]:
    made = make_client(request.param, server, wire)
    yield Mode(request.param, made)
    if isinstance(made, DataSync):
        made.close()
    else:
        await made.aclose()


def listing(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


# -- the package surface ------------------------------------------------------------------


def test_artifacts_are_objects_of_the_client_not_a_module() -> None:
    for name in ("Artifact", "AsyncArtifact", "ArtifactError"):
        assert name in datasync_grades.__all__
    assert not hasattr(datasync_grades, "artifacts")
    protocol = {name for name in vars(datasync_grades.Artifact) if not name.startswith("_")}
    assert protocol == {"read", "json", "rows", "column", "iter_bytes", "iter_items", "save"}
    for cls in (_artifacts.Artifact, _artifacts.AsyncArtifact):
        assert protocol <= set(vars(cls))


# -- happy paths ----------------------------------------------------------------------------


async def test_details_are_decompressed_and_parsed(mode: Mode, server: ArtifactServer) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))

    assert await mode.call("details", EXCHANGE, "json", params={"course_app_id": "app-7"}) == DOC
    served = server.requests[-1]
    assert served.path == server.path("details", EXCHANGE)
    assert served.query == {"course_app_id": ["app-7"]}
    assert served.headers["authorization"] == "Bearer t0ken"
    assert served.headers["accept-encoding"] == "gzip"


async def test_an_artifact_is_lazy_and_each_read_sends_anew(
    mode: Mode, server: ArtifactServer
) -> None:
    artifact = mode.artifact("details", Exchange(id=EXCHANGE))  # the model stands for its id
    assert server.requests == []  # nothing sent yet
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))

    reads = [artifact.json(), artifact.read()]
    if mode.name == "async":
        reads = [await read for read in reads]
    assert reads == [DOC, DOC_BYTES]
    assert [served.path for served in server.requests] == [server.path("details", EXCHANGE)] * 2
    with pytest.raises(ValueError, match="has no id"):
        mode.artifact("details", Exchange())
    assert len(server.requests) == 2


async def test_consumer_logs_with_several_gzip_members_and_padding(
    mode: Mode, server: ArtifactServer
) -> None:
    logs = [{"line": i, "text": "sent to SIS"} for i in range(300)]
    data = json.dumps(logs).encode()
    third = len(data) // 3
    body = gz(data[:third]) + gz(data[third : 2 * third]) + b"\0" * 7 + gz(data[2 * third :])
    server.serve("consumerlogs", EXCHANGE, Reply(body=body))

    assert await mode.call("consumerlogs", str(EXCHANGE), "json") == logs
    assert server.requests[-1].path == server.path("consumerlogs", EXCHANGE)


@pytest.mark.parametrize(
    ("body", "parsed"),
    [(gz(b"{}"), {}), (gz(b"[]"), []), (gz(b" \n[ ]\n"), [])],
    ids=["object", "array", "whitespace"],
)
async def test_empty_json(mode: Mode, server: ArtifactServer, body: bytes, parsed: Any) -> None:
    server.serve("details", EXCHANGE, Reply(body=body))
    assert await mode.call("details", EXCHANGE, "json") == parsed


@pytest.mark.parametrize("body", [gz(b""), b""], ids=["empty-gzip", "empty-body"])
async def test_an_empty_artifact_streams_as_nothing_and_does_not_parse(
    mode: Mode, server: ArtifactServer, tmp_path: Path, body: bytes
) -> None:
    server.serve("details", EXCHANGE, Reply(body=body))

    assert await mode.collect("details", EXCHANGE) == []
    assert await mode.call("details", EXCHANGE, "read") == b""
    target = tmp_path / "details.json"
    assert await mode.call("details", EXCHANGE, "save", target) == 0
    assert target.read_bytes() == b""
    with pytest.raises(ArtifactError, match="not valid JSON"):
        await mode.call("details", EXCHANGE, "json")


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
    mode: Mode, server: ArtifactServer, wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the client's max_response_bytes (64 MiB) too: that cap is not the artifact's.
    blocks = 1040
    expected = hashlib.sha256()
    expected_size = 0
    for piece in big_json_pieces(blocks):
        expected.update(piece)
        expected_size += len(piece)
    assert expected_size > datasync_grades.DEFAULT_MAX_RESPONSE_BYTES
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_pieces(big_json_pieces(blocks))))
    # Record every compressed piece the decoder's outer layer (and so zlib) is given.
    fed: list[int] = []
    original_into = BodyDecoder._into

    def recording_into(self: BodyDecoder, depth: int, data: bytes, *, final: bool) -> Any:
        if depth == 0 and data and self._inflaters:  # given to the outer gzip layer
            fed.append(len(data))
        return original_into(self, depth, data, final=final)

    monkeypatch.setattr(BodyDecoder, "_into", recording_into)
    chunk_size = 16 * 1024
    digest = hashlib.sha256()
    size = largest = chunks = 0

    def take(chunk: bytes) -> None:
        nonlocal size, largest, chunks
        digest.update(chunk)
        size += len(chunk)
        largest = max(largest, len(chunk))
        chunks += 1

    stream = mode.artifact("details", EXCHANGE).iter_bytes(chunk_size=chunk_size)
    tracemalloc.start()
    try:
        if mode.name == "sync":
            for chunk in stream:
                take(chunk)
        else:
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
    # Neither the compressed (~6 MiB) nor the decompressed (65 MiB) body was held.
    assert peak < 3 * MiB
    assert server.last_answer_complete()


async def test_saving_a_large_artifact(mode: Mode, server: ArtifactServer, tmp_path: Path) -> None:
    blocks = 64  # 4 MiB
    expected = b"".join(big_json_pieces(blocks))
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_pieces(big_json_pieces(blocks))))
    target = tmp_path / "details.json"

    written = await mode.call("details", EXCHANGE, "save", target)

    assert written == len(expected)
    assert target.read_bytes() == expected
    assert listing(tmp_path) == ["details.json"]
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600


# -- what the body may be ---------------------------------------------------------------------


async def test_content_encoding_gzip_over_a_gzip_file(mode: Mode, server: ArtifactServer) -> None:
    server.serve(
        "details", EXCHANGE, Reply(body=gz(gz(DOC_BYTES)), headers={"Content-Encoding": "gzip"})
    )
    assert await mode.call("details", EXCHANGE, "json") == DOC


async def test_content_encoding_gzip_over_plain_json(mode: Mode, server: ArtifactServer) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(
            body=gz(DOC_BYTES),
            content_type="application/json",
            headers={"Content-Encoding": "gzip"},
        ),
    )
    assert await mode.call("details", EXCHANGE, "json") == DOC


@pytest.mark.parametrize("encoding", [None, "gzip"])
async def test_a_response_built_in_memory(encoding: str | None) -> None:
    # httpx.MockTransport hands over a response read (and its Content-Encoding decoded)
    # already: its raw bytes are gone, the stream is what httpx kept.
    body, headers = gz(DOC_BYTES), {"Content-Type": "application/gzip"}
    if encoding is not None:
        body, headers["Content-Encoding"] = gz(body), encoding

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    async def aanswer(request: httpx.Request) -> httpx.Response:
        return answer(request)

    options: dict[str, Any] = {"auth": BearerToken("t0ken"), "max_retries": 0}
    base_url = "https://api.test/v2/grades"
    with DataSync(base_url, transport=httpx.MockTransport(answer), **options) as client:
        artifact = client.artifacts.get_exchange_details(EXCHANGE)
        assert artifact.json() == DOC
        chunks = list(artifact.iter_bytes(chunk_size=100))
    assert b"".join(chunks) == DOC_BYTES and max(map(len, chunks)) <= 100
    async with AsyncDataSync(
        base_url, transport=httpx.MockTransport(aanswer), **options
    ) as aclient:
        aartifact = aclient.artifacts.get_exchange_details(EXCHANGE)
        assert await aartifact.json() == DOC
        async with contextlib.aclosing(aartifact.iter_bytes(chunk_size=100)) as pieces:
            achunks = [piece async for piece in pieces]
    assert achunks == chunks


@pytest.mark.parametrize(
    "coding",
    ["deflate", "br", "zstd", "deflate, deflate", ", ".join(["gzip"] * 1000), "gzip, gzip, gzip"],
    ids=["deflate", "br", "zstd", "deflate-twice", "gzip-1000", "gzip-3"],
)
async def test_a_content_encoding_but_gzip_is_refused(
    mode: Mode, server: ArtifactServer, coding: str
) -> None:
    # httpx would decode any of these itself, without a bound (deflate, deflate: 3.4 KB to
    # 2 GiB); 1,000 declared gzip layers would recurse 1,000 deep.
    bomb = zlib.compress(zlib.compress(b"\0" * 10_000_000))
    server.serve("details", EXCHANGE, Reply(body=bomb, headers={"Content-Encoding": coding}))
    with pytest.raises(ArtifactError, match="only gzip"):
        await mode.call("details", EXCHANGE, "json")


@pytest.mark.parametrize(
    "body",
    [DOC_BYTES, b"\r\n\t " + DOC_BYTES, b"\xef\xbb\xbf" + DOC_BYTES],
    ids=["json", "leading-whitespace", "bom"],
)
async def test_plain_json_passes_through(mode: Mode, server: ArtifactServer, body: bytes) -> None:
    server.serve("details", EXCHANGE, Reply(body=body, content_type="application/json"))

    assert await mode.call("details", EXCHANGE, "json") == DOC
    assert b"".join(await mode.collect("details", EXCHANGE)) == body


async def test_html_is_rejected_naming_what_came(
    mode: Mode, server: ArtifactServer, tmp_path: Path
) -> None:
    page = b"<html><body>Please log in</body></html>"
    server.serve("details", EXCHANGE, Reply(body=page, content_type="text/html; charset=utf-8"))

    with pytest.raises(ArtifactError) as caught:
        await mode.call("details", EXCHANGE, "json")
    message = str(caught.value)
    assert "expected gzip (1f 8b) or JSON, got bytes starting 3c 68 74 6d" in message
    assert "get_exchange_details" in message
    assert "t0ken" not in message
    with pytest.raises(ArtifactError, match="expected gzip"):
        await mode.call("details", EXCHANGE, "save", tmp_path / "d.json")
    assert listing(tmp_path) == []


async def test_the_servers_content_type_is_not_quoted(mode: Mode, server: ArtifactServer) -> None:
    # A C1 CSI (0x9b) passes HTTP's header rules (obs-text) and would drive a terminal: the
    # message shows what came in hex, never the server's words.
    page = b"<\x9b2J\x85html><body>Please log in</body></html>"
    server.serve("details", EXCHANGE, Reply(body=page, content_type="text/html\x9b2J\x85"))

    with pytest.raises(ArtifactError) as caught:
        await mode.call("details", EXCHANGE, "json")
    message = str(caught.value)
    assert "\x9b" not in message and "\x85" not in message and "text/html" not in message
    assert "starting 3c 9b 32 4a 85" in message


async def test_inside_gzip_only_json_or_gzip_is_accepted(
    mode: Mode, server: ArtifactServer
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(b"PK\x03\x04 a zip file")))
    with pytest.raises(ArtifactError, match=r"starting 50 4b 03 04 .* inside gzip"):
        await mode.call("details", EXCHANGE, "json")

    server.serve("details", EXCHANGE, Reply(body=gz(gz(gz(DOC_BYTES)))))
    with pytest.raises(ArtifactError, match="gzip nested over 2"):
        await mode.call("details", EXCHANGE, "json")


async def test_invalid_json_inside_valid_gzip(mode: Mode, server: ArtifactServer) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(b'{"rows": [1, 2,')))
    with pytest.raises(ArtifactError, match="not valid JSON"):
        await mode.call("details", EXCHANGE, "json")


# -- broken bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keep", [0.5, -8, -1, 5], ids=["half", "no-trailer", "last-byte", "header"]
)
async def test_truncated_gzip(mode: Mode, server: ArtifactServer, keep: float) -> None:
    body = gz(noisy_json(20_000))
    cut = int(len(body) * keep) if isinstance(keep, float) else keep
    server.serve("details", EXCHANGE, Reply(body=body[:cut]))

    with pytest.raises(ArtifactError, match="truncated gzip"):
        await mode.call("details", EXCHANGE, "json")
    with pytest.raises(ArtifactError, match="truncated gzip"):
        await mode.collect("details", EXCHANGE)


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
    mode: Mode, server: ArtifactServer, where: Callable[[bytes], int], reason: str
) -> None:
    body = gz(noisy_json(20_000))
    server.serve("details", EXCHANGE, Reply(body=flipped(body, where(body))))

    with pytest.raises(ArtifactError, match="corrupt gzip") as caught:
        await mode.call("details", EXCHANGE, "json")
    assert isinstance(caught.value.__cause__, zlib.error)
    if reason:
        assert any(part in str(caught.value) for part in reason.split("|"))


async def test_garbage_after_the_gzip_stream(mode: Mode, server: ArtifactServer) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES) + b"<html>oops"))
    with pytest.raises(ArtifactError, match="corrupt gzip: data after its end"):
        await mode.call("details", EXCHANGE, "json")


async def test_a_connection_dropped_mid_body(
    mode: Mode, server: ArtifactServer, tmp_path: Path
) -> None:
    body = gz(noisy_json(300_000))
    server.serve("details", EXCHANGE, Reply(body=body, cut_after=len(body) // 2))

    with pytest.raises(APIConnectionError) as caught:
        await mode.call("details", EXCHANGE, "json")
    # Plain data: no httpx error (whose request holds the token) chained.
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)
    assert caught.value.cause_type in {"RemoteProtocolError", "ReadError"}
    with pytest.raises(APIConnectionError):
        await mode.call("details", EXCHANGE, "save", tmp_path / "d.json")
    assert listing(tmp_path) == []


# -- size limits ------------------------------------------------------------------------------


def test_the_bomb_is_a_valid_gzip() -> None:
    assert gzip.decompress(b"".join(gzip_bomb(5))) == b"[" + b" " * (5 * MiB)


async def test_a_gzip_bomb_stops_early(
    mode: Mode, server: ArtifactServer, wire: Wire, tmp_path: Path
) -> None:
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_bomb(1024)))  # 1 GiB of spaces
    body_size = sum(map(len, gzip_bomb(1024)))  # ~1 MiB
    limit = 32 * MiB

    tracemalloc.start()
    try:
        with pytest.raises(ArtifactError, match=f"more than {limit} bytes"):
            await mode.drain("details", EXCHANGE, max_bytes=limit)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # No single zlib call inflated a whole network chunk (~64 MiB for 64 KiB of this).
    assert peak < 2 * MiB
    assert wire.received < body_size // 4

    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", EXCHANGE, "json", max_bytes=8 * MiB)
    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", EXCHANGE, "save", tmp_path / "bomb.json", max_bytes=limit)
    assert listing(tmp_path) == []


async def test_in_memory_reads_and_streams_have_their_own_default_limits(
    mode: Mode, server: ArtifactServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The documented defaults, then what each one bounds (made small, to stay quick).
    defaults = (_artifacts.DEFAULT_MAX_MEMORY_BYTES, _artifacts.DEFAULT_MAX_BYTES)
    assert defaults == (256 * MiB, 4 * 1024 * MiB)
    monkeypatch.setattr(_artifacts, "DEFAULT_MAX_MEMORY_BYTES", MiB)
    monkeypatch.setattr(_artifacts, "DEFAULT_MAX_BYTES", 2 * MiB)
    middle = noisy_json(3 * MiB // 2)
    server.serve("details", EXCHANGE, Reply(body=gz(middle)))
    for method in ("json", "read"):
        with pytest.raises(ArtifactError, match=f"more than {MiB} bytes"):
            await mode.call("details", EXCHANGE, method)
    assert await mode.drain("details", EXCHANGE) == len(middle)
    assert await mode.call("details", EXCHANGE, "save", tmp_path / "d.json") == len(middle)

    server.serve("details", EXCHANGE, Reply(body=gz(noisy_json(3 * MiB))))
    with pytest.raises(ArtifactError, match=f"more than {2 * MiB} bytes"):
        await mode.drain("details", EXCHANGE)
    with pytest.raises(ArtifactError, match=f"more than {2 * MiB} bytes"):
        await mode.call("details", EXCHANGE, "save", tmp_path / "d.json")
    assert (tmp_path / "d.json").read_bytes() == middle


async def test_a_bomb_in_the_content_encoding_layer_stops_early_too(
    mode: Mode, server: ArtifactServer, wire: Wire
) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(body=lambda: gzip_bomb(1024), headers={"Content-Encoding": "gzip"}),
    )
    with pytest.raises(ArtifactError, match="more than"):
        await mode.drain("details", EXCHANGE, max_bytes=MiB, chunk_size=4096)
    assert wire.received < 256 * 1024


@pytest.mark.parametrize("wrapped", [False, True], ids=["plain", "gzip"])
async def test_max_bytes_is_exact(mode: Mode, server: ArtifactServer, wrapped: bool) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES) if wrapped else DOC_BYTES))

    assert await mode.call("details", EXCHANGE, "json", max_bytes=len(DOC_BYTES)) == DOC
    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", EXCHANGE, "json", max_bytes=len(DOC_BYTES) - 1)


async def test_every_gzip_layer_counts_toward_max_bytes(mode: Mode, server: ArtifactServer) -> None:
    # The outer layer inflates to a small inner gzip plus 4 MiB of zeros that the inner layer
    # never turns into output: only counting the outer layer's output stops it.
    server.serve("details", EXCHANGE, Reply(body=gz(gz(b"{}") + bytes(4 * MiB))))

    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", EXCHANGE, "json", max_bytes=MiB)


async def test_a_double_gzip_is_limited_by_its_larger_layer(
    mode: Mode, server: ArtifactServer
) -> None:
    # A tiny document: its gzip (the outer layer's output) is larger than it, so a limit of
    # exactly the document's size is crossed by the outer layer, not by the inner one.
    document = b'{"a": 1}'
    server.serve("details", EXCHANGE, Reply(body=gz(gz(document))))

    assert len(gz(document)) > len(document)
    with pytest.raises(ArtifactError, match="max_bytes"):
        await mode.call("details", EXCHANGE, "json", max_bytes=len(document))
    assert await mode.call("details", EXCHANGE, "json", max_bytes=len(gz(document))) == {"a": 1}


# -- 404 and other statuses ---------------------------------------------------------------------


async def test_404_means_no_artifact(mode: Mode, server: ArtifactServer, tmp_path: Path) -> None:
    # Nothing is served for this exchange: the server answers 404 with a JSON error.
    assert await mode.call("details", EXCHANGE, "json") is None
    assert await mode.call("consumerlogs", EXCHANGE, "json") is None
    assert await mode.call("details", EXCHANGE, "read") is None
    with pytest.raises(NotFoundError) as caught:
        await mode.collect("details", EXCHANGE)
    assert caught.value.status_code == 404
    assert caught.value.body == {"error": {"status": 404, "message": "artifact not available"}}

    existing = tmp_path / "details.json"
    existing.write_bytes(b"old")
    assert await mode.call("details", EXCHANGE, "save", existing) is None
    assert await mode.call("consumerlogs", EXCHANGE, "save", tmp_path / "l.json") is None
    assert listing(tmp_path) == ["details.json"]
    assert existing.read_bytes() == b"old"
    assert server.requests[-1].path == server.path("consumerlogs", EXCHANGE)


async def test_other_error_statuses_raise(
    mode: Mode, server: ArtifactServer, tmp_path: Path
) -> None:
    server.serve(
        "details",
        EXCHANGE,
        Reply(status=503, body=b'{"error": {"message": "down"}}', content_type="application/json"),
    )
    with pytest.raises(InternalServerError) as caught:
        await mode.call("details", EXCHANGE, "json")
    assert caught.value.status_code == 503
    assert caught.value.body == {"error": {"message": "down"}}
    with pytest.raises(InternalServerError):
        await mode.call("details", EXCHANGE, "save", tmp_path / "d.json")
    with pytest.raises(InternalServerError):
        await mode.collect("details", EXCHANGE)
    assert listing(tmp_path) == []


# -- atomic saving ------------------------------------------------------------------------------


async def test_save_replaces_an_existing_file(
    mode: Mode, server: ArtifactServer, tmp_path: Path
) -> None:
    server.serve("consumerlogs", EXCHANGE, Reply(body=gz(DOC_BYTES)))
    target = tmp_path / "logs.json"
    target.write_bytes(b"old")

    assert await mode.call("consumerlogs", EXCHANGE, "save", str(target)) == len(DOC_BYTES)
    assert target.read_bytes() == DOC_BYTES
    assert listing(tmp_path) == ["logs.json"]


async def test_a_failed_save_leaves_no_file_and_the_old_one_untouched(
    mode: Mode, server: ArtifactServer, tmp_path: Path, wire: Wire
) -> None:
    # A CRC error is found only at the very end, after everything else was written.
    body = gz(noisy_json(400_000))
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
        await mode.call("details", EXCHANGE, "save", target)

    assert any(len(names) == 2 for names in seen)  # the temporary file was there mid-way
    assert listing(tmp_path) == ["details.json"]
    assert target.read_bytes() == b"old"


def test_a_keyboard_interrupt_mid_save_leaves_nothing(
    client: DataSync, server: ArtifactServer, tmp_path: Path, wire: Wire
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(noisy_json(1_000_000))))  # ~500 KiB
    seen: list[str] = []

    def interrupt(wire: Wire) -> None:
        if wire.received >= 256 * 1024:  # a few 64 KiB chunks were yielded
            seen.extend(listing(tmp_path))
            raise KeyboardInterrupt

    wire.before_read = interrupt

    with pytest.raises(KeyboardInterrupt):
        client.artifacts.get_exchange_details(EXCHANGE).save(tmp_path / "details.json")

    assert len(seen) == 1 and seen[0].endswith(".partial")  # a temporary file existed
    assert listing(tmp_path) == []


async def test_a_cancelled_async_save_leaves_nothing(
    aclient: AsyncDataSync, server: ArtifactServer, tmp_path: Path, wire: Wire
) -> None:
    server.serve("details", EXCHANGE, Reply(body=gz(noisy_json(1_000_000))))  # ~500 KiB
    target = tmp_path / "details.json"
    target.write_bytes(b"old")
    stalled = asyncio.Event()
    seen: list[str] = []

    async def stall(wire: Wire) -> None:
        if wire.received >= 256 * 1024:  # a few 64 KiB chunks were yielded
            seen.extend(listing(tmp_path))
            stalled.set()
            await asyncio.Event().wait()  # until cancelled

    wire.before_aread = stall
    task = asyncio.create_task(aclient.artifacts.get_exchange_details(EXCHANGE).save(target))
    await stalled.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(seen) == 2  # the old file and the temporary one
    assert listing(tmp_path) == ["details.json"]
    assert target.read_bytes() == b"old"


async def test_a_cancel_during_the_commit_waits_for_it(
    aclient: AsyncDataSync,
    server: ArtifactServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The fsync and rename run in a thread, which cannot be stopped: a cancellation must
    # not close and remove the file under it, but wait, then raise.
    server.serve("details", EXCHANGE, Reply(body=gz(DOC_BYTES)))
    target = tmp_path / "details.json"
    entered, release = threading.Event(), threading.Event()
    real_commit = _artifacts._commit

    def slow_commit(*args: Any) -> None:
        entered.set()
        release.wait(10)
        real_commit(*args)

    monkeypatch.setattr(_artifacts, "_commit", slow_commit)
    task = asyncio.create_task(aclient.artifacts.get_exchange_details(EXCHANGE).save(target))
    await asyncio.to_thread(entered.wait, 10)
    task.cancel()
    await asyncio.sleep(0)  # the task takes the cancellation while the commit still runs
    assert not task.done()
    release.set()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert target.read_bytes() == DOC_BYTES  # the commit finished: a whole file, not a part
    assert listing(tmp_path) == ["details.json"]


# -- arguments, and leaving early ------------------------------------------------------------


async def test_wrong_sizes_fail_at_the_call_before_anything_is_sent(
    mode: Mode, server: ArtifactServer, tmp_path: Path
) -> None:
    artifact = mode.artifact("details", EXCHANGE)
    with pytest.raises(ValueError, match="chunk_size"):
        artifact.iter_bytes(chunk_size=0)
    with pytest.raises(ValueError, match="max_bytes"):
        artifact.iter_bytes(max_bytes=-1)
    for method, args in [("read", ()), ("json", ()), ("save", (tmp_path / "d.json",))]:
        with pytest.raises(ValueError, match="max_bytes"):
            await mode.call("details", EXCHANGE, method, *args, max_bytes=-1)
    with pytest.raises(ValueError, match="max_bytes"):
        await mode.call("course_ids", BATCH, "column", "course_id", max_bytes=-1)
    assert server.requests == []
    assert listing(tmp_path) == []


async def test_stopping_early_closes_the_response(mode: Mode, server: ArtifactServer) -> None:
    server.serve("details", EXCHANGE, Reply(body=lambda: gzip_pieces(big_json_pieces(64))))
    stream = mode.artifact("details", EXCHANGE).iter_bytes(chunk_size=1024)
    if mode.name == "sync":
        first = next(stream)
        stream.close()
    else:
        first = await anext(stream)
        await stream.aclose()
    assert first.startswith(b'[{"i":0,')
    # The connection is free again: a second request goes through.
    server.serve("details", EXCHANGE, Reply(body=gz(b"[]")))
    assert await mode.call("details", EXCHANGE, "json") == []


# -- the course-ids report -------------------------------------------------------------------

CSV_CASES: dict[str, tuple[bytes, list[str]]] = {
    "header-crlf": (b"course_id\r\n1001\r\n1002\r\n", ["1001", "1002"]),
    "no-header": (b"1001\n1002", ["1001", "1002"]),
    "bom-header": ("\ufeffcourse_id\n1001\n".encode(), ["1001"]),
    "bom-no-header": ("\ufeff1001\n1002\n".encode(), ["1001", "1002"]),
    "header-any-case": (b" Course_ID \n1\n", ["1"]),
    "header-spelt-otherwise": (b"Course-IDs\n1\n", ["1"]),
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


@pytest.mark.parametrize("case", CSV_CASES, ids=list(CSV_CASES))
async def test_course_ids_report(mode: Mode, server: ArtifactServer, case: str) -> None:
    body, expected = CSV_CASES[case]
    server.serve("course_ids", BATCH, Reply(body=body, content_type="text/csv"))

    assert await mode.call("course_ids", BATCH, "column", *COURSE_ID) == expected
    assert server.requests[-1].path == server.path("course_ids", BATCH)


async def test_course_ids_report_rows(mode: Mode, server: ArtifactServer) -> None:
    body = b'course_id,name\r\n\r\n1001,"Math, 101"\r\n  ,\r\n1002,Art\r\n'
    server.serve("course_ids", BATCH, Reply(body=body, content_type="text/csv"))

    rows = await mode.call("course_ids", BatchExchange(id=BATCH), "rows")
    assert rows == [["course_id", "name"], ["1001", "Math, 101"], ["1002", "Art"]]
    assert await mode.call("course_ids", BATCH, "column", "name") == ["Math, 101", "Art"]


async def test_a_large_chunked_gzip_report(mode: Mode, server: ArtifactServer) -> None:
    ids = [f"course-{i}" for i in range(20_000)]
    body = ("course_id\r\n" + "".join(f"{i}\r\n" for i in ids)).encode()
    server.serve(
        "course_ids", BATCH, Reply(body=lambda: gzip_pieces([body]), content_type="text/csv")
    )

    assert await mode.call("course_ids", BATCH, "column", *COURSE_ID) == ids
    chunks = await mode.collect("course_ids", BATCH, chunk_size=512)
    assert b"".join(chunks) == body and max(map(len, chunks)) <= 512


@pytest.mark.parametrize(
    ("body", "content_type", "match"),
    [
        (b"\xff\xfe1\x00\n\x00", "text/csv", "not a UTF-8 CSV report: 'utf-8' codec"),
        (b"<!DOCTYPE html><p>login</p>", "text/html", "or CSV, got bytes starting 3c 21"),
        (gz(b"course_id\n1\n")[:-3], "text/csv", "truncated gzip"),
        (b'"' + b"x" * (1024 * 1024 + 10), "text/csv", "not a UTF-8 CSV report: field larger"),
    ],
    ids=["not-utf8", "html", "truncated", "endless-quoted-field"],
)
async def test_course_ids_report_rejects(
    mode: Mode, server: ArtifactServer, body: bytes, content_type: str, match: str
) -> None:
    server.serve("course_ids", BATCH, Reply(body=body, content_type=content_type))
    with pytest.raises(ArtifactError, match=match):
        await mode.call("course_ids", BATCH, "column", *COURSE_ID)


async def test_course_ids_report_404(mode: Mode) -> None:
    assert await mode.call("course_ids", BATCH, "column", *COURSE_ID) is None
    assert await mode.call("course_ids", BATCH, "rows") is None
    with pytest.raises(NotFoundError):
        await mode.collect("course_ids", BATCH)


def _is_course_id_header(cell: str) -> bool:
    return cell.strip().lower().replace("-", "_").replace(" ", "_") in COURSE_ID


def test_course_ids_match_what_csv_reads() -> None:
    # One server and one client for every example: each example is one request.
    with (
        running() as server,
        DataSync(server.base_url, auth=BearerToken("t"), verify=SSL_CONTEXT) as client,
    ):

        @settings(max_examples=150, deadline=None)
        @given(
            ids=st.lists(
                st.text(min_size=1, max_size=12).filter(
                    lambda text: bool(text.strip()) and not _is_course_id_header(text)
                ),
                max_size=8,
            ),
            second=st.booleans(),
            terminator=st.sampled_from(["\r\n", "\n", "\r"]),
            bom=st.booleans(),
        )
        def check(ids: list[str], second: bool, terminator: str, bom: bool) -> None:
            text = io.StringIO()
            writer = csv.writer(text, lineterminator=terminator)
            for course_id in ids:
                writer.writerow([course_id, "x,y"] if second else [course_id])
            # A body whose first real character is "<" is an HTML page, not a report (the
            # decoder's rule, tested above): no report of ids starts so.
            assume(not text.getvalue().lstrip(" \t\r\n").startswith("<"))
            data = (("\ufeff" if bom else "") + text.getvalue()).encode()
            rows = csv.reader(io.StringIO(text.getvalue(), newline=""))
            # A bare \r ends a record for csv too, except inside quotes: csv is the rule.
            reference = [row[0].strip() for row in rows if row]
            server.serve("course_ids", BATCH, Reply(body=data, content_type="text/csv"))
            got = client.batch_exchanges.get_course_ids_report(BATCH).column(*COURSE_ID)
            assert got == [course_id for course_id in reference if course_id]

        check()


# -- the decoder on its own ------------------------------------------------------------------


def decode_all(pieces: Iterable[bytes], chunk_size: int, max_bytes: int = 1 << 30) -> list[bytes]:
    decoder = BodyDecoder(kind="JSON", max_bytes=max_bytes, chunk_size=chunk_size)
    out: list[bytes] = []
    for piece in pieces:
        out += decoder.feed(piece)
    out += decoder.finish()
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


def test_decoder_rejects_a_lone_byte_after_a_member_and_a_lone_one_alone() -> None:
    with pytest.raises(ArtifactError, match="truncated"):
        decode_all([gz(b"[]") + b"\x1f"], 64)
    with pytest.raises(ArtifactError, match="expected gzip"):
        decode_all([b"\x1f"], 64)
    assert decode_all([], 64) == []


def test_decoder_passes_leading_whitespace_as_it_comes_and_checks_the_first_byte() -> None:
    # Nothing is held while only whitespace (and a BOM) came: each piece passes at once.
    decoder = BodyDecoder(kind="JSON", max_bytes=1 << 30, chunk_size=1024)
    assert (
        b"".join(decoder.feed(b"\xef\xbb\xbf" + b" " * 70_000)) == b"\xef\xbb\xbf" + b" " * 70_000
    )
    assert b"".join(decoder.feed(b"\n{}")) == b"\n{}"
    with pytest.raises(ArtifactError, match="starting 3c 68"):
        decode_all([b" " * 70_000, b"<html>"], 1024)
