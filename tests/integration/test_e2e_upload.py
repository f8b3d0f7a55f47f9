"""End to end: push_exchange_data / apush_exchange_data and report_exchange_error /
areport_exchange_error, checked against what the sandbox stored: every score exactly once,
every chunk within the exchange's limit, only the last one final."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _integration import ConnectTo, RecordedWaits, call, gradebook, summaries

from datasync_grades import (
    APIConnectionError,
    ConflictError,
    NotFoundError,
    OversizedItemError,
    PushResult,
    UploadError,
    apush_exchange_data,
    areport_exchange_error,
    push_exchange_data,
    report_exchange_error,
)
from datasync_grades_api.api.exchanges import create_exchange
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import (
    ExchangeErrorCode,
    ExchangeQuery,
    ExchangeResponse,
    ExchangesRequest,
    QueryType,
)
from datasync_grades_sandbox import Faults, Sandbox

LIMIT = 4096
ASSIGNMENTS, STUDENTS = 3, 100  # each assignment is larger than a chunk: it is split


@pytest.fixture
def sandbox(datasync_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    return datasync_sandbox_factory(max_data_content_length=LIMIT)


async def _new_exchange(mode: str, client: AuthenticatedClient) -> str:
    body = ExchangesRequest(query=ExchangeQuery(type_=QueryType.ASSIGNMENT_SCORES, conditions=[]))
    created = await call(
        mode, create_exchange.sync, create_exchange.asyncio, client=client, body=body
    )
    assert isinstance(created, ExchangeResponse) and created.data
    assert created.data.max_data_content_length == LIMIT
    return str(created.data.id)


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


async def _push(mode: str, client: AuthenticatedClient, exchange_id: str, **kwargs: Any) -> Any:
    return await call(
        mode,
        push_exchange_data,
        apush_exchange_data,
        client,
        exchange_id,
        assignments=gradebook(ASSIGNMENTS, STUDENTS),
        summaries=summaries(STUDENTS),
        **kwargs,
    )


async def test_push_stores_every_score_once_in_bounded_chunks(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    exchange_id = await _new_exchange(mode, client)
    result = await _push(mode, client, exchange_id)  # max_bytes read from the exchange
    assert isinstance(result, PushResult)
    record = sandbox.state.exchanges[exchange_id]
    assert result.chunks_sent == result.chunks_total == len(record.chunks) > ASSIGNMENTS
    assert [str(i) for i in result.chunk_ids] == [chunk.id for chunk in record.chunks]
    assert result.assignments_sent == ASSIGNMENTS
    assert result.scores_sent == ASSIGNMENTS * STUDENTS
    assert result.summaries_sent == STUDENTS
    _assert_stored_exactly_once(sandbox, exchange_id)


async def test_push_rides_out_503s_without_storing_a_chunk_twice(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo, waits: RecordedWaits
) -> None:
    client = connect_to(sandbox, retry_policy=waits.policy(max_retries=6))
    async with client:
        exchange_id = await _new_exchange(mode, client)
        sandbox.faults = Faults(error_rate=0.3, error_retry_after=0, seed=5)
        sandbox.reset_counters()
        await _push(mode, client, exchange_id)
    injected = sandbox.counters().unavailable
    assert injected > 0
    assert waits.waits == [0.0] * injected  # each 503 retried once, after its Retry-After
    _assert_stored_exactly_once(sandbox, exchange_id)


async def test_a_dropped_chunk_raises_upload_error_and_resume_sends_the_rest(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    stored = 0

    def after(response: httpx.Response) -> None:
        nonlocal stored
        if response.request.url.path.endswith("/data") and response.is_success:
            stored += 1
            if stored == 2:  # the sandbox drops the connection of the next request
                sandbox.faults = Faults(drop_rate=1.0)

    async def aafter(response: httpx.Response) -> None:
        after(response)

    client = connect_to(
        sandbox, event_hooks={"response": [after]}, async_event_hooks={"response": [aafter]}
    )
    async with client:
        exchange_id = await _new_exchange(mode, client)
        with pytest.raises(UploadError) as caught:
            await _push(mode, client, exchange_id)
        assert caught.value.chunks_accepted == 2
        assert isinstance(caught.value.__cause__, APIConnectionError)
        assert len(sandbox.state.exchanges[exchange_id].chunks) == 2
        assert sandbox.counters().dropped == 1  # a POST is not retried after a drop

        sandbox.faults = Faults()
        result = await _push(mode, client, exchange_id, resume_from=caught.value.chunks_accepted)
    assert result.chunks_sent == caught.value.chunks_total - 2
    _assert_stored_exactly_once(sandbox, exchange_id)


async def test_push_to_a_completed_exchange_raises_upload_error_from_409(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="completed")
    with pytest.raises(UploadError) as caught:
        await _push(mode, client, exchange_id)
    assert caught.value.chunks_accepted == 0
    assert isinstance(caught.value.__cause__, ConflictError)
    assert caught.value.__cause__.status_code == 409
    assert sandbox.state.exchanges[exchange_id].chunks == []


async def test_an_oversized_item_sends_nothing(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    exchange_id = await _new_exchange(mode, client)
    huge = summaries(1)[0]
    huge.grade = "x" * LIMIT
    with pytest.raises(OversizedItemError):
        await call(
            mode, push_exchange_data, apush_exchange_data, client, exchange_id, summaries=[huge]
        )
    assert sandbox.state.exchanges[exchange_id].chunks == []


async def test_report_exchange_error_is_stored_and_fails_the_exchange(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    reported = await call(
        mode,
        report_exchange_error,
        areport_exchange_error,
        client,
        exchange_id,
        ExchangeErrorCode.QUERY_TYPE_NOT_SUPPORTED,
        "summary queries are not supported",
    )
    by_string = await call(
        mode,
        report_exchange_error,
        areport_exchange_error,
        client,
        uuid.UUID(exchange_id),
        "producer_failure",
    )
    record = sandbox.state.exchanges[exchange_id]
    assert [(e.id, e.code, e.details) for e in record.errors] == [
        (str(reported.id), "query_type_not_supported", "summary queries are not supported"),
        (str(by_string.id), "producer_failure", None),
    ]
    assert reported.code == ExchangeErrorCode.QUERY_TYPE_NOT_SUPPORTED
    assert reported.message == record.errors[0].message
    assert record.state == "failed"


async def test_report_exchange_error_on_an_unknown_exchange_raises_not_found(
    mode: str, client: AuthenticatedClient
) -> None:
    with pytest.raises(NotFoundError):
        await call(
            mode,
            report_exchange_error,
            areport_exchange_error,
            client,
            uuid.uuid4(),
            "producer_error",
        )
