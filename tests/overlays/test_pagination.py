"""Pagination through the client's list methods, against a real paged HTTP server.

Most tests run in three modes: ``sync`` (``DataSync``), ``async`` (``AsyncDataSync``, one
page at a time) and ``async-k4`` (``pages(concurrency=4)``). Hangs are bounded by
``asyncio.wait_for``; nothing asserts on time.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import pytest
from _paged_server import PagedServer, item_id, number_of, running

import datasync_grades
from datasync_grades import (
    AsyncDataSync,
    BearerToken,
    DataSync,
    InternalServerError,
    NotFoundError,
    PaginationError,
    ResponseValidationError,
    page_count,
)
from datasync_grades._http import httpx
from datasync_grades_api.models import (
    BatchExchange,
    BatchExchangesResponse,
    Exchange,
    ExchangeError,
    ExchangeErrorsResponse,
    ExchangesResponse,
    ExchangeState,
    Schedule,
    SchedulesResponse,
)

_SSL_CONTEXT = ssl.create_default_context()
DEADLINE = 20.0  # seconds; only a guard against hangs
MODES = ["sync", "async", "async-k4"]
EXCHANGES = "/exchanges"
# Plain HTTP on 127.0.0.1; the SSL context is shared so each client does not load the CA
# bundle, and trust_env=False keeps an environment proxy out of the way.
OPTIONS: dict[str, Any] = {"max_retries": 0, "timeout": 10.0, "verify": _SSL_CONTEXT}

Lister = Callable[[Any], Any]  # client -> pager, e.g. lambda c: c.exchanges.list(page_size=3)


@pytest.fixture
def server() -> Iterator[PagedServer]:
    with running(max_page_size=8) as s:
        yield s


@pytest.fixture
def client(server: PagedServer) -> Iterator[DataSync]:
    with DataSync(server.base_url, auth=BearerToken("t"), trust_env=False, **OPTIONS) as c:
        yield c


@pytest.fixture
async def aclient(server: PagedServer) -> AsyncIterator[AsyncDataSync]:
    async with AsyncDataSync(
        server.base_url, auth=BearerToken("t"), trust_env=False, **OPTIONS
    ) as c:
        yield c


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Walk:
    """Runs a list call in one mode and collects its pages or items."""

    def __init__(self, mode: str, client: DataSync, aclient: AsyncDataSync) -> None:
        self.mode = mode
        self.client = client
        self.aclient = aclient

    def _concurrency(self, concurrency: int | None) -> int:
        if concurrency is not None:
            return concurrency
        return 4 if self.mode == "async-k4" else 1

    async def pages(self, make: Lister, *, concurrency: int | None = None) -> list[Any]:
        if self.mode == "sync":
            return list(make(self.client).pages())
        pager = make(self.aclient)
        k = self._concurrency(concurrency)

        async def run() -> list[Any]:
            return [page async for page in pager.pages(concurrency=k)]

        return await asyncio.wait_for(run(), DEADLINE)

    async def items(self, make: Lister, *, concurrency: int | None = None) -> list[Any]:
        if self.mode == "sync":
            return list(make(self.client))
        if self._concurrency(concurrency) == 1:
            pager = make(self.aclient)

            async def run() -> list[Any]:
                return [item async for item in pager]

            return await asyncio.wait_for(run(), DEADLINE)
        pages = await self.pages(make, concurrency=concurrency)
        return [item for page in pages for item in page.items]


@pytest.fixture
def walk(mode: str, client: DataSync, aclient: AsyncDataSync) -> Walk:
    return Walk(mode, client, aclient)


@pytest.fixture
def async_walk(client: DataSync, aclient: AsyncDataSync) -> Walk:
    return Walk("async", client, aclient)


def numbers(items: list[Any]) -> list[int]:
    return [number_of(item.id) for item in items]


def pending_tasks() -> set[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


# -- walking the pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "page_size", "pages", "counted"),
    [
        # One at a time, a page shorter than an earlier one is the last; with k=4 the count is
        # asked first, and the page that reaches it is the last.
        (20, 1, 21, 20),  # 20 full pages, then an empty one; counted: none past the end
        (20, 3, 7, 7),  # the 7th page has 2 items: shorter than the 6th, the end
        (20, 7, 3, 3),
        (20, None, 3, 3),  # server default 8: 8, 8, then 4 is shorter
        (21, 7, 4, 3),  # exact multiple: the 4th page is empty
        (16, None, 3, 2),  # exact multiple of the default
        (5, None, 2, 1),  # one page cannot be judged short (the server may cap page_size)
        (5, 7, 2, 1),
        (0, 3, 1, 0),  # counted: no page at all
        (0, None, 1, 0),
    ],
)
async def test_every_item_once_in_order(
    server: PagedServer,
    walk: Walk,
    mode: str,
    total: int,
    page_size: int | None,
    pages: int,
    counted: int,
) -> None:
    server.add_exchanges(total)

    got = await walk.items(lambda c: c.exchanges.list(page_size=page_size))

    assert numbers(got) == list(range(1, total + 1))
    assert all(isinstance(item, Exchange) for item in got)
    expected = counted if mode == "async-k4" else pages
    assert sorted(server.pages_requested(EXCHANGES)) == list(range(expected))
    sizes = {
        s.query.get("page_size", ["default"])[-1] for s in server.requests if s.page is not None
    }
    assert sizes <= {str(page_size) if page_size else "default"}


async def test_pages_carry_number_items_and_response(server: PagedServer, walk: Walk) -> None:
    server.add_exchanges(8)

    got = await walk.pages(lambda c: c.exchanges.list(page_size=3))

    assert [p.number for p in got] == [0, 1, 2]
    assert [numbers(p.items) for p in got] == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert all(isinstance(p.response, ExchangesResponse) for p in got)
    assert all(p.response.data == p.items for p in got)


async def test_empty_list_yields_no_page(server: PagedServer, walk: Walk, mode: str) -> None:
    assert await walk.pages(lambda c: c.exchanges.list(page_size=3)) == []
    # With k=4 the count (0) is asked first: it says there is no page to ask for.
    assert server.pages_requested(EXCHANGES) == ([] if mode == "async-k4" else [0])


async def test_nothing_is_sent_until_iterated_and_each_iteration_starts_again(
    server: PagedServer, client: DataSync, aclient: AsyncDataSync
) -> None:
    server.add_exchanges(5)
    pager = client.exchanges.list(page_size=3)
    apager = aclient.exchanges.list(page_size=3)
    assert server.requests == []

    assert numbers(list(pager)) == numbers(list(pager)) == [1, 2, 3, 4, 5]
    assert numbers([item async for item in apager]) == [1, 2, 3, 4, 5]
    assert numbers([item async for item in apager]) == [1, 2, 3, 4, 5]
    assert server.pages_requested(EXCHANGES) == [0, 1] * 4


@pytest.mark.parametrize(("max_items", "expected_pages"), [(0, 0), (6, 2), (7, 3), (100, 7)])
async def test_max_items_stops_early(
    server: PagedServer, walk: Walk, max_items: int, expected_pages: int
) -> None:
    server.add_exchanges(20)

    got = await walk.items(lambda c: c.exchanges.list(page_size=3, max_items=max_items))

    assert numbers(got) == list(range(1, min(max_items, 20) + 1))
    assert sorted(server.pages_requested(EXCHANGES)) == list(range(expected_pages))


async def test_max_items_cuts_the_last_page_not_its_response(
    server: PagedServer, walk: Walk
) -> None:
    server.add_exchanges(20)

    got = await walk.pages(lambda c: c.exchanges.list(page_size=3, max_items=4))

    assert [len(p.items) for p in got] == [3, 1]
    assert len(got[-1].response.data) == 3


async def test_filters_are_sent_with_every_page(server: PagedServer, walk: Walk) -> None:
    for state, course in [("created", "c1"), ("failed", "c1"), ("created", "c2")] * 4:
        server.add_exchanges(2, state=state, course_app_id=course)

    got = await walk.items(
        lambda c: c.exchanges.list(page_size=3, state=ExchangeState.CREATED, course_app_id="c1")
    )

    assert numbers(got) == [n for k in range(4) for n in (6 * k + 1, 6 * k + 2)]
    assert all(e.state == "created" and e.course_app_id == "c1" for e in got)
    page_requests = [s for s in server.requests if s.path == EXCHANGES]
    assert len(page_requests) == 3
    for seen in page_requests:
        assert seen.query["state"] == ["created"]
        assert seen.query["course_app_id"] == ["c1"]


@pytest.mark.parametrize("by", ["id", "model"])
async def test_path_id_is_kept_on_every_page(server: PagedServer, walk: Walk, by: str) -> None:
    server.add_exchanges(2)
    first, other = (e["id"] for e in server.exchanges)
    server.add_errors(first, 7)
    server.add_errors(other, 4)
    target: Any = first if by == "id" else Exchange.from_dict({"id": first})

    got = await walk.items(
        lambda c: c.exchanges.list_errors(target, page_size=2, course_app_id="c1")
    )

    assert numbers(got) == list(range(3, 10))
    paths = {s.path for s in server.requests}
    assert paths == {f"/exchanges/{first}/errors"}
    assert all(s.query["course_app_id"] == ["c1"] for s in server.requests)


# (resource, method, path, how the server is filled, page model, item model)
LISTS = [
    ("exchanges", "list", "/exchanges", "add_exchanges", ExchangesResponse, Exchange),
    (
        "exchanges",
        "list_errors",
        "/exchanges/{id}/errors",
        "add_errors",
        ExchangeErrorsResponse,
        ExchangeError,
    ),
    (
        "batch_exchanges",
        "list",
        "/batch_exchanges",
        "add_batch_exchanges",
        BatchExchangesResponse,
        BatchExchange,
    ),
    ("schedules", "list", "/schedules", "add_schedules", SchedulesResponse, Schedule),
]


@pytest.mark.parametrize(
    ("resource", "method", "path", "fill", "model", "item"),
    LISTS,
    ids=[f"{r}.{m}" for r, m, *_ in LISTS],
)
async def test_every_list_operation_of_the_spec(
    server: PagedServer,
    walk: Walk,
    resource: str,
    method: str,
    path: str,
    fill: str,
    model: type,
    item: type,
) -> None:
    args: tuple[Any, ...] = ()
    if fill == "add_errors":
        server.add_exchanges(1)
        args = (server.exchanges[0]["id"],)
        server.add_errors(args[0], 11)
        path = path.format(id=args[0])
    else:
        getattr(server, fill)(11)

    got = await walk.pages(lambda c: getattr(getattr(c, resource), method)(*args, page_size=4))

    assert [len(p.items) for p in got] == [4, 4, 3]
    assert all(isinstance(p.response, model) for p in got)
    assert all(isinstance(i, item) for p in got for i in p.items)
    assert [n for p in got for n in numbers(p.items)] == sorted(
        n for p in got for n in numbers(p.items)
    )
    assert set(server.pages_requested(path)) >= {0, 1, 2}


def test_the_table_holds_every_list_method(client: DataSync, aclient: AsyncDataSync) -> None:
    # A list operation a later spec adds must be added to LISTS (and so be tested).
    for surface in (client, aclient):
        found = {
            (name, method)
            for name in dir(surface)
            if not name.startswith("_")
            for resource in [getattr(surface, name)]
            if type(resource).__name__.endswith("Resource")
            for method in dir(resource)
            if not method.startswith("_")
            and "Pager[" in str(getattr(type(resource), method).__annotations__.get("return"))
        }
        assert found == {(r, m) for r, m, *_ in LISTS}


# -- servers that misbehave ----------------------------------------------------------------


async def test_a_server_that_ignores_page_is_caught(
    server: PagedServer, walk: Walk, mode: str
) -> None:
    server.add_exchanges(20)
    server.ignore_page = True

    # max_items only bounds a regression: without the guard this would loop forever.
    with pytest.raises(PaginationError, match="pages 1 to 2 repeat earlier pages"):
        await walk.items(lambda c: c.exchanges.list(page_size=3, max_items=1000))

    # Three pages one at a time; with k=4 the window (pages 0-3) plus one refill per page.
    assert len(server.pages_requested(EXCHANGES)) <= (6 if mode == "async-k4" else 3)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_single_repeated_page_is_skipped(server: PagedServer, walk: Walk) -> None:
    # Exactly a page of items inserted at the front between reading page 0 and page 1:
    # page 1 then holds page 0's items again.
    server.add_exchanges(8)

    def insert_a_page(s: PagedServer, resource: str, page: int) -> None:
        if page == 1 and len(s.exchanges) == 8:
            s.exchanges[:0] = [{"id": s.new_id()} for _ in range(3)]

    server.before_page = insert_a_page

    got = await walk.pages(lambda c: c.exchanges.list(page_size=3))

    assert [(p.number, numbers(p.items)) for p in got] == [
        (0, [1, 2, 3]),
        (2, [4, 5, 6]),
        (3, [7, 8]),
    ]


async def test_paging_next_overrides_a_short_page(server: PagedServer, walk: Walk) -> None:
    # The server caps page_size at 8 and says where the next page is, as a URL.
    server.add_exchanges(20)
    server.paging_next = lambda page, size, total: (
        f"{server.base_url}/exchanges?page={page + 1}&page_size={size}"
        if (page + 1) * size < total
        else None
    )

    got = await walk.items(lambda c: c.exchanges.list(page_size=10))

    assert numbers(got) == list(range(1, 21))
    assert all(s.query["page_size"] == ["10"] for s in server.requests if s.page is not None)


@pytest.mark.parametrize("form", ["number", "relative-url"])
async def test_paging_next_can_skip_pages(server: PagedServer, walk: Walk, form: str) -> None:
    server.add_exchanges(20)

    def next_page(page: int, size: int, total: int) -> str | None:
        following = page + 2
        if following * size >= total:
            return None
        return str(following) if form == "number" else f"/v2/grades/exchanges?page={following}"

    server.paging_next = next_page

    got = await walk.items(lambda c: c.exchanges.list(page_size=3))

    # Pages 0, 2, 4 and 6 (items 19-20: short, no next).
    assert numbers(got) == [1, 2, 3, 7, 8, 9, 13, 14, 15, 19, 20]


async def test_paging_next_that_goes_back_is_refused(server: PagedServer, walk: Walk) -> None:
    server.add_exchanges(20)
    server.paging_next = lambda page, size, total: "0"

    with pytest.raises(PaginationError, match="would not move forward"):
        await walk.items(lambda c: c.exchanges.list(page_size=3))


@pytest.mark.parametrize("token", ["opaque-cursor-abc", "", "-1", "https://x.test/exchanges"])
async def test_an_unusable_paging_next_is_no_hint(
    server: PagedServer, walk: Walk, token: str
) -> None:
    server.add_exchanges(8)
    server.paging_next = lambda page, size, total: token

    got = await walk.items(lambda c: c.exchanges.list(page_size=3))

    assert numbers(got) == list(range(1, 9))
    assert sorted(server.pages_requested(EXCHANGES)) == [0, 1, 2]


@pytest.mark.parametrize(
    ("which", "raised_at"),
    [
        (lambda n: 0, 2),  # ignores page: A, A, A
        (lambda n: n % 2, 4),  # A, B, A, B, A: 3 repeats in a row of 2 distinct pages
        (lambda n: n % 3, 6),  # A, B, C, A, B, C, A
        (lambda n: min(n, 2), 6),  # stuck on its last page: A, B, C, C, C, C, C
    ],
    ids=["ignores-page", "alternates", "cycles-by-3", "stuck"],
)
async def test_pages_that_repeat_in_any_cycle_end_the_listing(
    mode: str, which: Callable[[int], int], raised_at: int
) -> None:
    client, aclient, seen = _mock_pair(_serving(which))
    walk = Walk(mode, client, aclient)

    with client, pytest.raises(PaginationError, match=f"to {raised_at} repeat earlier pages"):
        async with aclient:
            # max_items only bounds a regression: without the guard this would loop forever.
            await walk.items(lambda c: c.schedules.list(page_size=3, max_items=300))

    pages = [int(request.url.params["page"]) for request in seen]
    if mode == "async-k4":  # the window asks up to 4 pages ahead of the one it judges
        assert set(pages) >= set(range(raised_at + 1)) and len(pages) <= raised_at + 5
    else:
        assert pages == list(range(raised_at + 1))


@pytest.mark.parametrize("mode", ["sync", "async", "async-k4"])
async def test_the_pages_remembered_to_find_cycles_are_bounded(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the latest 3 distinct pages are remembered: a cycle of 3 is found, one of 4 never
    # repeats a remembered page and runs until max_items.
    monkeypatch.setattr(datasync_grades._pagination, "_REMEMBERED", 3)

    with pytest.raises(PaginationError):
        await _mock_items(mode, _serving(lambda n: n % 3), page_size=3, max_items=300)
    got, _ = await _mock_items(mode, _serving(lambda n: n % 4), page_size=3, max_items=60)
    assert len(got) == 60


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_list_shifted_by_two_pages_is_no_cycle(server: PagedServer, walk: Walk) -> None:
    # Two pages of items inserted at the front between reading pages 1 and 2: pages 2 and 3
    # hold pages 0 and 1 again. They are skipped, and every item is still reached.
    server.add_exchanges(9)

    def insert_two_pages(s: PagedServer, resource: str, page: int) -> None:
        if page == 2 and len(s.exchanges) == 9:
            s.exchanges[:0] = [{"id": s.new_id()} for _ in range(6)]

    server.before_page = insert_two_pages

    got = await walk.pages(lambda c: c.exchanges.list(page_size=3))

    assert [(p.number, numbers(p.items)) for p in got] == [
        (0, [1, 2, 3]),
        (1, [4, 5, 6]),
        (4, [7, 8, 9]),
    ]


@pytest.mark.parametrize(("total", "pages"), [(20, [0, 1, 2]), (12, [0, 1]), (8, [0, 1])])
async def test_a_page_size_the_server_caps_loses_no_item(
    server: PagedServer, walk: Walk, total: int, pages: list[int]
) -> None:
    # 10 asked, 8 served: a first page of 8 is short of page_size but not the end.
    server.add_exchanges(total)

    got = await walk.items(lambda c: c.exchanges.list(page_size=10))

    assert numbers(got) == list(range(1, total + 1))
    if walk.mode != "async-k4":  # (the window also stops at the count: [0, 1, 2], [0, 1], [0])
        assert server.pages_requested(EXCHANGES) == pages


@pytest.mark.parametrize(("total", "pages"), [(5, [0]), (16, [0, 1]), (20, [0, 1, 2])])
async def test_a_null_paging_next_is_the_last_page(
    server: PagedServer, walk: Walk, total: int, pages: list[int]
) -> None:
    server.add_exchanges(total)
    server.paging_next = lambda page, size, total: (
        str(page + 1) if (page + 1) * size < total else None
    )

    got = await walk.items(lambda c: c.exchanges.list())

    assert numbers(got) == list(range(1, total + 1))
    assert sorted(server.pages_requested(EXCHANGES)) == pages


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("paging", "pages"), [({}, [0, 1]), ({"next": None}, [0])])
async def test_only_a_null_next_says_the_list_ended(
    mode: str, paging: dict[str, Any], pages: list[int]
) -> None:
    def answer(request: httpx.Request) -> Any:
        first = request.url.params["page"] == "0"
        return {"data": [{"id": item_id(n)} for n in (1, 2)] if first else [], "paging": paging}

    got, asked = await _mock_items(mode, answer)

    assert numbers(got) == [1, 2]
    assert asked == pages


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_iteration_after_total_stops_at_the_count(
    server: PagedServer, client: DataSync, aclient: AsyncDataSync, mode: str
) -> None:
    server.add_exchanges(16)  # two full pages of the server's 8

    async def walk_twice() -> list[list[int]]:
        if mode == "sync":
            pager = client.exchanges.list()
            assert pager.total() == 16
            return [numbers(list(pager)), numbers(list(pager))]
        apager = aclient.exchanges.list()
        assert await apager.total() == 16
        return [numbers([e async for e in apager]), numbers([e async for e in apager])]

    first, second = await walk_twice()

    assert first == second == list(range(1, 17))
    # The count serves the iteration that follows it only: the second asks the empty page.
    assert server.pages_requested(EXCHANGES) == [0, 1, 0, 1, 2]
    assert [s.path for s in server.requests].count("/exchanges/count") == 1


def _endless(size: int, *, ids: bool = True) -> Callable[[httpx.Request], Any]:
    """Page n of an endless list of ``size`` items a page, or with ``ids=False`` items without
    an id that alternate between two pages (A, B, A, B, ...)."""

    def answer(request: httpx.Request) -> Any:
        page = int(request.url.params["page"])
        assert page <= 200, "unbounded"  # fails a regression instead of hanging it
        if ids:
            return {"data": [{"id": item_id(size * page + i)} for i in range(1, size + 1)]}
        return {"data": [{"course_app_id": f"{page % 2}-{i}"} for i in range(size)]}

    return answer


async def _snapshot(mode: str, name: str, body: Any, **options: Any) -> tuple[list[Any], int]:
    """What ``client.exchanges.<name>(**options)`` returns against ``body``, and the requests."""
    client, aclient, seen = _mock_pair(body)
    with client:
        async with aclient:
            if mode == "sync":
                got = getattr(client.exchanges, name)(**options)
            else:
                got = await asyncio.wait_for(getattr(aclient.exchanges, name)(**options), DEADLINE)
    return got, len(seen)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("name", ["waiting", "finished"])
async def test_snapshots_are_bounded(mode: str, name: str) -> None:
    by_default, asked = await _snapshot(mode, name, _endless(100))
    bounded, asked_bounded = await _snapshot(mode, name, _endless(100), max_items=250)
    with pytest.raises(PaginationError):
        # Pages of items without ids that alternate: a cycle, not a snapshot growing forever.
        await _snapshot(mode, name, _endless(3, ids=False))

    # Read from the first state only, which never ends.
    assert (len(by_default), asked) == (10_000, 100)
    assert (numbers(bounded), asked_bounded) == (list(range(1, 251)), 3)


@pytest.mark.parametrize("status", [500, 503])
async def test_a_failing_page_raises_its_typed_error_after_the_pages_before_it(
    server: PagedServer, client: DataSync, aclient: AsyncDataSync, mode: str, status: int
) -> None:
    server.add_exchanges(30)
    server.fail_pages = {2: status}
    seen: list[int] = []

    with pytest.raises(InternalServerError) as caught:
        if mode == "sync":
            for page in client.exchanges.list(page_size=3).pages():
                seen.append(page.number)
        else:
            concurrency = 4 if mode == "async-k4" else 1
            pages = aclient.exchanges.list(page_size=3).pages(concurrency=concurrency)
            async with contextlib.aclosing(pages):
                async for page in pages:
                    seen.append(page.number)

    assert caught.value.status_code == status
    assert seen == [0, 1]
    if mode != "sync":
        assert pending_tasks() == set()


async def test_an_unknown_exchange_raises_not_found(server: PagedServer, walk: Walk) -> None:
    with pytest.raises(NotFoundError):
        await walk.items(lambda c: c.exchanges.list_errors(server.new_id()))


async def test_a_body_that_does_not_parse_is_a_validation_error(
    server: PagedServer, walk: Walk
) -> None:
    server.exchanges.append({"id": "not-a-uuid"})

    with pytest.raises(ResponseValidationError):
        await walk.items(lambda c: c.exchanges.list())


def _mock_pair(body: Any) -> tuple[DataSync, AsyncDataSync, list[httpx.Request]]:
    """Clients whose every request is answered with ``body``, or ``body(request)`` when it is
    callable; the requests recorded."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body(request) if callable(body) else body)

    url, auth = "https://api.test/v2/grades", BearerToken("t")
    mock = httpx.MockTransport(answer)
    return (
        DataSync(url, auth=auth, transport=mock, max_retries=0),
        AsyncDataSync(url, auth=auth, transport=mock, max_retries=0),
        seen,
    )


async def _mock_items(mode: str, body: Any, **options: Any) -> tuple[list[Any], list[int]]:
    """The schedules (a list without a count) ``mode`` walks over a server answering ``body``,
    and the page numbers asked."""
    client, aclient, seen = _mock_pair(body)
    with client:
        async with aclient:
            got = await Walk(mode, client, aclient).items(lambda c: c.schedules.list(**options))
    return got, [int(request.url.params["page"]) for request in seen]


def _serving(which: Callable[[int], int]) -> Callable[[httpx.Request], Any]:
    """Answers page n with the 3 items of page ``which(n)`` of an endless list."""

    def answer(request: httpx.Request) -> Any:
        page = which(int(request.url.params["page"]))
        return {"data": [{"id": item_id(3 * page + i)} for i in (1, 2, 3)]}

    return answer


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_page_without_data_is_an_empty_page_and_the_end(mode: str) -> None:
    # The spec requires no property: a 200 body without ``data`` is a page with no items.
    client, aclient, seen = _mock_pair({"paging": {"next": "1"}})
    with client:
        if mode == "sync":
            got = list(client.exchanges.list(page_size=3))
        else:
            async with aclient:
                got = [item async for item in aclient.exchanges.list(page_size=3)]
    assert got == []
    assert len(seen) == 1


async def test_a_pager_is_iterable_only_the_way_its_client_is() -> None:
    # Callers tell them apart by isinstance (a sync pager under ``async for`` would fail).
    client, aclient, _ = _mock_pair({"data": []})
    with client:
        async with aclient:
            pager, apager = client.exchanges.list(), aclient.exchanges.list()
    assert isinstance(pager, Iterable) and not isinstance(pager, AsyncIterable)
    assert isinstance(apager, AsyncIterable) and not isinstance(apager, Iterable)


@pytest.mark.parametrize("mode", MODES)
async def test_a_page_whose_data_is_not_a_list_is_a_validation_error(mode: str) -> None:
    client, aclient, _ = _mock_pair({"data": {"id": "123e4567-e89b-12d3-a456-426614174000"}})
    with client, pytest.raises(ResponseValidationError, match="list_schedules"):
        if mode == "sync":
            list(client.schedules.list(page_size=3))
        else:
            async with aclient:
                k = 4 if mode == "async-k4" else 1
                [page async for page in aclient.schedules.list(page_size=3).pages(concurrency=k)]


# -- arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda c: c.exchanges.list(colour="red"), TypeError, "colour"),
        (lambda c: c.exchanges.list(page=2), TypeError, "page"),  # the pager sets it
        (lambda c: c.schedules.list(state="created"), TypeError, "state"),
        (lambda c: c.exchanges.list_errors(), TypeError, "id"),
        (lambda c: c.exchanges.list_errors(Exchange()), ValueError, "has no id"),
        (lambda c: c.exchanges.list(page_size=0), ValueError, "page_size"),
        (lambda c: c.exchanges.list(page_size="3"), ValueError, "page_size"),
        (lambda c: c.exchanges.list(max_items=-1), ValueError, "max_items"),
        (lambda c: c.schedules.list(max_items=1.5), ValueError, "max_items"),
    ],
)
def test_wrong_arguments_are_refused_before_any_request(
    server: PagedServer,
    client: DataSync,
    aclient: AsyncDataSync,
    make: Lister,
    error: type[Exception],
    message: str,
) -> None:
    for surface in (client, aclient):
        with pytest.raises(error, match=message):
            make(surface)
    assert server.requests == []


@pytest.mark.parametrize("concurrency", [0, -1, "2"])
def test_a_wrong_concurrency_is_refused_when_asked(
    server: PagedServer, aclient: AsyncDataSync, concurrency: Any
) -> None:
    with pytest.raises(ValueError, match="concurrency"):
        aclient.exchanges.list().pages(concurrency=concurrency)
    assert server.requests == []


# -- count ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "page_size", "pages"),
    [(0, 1, 0), (0, 3, 0), (1, 3, 1), (3, 3, 1), (4, 3, 2), (20, 7, 3), (21, 7, 3), (22, 7, 4)],
)
def test_page_count(total: int, page_size: int, pages: int) -> None:
    assert page_count(total, page_size) == pages


@pytest.mark.parametrize(("total", "page_size"), [(-1, 3), (3, 0)])
def test_page_count_refuses_impossible_input(total: int, page_size: int) -> None:
    with pytest.raises(ValueError):
        page_count(total, page_size)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_count_and_total_send_the_filters(
    server: PagedServer, client: DataSync, aclient: AsyncDataSync, mode: str
) -> None:
    server.add_exchanges(3, state="created")
    server.add_exchanges(2, state="failed")
    server.add_batch_exchanges(4)

    if mode == "sync":
        got = client.exchanges.count(state="failed")
        batches = client.batch_exchanges.count()
        total = client.exchanges.list(state="failed", page_size=2).total()
        no_count = client.schedules.list().total()
    else:
        got = await aclient.exchanges.count(state="failed")
        batches = await aclient.batch_exchanges.count()
        total = await aclient.exchanges.list(state="failed", page_size=2).total()
        no_count = await aclient.schedules.list().total()

    assert (got, batches, total, no_count) == (2, 4, 2, None)
    assert [(s.path, s.query) for s in server.requests] == [
        ("/exchanges/count", {"state": ["failed"]}),
        ("/batch_exchanges/count", {}),
        ("/exchanges/count", {"state": ["failed"]}),  # the filters, not page_size
    ]


@pytest.mark.parametrize("body", [b"-1", b'"3"', b"1.5", b"true", b"null", b"{}"])
@pytest.mark.parametrize("how", ["count", "total"])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_count_must_be_a_non_negative_integer(
    server: PagedServer,
    client: DataSync,
    aclient: AsyncDataSync,
    mode: str,
    how: str,
    body: bytes,
) -> None:
    server.count_body = body
    with pytest.raises(ResponseValidationError):
        if mode == "sync":
            client.exchanges.count() if how == "count" else client.exchanges.list().total()
        elif how == "count":
            await aclient.exchanges.count()
        else:
            await aclient.exchanges.list().total()


# -- concurrency ---------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize(
    ("make", "path", "page_size"),
    [
        (lambda c, size: c.exchanges.list(page_size=size), EXCHANGES, 3),  # with its count
        (lambda c, size: c.exchanges.list(page_size=size), EXCHANGES, None),  # page 0, then k
        (lambda c, size: c.schedules.list(page_size=size), "/schedules", 3),  # no count
    ],
    ids=["counted", "page-size-learnt", "read-ahead"],
)
async def test_concurrency_is_bounded_and_real(
    server: PagedServer,
    async_walk: Walk,
    k: int,
    make: Callable[[Any, int | None], Any],
    path: str,
    page_size: int | None,
) -> None:
    server.add_exchanges(40)
    server.add_schedules(40)
    server.latency = 0.02
    # The first window (after page 0 alone when the page size is learnt) is held until all
    # of it has arrived: a client that fetched fewer at once would see max_in_flight < k.
    server.together = frozenset(range(k) if page_size else range(1, k + 1))

    got = await async_walk.items(lambda c: make(c, page_size), concurrency=k)

    assert numbers(got) == sorted(numbers(got))
    assert len(got) == 40
    assert server.max_in_flight == k
    requested = server.pages_requested(path)
    assert len(requested) == len(set(requested))


async def test_the_count_operation_is_given_the_filters(
    server: PagedServer, async_walk: Walk
) -> None:
    server.add_exchanges(10, state="failed")
    server.add_exchanges(5, state="created")

    got = await async_walk.items(
        lambda c: c.exchanges.list(page_size=2, state="failed"), concurrency=4
    )

    assert len(got) == 10
    counts = [s for s in server.requests if s.path == "/exchanges/count"]
    assert [s.query for s in counts] == [{"state": ["failed"]}]
    # Counted: 5 pages, the 5th full; it brings the items to the count, so it is the last.
    assert sorted(server.pages_requested(EXCHANGES)) == [0, 1, 2, 3, 4]


async def test_the_batch_list_uses_its_own_count(server: PagedServer, async_walk: Walk) -> None:
    server.add_batch_exchanges(9)

    got = await async_walk.items(lambda c: c.batch_exchanges.list(page_size=2), concurrency=3)

    assert len(got) == 9
    assert [s.path for s in server.requests].count("/batch_exchanges/count") == 1
    assert "/exchanges/count" not in [s.path for s in server.requests]
    assert sorted(server.pages_requested("/batch_exchanges")) == [0, 1, 2, 3, 4]


async def test_growth_during_the_iteration_is_picked_up(
    server: PagedServer, async_walk: Walk
) -> None:
    server.add_exchanges(20)  # counted: 7 pages of 3

    def grow(s: PagedServer, resource: str, page: int) -> None:
        if page == 0 and len(s.exchanges) == 20:
            s.add_exchanges(5)

    server.before_page = grow

    got = await async_walk.items(lambda c: c.exchanges.list(page_size=3), concurrency=4)

    assert numbers(got) == list(range(1, 26))
    assert sorted(server.pages_requested(EXCHANGES)) == list(range(9))


async def test_shrinking_during_the_iteration_ends_at_the_first_short_page(
    server: PagedServer, async_walk: Walk
) -> None:
    server.add_exchanges(20)  # counted: 7 pages of 3
    server.latency = 0.02

    def shrink(s: PagedServer, resource: str, page: int) -> None:
        if page == 0:
            del s.exchanges[10:]

    server.before_page = shrink

    got = await async_walk.items(lambda c: c.exchanges.list(page_size=3), concurrency=4)

    assert numbers(got) == list(range(1, 11))


async def test_inserts_at_the_front_during_the_iteration_end_without_a_hang(
    server: PagedServer, walk: Walk, mode: str
) -> None:
    # Offset pagination over a list that changes: items may repeat (and, fetched out of
    # order, be skipped); it still ends.
    server.add_exchanges(30)
    original = set(range(1, 31))
    server.latency = 0.01
    inserted: list[int] = []

    def insert(s: PagedServer, resource: str, page: int) -> None:
        if len(inserted) < 10:
            s.exchanges.insert(0, {"id": s.new_id(), "state": "created", "course_app_id": "c1"})
            inserted.append(number_of(s.exchanges[0]["id"]))

    server.before_page = insert

    got = numbers(await walk.items(lambda c: c.exchanges.list(page_size=3)))

    assert set(got) <= original | set(inserted)
    if mode != "async-k4":
        # In page order, an insert at the front only pushes items later: none is skipped.
        assert set(got) >= original


async def test_a_failing_page_cancels_the_window(
    server: PagedServer, async_walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    server.add_exchanges(60)
    server.latency = 0.3
    server.page_latency = {1: 0.0}
    server.fail_pages = {1: 500}
    before = pending_tasks()

    with caplog.at_level(logging.ERROR, logger="asyncio"), pytest.raises(InternalServerError):
        await async_walk.items(lambda c: c.exchanges.list(page_size=3), concurrency=4)
    gc.collect()

    assert pending_tasks() == before
    assert "never retrieved" not in caplog.text


async def test_failures_past_the_end_are_dropped_quietly(
    server: PagedServer, async_walk: Walk, caplog: pytest.LogCaptureFixture
) -> None:
    # No count operation: pages 0-3 are asked together; the list ends on page 1, pages 2
    # and 3 fail, and nobody needs them.
    server.add_schedules(5)
    server.fail_pages = {2: 500, 3: 503}

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        got = await async_walk.items(lambda c: c.schedules.list(page_size=3), concurrency=4)
        gc.collect()
        await asyncio.sleep(0)

    assert len(got) == 5
    assert "never retrieved" not in caplog.text


async def test_leaving_early_cancels_the_requests_in_flight(
    server: PagedServer, aclient: AsyncDataSync
) -> None:
    server.add_schedules(40)
    server.latency = 0.05
    before = pending_tasks()

    async def first_page() -> Any:
        pages = aclient.schedules.list(page_size=3).pages(concurrency=4)
        async with contextlib.aclosing(pages):
            async for page in pages:
                return page
        raise AssertionError("no page")

    page = await asyncio.wait_for(first_page(), DEADLINE)

    assert page.number == 0
    assert pending_tasks() == before


# -- the surface and the README ------------------------------------------------------------


def test_public_names() -> None:
    names = {"AsyncPager", "Page", "Pager", "PaginationError", "page_count"}
    assert names <= set(datasync_grades.__all__)
    assert issubclass(PaginationError, datasync_grades.DataSyncError)
