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

from ._artifacts import Artifact, AsyncArtifact
from ._auth import ClientCredentials
from ._client import (
    DEFAULT_BASE_URL,
    AsyncSender,
    ClientOptions,
    EventHooks,
    Sender,
    SyncSender,
    run_sync,
)
from ._exceptions import ResponseValidationError, request_id_of
from ._http import httpx
from ._logging import redact_url
from ._pagination import AsyncListPager, ListPager, items_of
from ._parsing import checked_count, operation_name, parse
from ._upload import apush

__all__ = ["AsyncDataSync", "ClientOptions", "DataSync"]

T = TypeVar("T")


class _Engine:
    """What the generated resources call (``self._engine.call(...)``), one engine for both
    clients: each operation is written once as a coroutine, run to its end for a sync client
    (its steps never suspend) and handed to the async resource to await. The resources' own
    signatures type what users see; the keywords here are theirs. A ``raw`` engine (the
    ``with_raw_response`` resources') hands out each answer as a :class:`RawResponse`."""

    def __init__(self, sender: SyncSender | AsyncSender, raw: bool = False) -> None:
        self.sender, self.raw_answers = sender, raw
        self.is_async = sender.is_async

    def raw(self) -> _Engine:
        return _Engine(self.sender, raw=True)

    def _drive(self, coroutine: Coroutine[Any, Any, T]) -> Any:
        return coroutine if self.is_async else run_sync(coroutine)

    def call(
        self,
        endpoint: ModuleType,
        params: dict[str, Any],
        kind: str,
        expect: Any,
        options: Any,
        **more: Any,
    ) -> Any:
        """Operation ``endpoint`` of ``kind`` (see tools/codegen.py; or ``push`` or ``snapshot``,
        the methods of ``x-chunked-upload`` and ``x-terminal-states``): a lazy pager or
        artifact, or its payload (``expect``: the type it must have; an artifact's media type)."""
        sender = self.sender.for_call(options)
        if kind == "file":
            artifact = AsyncArtifact(sender, endpoint, params, expect)
            return artifact if self.is_async else Artifact(artifact)
        if kind == "list" and not self.raw_answers:
            pager = AsyncListPager if self.is_async else ListPager
            return pager(endpoint, sender, params, **more)
        if kind == "push":  # ``expect``: the model of a chunk's body
            return self._drive(apush(sender, endpoint, params, body=expect, **more))
        if kind == "snapshot":
            return self._drive(_snapshot(sender, endpoint, params, **more))
        return self._drive(self._answer(sender, endpoint, params, kind, expect))

    async def _answer(
        self, sender: Sender, endpoint: ModuleType, params: dict[str, Any], kind: str, expect: Any
    ) -> Any:
        started = time.monotonic()
        response = await sender.request(endpoint._get_kwargs(**params))  # non-2xx raised
        elapsed = time.monotonic() - started

        def payload() -> Any:
            if kind == "empty":
                return None
            body = parse(endpoint, response, sender.redactor)
            if kind == "list":  # a raw list's: the page ``params["page"]``
                number = params.get("page") or 0
                return Page(number, items_of(body), body, request_id_of(response.headers))
            found = body if kind == "whole" else getattr(body, "data", None)
            if expect is int:
                return checked_count(endpoint, found)
            if isinstance(found, expect) or (found is None and kind == "optional"):
                return found
            name = operation_name(endpoint)
            raise ResponseValidationError(f"{name}: the response carries no {expect.__name__}")

        if not self.raw_answers:
            return payload()
        request_id = request_id_of(response.headers)  # (only here and on a page: it costs)
        return RawResponse(response.status_code, response.headers, request_id, elapsed, payload)


async def _snapshot(
    sender: Sender,
    endpoint: ModuleType,
    params: dict[str, Any],
    field: str,
    values: list[Any],
    max_items: int | None,
    **more: Any,
) -> list[Any]:
    """``waiting()`` and ``finished()``: the items listed at each of ``values`` of ``field``,
    every page read first, deduplicated by id, at most ``max_items``."""
    found: dict[object, Any] = {}
    for value in values:
        left = None if max_items is None else max_items - len(found)
        filters = {**params, field: value}
        pager = ListPager[Any](endpoint, sender, filters, max_items=left, **more)
        async for page in pager._one_by_one():
            for listed in page.items:
                # Known by its id; one without (None, or Unset: false) is like no other.
                found.setdefault(getattr(listed, "id", None) or object(), listed)
    return list(found.values())


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
        self._sender.http.close()

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
        await self._sender.http.aclose()

    async def __aenter__(self) -> AsyncDataSync:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
