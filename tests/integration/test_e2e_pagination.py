"""End to end: the pagers of all four list operations (items, ``pages()``, ``total()``) and
both count operations, sync and async, checked against the sandbox's state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from _integration import AnyClient, ConnectTo, collect, settle

from datasync_grades import AsyncDataSync, BearerToken, DataSync, page_count
from datasync_grades._http import httpx
from datasync_grades_sandbox import Faults, Sandbox


@dataclass
class World:
    """A sandbox with enough of everything for several pages of each list."""

    sandbox: Sandbox
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
def world(sandbox: Sandbox, connect_to: ConnectTo) -> World:
    sandbox.seed_exchanges(7, course_app_id="MATH-101")
    sandbox.seed_exchanges(4, state="completed", course_app_id="BIO-201")
    [failing] = sandbox.seed_exchanges(1)
    setup: DataSync = connect_to("sync", sandbox)
    for number in range(5):
        setup.exchanges.create_error(failing, code="producer_error", details=f"problem {number}")
    return World(sandbox, failing)


# case -> (the list call, by client, world and page size; page size; whether it has a count)
CASES: dict[str, tuple[Callable[[AnyClient, World, int], Any], int, bool]] = {
    "exchanges": (lambda c, w, size: c.exchanges.list(page_size=size), 3, True),
    "completed exchanges": (
        lambda c, w, size: c.exchanges.list(state="completed", page_size=size),
        3,
        True,
    ),
    "exchange errors": (
        lambda c, w, size: c.exchanges.list_errors(w.failing_exchange, page_size=size),
        2,
        False,
    ),
    "batch exchanges": (lambda c, w, size: c.batch_exchanges.list(page_size=size), 1, True),
    "schedules": (lambda c, w, size: c.schedules.list(page_size=size), 2, False),
}


def _ids(items: list[Any]) -> list[str]:
    return [str(item.id) for item in items]


@pytest.mark.parametrize("case", CASES)
async def test_a_pager_lists_every_item_in_order(
    case: str, world: World, client: AnyClient
) -> None:
    listing, page_size, _ = CASES[case]
    items = await collect(listing(client, world, page_size))
    assert _ids(items) == world.expected(case)
    assert len(items) > page_size  # several pages were walked


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("concurrency", [None, 1, 3], ids=["sync", "async", "async-concurrent"])
async def test_pages_hands_out_numbered_full_pages(
    case: str, concurrency: int | None, world: World, connect_to: ConnectTo
) -> None:
    listing, page_size, _ = CASES[case]
    if concurrency is None:
        pager = listing(connect_to("sync", world.sandbox), world, page_size)
        pages = list(pager.pages())
    else:
        pager = listing(connect_to("async", world.sandbox), world, page_size)
        pages = [page async for page in pager.pages(concurrency=concurrency)]
    assert [page.number for page in pages] == list(range(len(pages)))
    assert all(len(page.items) == page_size for page in pages[:-1])
    assert 1 <= len(pages[-1].items) <= page_size
    assert all(page.response.data == page.items for page in pages)
    assert _ids([item for page in pages for item in page.items]) == world.expected(case)


@pytest.mark.parametrize("case", CASES)
async def test_total_is_the_count_of_the_same_filters(
    case: str, world: World, client: AnyClient
) -> None:
    listing, page_size, counted = CASES[case]
    total = await settle(listing(client, world, page_size).total())
    assert total == (len(world.expected(case)) if counted else None)


async def test_a_pager_stops_at_max_items(world: World, client: AnyClient) -> None:
    items = await collect(client.exchanges.list(page_size=3, max_items=5))
    assert _ids(items) == world.expected("exchanges")[:5]


async def test_a_pager_passes_filters_with_every_page(world: World, client: AnyClient) -> None:
    items = await collect(
        client.exchanges.list(page_size=2, course_app_id="MATH-101", state="created")
    )
    assert len(items) == 7
    assert {(item.course_app_id, item.state) for item in items} == {("MATH-101", "created")}


async def test_a_pager_can_be_iterated_again_from_the_start(
    world: World, client: AnyClient
) -> None:
    pager = client.exchanges.list(page_size=4)
    assert _ids(await collect(pager)) == _ids(await collect(pager)) == world.expected("exchanges")


async def test_the_servers_default_page_size_and_paging_next(
    mode: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    sandbox = datasync_sandbox_factory(max_page_size=4, send_paging_next=True)
    expected = sandbox.seed_exchanges(10)
    client = connect_to(mode, sandbox)
    items = await collect(client.exchanges.list())
    assert _ids(items) == expected


@pytest.mark.parametrize(
    ("counting", "expected"),
    [
        (lambda c: c.exchanges.count(), 12),
        (lambda c: c.exchanges.count(state="completed"), 4),
        (lambda c: c.exchanges.count(course_app_id="MATH-101"), 7),
        (lambda c: c.exchanges.count(course_app_id="nowhere"), 0),
        (lambda c: c.batch_exchanges.count(), 2),
    ],
    ids=["all", "completed", "course", "no course", "batch exchanges"],
)
async def test_count_matches_the_sandbox(
    counting: Callable[[AnyClient], Any], expected: int, world: World, client: AnyClient
) -> None:
    assert await settle(counting(client)) == expected


async def test_count_agrees_with_the_list(world: World, client: AnyClient) -> None:
    listed = await collect(client.batch_exchanges.list())
    counted = await settle(client.batch_exchanges.count())
    assert counted == len(listed) == len(world.sandbox.state.batch_exchanges)


async def test_page_count_of_the_count_predicts_the_pages(
    mode: str, world: World, client: AnyClient
) -> None:
    total = await settle(client.exchanges.count())
    pager = client.exchanges.list(page_size=5)
    pages = list(pager.pages()) if mode == "sync" else [page async for page in pager.pages()]
    assert page_count(total, 5) == len(pages) == 3


# (paging.next sent, exchanges seeded, page_size, total() first) -> requests made one page at a
# time, and with pages(concurrency=3) (which asks the count first). The sandbox serves at most
# 4 items a page.
REQUESTS = {
    "one page, paging null": ((True, 3, None, False), 1, 2),
    "two pages, paging null": ((True, 8, None, False), 2, 3),
    "short last page": ((False, 6, None, False), 2, 3),
    "exact multiple": ((False, 8, None, False), 3, 3),
    "exact multiple, total() first": ((False, 8, None, True), 3, 3),
    "capped page_size": ((False, 6, 10, False), 2, 3),
    "one page": ((False, 3, None, False), 2, 2),
}


@pytest.mark.parametrize("case", REQUESTS)
@pytest.mark.parametrize("how", ["sync", "async", "async-concurrent"])
async def test_a_listing_asks_for_no_page_past_the_end_it_knows(
    case: str, how: str, datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    (paging, seeded, page_size, count_first), one_by_one, concurrent = REQUESTS[case]
    sandbox = datasync_sandbox_factory(max_page_size=4, send_paging_next=paging)
    expected = sandbox.seed_exchanges(seeded)
    auth = BearerToken(sandbox.issue_token())  # no token request to count
    client = connect_to("sync" if how == "sync" else "async", sandbox, auth=auth)
    pager = client.exchanges.list(page_size=page_size)
    sandbox.reset_counters()

    if count_first:
        assert await settle(pager.total()) == seeded
    if how == "async-concurrent":
        items = [item async for page in pager.pages(concurrency=3) for item in page.items]
    else:
        items = await collect(pager)

    assert _ids(items) == expected
    assert sandbox.counters().requests == (concurrent if how == "async-concurrent" else one_by_one)


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


async def test_async_pages_keep_up_to_concurrency_requests_in_flight(
    datasync_sandbox_factory: Callable[..., Sandbox], connect_to: ConnectTo
) -> None:
    # Each answer takes 50 ms, so pages requested together are in flight together.
    sandbox = datasync_sandbox_factory(faults=Faults(latency=0.05))
    expected = sandbox.seed_exchanges(11)
    transport = _InFlight()
    client: AsyncDataSync = connect_to("async", sandbox, transport=transport)
    pages = [page async for page in client.exchanges.list(page_size=2).pages(concurrency=3)]
    assert _ids([item for page in pages for item in page.items]) == expected
    assert transport.most == 3
