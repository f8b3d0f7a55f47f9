"""Pagination over every generated list endpoint: items or whole pages, sync and async.

A list endpoint is any generated endpoint module whose ``sync_detailed`` takes ``page`` and
``page_size`` and whose 200 model has a ``data`` list; it is recognised by introspection
(signature, return annotation, the model's ``data`` field), so a list endpoint added to the
spec works after regeneration without a change here. A count endpoint is one whose 200 body
is an integer; :func:`apaginate` finds a list endpoint's own by name (``list_<things>`` ->
``count_<things>`` in the same tag package) when both take the same filters.

Example::

    from datasync_grades import apaginate, paginate
    from datasync_grades_api.api.exchanges import list_exchanges

    for exchange in paginate(list_exchanges, client=client, state="created"):
        print(exchange.id)

    async for exchange in apaginate(list_exchanges, client=client, page_size=50, concurrency=4):
        print(exchange.id)

Where the iteration ends (pages are numbered from 0, filters are sent with every page):

- an empty page ends it;
- a usable ``paging.next`` is followed, even after a short page: a decimal integer is the next
  page's number, a URL (absolute or relative) gives it in its ``page`` query parameter (its
  other parameters are ignored: filters and page size stay the caller's). A ``next`` that is
  absent, null or anything else (an opaque token the generated functions cannot send) is no
  hint; one that does not move forward raises :class:`PaginationError`;
- without a hint, a page shorter than ``page_size`` ends it. With ``page_size=None`` (the
  server's default size, not documented) a page shorter than the longest page so far ends it;
  the first page cannot be judged short, so a list that fits in one page costs one more
  request, which comes back empty;
- a page with the same items as the page before (attrs equality) is skipped: the list
  shifted by exactly one page between the two reads. A third page in a row with the same
  items raises :class:`PaginationError` instead of looping: the server ignores the page.

Hand-written: the generated client has no paginator, and generic paginators (e.g. those of
the Stainless SDKs) are tied to their own client classes; the rules above, the count
endpoint and the bounded concurrent window are specific to this page-number API.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import re
import sys
import types
import typing
from collections import deque
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Any, Generic, TypeAlias, TypeVar
from urllib.parse import parse_qs, urlsplit

import attrs

from datasync_grades_api.client import AuthenticatedClient, Client
from datasync_grades_api.types import Unset

from ._exceptions import PaginationError, ResponseValidationError, aexpect_parsed, expect_parsed
from ._logging import logger

__all__ = [
    "Page",
    "acount",
    "apaginate",
    "apaginate_pages",
    "count",
    "page_count",
    "paginate",
    "paginate_pages",
]

T = TypeVar("T")

# A generated endpoint module, e.g. ``list_exchanges``, or one of its functions.
Endpoint: TypeAlias = types.ModuleType | Callable[..., Any]

# Parameters the paginator sets itself; every other parameter of the endpoint is a filter
# or a path id and is sent unchanged with every page.
_OWN_PARAMS = frozenset({"client", "page", "page_size"})
_DIGITS = re.compile(r"[0-9]+")


@attrs.frozen
class Page(Generic[T]):
    """One page: its number (from 0), its items, and the parsed response they came from.

    ``items`` is cut short on the last page when ``max_items`` ends the iteration there;
    ``response.data`` always holds the whole page. Empty pages are never handed out.

    Example::

        for page in paginate_pages(list_exchanges, client=client, page_size=100):
            print(page.number, len(page.items), page.response.paging)
    """

    number: int
    items: list[T]
    response: Any


# -- introspection -------------------------------------------------------------------------


@attrs.frozen
class _ListEndpoint:
    module: types.ModuleType
    name: str
    signature: inspect.Signature
    page_model: type[Any]
    filters: frozenset[str]

    def check_params(self, client: Any, params: Mapping[str, Any]) -> None:
        if "page" in params:
            raise TypeError(f"{self.name}: page is set by the paginator, do not pass it")
        _bind(self.name, self.signature, client, params)

    def items_of(self, number: int, parsed: Any) -> list[Any]:
        if not isinstance(parsed, self.page_model):
            raise ResponseValidationError(
                f"{self.name}: page {number}: expected {self.page_model.__name__}, "
                f"got {type(parsed).__name__}"
            )
        data = parsed.data
        # The spec makes no property required: a 200 body without ``data`` is an empty page.
        return [] if isinstance(data, Unset) else list(data)


@attrs.frozen
class _CountEndpoint:
    module: types.ModuleType
    name: str
    signature: inspect.Signature
    params: frozenset[str]


def _module_of(endpoint: Endpoint) -> types.ModuleType:
    if isinstance(endpoint, types.ModuleType):
        return endpoint
    module = sys.modules.get(getattr(endpoint, "__module__", None) or "")
    name = getattr(endpoint, "__name__", None)
    if (
        module is not None
        and name
        and getattr(module, name, None) is endpoint
        and hasattr(module, "sync_detailed")
    ):
        return module
    raise TypeError(
        f"expected a generated endpoint module such as list_exchanges, got {endpoint!r}"
    )


def _operation_name(module: types.ModuleType) -> str:
    return module.__name__.rpartition(".")[2]


def _detailed_signature(module: types.ModuleType) -> inspect.Signature:
    name = _operation_name(module)
    sync_detailed = getattr(module, "sync_detailed", None)
    if not callable(sync_detailed) or not callable(getattr(module, "asyncio_detailed", None)):
        raise TypeError(
            f"{name} is not a generated endpoint module (no sync_detailed/asyncio_detailed)"
        )
    return inspect.signature(sync_detailed)


def _union_members(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(m for arg in typing.get_args(annotation) for m in _union_members(arg))
    return (annotation,)


def _parsed_types(module: types.ModuleType) -> tuple[Any, ...]:
    """What ``sync_detailed(...).parsed`` may be, from its ``Response[...]`` annotation."""
    try:
        returned = typing.get_type_hints(module.sync_detailed).get("return")
    except (NameError, TypeError):
        return ()
    args = typing.get_args(returned)
    return _union_members(args[0]) if args else ()


def _has_data_list(model: Any) -> bool:
    if not (isinstance(model, type) and attrs.has(model)):
        return False
    field = attrs.fields_dict(model).get("data")
    if field is None:
        return False
    # Generated models use postponed annotations and import their item models only under
    # TYPE_CHECKING; the models package exports them all, so resolve names there.
    package = sys.modules.get(model.__module__.rpartition(".")[0])
    try:
        hint = typing.get_type_hints(model, localns=vars(package) if package else None)["data"]
    except (NameError, TypeError, KeyError):
        text = field.type if isinstance(field.type, str) else ""
        return text.replace(" ", "").startswith("list[")
    return any(m is list or typing.get_origin(m) is list for m in _union_members(hint))


@functools.cache
def _list_endpoint_of(module: types.ModuleType) -> _ListEndpoint:
    name = _operation_name(module)
    signature = _detailed_signature(module)
    if not {"page", "page_size"} <= signature.parameters.keys():
        raise TypeError(f"{name} is not a list endpoint: it takes no page/page_size parameters")
    models = [t for t in _parsed_types(module) if _has_data_list(t)]
    if not models:
        raise TypeError(f"{name} is not a list endpoint: its 200 response has no data list")
    filters = frozenset(signature.parameters) - _OWN_PARAMS
    return _ListEndpoint(module, name, signature, models[0], filters)


def _list_endpoint(endpoint: Endpoint) -> _ListEndpoint:
    return _list_endpoint_of(_module_of(endpoint))


@functools.cache
def _count_endpoint_of(module: types.ModuleType) -> _CountEndpoint:
    name = _operation_name(module)
    signature = _detailed_signature(module)
    if "page" in signature.parameters or int not in _parsed_types(module):
        raise TypeError(f"{name} is not a count endpoint: its 200 response is not an integer")
    return _CountEndpoint(module, name, signature, frozenset(signature.parameters) - {"client"})


def _count_endpoint(endpoint: Endpoint) -> _CountEndpoint:
    return _count_endpoint_of(_module_of(endpoint))


@functools.cache
def _sibling_count(spec: _ListEndpoint) -> _CountEndpoint | None:
    """``count_<things>`` next to ``list_<things>``, if it counts the same filtered list."""
    package, _, name = spec.module.__name__.rpartition(".")
    if not name.startswith("list_"):
        return None
    target = f"{package}.count_{name.removeprefix('list_')}"
    try:
        module = importlib.import_module(target)
    except ModuleNotFoundError as exc:
        if exc.name == target:
            return None
        raise
    try:
        counter = _count_endpoint_of(module)
    except TypeError:
        return None
    # Other filters would count another list; the count is then no use as a page hint.
    return counter if counter.params == spec.filters else None


def _bind(name: str, signature: inspect.Signature, client: Any, params: Mapping[str, Any]) -> None:
    try:
        signature.bind(client=client, **params)
    except TypeError as exc:
        raise TypeError(f"{name}: {exc}") from None


# -- arguments -----------------------------------------------------------------------------


def _check_sizes(page_size: int | None, max_items: int | None, concurrency: int = 1) -> None:
    if page_size is not None and (not isinstance(page_size, int) or page_size < 1):
        raise ValueError(f"page_size must be a positive integer or None, got {page_size!r}")
    if max_items is not None and (not isinstance(max_items, int) or max_items < 0):
        raise ValueError(f"max_items must be a non-negative integer or None, got {max_items!r}")
    if not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, got {concurrency!r}")


def _page_kwargs(
    client: AuthenticatedClient | Client,
    number: int,
    page_size: int | None,
    params: Mapping[str, Any],
) -> dict[str, Any]:
    kwargs = {**params, "client": client, "page": number}
    if page_size is not None:
        kwargs["page_size"] = page_size
    return kwargs


def _checked_total(name: str, value: Any) -> int:
    if type(value) is not int or value < 0:
        raise ResponseValidationError(
            f"{name}: expected a non-negative integer, got {repr(value)[:100]}"
        )
    return value


# -- the walk, without I/O: shared by the sync and async drivers ---------------------------


def _next_hint(paging: Any) -> int | None:
    """The page number ``paging.next`` points to, or None when it gives no usable hint."""
    value = getattr(paging, "next_", None)
    if type(value) is int:
        return value if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _DIGITS.fullmatch(text):
        return int(text)
    if "?" in text:
        pages = parse_qs(urlsplit(text).query).get("page")
        if pages and _DIGITS.fullmatch(pages[-1]):
            return int(pages[-1])
    if text:
        logger.debug("paging.next is neither a page number nor a URL with a page; ignored")
    return None


@attrs.define
class _Walk:
    """Decides, page after page in order, what to hand out and which page comes next."""

    spec: _ListEndpoint
    page_size: int | None
    max_items: int | None
    handed_out: int = 0
    longest: int = 0
    previous: tuple[int, list[Any]] | None = None  # the last page with items, and its number
    repeated_since: int | None = None  # the first page of a run of pages with the same items

    def step(self, number: int, parsed: Any) -> tuple[Page[Any] | None, int | None]:
        """The page to hand out (None: nothing) and the next page's number (None: the end)."""
        items = self.spec.items_of(number, parsed)
        if not items:
            return None, None
        if self.previous is None or self.previous[1] != items:
            self.previous, self.repeated_since = (number, items), None
        elif self.repeated_since is None:
            # Once is possible with a sound server: exactly a page of items was inserted
            # before this position between the two reads. Those items were handed out.
            self.repeated_since = self.previous[0]
            return None, self._following(number, parsed, len(items))
        else:
            raise PaginationError(
                f"{self.spec.name}: pages {self.repeated_since} to {number} have the same "
                "items; the server does not seem to honour the page number"
            )
        following = self._following(number, parsed, len(items))
        if self.max_items is not None and len(items) >= self.max_items - self.handed_out:
            items = items[: self.max_items - self.handed_out]
            following = None
        self.handed_out += len(items)
        return Page(number, items, parsed), following

    def _following(self, number: int, parsed: Any, length: int) -> int | None:
        hinted = _next_hint(getattr(parsed, "paging", None))
        if hinted is not None:
            if hinted <= number:
                raise PaginationError(
                    f"{self.spec.name}: page {number}'s paging.next points to page {hinted}, "
                    "which would not move forward"
                )
            return hinted
        expected = self.page_size if self.page_size is not None else self.longest
        self.longest = max(self.longest, length)
        return None if length < expected else number + 1


# -- sync ----------------------------------------------------------------------------------


def paginate_pages(
    endpoint: Endpoint,
    /,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | None = None,
    max_items: int | None = None,
    **params: Any,
) -> Generator[Page[Any], None, None]:
    """The pages of a list endpoint, one request each, in order; empty pages are skipped.

    ``params`` are the endpoint's filters and path ids (e.g. ``state=``, ``id=``), sent
    with every page. Arguments are checked at once: a non-list endpoint, an unknown or
    missing parameter raise ``TypeError`` before any request. Request failures raise the
    client's typed errors; a body that does not parse raises ``ResponseValidationError``.

    Example::

        for page in paginate_pages(list_exchange_errors, client=client, id=exchange_id):
            print(page.number, [error.code for error in page.items])
    """
    spec = _list_endpoint(endpoint)
    spec.check_params(client, params)
    _check_sizes(page_size, max_items)
    return _pages(spec, client, page_size, max_items, params)


def paginate(
    endpoint: Endpoint,
    /,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | None = None,
    max_items: int | None = None,
    **params: Any,
) -> Generator[Any, None, None]:
    """The items of every page of a list endpoint, in order; see :func:`paginate_pages`.

    Example::

        for exchange in paginate(list_exchanges, client=client, state="created", max_items=10):
            print(exchange.id)
    """
    pages = paginate_pages(
        endpoint, client=client, page_size=page_size, max_items=max_items, **params
    )
    return _items(pages)


def _pages(
    spec: _ListEndpoint,
    client: AuthenticatedClient | Client,
    page_size: int | None,
    max_items: int | None,
    params: Mapping[str, Any],
) -> Generator[Page[Any], None, None]:
    if max_items == 0:
        return
    walk = _Walk(spec, page_size, max_items)
    number: int | None = 0
    while number is not None:
        parsed = expect_parsed(
            spec.module.sync_detailed, **_page_kwargs(client, number, page_size, params)
        )
        page, number = walk.step(number, parsed)
        if page is not None:
            yield page


def _items(pages: Generator[Page[Any], None, None]) -> Generator[Any, None, None]:
    try:
        for page in pages:
            yield from page.items
    finally:
        pages.close()


def count(
    count_endpoint: Endpoint, /, *, client: AuthenticatedClient | Client, **params: Any
) -> int:
    """The integer a count endpoint answers, e.g. ``count(count_exchanges, client=c, state=s)``.

    Raises ``TypeError`` for an endpoint whose 200 body is not an integer or an unknown
    parameter, ``ResponseValidationError`` when the body is not a non-negative integer.
    """
    counter = _count_endpoint(count_endpoint)
    _bind(counter.name, counter.signature, client, params)
    return _checked_total(
        counter.name, expect_parsed(counter.module.sync_detailed, client=client, **params)
    )


def page_count(total: int, page_size: int) -> int:
    """How many pages of ``page_size`` items hold ``total`` items: ``page_count(7, 3) == 3``."""
    if total < 0 or page_size < 1:
        raise ValueError(f"need total >= 0 and page_size >= 1, got {total} and {page_size}")
    return -(-total // page_size)


# -- async ---------------------------------------------------------------------------------


async def acount(
    count_endpoint: Endpoint, /, *, client: AuthenticatedClient | Client, **params: Any
) -> int:
    """The async :func:`count`."""
    counter = _count_endpoint(count_endpoint)
    _bind(counter.name, counter.signature, client, params)
    return _checked_total(
        counter.name, await aexpect_parsed(counter.module.asyncio_detailed, client=client, **params)
    )


def apaginate_pages(
    endpoint: Endpoint,
    /,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | None = None,
    max_items: int | None = None,
    concurrency: int = 1,
    count_endpoint: Endpoint | None = None,
    **params: Any,
) -> AsyncGenerator[Page[Any], None]:
    """The async :func:`paginate_pages`; with ``concurrency=k`` up to k pages are fetched at once.

    Pages are still handed out in order, and the end is decided by the same rules. At most
    k requests are in flight and at most k + 1 pages are held (k fetched or being fetched,
    one being consumed). The pages counted by the count endpoint (``count_endpoint``, or the
    list endpoint's own ``count_<things>``, found by name and signature) are fetched k at a
    time; after them, pages are fetched one at a time until the end, so items added during
    the iteration are still reached. Without a count endpoint every page is fetched k at a
    time: up to k - 1 requests past the end come back empty and are discarded. The count
    is only a hint: a list that shrinks ends at its first short or empty page.

    With ``page_size=None`` the first page is fetched alone and its length taken as the
    page size for the count arithmetic. When a page fails, the requests for later pages
    are cancelled; the pages before it are still handed out, then its error is raised.
    Break out early inside ``contextlib.aclosing(...)`` to cancel the requests in flight
    at once.

    Example::

        async with contextlib.aclosing(
            apaginate_pages(list_exchanges, client=client, page_size=100, concurrency=4)
        ) as pages:
            async for page in pages:
                print(page.number, len(page.items))
    """
    spec = _list_endpoint(endpoint)
    spec.check_params(client, params)
    _check_sizes(page_size, max_items, concurrency)
    counter: _CountEndpoint | None = None
    if count_endpoint is not None:
        counter = _count_endpoint(count_endpoint)
        if not counter.params <= spec.filters:
            unknown = ", ".join(sorted(counter.params - spec.filters))
            raise TypeError(f"{counter.name} takes parameters {spec.name} does not: {unknown}")
    if concurrency == 1:
        return _apages(spec, client, page_size, max_items, params)
    if counter is None:
        counter = _sibling_count(spec)
    count_params: dict[str, Any] = {}
    if counter is not None:
        count_params = {k: v for k, v in params.items() if k in counter.params}
        _bind(counter.name, counter.signature, client, count_params)
    window = _Window(spec, client, page_size, params, concurrency)
    return window.pages(_Walk(spec, page_size, max_items), max_items, counter, count_params)


def apaginate(
    endpoint: Endpoint,
    /,
    *,
    client: AuthenticatedClient | Client,
    page_size: int | None = None,
    max_items: int | None = None,
    concurrency: int = 1,
    count_endpoint: Endpoint | None = None,
    **params: Any,
) -> AsyncGenerator[Any, None]:
    """The items of :func:`apaginate_pages`, in order.

    Example::

        async for exchange in apaginate(list_exchanges, client=client, concurrency=4):
            print(exchange.id)
    """
    pages = apaginate_pages(
        endpoint,
        client=client,
        page_size=page_size,
        max_items=max_items,
        concurrency=concurrency,
        count_endpoint=count_endpoint,
        **params,
    )
    return _aitems(pages)


async def _afetch(
    spec: _ListEndpoint,
    client: AuthenticatedClient | Client,
    number: int,
    page_size: int | None,
    params: Mapping[str, Any],
) -> Any:
    kwargs = _page_kwargs(client, number, page_size, params)
    return await aexpect_parsed(spec.module.asyncio_detailed, **kwargs)


async def _apages(
    spec: _ListEndpoint,
    client: AuthenticatedClient | Client,
    page_size: int | None,
    max_items: int | None,
    params: Mapping[str, Any],
) -> AsyncGenerator[Page[Any], None]:
    if max_items == 0:
        return
    walk = _Walk(spec, page_size, max_items)
    number: int | None = 0
    while number is not None:
        parsed = await _afetch(spec, client, number, page_size, params)
        page, number = walk.step(number, parsed)
        if page is not None:
            yield page


async def _aitems(pages: AsyncGenerator[Page[Any], None]) -> AsyncGenerator[Any, None]:
    try:
        async for page in pages:
            for item in page.items:
                yield item
    finally:
        await pages.aclose()


class _Window:
    """Up to ``concurrency`` page requests in flight, handed out in page order."""

    def __init__(
        self,
        spec: _ListEndpoint,
        client: AuthenticatedClient | Client,
        page_size: int | None,
        params: Mapping[str, Any],
        concurrency: int,
    ) -> None:
        self._spec = spec
        self._client = client
        self._page_size = page_size
        self._params = params
        self._concurrency = concurrency
        self._tasks: deque[tuple[int, asyncio.Task[Any]]] = deque()
        self._failed: int | None = None  # the first page whose request failed

    async def pages(
        self,
        walk: _Walk,
        max_items: int | None,
        counter: _CountEndpoint | None,
        count_params: Mapping[str, Any],
    ) -> AsyncGenerator[Page[Any], None]:
        if max_items == 0:
            return
        start = 0
        size = self._page_size
        try:
            if size is None:
                # The server's default size is not documented: learn it from page 0.
                first = await self._fetch(0)
                size = len(self._spec.items_of(0, first))
                page, following = walk.step(0, first)
                if page is not None:
                    yield page
                if following is None:
                    return
                start = following
            # Pages below ``limit`` are fetched together; from it on, one at a time.
            limit: int | None = None
            if counter is not None:
                total = _checked_total(
                    counter.name,
                    await aexpect_parsed(
                        counter.module.asyncio_detailed, client=self._client, **count_params
                    ),
                )
                limit = page_count(total, size)
            if max_items is not None:
                needed = page_count(max_items, size)
                limit = needed if limit is None else min(limit, needed)
            scheduled = self._fill(start, limit)
            while True:
                current, task = self._tasks.popleft()
                page, following = walk.step(current, await task)
                if following is None:
                    if page is not None:
                        yield page
                    return
                if following != current + 1:
                    # paging.next jumped: the pages fetched ahead are the wrong ones.
                    await self._cancel_all()
                    scheduled = following
                # Refilled before handing the page out: requests go on while it is consumed.
                scheduled = self._fill(scheduled, limit)
                if page is not None:
                    yield page
        finally:
            await self._cancel_all()

    async def _fetch(self, number: int) -> Any:
        return await _afetch(self._spec, self._client, number, self._page_size, self._params)

    def _fill(self, scheduled: int, limit: int | None) -> int:
        """Start requests for the pages from ``scheduled`` on; the next page to start."""
        tasks = self._tasks
        while len(tasks) < self._concurrency and (not tasks or limit is None or scheduled < limit):
            if self._failed is not None and scheduled > self._failed:
                break
            task = asyncio.create_task(self._fetch(scheduled))
            task.add_done_callback(functools.partial(self._on_done, scheduled))
            tasks.append((scheduled, task))
            scheduled += 1
        return scheduled

    def _on_done(self, number: int, task: asyncio.Task[Any]) -> None:
        # The walk will stop at the failed page: the pages after it are not needed.
        if task.cancelled() or task.exception() is None:
            return
        if any(other is task for _, other in self._tasks):
            self._failed = number if self._failed is None else min(self._failed, number)
            for later, other in self._tasks:
                if later > number:
                    other.cancel()

    async def _cancel_all(self) -> None:
        tasks = [task for _, task in self._tasks]
        self._tasks.clear()
        self._failed = None
        for task in tasks:
            task.cancel()
        # Awaiting them retrieves their exceptions: no "Task exception was never retrieved".
        await asyncio.gather(*tasks, return_exceptions=True)
