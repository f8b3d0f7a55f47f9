"""Injected faults: latency, 503s, 429 bursts, dropped connections; deterministic and counted."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from datasync_grades_sandbox import Faults, Sandbox

SandboxFactory = Callable[..., Sandbox]


def _client(sandbox: Sandbox) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {sandbox.issue_token()}"},
        timeout=10,
    )


def _statuses(sandbox: Sandbox, count: int) -> list[int]:
    with _client(sandbox) as api:
        return [api.get("/schedules").status_code for _ in range(count)]


def test_latency_delays_answers_and_is_counted(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(latency=0.05))
    assert _statuses(sandbox, 2) == [200, 200]
    counters = sandbox.counters()
    assert (counters.delayed, counters.served, counters.injected) == (2, 2, 0)


def test_every_request_503_with_retry_after(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(error_rate=1.0, error_retry_after=3))
    with _client(sandbox) as api:
        reply = api.get("/schedules")
    assert reply.status_code == 503
    assert reply.headers["retry-after"] == "3"
    assert reply.json()["error"]["status"] == 503
    assert sandbox.counters().unavailable == 1
    assert sandbox.response_validation_errors == []


def test_503_share_is_deterministic_for_a_seed(datasync_sandbox_factory: SandboxFactory) -> None:
    faults = Faults(error_rate=0.5, seed=42)
    first = _statuses(datasync_sandbox_factory(faults=faults), 20)
    second = _statuses(datasync_sandbox_factory(faults=faults), 20)
    assert first == second
    assert set(first) == {200, 503}
    other = _statuses(datasync_sandbox_factory(faults=Faults(error_rate=0.5, seed=43)), 20)
    assert other != first


def test_429_bursts_come_every_nth_request(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(
        faults=Faults(burst_every=4, burst_length=2, burst_retry_after=0)
    )
    with _client(sandbox) as api:
        replies = [api.get("/exchanges/count") for _ in range(10)]
    statuses = [r.status_code for r in replies]
    assert statuses == [200, 200, 200, 429, 429, 200, 200, 429, 429, 200]
    assert {r.headers["retry-after"] for r in replies if r.status_code == 429} == {"0"}
    assert sandbox.counters().throttled == 4
    assert sandbox.response_validation_errors == []


def test_dropped_connection_is_a_protocol_error(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(drop_rate=1.0))
    with _client(sandbox) as api, pytest.raises(httpx.RemoteProtocolError):
        api.get("/schedules")
    sandbox.faults = Faults()
    assert _statuses(sandbox, 1) == [200]
    counters = sandbox.counters()
    assert (counters.requests, counters.dropped, counters.served) == (2, 1, 1)


async def test_dropped_connection_async(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(drop_rate=1.0))
    async with httpx.AsyncClient(
        headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await client.post(f"{sandbox.base_url}/exchanges", json={})
    assert sandbox.state.exchanges == {}


async def test_faults_under_concurrent_async_requests(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    import asyncio

    sandbox = datasync_sandbox_factory(faults=Faults(error_rate=0.3, seed=5))
    async with httpx.AsyncClient(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as client:
        replies = await asyncio.gather(*(client.get("/schedules") for _ in range(20)))
    statuses = [r.status_code for r in replies]
    counters = sandbox.counters()
    assert statuses.count(503) == counters.unavailable > 0
    assert statuses.count(200) == counters.served
    assert counters.requests == 20
    assert sandbox.response_validation_errors == []


def test_token_endpoint_is_spared_unless_included(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(error_rate=1.0))
    form = {
        "grant_type": "client_credentials",
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
    }
    assert httpx.post(sandbox.token_url, data=form).status_code == 200
    sandbox.faults = Faults(error_rate=1.0, include_token_endpoint=True)
    assert httpx.post(sandbox.token_url, data=form).status_code == 503


def test_faults_come_before_auth(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(error_rate=1.0))
    assert httpx.get(f"{sandbox.base_url}/schedules").status_code == 503


def test_counters_reset(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory()
    _statuses(sandbox, 3)
    assert sandbox.counters().requests == 3
    sandbox.reset_counters()
    assert sandbox.counters().requests == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"latency": -1},
        {"error_rate": 1.5},
        {"drop_rate": -0.1},
        {"burst_every": 3, "burst_length": 3},
        {"burst_every": 3, "burst_length": 0},
        {"burst_retry_after": -1},
    ],
)
def test_impossible_faults_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Faults(**kwargs)  # type: ignore[arg-type]


def test_drop_after_drops_one_request_then_serves_again(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(drop_after=3))
    outcomes = []
    with _client(sandbox) as api:
        for _ in range(6):
            try:
                outcomes.append(api.post("/exchanges", json={}).status_code)
            except httpx.RemoteProtocolError:
                outcomes.append(None)
    assert outcomes == [200, 200, 200, None, 200, 200]
    assert len(sandbox.state.exchanges) == 5  # the dropped one was never handled
    counters = sandbox.counters()
    assert (counters.dropped, counters.dropped_after_handling, counters.served) == (1, 0, 5)
    sandbox.faults = Faults(drop_after=1)  # assigning again re-arms it
    assert _statuses(sandbox, 1) == [200]
    with _client(sandbox) as api, pytest.raises(httpx.RemoteProtocolError):
        api.get("/schedules")


def _chunk(final: bool) -> dict[str, object]:
    return {"assignments": [{"name": "Essay", "points_possible": 10}], "final": final}


def test_store_then_drop_stores_the_chunk_and_never_answers(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(drop_after=1, drop_stage="response"))
    [exchange_id] = sandbox.seed_exchanges(1)
    with _client(sandbox) as api:
        assert api.post(f"/exchanges/{exchange_id}/data", json=_chunk(False)).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            api.post(f"/exchanges/{exchange_id}/data", json=_chunk(False))
        # The client cannot tell: sent again, the chunk is stored twice (no idempotency key).
        assert api.post(f"/exchanges/{exchange_id}/data", json=_chunk(True)).status_code == 200
    record = sandbox.state.exchanges[exchange_id]
    assert [chunk.final for chunk in record.chunks] == [False, False, True]
    assert record.state == "completed"
    counters = sandbox.counters()
    assert (counters.dropped, counters.dropped_after_handling, counters.served) == (1, 1, 2)


async def test_store_then_drop_async(datasync_sandbox_factory: SandboxFactory) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(drop_rate=1.0, drop_stage="response"))
    [exchange_id] = sandbox.seed_exchanges(1)
    async with httpx.AsyncClient(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await client.post(f"/exchanges/{exchange_id}/data", json=_chunk(True))
    record = sandbox.state.exchanges[exchange_id]
    assert (len(record.chunks), record.state) == (1, "completed")


def test_latency_alone_hides_no_routing_or_auth_error(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(latency=0.01))
    base = sandbox.base_url
    assert httpx.get(f"{base}/schedules").status_code == 401
    assert httpx.get(f"{base}/nothing-here").status_code == 404
    assert httpx.delete(f"{base}/exchanges").status_code == 405
    assert sandbox.counters().delayed == 3


def test_injected_faults_replace_routing_and_auth_errors(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    # Faults act first, as a gateway in front of the API would: a 503 for a request that
    # would have been a 401 or a 405.
    sandbox = datasync_sandbox_factory(faults=Faults(error_rate=1.0))
    assert httpx.get(f"{sandbox.base_url}/schedules").status_code == 503
    assert httpx.delete(f"{sandbox.base_url}/exchanges").status_code == 503
    assert httpx.head(f"{sandbox.base_url}/exchanges").status_code == 503


@pytest.mark.parametrize("kwargs", [{"drop_after": -1}, {"drop_stage": "later"}])
def test_impossible_drops_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Faults(**kwargs)  # type: ignore[arg-type]
