"""End to end: the artifacts of an exchange answered through the API (details, consumer logs)
and the course-ids report of a batch exchange, read through ``client.artifacts`` and
``client.batch_exchanges``, sync and async, against the sandbox's bytes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _integration import AnyClient, ConnectTo, collect, gradebook, settle

from datasync_grades import DataSync, NotFoundError
from datasync_grades_sandbox import Sandbox

ASSIGNMENTS, STUDENTS = 3, 10
# ``which`` (the Answered field holding the artifact's bytes) -> the resource method.
ARTIFACTS = {
    "details": "get_exchange_details",
    "consumer_logs": "get_exchange_consumer_logs",
}


@dataclass
class Answered:
    """An exchange answered with grade data: its artifacts exist."""

    exchange_id: str
    details: bytes  # decompressed, as the sandbox stored them
    consumer_logs: bytes
    chunks: int


@pytest.fixture
def answered(sandbox: Sandbox, connect_to: ConnectTo) -> Answered:
    [exchange_id] = sandbox.seed_exchanges(1, course_app_id="MATH-101")
    setup: DataSync = connect_to("sync", sandbox)
    result = setup.exchanges.push_data(
        exchange_id, assignments=gradebook(ASSIGNMENTS, STUDENTS), max_bytes=2048
    )
    record = sandbox.state.exchanges[exchange_id]
    assert record.details is not None and record.consumer_logs is not None
    return Answered(
        exchange_id,
        gzip.decompress(record.details),
        gzip.decompress(record.consumer_logs),
        result.chunks_sent,
    )


def _artifact(client: AnyClient, which: str, exchange_id: object, **kwargs: object) -> Any:
    return getattr(client.artifacts, ARTIFACTS[which])(exchange_id, **kwargs)


async def test_details_are_decompressed_and_parsed(answered: Answered, client: AnyClient) -> None:
    document = await settle(client.artifacts.get_exchange_details(answered.exchange_id).json())
    assert document == json.loads(answered.details)
    assert document["chunks"] == answered.chunks > 1
    assert sum(len(a["scores"]) for a in document["assignments"]) == ASSIGNMENTS * STUDENTS


async def test_consumer_logs_are_decompressed_and_parsed(
    answered: Answered, client: AnyClient
) -> None:
    artifact = client.artifacts.get_exchange_consumer_logs(answered.exchange_id)
    document = await settle(artifact.json())
    assert document == json.loads(answered.consumer_logs)
    assert len(document["entries"]) == answered.chunks + 1


@pytest.mark.parametrize("which", ARTIFACTS)
async def test_read_gives_the_decompressed_bytes(
    which: str, answered: Answered, client: AnyClient
) -> None:
    artifact = _artifact(client, which, answered.exchange_id)
    assert await settle(artifact.read()) == getattr(answered, which)


@pytest.mark.parametrize("which", ARTIFACTS)
async def test_iter_bytes_streams_bounded_chunks(
    which: str, answered: Answered, client: AnyClient
) -> None:
    artifact = _artifact(client, which, answered.exchange_id)
    pieces = await collect(artifact.iter_bytes(chunk_size=64))
    assert len(pieces) > 1 and all(1 <= len(piece) <= 64 for piece in pieces)
    assert b"".join(pieces) == getattr(answered, which)


async def test_iter_items_streams_the_details_and_logs_items(
    answered: Answered, client: AnyClient
) -> None:
    details = json.loads(answered.details)
    artifact = client.artifacts.get_exchange_details(answered.exchange_id)
    assert await collect(artifact.iter_items()) == details["assignments"]
    assert await collect(artifact.iter_items(member="summaries")) == details["summaries"]
    logs = client.artifacts.get_exchange_consumer_logs(answered.exchange_id)
    entries = await collect(logs.iter_items(member="entries"))
    assert entries == json.loads(answered.consumer_logs)["entries"]
    assert len(entries) == answered.chunks + 1


async def test_iter_items_of_a_missing_artifact_is_not_found(
    sandbox: Sandbox, client: AnyClient
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="created")
    with pytest.raises(NotFoundError) as caught:
        await collect(client.artifacts.get_exchange_details(exchange_id).iter_items())
    assert caught.value.status_code == 404


@pytest.mark.parametrize("which", ARTIFACTS)
async def test_save_writes_the_decompressed_artifact(
    which: str, answered: Answered, client: AnyClient, tmp_path: Path
) -> None:
    path = tmp_path / f"{which}.json"
    artifact = _artifact(client, which, answered.exchange_id)
    written = await settle(artifact.save(path))
    assert path.read_bytes() == getattr(answered, which)
    assert written == len(getattr(answered, which))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


async def test_an_artifact_is_reusable_and_sends_nothing_until_read(
    answered: Answered, sandbox: Sandbox, client: AnyClient
) -> None:
    await settle(client.consumer.get())  # the token is fetched: only artifact requests follow
    sandbox.reset_counters()
    artifact = client.artifacts.get_exchange_details(answered.exchange_id)
    assert sandbox.counters().requests == 0
    first = await settle(artifact.read())
    second = await settle(artifact.read())
    assert first == second == answered.details
    assert sandbox.counters().requests == 2


@pytest.mark.parametrize("state", ["created", "failed"])
async def test_an_exchange_without_artifacts_gives_none_or_not_found(
    state: str, sandbox: Sandbox, client: AnyClient, tmp_path: Path
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state=state)
    for which in ARTIFACTS:
        artifact = _artifact(client, which, exchange_id)
        assert await settle(artifact.json()) is None
        assert await settle(artifact.read()) is None
        saved = await settle(artifact.save(tmp_path / f"{which}.json"))
        assert saved is None
        with pytest.raises(NotFoundError) as caught:
            await collect(artifact.iter_bytes())
        assert caught.value.status_code == 404
    assert list(tmp_path.iterdir()) == []


async def test_details_pass_course_app_id_to_the_server(
    answered: Answered, client: AnyClient
) -> None:
    artifacts = client.artifacts
    mine = artifacts.get_exchange_details(answered.exchange_id, course_app_id="MATH-101")
    other = artifacts.get_exchange_details(answered.exchange_id, course_app_id="BIO-201")
    assert await settle(mine.json()) == json.loads(answered.details)
    with pytest.raises(NotFoundError):  # no such exchange in that course: "not_found"
        await settle(other.json())


async def test_an_exchange_model_stands_for_its_id(answered: Answered, client: AnyClient) -> None:
    exchange = await settle(client.exchanges.find(answered.exchange_id))
    logs = await settle(client.artifacts.get_exchange_consumer_logs(exchange).read())
    assert logs == answered.consumer_logs


async def test_course_ids_report_lists_the_batchs_courses(
    sandbox: Sandbox, client: AnyClient
) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    stored = await settle(
        client.batch_exchanges.create_context_data(
            uuid.UUID(batch_id), course_ids=["3001", "1002", "3002"]
        )
    )
    assert stored.course_ids == ["3001", "1002", "3002"]
    expected = sandbox.state.batch_exchanges[batch_id].course_ids
    assert expected == ["1001", "1002", "1003", "3001", "3002"]  # the sandbox's own reading
    report = client.batch_exchanges.get_course_ids_report(batch_id)
    listed = await settle(report.column("course_id"))
    rows = await settle(report.rows())
    pieces = await collect(report.iter_bytes(chunk_size=4))
    assert listed == expected
    assert rows == [["course_id"], *([course_id] for course_id in expected)]
    assert len(pieces) > 1 and all(1 <= len(piece) <= 4 for piece in pieces)
    streamed = list(csv.reader(io.StringIO(b"".join(pieces).decode(), newline="")))
    assert streamed == rows


async def test_an_unknown_batch_or_exchange_is_not_found_not_none(
    client: AnyClient, tmp_path: Path
) -> None:
    # The 404 says "not_found" (no such batch or exchange), not "artifact_not_available":
    # unlike a missing artifact, that is an error, never None.
    report = client.batch_exchanges.get_course_ids_report(uuid.uuid4())
    details = client.artifacts.get_exchange_details(uuid.uuid4())
    calls = [
        lambda: report.column("course_id"),
        report.rows,
        details.json,
        details.read,
        lambda: details.save(tmp_path / "details.json"),
    ]
    for call in calls:
        with pytest.raises(NotFoundError) as caught:
            await settle(call())
        assert caught.value.status_code == 404 and caught.value.code == "not_found"
    with pytest.raises(NotFoundError):
        await collect(report.iter_bytes())
    assert list(tmp_path.iterdir()) == []
