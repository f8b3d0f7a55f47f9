"""client.exchanges.push_data / create_error: the chunk planner as a pure function
(property-based), then pushes over real HTTP to a server on 127.0.0.1 that records the raw
bytes it received, through ``DataSync`` and ``AsyncDataSync`` alike.
"""

from __future__ import annotations

import datetime
import itertools
import json
import math
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, cast

import pytest
from _data_server import HUGE_BODY_BYTES, DataServer, running_data_server
from _overlay_support import RecordedSleeps, StaticBearer, SyncOrAsync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datasync_grades
from datasync_grades import (
    APIConnectionError,
    AsyncDataSync,
    Chunk,
    DataSync,
    DataSyncError,
    InternalServerError,
    InvalidPushError,
    MemoryCheckpoint,
    OversizedItemError,
    PushResult,
    ResponseValidationError,
    UploadError,
    _upload,
    plan_chunks,
)
from datasync_grades_api import api
from datasync_grades_api.models.assignment import Assignment
from datasync_grades_api.models.exchange import Exchange
from datasync_grades_api.models.exchange_data_request import ExchangeDataRequest
from datasync_grades_api.models.exchange_error import ExchangeError
from datasync_grades_api.models.exchange_error_code import ExchangeErrorCode
from datasync_grades_api.models.schedule_update import ScheduleUpdate
from datasync_grades_api.models.summary import Summary

EXCHANGE_ID = uuid.UUID("3f6c1f4e-8d0a-4b7e-9a55-0c1d2e3f4a5b")
EMPTY_FINAL = b'{"assignments":[],"summaries":[],"final":true}'
EMPTY_MORE_SIZE = len(b'{"assignments":[],"summaries":[],"final":false}')

# Multi-byte UTF-8 (2, 3 and 4 bytes) and characters JSON escapes: size in bytes, not chars.
TRICKY = 'aé中😀"\\\n\x01'
text = st.text(st.sampled_from(TRICKY), max_size=12) | st.text(
    st.characters(codec="utf-8"), max_size=8
)
refs = st.builds(lambda n: {"$sys": {"id": str(uuid.UUID(int=n))}}, st.integers(0, 2**64))
json_numbers = st.integers(-(10**6), 10**6) | st.floats(allow_nan=False, allow_infinity=False)
scores = st.fixed_dictionaries(
    {"$person": refs, "score": json_numbers},
    optional={
        "grade": text,
        "late": st.booleans(),
        "$ext": st.dictionaries(text, text, max_size=2),
    },
)
assignment_bodies = st.fixed_dictionaries(
    {},
    optional={
        "name": text,
        "description": text,
        "$section": refs,
        "points_possible": json_numbers,
        "scores": st.lists(scores, max_size=8),
    },
)
summaries_st = st.lists(
    st.fixed_dictionaries(
        {"$person": refs},
        optional={"score": json_numbers, "grade": text, "comments": st.lists(text, max_size=3)},
    ),
    max_size=6,
)


def with_ids(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Assignments with distinct ``$sys.id`` (first key, as the generated models put it)."""
    return [{"$sys": {"id": str(uuid.UUID(int=i))}, **body} for i, body in enumerate(bodies)]


assignments_st = st.lists(assignment_bodies, max_size=8).map(with_ids)


def compact_size(item: dict[str, Any]) -> int:
    return len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode())


def reassemble(bodies: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The assignments and summaries of parsed chunk bodies, split assignments put back
    together (consecutive parts share ``$sys.id``; inputs have distinct ids)."""
    assignments: list[dict[str, Any]] = []
    summaries: list[dict[str, Any]] = []
    for body in bodies:
        for part in body["assignments"]:
            previous = assignments[-1] if assignments else None
            if previous is not None and previous["$sys"] == part["$sys"]:
                assert {k: v for k, v in previous.items() if k != "scores"} == {
                    k: v for k, v in part.items() if k != "scores"
                }, "a part lost or changed a field of its assignment"
                previous["scores"] = previous["scores"] + part["scores"]
            else:
                assignments.append(part)
        summaries.extend(body["summaries"])
    return assignments, summaries


def assert_greedy(
    parsed: list[dict[str, Any]], max_bytes: int, by_id: dict[str, dict[str, Any]]
) -> None:
    """No chunk could have taken what starts the next one (the next item, or its first score)."""
    for this, after in itertools.pairwise(parsed):
        size = compact_size(this)
        if after["assignments"]:
            first = after["assignments"][0]
            if this["assignments"] and this["assignments"][-1]["$sys"] == first["$sys"]:
                cost = compact_size(first["scores"][0]) + 1  # the same part, one score more
            else:
                whole = by_id[first["$sys"]["id"]]
                fits_alone = EMPTY_MORE_SIZE + compact_size(whole) <= max_bytes
                start = whole if fits_alone else {**first, "scores": first["scores"][:1]}
                cost = compact_size(start) + bool(this["assignments"])
        else:
            cost = compact_size(after["summaries"][0]) + bool(this["summaries"])
        assert size + cost > max_bytes


def check_plan(chunks: tuple[Chunk, ...], max_bytes: int) -> list[dict[str, Any]]:
    bodies = [chunk.body() for chunk in chunks]
    assert all(
        len(body) == chunk.size <= max_bytes for body, chunk in zip(bodies, chunks, strict=True)
    )
    assert [chunk.final for chunk in chunks] == [False] * (len(chunks) - 1) + [True]
    parsed = [json.loads(body) for body in bodies]
    assert [body["final"] for body in parsed] == [chunk.final for chunk in chunks]
    return parsed


# -- the planner ---------------------------------------------------------------------------


@st.composite
def limits(draw: st.DrawFn, assignments: list[Any], summaries: list[Any]) -> int:
    """Any limit, or one within a byte of the end of a run of items (where commas count)."""
    items = draw(st.sampled_from([assignments, summaries]))
    if not items or draw(st.booleans()):
        return draw(st.integers(47, 700))
    count = draw(st.integers(1, len(items)))
    run = sum(compact_size(item) for item in items[:count]) + count - 1
    return max(47, EMPTY_MORE_SIZE + run + draw(st.integers(-1, 1)))


@settings(max_examples=300, deadline=None)
@given(assignments=assignments_st, summaries=summaries_st, data=st.data())
def test_plan_is_lossless_bounded_ordered_and_deterministic(
    assignments: list[dict[str, Any]], summaries: list[dict[str, Any]], data: st.DataObject
) -> None:
    max_bytes = data.draw(limits(assignments, summaries), label="max_bytes")
    try:
        chunks = plan_chunks(assignments, summaries, max_bytes=max_bytes)
    except OversizedItemError as exc:
        # The claim must be true: that item alone (with one score, if split) is too big.
        assert exc.size > max_bytes
        item = (assignments if exc.kind == "assignment" else summaries)[exc.index]
        if exc.score_index is not None:
            item = {**item, "scores": [item["scores"][exc.score_index]]}
        alone = plan_chunks(*([[item], []] if exc.kind == "assignment" else [[], [item]]),
                            max_bytes=10**9)  # fmt: skip
        assert exc.size == alone[0].size + 1  # planned as a non-final chunk: "false"
        return
    parsed = check_plan(chunks, max_bytes)
    assert reassemble(parsed) == (assignments, summaries)
    assert_greedy(parsed, max_bytes, {a["$sys"]["id"]: a for a in assignments})
    again = plan_chunks(iter(assignments), iter(summaries), max_bytes=max_bytes)
    assert [chunk.body() for chunk in again] == [chunk.body() for chunk in chunks]
    assert sum(chunk.assignments_completed for chunk in chunks) == len(assignments)
    assert sum(chunk.scores for chunk in chunks) == sum(
        len(a.get("scores", [])) for a in assignments
    )


def test_an_empty_upload_is_one_empty_final_chunk() -> None:
    (chunk,) = plan_chunks(max_bytes=EMPTY_MORE_SIZE)
    assert chunk.final and chunk.body() == EMPTY_FINAL and chunk.size == len(EMPTY_FINAL)


@pytest.mark.parametrize("kind", ["assignments", "summaries"])
@pytest.mark.parametrize("slack", [0, 1, 22])  # 22: room for one more item, not its comma
def test_chunks_are_filled_up_to_the_byte(kind: str, slack: int) -> None:
    items = [{"grade": "x" * 10}] * 10
    size = len(b'{"grade":"xxxxxxxxxx"}')  # and a comma before every one but the first
    max_bytes = EMPTY_MORE_SIZE + size + 3 * (size + 1) + slack
    chunks = plan_chunks(**{kind: items}, max_bytes=max_bytes)
    assert [getattr(chunk, kind) for chunk in chunks] == [4, 4, 2]
    check_plan(chunks, max_bytes)


@pytest.mark.parametrize("slack", [0, 1, 8])  # 8: room for one more score, not its comma
def test_a_split_assignment_fills_chunks_up_to_the_byte(slack: int) -> None:
    assignment = {"$sys": {"id": "a"}, "scores": [{"score": 1000 + n} for n in range(10)]}
    score = len(b'{"score":1000}')
    part_of_3 = len(b'{"$sys":{"id":"a"},"scores":[]}') + 3 * score + 2
    chunks = plan_chunks([assignment], max_bytes=EMPTY_MORE_SIZE + part_of_3 + slack)
    assert [chunk.scores for chunk in chunks] == [3, 3, 3, 1]


def test_an_assignment_with_nothing_but_scores_is_split_into_valid_json() -> None:
    assignment = {"scores": [{"score": n} for n in range(30)]}
    chunks = plan_chunks([assignment], max_bytes=120)
    parts = [part for body in check_plan(chunks, 120) for part in body["assignments"]]
    assert len(parts) > 1 and all(part.keys() == {"scores"} for part in parts)
    assert [score for part in parts for score in part["scores"]] == assignment["scores"]


def test_an_assignment_too_big_for_a_chunk_is_split_by_scores_keeping_its_fields() -> None:
    assignment = {
        "$sys": {"id": "a1"},
        "$section": {"$sys": {"id": "s1"}},
        "name": "Essay 😀",
        "scores": [{"score": n, "grade": "é" * 5} for n in range(12)],
        "points_possible": 10,
    }
    max_bytes = len(json.dumps(assignment, ensure_ascii=False).encode()) // 2
    chunks = plan_chunks([assignment], max_bytes=max_bytes)
    parts = [part for body in check_plan(chunks, max_bytes) for part in body["assignments"]]
    assert len(parts) >= 2
    head = {k: v for k, v in assignment.items() if k != "scores"}
    assert all({k: v for k, v in part.items() if k != "scores"} == head for part in parts)
    assert [score for part in parts for score in part["scores"]] == assignment["scores"]
    assert [chunk.assignments_completed for chunk in chunks] == [0] * (len(chunks) - 1) + [1]


def test_a_split_assignment_starts_in_the_room_left_by_the_previous_item() -> None:
    small = {"$sys": {"id": "small"}}
    big = {"$sys": {"id": "big"}, "scores": [{"score": n} for n in range(40)]}
    chunks = plan_chunks([small, big], max_bytes=200)
    first = json.loads(chunks[0].body())["assignments"]
    assert [part["$sys"]["id"] for part in first] == ["small", "big"]


@pytest.mark.parametrize(
    ("assignments", "summaries", "expected"),
    [
        ([{}, {"$sys": {"id": "a1"}, "scores": [{"grade": "x" * 200}]}], [],
         ("assignment", 1, "a1", 0)),
        ([{"name": "Quiz", "description": "x" * 200}], [], ("assignment", 0, "Quiz", None)),
        ([{"name": "Quiz", "description": "x" * 200, "scores": []}], [],
         ("assignment", 0, "Quiz", None)),
        ([], [{}, {}, {"$person": {"$sys": {"id": "p3"}}, "comments": ["y" * 200]}],
         ("summary", 2, "p3", None)),
    ],
)  # fmt: skip
def test_an_item_that_cannot_fit_is_named(
    assignments: list[dict[str, Any]], summaries: list[dict[str, Any]], expected: tuple[Any, ...]
) -> None:
    with pytest.raises(OversizedItemError) as caught:
        plan_chunks(assignments, summaries, max_bytes=150)
    exc = caught.value
    assert (exc.kind, exc.index, exc.item_id, exc.score_index) == expected
    assert exc.size > exc.max_bytes == 150
    assert isinstance(exc, ValueError) and isinstance(exc, DataSyncError)
    assert f"{expected[0]} {expected[1]} ({expected[2]})" in str(exc) and "150" in str(exc)


def test_generated_models_and_dicts_are_both_accepted() -> None:
    raw = {
        "$sys": {"id": "5a0d3c2b-1e4f-4a6b-9c8d-7e6f5a4b3c2d"},
        "name": "Essay 1",
        "due_at": "2025-07-04T21:46:15.529000+00:00",
        "scores": [{"$person": {"$sys": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}},
                    "score": 9.5, "grade": "A"}],
    }  # fmt: skip
    model = Assignment.from_dict(raw)
    summary = Summary.from_dict({"summary_type": "final", "score": 88.0})
    chunks = plan_chunks([model, raw], [summary, {"score": 1}], max_bytes=10_000)
    (body,) = check_plan(chunks, 10_000)
    assert body["assignments"] == [model.to_dict(), raw]
    assert body["summaries"] == [summary.to_dict(), {"score": 1}]


def nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"name": "x", "due_at": datetime.datetime(2025, 1, 1)}, "cannot be serialized"),
        ({"name": "x", "scores": [{"score": math.nan}]}, "cannot be serialized"),
        ({"name": "x", "nested": nested(100_000)}, "cannot be serialized"),  # RecursionError
        ("not a mapping", "must be a generated model or a mapping"),
    ],
)
def test_an_item_that_is_not_json_is_named(item: Any, error: str) -> None:
    with pytest.raises(InvalidPushError, match=f"assignment 1.*{error}") as caught:
        plan_chunks([{}, item], max_bytes=1000)
    assert isinstance(caught.value, ValueError) and caught.value.invalid_items == 1


@pytest.mark.parametrize("max_bytes", [46, True, 1000.0, None])
def test_max_bytes_must_hold_an_empty_chunk(max_bytes: Any) -> None:
    with pytest.raises(InvalidPushError, match="max_bytes must be an int of at least 47"):
        plan_chunks(max_bytes=max_bytes)


# -- pushing over HTTP ---------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[DataServer]:
    with running_data_server(max_data_content_length=400) as running:
        yield running


@pytest.fixture
async def make_client(
    recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> AsyncIterator[Callable[[str], Any]]:
    """``make(url, **options)``: a ``DataSync`` or an ``AsyncDataSync`` (as ``sync_or_async``
    says) with recorded sleeps; every client made is closed afterwards."""
    made: list[DataSync | AsyncDataSync] = []

    def make(url: str, **options: Any) -> DataSync | AsyncDataSync:
        options.setdefault("retry_policy", recorded_sleeps.policy())
        client = sync_or_async.datasync(url, auth=StaticBearer(), **options)
        made.append(client)
        return client

    yield make
    for client in made:
        await sync_or_async.close(client)


async def push(client: DataSync | AsyncDataSync, target: Any = EXCHANGE_ID, **kwargs: Any) -> Any:
    if isinstance(client, DataSync):
        return client.exchanges.push_data(target, **kwargs)
    return await client.exchanges.push_data(target, **kwargs)


async def report(client: DataSync | AsyncDataSync, **kwargs: Any) -> ExchangeError:
    if isinstance(client, DataSync):
        return client.exchanges.create_error(EXCHANGE_ID, **kwargs)
    return await client.exchanges.create_error(EXCHANGE_ID, **kwargs)


def result_fields(result: PushResult) -> tuple[Any, ...]:
    return (
        result.chunks_sent,
        result.chunks_total,
        result.assignments_sent,
        result.summaries_sent,
        result.scores_sent,
        result.chunk_ids,
    )


def grades(count: int, scores_each: int) -> list[dict[str, Any]]:
    return with_ids(
        [
            {"name": f"Übung {n} 😀", "scores": [{"score": s, "grade": "très bien"}
                                                for s in range(scores_each)]}
            for n in range(count)
        ]
    )  # fmt: skip


async def test_the_server_receives_exactly_the_planned_bytes(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    assignments = grades(6, 5)
    summaries = [
        {"$person": {"$sys": {"id": str(uuid.UUID(int=n))}}, "grade": "ß"} for n in range(5)
    ]
    planned = plan_chunks(assignments, summaries, max_bytes=300)

    result = await push(
        make_client(server.url),
        assignments=iter(assignments),
        summaries=(s for s in summaries),
        max_bytes=300,
    )

    assert [seen.body for seen in server.received] == [chunk.body() for chunk in planned]
    assert all(len(seen.body) <= 300 for seen in server.received)
    assert {seen.headers["content-type"] for seen in server.received} == {"application/json"}
    assert all(seen.path == f"/v2/grades/exchanges/{EXCHANGE_ID}/data" for seen in server.received)
    assert {seen.headers["authorization"] for seen in server.received} == {
        "Bearer s3cr3t-token-value"
    }
    assert server.exchange_gets == []  # max_bytes was given
    assert result_fields(result) == (
        len(planned),
        len(planned),
        6,
        5,
        30,
        tuple(uuid.UUID(chunk_id) for chunk_id in server.stored_ids),
    )
    assert reassemble(server.stored_bodies()) == (assignments, summaries)


async def test_max_bytes_is_read_from_the_exchange(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    server.max_data_content_length = 250  # the server answers 413 to anything larger
    assignments = grades(4, 6)
    result = await push(make_client(server.url), assignments=assignments)
    assert len(server.exchange_gets) == 1
    assert server.exchange_gets[0].path == f"/v2/grades/exchanges/{EXCHANGE_ID}"
    assert len(server.stored) == result.chunks_total > 1
    assert max(len(seen.body) for seen in server.stored) <= 250
    assert reassemble(server.stored_bodies())[0] == assignments


async def test_the_exchange_itself_may_be_given_for_its_id(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    exchange = Exchange(id=EXCHANGE_ID)
    result = await push(make_client(server.url), exchange, assignments=grades(1, 2))
    assert result.chunks_total == 1
    assert [seen.path for seen in server.received] == [f"/v2/grades/exchanges/{EXCHANGE_ID}/data"]
    with pytest.raises(ValueError, match="has no id"):
        await push(make_client(server.url), Exchange(), assignments=grades(1, 2))
    assert len(server.received) == 1


async def test_an_exchange_without_a_limit_needs_max_bytes(
    make_client: Callable[[str], Any],
) -> None:
    with running_data_server(max_data_content_length=None) as server:
        with pytest.raises(ResponseValidationError, match="max_data_content_length"):
            await push(make_client(server.url), assignments=grades(1, 1))
        assert len(server.exchange_gets) == 1
        assert server.received == []


@pytest.mark.parametrize("limit", [46, 0, -5])
async def test_an_exchange_whose_limit_cannot_hold_an_empty_chunk_is_a_typed_error(
    server: DataServer, make_client: Callable[[str], Any], limit: int
) -> None:
    server.max_data_content_length = limit
    with pytest.raises(ResponseValidationError, match="an empty chunk is 47 bytes"):
        await push(make_client(server.url), assignments=grades(1, 1))
    assert len(server.exchange_gets) == 1 and server.received == []


async def test_an_empty_upload_sends_one_empty_final_chunk(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    result = await push(make_client(server.url))
    assert [seen.body for seen in server.received] == [EMPTY_FINAL]
    assert (result.chunks_sent, result.chunks_total, result.assignments_sent) == (1, 1, 0)


async def test_a_failed_chunk_raises_and_the_same_checkpoint_sends_every_item_once(
    server: DataServer, make_client: Callable[[str], Any], recorded_sleeps: RecordedSleeps
) -> None:
    client = make_client(server.url)
    assignments, summaries = grades(8, 4), [{"grade": f"g{n} €"} for n in range(8)]
    server.fail = {3: 500}  # POST is not retried after a 500: the chunk may have been stored
    checkpoint = MemoryCheckpoint()

    with pytest.raises(UploadError) as caught:
        await push(client, assignments=assignments, summaries=summaries, checkpoint=checkpoint)
    exc = caught.value
    total = exc.chunks_total
    assert (exc.chunks_accepted, len(server.received), len(server.stored)) == (2, 3, 2)
    assert isinstance(exc.__cause__, InternalServerError) and exc.__cause__.status_code == 500
    assert total > 3 and "(2 accepted)" in str(exc)
    assert recorded_sleeps.waits == []

    result = await push(client, assignments=assignments, summaries=summaries, checkpoint=checkpoint)
    assert (result.chunks_sent, result.chunks_total) == (total - 2, total)
    assert result.possibly_duplicated == 2  # a 500 may have stored it: the client cannot know
    assert checkpoint.load() is None  # cleared once every chunk was stored
    assert len(server.received) == total + 1  # every chunk once, plus the one that failed
    assert server.received[2].body == server.received[3].body  # the same chunk 3, re-planned
    assert reassemble(server.stored_bodies()) == (assignments, summaries)
    assert [body["final"] for body in server.stored_bodies()].count(True) == 1
    assert server.stored_bodies()[-1]["final"] is True


async def test_a_503_chunk_is_retried_and_then_stored(
    server: DataServer, make_client: Callable[[str], Any], recorded_sleeps: RecordedSleeps
) -> None:
    # A 503 says the server did not process the request: the POST is sent again.
    server.fail = {2: 503}
    result = await push(make_client(server.url), assignments=grades(8, 4))
    assert len(server.received) == result.chunks_total + 1
    assert server.received[1].body == server.received[2].body
    assert len(recorded_sleeps.waits) == 1
    assert reassemble(server.stored_bodies())[0] == grades(8, 4)


@pytest.mark.parametrize(
    ("failure", "accepted", "cause"),
    [
        ("drop", 1, APIConnectionError),  # unknown fate: counted as not stored
        ("bad-model", 2, ResponseValidationError),  # a 2xx stored it: not sent again
        ("bad-json", 2, ResponseValidationError),
        ("huge", 2, ResponseValidationError),  # over max_response_bytes, but a 2xx
    ],
)
async def test_what_counts_as_accepted_when_chunk_2_fails(
    server: DataServer,
    make_client: Callable[..., Any],
    failure: Any,
    accepted: int,
    cause: type[Exception],
) -> None:
    server.fail = {2: failure}
    client = make_client(server.url, max_response_bytes=HUGE_BODY_BYTES // 2)
    with pytest.raises(UploadError) as caught:
        await push(client, assignments=grades(8, 4))
    assert caught.value.chunks_accepted == accepted
    assert isinstance(caught.value.__cause__, cause)
    assert len(server.received) == 2


async def test_nothing_is_sent_when_an_item_cannot_fit(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    big = str(uuid.uuid4())
    too_big = [*grades(3, 2), {"$sys": {"id": big}, "scores": [{"grade": "😀" * 200}]}]
    with pytest.raises(OversizedItemError) as caught:
        await push(make_client(server.url), assignments=too_big)
    assert (caught.value.index, caught.value.item_id, caught.value.max_bytes) == (3, big, 400)
    assert len(server.exchange_gets) == 1 and server.received == []


# Each bad item with the field named as the error lists it (never the value): what the
# generated from_dict refuses.
BAD_ITEMS: list[tuple[str, dict[str, Any], str]] = [
    ("assignments", {"name": 3}, "assignment 1: name: expected str, got int"),
    ("assignments", {"due_at": "2025-13-01T00:00:00Z"},
     "due_at: not of the form the spec gives (ValueError)"),
    ("assignments", {"due_at": datetime.datetime(2025, 1, 1)},
     "due_at: not of the form the spec gives (TypeError)"),
    ("assignments", {"$section": {"$sys": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5"}}},
     "$section.$sys.id: not of the form the spec gives (ValueError)"),
    ("assignments", {"$section": {"$sys": {"id": 7}}},
     "$section.$sys.id: not of the form the spec gives (AttributeError)"),
    ("assignments", {"scores": [{"score": 1}, {"score": "9.5"}]},
     "scores[1].score: expected float, got str"),
    ("assignments", {"scores": [{"late": 1}]}, "scores[0].late: expected bool, got int"),
    # A bool is an int to Python, not a number to the spec.
    ("assignments", {"scores": [{"score": True}]}, "scores[0].score: expected float, got bool"),
    ("assignments", {"points_possible": False}, "points_possible: expected float, got bool"),
    ("assignments", {"scores": [{}, {"$person": {"$sys": {"created_at": 5}}}]},
     "scores[1].$person.$sys.created_at: not of the form the spec gives (TypeError)"),
    ("assignments", {"scores": {"score": 1}}, "scores: expected list, got dict"),
    ("assignments", {"$sys": "abc"}, "$sys: not of the form the spec gives (ValueError)"),
    ("summaries", {"summary_type": 3},
     "summary 1: summary_type: expected SummaryType | str, got int"),
    ("summaries", {"comments": "ok"}, "comments: expected list, got str"),
]  # fmt: skip


def string_values(value: Any) -> list[str]:
    if isinstance(value, dict | list):
        parts = value.values() if isinstance(value, dict) else value
        return [string for part in parts for string in string_values(part)]
    return [value] if isinstance(value, str) and len(value) > 2 else []


@pytest.mark.parametrize(("kind", "bad", "named"), BAD_ITEMS)
async def test_an_item_that_breaks_the_spec_is_named_and_nothing_is_sent(
    server: DataServer,
    make_client: Callable[[str], Any],
    kind: str,
    bad: dict[str, Any],
    named: str,
) -> None:
    good = grades(1, 2) if kind == "assignments" else [{"score": 1.5}]
    with pytest.raises(InvalidPushError) as caught:
        await push(make_client(server.url), **{kind: [*good, bad, *good]})
    error = caught.value
    assert named in str(error) and error.problems == (str(error).split(": ", 1)[1],)
    assert not any(value in str(error) for value in string_values(bad))
    assert error.invalid_items == 1 and isinstance(error, ValueError)
    assert server.exchange_gets == [] and server.received == []  # nothing at all was sent


async def test_a_model_whose_to_dict_fails_is_an_invalid_push(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    broken = Assignment(sys=cast(Any, "not a SysFields"))
    with pytest.raises(InvalidPushError, match=r"assignment 0 must be .* whose to_dict"):
        await push(make_client(server.url), assignments=[broken])
    assert server.received == [] and server.exchange_gets == []


async def test_bad_items_are_listed_twenty_at_most_and_never_with_their_scores(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    secret_scores = [{"score": f"{n}.{n}77", "grade": 40 + n} for n in range(30)]
    bad = [
        {**item, "scores": [score]}
        for item, score in zip(grades(30, 0), secret_scores, strict=True)
    ]
    summaries = [{"score": 1.0}, {"score": "12.345"}]
    with pytest.raises(InvalidPushError) as caught:
        await push(make_client(server.url), assignments=[*grades(2, 2), *bad], summaries=summaries)
    error = caught.value
    assert error.invalid_items == 31 and len(error.problems) == 20
    assert error.problems[0].startswith("assignment 2 (00000000-0000-0000-0000-000000000000)")
    assert str(error).endswith("; ...")
    for score in [*secret_scores, summaries[1]]:
        assert str(score["score"]) not in str(error)
    assert server.received == [] and server.exchange_gets == []


async def test_valid_items_of_every_kind_pass_the_check(
    server: DataServer, make_client: Callable[[str], Any]
) -> None:
    server.max_data_content_length = 4000
    person = {"$sys": {"id": str(uuid.uuid4()), "source_id": {"sis": "x"}}}
    assignment = {
        "$sys": {"id": str(uuid.uuid4())}, "$category": {"name": "Quizzes"}, "name": "Q1",
        "points_possible": 10, "due_at": "2025-07-04T21:46:15.529+00:00",
        "available_at": "2025-07-01T00:00:00Z", "an_unknown_field": [{"any": None}],
        "scores": [{"$person": person, "score": 9.5, "late": False, "excused": False,
                    "submitted_at": "2025-07-04T20:00:00Z", "$ext": {"k": "v"}},
                   {"$person": person, "score": 7}],
    }  # fmt: skip
    summary = {"$person": person, "summary_type": "final", "score_type": "a_new_kind",
               "score": 91.0, "last_activity": "2025-07-04T20:00:00-05:00",
               "comments": ["ok"]}  # fmt: skip
    models = [Assignment.from_dict({**assignment, "$sys": {"id": str(uuid.uuid4())}}),
              Summary.from_dict(summary)]  # fmt: skip
    result = await push(
        make_client(server.url),
        assignments=[assignment, models[0]],
        summaries=[summary, models[1]],
        max_bytes=server.max_data_content_length,
    )
    assert result.scores_sent == 4 and reassemble(server.stored_bodies())[1] == [summary] * 2


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(assignments=assignments_st, summaries=summaries_st, max_bytes=st.integers(150, 600))
def test_every_chunk_the_server_receives_is_within_max_bytes(
    assignments: list[dict[str, Any]], summaries: list[dict[str, Any]], max_bytes: int
) -> None:
    with (
        running_data_server(max_data_content_length=max_bytes) as server,
        DataSync(server.url, auth=StaticBearer(), max_retries=0) as client,
    ):
        try:
            result = client.exchanges.push_data(
                EXCHANGE_ID, assignments=assignments, summaries=summaries
            )
        except OversizedItemError:
            assert server.received == []
            return
    assert all(len(seen.body) <= max_bytes for seen in server.received)
    assert len(server.stored) == result.chunks_total == len(server.received)
    bodies = server.stored_bodies()
    assert [body["final"] for body in bodies] == [False] * (len(bodies) - 1) + [True]
    assert reassemble(bodies) == (assignments, summaries)


# -- reporting an error --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sent"),
    [
        (ExchangeErrorCode.QUERY_TYPE_NOT_SUPPORTED, "query_type_not_supported"),
        ("producer_failure", "producer_failure"),
        ("a_code_added_later", "a_code_added_later"),
    ],
)
async def test_create_error(
    server: DataServer,
    make_client: Callable[[str], Any],
    code: ExchangeErrorCode | str,
    sent: str,
) -> None:
    error = await report(make_client(server.url), code=code, details="summaries: non gérés")
    (seen,) = server.errors
    assert seen.path == f"/v2/grades/exchanges/{EXCHANGE_ID}/errors"
    assert json.loads(seen.body) == {"code": sent, "details": "summaries: non gérés"}
    assert isinstance(error, ExchangeError) and isinstance(error.id, uuid.UUID)
    assert (str(error.code), error.details, error.message) == (
        sent,
        "summaries: non gérés",
        "recorded",
    )
    if sent != "a_code_added_later":
        assert isinstance(error.code, ExchangeErrorCode)


# -- the surface ---------------------------------------------------------------------------


def test_public_names() -> None:
    names = {"Chunk", "OversizedItemError", "PushResult", "UploadError", "plan_chunks"}
    assert names <= set(datasync_grades.__all__)
    assert all(getattr(datasync_grades, name) is getattr(_upload, name) for name in ("Chunk",
               "OversizedItemError", "plan_chunks"))  # fmt: skip
    # What push_data returns is the generated class, which the engine builds.
    assert datasync_grades.PushResult is api.PushResult
    for removed in ("push_exchange_data", "apush_exchange_data", "report_exchange_error"):
        assert not hasattr(datasync_grades, removed)


# -- the check, on other models of the spec ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([{"enabled": True}], None),
        ([{"enabled": True}, {}], "[1].enabled: missing (required)"),
        ([{"enabled": True}, {"enabled": "yes"}], "[1].enabled: expected bool, got str"),
        ([{"enabled": True}, "no"], "[1]: not of the form the spec gives (ValueError)"),
        (7, "the item: not of the form the spec gives (TypeError)"),
    ],
)
def test_the_check_names_required_fields_of_any_model(value: Any, problem: str | None) -> None:
    # ScheduleUpdate: required [enabled]; a list of them, as a chunk holds items.
    def parse(items: Any) -> object:
        return [ScheduleUpdate.from_dict(item) for item in items]

    assert _upload._problem(parse, value) == problem


def test_lists_the_client_does_not_know_are_refused_not_sent_empty() -> None:
    with pytest.raises(DataSyncError, match="update datasync_grades"):
        _upload._checked_items(ExchangeDataRequest, {"grades": [{"score": 1}]})
    with pytest.raises(DataSyncError, match="update datasync_grades"):
        _upload._checked_items(Summary, {})  # a chunk body of other fields
