"""``DataSync`` and ``AsyncDataSync``: every operation of the spec, typed, from one object.

The resource classes (``client.exchanges``, ``client.schedules``, ...) are generated from
openapi.yaml into ``datasync_grades_api.api``; this module is the engine they call: it sends
through the client's one send path (``_client.Sender``) and turns each answer into the
operation's payload.

Example::

    with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
        exchange = client.exchanges.find(exchange_id)
        for error in client.exchanges.list_errors(exchange):
            print(error.code)
"""

from __future__ import annotations

import time
from collections.abc import Coroutine
from types import ModuleType
from typing import Any, Self, TypeVar, Unpack, cast

from datasync_grades_api.api import AsyncResources, Page, RawResponse, Resources
from datasync_grades_api.types import Unset

from ._artifacts import Artifact, AsyncArtifact
from ._auth import ClientCredentials
from ._client import (
    DEFAULT_BASE_URL,
    AsyncSender,
    ClientOptions,
    EventHooks,
    SyncSender,
    run_sync,
)
from ._exceptions import ResponseValidationError, request_id_of
from ._http import httpx
from ._logging import redact_url
from ._pagination import AsyncListPager, ListPager
from ._parsing import acall, checked_count, operation_name, parse
from ._upload import apush

__all__ = ["AsyncDataSync", "ClientOptions", "DataSync"]

T = TypeVar("T")


def _key(item: object) -> object:
    """What tells an item from the others: its id; an item without one is like no other."""
    found = getattr(item, "id", None)
    return object() if found is None or isinstance(found, Unset) else found


class _Engine:
    """What the generated resources call (``self._engine.one(...)``), one engine for both
    clients: each operation is written once as a coroutine, run to its end for a sync client
    (its steps never suspend) and handed to the async resource to await. The resources' own
    signatures type what users see; the keywords here are theirs."""

    def __init__(self, sender: SyncSender | AsyncSender) -> None:
        self.sender = sender
        self.is_async = isinstance(sender, AsyncSender)

    def _drive(self, coroutine: Coroutine[Any, Any, T]) -> Any:
        return coroutine if self.is_async else run_sync(coroutine)

    def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T], **kw: Any) -> Any:
        return self._drive(self._payload(endpoint, params, expect, True, **kw))

    def optional(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type, **kw: Any
    ) -> Any:
        return self._drive(self._payload(endpoint, params, expect, False, **kw))

    def empty(self, endpoint: ModuleType, params: dict[str, Any], options: Any) -> Any:
        sender = self.sender.for_call(options)
        return self._drive(sender.request(endpoint._get_kwargs(**params)))  # non-2xx raised

    def pager(
        self, endpoint: ModuleType, params: dict[str, Any], item: type, options: Any, **more: Any
    ) -> Any:
        sender = self.sender.for_call(options)
        return (AsyncListPager if self.is_async else ListPager)(endpoint, sender, params, **more)

    def artifact(
        self, endpoint: ModuleType, params: dict[str, Any], media_type: str, options: Any
    ) -> Any:
        artifact = AsyncArtifact(self.sender.for_call(options), endpoint, params, media_type)
        return artifact if self.is_async else Artifact(artifact)

    def push(self, endpoint: ModuleType, params: dict[str, Any], items: Any, **options: Any) -> Any:
        sender = self.sender.for_call(options.pop("options", {}))
        return self._drive(apush(sender, endpoint, params, items=items, **options))

    def raw(
        self, endpoint: ModuleType, params: dict[str, Any], kind: str, expect: Any, options: Any
    ) -> Any:
        """``with_raw_response``: the answer of one request, its payload parsed on ``parse()``
        as the plain call's is (a list's: the page ``params["page"]``)."""
        sender = self.sender.for_call(options)

        async def answer() -> RawResponse[Any]:
            started = time.monotonic()
            response = await sender.request(endpoint._get_kwargs(**params))
            elapsed = time.monotonic() - started

            def parsed() -> Any:
                if kind == "empty":
                    return None
                body = parse(endpoint, response, sender.redactor)
                if kind == "list":
                    found = getattr(body, "data", None) or []
                    return Page(
                        params.get("page") or 0, found, body, request_id_of(response.headers)
                    )
                return _payload_of(endpoint, body, expect, kind != "optional")

            request_id = request_id_of(response.headers)
            return RawResponse(response.status_code, response.headers, request_id, elapsed, parsed)

        return self._drive(answer())

    def snapshot(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        field: str,
        values: list[Any],
        **options: Any,
    ) -> Any:
        """``waiting()`` and ``finished()``: the items listed at each of ``values`` of ``field``,
        every page read first, deduplicated by id, at most ``max_items``."""
        most = options.pop("max_items")
        sender = self.sender.for_call(options.pop("options", {}))

        async def collect() -> list[Any]:
            found: dict[object, Any] = {}
            for value in values:
                left = None if most is None else most - len(found)
                filters = {**params, field: value}
                pager = ListPager[Any](endpoint, sender, filters, max_items=left, **options)
                async for page in pager._one_by_one():
                    for listed in page.items:
                        found.setdefault(_key(listed), listed)
            return list(found.values())

        return self._drive(collect())

    async def _payload(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        expect: type[T],
        required: bool,
        options: Any,
    ) -> T | None:
        """The operation's payload (see :func:`_payload_of`)."""
        sender = self.sender.for_call(options)
        return _payload_of(endpoint, await acall(endpoint, sender, params), expect, required)


def _payload_of(endpoint: ModuleType, parsed: Any, expect: type[T], required: bool) -> T | None:
    """The operation's payload: the parsed body itself, or the ``data`` it carries (None: it
    carries none, which a required payload may not)."""
    if isinstance(parsed, expect) and type(parsed) is not bool:
        return cast(T, checked_count(endpoint, parsed)) if isinstance(parsed, int) else parsed
    data = getattr(parsed, "data", None)
    if isinstance(data, expect) or (data is None and not required):
        return data
    name = operation_name(endpoint)
    raise ResponseValidationError(f"{name}: the response carries no {expect.__name__}")


class _Client:
    """What DataSync and AsyncDataSync share beside their resources: one ``__init__``
    (``transport``: an ``httpx.BaseTransport`` for DataSync, an ``httpx.AsyncBaseTransport``
    for AsyncDataSync)."""

    _sender_class: type[SyncSender] | type[AsyncSender]
    _http_class: type[httpx.Client] | type[httpx.AsyncClient]

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        auth: httpx.Auth,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        event_hooks: EventHooks | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        self._sender = self._sender_class.open(
            self._http_class,
            base_url,
            auth=auth,
            transport=transport,
            event_hooks=event_hooks,
            options=options,
        )
        if isinstance(auth, ClientCredentials):
            auth._bind(options)
        self.base_url = base_url
        self.auth = auth
        cast(Any, super()).__init__(_Engine(self._sender))  # the generated Resources

    def with_options(self, **options: Unpack[ClientOptions]) -> Self:
        """A client with some settings changed (``timeout``, ``total_timeout``, ``max_retries``,
        ``max_retry_after``, ``retry_policy``, ``headers``, ``max_response_bytes``, ...) on this
        one's connection pool and token cache: closing either closes both.

        Example::

            patient = client.with_options(max_retry_after=120.0, total_timeout=600.0)
        """
        # A new object, not a copy: a copy would keep this one's resources (cached properties)
        # and with them its engine and options.
        derived = object.__new__(type(self))
        derived.base_url, derived.auth = self.base_url, self.auth
        derived._sender = self._sender.derive(options)
        cast(Any, super(_Client, derived)).__init__(_Engine(derived._sender))
        return derived

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self.auth!r})"


class DataSync(_Client, Resources):
    """The Grades Exchange API: ``client.<tag>.<operation>(...)``, typed, errors raised.

    Takes :class:`ClientOptions` as keywords, ``transport`` (an ``httpx.BaseTransport``) and
    ``event_hooks`` for the httpx client it owns; use it as a context manager, or call
    ``close()``.

    Example::

        with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
            print(client.exchanges.count(state="created"))
    """

    _sender_class = SyncSender
    _http_class = httpx.Client
    _sender: SyncSender

    def close(self) -> None:
        self._sender.close()

    def __enter__(self) -> DataSync:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncDataSync(_Client, AsyncResources):
    """The async :class:`DataSync`: the same resources, awaitable; ``async with`` it.

    Example::

        async with AsyncDataSync(auth=auth) as client:
            exchange = await client.exchanges.find(exchange_id)
            async for page in client.exchanges.list(page_size=100).pages(concurrency=4):
                print(page.number, len(page.items))
    """

    _sender_class = AsyncSender
    _http_class = httpx.AsyncClient
    _sender: AsyncSender

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def __aenter__(self) -> AsyncDataSync:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
