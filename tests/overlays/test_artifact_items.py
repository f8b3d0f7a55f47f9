"""``Artifact.iter_items()`` and ``AsyncArtifact.iter_items()``: a JSON artifact's items one by
one, through ``DataSync`` and ``AsyncDataSync`` on an ``httpx.MockTransport`` whose body
arrives in the pieces a test chooses (so every cut of the text is reached), and the memory
bound measured in a child process on a 50 MB artifact.

The rule pinned here: each top-level value (one, or several as in JSON lines) gives, if an
array, its items; if an object, the items of its array member ``member`` (default: its first
array-valued member) or, with no such member, itself; any other value, itself.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datasync_grades import (
    ArtifactError,
    AsyncDataSync,
    BearerToken,
    DataSync,
    NotFoundError,
    _artifacts,
)
from datasync_grades._http import httpx

EXCHANGE = uuid.UUID("0c1d2e3f-4a5b-4c6d-8e8f-9a0b1c2d3e4f")
BATCH = uuid.UUID("11111111-2222-4333-8444-555555555555")
MODES = ["sync", "async"]


class Served:
    """What the mock server answers: a status, headers and the body in given pieces, each
    handed to the client as one read (a streamed response, never read ahead)."""

    def __init__(self) -> None:
        self.status = 200
        self.pieces: list[bytes] = []
        self.headers = {"Content-Type": "application/gzip"}
        self.requests = 0
        self.closed = 0

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(self.status, headers=self.headers, stream=_Stream(self))


class _Stream(httpx.SyncByteStream, httpx.AsyncByteStream):
    def __init__(self, served: Served) -> None:
        self.served, self.pieces = served, list(served.pieces)

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece

    def close(self) -> None:
        self.served.closed += 1

    async def aclose(self) -> None:
        self.close()


def make_client(mode: str, served: Served) -> DataSync | AsyncDataSync:
    options: dict[str, Any] = {"auth": BearerToken("t0ken"), "max_retries": 0}
    if mode == "sync":
        return DataSync(
            "https://api.test/v2/grades", transport=httpx.MockTransport(served.answer), **options
        )

    async def answer(request: httpx.Request) -> httpx.Response:
        return served.answer(request)

    return AsyncDataSync(
        "https://api.test/v2/grades", transport=httpx.MockTransport(answer), **options
    )


async def items_of(client: DataSync | AsyncDataSync, **kwargs: Any) -> list[Any]:
    artifact = client.artifacts.get_exchange_details(EXCHANGE)
    if isinstance(client, DataSync):
        return list(artifact.iter_items(**kwargs))
    async with contextlib.aclosing(artifact.iter_items(**kwargs)) as items:
        return [item async for item in items]


@pytest.fixture
def served() -> Served:
    return Served()


@pytest.fixture(params=MODES)
async def client(
    request: pytest.FixtureRequest, served: Served
) -> AsyncIterator[DataSync | AsyncDataSync]:
    made = make_client(request.param, served)
    yield made
    await made.aclose() if isinstance(made, AsyncDataSync) else made.close()


def serve(served: Served, body: bytes, cuts: list[int] | None = None, **headers: str) -> None:
    """Serve ``body`` cut at ``cuts`` (every byte apart when None)."""
    bounds = sorted({0, len(body), *(min(c, len(body)) for c in cuts)}) if cuts is not None else []
    served.pieces = (
        [body[a:b] for a, b in itertools.pairwise(bounds)]
        if cuts is not None
        else [body[i : i + 1] for i in range(len(body))]
    )
    served.headers.update(headers)


def expected(values: list[Any], member: str | None = None) -> list[Any]:
    """The rule of the module docstring, on values already parsed."""
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out += value
        elif isinstance(value, dict):
            arrays = [k for k, v in value.items() if isinstance(v, list) and member in (None, k)]
            out += value[arrays[0]] if arrays else [value]
        else:
            out.append(value)
    return out


# -- the formats --------------------------------------------------------------------------------

DETAILS = {
    "exchange_id": str(EXCHANGE),
    "state": "completed",
    "chunks": 2,
    "assignments": [{"name": f"Essay {i}", "points_possible": 10, "scores": []} for i in range(5)],
    "summaries": [{"summary_type": "final", "score": 91.5}],
}


async def test_an_objects_first_array_member_or_the_one_named(
    client: DataSync | AsyncDataSync, served: Served
) -> None:
    serve(served, gzip.compress(json.dumps(DETAILS).encode(), mtime=0), cuts=[])
    assert await items_of(client) == DETAILS["assignments"]
    assert await items_of(client, member="summaries") == DETAILS["summaries"]
    assert await items_of(client, member="absent") == [DETAILS]  # no such member: itself


async def test_a_top_level_array_and_json_lines(
    client: DataSync | AsyncDataSync, served: Served
) -> None:
    serve(served, b'[{"a": 1}, 2, "three", null, [4]]', cuts=[], **{"Content-Type": "text/json"})
    assert await items_of(client) == [{"a": 1}, 2, "three", None, [4]]
    lines = b'{"line": 1}\n{"line": 2, "tags": ["x"]}\n{"line": 3}\n'
    serve(served, lines, cuts=[])
    assert await items_of(client, member="entries") == [
        {"line": 1},
        {"line": 2, "tags": ["x"]},
        {"line": 3},
    ]
    assert await items_of(client) == [{"line": 1}, "x", {"line": 3}]


@pytest.mark.parametrize(
    "body", [b"", b"  \n", gzip.compress(b"", mtime=0)], ids=["empty", "blank", "gz"]
)
async def test_an_empty_artifact_has_no_items(
    client: DataSync | AsyncDataSync, served: Served, body: bytes
) -> None:
    serve(served, body, cuts=[])
    assert await items_of(client) == []


async def test_numbers_and_literals_cut_at_every_byte_are_taken_whole(
    client: DataSync | AsyncDataSync, served: Served
) -> None:
    # Each prefix of 12345 or -1.5e+10 is a number too: only a delimiter or the end says it
    # is whole. A multi-byte character cut in two is joined again.
    body = '[12345, -1.5e+10, true, false, null, "Zoë ✓ \\u00e9", 0, 7]'.encode()
    reference = json.loads(body)
    for cut in range(len(body) + 1):
        serve(served, body, cuts=[cut])
        assert await items_of(client) == reference, cut
    serve(served, body)  # every byte its own piece
    assert await items_of(client) == reference
    serve(served, b"[1, 2, 3]\n42")  # the last value ends with the body
    assert await items_of(client) == [1, 2, 3, 42]


# -- property: any document, cut anywhere ------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)
CONTAINERS = st.lists(VALUES, max_size=5) | st.dictionaries(st.text(max_size=5), VALUES, max_size=4)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.tuples(CONTAINERS, st.lists(VALUES, max_size=3)).map(lambda t: [t[0], *t[1]]),
    member=st.none() | st.text(max_size=5),
    indent=st.none() | st.integers(min_value=0, max_value=2),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=6),
    compressed=st.booleans(),
)
def test_items_are_the_rule_for_any_values_cut_anywhere(
    values: list[Any], member: str | None, indent: int | None, cuts: list[int], compressed: bool
) -> None:
    # One value is a whole JSON document; several are JSON lines (one line each).
    text = "\n".join(
        json.dumps(value, indent=indent if len(values) == 1 else None) for value in values
    )
    body = text.encode()
    served = Served()
    serve(served, gzip.compress(body, mtime=0) if compressed else body, cuts=cuts)
    with make_client("sync", served) as client:
        assert list(
            client.artifacts.get_exchange_details(EXCHANGE).iter_items(member=member)
        ) == expected(values, member)
    serve(served, body)  # and every byte apart
    with make_client("sync", served) as client:
        assert list(
            client.artifacts.get_exchange_details(EXCHANGE).iter_items(member=member)
        ) == expected(values, member)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=5), data=st.data())
def test_every_proper_prefix_of_an_array_is_an_artifact_error(
    values: list[Any], data: st.DataObject
) -> None:
    body = json.dumps(values).encode()
    cut = data.draw(st.integers(min_value=1, max_value=len(body) - 1))
    served = Served()
    serve(served, body[:cut], cuts=[cut // 2])
    with (
        make_client("sync", served) as client,
        pytest.raises(ArtifactError, match="not valid JSON"),
    ):
        list(client.artifacts.get_exchange_details(EXCHANGE).iter_items())


# -- what is refused, typed -----------------------------------------------------------------

BAD = {
    "cut": (b'[1, {"a": 2', "not valid JSON"),
    "no comma": (b"[1 2]", "expected one of ',]'"),
    "trailing comma": (b"[1, 2,]", "not valid JSON"),
    "no colon": (b'{"a" [1]}', "expected one of ':'"),
    "key not a string": (b"{1: [2]}", "key is not a string"),
    "garbage after": (b"[1, 2] <html>", "not valid JSON"),
    "not UTF-8": (b'["\xff\xfe"]', "not valid JSON"),
    "5000 digits": (b"[" + b"9" * 5000 + b", 1]", "not valid JSON"),
    "nested past the recursion limit": (
        b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]",
        "RecursionError",
    ),
    "html": (b"<html>login</html>", "expected gzip"),
    "a JSON string": (b'"x"', "expected gzip"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
async def test_a_bad_artifact_is_a_typed_artifact_error(
    client: DataSync | AsyncDataSync, served: Served, case: str
) -> None:
    body, match = BAD[case]
    serve(served, body, cuts=[len(body) // 2], **{"Content-Type": "application/json"})
    with pytest.raises(ArtifactError, match=match) as caught:
        await items_of(client)
    assert "t0ken" not in str(caught.value)
    assert served.closed == served.requests  # the response was closed


async def test_the_bounds_of_read_apply(
    client: DataSync | AsyncDataSync, served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = json.dumps([{"i": i, "pad": "x" * 100} for i in range(100)]).encode()
    serve(served, gzip.compress(body, mtime=0), cuts=[100, 200])
    with pytest.raises(ArtifactError, match="max_bytes"):
        await items_of(client, max_bytes=len(body) - 1)
    assert len(await items_of(client, max_bytes=len(body))) == 100
    with pytest.raises(ValueError, match="max_bytes"):
        client.artifacts.get_exchange_details(EXCHANGE).iter_items(max_bytes=-1)
    # One item is held at a time: the file may be larger than the in-memory cap, an item not.
    monkeypatch.setattr(_artifacts, "DEFAULT_MAX_MEMORY_BYTES", 1024)
    serve(served, body, cuts=list(range(0, len(body), 100)))
    assert len(await items_of(client)) == 100
    serve(served, json.dumps([1, "x" * 5000, 2]).encode(), cuts=list(range(0, 6000, 100)))
    with pytest.raises(ArtifactError, match="an item over 1024 bytes"):
        await items_of(client)
    # And the number of values one item parses into.
    monkeypatch.setattr(_artifacts, "MAX_JSON_VALUES", 1000)
    serve(served, json.dumps([[[]] * 600, [[]] * 200]).encode(), cuts=[100])
    with pytest.raises(ArtifactError, match="over 1000 JSON values"):
        await items_of(client)


async def test_a_404_is_not_found_when_iterated_and_nothing_is_sent_before(
    client: DataSync | AsyncDataSync, served: Served
) -> None:
    served.status = 404
    serve(served, b'{"error": {"status": 404, "code": "artifact_not_available"}}', cuts=[])
    served.headers["Content-Type"] = "application/json"
    items = client.artifacts.get_exchange_details(EXCHANGE).iter_items()
    assert served.requests == 0
    with pytest.raises(NotFoundError) as caught:
        if isinstance(items, Iterator):
            next(items)
        else:
            await anext(items)
    assert caught.value.status_code == 404


async def test_leaving_early_closes_the_response(
    client: DataSync | AsyncDataSync, served: Served
) -> None:
    serve(served, json.dumps(list(range(1000))).encode(), cuts=list(range(0, 5000, 10)))
    items = client.artifacts.get_exchange_details(EXCHANGE).iter_items()
    if isinstance(items, Generator):
        assert [next(items), next(items)] == [0, 1]
        items.close()
    else:
        assert [await anext(items), await anext(items)] == [0, 1]
        await items.aclose()
    assert served.closed == served.requests == 1


async def test_a_csv_report_has_rows_not_items(
    client: DataSync | AsyncDataSync, served: Served
) -> None:
    serve(served, b"course_id\n1001\n", cuts=[], **{"Content-Type": "text/csv"})
    report = client.batch_exchanges.get_course_ids_report(BATCH)
    items = report.iter_items()
    with pytest.raises(ArtifactError, match="not valid JSON"):
        if isinstance(items, Generator):
            next(items)
        else:
            await anext(items)


# -- memory, in a child process ---------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import asyncio, random, sys, zlib
    from datasync_grades._http import httpx
    from datasync_grades import AsyncDataSync, BearerToken, DataSync

    SIZE = 50 * 1024 * 1024

    def pieces():  # a 50 MB details document, gzipped as it is made: never held whole
        rng, made = random.Random(7), 0
        compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
        yield compressor.compress(b'{"exchange_id": "x", "assignments": [')
        index = 0
        while made < SIZE:
            item = b'%s{"i": %d, "score": %d.5, "note": "%s"}' % (
                b"," if index else b"", index, index % 100, rng.randbytes(200).hex().encode())
            made += len(item)
            index += 1
            if out := compressor.compress(item):
                yield out
        yield compressor.compress(b'], "summaries": []}') + compressor.flush()

    def status(field: str) -> int:  # bytes
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1]) * 1024

    class Stream(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self):
            yield from pieces()
        async def __aiter__(self):
            for piece in pieces():
                yield piece

    def answer(request):
        return httpx.Response(200, headers={"Content-Type": "application/gzip"}, stream=Stream())

    async def aanswer(request):
        return answer(request)

    def count_sync() -> tuple[int, int]:
        with DataSync("https://api.test/v2/grades", auth=BearerToken("t"),
                      transport=httpx.MockTransport(answer)) as client:
            count = total = 0
            for item in client.artifacts.get_exchange_details("x").iter_items():
                count, total = count + 1, total + item["i"]
            return count, total

    async def count_async() -> tuple[int, int]:
        async with AsyncDataSync("https://api.test/v2/grades", auth=BearerToken("t"),
                                 transport=httpx.MockTransport(aanswer)) as client:
            count = total = 0
            async for item in client.artifacts.get_exchange_details("x").iter_items():
                count, total = count + 1, total + item["i"]
            return count, total

    run = count_sync if sys.argv[1] == "sync" else lambda: asyncio.run(count_async())
    # The peak so far (imports, compiling them) is not the stream's: start the count afresh.
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    before = status("VmRSS")
    count, total = run()
    print(count, total, status("VmHWM") - before)
    """
)


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="Linux's peak RSS")
@pytest.mark.parametrize("mode", MODES)
def test_iter_items_over_a_50_mb_artifact_holds_one_item(mode: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr
    count, total, grown = map(int, run.stdout.split())
    assert count > 100_000 and total == count * (count - 1) // 2  # every item, in order
    # Peak resident memory past what the process held before: well under the file's 50 MB.
    assert grown < 20 * 1024 * 1024, grown
