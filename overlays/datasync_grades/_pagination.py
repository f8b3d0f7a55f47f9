"""Pagination: the pagers behind every list method, written once for sync and async.

Pages are numbered from 0 and the filters are sent with every page. A usable ``paging.next``
(a page number, or a URL with ``page``) is followed. Otherwise the first page that says the list
has ended is the last: an empty page; ``"paging": {"next": null}``; a page shorter than an
earlier one (a page that was followed was full: the size in effect, which a server may cap below
``page_size``); or, when the count is known (``pages(concurrency=k)`` asks for it; an iteration
after ``total()`` uses its answer), the page that brings the items to it. A page that repeats
an earlier one is skipped (the list shifted); more of them in a row than distinct pages seen
raise :class:`PaginationError`: the server cycles.

The walk is written once, as async generators: :class:`AsyncListPager` hands them out,
:class:`ListPager` drives them with ``iterate_sync`` (its steps never suspend).

Example::

    for exchange in client.exchanges.list(state="created"):
        print(exchange.id)
    async for page in async_client.exchanges.list(page_size=100).pages(concurrency=4):
        print(page.number, len(page.items))
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from types import ModuleType
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from datasync_grades_api.api import Page
from datasync_grades_api.types import UNSET

from ._client import AsyncSender, Sender, iterate_sync, run_sync
from ._exceptions import PaginationError, request_id_of
from ._logging import logger
from ._parsing import acall, checked_count, operation_name, parse

__all__ = ["AsyncListPager", "ListPager", "items_of", "page_count"]

T = TypeVar("T")

_DIGITS = re.compile(r"[0-9]{1,18}")  # longer is no page number (and int() would refuse it)
_REMEMBERED = 10_000  # distinct page fingerprints kept to find cycles: under 1 MB


def page_count(total: int, page_size: int) -> int:
    """How many pages of ``page_size`` items hold ``total`` items: ``page_count(7, 3) == 3``."""
    if total < 0 or page_size < 1:
        raise ValueError(f"need total >= 0 and page_size >= 1, got {total} and {page_size}")
    return -(-total // page_size)


def _at_least(name: str, value: int | None, least: int) -> int | None:
    if value is not None and (type(value) is not int or value < least):
        raise ValueError(f"{name} must be an integer >= {least} or None, got {value!r}")
    return value


def _next_hint(paging: Any) -> int | None:
    """The page number ``paging.next`` points to, or None when it gives no usable hint."""
    # A string (the model refuses any other value): a page number, or a URL whose last
    # ``page`` parameter is one.
    value = getattr(paging, "next_", None)
    text = value.strip() if isinstance(value, str) else ""
    page = (parse_qs(urlsplit(text).query).get("page") or [text])[-1]
    if _DIGITS.fullmatch(page):
        return int(page)
    if text:
        logger.debug("paging.next is neither a page number nor a URL with a page; ignored")
    return None


def items_of(parsed: Any) -> list[Any]:
    """The items of a parsed page: its ``data`` (a list: the models refuse any other value;
    the spec makes no property required, so a 200 body without it is an empty page)."""
    data = getattr(parsed, "data", None)
    return data if isinstance(data, list) else []


class _Walk:
    """Decides, page after page in order, what to hand out and which page comes next."""

    def __init__(self, pager: _Pager[Any]) -> None:
        # A count is a hint for the next iteration only: a later one would trust a stale count.
        self.pager, self.total, pager._total, self.handed_out = pager, pager._total, None, 0
        # The page to fetch next; None: the end (at once when max_items or the count is 0).
        self.next: int | None = None if 0 in (pager.max_items, self.total) else 0
        # The longest page so far. A page followed by another was full: this is the page size
        # in effect, which may be less than the page_size asked (a server may cap it).
        self.longest = 0
        # Fingerprints of the latest distinct pages, oldest first, and how many pages in a row
        # repeated one.
        self.seen: dict[int, None] = {}
        self.repeats = 0

    def step(self, number: int, fetched: tuple[Any, str | None]) -> Page[Any] | None:
        """The page to hand out (None: nothing); ``next`` becomes the page after it."""
        parsed, request_id = fetched
        items, name, page = items_of(parsed), self.pager.name, None
        if not items:
            self.next = None
            return None
        # An item is known by its id; one without (Unset is false) by all of it.
        length, mark = len(items), hash(tuple(getattr(i, "id", None) or repr(i) for i in items))
        if mark in self.seen:
            # Its items were handed out. A sound list that shifted by m pages between two
            # reads repeats m earlier pages (m <= the pages read); more in a row is a cycle.
            self.repeats += 1
            if self.repeats > len(self.seen):
                raise PaginationError(
                    f"{name}: pages {number - self.repeats + 1} to {number} repeat earlier "
                    "pages; the server does not seem to honour the page number"
                )
        else:
            self.repeats = 0
            if len(self.seen) == _REMEMBERED:
                del self.seen[next(iter(self.seen))]
            self.seen[mark] = None
            if self.pager.max_items is not None:
                items = items[: self.pager.max_items - self.handed_out]
            self.handed_out += len(items)
            page = Page(number, items, parsed, request_id)
        paging = getattr(parsed, "paging", None)
        hinted, short = _next_hint(paging), length < self.longest
        self.longest = max(self.longest, length)
        if hinted is not None and hinted <= number and self.handed_out != self.pager.max_items:
            raise PaginationError(
                f"{name}: page {number}'s paging.next points to page {hinted}, "
                "which would not move forward"
            )
        # ``"next": null`` says this is the last page; an absent one says nothing.
        ended = getattr(paging, "next_", UNSET) is None or short or self.handed_out == self.total
        self.next = hinted if hinted is not None else None if ended else number + 1
        if self.handed_out == self.pager.max_items:
            self.next = None
        return page


class _Pager(Generic[T]):
    """Every page of one list call (:class:`ListPager`, :class:`AsyncListPager`).

    Built by the list methods (``client.exchanges.list(...)``); nothing is sent until it is
    iterated, and each iteration starts again from page 0. The walk is written once, as async
    generators: an async client's pager hands them out, a sync client's drives them with
    ``iterate_sync`` (its steps never suspend).
    """

    def __init__(
        self,
        endpoint: ModuleType,
        sender: Sender,
        params: dict[str, Any],
        *,
        count: ModuleType | None,
        page_size: int | None,
        max_items: int | None,
    ) -> None:
        self.endpoint, self.sender, self.params, self.count = endpoint, sender, params, count
        self.page_size = _at_least("page_size", page_size, 1)
        self.max_items = _at_least("max_items", max_items, 0)
        self.name = operation_name(endpoint)
        self.is_async = isinstance(sender, AsyncSender)
        self._total: int | None = None  # total()'s answer, for the iteration that follows it

    def pages(self, *, concurrency: int = 1) -> Any:
        """The pages in order, empty pages skipped (an async generator under an async client).

        With ``concurrency=k`` (a sync pager ignores it) at most k requests are in flight and
        k pages held; the count is asked first, the pages it counts are fetched k at a
        time, then one at a time to the end. Without a count, up to k - 1 requests past the
        end come back empty and are discarded. When a page fails, the requests for later
        pages are cancelled and its error raised after the pages before it. Leave early
        inside ``contextlib.aclosing(...)`` to cancel what is in flight at once.
        """
        if type(concurrency) is not int or concurrency < 1:
            raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")
        if not self.is_async:  # a sync client's steps never suspend: one page at a time
            return iterate_sync(self._one_by_one())
        return self._one_by_one() if concurrency == 1 else self._window(concurrency)

    def total(self) -> Any:
        """The count operation's answer for the same filters; None when the list has none
        (awaitable under an async client).

        The iteration that follows uses it to end without asking for a page past the end."""
        return self._count() if self.is_async else run_sync(self._count())

    async def _fetch(self, number: int) -> tuple[Any, str | None]:
        """The parsed page ``number`` and the id of the request that brought it."""
        # UNSET page_size leaves it to the server.
        size = UNSET if self.page_size is None else self.page_size
        kwargs = self.endpoint._get_kwargs(**self.params, page=number, page_size=size)
        response = await self.sender.request(kwargs)
        return parse(self.endpoint, response, self.sender.redactor), request_id_of(response.headers)

    async def _count(self) -> int | None:
        if self.count is None:
            return None
        counted = await acall(self.count, self.sender, dict(self.params))
        self._total = checked_count(self.count, counted)
        return self._total

    async def _one_by_one(self) -> AsyncGenerator[Page[T], None]:
        walk = _Walk(self)
        while walk.next is not None:
            if (page := walk.step(walk.next, await self._fetch(walk.next))) is not None:
                yield page

    async def _window(self, concurrency: int) -> AsyncGenerator[Page[T], None]:
        """Up to ``concurrency`` page requests in flight, handed out in page order."""
        # The requests in flight, for the pages from ``walk.next`` on, in order.
        tasks: deque[asyncio.Task[Any]] = deque()
        try:
            if self._total is None and self.max_items != 0:
                await self._count()  # (still None for a list without a count operation)
            walk = _Walk(self)
            size = self.page_size
            if size is None and walk.next is not None:
                # The server's default size is not documented: learn it from page 0.
                first = await self._fetch(0)
                size = len(items_of(first[0]))
                if (page := walk.step(0, first)) is not None:
                    yield page
            if walk.next is None or size is None:  # (size is known once page 0 had items)
                return
            # Pages below ``limit`` are fetched together; from it on, one at a time.
            limit = math.inf if walk.total is None else page_count(walk.total, size)
            if self.max_items is not None:
                limit = min(limit, page_count(self.max_items, size))
            scheduled = walk.next
            while walk.next is not None:
                while len(tasks) < concurrency and (not tasks or scheduled < limit):
                    tasks.append(asyncio.create_task(self._fetch(scheduled)))
                    scheduled += 1
                current = walk.next
                page = walk.step(current, await tasks.popleft())
                if walk.next is not None and walk.next != current + 1:
                    # paging.next jumped: the pages fetched ahead are the wrong ones.
                    await _cancel(tasks)
                    scheduled = walk.next
                if page is not None:  # the k - 1 requests after it go on while it is consumed
                    yield page
        finally:
            await _cancel(tasks)


class ListPager(_Pager[T]):
    """A sync client's pager: ``for`` yields the items in order."""

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items


class AsyncListPager(_Pager[T]):
    """An async client's pager: ``async for`` yields the items in order."""

    async def __aiter__(self) -> AsyncIterator[T]:
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item


async def _cancel(tasks: deque[asyncio.Task[Any]]) -> None:
    pending = list(tasks)
    tasks.clear()
    for task in pending:
        task.cancel()
    # Awaiting them retrieves their exceptions: no "Task exception was never retrieved".
    await asyncio.gather(*pending, return_exceptions=True)
