"""End to end: ``client.exchanges.push_data`` (the chunked push), ``create_data`` (one raw
chunk) and ``create_error``, sync and async, checked against what the sandbox stored: every
score exactly once, every chunk within the exchange's limit, only the last one final."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from _integration import AnyClient, ConnectTo, RecordedWaits, gradebook, hooks, settle, summaries

from datasync_grades import (
    APIConnectionError,
    CheckpointError,
    ConflictError,
    InvalidPushError,
    MemoryCheckpoint,
    NotFoundError,
    OversizedItemError,
    UploadError,
)
from datasync_grades._http import httpx
from datasync_grades_api.models import Exchange, ExchangeErrorCode, ExchangeQuery, QueryType
from datasync_grades_sandbox import Faults, Sandbox

LIMIT = 4096
ASSIGNMENTS, STUDENTS = 3, 100  # each assignment is larger than a chunk: it is split


@pytest.fixture
def sandbox(datasync_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    return datasync_sandbox_factory(max_data_content_length=LIMIT)


async def _new_exchange(client: AnyClient) -> Exchange:
    query = ExchangeQuery(type_=QueryType.ASSIGNMENT_SCORES, conditions=[])
    created = await settle(client.exchanges.create(query=query))
    assert isinstance(created, Exchange)
    assert created.max_data_content_length == LIMIT
    return created


def _stored(sandbox: Sandbox, exchange_id: str) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """Scores (assignment id, person id) and summaries (person id) in the stored chunks."""
    scores: Counter[tuple[str, str]] = Counter()
    people: Counter[str] = Counter()
    for chunk in sandbox.state.exchanges[exchange_id].chunks:
        for assignment in chunk.body["assignments"]:
            for score in assignment["scores"]:
                scores[(assignment["$sys"]["id"], score["$person"]["$sys"]["id"])] += 1
        for summary in chunk.body["summaries"]:
            people[summary["$person"]["$sys"]["id"]] += 1
    return scores, people


def _assert_stored_exactly_once(sandbox: Sandbox, exchange_id: str) -> None:
    scores, people = _stored(sandbox, exchange_id)
    expected_scores = {
        (assignment["$sys"]["id"], score["$person"]["$sys"]["id"])
        for assignment in (a.to_dict() for a in gradebook(ASSIGNMENTS, STUDENTS))
        for score in assignment["scores"]
    }
    expected_people = {s.to_dict()["$person"]["$sys"]["id"] for s in summaries(STUDENTS)}
    assert len(expected_scores) == ASSIGNMENTS * STUDENTS
    assert set(scores) == expected_scores and set(scores.values()) == {1}
    assert set(people) == expected_people and len(expected_people) == STUDENTS
    assert set(people.values()) == {1}
    record = sandbox.state.exchanges[exchange_id]
    assert [chunk.final for chunk in record.chunks] == [False] * (len(record.chunks) - 1) + [True]
    assert all(chunk.size <= LIMIT for chunk in record.chunks)
    assert record.state == "completed"


async def _push(client: AnyClient, exchange: Any, **kwargs: Any) -> Any:
    return await settle(
        client.exchanges.push_data(
            exchange,
            assignments=gradebook(ASSIGNMENTS, STUDENTS),
            summaries=summaries(STUDENTS),
            **kwargs,
        )
    )


async def test_push_stores_every_score_once_in_bounded_chunks(
    sandbox: Sandbox, client: AnyClient
) -> None:
    exchange = await _new_exchange(client)
    exchange_id = str(exchange.id)
    result = await _push(client, exchange_id)  # max_bytes read from the exchange
    record = sandbox.state.exchanges[exchange_id]
    assert result.chunks_sent == result.chunks_total == len(record.chunks) > ASSIGNMENTS
    assert [str(i) for i in result.chunk_ids] == [chunk.id for chunk in record.chunks]
    assert result.assignments_sent == ASSIGNMENTS
    assert result.scores_sent == ASSIGNMENTS * STUDENTS
    assert result.summaries_sent == STUDENTS
    _assert_stored_exactly_once(sandbox, exchange_id)


async def test_push_takes_the_exchange_model_and_plain_dicts(
    sandbox: Sandbox, client: AnyClient
) -> None:
    exchange = await _new_exchange(client)
    result = await settle(
        client.exchanges.push_data(
            exchange,
            assignments=[a.to_dict() for a in gradebook(ASSIGNMENTS, STUDENTS)],
            summaries=[s.to_dict() for s in summaries(STUDENTS)],
        )
    )
    assert result.scores_sent == ASSIGNMENTS * STUDENTS
    _assert_stored_exactly_once(sandbox, str(exchange.id))


async def test_push_rides_out_503s_without_storing_a_chunk_twice(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo, waits: RecordedWaits
) -> None:
    client = connect_to(mode, sandbox, retry_policy=waits.policy(max_retries=6))
    exchange_id = str((await _new_exchange(client)).id)
    sandbox.faults = Faults(error_rate=0.3, error_retry_after=0, seed=5)
    sandbox.reset_counters()
    await _push(client, exchange_id)
    injected = sandbox.counters().unavailable
    assert injected > 0
    assert waits.waits == [0.0] * injected  # each 503 retried once, after its Retry-After
    _assert_stored_exactly_once(sandbox, exchange_id)


async def test_a_dropped_chunk_raises_upload_error_and_the_checkpoint_sends_the_rest(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    stored = 0

    def after(response: httpx.Response) -> None:
        nonlocal stored
        if response.request.url.path.endswith("/data") and response.is_success:
            stored += 1
            if stored == 2:  # the sandbox drops the connection of the next request
                sandbox.faults = Faults(drop_rate=1.0)

    client = connect_to(mode, sandbox, event_hooks=hooks(mode, response=after))
    exchange_id = str((await _new_exchange(client)).id)
    checkpoint = MemoryCheckpoint()
    with pytest.raises(UploadError) as caught:
        await _push(client, exchange_id, checkpoint=checkpoint)
    assert caught.value.chunks_accepted == 2
    assert isinstance(caught.value.__cause__, APIConnectionError)
    assert len(sandbox.state.exchanges[exchange_id].chunks) == 2
    assert sandbox.counters().dropped == 1  # a POST is not retried after a drop

    sandbox.faults = Faults()
    result = await _push(client, exchange_id, checkpoint=checkpoint)
    assert result.chunks_sent == caught.value.chunks_total - 2
    assert result.possibly_duplicated == 2  # dropped: the client cannot know it was not stored
    _assert_stored_exactly_once(sandbox, exchange_id)


async def test_a_chunk_stored_whose_answer_was_lost_is_resent_and_reported(
    sandbox: Sandbox, client: AnyClient
) -> None:
    exchange_id = str((await _new_exchange(client)).id)
    sandbox.faults = Faults(drop_after=2, drop_stage="response")  # the 3rd: stored, unanswered
    checkpoint = MemoryCheckpoint()
    with pytest.raises(UploadError) as caught:
        await _push(client, exchange_id, checkpoint=checkpoint)
    assert caught.value.chunks_accepted == 1  # the exchange's GET was the 1st request
    result = await _push(client, exchange_id, checkpoint=checkpoint)
    assert result.possibly_duplicated == 1
    record = sandbox.state.exchanges[exchange_id]
    bodies = [chunk.body for chunk in record.chunks]
    assert bodies[1] == bodies[2] and len(bodies) == result.chunks_total + 1
    assert record.state == "completed" and checkpoint.load() is None


async def test_a_resume_after_the_limit_changed_is_refused_and_skips_nothing(
    sandbox: Sandbox, client: AnyClient
) -> None:
    # Resuming by index into a new plan once skipped assignments and completed the exchange.
    exchange_id = str((await _new_exchange(client)).id)
    sandbox.faults = Faults(drop_after=3)
    checkpoint = MemoryCheckpoint()
    with pytest.raises(UploadError):
        await _push(client, exchange_id, checkpoint=checkpoint)
    sandbox.faults = Faults()
    with sandbox.state.lock:
        sandbox.state.exchanges[exchange_id].max_data_content_length = LIMIT // 2
        stored = len(sandbox.state.exchanges[exchange_id].chunks)
    with pytest.raises(CheckpointError, match="no state of this plan"):
        await _push(client, exchange_id, checkpoint=checkpoint)
    record = sandbox.state.exchanges[exchange_id]
    assert len(record.chunks) == stored and record.state == "processing"


async def test_a_push_with_one_bad_score_stores_nothing(
    sandbox: Sandbox, client: AnyClient
) -> None:
    exchange_id = str((await _new_exchange(client)).id)
    rows = [a.to_dict() for a in gradebook(ASSIGNMENTS, STUDENTS)]
    rows[-1]["scores"][-1]["score"] = "97,5"  # the last score of the last chunk
    with pytest.raises(InvalidPushError, match=r"assignment 2 \(.*\): scores\[99\]\.score"):
        await settle(client.exchanges.push_data(exchange_id, assignments=rows))
    assert "97,5" not in str(sandbox.state.exchanges[exchange_id].chunks)
    record = sandbox.state.exchanges[exchange_id]
    assert record.chunks == [] and record.state == "created"


async def test_push_to_a_completed_exchange_raises_upload_error_from_409(
    sandbox: Sandbox, client: AnyClient
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="completed")
    seeded = list(sandbox.state.exchanges[exchange_id].chunks)  # a push of nothing: 1 chunk
    with pytest.raises(UploadError) as caught:
        await _push(client, exchange_id)
    assert caught.value.chunks_accepted == 0
    assert isinstance(caught.value.__cause__, ConflictError)
    assert caught.value.__cause__.status_code == 409
    assert sandbox.state.exchanges[exchange_id].chunks == seeded


async def test_an_oversized_item_sends_nothing(sandbox: Sandbox, client: AnyClient) -> None:
    exchange_id = str((await _new_exchange(client)).id)
    huge = summaries(1)[0]
    huge.grade = "x" * LIMIT
    with pytest.raises(OversizedItemError):
        await settle(client.exchanges.push_data(exchange_id, summaries=[huge]))
    assert sandbox.state.exchanges[exchange_id].chunks == []


async def test_create_data_stores_one_chunk_as_sent(sandbox: Sandbox, client: AnyClient) -> None:
    exchange_id = str((await _new_exchange(client)).id)
    stored = await settle(
        client.exchanges.create_data(exchange_id, summaries=summaries(2), final=True)
    )
    [chunk] = sandbox.state.exchanges[exchange_id].chunks
    assert str(stored.id) == chunk.id
    assert chunk.final is True and len(chunk.body["summaries"]) == 2
    assert sandbox.state.exchanges[exchange_id].state == "completed"


async def test_create_error_is_stored_and_fails_the_exchange(
    sandbox: Sandbox, client: AnyClient
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    reported = await settle(
        client.exchanges.create_error(
            exchange_id,
            code=ExchangeErrorCode.QUERY_TYPE_NOT_SUPPORTED,
            details="summary queries are not supported",
        )
    )
    by_string = await settle(
        client.exchanges.create_error(uuid.UUID(exchange_id), code="producer_failure")
    )
    record = sandbox.state.exchanges[exchange_id]
    assert [(e.id, e.code, e.details) for e in record.errors] == [
        (str(reported.id), "query_type_not_supported", "summary queries are not supported"),
        (str(by_string.id), "producer_failure", None),
    ]
    assert reported.code == ExchangeErrorCode.QUERY_TYPE_NOT_SUPPORTED
    assert reported.message == record.errors[0].message
    assert record.state == "failed"


async def test_create_error_on_an_unknown_exchange_raises_not_found(client: AnyClient) -> None:
    with pytest.raises(NotFoundError):
        await settle(client.exchanges.create_error(uuid.uuid4(), code="producer_error"))
