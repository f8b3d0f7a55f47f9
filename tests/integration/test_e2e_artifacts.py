"""End to end: the artifacts of an exchange answered through the API (details, consumer logs)
and the course-ids report of a batch exchange, sync and async, against the sandbox's bytes."""

from __future__ import annotations

import gzip
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from _integration import call, collect, gradebook

from datasync_grades import NotFoundError, artifacts, push_exchange_data
from datasync_grades_api.api.artifacts import get_exchange_consumer_logs, get_exchange_details
from datasync_grades_api.api.batch_exchanges import create_batch_exchange_context_data
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import BatchExchangeContextDataRequest
from datasync_grades_sandbox import Sandbox

ASSIGNMENTS, STUDENTS = 3, 10


@dataclass
class Answered:
    """An exchange answered with grade data: its artifacts exist."""

    exchange_id: str
    details: bytes  # decompressed, as the sandbox stored them
    consumer_logs: bytes
    chunks: int


@pytest.fixture
def answered(sandbox: Sandbox, client: AuthenticatedClient) -> Answered:
    [exchange_id] = sandbox.seed_exchanges(1, course_app_id="MATH-101")
    result = push_exchange_data(
        client, exchange_id, assignments=gradebook(ASSIGNMENTS, STUDENTS), max_bytes=2048
    )
    record = sandbox.state.exchanges[exchange_id]
    assert record.details is not None and record.consumer_logs is not None
    return Answered(
        exchange_id,
        gzip.decompress(record.details),
        gzip.decompress(record.consumer_logs),
        result.chunks_sent,
    )


async def test_details_are_decompressed_and_parsed(
    mode: str, answered: Answered, client: AuthenticatedClient
) -> None:
    document = await call(mode, artifacts.details, artifacts.adetails, client, answered.exchange_id)
    assert document == json.loads(answered.details)
    assert document["chunks"] == answered.chunks > 1
    assert sum(len(a["scores"]) for a in document["assignments"]) == ASSIGNMENTS * STUDENTS


async def test_consumer_logs_are_decompressed_and_parsed(
    mode: str, answered: Answered, client: AuthenticatedClient
) -> None:
    document = await call(
        mode, artifacts.consumer_logs, artifacts.aconsumer_logs, client, answered.exchange_id
    )
    assert document == json.loads(answered.consumer_logs)
    assert len(document["entries"]) == answered.chunks + 1


@pytest.mark.parametrize("which", ["details", "consumer_logs"])
async def test_iter_streams_bounded_chunks(
    mode: str, which: str, answered: Answered, client: AuthenticatedClient
) -> None:
    sync_fn = getattr(artifacts, f"iter_{which}")
    async_fn = getattr(artifacts, f"aiter_{which}")
    pieces = await collect(mode, sync_fn, async_fn, client, answered.exchange_id, chunk_size=64)
    assert len(pieces) > 1 and all(1 <= len(piece) <= 64 for piece in pieces)
    assert b"".join(pieces) == getattr(answered, which)


@pytest.mark.parametrize("which", ["details", "consumer_logs"])
async def test_save_writes_the_decompressed_artifact(
    mode: str, which: str, answered: Answered, client: AuthenticatedClient, tmp_path: Path
) -> None:
    path = tmp_path / f"{which}.json"
    sync_fn = getattr(artifacts, f"save_{which}")
    async_fn = getattr(artifacts, f"asave_{which}")
    written = await call(mode, sync_fn, async_fn, client, answered.exchange_id, path)
    assert path.read_bytes() == getattr(answered, which)
    assert written == len(getattr(answered, which))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


@pytest.mark.parametrize("state", ["created", "failed"])
async def test_an_exchange_without_artifacts_gives_none_or_not_found(
    mode: str, state: str, sandbox: Sandbox, client: AuthenticatedClient, tmp_path: Path
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state=state)
    for which in ("details", "consumer_logs"):
        loaded = await call(
            mode, getattr(artifacts, which), getattr(artifacts, f"a{which}"), client, exchange_id
        )
        assert loaded is None
        path = tmp_path / f"{which}.json"
        saved = await call(
            mode,
            getattr(artifacts, f"save_{which}"),
            getattr(artifacts, f"asave_{which}"),
            client,
            exchange_id,
            path,
        )
        assert saved is None
        with pytest.raises(NotFoundError) as caught:
            await collect(
                mode,
                getattr(artifacts, f"iter_{which}"),
                getattr(artifacts, f"aiter_{which}"),
                client,
                exchange_id,
            )
        assert caught.value.status_code == 404
    assert list(tmp_path.iterdir()) == []


async def test_details_pass_course_app_id_to_the_server(
    mode: str, answered: Answered, client: AuthenticatedClient
) -> None:
    mine = await call(
        mode,
        artifacts.details,
        artifacts.adetails,
        client,
        answered.exchange_id,
        course_app_id="MATH-101",
    )
    other = await call(
        mode,
        artifacts.details,
        artifacts.adetails,
        client,
        answered.exchange_id,
        course_app_id="BIO-201",
    )
    assert mine == json.loads(answered.details)
    assert other is None  # the sandbox answers 404 for another course's exchange


async def test_generic_artifact_functions_take_any_binary_endpoint(
    mode: str, answered: Answered, client: AuthenticatedClient, tmp_path: Path
) -> None:
    endpoint = get_exchange_consumer_logs
    loaded = await call(
        mode,
        artifacts.load_artifact,
        artifacts.aload_artifact,
        endpoint,
        client,
        id=answered.exchange_id,
    )
    pieces = await collect(
        mode,
        artifacts.iter_artifact,
        artifacts.aiter_artifact,
        get_exchange_details,
        client,
        id=answered.exchange_id,
    )
    path = tmp_path / "logs.json"
    written = await call(
        mode,
        artifacts.save_artifact,
        artifacts.asave_artifact,
        endpoint,
        client,
        path,
        id=answered.exchange_id,
    )
    assert loaded == json.loads(answered.consumer_logs)
    assert b"".join(pieces) == answered.details
    assert written == len(answered.consumer_logs) and path.read_bytes() == answered.consumer_logs


async def test_course_ids_report_lists_the_batchs_courses(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    body = BatchExchangeContextDataRequest(course_ids=["3001", "1002", "3002"])
    await call(
        mode,
        create_batch_exchange_context_data.sync,
        create_batch_exchange_context_data.asyncio,
        uuid.UUID(batch_id),
        client=client,
        body=body,
    )
    expected = sandbox.state.batch_exchanges[batch_id].course_ids
    assert expected == ["1001", "1002", "1003", "3001", "3002"]  # the sandbox's own reading
    listed = await call(
        mode, artifacts.course_ids_report, artifacts.acourse_ids_report, client, batch_id
    )
    streamed = await collect(
        mode,
        artifacts.iter_course_ids_report,
        artifacts.aiter_course_ids_report,
        client,
        batch_id,
        chunk_size=4,
    )
    assert listed == streamed == expected


async def test_course_ids_report_of_an_unknown_batch_raises_not_found(
    mode: str, client: AuthenticatedClient
) -> None:
    with pytest.raises(NotFoundError):
        await call(
            mode, artifacts.course_ids_report, artifacts.acourse_ids_report, client, uuid.uuid4()
        )
