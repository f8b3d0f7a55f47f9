"""End to end: paginate / paginate_pages / apaginate / apaginate_pages over all four list
endpoints, and count / acount over both count endpoints, checked against the sandbox's state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from _integration import ConnectTo, call, collect

from datasync_grades import (
    Page,
    acount,
    apaginate,
    apaginate_pages,
    count,
    page_count,
    paginate,
    paginate_pages,
    report_exchange_error,
)
from datasync_grades_api.api.batch_exchanges import count_batch_exchanges, list_batch_exchanges
from datasync_grades_api.api.exchanges import count_exchanges, list_exchange_errors, list_exchanges
from datasync_grades_api.api.schedules import list_schedules
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_sandbox import Faults, Sandbox


@dataclass
class World:
    """A sandbox with enough of everything for several pages of each list."""

    sandbox: Sandbox
    client: AuthenticatedClient
    failing_exchange: str

    def expected(self, case: str) -> list[str]:
        state = self.sandbox.state
        with state.lock:
            if case == "exchanges":
                return list(state.exchanges)
            if case == "completed exchanges":
                return [i for i, e in state.exchanges.items() if e.state == "completed"]
            if case == "exchange errors":
                return [e.id for e in state.exchanges[self.failing_exchange].errors]
            if case == "batch exchanges":
                return list(state.batch_exchanges)
            return list(state.schedules)


@pytest.fixture
def world(sandbox: Sandbox, client: AuthenticatedClient) -> World:
    sandbox.seed_exchanges(7, course_app_id="MATH-101")
    sandbox.seed_exchanges(4, state="completed", course_app_id="BIO-201")
    [failing] = sandbox.seed_exchanges(1)
    for number in range(5):
        report_exchange_error(client, failing, "producer_error", f"problem {number}")
    return World(sandbox, client, failing)


# case -> (endpoint, extra params (by world), page size)
CASES: dict[str, tuple[Any, Callable[[World], dict[str, Any]], int]] = {
    "exchanges": (list_exchanges, lambda w: {}, 3),
    "completed exchanges": (list_exchanges, lambda w: {"state": "completed"}, 3),
    "exchange errors": (list_exchange_errors, lambda w: {"id": w.failing_exchange}, 2),
    "batch exchanges": (list_batch_exchanges, lambda w: {}, 1),
    "schedules": (list_schedules, lambda w: {}, 2),
}


def _ids(items: list[Any]) -> list[str]:
    return [str(item.id) for item in items]


@pytest.mark.parametrize("case", CASES)
async def test_paginate_lists_every_item_in_order(mode: str, case: str, world: World) -> None:
    endpoint, params, page_size = CASES[case]
    items = await collect(
        mode,
        paginate,
        apaginate,
        endpoint,
        client=world.client,
        page_size=page_size,
        **params(world),
    )
    assert _ids(items) == world.expected(case)
    assert len(items) > page_size  # several pages were walked


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("concurrency", [None, 1, 3], ids=["sync", "async", "async-concurrent"])
async def test_paginate_pages_hands_out_numbered_full_pages(
    case: str, concurrency: int | None, world: World
) -> None:
    endpoint, params, page_size = CASES[case]
    if concurrency is None:
        pages = list(
            paginate_pages(endpoint, client=world.client, page_size=page_size, **params(world))
        )
    else:
        pages = [
            page
            async for page in apaginate_pages(
                endpoint,
                client=world.client,
                page_size=page_size,
                concurrency=concurrency,
                **params(world),
            )
        ]
    assert all(isinstance(page, Page) for page in pages)
    assert [page.number for page in pages] == list(range(len(pages)))
    assert all(len(page.items) == page_size for page in pages[:-1])
    assert 1 <= len(pages[-1].items) <= page_size
    assert all(page.response.data == page.items for page in pages)
    assert _ids([item for page in pages for item in page.items]) == world.expected(case)


async def test_paginate_stops_at_max_items(mode: str, world: World) -> None:
    items = await collect(
        mode, paginate, apaginate, list_exchanges, client=world.client, page_size=3, max_items=5
    )
    assert _ids(items) == world.expected("exchanges")[:5]


async def test_paginate_passes_filters_with_every_page(mode: str, world: World) -> None:
    items = await collect(
        mode,
        paginate,
        apaginate,
        list_exchanges,
        client=world.client,
        page_size=2,
        course_app_id="MATH-101",
        state="created",
    )
    assert len(items) == 7
    assert {(item.course_app_id, item.state) for item in items} == {("MATH-101", "created")}


async def test_paginate_with_the_servers_default_page_size_and_paging_next(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(max_page_size=4, send_paging_next=True)
    expected = sandbox.seed_exchanges(10)
    client = connect_to(sandbox)
    async with client:
        items = await collect(mode, paginate, apaginate, list_exchanges, client=client)
    assert _ids(items) == expected


@pytest.mark.parametrize(
    ("endpoint", "params", "expected"),
    [
        (count_exchanges, {}, 12),
        (count_exchanges, {"state": "completed"}, 4),
        (count_exchanges, {"course_app_id": "MATH-101"}, 7),
        (count_exchanges, {"course_app_id": "nowhere"}, 0),
        (count_batch_exchanges, {}, 2),
    ],
)
async def test_count_matches_the_sandbox(
    mode: str, endpoint: Any, params: dict[str, Any], expected: int, world: World
) -> None:
    assert await call(mode, count, acount, endpoint, client=world.client, **params) == expected


async def test_count_agrees_with_paginate(mode: str, world: World) -> None:
    listed = await collect(mode, paginate, apaginate, list_batch_exchanges, client=world.client)
    counted = await call(mode, count, acount, count_batch_exchanges, client=world.client)
    assert counted == len(listed) == len(world.sandbox.state.batch_exchanges)


async def test_page_count_of_the_count_predicts_the_pages(mode: str, world: World) -> None:
    total = await call(mode, count, acount, count_exchanges, client=world.client)
    pages = list(paginate_pages(list_exchanges, client=world.client, page_size=5))
    assert page_count(total, 5) == len(pages) == 3


class _InFlight(httpx.AsyncBaseTransport):
    """Counts the requests in flight at once."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.now = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self.now -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_apaginate_keeps_up_to_concurrency_requests_in_flight(
    datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    # Each answer takes 50 ms, so pages requested together are in flight together.
    sandbox = datasync_sandbox_factory(faults=Faults(latency=0.05))
    expected = sandbox.seed_exchanges(11)
    transport = _InFlight()
    client = connect_to(sandbox, async_transport=transport)
    async with client:
        items = [
            item
            async for item in apaginate(list_exchanges, client=client, page_size=2, concurrency=3)
        ]
    assert _ids(items) == expected
    assert transport.most == 3
