"""``client.exchanges.waiting()`` and ``finished()``: the exchanges waiting for a producer, and
those in a final state, each as one snapshot."""

from __future__ import annotations

from _integration import ConnectTo, hooks, settle

from datasync_grades._http import httpx
from datasync_grades_api.api import TERMINAL_EXCHANGE_STATES
from datasync_grades_api.models import Exchange, ExchangeState
from datasync_grades_sandbox import Sandbox


async def test_waiting_lists_created_and_processing_once_and_survives_answering(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    created = sandbox.seed_exchanges(5, course_app_id="MATH-1")
    processing = sandbox.seed_exchanges(2, state="processing", course_app_id="MATH-1")
    sandbox.seed_exchanges(3, state="completed", course_app_id="MATH-1")
    sandbox.seed_exchanges(2, state="failed", course_app_id="MATH-1")
    elsewhere = sandbox.seed_exchanges(1, course_app_id="BIO-2")
    client = connect_to(mode, sandbox)

    waiting = await settle(client.exchanges.waiting(course_app_id="MATH-1", page_size=2))
    assert sorted(str(exchange.id) for exchange in waiting) == sorted(created + processing)

    # Answering each changes its state, which shifts any page of state=created: the
    # snapshot was taken first, so every one is answered exactly once.
    for exchange in waiting:
        await settle(client.exchanges.push_data(exchange))
    states = {record_id: sandbox.state.exchanges[record_id].state for record_id in created}
    assert set(states.values()) == {"completed"}
    again = await settle(client.exchanges.waiting())
    assert [str(exchange.id) for exchange in again] == elsewhere


async def test_an_exchange_listed_in_both_states_is_handed_out_once(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    [moving] = sandbox.seed_exchanges(1)

    def move_it(request: httpx.Request) -> None:
        # Another producer starts answering it between the two listings.
        if request.url.params.get("state") == "processing":
            sandbox.state.exchanges[moving].state = "processing"

    client = connect_to(mode, sandbox, event_hooks=hooks(mode, request=move_it))
    waiting = await settle(client.exchanges.waiting())
    assert [str(exchange.id) for exchange in waiting] == [moving]
    assert sandbox.state.exchanges[moving].state == "processing"


async def test_finished_lists_completed_and_failed_once(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    sandbox.seed_exchanges(3, course_app_id="MATH-1")
    sandbox.seed_exchanges(2, state="processing", course_app_id="MATH-1")
    completed = sandbox.seed_exchanges(5, state="completed", course_app_id="MATH-1")
    failed = sandbox.seed_exchanges(2, state="failed", course_app_id="MATH-1")
    sandbox.seed_exchanges(1, state="completed", course_app_id="BIO-2")
    client = connect_to(mode, sandbox)

    finished = await settle(client.exchanges.finished(course_app_id="MATH-1", page_size=2))
    waiting = await settle(client.exchanges.waiting(course_app_id="MATH-1"))

    assert [str(exchange.id) for exchange in finished] == completed + failed
    assert {ExchangeState.COMPLETED, ExchangeState.FAILED} == TERMINAL_EXCHANGE_STATES
    assert all(exchange.state in TERMINAL_EXCHANGE_STATES for exchange in finished)
    assert not any(exchange.state in TERMINAL_EXCHANGE_STATES for exchange in waiting)
    assert len(waiting) == 5
    # Each Exchange answers it too (the model reads the same x-terminal-states).
    assert all(exchange.is_final for exchange in finished)
    assert not any(exchange.is_final for exchange in waiting)


def test_is_final_is_false_for_an_absent_or_unknown_state() -> None:
    assert Exchange.from_dict({"state": "completed"}).is_final
    assert Exchange.from_dict({"state": "failed"}).is_final
    assert not Exchange.from_dict({"state": "processing"}).is_final
    assert not Exchange.from_dict({"state": "archived"}).is_final  # a value the spec lacks
    assert not Exchange.from_dict({}).is_final


async def test_a_snapshot_stops_at_max_items(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    created = sandbox.seed_exchanges(5)
    processing = sandbox.seed_exchanges(2, state="processing")
    client = connect_to(mode, sandbox)

    first = await settle(client.exchanges.waiting(page_size=2, max_items=6))
    every = await settle(client.exchanges.waiting(page_size=2, max_items=None))

    assert [str(exchange.id) for exchange in first] == created + processing[:1]
    assert [str(exchange.id) for exchange in every] == created + processing
