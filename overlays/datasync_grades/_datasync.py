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

from collections.abc import Iterable
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TypeVar, Unpack, cast

from datasync_grades_api.api import AsyncEngine, AsyncResources, Engine, PushResult, Resources

from ._artifacts import Artifact, AsyncArtifact, _Request
from ._auth import ClientCredentials
from ._client import (
    DEFAULT_BASE_URL,
    AsyncSender,
    ClientOptions,
    EventHooks,
    SyncSender,
)
from ._exceptions import ResponseValidationError
from ._http import httpx
from ._logging import redact_url
from ._pagination import AsyncListPager, ListPager, _List
from ._parsing import acall, call, checked_count, operation_name
from ._upload import apush, push

__all__ = ["AsyncDataSync", "ClientOptions", "DataSync"]

T = TypeVar("T")
_Items = dict[str, Iterable[Any]]


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
    def __init__(self, client: SyncSender) -> None:
        self.client = client

    def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T:
        return _required(endpoint, self.optional(endpoint, params, expect), expect)

    def optional(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T | None:
        return _data(endpoint, call(endpoint, self.client, params), expect)

    def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None:
        self.client.send(endpoint._get_kwargs(**params))  # non-2xx raised

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
    def __init__(self, client: AsyncSender) -> None:
        self.client = client

    async def one(self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]) -> T:
        return _required(endpoint, await self.optional(endpoint, params, expect), expect)

    async def optional(
        self, endpoint: ModuleType, params: dict[str, Any], expect: type[T]
    ) -> T | None:
        return _data(endpoint, await acall(endpoint, self.client, params), expect)

    async def empty(self, endpoint: ModuleType, params: dict[str, Any]) -> None:
        await self.client.send(endpoint._get_kwargs(**params))

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
    """What DataSync and AsyncDataSync share beside their resources: one ``__init__``
    (``transport``: an ``httpx.BaseTransport`` for DataSync, an ``httpx.AsyncBaseTransport``
    for AsyncDataSync)."""

    _sender_class: type[SyncSender] | type[AsyncSender]
    _http_class: type[httpx.Client] | type[httpx.AsyncClient]
    _engine_class: type[_Engine] | type[_AsyncEngine]

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
        # The generated Resources (typed against Engine/AsyncEngine: see the end of the module).
        cast(Any, super()).__init__(self._engine_class(cast(Any, self._sender)))

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
    _engine_class = _Engine
    _sender: SyncSender

    def close(self) -> None:
        self._sender.close()

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

    _sender_class = AsyncSender
    _http_class = httpx.AsyncClient
    _engine_class = _AsyncEngine
    _sender: AsyncSender

    async def aclose(self) -> None:
        await self._sender.aclose()

    async def __aenter__(self) -> AsyncDataSync:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


if TYPE_CHECKING:  # mypy checks the engines against what the generated resources expect
    _ENGINES: tuple[type[Engine], type[AsyncEngine]] = (_Engine, _AsyncEngine)
