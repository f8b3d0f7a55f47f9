"""End to end (issue #25): ``with_options`` on the same pool and token, per-call options seen by
the sandbox (a timeout through its latency fault, a query, a body), and ``with_raw_response``
parsing to what the plain call gives; sync and async."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from _integration import ConnectTo, collect, settle

from datasync_grades import (
    APIConnectionError,
    APITimeoutError,
    InvalidRequestError,
    NotFoundError,
)
from datasync_grades_sandbox import Faults, Sandbox

LATENCY = 0.4  # the sandbox's latency fault: every API answer waits this long
SHORT = 0.1  # a timeout below it


async def test_with_options_shares_the_token_and_the_pool(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    [exchange] = sandbox.seed_exchanges(1)
    client = connect_to(mode, sandbox)
    plain = await settle(client.exchanges.find(exchange))
    assert sandbox.tokens_issued == 1

    derived = client.with_options(timeout=20.0, max_retries=1, headers={"X-Tenant": "t1"})
    assert type(derived) is type(client)
    assert await settle(derived.exchanges.find(exchange)) == plain
    assert await settle(derived.exchanges.count()) == await settle(client.exchanges.count())
    assert sandbox.tokens_issued == 1  # the token cache is shared
    # one pool: the same httpx client (the sandbox closes every connection, so reuse itself
    # is pinned on a keep-alive server in tests/overlays/test_request_options.py)
    assert derived._sender.http is client._sender.http


async def test_with_options_closes_with_the_original(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    client = connect_to(mode, sandbox)
    derived = client.with_options(max_retries=0)
    await settle(client.close() if mode == "sync" else client.aclose())
    with pytest.raises(APIConnectionError, match="the client has been closed"):
        await settle(derived.exchanges.count())


@pytest.fixture
def slow(datasync_sandbox_factory: Callable[..., Sandbox]) -> Sandbox:
    return datasync_sandbox_factory(faults=Faults(latency=LATENCY))


async def test_a_per_call_timeout_is_the_one_in_effect(
    mode: str, slow: Sandbox, connect_to: ConnectTo
) -> None:
    [exchange] = slow.seed_exchanges(1)
    client = connect_to(mode, slow, max_retries=0)
    found = await settle(client.exchanges.find(exchange))  # the default 30 s: waits it out
    with pytest.raises(APITimeoutError):
        await settle(client.exchanges.find(exchange, timeout=SHORT))
    with pytest.raises(APITimeoutError):  # every page of a list gets it
        await collect(client.exchanges.list(timeout=SHORT))
    with pytest.raises(APITimeoutError):
        await settle(client.with_raw_response.exchanges.count(timeout=SHORT))
    # and over a client's own: a longer one lets the same call through
    hasty = connect_to(mode, slow, max_retries=0, timeout=SHORT)
    with pytest.raises(APITimeoutError):
        await settle(hasty.exchanges.find(exchange))
    assert await settle(hasty.exchanges.find(exchange, timeout=10.0)) == found


async def test_with_options_timeout_is_the_one_in_effect(
    mode: str, slow: Sandbox, connect_to: ConnectTo
) -> None:
    [exchange] = slow.seed_exchanges(1)
    client = connect_to(mode, slow, max_retries=0)
    hasty = client.with_options(timeout=SHORT)
    with pytest.raises(APITimeoutError):
        await settle(hasty.exchanges.find(exchange))
    assert await settle(client.exchanges.find(exchange)) is not None  # the original's: 30 s
    assert await settle(hasty.exchanges.find(exchange, timeout=10.0)) is not None
    assert await settle(hasty.with_options(timeout=10.0).exchanges.count()) >= 1
    bounded = client.with_options(total_timeout=SHORT)  # the whole call's bound, too
    with pytest.raises(APITimeoutError, match="total_timeout"):
        await settle(bounded.exchanges.find(exchange))


async def test_raw_elapsed_covers_the_wait(mode: str, slow: Sandbox, connect_to: ConnectTo) -> None:
    client = connect_to(mode, slow)
    raw = await settle(client.with_raw_response.exchanges.count())
    assert raw.elapsed >= LATENCY  # the sandbox slept that long before answering


async def test_extra_query_reaches_the_server(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    [exchange] = sandbox.seed_exchanges(1, course_app_id="MATH-101")
    client = connect_to(mode, sandbox)
    assert await settle(client.exchanges.find(exchange, extra_query={"course_app_id": "MATH-101"}))
    # the sandbox finds an exchange of another course under this id: none
    with pytest.raises(NotFoundError):
        await settle(client.exchanges.find(exchange, extra_query={"course_app_id": "BIO-201"}))
    pages = client.exchanges.list(page_size=10, extra_query={"course_app_id": "BIO-201"})
    assert await collect(pages) == []


async def test_extra_body_merges_into_the_json_body(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    client = connect_to(mode, sandbox)
    created = await settle(client.exchanges.create(extra_body={"metadata": {"source": "extra"}}))
    assert sandbox.state.exchanges[str(created.id)].metadata == {"source": "extra"}
    assert created.metadata.additional_properties == {"source": "extra"}
    sandbox.reset_counters()
    with pytest.raises(InvalidRequestError, match="extra_body"):  # a GET sends no body
        await settle(client.exchanges.find(created.id, extra_body={"x": 1}))
    assert sandbox.counters().requests == 0


async def test_raw_responses_parse_to_what_the_plain_call_gives(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    exchanges = sandbox.seed_exchanges(7)
    client = connect_to(mode, sandbox)
    raw = client.with_raw_response

    found = await settle(raw.exchanges.find(exchanges[2]))
    assert found.status_code == 200 and "json" in found.headers["content-type"]
    assert found.elapsed >= 0.0
    assert found.parse() == await settle(client.exchanges.find(exchanges[2]))

    counted = await settle(raw.exchanges.count())
    assert counted.parse() == await settle(client.exchanges.count()) == 7

    page = (await settle(raw.exchanges.list(page=1, page_size=3))).parse()
    plain_pages = await collect(client.exchanges.list(page_size=3).pages())
    assert page.number == 1 == plain_pages[1].number
    assert list(page.items) == list(plain_pages[1].items)
    assert [str(e.id) for e in page.items] == [str(e.id) for e in plain_pages[1].items]
    assert len(page.items) == 3

    created = await settle(raw.exchanges.create())
    assert created.status_code in (200, 201)
    exchange = created.parse()
    assert exchange is not None and exchange == await settle(client.exchanges.find(exchange.id))

    schedule = next(s for s, record in sandbox.state.schedules.items() if record.enabled)
    ran = await settle(raw.schedules.run(schedule))
    assert 200 <= ran.status_code < 300 and ran.parse() is None
    assert len(sandbox.state.schedules[schedule].runs) == 1


async def test_a_raw_call_answered_with_an_error_raises_it(
    mode: str, sandbox: Sandbox, connect_to: ConnectTo
) -> None:
    client = connect_to(mode, sandbox)
    with pytest.raises(NotFoundError) as caught:
        await settle(client.with_raw_response.exchanges.find(uuid.uuid4()))
    assert caught.value.status_code == 404
