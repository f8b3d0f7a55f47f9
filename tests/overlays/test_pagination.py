"""Pagination against a real paged HTTP server: sync, async, and async with k pages at once.

Most tests run in three modes: ``sync`` (paginate), ``async`` (apaginate) and ``async-k4``
(apaginate with concurrency=4). Hangs are bounded by ``asyncio.wait_for``; nothing asserts
on time.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import ssl
import types
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _paged_server import PagedServer, number_of, running

import datasync_grades
from datasync_grades import (
    BearerToken,
    InternalServerError,
    NotFoundError,
    Page,
    PaginationError,
    ResponseValidationError,
    acount,
    apaginate,
    apaginate_pages,
    connect,
    count,
    page_count,
    paginate,
    paginate_pages,
)
from datasync_grades_api.api.artifacts import get_exchange_details
from datasync_grades_api.api.batch_exchanges import count_batch_exchanges, list_batch_exchanges
from datasync_grades_api.api.exchanges import (
    count_exchanges,
    create_exchange,
    find_exchange,
    list_exchange_errors,
    list_exchanges,
)
from datasync_grades_api.api.schedules import list_schedules
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import (
    BatchExchangesResponse,
    ExchangeErrorsResponse,
    ExchangeResponse,
    ExchangesResponse,
    ExchangeState,
    SchedulesResponse,
)
from datasync_grades_api.types import Response

_SSL_CONTEXT = ssl.create_default_context()
DEADLINE = 20.0  # seconds; only a guard against hangs
MODES = ["sync", "async", "async-k4"]
EXCHANGES = "/exchanges"


@pytest.fixture
def server() -> Iterator[PagedServer]:
    with running(max_page_size=8) as s:
        yield s


@pytest.fixture
async def client(server: PagedServer) -> AsyncIterator[AuthenticatedClient]:
    c = connect(
        server.base_url,
        auth=BearerToken("t"),
        max_retries=0,
        timeout=10.0,
        verify=_SSL_CONTEXT,  # plain HTTP; shared so each client does not load the CA bundle
        trust_env=False,  # no proxy from the environment between the client and 127.0.0.1
    )
    yield c
    c.get_httpx_client().close()
    await c.get_async_httpx_client().aclose()


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def collect_pages(mode: str, endpoint: Any, **kwargs: Any) -> list[Page[Any]]:
    if mode == "sync":
        return list(paginate_pages(endpoint, **kwargs))
    if mode == "async-k4":
        kwargs.setdefault("concurrency", 4)

    async def run() -> list[Page[Any]]:
        return [page async for page in apaginate_pages(endpoint, **kwargs)]

    return await asyncio.wait_for(run(), DEADLINE)


async def collect(mode: str, endpoint: Any, **kwargs: Any) -> list[Any]:
    if mode == "sync":
        return list(paginate(endpoint, **kwargs))
    if mode == "async-k4":
        kwargs.setdefault("concurrency", 4)

    async def run() -> list[Any]:
        return [item async for item in apaginate(endpoint, **kwargs)]

    return await asyncio.wait_for(run(), DEADLINE)


def numbers(items: list[Any]) -> list[int]:
    return [number_of(item.id) for item in items]


def pending_tasks() -> set[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return {t for t in asyncio.all_tasks() if t is not current and not t.done()}


# -- walking the pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "page_size", "pages"),
    [
        (20, 1, 21),  # 20 full pages, then an empty one
        (20, 3, 7),  # the 7th page has 2 items: short, the end
        (20, 7, 3),
        (20, None, 3),  # server default 8: 8, 8, then 4 is shorter than the longest
        (21, 7, 4),  # exact multiple: the 4th page is empty
        (16, None, 3),  # exact multiple of the default
        (5, None, 2),  # one page: with no page_size it cannot be judged short
        (5, 7, 1),
        (0, 3, 1),
        (0, None, 1),
    ],
)
async def test_every_item_once_in_order(
    server: PagedServer,
    client: AuthenticatedClient,
    mode: str,
    total: int,
    page_size: int | None,
    pages: int,
) -> None:
    server.add_exchanges(total)

    got = await collect(mode, list_exchanges, client=client, page_size=page_size)

    assert numbers(got) == list(range(1, total + 1))
    assert sorted(server.pages_requested(EXCHANGES)) == list(range(pages))
    sizes = {
        s.query.get("page_size", ["default"])[-1] for s in server.requests if s.page is not None
    }
    assert sizes == {str(page_size) if page_size else "default"}


async def test_pages_carry_number_items_and_response(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(8)

    got = await collect_pages(mode, list_exchanges, client=client, page_size=3)

    assert [p.number for p in got] == [0, 1, 2]
    assert [numbers(p.items) for p in got] == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert all(isinstance(p.response, ExchangesResponse) for p in got)
    assert all(p.response.data == p.items for p in got)


async def test_empty_list_yields_no_page(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    assert await collect_pages(mode, list_exchanges, client=client, page_size=3) == []
    assert server.pages_requested(EXCHANGES) == [0]


@pytest.mark.parametrize(("max_items", "expected_pages"), [(0, 0), (6, 2), (7, 3), (100, 7)])
async def test_max_items_stops_early(
    server: PagedServer,
    client: AuthenticatedClient,
    mode: str,
    max_items: int,
    expected_pages: int,
) -> None:
    server.add_exchanges(20)

    got = await collect(mode, list_exchanges, client=client, page_size=3, max_items=max_items)

    assert numbers(got) == list(range(1, min(max_items, 20) + 1))
    assert sorted(server.pages_requested(EXCHANGES)) == list(range(expected_pages))


async def test_max_items_cuts_the_last_page_not_its_response(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(20)

    got = await collect_pages(mode, list_exchanges, client=client, page_size=3, max_items=4)

    assert [len(p.items) for p in got] == [3, 1]
    assert len(got[-1].response.data) == 3


async def test_filters_are_sent_with_every_page(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    for state, course in [("created", "c1"), ("failed", "c1"), ("created", "c2")] * 4:
        server.add_exchanges(2, state=state, course_app_id=course)

    got = await collect(
        mode,
        list_exchanges,
        client=client,
        page_size=3,
        state=ExchangeState.CREATED,
        course_app_id="c1",
    )

    assert numbers(got) == [n for k in range(4) for n in (6 * k + 1, 6 * k + 2)]
    assert all(e.state == "created" and e.course_app_id == "c1" for e in got)
    page_requests = [s for s in server.requests if s.path == EXCHANGES]
    assert len(page_requests) == 3
    for seen in page_requests:
        assert seen.query["state"] == ["created"]
        assert seen.query["course_app_id"] == ["c1"]


async def test_path_id_is_kept_on_every_page(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(2)
    first, other = (e["id"] for e in server.exchanges)
    server.add_errors(first, 7)
    server.add_errors(other, 4)

    got = await collect(
        mode, list_exchange_errors, client=client, page_size=2, id=first, course_app_id="c1"
    )

    assert numbers(got) == list(range(3, 10))
    paths = {s.path for s in server.requests}
    assert paths == {f"/exchanges/{first}/errors"}
    assert all(s.query["course_app_id"] == ["c1"] for s in server.requests)


@pytest.mark.parametrize(
    ("endpoint", "path", "fill", "model"),
    [
        (list_exchanges, "/exchanges", "add_exchanges", ExchangesResponse),
        (list_exchange_errors, "/exchanges/{id}/errors", "add_errors", ExchangeErrorsResponse),
        (list_batch_exchanges, "/batch_exchanges", "add_batch_exchanges", BatchExchangesResponse),
        (list_schedules, "/schedules", "add_schedules", SchedulesResponse),
    ],
)
async def test_every_list_endpoint_of_the_spec(
    server: PagedServer,
    client: AuthenticatedClient,
    mode: str,
    endpoint: types.ModuleType,
    path: str,
    fill: str,
    model: type,
) -> None:
    params: dict[str, Any] = {}
    if fill == "add_errors":
        server.add_exchanges(1)
        params["id"] = server.exchanges[0]["id"]
        server.add_errors(params["id"], 11)
        path = path.format(id=params["id"])
    else:
        getattr(server, fill)(11)

    got = await collect_pages(mode, endpoint, client=client, page_size=4, **params)

    assert [len(p.items) for p in got] == [4, 4, 3]
    assert all(isinstance(p.response, model) for p in got)
    assert [n for p in got for n in numbers(p.items)] == sorted(
        n for p in got for n in numbers(p.items)
    )
    assert set(server.pages_requested(path)) >= {0, 1, 2}


async def test_a_generated_function_is_accepted_for_its_module(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(5)
    assert len(await collect(mode, list_exchanges.sync_detailed, client=client, page_size=2)) == 5


# -- servers that misbehave ----------------------------------------------------------------


async def test_a_server_that_ignores_page_is_caught(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(20)
    server.ignore_page = True

    # max_items only bounds a regression: without the guard this would loop forever.
    with pytest.raises(PaginationError, match="pages 0 to 2 have the same items"):
        await collect(mode, list_exchanges, client=client, page_size=3, max_items=1000)

    # Three pages one at a time; with k=4 the window (pages 0-3) plus one refill per page.
    assert len(server.pages_requested(EXCHANGES)) <= (6 if mode == "async-k4" else 3)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_single_repeated_page_is_skipped(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    # Exactly a page of items inserted at the front between reading page 0 and page 1:
    # page 1 then holds page 0's items again.
    server.add_exchanges(8)

    def insert_a_page(s: PagedServer, resource: str, page: int) -> None:
        if page == 1 and len(s.exchanges) == 8:
            s.exchanges[:0] = [{"id": s.new_id()} for _ in range(3)]

    server.before_page = insert_a_page

    got = await collect_pages(mode, list_exchanges, client=client, page_size=3)

    assert [(p.number, numbers(p.items)) for p in got] == [
        (0, [1, 2, 3]),
        (2, [4, 5, 6]),
        (3, [7, 8]),
    ]


async def test_paging_next_overrides_a_short_page(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    # The server caps page_size at 8 and says where the next page is, as a URL.
    server.add_exchanges(20)
    server.paging_next = lambda page, size, total: (
        f"{server.base_url}/exchanges?page={page + 1}&page_size={size}"
        if (page + 1) * size < total
        else None
    )

    got = await collect(mode, list_exchanges, client=client, page_size=10)

    assert numbers(got) == list(range(1, 21))
    assert all(s.query["page_size"] == ["10"] for s in server.requests if s.page is not None)


@pytest.mark.parametrize("form", ["number", "relative-url"])
async def test_paging_next_can_skip_pages(
    server: PagedServer, client: AuthenticatedClient, mode: str, form: str
) -> None:
    server.add_exchanges(20)

    def next_page(page: int, size: int, total: int) -> str | None:
        following = page + 2
        if following * size >= total:
            return None
        return str(following) if form == "number" else f"/v2/grades/exchanges?page={following}"

    server.paging_next = next_page

    got = await collect(mode, list_exchanges, client=client, page_size=3)

    # Pages 0, 2, 4 and 6 (items 19-20: short, no next).
    assert numbers(got) == [1, 2, 3, 7, 8, 9, 13, 14, 15, 19, 20]


async def test_paging_next_that_goes_back_is_refused(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(20)
    server.paging_next = lambda page, size, total: "0"

    with pytest.raises(PaginationError, match="would not move forward"):
        await collect(mode, list_exchanges, client=client, page_size=3)


@pytest.mark.parametrize("token", ["opaque-cursor-abc", "", "-1", "https://x.test/exchanges"])
async def test_an_unusable_paging_next_is_no_hint(
    server: PagedServer, client: AuthenticatedClient, mode: str, token: str
) -> None:
    server.add_exchanges(8)
    server.paging_next = lambda page, size, total: token

    got = await collect(mode, list_exchanges, client=client, page_size=3)

    assert numbers(got) == list(range(1, 9))
    assert sorted(server.pages_requested(EXCHANGES)) == [0, 1, 2]


@pytest.mark.parametrize("status", [500, 503])
async def test_a_failing_page_raises_its_typed_error_after_the_pages_before_it(
    server: PagedServer, client: AuthenticatedClient, mode: str, status: int
) -> None:
    server.add_exchanges(30)
    server.fail_pages = {2: status}
    seen: list[int] = []

    with pytest.raises(InternalServerError) as caught:
        if mode == "sync":
            for page in paginate_pages(list_exchanges, client=client, page_size=3):
                seen.append(page.number)
        else:
            concurrency = 4 if mode == "async-k4" else 1
            pages = apaginate_pages(
                list_exchanges, client=client, page_size=3, concurrency=concurrency
            )
            async with contextlib.aclosing(pages):
                async for page in pages:
                    seen.append(page.number)

    assert caught.value.status_code == status
    assert seen == [0, 1]
    if mode != "sync":
        assert pending_tasks() == set()


async def test_an_unknown_exchange_raises_not_found(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    with pytest.raises(NotFoundError):
        await collect(mode, list_exchange_errors, client=client, id=server.new_id())


async def test_a_body_that_does_not_parse_is_a_validation_error(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.exchanges.append({"id": "not-a-uuid"})

    with pytest.raises(ResponseValidationError):
        await collect(mode, list_exchanges, client=client)


# -- arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("endpoint", "params", "message"),
    [
        (find_exchange, {}, "find_exchange is not a list endpoint"),
        (create_exchange, {}, "create_exchange is not a list endpoint"),
        (count_exchanges, {}, "count_exchanges is not a list endpoint"),
        (get_exchange_details, {}, "get_exchange_details is not a list endpoint"),
        (list_exchanges, {"colour": "red"}, "list_exchanges: .*colour"),
        (list_exchanges, {"page": 2}, "page is set by the paginator"),
        (list_exchange_errors, {}, "list_exchange_errors: .*'id'"),
        (types, {}, "types is not a generated endpoint module"),
        (print, {}, "expected a generated endpoint module"),
    ],
)
async def test_wrong_arguments_are_refused_before_any_request(
    server: PagedServer,
    client: AuthenticatedClient,
    endpoint: Any,
    params: dict[str, Any],
    message: str,
) -> None:
    for function in (paginate, paginate_pages, apaginate, apaginate_pages):
        with pytest.raises(TypeError, match=message):
            function(endpoint, client=client, **params)
    assert server.requests == []


@pytest.mark.parametrize(
    "kwargs", [{"page_size": 0}, {"max_items": -1}, {"concurrency": 0}, {"page_size": "3"}]
)
def test_wrong_sizes_are_refused(client: AuthenticatedClient, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        apaginate(list_exchanges, client=client, **kwargs)
    if "concurrency" not in kwargs:
        with pytest.raises(ValueError):
            paginate(list_exchanges, client=client, **kwargs)


def test_a_model_with_a_single_data_object_is_not_a_list(client: AuthenticatedClient) -> None:
    # A module shaped like a generated list endpoint, whose 200 model holds one object.
    fake = types.ModuleType("datasync_grades_api.api.exchanges.list_lookalikes")

    def sync_detailed(
        *, client: AuthenticatedClient, page: int = 0, page_size: int = 1
    ) -> Response[ExchangeResponse]:
        raise AssertionError("never called")

    async def asyncio_detailed(
        *, client: AuthenticatedClient, page: int = 0, page_size: int = 1
    ) -> Response[ExchangeResponse]:
        raise AssertionError("never called")

    fake.sync_detailed = sync_detailed  # type: ignore[attr-defined]
    fake.asyncio_detailed = asyncio_detailed  # type: ignore[attr-defined]

    with pytest.raises(TypeError, match=r"list_lookalikes is not a list endpoint: .*no data list"):
        paginate(fake, client=client)


def test_a_count_endpoint_with_other_filters_is_refused(client: AuthenticatedClient) -> None:
    with pytest.raises(TypeError, match="count_exchanges takes parameters list_batch_exchanges"):
        apaginate(list_batch_exchanges, client=client, count_endpoint=count_exchanges)
    with pytest.raises(TypeError, match="list_schedules is not a count endpoint"):
        apaginate(list_exchanges, client=client, count_endpoint=list_schedules)


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
async def test_count_sends_filters(
    server: PagedServer, client: AuthenticatedClient, mode: str
) -> None:
    server.add_exchanges(3, state="created")
    server.add_exchanges(2, state="failed")
    server.add_batch_exchanges(4)

    if mode == "sync":
        got = count(count_exchanges, client=client, state="failed")
        batches = count(count_batch_exchanges, client=client)
    else:
        got = await acount(count_exchanges, client=client, state="failed")
        batches = await acount(count_batch_exchanges, client=client)

    assert (got, batches) == (2, 4)
    assert server.requests[0].query == {"state": ["failed"]}


@pytest.mark.parametrize("body", [b"-1", b'"3"', b"1.5", b"true", b"null", b"{}"])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_count_must_be_a_non_negative_integer(
    server: PagedServer, client: AuthenticatedClient, mode: str, body: bytes
) -> None:
    server.count_body = body
    with pytest.raises(ResponseValidationError):
        if mode == "sync":
            count(count_exchanges, client=client)
        else:
            await acount(count_exchanges, client=client)


async def test_count_refuses_other_endpoints_and_parameters(client: AuthenticatedClient) -> None:
    with pytest.raises(TypeError, match="list_exchanges is not a count endpoint"):
        count(list_exchanges, client=client)
    with pytest.raises(TypeError, match=r"count_batch_exchanges: .*state"):
        await acount(count_batch_exchanges, client=client, state="created")


# -- concurrency ---------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 4])
@pytest.mark.parametrize(
    ("endpoint", "path", "page_size"),
    [
        (list_exchanges, EXCHANGES, 3),  # with its count endpoint
        (list_exchanges, EXCHANGES, None),  # page 0 alone, then the window
        (list_schedules, "/schedules", 3),  # no count endpoint: read ahead
    ],
)
async def test_concurrency_is_bounded_and_real(
    server: PagedServer,
    client: AuthenticatedClient,
    k: int,
    endpoint: types.ModuleType,
    path: str,
    page_size: int | None,
) -> None:
    server.add_exchanges(40)
    server.add_schedules(40)
    server.latency = 0.02
    # The first window (after page 0 alone when the page size is learnt) is held until all
    # of it has arrived: a client that fetched fewer at once would see max_in_flight < k.
    server.together = frozenset(range(k) if page_size else range(1, k + 1))

    got = await collect("async", endpoint, client=client, page_size=page_size, concurrency=k)

    assert numbers(got) == sorted(numbers(got))
    assert len(got) == 40
    assert server.max_in_flight == k
    requested = server.pages_requested(path)
    assert len(requested) == len(set(requested))


async def test_the_count_endpoint_is_found_and_given_the_filters(
    server: PagedServer, client: AuthenticatedClient
) -> None:
    server.add_exchanges(10, state="failed")
    server.add_exchanges(5, state="created")

    got = await collect("async-k4", list_exchanges, client=client, page_size=2, state="failed")

    assert len(got) == 10
    counts = [s for s in server.requests if s.path == "/exchanges/count"]
    assert [s.query for s in counts] == [{"state": ["failed"]}]
    # Counted: 5 pages, the 5th full, so one more (empty) page is asked for.
    assert sorted(server.pages_requested(EXCHANGES)) == [0, 1, 2, 3, 4, 5]


async def test_an_explicit_count_endpoint_is_used(
    server: PagedServer, client: AuthenticatedClient
) -> None:
    server.add_batch_exchanges(9)

    got = await collect(
        "async",
        list_batch_exchanges,
        client=client,
        page_size=2,
        concurrency=3,
        count_endpoint=count_batch_exchanges,
    )

    assert len(got) == 9
    assert [s.path for s in server.requests].count("/batch_exchanges/count") == 1
    assert sorted(server.pages_requested("/batch_exchanges")) == [0, 1, 2, 3, 4]


async def test_growth_during_the_iteration_is_picked_up(
    server: PagedServer, client: AuthenticatedClient
) -> None:
    server.add_exchanges(20)  # counted: 7 pages of 3

    def grow(s: PagedServer, resource: str, page: int) -> None:
        if page == 0 and len(s.exchanges) == 20:
            s.add_exchanges(5)

    server.before_page = grow

    got = await collect("async-k4", list_exchanges, client=client, page_size=3)

    assert numbers(got) == list(range(1, 26))
    assert sorted(server.pages_requested(EXCHANGES)) == list(range(9))


async def test_shrinking_during_the_iteration_ends_at_the_first_short_page(
    server: PagedServer, client: AuthenticatedClient
) -> None:
    server.add_exchanges(20)  # counted: 7 pages of 3
    server.latency = 0.02

    def shrink(s: PagedServer, resource: str, page: int) -> None:
        if page == 0:
            del s.exchanges[10:]

    server.before_page = shrink

    got = await collect("async-k4", list_exchanges, client=client, page_size=3)

    assert numbers(got) == list(range(1, 11))


@pytest.mark.parametrize("mode", MODES)
async def test_inserts_at_the_front_during_the_iteration_end_without_a_hang(
    server: PagedServer, client: AuthenticatedClient, mode: str
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

    got = numbers(await collect(mode, list_exchanges, client=client, page_size=3))

    assert set(got) <= original | set(inserted)
    if mode != "async-k4":
        # In page order, an insert at the front only pushes items later: none is skipped.
        assert set(got) >= original


async def test_a_failing_page_cancels_the_window(
    server: PagedServer, client: AuthenticatedClient, caplog: pytest.LogCaptureFixture
) -> None:
    server.add_exchanges(60)
    server.latency = 0.3
    server.page_latency = {1: 0.0}
    server.fail_pages = {1: 500}
    before = pending_tasks()

    with caplog.at_level(logging.ERROR, logger="asyncio"), pytest.raises(InternalServerError):
        await collect("async", list_exchanges, client=client, page_size=3, concurrency=4)
    gc.collect()

    assert pending_tasks() == before
    assert "never retrieved" not in caplog.text


async def test_failures_past_the_end_are_dropped_quietly(
    server: PagedServer, client: AuthenticatedClient, caplog: pytest.LogCaptureFixture
) -> None:
    # No count endpoint: pages 0-3 are asked together; the list ends on page 1, pages 2
    # and 3 fail, and nobody needs them.
    server.add_schedules(5)
    server.fail_pages = {2: 500, 3: 503}

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        got = await collect("async", list_schedules, client=client, page_size=3, concurrency=4)
        gc.collect()
        await asyncio.sleep(0)

    assert len(got) == 5
    assert "never retrieved" not in caplog.text


async def test_leaving_early_cancels_the_requests_in_flight(
    server: PagedServer, client: AuthenticatedClient
) -> None:
    server.add_schedules(40)
    server.latency = 0.05
    before = pending_tasks()

    async def first_page() -> Page[Any]:
        pages = apaginate_pages(list_schedules, client=client, page_size=3, concurrency=4)
        async with contextlib.aclosing(pages):
            async for page in pages:
                return page
        raise AssertionError("no page")

    page = await asyncio.wait_for(first_page(), DEADLINE)

    assert page.number == 0
    assert pending_tasks() == before


# -- the surface and the README ------------------------------------------------------------


def test_public_names() -> None:
    names = {
        "Page",
        "PaginationError",
        "acount",
        "apaginate",
        "apaginate_pages",
        "count",
        "page_count",
        "paginate",
        "paginate_pages",
    }
    assert names <= set(datasync_grades.__all__)
    assert issubclass(PaginationError, datasync_grades.DataSyncError)


README = Path(__file__).parents[2] / "README.md"


def test_readme_examples_run(
    readme_python_blocks: Callable[[Path, str], list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = readme_python_blocks(README, "Pagination")
    assert len(blocks) >= 4
    with running(max_page_size=8) as server:
        server.add_exchanges(12, state="created")
        server.add_exchanges(3, state="failed")
        server.add_errors(server.exchanges[0]["id"], 5)
        monkeypatch.setenv("DATASYNC_BASE_URL", server.base_url)
        monkeypatch.setenv("DATASYNC_TOKEN", "t")
        namespace: dict[str, Any] = {}
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)
        namespace["client"].get_httpx_client().close()
    out = capsys.readouterr().out
    assert out.count("exchange ") >= 12
