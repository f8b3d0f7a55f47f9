"""``DataSync`` and ``AsyncDataSync``: every operation of the spec, typed, from one object.

The resource classes (``client.exchanges``, ``client.schedules``, ...) are generated from
openapi.yaml into ``datasync_grades_api.api``; this module is the engine they call: it sends
through a ``connect()`` client and turns each answer into the operation's payload.

Example::

    with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
        exchange = client.exchanges.find(exchange_id)
        for error in client.exchanges.list_errors(exchange):
            print(error.code)
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Mapping
from types import ModuleType, TracebackType
from typing import Any, Generic, TypedDict, TypeVar, Unpack

import httpx

from datasync_grades_api.api import AsyncResources, Resources
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.types import Unset

from ._artifacts import Artifact, AsyncArtifact, _Request
from ._client import DEFAULT_BASE_URL, EventHooks, connect
from ._exceptions import ResponseValidationError
from ._logging import redact_url
from ._pagination import AsyncListPager, ListPager, _List
from ._parsing import acall, call
from ._retry import RetryPolicy
from ._upload import PushResult, apush, push

__all__ = ["AsyncDataSync", "ClientOptions", "DataSync"]

T = TypeVar("T")


class ClientOptions(TypedDict, total=False):
    """The settings ``DataSync``, ``AsyncDataSync`` and ``connect()`` share (see connect())."""

    timeout: httpx.Timeout | float
    total_timeout: float | None
    max_retries: int
    max_retry_after: float
    retry_policy: RetryPolicy | None
    max_response_bytes: int
    allow_insecure_http: bool
    headers: Mapping[str, str]
    verify: ssl.SSLContext | str | bool
    cert: str | tuple[str, str] | tuple[str, str, str]
    proxy: str | httpx.URL | httpx.Proxy | None
    trust_env: bool
    limits: httpx.Limits
    http1: bool
    http2: bool
    follow_redirects: bool


def _payload(endpoint: ModuleType, parsed: object, expect: type[T], optional: bool) -> T | None:
    """The operation's payload: the parsed body itself, or the ``data`` it carries."""
    name = endpoint.__name__.rpartition(".")[2]
    if isinstance(parsed, expect) and type(parsed) is not bool:
        # The spec's bare integers are counts, ``minimum: 0``.
        if isinstance(parsed, int) and parsed < 0:
            raise ResponseValidationError(f"{name}: expected a count, got {parsed}")
        return parsed
    data = getattr(parsed, "data", None)
    if isinstance(data, expect):
        return data
    if data is None and optional:
        return None
    raise ResponseValidationError(f"{name}: the response carries no {expect.__name__}")


class _Found(Generic[T]):
    """Items of several listings, first come first kept, deduplicated by id."""

    def __init__(self) -> None:
        self._by_key: dict[object, T] = {}

    def add_all(self, items: Iterable[T]) -> None:
        for item in items:
            key = getattr(item, "id", None)
            # Without an id an item cannot be told from another: keep each.
            self._by_key.setdefault(
                object() if key is None or isinstance(key, Unset) else key, item
            )

    def items(self) -> list[T]:
        return list(self._by_key.values())


class _Engine:
    def __init__(self, client: AuthenticatedClient) -> None:
        self.client = client

    def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T:
        parsed = call(endpoint, self.client, params)
        value = _payload(endpoint, parsed, expect, optional=False)
        assert value is not None  # optional=False never gives None
        return value

    def optional(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T | None:
        parsed = call(endpoint, self.client, params)
        return _payload(endpoint, parsed, expect, optional=True)

    def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None:
        self.client.get_httpx_client().request(**endpoint._get_kwargs(**params))  # non-2xx raised

    def pager(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        item: type[T],
        *,
        count: ModuleType | None,
        page_size: int | None,
        max_items: int | None,
    ) -> ListPager[T]:
        return ListPager(_List(endpoint, self.client, params, count, page_size, max_items))

    def artifact(self, endpoint: ModuleType, params: dict[str, Any], media_type: str) -> Artifact:
        return Artifact(_Request(self.client, endpoint, params, media_type))

    def snapshot(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        item: type[T],
        *,
        field: str,
        values: list[str],
        page_size: int | None,
    ) -> list[T]:
        found = _Found[T]()
        for value in values:
            spec = _List(endpoint, self.client, {**params, field: value}, None, page_size, None)
            found.add_all(ListPager[T](spec))
        return found.items()

    def push(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        items: dict[str, Iterable[Any]],
        *,
        limit: tuple[ModuleType, str],
        max_bytes: int | None,
        **options: Any,
    ) -> PushResult:
        return push(
            self.client, endpoint, params, items=items, limit=limit, max_bytes=max_bytes, **options
        )


class _AsyncEngine:
    def __init__(self, client: AuthenticatedClient) -> None:
        self.client = client

    async def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T:
        parsed = await acall(endpoint, self.client, params)
        value = _payload(endpoint, parsed, expect, optional=False)
        assert value is not None
        return value

    async def optional(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> T | None:
        parsed = await acall(endpoint, self.client, params)
        return _payload(endpoint, parsed, expect, optional=True)

    async def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None:
        await self.client.get_async_httpx_client().request(**endpoint._get_kwargs(**params))

    def pager(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        item: type[T],
        *,
        count: ModuleType | None,
        page_size: int | None,
        max_items: int | None,
    ) -> AsyncListPager[T]:
        return AsyncListPager(_List(endpoint, self.client, params, count, page_size, max_items))

    def artifact(
        self, endpoint: ModuleType, params: dict[str, Any], media_type: str
    ) -> AsyncArtifact:
        return AsyncArtifact(_Request(self.client, endpoint, params, media_type))

    async def snapshot(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        item: type[T],
        *,
        field: str,
        values: list[str],
        page_size: int | None,
    ) -> list[T]:
        found = _Found[T]()
        for value in values:
            spec = _List(endpoint, self.client, {**params, field: value}, None, page_size, None)
            found.add_all([listed async for listed in AsyncListPager[T](spec)])
        return found.items()

    async def push(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        items: dict[str, Iterable[Any]],
        *,
        limit: tuple[ModuleType, str],
        max_bytes: int | None,
        **options: Any,
    ) -> PushResult:
        return await apush(
            self.client, endpoint, params, items=items, limit=limit, max_bytes=max_bytes, **options
        )


class DataSync(Resources):
    """The Grades Exchange API: ``client.<tag>.<operation>(...)``, typed, errors raised.

    Takes ``connect()``'s arguments (:class:`ClientOptions`); use it as a context manager, or
    call ``close()``. ``generated_client`` is the generated ``AuthenticatedClient`` beneath,
    for the function modules of ``datasync_grades_api.api``.

    Example::

        with DataSync(auth=ClientCredentials(client_id, client_secret)) as client:
            print(client.exchanges.count(state="created"))
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        auth: httpx.Auth,
        transport: httpx.BaseTransport | None = None,
        event_hooks: EventHooks | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        self.generated_client = connect(
            base_url, auth=auth, transport=transport, event_hooks=event_hooks, **options
        )
        self.base_url = base_url
        self.auth = auth
        super().__init__(_Engine(self.generated_client))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self.auth!r})"

    def close(self) -> None:
        self.generated_client.get_httpx_client().close()

    def __enter__(self) -> DataSync:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncDataSync(AsyncResources):
    """The async :class:`DataSync`: the same resources, awaitable; ``async with`` it.

    Example::

        async with AsyncDataSync(auth=auth) as client:
            exchange = await client.exchanges.find(exchange_id)
            async for page in client.exchanges.list(page_size=100).pages(concurrency=4):
                print(page.number, len(page.items))
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        auth: httpx.Auth,
        transport: httpx.AsyncBaseTransport | None = None,
        event_hooks: EventHooks | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        self.generated_client = connect(
            base_url,
            auth=auth,
            async_transport=transport,
            async_event_hooks=event_hooks,
            **options,
        )
        self.base_url = base_url
        self.auth = auth
        super().__init__(_AsyncEngine(self.generated_client))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self.auth!r})"

    async def aclose(self) -> None:
        await self.generated_client.get_async_httpx_client().aclose()

    async def __aenter__(self) -> AsyncDataSync:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
