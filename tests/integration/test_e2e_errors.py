"""End to end: the typed errors the sandbox's answers become, and retries riding out the
faults it injects (503s, 429 bursts, dropped connections), read from its counters."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from _integration import ConnectTo, RecordedWaits, call, collect

from datasync_grades import (
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    apaginate,
    paginate,
)
from datasync_grades_api.api.exchanges import find_exchange, list_exchanges
from datasync_grades_api.api.schedules import run_schedule, update_schedule
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import RunScheduleBody, ScheduleUpdate
from datasync_grades_sandbox import Faults, Sandbox


def _body(exc: Any) -> dict[str, Any]:
    assert isinstance(exc.body, dict)
    error = exc.body["error"]
    assert isinstance(error, dict)
    return error


async def test_unknown_exchange_raises_not_found(mode: str, client: AuthenticatedClient) -> None:
    missing = uuid.uuid4()
    with pytest.raises(NotFoundError) as caught:
        await call(mode, find_exchange.sync, find_exchange.asyncio, missing, client=client)
    assert caught.value.status_code == 404
    assert caught.value.method == "GET" and caught.value.url.endswith(f"/exchanges/{missing}")
    assert _body(caught.value)["code"] == "not_found"


@pytest.mark.parametrize("params", [{"page_size": 0}, {"page": -1}])
async def test_request_the_validator_rejects_raises_bad_request(
    mode: str, params: dict[str, Any], client: AuthenticatedClient
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await call(mode, list_exchanges.sync, list_exchanges.asyncio, client=client, **params)
    assert caught.value.status_code == 400
    assert _body(caught.value)["code"] == "invalid_request"


async def _run(mode: str, client: AuthenticatedClient, schedule_id: uuid.UUID) -> int:
    # An explicit body: the generated default (UNSET) is not JSON-serializable.
    detailed = await call(
        mode,
        run_schedule.sync_detailed,
        run_schedule.asyncio_detailed,
        schedule_id,
        client=client,
        body=RunScheduleBody(),
    )
    return int(detailed.status_code)


@pytest.fixture
def slow_schedules(datasync_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    # A run lasts 30 s; runs start at least 120 s apart (Retry-After 90 s after a run).
    return datasync_sandbox_factory(schedule_run_seconds=30, schedule_min_interval=120)


async def test_run_schedule_conflict_then_rate_limit_then_success(
    mode: str, slow_schedules: Sandbox, connect_to: ConnectTo, waits: RecordedWaits
) -> None:
    sandbox = slow_schedules
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    client = connect_to(sandbox)
    async with client:
        assert await _run(mode, client, schedule_id) == 204
        with pytest.raises(ConflictError) as conflict:
            await _run(mode, client, schedule_id)
        assert conflict.value.status_code == 409
        assert _body(conflict.value)["code"] == "run_in_progress"

        sandbox.advance_clock(30)
        with pytest.raises(RateLimitError) as limited:
            await _run(mode, client, schedule_id)
        assert limited.value.status_code == 429
        assert limited.value.retry_after == 90.0
        assert waits.waits == []  # above max_retry_after (60 s): raised at once, not waited

        sandbox.advance_clock(limited.value.retry_after)
        assert await _run(mode, client, schedule_id) == 204
    assert len(sandbox.state.schedules[str(schedule_id)].runs) == 2


async def test_running_a_disabled_schedule_raises_conflict(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    await call(
        mode,
        update_schedule.sync,
        update_schedule.asyncio,
        schedule_id,
        client=client,
        body=ScheduleUpdate(enabled=False),
    )
    assert sandbox.state.schedules[str(schedule_id)].enabled is False
    with pytest.raises(ConflictError) as caught:
        await _run(mode, client, schedule_id)
    assert _body(caught.value)["code"] == "schedule_disabled"


async def test_a_short_retry_after_on_run_schedule_is_waited_out(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(schedule_run_seconds=0, schedule_min_interval=5)
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # waits on the sandbox's clock, not the wall clock
        slept.append(seconds)
        sandbox.advance_clock(seconds)

    async def async_sleep(seconds: float) -> None:
        sleep(seconds)

    client = connect_to(sandbox, retry_policy=RetryPolicy(sleep=sleep, async_sleep=async_sleep))
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    async with client:
        assert await _run(mode, client, schedule_id) == 204
        assert await _run(mode, client, schedule_id) == 204  # after a 429, Retry-After: 5
    assert slept == [5.0]
    assert len(sandbox.state.schedules[str(schedule_id)].runs) == 2


# faults -> (counter that must show them, max_retries)
FAULTS: dict[str, tuple[Faults, str, int]] = {
    "503 share": (Faults(error_rate=0.4, seed=1), "unavailable", 8),
    "429 bursts": (Faults(burst_every=4, burst_length=2, burst_retry_after=3), "throttled", 3),
    "dropped connections": (Faults(drop_rate=0.3, seed=2), "dropped", 8),
}


@pytest.mark.parametrize("name", FAULTS)
async def test_retries_ride_out_injected_faults_on_gets(
    mode: str,
    name: str,
    datasync_sandbox_factory: Callable[..., Sandbox],
    connect_to: ConnectTo,
    waits: RecordedWaits,
) -> None:
    faults, counter, max_retries = FAULTS[name]
    sandbox = datasync_sandbox_factory()
    expected = sandbox.seed_exchanges(20)
    client = connect_to(sandbox, retry_policy=waits.policy(max_retries=max_retries))
    async with client:
        sandbox.faults = faults
        sandbox.reset_counters()
        items = await collect(mode, paginate, apaginate, list_exchanges, client=client, page_size=3)
    assert [str(item.id) for item in items] == expected
    injected = getattr(sandbox.counters(), counter)
    assert injected > 0
    assert len(waits.waits) == sandbox.counters().injected  # one retry per injected fault
    if name == "429 bursts":
        assert set(waits.waits) == {3.0}  # the server's Retry-After, not the backoff


async def test_retries_run_out_and_raise_the_last_error(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(error_rate=1.0))
    client = connect_to(sandbox)  # two retries
    async with client:
        with pytest.raises(InternalServerError) as caught:
            await call(mode, find_exchange.sync, find_exchange.asyncio, uuid.uuid4(), client=client)
    assert caught.value.status_code == 503
    assert sandbox.counters().unavailable == 3


async def test_a_slow_answer_raises_timeout_error(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(latency=1.0))
    client = connect_to(sandbox, timeout=0.1, max_retries=0)
    async with client:
        with pytest.raises(APITimeoutError):
            await call(mode, find_exchange.sync, find_exchange.asyncio, uuid.uuid4(), client=client)


async def test_run_schedule_without_a_body(
    mode: str, sandbox: Sandbox, client: AuthenticatedClient
) -> None:
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    detailed = await call(
        mode, run_schedule.sync_detailed, run_schedule.asyncio_detailed, schedule_id, client=client
    )
    assert detailed.status_code == 204
