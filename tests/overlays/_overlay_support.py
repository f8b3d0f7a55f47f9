"""Fixtures and helpers shared by the overlay tests (tests import the helpers from here;
pytest gets the fixtures through conftest.py, which re-exports them)."""

from __future__ import annotations

import inspect
import json
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from _loopback import LoopbackServer

from datasync_grades._client import run_sync
from datasync_grades._http import httpx


@dataclass
class ScriptedReply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # read the request, then never answer


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


class ScriptedServer(LoopbackServer):
    """A real HTTP/1.1 server on 127.0.0.1 that answers from a script, in order.

    ``reply()`` queues answers; ``requests`` records what arrived. A request with no
    scripted answer gets ``418 unscripted request``.

    Example::

        scripted_server.reply(503)
        scripted_server.reply(200, json={"data": None})
        ...
        assert len(scripted_server.requests) == 2
    """

    def __init__(self) -> None:
        self._script: deque[ScriptedReply] = deque()
        self._lock = threading.Lock()
        self.requests: list[ReceivedRequest] = []
        self.release = threading.Event()  # ends every hanging answer
        super().__init__(_handler_for(self))

    def reply(
        self,
        status: int = 200,
        *,
        json: Any = None,
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
        hang: bool = False,
    ) -> None:
        all_headers = dict(headers or {})
        if json is not None:
            body = _json_dumps(json)
            all_headers.setdefault("Content-Type", "application/json")
        raw = body.encode() if isinstance(body, str) else body
        with self._lock:
            self._script.append(ScriptedReply(status, raw, all_headers, hang))

    def _next(self, request: ReceivedRequest) -> ScriptedReply:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.popleft()
        return ScriptedReply(418, b"unscripted request", {"Content-Type": "text/plain"})

    def stop(self) -> None:
        self.release.set()
        super().stop()


def _json_dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            received = ReceivedRequest(
                self.command,
                self.path,
                {name.lower(): value for name, value in self.headers.items()},
                body,
            )
            reply = server._next(received)
            if reply.hang:
                server.release.wait(timeout=30)
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A :class:`ScriptedServer` running for the test."""
    server = ScriptedServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class RecordedSleeps:
    """Stands in for ``time.sleep`` and ``asyncio.sleep`` in a RetryPolicy: records, never waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def policy(self, **fields: Any) -> Any:
        from datasync_grades._retry import RetryPolicy

        return RetryPolicy(sleep=self, async_sleep=self.asleep, **fields)


@pytest.fixture
def recorded_sleeps() -> RecordedSleeps:
    """Waits a retry policy would have slept, without sleeping (see ``RecordedSleeps.policy``)."""
    return RecordedSleeps()


class StaticBearer(httpx.Auth):
    """An auth that sends a fixed secret token; on a 401 it "refreshes" once, like the real ones."""

    def __init__(self, token: str = "s3cr3t-token-value") -> None:
        self.token = token
        self.refreshes = 0

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        response = yield request
        if response.status_code == 401:
            self.refreshes += 1
            request.headers["Authorization"] = f"Bearer {self.token}-refreshed"
            yield request


@pytest.fixture
def static_bearer() -> StaticBearer:
    """A ``StaticBearer`` (token ``s3cr3t-token-value``); ``make_scripted_client``'s auth."""
    return StaticBearer()


@pytest.fixture
async def make_scripted_client(
    scripted_server: ScriptedServer, recorded_sleeps: RecordedSleeps, static_bearer: StaticBearer
) -> AsyncIterator[Callable[..., Any]]:
    """``make(**options)``: a :class:`ClientPair` on ``scripted_server`` with ``static_bearer``
    and recorded sleeps (unless overridden); every client made is closed afterwards."""
    made: list[ClientPair] = []

    def make(**kwargs: Any) -> ClientPair:
        kwargs.setdefault("auth", static_bearer)
        if "max_retries" not in kwargs and "max_retry_after" not in kwargs:
            kwargs.setdefault("retry_policy", recorded_sleeps.policy())
        pair = ClientPair(kwargs.pop("base_url", scripted_server.url), **kwargs)
        made.append(pair)
        return pair

    yield make
    for pair in made:
        pair.sync.close()
        await pair.aio.aclose()


class ClientPair:
    """A ``DataSync`` and an ``AsyncDataSync`` with the same options, for tests that send
    requests of their own through the client's send path (``SyncOrAsync.request``/``detailed``)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        from datasync_grades import AsyncDataSync, DataSync

        self.sync = DataSync(base_url, **kwargs)
        self.aio = AsyncDataSync(base_url, **kwargs)

    async def __aenter__(self) -> ClientPair:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.sync.close()
        await self.aio.aclose()


@pytest.fixture
async def make_scripted_datasync(
    scripted_server: ScriptedServer,
    recorded_sleeps: RecordedSleeps,
    static_bearer: StaticBearer,
    sync_or_async: SyncOrAsync,
) -> AsyncIterator[Callable[..., Any]]:
    """``make(**options)``: a ``DataSync`` (or, in the async mode of ``sync_or_async``, an
    ``AsyncDataSync``) on ``scripted_server``, like ``make_scripted_client``; closed afterwards."""
    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("auth", static_bearer)
        if "max_retries" not in kwargs and "max_retry_after" not in kwargs:
            kwargs.setdefault("retry_policy", recorded_sleeps.policy())
        client = sync_or_async.datasync(kwargs.pop("base_url", scripted_server.url), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        await sync_or_async.close(client)


class SyncOrAsync:
    """Runs the same call through the sync or the async half of a client.

    For the typed client: ``datasync(...)`` builds a ``DataSync`` or an ``AsyncDataSync``,
    ``await call(client.exchanges.find(id))`` gives the result either way, and
    ``await items(pager)`` every item of a list.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def datasync(self, base_url: str, **kwargs: Any) -> Any:
        """``DataSync(base_url, **kwargs)``, or ``AsyncDataSync`` in the async mode."""
        from datasync_grades import AsyncDataSync, DataSync

        cls = DataSync if self.mode == "sync" else AsyncDataSync
        return cls(base_url, **kwargs)

    async def call(self, result: Any) -> Any:
        """A method's result: awaited when the async client gave an awaitable."""
        return await result if inspect.isawaitable(result) else result

    async def items(self, pager: Any) -> list[Any]:
        """Every item of a pager, sync or async."""
        if self.mode == "sync":
            return list(pager)
        return [item async for item in pager]

    async def close(self, client: Any) -> None:
        """Closes a ``DataSync`` or an ``AsyncDataSync``."""
        if self.mode == "sync":
            client.close()
        else:
            await client.aclose()

    async def detailed(self, endpoint: Any, *args: Any, client: ClientPair, **kwargs: Any) -> Any:
        """The generated ``Response`` of ``endpoint`` (status, headers, parsed body), sent
        through the client's send path of that mode."""
        from datasync_grades._parsing import _PARSING

        response = await self.request(client, **endpoint._get_kwargs(*args, **kwargs))
        return endpoint._build_response(client=_PARSING, response=response)

    async def request(
        self, client: ClientPair, method: str, url: str, **kwargs: Any
    ) -> httpx.Response:
        """A request through the client's send path of that mode (``url`` under base_url)."""
        request = {"method": method, "url": url, **kwargs}
        if self.mode == "sync":
            return run_sync(client.sync._sender.request(request))
        return await client.aio._sender.request(request)

    def __repr__(self) -> str:
        return self.mode


@pytest.fixture(params=["sync", "async"])
def sync_or_async(request: pytest.FixtureRequest) -> SyncOrAsync:
    """Parametrizes a test over the sync and the async client."""
    return SyncOrAsync(request.param)
