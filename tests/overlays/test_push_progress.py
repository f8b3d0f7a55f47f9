"""A push's progress callback, its checkpoint (a process killed at any moment resumes, sending
at most the chunk in flight again, and says so; contents validated, keyed to the plan, files
private and removed after success, one push at a time), and the one shape of rate limiting."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import stat
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _data_server import DataServer, running_data_server
from _overlay_support import RecordedSleeps, StaticBearer, SyncOrAsync

from datasync_grades import (
    AsyncDataSync,
    CheckpointError,
    ChunkStored,
    ConcurrentPushError,
    DataSync,
    FileCheckpoint,
    MemoryCheckpoint,
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
    kwargs.setdefault("assignments", assignments())
    if isinstance(client, DataSync):
        return client.exchanges.push_data(target, **kwargs)
    return await client.exchanges.push_data(target, **kwargs)


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


def files(directory: Path) -> dict[str, int]:
    """The files of a directory with their permission bits."""
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in directory.iterdir()}


async def test_a_kill_in_the_progress_callback_never_resends_the_chunk_it_reported(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    checkpoint = FileCheckpoint(tmp_path / "push.json")
    total = planned()
    recorded: list[Any] = []

    def die_after_chunk_2(event: ChunkStored) -> None:
        recorded.append(json.loads((tmp_path / "push.json").read_text()))
        if event.index == 2:
            raise Killed

    with pytest.raises(Killed):
        await push(client, checkpoint=checkpoint, on_progress=die_after_chunk_2)
    # The checkpoint said "stored" before the callback heard of each chunk.
    assert [(state["stored"], state["in_flight"]) for state in recorded] == [
        (1, None),
        (2, None),
        (3, None),
    ]
    # What a kill leaves: private files, which the next push takes over.
    assert set(files(tmp_path).items()) <= {("push.json", 0o600), ("push.json.lock", 0o600)}

    seen: list[int] = []
    result = await push(client, checkpoint=checkpoint, on_progress=lambda e: seen.append(e.index))
    assert result.possibly_duplicated is None and result.chunks_sent == total - 3
    assert seen == list(range(3, total))
    bodies = [stored.body for stored in server.stored]
    assert len(bodies) == total == len(set(bodies))  # nothing sent twice
    assert files(tmp_path) == {}  # a finished push leaves no checkpoint, partial or lock


async def test_a_kill_between_the_answer_and_its_record_resends_that_chunk_and_says_so(
    server: DataServer,
    client: DataSync | AsyncDataSync,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    file = FileCheckpoint(tmp_path / "push.json")

    class DiesBeforeRecordingChunk2(FileCheckpoint):
        def save(self, state: dict[str, Any]) -> None:
            if (state["stored"], state["in_flight"]) == (3, None):
                raise Killed
            super().save(state)

    reported: list[int] = []
    with pytest.raises(Killed):
        await push(
            client,
            checkpoint=DiesBeforeRecordingChunk2(file.path),
            on_progress=lambda e: reported.append(e.index),
        )
    assert len(server.stored) == 3 and reported == [0, 1]  # chunk 2 stored, never reported

    result = await push(client, checkpoint=file)
    assert result.possibly_duplicated == 2
    assert "chunk 3 of exchange" in caplog.text and "may store it twice" in caplog.text
    bodies = [stored.body for stored in server.stored]
    assert bodies[2] == bodies[3]  # the chunk in flight at the kill, stored twice
    assert len(bodies) == planned() + 1 and len(set(bodies)) == planned()


async def test_a_push_killed_before_sending_resends_the_chunk_it_was_about_to_send(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    file = FileCheckpoint(tmp_path / "push.json")

    class DiesBeforeChunk1(FileCheckpoint):
        def save(self, state: dict[str, Any]) -> None:
            super().save(state)
            if state["in_flight"] == 1:
                raise Killed

    with pytest.raises(Killed):
        await push(client, checkpoint=DiesBeforeChunk1(file.path))
    assert len(server.stored) == 1

    result = await push(client, checkpoint=file)
    assert result.possibly_duplicated == 1  # the client cannot know it never left
    bodies = [stored.body for stored in server.stored]
    assert len(bodies) == planned() and len(set(bodies)) == planned()


async def test_a_chunk_stored_and_then_unanswered_is_resent_and_flagged(
    server: DataServer, client: DataSync | AsyncDataSync
) -> None:
    server.fail = {3: "drop-stored"}  # chunk 3 (index 2) stored, its answer lost
    checkpoint = MemoryCheckpoint()
    with pytest.raises(UploadError) as caught:
        await push(client, checkpoint=checkpoint)
    assert caught.value.chunks_accepted == 2 and len(server.stored) == 3

    result = await push(client, checkpoint=checkpoint)
    assert result.possibly_duplicated == 2 and result.chunks_sent == planned() - 2
    bodies = [stored.body for stored in server.stored]
    assert bodies[2] == bodies[3] and len(set(bodies)) == planned()
    assert checkpoint.state is None


async def test_a_checkpoint_of_another_exchange_starts_afresh(
    server: DataServer, client: DataSync | AsyncDataSync
) -> None:
    checkpoint = MemoryCheckpoint()
    server.fail = {2: 500}
    with pytest.raises(UploadError):
        await push(client, OTHER_ID, checkpoint=checkpoint)
    result = await push(client, checkpoint=checkpoint)
    assert result.chunks_sent == planned() and result.possibly_duplicated is None
    assert checkpoint.state is None


@pytest.mark.parametrize("store", ["memory", "file"])
async def test_a_checkpoint_made_for_another_limit_is_refused_never_resumed_by_index(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path, store: str
) -> None:
    # The exchange's limit changes between a failed push and its resumption: resuming at
    # chunk 2 of another plan would skip items. It is refused, and nothing more is sent.
    checkpoint = MemoryCheckpoint() if store == "memory" else FileCheckpoint(tmp_path / "c.json")
    server.fail = {3: 500}
    with pytest.raises(UploadError):
        await push(client, checkpoint=checkpoint)
    server.max_data_content_length = MAX_BYTES - 100
    with pytest.raises(CheckpointError, match="no state of this plan") as caught:
        await push(client, checkpoint=checkpoint)
    assert isinstance(caught.value, UploadError) and caught.value.chunks_accepted == 0
    assert len(server.received) == 3
    with pytest.raises(CheckpointError, match="no state of this plan"):  # other items, same limit
        await push(client, checkpoint=checkpoint, max_bytes=MAX_BYTES, assignments=[])
    assert len(server.received) == 3


GOOD = {"exchange": str(EXCHANGE_ID), "stored": 1, "in_flight": None}
BAD_STATES: list[Any] = [
    {**GOOD, "stored": -2},
    {**GOOD, "stored": True},
    {**GOOD, "stored": "1"},
    {**GOOD, "stored": 1.0},
    {**GOOD, "stored": 10**6},
    {**GOOD, "in_flight": 0},
    {**GOOD, "in_flight": True},
    {**GOOD, "exchange": None},
    {**GOOD, "extra": 1},
    {"stored": 1},
    {"not a checkpoint": True},
]


@pytest.mark.parametrize("state", BAD_STATES)
async def test_checkpoint_contents_are_validated_before_anything_is_sent(
    server: DataServer, client: DataSync | AsyncDataSync, state: dict[str, Any]
) -> None:
    checkpoint = MemoryCheckpoint()
    kept: list[Any] = []
    await push(client, checkpoint=checkpoint, on_progress=lambda e: kept.append(checkpoint.state))
    sent = len(server.received)
    checkpoint.state = {"plan": kept[0]["plan"], **state}
    with pytest.raises(CheckpointError):
        await push(client, checkpoint=checkpoint)
    assert len(server.received) == sent  # the final chunk above all was not sent early


async def test_a_checkpoint_that_loads_no_mapping_is_a_checkpoint_error(
    server: DataServer, client: DataSync | AsyncDataSync
) -> None:
    class Broken(MemoryCheckpoint):
        def load(self) -> Any:
            return ["stored", 3]

    with pytest.raises(CheckpointError):
        await push(client, checkpoint=Broken())
    assert server.received == []


@pytest.mark.parametrize(
    "content",
    [b"{", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b"null", b"[1, 2]", b" " * 10_000],
)
async def test_a_corrupt_checkpoint_file_is_a_checkpoint_error(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "push.json").write_bytes(content)
    with pytest.raises(CheckpointError) as caught:
        await push(client, checkpoint=FileCheckpoint(tmp_path / "push.json"))
    assert isinstance(caught.value, UploadError) and server.received == []


async def test_a_checkpoint_that_is_a_directory_is_a_checkpoint_error(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    with pytest.raises(CheckpointError):
        await push(client, checkpoint=FileCheckpoint(tmp_path))
    assert server.received == []


async def test_a_stale_partial_file_does_not_break_the_next_push_and_is_removed(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    # What a kill during a checkpoint write leaves behind, made with a looser mode.
    (tmp_path / ".push.json.abc123.partial").write_bytes(b'{"exch')
    os.chmod(tmp_path / ".push.json.abc123.partial", 0o644)
    modes: list[dict[str, int]] = []
    result = await push(
        client,
        checkpoint=FileCheckpoint(tmp_path / "push.json"),
        on_progress=lambda e: modes.append(files(tmp_path)),
    )
    assert result.chunks_sent == planned()
    assert all(mode == 0o600 for seen in modes for mode in seen.values())
    assert all("push.json" in seen and "push.json.lock" in seen for seen in modes)
    assert files(tmp_path) == {}


async def test_a_full_disk_is_an_upload_error_telling_how_far(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    class FullAfterChunk2(FileCheckpoint):
        def save(self, state: dict[str, Any]) -> None:
            if state["stored"] == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            super().save(state)

    with pytest.raises(CheckpointError, match="No space left") as caught:
        await push(client, checkpoint=FullAfterChunk2(tmp_path / "push.json"))
    assert (caught.value.chunks_accepted, caught.value.chunks_total) == (3, planned())
    assert isinstance(caught.value.__cause__, OSError) and len(server.stored) == 3


async def test_a_file_checkpoint_is_saved_off_the_event_loop(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    threads: set[int] = set()

    class Recording(FileCheckpoint):
        def save(self, state: dict[str, Any]) -> None:
            threads.add(threading.get_ident())
            super().save(state)

    await push(client, checkpoint=Recording(tmp_path / "push.json"))
    on_this_thread = threads == {threading.get_ident()}
    assert on_this_thread == isinstance(client, DataSync)


async def test_two_pushes_of_one_exchange_in_one_process_are_refused(
    server: DataServer, client: DataSync | AsyncDataSync
) -> None:
    refused: list[BaseException] = []
    if isinstance(client, DataSync):

        def again(event: ChunkStored) -> None:
            if event.index == 0:
                try:
                    client.exchanges.push_data(EXCHANGE_ID, assignments=assignments())
                except ConcurrentPushError as exc:
                    refused.append(exc)

        await push(client, on_progress=again)
    else:
        results = await asyncio.gather(push(client), push(client), return_exceptions=True)
        refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], ConcurrentPushError)
    assert isinstance(refused[0], UploadError) and refused[0].chunks_accepted == 0
    assert len(server.received) == planned()  # only the first push sent anything
    await push(client, OTHER_ID)  # the lock went with the push


async def test_a_file_checkpoint_in_use_by_another_process_is_refused(
    server: DataServer, client: DataSync | AsyncDataSync, tmp_path: Path
) -> None:
    # flock locks between open files, as between processes: this stands for the other one.
    with FileCheckpoint(tmp_path / "push.json").lock():
        with pytest.raises(ConcurrentPushError, match="another process"):
            await push(client, checkpoint=FileCheckpoint(tmp_path / "push.json"))
        with pytest.raises(ConcurrentPushError):  # another exchange, the same file
            await push(client, OTHER_ID, checkpoint=FileCheckpoint(tmp_path / "push.json"))
    assert server.received == []
    await push(client, checkpoint=FileCheckpoint(tmp_path / "push.json"))
    assert files(tmp_path) == {}


def test_the_checkpoint_file_is_written_whole_and_private(tmp_path: Path) -> None:
    checkpoint = FileCheckpoint(tmp_path / "push.json")
    assert checkpoint.load() is None
    checkpoint.save({"exchange": "e", "stored": 3, "in_flight": None})
    assert checkpoint.load() == {"exchange": "e", "stored": 3, "in_flight": None}
    assert files(tmp_path) == {"push.json": 0o600}  # no temporary left
    checkpoint.clear()
    assert checkpoint.load() is None and files(tmp_path) == {}


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
    assert {"on_progress", "checkpoint", "max_bytes"} <= parameters.keys()
    assert "resume_from" not in parameters  # the checkpoint is the one way to resume
