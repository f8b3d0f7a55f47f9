"""End to end: the typed errors the sandbox's answers become, and retries riding out the
faults it injects (503s, 429 bursts, dropped connections), read from its counters."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from _integration import AnyClient, ConnectTo, RecordedWaits, collect, settle

from datasync_grades import (
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
)
from datasync_grades_api.models import ErrorCode, RunScheduleBody
from datasync_grades_sandbox import Faults, Sandbox


def _body(exc: Any) -> dict[str, Any]:
    assert isinstance(exc.body, dict)
    error = exc.body["error"]
    assert isinstance(error, dict)
    return error


async def test_unknown_exchange_raises_not_found(client: AnyClient) -> None:
    missing = uuid.uuid4()
    with pytest.raises(NotFoundError) as caught:
        await settle(client.exchanges.find(missing))
    assert caught.value.status_code == 404
    assert caught.value.method == "GET" and caught.value.url.endswith(f"/exchanges/{missing}")
    assert _body(caught.value)["code"] == "not_found"
    assert caught.value.code == "not_found" and caught.value.code in set(ErrorCode)


@pytest.mark.parametrize("exchange", ["without artifacts", "missing"])
async def test_an_artifact_404_tells_no_artifact_from_no_exchange_by_its_code(
    exchange: str, sandbox: Sandbox, client: AnyClient
) -> None:
    # The API documents one 404 for both; the body's error code says which it is.
    exists = exchange == "without artifacts"
    exchange_id = sandbox.seed_exchanges(1)[0] if exists else str(uuid.uuid4())
    with pytest.raises(NotFoundError) as caught:
        await collect(client.artifacts.get_exchange_details(exchange_id).iter_bytes())
    expected = ErrorCode.ARTIFACT_NOT_AVAILABLE if exists else ErrorCode.NOT_FOUND
    assert caught.value.code is expected


# A request the sandbox's validator rejects, in each place a request can break the spec.
INVALID: dict[str, Callable[[AnyClient, Sandbox], Any]] = {
    "path parameter": lambda c, s: c.exchanges.find("not-a-uuid"),
    "query parameter": lambda c, s: c.exchanges.count(course_app_id=""),
    "body": lambda c, s: c.schedules.update(next(iter(s.state.schedules)), enabled="yes"),
    "body list item": lambda c, s: c.batch_exchanges.create_context_data(
        next(iter(s.state.batch_exchanges)), course_ids=[1, 2]
    ),
}


@pytest.mark.parametrize("where", INVALID)
async def test_request_the_validator_rejects_raises_bad_request(
    where: str, sandbox: Sandbox, client: AnyClient
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await settle(INVALID[where](client, sandbox))
    assert caught.value.status_code == 400
    assert _body(caught.value)["code"] == "invalid_request"
    assert caught.value.code == "invalid_request" and caught.value.code in set(ErrorCode)


@pytest.mark.parametrize("arguments", [{"page_size": 0}, {"max_items": -1}])
async def test_bad_page_arguments_raise_before_anything_is_sent(
    arguments: dict[str, Any], sandbox: Sandbox, client: AnyClient
) -> None:
    sandbox.reset_counters()
    with pytest.raises(ValueError, match=next(iter(arguments))):
        await collect(client.exchanges.list(**arguments))
    assert sandbox.counters().requests == 0


async def _run(client: AnyClient, sandbox: Sandbox, schedule_id: uuid.UUID) -> int:
    """Run the schedule; the number of runs the sandbox has recorded for it after."""
    await settle(client.schedules.run(schedule_id, body=RunScheduleBody()))
    return len(sandbox.state.schedules[str(schedule_id)].runs)


@pytest.fixture
def slow_schedules(datasync_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    # A run lasts 30 s; runs start at least 120 s apart (Retry-After 90 s after a run).
    return datasync_sandbox_factory(schedule_run_seconds=30, schedule_min_interval=120)


async def test_run_schedule_conflict_then_rate_limit_then_success(
    mode: str, slow_schedules: Sandbox, connect_to: ConnectTo, waits: RecordedWaits
) -> None:
    sandbox = slow_schedules
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    client = connect_to(mode, sandbox)
    assert await _run(client, sandbox, schedule_id) == 1
    with pytest.raises(ConflictError) as conflict:
        await _run(client, sandbox, schedule_id)
    assert conflict.value.status_code == 409
    assert _body(conflict.value)["code"] == "run_in_progress"
    assert conflict.value.code == "run_in_progress" and conflict.value.code in set(ErrorCode)

    sandbox.advance_clock(30)
    with pytest.raises(RateLimitError) as limited:
        await _run(client, sandbox, schedule_id)
    assert limited.value.status_code == 429
    assert limited.value.retry_after == 90.0
    assert waits.waits == []  # above max_retry_after (60 s): raised at once, not waited

    sandbox.advance_clock(limited.value.retry_after)
    assert await _run(client, sandbox, schedule_id) == 2


async def test_running_a_disabled_schedule_raises_conflict(
    sandbox: Sandbox, client: AnyClient
) -> None:
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    updated = await settle(client.schedules.update(schedule_id, enabled=False))
    assert updated.enabled is False and updated.id == schedule_id
    assert sandbox.state.schedules[str(schedule_id)].enabled is False
    with pytest.raises(ConflictError) as caught:
        await _run(client, sandbox, schedule_id)
    assert _body(caught.value)["code"] == "schedule_disabled"
    assert caught.value.code == "schedule_disabled" and caught.value.code in set(ErrorCode)
    assert sandbox.state.schedules[str(schedule_id)].runs == []


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

    policy = RetryPolicy(sleep=sleep, async_sleep=async_sleep)
    client = connect_to(mode, sandbox, retry_policy=policy)
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    assert await _run(client, sandbox, schedule_id) == 1
    assert await _run(client, sandbox, schedule_id) == 2  # after a 429, Retry-After: 5
    assert slept == [5.0]


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
    client = connect_to(mode, sandbox, retry_policy=waits.policy(max_retries=max_retries))
    sandbox.faults = faults
    sandbox.reset_counters()
    items = await collect(client.exchanges.list(page_size=3))
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
    client = connect_to(mode, sandbox)  # two retries
    with pytest.raises(InternalServerError) as caught:
        await settle(client.exchanges.find(uuid.uuid4()))
    assert caught.value.status_code == 503
    assert sandbox.counters().unavailable == 3


async def test_a_slow_answer_raises_timeout_error(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(faults=Faults(latency=1.0))
    client = connect_to(mode, sandbox, timeout=0.1, max_retries=0)
    with pytest.raises(APITimeoutError):
        await settle(client.exchanges.find(uuid.uuid4()))


async def test_run_schedule_without_a_body(sandbox: Sandbox, client: AnyClient) -> None:
    schedule_id = uuid.UUID(next(iter(sandbox.state.schedules)))
    assert await settle(client.schedules.run(schedule_id)) is None
    assert len(sandbox.state.schedules[str(schedule_id)].runs) == 1
