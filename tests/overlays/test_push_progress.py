"""A push's progress callback, its checkpoint (a process killed at any moment resumes, sending
at most the chunk in flight again, and says so), and the one shape of rate limiting."""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _data_server import DataServer, running_data_server
from _overlay_support import RecordedSleeps, StaticBearer, SyncOrAsync

from datasync_grades import (
    AsyncDataSync,
    ChunkStored,
    DataSync,
    FileCheckpoint,
    RateLimitError,
    UploadError,
    plan_chunks,
)

EXCHANGE_ID = uuid.UUID("0b0e4f9e-6c56-4a37-9d6c-7e3f3a1d2c4b")
OTHER_ID = uuid.UUID("5f0c6a52-6a55-4d43-9d1c-0d1d2b7c9e10")
MAX_BYTES = 400


def assignments(count: int = 8) -> list[dict[str, Any]]:
    return [
        {"$sys": {"id": str(uuid.uuid5(EXCHANGE_ID, str(n)))}, "name": f"Quiz {n}",
         "scores": [{"score": s} for s in range(3)]}
        for n in range(count)
    ]  # fmt: skip


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no except DataSyncError sees it."""


@pytest.fixture
def server() -> Iterator[DataServer]:
    with running_data_server(max_data_content_length=MAX_BYTES) as running:
        yield running


@pytest.fixture
async def client(
    server: DataServer, recorded_sleeps: RecordedSleeps, sync_or_async: SyncOrAsync
) -> AsyncIterator[DataSync | AsyncDataSync]:
    made = sync_or_async.datasync(
        server.url, auth=StaticBearer(), retry_policy=recorded_sleeps.policy()
    )
    yield made
    await sync_or_async.close(made)


async def push(client: DataSync | AsyncDataSync, target: Any = EXCHANGE_ID, **kwargs: Any) -> Any:
    if isinstance(client, DataSync):
        return client.exchanges.push_data(target, assignments=assignments(), **kwargs)
    return await client.exchanges.push_data(target, assignments=assignments(), **kwargs)


def planned() -> int:
    return len(plan_chunks(assignments(), max_bytes=MAX_BYTES))


async def test_the_callback_sees_every_stored_chunk_once_in_order(
    server: DataServer, client: DataSync | AsyncDataSync
) -> None:
    seen: list[ChunkStored] = []
    result = await push(client, on_progress=seen.append)
    total = planned()
    assert total > 2
    assert [event.index for event in seen] == list(range(total))
    assert {event.total for event in seen} == {total}
    assert [event.size for event in seen] == [len(stored.body) for stored in server.stored]
    assert [str(event.chunk_id) for event in seen] == server.stored_ids
    assert result.chunk_ids == tuple(event.chunk_id for event in seen)
    assert result.possibly_duplicated is None


async def test_a_push_killed_after_a_stored_chunk_resumes_sending_only_that_one_again(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    checkpoint = FileCheckpoint(tmp_path / "push.json")
    total = planned()

    def die_after_chunk_2(event: ChunkStored) -> None:
        if event.index == 2:
            raise Killed

    with pytest.raises(Killed):
        await push(client, checkpoint=checkpoint, on_progress=die_after_chunk_2)
    assert len(server.stored) == 3
    saved = json.loads((tmp_path / "push.json").read_text())
    assert (saved["stored"], saved["in_flight"]) == (2, 2)  # chunk 2's answer came, unrecorded

    seen: list[int] = []
    result = await push(client, checkpoint=checkpoint, on_progress=lambda e: seen.append(e.index))
    assert result.possibly_duplicated == 2
    assert seen == list(range(2, total))
    assert result.chunks_sent == total - 2
    bodies = [stored.body for stored in server.stored]
    assert bodies[2] == bodies[3]  # the chunk in flight at the kill, stored twice
    assert len(bodies) == total + 1 and len(set(bodies)) == total
    assert json.loads((tmp_path / "push.json").read_text())["stored"] == total


async def test_a_push_killed_before_sending_resends_the_chunk_it_was_about_to_send(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    file = FileCheckpoint(tmp_path / "push.json")

    class DiesBeforeChunk1:
        def load(self) -> dict[str, Any] | None:
            return file.load()

        def save(self, state: dict[str, Any]) -> None:
            file.save(state)
            if state["in_flight"] == 1:
                raise Killed

    with pytest.raises(Killed):
        await push(client, checkpoint=DiesBeforeChunk1())
    assert len(server.stored) == 1

    result = await push(client, checkpoint=file)
    assert result.possibly_duplicated == 1  # the client cannot know it never left
    bodies = [stored.body for stored in server.stored]
    assert len(bodies) == planned() and len(set(bodies)) == planned()


async def test_a_finished_checkpoint_sends_nothing_and_another_exchange_starts_afresh(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    checkpoint = FileCheckpoint(tmp_path / "push.json")
    await push(client, checkpoint=checkpoint)
    again = await push(client, checkpoint=checkpoint)
    assert (again.chunks_sent, again.chunks_total) == (0, planned())
    assert len(server.stored) == planned()

    other = await push(client, OTHER_ID, checkpoint=checkpoint)
    assert other.chunks_sent == planned() and other.possibly_duplicated is None
    assert len(server.stored) == 2 * planned()


async def test_a_checkpoint_of_another_plan_for_the_exchange_is_refused_before_sending(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    checkpoint = FileCheckpoint(tmp_path / "push.json")
    await push(client, checkpoint=checkpoint)
    with pytest.raises(ValueError, match="another plan"):
        await push(client, checkpoint=checkpoint, max_bytes=MAX_BYTES - 100)
    assert len(server.stored) == planned()


async def test_resume_from_and_a_checkpoint_do_not_go_together(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    with pytest.raises(TypeError, match="resume_from or checkpoint"):
        await push(client, checkpoint=FileCheckpoint(tmp_path / "x.json"), resume_from=1)
    assert server.stored == []


def test_the_checkpoint_file_is_written_whole_and_private(tmp_path: Path) -> None:
    checkpoint = FileCheckpoint(tmp_path / "push.json")
    assert checkpoint.load() is None
    checkpoint.save({"exchange": "e", "stored": 3, "in_flight": None})
    assert checkpoint.load() == {"exchange": "e", "stored": 3, "in_flight": None}
    assert stat.S_IMODE(os.stat(tmp_path / "push.json").st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["push.json"]  # no temporary left


async def test_a_429_the_client_will_not_wait_out_is_an_upload_error_with_its_wait(
    server: DataServer, client: DataSync | AsyncDataSync, recorded_sleeps: RecordedSleeps
) -> None:
    # Chunk 3 (the 3rd data POST) and both its retries are answered 429.
    server.fail.update({3: 429, 4: 429, 5: 429})
    with pytest.raises(UploadError) as caught:
        await push(client)
    error = caught.value
    assert (error.chunks_accepted, error.chunks_total) == (2, planned())
    assert isinstance(error.__cause__, RateLimitError)
    assert error.__cause__.status_code == 429
    assert error.retry_after == error.__cause__.retry_after
    assert len(recorded_sleeps.waits) == 2  # the retries the policy allows were made


def test_the_protocol_names_are_what_the_methods_take(sync_or_async: SyncOrAsync) -> None:
    import inspect

    method: Callable[..., Any] = (DataSync if sync_or_async.mode == "sync" else AsyncDataSync)(
        auth=StaticBearer()
    ).exchanges.push_data
    parameters = inspect.signature(method).parameters
    assert {"on_progress", "checkpoint", "resume_from", "max_bytes"} <= parameters.keys()
