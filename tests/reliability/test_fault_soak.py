"""Fault soak: a producer and a consumer against the sandbox with every fault switched on.

Faults: 50 ms latency on every API request, 10 % answered 503, 5 % of connections dropped
unanswered, and bursts of 429 with ``Retry-After`` (3 requests in every 250). The token
endpoint is left alone (the sandbox's default): token requests are not retried and are not
what this soak is about.

- The producer pushes grade data (assignments with scores, summaries) to 200 exchanges, each
  in several chunks (``max_bytes`` is small): half with ``DataSync.exchanges.push_data`` from
  threads, half with ``AsyncDataSync.exchanges.push_data`` from tasks.
- The consumer pages through all 10,000 exchanges twice (``exchanges.list`` of a ``DataSync``
  in a thread, of an ``AsyncDataSync`` with ``pages(concurrency=4)``), reads the errors of each
  one (a quarter through ``DataSync`` from threads, the rest through ``AsyncDataSync``), and
  downloads both artifacts of every exchange the producer completed (``iter_bytes()``, sync
  and async).

Afterwards the sandbox's state must hold every pushed item exactly once, in the chunks the
client planned and in no other (so no chunk stored twice and none lost), every listing must
have seen every exchange and every error exactly once, and every artifact downloaded must be
byte for byte what the sandbox serves.

How a dropped POST is resumed, and why that is exact here: the retry policy never retries a
POST after its connection was dropped (the server may have stored it), so the push stops with
``UploadError``; the producer resumes with the same ``MemoryCheckpoint``. The sandbox
drops a connection *before* it routes or handles the request (``SandboxApp._apply_fault``
runs first), so a dropped chunk was never stored and resuming sends exactly the missing
chunks; the test checks, at every ``UploadError``, that the sandbox holds exactly
``chunks_accepted`` chunks. A server that drops *after* storing would get that chunk twice
on resume: the API has no idempotency key, so the client cannot tell the two cases apart
(``test_hostile_responses.py::test_a_post_dropped_after_it_was_stored_is_sent_again`` pins
that behaviour).

Figures are reported through the ``figures`` fixture (terminal summary, JUnit properties,
``-s`` output). Scaled down or changed, and said so in the figures: the 429 bursts carry
``Retry-After: 1``, not 0.05-0.2 s, because the sandbox's ``Faults.burst_retry_after`` is an
integer number of seconds (as RFC 9110's delay-seconds is); bursts are spaced so that the
1 s waits add a few seconds in all. The sandbox's openapi-core validation is off (requests
and responses): on the 2-core dev machine it took the soak from about 55 s to 80 s, and what
it would catch is covered here by comparing every stored chunk with the planned bytes, and
elsewhere by the sandbox's and the contract tests.
"""

from __future__ import annotations

import asyncio
import collections
import gzip
import json
import random
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import attrs
import pytest

from datasync_grades import (
    AsyncDataSync,
    ClientCredentials,
    DataSync,
    MemoryCheckpoint,
    RetryPolicy,
    UploadError,
    plan_chunks,
)
from datasync_grades._http import httpx
from datasync_grades_api.types import Unset
from datasync_grades_sandbox import Faults, Sandbox

CONSUMED_EXCHANGES = 10_000
PRODUCED_EXCHANGES = 200
FAILED_EXCHANGES = 1_000  # seeded with one producer_failure error each
COMPLETED_EXCHANGES = 1_000  # seeded with artifacts (from no data)
MAX_BYTES = 1_200
ASSIGNMENTS_PER_EXCHANGE = 10
SCORES_PER_ASSIGNMENT = 3
SUMMARIES_PER_EXCHANGE = 6

FAULTS = Faults(
    latency=0.05,
    error_rate=0.10,
    drop_rate=0.05,
    burst_every=250,
    burst_length=3,
    burst_retry_after=1,
    seed=11,
)
# A request fails (503, drop) about 15 % of the time: 10 retries make giving up on a GET
# (0.15 ** 11) a once-in-a-billion event, so every failure the soak sees is a POST drop.
MAX_RETRIES = 10
MAX_PUSH_ATTEMPTS = 40
# Concurrency: 50 ms of latency times ~16,000 requests is 800 s in a row.
ASYNC_ERROR_READERS = 32
SYNC_ERROR_READERS = 8
ASYNC_PRODUCERS = 8
SYNC_PRODUCERS = 4
DEADLINE = 400.0  # seconds; the soak takes about a minute on the 2-core dev machine, 5 loaded

# What a POST may be retried after: the server provably did not process it.
POST_RETRYABLE = {"429", "503", "ConnectError", "ConnectTimeout", "PoolTimeout"}


# -- instruments ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class JournalingPolicy(RetryPolicy):
    """The package's retry policy, unchanged, that also notes every failed try and its verdict."""

    journal: list[tuple[str, str, float | None]] = attrs.field(factory=list, eq=False, repr=False)

    def next_wait(
        self,
        request: httpx.Request,
        *,
        response: httpx.Response | None = None,
        exc: BaseException | None = None,
        attempt: int,
        now: datetime | None = None,
    ) -> float | None:
        wait = super().next_wait(request, response=response, exc=exc, attempt=attempt, now=now)
        if response is not None and response.status_code >= 400:
            self.journal.append((request.method, str(response.status_code), wait))
        elif exc is not None:
            self.journal.append((request.method, type(exc).__name__, wait))
        return wait


class CountingTransport(httpx.BaseTransport):
    """The innermost transport: counts every try that leaves the client (retries included)."""

    def __init__(self, counter: collections.Counter[str]) -> None:
        self._inner = httpx.HTTPTransport()
        self._counter = counter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._counter[request.method] += 1
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class CountingAsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self, counter: collections.Counter[str]) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._counter = counter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._counter[request.method] += 1
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@dataclass
class Soak:
    """Everything the soak observed, checked at the end."""

    sandbox: Sandbox
    policy: JournalingPolicy
    tries: collections.Counter[str] = field(default_factory=collections.Counter)
    items: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = field(
        default_factory=dict
    )
    pushes: dict[str, int] = field(default_factory=dict)  # exchange -> chunks stored
    upload_errors: collections.Counter[str] = field(default_factory=collections.Counter)
    resume_mismatches: list[str] = field(default_factory=list)
    listed_sync: list[tuple[str, int | Unset]] = field(default_factory=list)
    listed_async: list[tuple[str, int | Unset]] = field(default_factory=list)
    errors_read: dict[str, list[str]] = field(default_factory=dict)
    artifact_mismatches: list[str] = field(default_factory=list)
    artifacts_compared: int = 0
    artifact_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def clients(self) -> tuple[DataSync, AsyncDataSync]:
        """A sync and an async client with one set of credentials (so one token between them)."""
        sandbox = self.sandbox
        auth = ClientCredentials(
            sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url
        )
        timeout = httpx.Timeout(10.0, connect=5.0)
        return (
            DataSync(
                sandbox.base_url,
                auth=auth,
                timeout=timeout,
                retry_policy=self.policy,
                transport=CountingTransport(self.tries),
            ),
            AsyncDataSync(
                sandbox.base_url,
                auth=auth,
                timeout=timeout,
                retry_policy=self.policy,
                transport=CountingAsyncTransport(self.tries),
            ),
        )


# -- data ----------------------------------------------------------------------------------


def _ref(rng: random.Random) -> dict[str, Any]:
    return {"$sys": {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4))}}


def grade_data(exchange_id: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Assignments (each with scores) and summaries for one exchange; every id unique."""
    rng = random.Random(exchange_id)
    assignments = [
        {
            **_ref(rng),
            "name": f"Assignment {n}",
            "points_possible": 10,
            "scores": [
                {"$person": _ref(rng), "score": rng.randint(0, 20) / 2, "grade": "B"}
                for _ in range(SCORES_PER_ASSIGNMENT)
            ],
        }
        for n in range(ASSIGNMENTS_PER_EXCHANGE)
    ]
    summaries = [
        {
            "$person": _ref(rng),
            "summary_type": "final",
            "score_type": "percentage",
            "score": rng.randint(0, 1000) / 10,
        }
        for _ in range(SUMMARIES_PER_EXCHANGE)
    ]
    return assignments, summaries


# -- producer ------------------------------------------------------------------------------


def _note_upload_error(soak: Soak, exchange_id: str, exc: UploadError) -> None:
    """Check the resume point (what the checkpoint holds) against the sandbox."""
    with soak.sandbox.state.lock:
        stored = len(soak.sandbox.state.exchanges[exchange_id].chunks)
    with soak.lock:
        soak.upload_errors[type(exc.__cause__).__name__] += 1
        if stored != exc.chunks_accepted:
            soak.resume_mismatches.append(
                f"{exchange_id}: chunks_accepted={exc.chunks_accepted}, sandbox holds {stored}"
            )


def produce(soak: Soak, client: DataSync, exchange_id: str) -> None:
    assignments, summaries = soak.items[exchange_id]
    checkpoint = MemoryCheckpoint()
    for _ in range(MAX_PUSH_ATTEMPTS):
        try:
            client.exchanges.push_data(
                exchange_id,
                assignments=assignments,
                summaries=summaries,
                max_bytes=MAX_BYTES,
                checkpoint=checkpoint,
            )
        except UploadError as exc:
            _note_upload_error(soak, exchange_id, exc)
            continue
        break
    else:
        raise AssertionError(f"{exchange_id}: not pushed in {MAX_PUSH_ATTEMPTS} attempts")
    _check_artifacts_sync(soak, client, exchange_id)


async def aproduce(soak: Soak, client: AsyncDataSync, exchange_id: str) -> None:
    assignments, summaries = soak.items[exchange_id]
    checkpoint = MemoryCheckpoint()
    for _ in range(MAX_PUSH_ATTEMPTS):
        try:
            await client.exchanges.push_data(
                exchange_id,
                assignments=assignments,
                summaries=summaries,
                max_bytes=MAX_BYTES,
                checkpoint=checkpoint,
            )
        except UploadError as exc:
            _note_upload_error(soak, exchange_id, exc)
            continue
        break
    else:
        raise AssertionError(f"{exchange_id}: not pushed in {MAX_PUSH_ATTEMPTS} attempts")
    await _check_artifacts_async(soak, client, exchange_id)


def _source_bytes(soak: Soak, exchange_id: str) -> tuple[bytes, bytes]:
    with soak.sandbox.state.lock:
        record = soak.sandbox.state.exchanges[exchange_id]
        details, logs = record.details, record.consumer_logs
    assert details is not None and logs is not None, f"{exchange_id} has no artifacts"
    return gzip.decompress(details), gzip.decompress(logs)


def _compare(soak: Soak, exchange_id: str, name: str, got: bytes, expected: bytes) -> None:
    with soak.lock:
        soak.artifacts_compared += 1
        soak.artifact_bytes += len(got)
        if got != expected:
            soak.artifact_mismatches.append(f"{exchange_id} {name}: {len(got)} != {len(expected)}")


def _check_artifacts_sync(soak: Soak, client: DataSync, exchange_id: str) -> None:
    details, logs = _source_bytes(soak, exchange_id)
    got = b"".join(client.artifacts.get_exchange_details(exchange_id).iter_bytes())
    _compare(soak, exchange_id, "details", got, details)
    got = b"".join(client.artifacts.get_exchange_consumer_logs(exchange_id).iter_bytes())
    _compare(soak, exchange_id, "consumer logs", got, logs)


async def _check_artifacts_async(soak: Soak, client: AsyncDataSync, exchange_id: str) -> None:
    details, logs = _source_bytes(soak, exchange_id)
    artifact = client.artifacts.get_exchange_details(exchange_id)
    got = b"".join([piece async for piece in artifact.iter_bytes()])
    _compare(soak, exchange_id, "details", got, details)
    artifact = client.artifacts.get_exchange_consumer_logs(exchange_id)
    got = b"".join([piece async for piece in artifact.iter_bytes()])
    _compare(soak, exchange_id, "consumer logs", got, logs)


# -- consumer ------------------------------------------------------------------------------


def list_all_sync(soak: Soak, client: DataSync) -> None:
    soak.listed_sync = [
        (str(exchange.id), exchange.error_count)
        for exchange in client.exchanges.list(page_size=100)
    ]


def read_errors_sync(soak: Soak, client: DataSync, exchange_id: str) -> None:
    errors = [str(e.id) for e in client.exchanges.list_errors(exchange_id)]
    with soak.lock:
        soak.errors_read[exchange_id] = errors


async def read_errors_async(soak: Soak, client: AsyncDataSync, exchange_id: str) -> None:
    errors = [str(e.id) async for e in client.exchanges.list_errors(exchange_id)]
    with soak.lock:
        soak.errors_read[exchange_id] = errors


async def consume(
    soak: Soak,
    clients: tuple[DataSync, AsyncDataSync],
    pool: ThreadPoolExecutor,
    sync_readers: int,
) -> None:
    """List every exchange (async) and read each one's errors as soon as it is listed."""
    client, aclient = clients
    loop = asyncio.get_running_loop()
    readers = asyncio.Semaphore(ASYNC_ERROR_READERS)
    threads = asyncio.Semaphore(sync_readers)
    tasks: list[asyncio.Task[None]] = []

    async def read_async(exchange_id: str) -> None:
        async with readers:
            await read_errors_async(soak, aclient, exchange_id)

    async def read_sync(exchange_id: str) -> None:
        async with threads:
            await loop.run_in_executor(pool, read_errors_sync, soak, client, exchange_id)

    number = 0
    async for page in aclient.exchanges.list(page_size=100).pages(concurrency=4):
        for exchange in page.items:
            exchange_id = str(exchange.id)
            soak.listed_async.append((exchange_id, exchange.error_count))
            reader = read_sync if number % 4 == 0 else read_async
            tasks.append(asyncio.create_task(reader(exchange_id)))
            number += 1
    await asyncio.gather(*tasks)


# -- the soak ------------------------------------------------------------------------------


async def run_soak(soak: Soak, produced: Sequence[str]) -> None:
    (producer, aproducer), (consumer, aconsumer) = soak.clients(), soak.clients()
    sync_half, async_half = produced[: len(produced) // 2], produced[len(produced) // 2 :]
    loop = asyncio.get_running_loop()
    producing = asyncio.Semaphore(ASYNC_PRODUCERS)

    async def aproduce_bounded(exchange_id: str) -> None:
        async with producing:
            await aproduce(soak, aproducer, exchange_id)

    # One pool for the sync producers, one for the sync consumer (a lister and the readers).
    producers = ThreadPoolExecutor(SYNC_PRODUCERS, thread_name_prefix="soak-producer")
    consumers = ThreadPoolExecutor(SYNC_ERROR_READERS + 1, thread_name_prefix="soak-consumer")
    try:
        jobs: list[Awaitable[None]] = [
            loop.run_in_executor(producers, produce, soak, producer, exchange_id)
            for exchange_id in sync_half
        ]
        jobs += [aproduce_bounded(exchange_id) for exchange_id in async_half]
        jobs.append(loop.run_in_executor(consumers, list_all_sync, soak, consumer))
        jobs.append(consume(soak, (consumer, aconsumer), consumers, SYNC_ERROR_READERS))
        await asyncio.gather(*jobs)
    finally:
        for pool in (producers, consumers):
            pool.shutdown(wait=True, cancel_futures=True)
        for client, aclient in ((producer, aproducer), (consumer, aconsumer)):
            client.close()
            await aclient.aclose()


def _seed(sandbox: Sandbox) -> tuple[list[str], set[str]]:
    produced = sandbox.seed_exchanges(PRODUCED_EXCHANGES)
    others = CONSUMED_EXCHANGES - PRODUCED_EXCHANGES - FAILED_EXCHANGES - COMPLETED_EXCHANGES
    seeded = set(produced)
    seeded |= set(sandbox.seed_exchanges(FAILED_EXCHANGES, state="failed"))
    seeded |= set(sandbox.seed_exchanges(COMPLETED_EXCHANGES, state="completed"))
    seeded |= set(sandbox.seed_exchanges(others))
    return produced, seeded


@pytest.mark.slow
@pytest.mark.timeout(DEADLINE + 120)  # seeding and checking come on top of the soak's own bound
def test_fault_soak(
    figures: Callable[[str, object], None], datasync_sandbox_factory: Callable[..., Sandbox]
) -> None:
    sandbox = datasync_sandbox_factory(validate_requests=False, validate_responses=False, seed=11)
    produced, seeded = _seed(sandbox)
    assert len(seeded) == CONSUMED_EXCHANGES
    soak = Soak(sandbox, JournalingPolicy(max_retries=MAX_RETRIES))
    soak.items = {exchange_id: grade_data(exchange_id) for exchange_id in produced}
    sandbox.reset_counters()
    sandbox.faults = FAULTS
    started = time.perf_counter()
    asyncio.run(asyncio.wait_for(run_soak(soak, produced), timeout=DEADLINE))
    elapsed = time.perf_counter() - started
    sandbox.faults = Faults()
    counters = sandbox.counters()
    with sandbox.state.lock:
        state = {
            exchange_id: (
                record.state,
                [chunk.body for chunk in record.chunks],
                [error.id for error in record.errors],
            )
            for exchange_id, record in sandbox.state.exchanges.items()
        }

    # -- the producer's data: every item exactly once, in the planned chunks, none twice
    items_checked = 0
    chunks_checked = 0
    for exchange_id in produced:
        assignments, summaries = soak.items[exchange_id]
        planned = [
            json.loads(chunk.body())
            for chunk in plan_chunks(assignments, summaries, max_bytes=MAX_BYTES)
        ]
        assert len(planned) >= 3, "max_bytes is meant to make several chunks"
        exchange_state, stored, _ = state[exchange_id]
        assert exchange_state == "completed", exchange_id
        assert stored == planned, f"{exchange_id}: stored chunks differ from the planned ones"
        stored_assignments = [a for body in stored for a in body["assignments"]]
        stored_summaries = [s for body in stored for s in body["summaries"]]
        assert stored_assignments == assignments
        assert stored_summaries == summaries
        items_checked += len(stored_assignments) + len(stored_summaries)
        items_checked += sum(len(a["scores"]) for a in stored_assignments)
        chunks_checked += len(stored)
    # The producer's exchanges only: a seeded completed exchange holds one empty final chunk.
    all_chunk_bodies = [json.dumps(body, sort_keys=True) for e in produced for body in state[e][1]]
    assert len(all_chunk_bodies) == len(set(all_chunk_bodies)), "a chunk was stored twice"
    assert soak.resume_mismatches == []

    # -- the consumer: every exchange listed once (both listings), every error read once
    for listed in (soak.listed_sync, soak.listed_async):
        ids = [exchange_id for exchange_id, _ in listed]
        assert len(ids) == len(set(ids)) == CONSUMED_EXCHANGES
        assert set(ids) == seeded
    assert soak.errors_read.keys() == seeded
    errors_checked = 0
    for exchange_id, errors in soak.errors_read.items():
        assert errors == state[exchange_id][2], exchange_id
        errors_checked += len(errors)
    assert errors_checked == FAILED_EXCHANGES
    counts_listed = dict(soak.listed_async)
    assert all(counts_listed[i] == len(state[i][2]) for i in seeded)

    # -- artifacts: what was downloaded is what the sandbox serves
    assert soak.artifact_mismatches == []
    assert soak.artifacts_compared == 2 * PRODUCED_EXCHANGES

    # -- faults happened, and the retry policy's rules held under them
    journal = soak.policy.journal
    retried = collections.Counter((m, o) for m, o, wait in journal if wait is not None)
    not_retried = collections.Counter((m, o) for m, o, wait in journal if wait is None)
    assert counters.dropped and counters.throttled and counters.unavailable
    assert {o for (m, o) in retried if m == "POST"} <= POST_RETRYABLE
    assert {m for (m, _) in not_retried} <= {"POST"}, f"a GET gave up: {not_retried}"
    assert sum(not_retried.values()) == sum(soak.upload_errors.values())
    assert all(wait == 1.0 for _, o, wait in journal if o == "429" and wait is not None)
    assert sum(soak.upload_errors.values()) > 0, "no POST was dropped: resume untested"

    figures("scale", f"{PRODUCED_EXCHANGES} exchanges produced, {CONSUMED_EXCHANGES} consumed")
    figures(
        "faults configured",
        "latency 50 ms, 10% 503, 5% dropped, 429 bursts of 3 in every 250 "
        "(Retry-After: 1 s; the sandbox takes whole seconds, not 0.05-0.2 s)",
    )
    figures("elapsed s", round(elapsed, 1))
    figures("requests received by the sandbox", counters.requests)
    figures("tries sent by the clients", dict(sorted(soak.tries.items())))
    figures(
        "faults injected",
        {
            "503": counters.unavailable,
            "429": counters.throttled,
            "dropped": counters.dropped,
            "delayed": counters.delayed,
        },
    )
    figures("retries by method and cause", dict(sorted(_flat(retried).items())))
    figures("not retried (surfaced to the caller)", dict(sorted(_flat(not_retried).items())))
    figures("UploadErrors resumed, by cause", dict(soak.upload_errors))
    figures("chunks checked", chunks_checked)
    figures("items checked (assignments, scores, summaries)", items_checked)
    figures("exchanges listed (sync + async)", len(soak.listed_sync) + len(soak.listed_async))
    figures("error lists read / errors checked", f"{len(soak.errors_read)} / {errors_checked}")
    figures("artifacts compared / bytes", f"{soak.artifacts_compared} / {soak.artifact_bytes}")


def _flat(counter: collections.Counter[tuple[str, str]]) -> dict[str, int]:
    return {f"{method} {outcome}": n for (method, outcome), n in counter.items()}


# -- the semantics the producer loop relies on, shown on one exchange ------------------------


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_dropped_chunk_was_not_stored_and_resuming_sends_exactly_the_rest(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox]
) -> None:
    sandbox = datasync_sandbox_factory(validate_responses=False)
    [exchange_id] = sandbox.seed_exchanges(1)
    assignments, summaries = grade_data(exchange_id)
    planned = [
        json.loads(c.body()) for c in plan_chunks(assignments, summaries, max_bytes=MAX_BYTES)
    ]
    posts = 0

    def drop_from_the_third_post(request: httpx.Request) -> None:
        # Runs before each request is sent: from the third chunk on, every connection drops.
        nonlocal posts
        posts += request.method == "POST"
        if posts == 3:
            sandbox.faults = Faults(drop_rate=1.0)

    async def adrop_from_the_third_post(request: httpx.Request) -> None:
        drop_from_the_third_post(request)

    policy = JournalingPolicy(max_retries=MAX_RETRIES)
    options: dict[str, Any] = {
        "auth": ClientCredentials(
            sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url
        ),
        "timeout": 5.0,
        "retry_policy": policy,
    }
    client = DataSync(
        sandbox.base_url, event_hooks={"request": [drop_from_the_third_post]}, **options
    )
    aclient = AsyncDataSync(
        sandbox.base_url, event_hooks={"request": [adrop_from_the_third_post]}, **options
    )
    push: dict[str, Any] = {
        "assignments": assignments,
        "summaries": summaries,
        "max_bytes": MAX_BYTES,
        "checkpoint": MemoryCheckpoint(),
    }
    with pytest.raises(UploadError) as caught:
        if mode == "sync":
            client.exchanges.push_data(exchange_id, **push)
        else:
            await asyncio.wait_for(aclient.exchanges.push_data(exchange_id, **push), 30)
    error = caught.value
    dropped = sandbox.counters().dropped
    with sandbox.state.lock:
        stored = [chunk.body for chunk in sandbox.state.exchanges[exchange_id].chunks]

    assert (error.chunks_accepted, error.chunks_total) == (2, len(planned))
    assert stored == planned[:2]  # the dropped chunk never reached the handler
    assert dropped == 1  # and the POST was not retried
    assert policy.journal == [("POST", "RemoteProtocolError", None)]

    sandbox.faults = Faults()
    if mode == "sync":
        result = client.exchanges.push_data(exchange_id, **push)
    else:
        result = await asyncio.wait_for(aclient.exchanges.push_data(exchange_id, **push), 30)
    with sandbox.state.lock:
        stored = [chunk.body for chunk in sandbox.state.exchanges[exchange_id].chunks]
    assert result.chunks_sent == len(planned) - 2
    assert stored == planned
    client.close()
    await aclient.aclose()
