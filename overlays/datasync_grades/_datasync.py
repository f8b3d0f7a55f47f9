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
from typing import Any, TypedDict, TypeVar, Unpack

import httpx

from datasync_grades_api.api import AsyncResources, PushResult, Resources
from datasync_grades_api.client import AuthenticatedClient

from ._artifacts import Artifact, AsyncArtifact, _Request
from ._client import DEFAULT_BASE_URL, EventHooks, connect
from ._exceptions import ResponseValidationError
from ._logging import redact_url
from ._pagination import AsyncListPager, ListPager, _List
from ._parsing import acall, call, checked_count, operation_name
from ._retry import RetryPolicy
from ._upload import apush, push

__all__ = ["AsyncDataSync", "ClientOptions", "DataSync"]

T = TypeVar("T")
_Items = dict[str, Iterable[Any]]


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


def _data(endpoint: ModuleType, parsed: object, expect: type[T]) -> T | None:
    """The operation's payload: the parsed body itself, or the ``data`` it carries (None:
    it carries none)."""
    if isinstance(parsed, expect) and type(parsed) is not bool:
        if isinstance(parsed, int):
            checked_count(endpoint, parsed)
        return parsed
    data = getattr(parsed, "data", None)
    if data is None or isinstance(data, expect):
        return data
    raise _carries_no(endpoint, expect)


def _carries_no(endpoint: ModuleType, expect: type) -> ResponseValidationError:
    return ResponseValidationError(
        f"{operation_name(endpoint)}: the response carries no {expect.__name__}"
    )


def _required(endpoint: ModuleType, value: T | None, expect: type[T]) -> T:
    if value is None:
        raise _carries_no(endpoint, expect)
    return value


# ``options`` are the keywords the generated resources pass: the generated Engine protocols
# type them, and mypy checks these classes against those where DataSync hands its engine over.
class _Engine:
    def __init__(self, client: AuthenticatedClient) -> None:
        self.client = client

    def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T:
        return _required(endpoint, self.optional(endpoint, params, expect), expect)

    def optional(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T | None:
        return _data(endpoint, call(endpoint, self.client, params), expect)

    def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None:
        self.client.get_httpx_client().request(**endpoint._get_kwargs(**params))  # non-2xx raised

    def pager(
        self, endpoint: ModuleType, params: dict[str, Any], item: type[T], **options: Any
    ) -> ListPager[T]:
        return ListPager(_List(endpoint, self.client, params, **options))

    def artifact(self, endpoint: ModuleType, params: dict[str, Any], media_type: str) -> Artifact:
        return Artifact(_Request(self.client, endpoint, params, media_type))

    def push(
        self, endpoint: ModuleType, params: dict[str, Any], items: _Items, **options: Any
    ) -> PushResult:
        return push(self.client, endpoint, params, items=items, **options)


class _AsyncEngine:
    def __init__(self, client: AuthenticatedClient) -> None:
        self.client = client

    async def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T:
        return _required(endpoint, await self.optional(endpoint, params, expect), expect)

    async def optional(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> T | None:
        return _data(endpoint, await acall(endpoint, self.client, params), expect)

    async def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None:
        await self.client.get_async_httpx_client().request(**endpoint._get_kwargs(**params))

    def pager(
        self, endpoint: ModuleType, params: dict[str, Any], item: type[T], **options: Any
    ) -> AsyncListPager[T]:
        return AsyncListPager(_List(endpoint, self.client, params, **options))

    def artifact(
        self, endpoint: ModuleType, params: dict[str, Any], media_type: str
    ) -> AsyncArtifact:
        return AsyncArtifact(_Request(self.client, endpoint, params, media_type))

    async def push(
        self, endpoint: ModuleType, params: dict[str, Any], items: _Items, **options: Any
    ) -> PushResult:
        return await apush(self.client, endpoint, params, items=items, **options)


class _Client:
    """What DataSync and AsyncDataSync share beside their resources."""

    generated_client: AuthenticatedClient
    base_url: str
    auth: httpx.Auth

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={redact_url(self.base_url)!r}, auth={self.auth!r})"


class DataSync(_Client, Resources):
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


class AsyncDataSync(_Client, AsyncResources):
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
