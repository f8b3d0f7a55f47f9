"""The one send path: every request of the package (API calls, pages, artifacts, data chunks,
token requests) goes through :meth:`Sender._flow`, which owns every guarantee.

It builds the request from a generated ``_get_kwargs`` (the URL parsed once), applies auth,
keeps ``total_timeout`` from the first byte to the last, reads the raw body and decodes it
itself under one budget (identity and gzip; any other ``Content-Encoding`` is refused),
retries, follows same-origin redirects only, and turns every failure into a typed
``DataSyncError``. The flow is written once, as a coroutine whose every I/O is one
``await self._step(...)``: :class:`AsyncSender`'s steps are awaited under the event loop, and
:class:`SyncSender`'s run at once and never suspend, so one ``send(None)`` runs the coroutine to
its end without a loop (the async half written once, the sync half driven as httpcore's is
generated).

The deadline: a sync client's own transports get a network backend whose every read, write
and connect is cut at the deadline (a per-read timeout alone lets a server trickle forever);
an async client runs each step under ``asyncio.timeout``. A transport the caller passes in
(``transport=``) is the caller's: a sync one is bounded by its own timeouts only.

Example::

    sender = SyncSender.open(
        httpx.Client, base_url, auth=auth, transport=None, event_hooks=None, options={}
    )
    response = run_sync(sender.request(find_exchange._get_kwargs(exchange_id)))
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import ipaddress
import logging
import ssl
import time
from collections.abc import AsyncGenerator, Callable, Coroutine, Generator, Iterable, Mapping
from typing import Any, ClassVar, Final, Self, TypedDict, TypeVar, cast

import attrs

from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ArtifactError,
    DataSyncError,
    connection_error,
    request_id_of,
    status_error,
    validation_error,
)
from ._gzip_stream import MAX_GZIP_LAYERS, BodyDecoder, gzip_layers
from ._http import LIBRARY, httpcore, httpx, refuse_foreign
from ._logging import configure_from_env, logger, redact_url
from ._redact import Redactor
from ._retry import RetryPolicy
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "AsyncSender",
    "ClientOptions",
    "InvalidRequestError",
    "Sender",
    "SyncSender",
    "is_loopback",
    "iterate_sync",
    "json_values_within",
    "run_sync",
]

T = TypeVar("T")

DEFAULT_BASE_URL: Final = "https://api.us2.kimonocloud.com/v2/grades"
DEFAULT_TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)
DEFAULT_TOTAL_TIMEOUT: Final = 300.0
# A page of exchanges is some hundred KiB; an error body a few hundred bytes.
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024**2
DEFAULT_MAX_ERROR_BYTES: Final = 64 * 1024
# The values (items, keys' values, nested containers) one API answer may parse into: a page
# of 100 exchanges holds a few thousand. 3 bytes of JSON (``[],``) make a 64-byte object.
MAX_JSON_VALUES: Final = 1_000_000
MAX_REDIRECTS: Final = 5
_PIECE: Final = 64 * 1024  # the most the decoder inflates per zlib call
USER_AGENT: Final = f"datasync-grades/{__version__} {LIBRARY}/{httpx.__version__}"

# The deadline (time.monotonic()) of the send under way in this context, for the network
# backend below; a token request made inside a send inherits it (threads copy the context).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "datasync_grades_deadline", default=None
)


class InvalidRequestError(DataSyncError, ValueError):
    """A request refused before anything is sent, e.g. a path id of ``..`` or with a ``/``."""


class _SendOptions(TypedDict, total=False):
    """The options of the send path, not of the httpx client (see :class:`ClientOptions`)."""

    total_timeout: float | None
    max_retries: int
    max_retry_after: float
    retry_policy: RetryPolicy | None
    max_response_bytes: int
    follow_redirects: bool


class ClientOptions(_SendOptions, total=False):
    """The settings of ``DataSync`` and ``AsyncDataSync``.

    ``timeout`` is per phase (seconds or ``httpx.Timeout``; default 30 s, 5 s to connect);
    ``total_timeout`` bounds a whole call, connecting, headers, body and retries included
    (``None``: no limit; a streamed artifact's body is bounded by its size cap instead);
    ``max_retries``/``max_retry_after`` or ``retry_policy``: see :class:`RetryPolicy`;
    ``max_response_bytes``: the largest body read into memory, on the wire and decoded;
    ``allow_insecure_http``: plain http to a host other than loopback; ``headers``: sent with
    every request; ``follow_redirects``: same-origin redirects only, whatever its value allows.
    The rest go to the httpx client as they are.
    """

    timeout: httpx.Timeout | float
    allow_insecure_http: bool
    headers: Mapping[str, str]
    verify: ssl.SSLContext | str | bool
    cert: str | tuple[str, str] | tuple[str, str, str]
    proxy: str | httpx.URL | httpx.Proxy | None
    trust_env: bool
    limits: httpx.Limits
    http1: bool
    http2: bool


EventHooks = Mapping[str, list[Callable[..., Any]]]
_CALL_OPTIONS: Final = {"timeout", "extra_headers", "extra_query", "extra_body"}
# The options :meth:`Sender.derive` takes: the send path's own, and the per-request headers.
_DERIVED: Final = _SendOptions.__optional_keys__ | {"headers"}


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``: where plain http is allowed."""
    try:
        return host.lower() == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def json_values_within(data: bytes | bytearray, limit: int) -> bool:
    """Whether ``data`` parses into at most ``limit`` JSON values: every value but the first
    follows a ``,``, ``[``, ``{`` or ``:`` (counted in strings too: an overestimate)."""
    # (a body of at most ``limit`` bytes cannot hold more: no byte counted)
    return len(data) <= limit or data.count(b",") + data.count(b"[") + data.count(b"{") <= limit


@attrs.define(kw_only=True, eq=False, repr=False)  # (a repr would show a secret header)
class Sender:
    """One httpx client and the options of the send path; see the module docstring."""

    http: httpx.Client | httpx.AsyncClient = attrs.field(kw_only=False)
    base_url: str = attrs.field(kw_only=False)
    auth: httpx.Auth | None
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT
    policy: RetryPolicy = attrs.Factory(RetryPolicy)
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    follow_redirects: bool = False
    raise_for_status: bool = True
    # The one redactor of this client: its messages, logs and errors (the auth's own).
    redactor: Redactor = attrs.Factory(lambda s: Redactor.for_auth(s.auth), takes_self=True)
    # Per-request options every request gets (timeout, extra_headers), a call's own on top.
    defaults: Mapping[str, Any] = attrs.Factory(dict)
    is_async: ClassVar[bool] = False  # (True: an AsyncSender, its steps awaited in a loop)

    def __attrs_post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")

    @classmethod
    def open(
        cls,
        http_class: type[httpx.Client] | type[httpx.AsyncClient],
        base_url: str,
        *,
        auth: httpx.Auth,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
        event_hooks: EventHooks | None,
        options: ClientOptions,
    ) -> Self:
        """A sender on a new plain ``http_class`` client configured from ``options``: those of
        the connection and ``timeout`` go to it, the others as :meth:`derive` takes them."""
        configure_from_env()
        # (the HTTP library switch, #28: an object of the library not selected is refused)
        refuse_foreign(auth=auth, transport=transport, **options)
        if not isinstance(auth, httpx.Auth):
            raise TypeError(f"auth must be an httpx.Auth, got {type(auth).__name__}")
        settings: dict[str, Any] = dict(options)
        derived = {k: settings.pop(k) for k in _DERIVED & settings.keys()}
        url, insecure = httpx.URL(base_url), settings.pop("allow_insecure_http", False)
        if url.scheme == "http" and not (insecure or is_loopback(url.host)):
            raise ValueError(
                f"base_url {redact_url(url)} is plain http: the token would travel in clear "
                "text; use https (http is allowed for loopback hosts, or with "
                "allow_insecure_http=True)"
            )
        if settings.get("verify", True) is False:
            _warn_unverified()
        if transport is not None:
            # httpx would mount a proxy over it: a transport of the caller's carries its own
            # network, so the proxy is for httpx's own transport only.
            settings.pop("proxy", None)
        # gzip only: the decoder below peels it with a bound (pages compress 10x); every other
        # coding is refused, so no server needs to send one.
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
        settings.setdefault("timeout", DEFAULT_TIMEOUT)
        # (cast: the subclass says which transport type it takes)
        http = cast(Any, http_class)(
            headers=headers, transport=transport, event_hooks=event_hooks, **settings
        )
        if transport is None:
            with_deadline(http)
        return cls(http, base_url, auth=auth).derive(derived)

    def derive(self, options: Mapping[str, Any]) -> Self:
        """This sender with some options changed, on the same httpx client (its pool) and auth
        (its token cache): what ``with_options`` builds on. ``timeout`` and ``headers`` become
        per-request defaults; options of the connection (``verify``, ``proxy``, ...) are refused."""
        own: dict[str, Any] = dict(options)
        renamed = {"timeout": "timeout", "headers": "extra_headers"}
        call = {renamed[k]: own.pop(k) for k in renamed.keys() & own.keys()}
        if foreign := own.keys() - _SendOptions.__optional_keys__:
            names = ", ".join(sorted(foreign))
            raise TypeError(f"with_options cannot change {names}: the connection pool's options")
        policy = own.pop("retry_policy", None)
        retries = {k: own.pop(k) for k in ("max_retries", "max_retry_after") if k in own}
        if policy is not None and retries:
            raise TypeError("pass either retry_policy or max_retries/max_retry_after, not both")
        policy = policy or attrs.evolve(self.policy, **retries)
        return attrs.evolve(self.for_call(call), policy=policy, **own)

    def for_call(self, options: Mapping[str, Any]) -> Self:
        """This sender with per-request ``options`` (``timeout``, ``extra_headers``,
        ``extra_query``, ``extra_body``) over its own: every request of one call gets them."""
        if not options:
            return self
        if unknown := options.keys() - _CALL_OPTIONS:  # what **options took from a typo
            raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
        refuse_foreign(**options)  # (the HTTP library switch, #28)
        merged = dict(self.defaults)
        for name, value in options.items():  # (the three extra_* are merged, key by key)
            merged[name] = value if name == "timeout" else {**merged.get(name, {}), **value}
        if any(name.lower() == "authorization" for name in merged.get("extra_headers", {})):
            raise InvalidRequestError("extra_headers may not set Authorization: auth= does")
        return attrs.evolve(self, defaults=merged)

    # -- building -----------------------------------------------------------------------------

    def build(self, kwargs: Mapping[str, Any]) -> httpx.Request:
        """The request for a generated ``_get_kwargs`` answer: the base URL, path and query
        parsed once into one ``httpx.URL`` (httpx's own merge would parse them again), with
        this sender's per-request options (see :meth:`for_call`)."""
        options = self.defaults
        method, path = str(kwargs.get("method", "get")).upper(), str(kwargs.get("url", ""))
        for name, key in (("extra_headers", "headers"), ("extra_query", "params")):
            if name in options:
                kwargs = {**kwargs, key: {**(kwargs.get(key) or {}), **options[name]}}
        if "extra_body" in options:
            # An optional body left out is an empty object: extra_body fills it.
            body = kwargs.get("json", {} if method in ("POST", "PUT", "PATCH") else None)
            if not isinstance(body, dict):
                raise InvalidRequestError("extra_body: this operation sends no JSON object")
            kwargs = {**kwargs, "json": {**body, **options["extra_body"]}}
        # httpx would remove dot segments: list_errors("..") would list something else.
        if any(part in (".", "..") or "%2f" in part.lower() for part in path.split("/")):
            raise InvalidRequestError(f"{path!r}: a path id may not be '.' or '..' or hold a '/'")
        params = kwargs.get("params") or None  # httpx would validate an empty one again
        url = httpx.URL(self.base_url + path, params=params)
        rest = {k: v for k, v in kwargs.items() if k not in ("method", "url", "params")}
        if "timeout" in options:
            rest["timeout"] = options["timeout"]
        return self.http.build_request(method, url, **rest)

    # -- the flow -----------------------------------------------------------------------------

    async def _step(self, what: str, arg: Any, deadline: float | None) -> Any:
        """Run one step of I/O of the flow: at once under a sync sender (it never suspends),
        under ``asyncio.timeout`` of the deadline under an async one."""
        done: Any
        if what == "send":
            done = self.http.send(arg, auth=self.auth, stream=True, follow_redirects=False)
        elif what == "next":
            done = anext(arg, None) if self.is_async else next(arg, None)
        elif what == "close":
            done = arg.aclose() if self.is_async else arg.close()
        else:
            done = (self.policy.async_sleep if self.is_async else self.policy.sleep)(arg)
        if not self.is_async:
            return done
        left = None if deadline is None or what == "close" else deadline - time.monotonic()
        async with asyncio.timeout(left):
            return await done

    async def offload(self, fn: Callable[..., object], *args: Any) -> None:
        """Run blocking ``fn`` (an fsync): at once under a sync sender; under an async one in a
        worker thread, and a cancellation waits until it returns, then raises (a thread cannot
        be stopped: the file must not be closed and removed under its feet)."""
        if not self.is_async:
            fn(*args)
            return
        task = asyncio.ensure_future(asyncio.to_thread(fn, *args))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            while not task.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([task])
            if not task.cancelled():
                task.exception()  # retrieved: the cancellation is what the caller sees
            raise

    async def request(self, kwargs: Mapping[str, Any], stream: bool = False) -> httpx.Response:
        """The send path as a coroutine, for code written once for both clients: awaited under
        an async sender; under a sync one it never suspends (drive it with :func:`run_sync`)."""
        # When this send must end: its own total_timeout or the enclosing send's.
        own = None if self.total_timeout is None else time.monotonic() + self.total_timeout
        outer = _DEADLINE.get()
        deadline = own if outer is None else outer if own is None else min(own, outer)
        reset = _DEADLINE.set(deadline)  # for the network backend, and a token request
        try:
            return await self._flow(self.build(kwargs), stream, deadline)
        finally:
            _DEADLINE.reset(reset)

    async def _flow(
        self, request: httpx.Request, stream: bool, deadline: float | None
    ) -> httpx.Response:
        """The send path, written once: ``_step`` does the I/O (sync steps never suspend)."""
        started = time.monotonic()
        attempt = redirects = 0
        while True:
            try:
                outcome = await self._step("send", request, deadline)  # a response, or:
            except (httpx.RequestError, TimeoutError, RuntimeError, MemoryError) as exc:
                # The RuntimeErrors of ours (not retried): the client is closed, or the loop an
                # async client's connections belonged to has ended. RecursionError is one too.
                if type(exc) is RuntimeError and "closed" not in str(exc):
                    raise
                outcome = exc
            else:
                # A redirect to the same origin only (join("/"): scheme, host and port, as httpx
                # normalizes them): neither grade data nor a token ever goes to another one.
                following = outcome.next_request if self.follow_redirects else None
                if following is not None:
                    same = following.url.join("/") == request.url.join("/")
                    if same and redirects < MAX_REDIRECTS:
                        await self._step("close", outcome, deadline)
                        request, redirects = following, redirects + 1
                        continue
                    logger.warning(
                        "not following the redirect of %s %s to %s: another origin, or too many",
                        request.method,
                        self.redactor.url(request.url),
                        self.redactor.url(following.url),
                    )
            if (wait := self._wait(request, outcome, deadline, attempt)) is None:
                break
            if isinstance(outcome, httpx.Response):
                await self._step("close", outcome, deadline)
            await self._step("sleep", wait, deadline)
            attempt += 1
        if not isinstance(outcome, httpx.Response):
            # Raised outside the except block: no httpx exception as its context.
            raise self._failure(request, outcome, started, deadline)
        response: httpx.Response = outcome
        if logger.isEnabledFor(logging.INFO):
            request_id = request_id_of(response.headers)
            logger.info(
                "%s %s -> %d %s in %.1f ms%s",
                request.method,
                self.redactor.url(request.url),
                response.status_code,
                self.redactor.excerpt(response.reason_phrase),
                (time.monotonic() - started) * 1000,
                f" (request id {self.redactor.excerpt(request_id)})" if request_id else "",
            )
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("request headers: %s", self.redactor.headers(response.request.headers))
                logger.debug("response headers: %s", self.redactor.headers(response.headers))
        if stream and response.is_success:
            return response
        limit = self.max_response_bytes if response.is_success else DEFAULT_MAX_ERROR_BYTES
        data, problem = bytearray(), None
        # A piece past the cap (pieces are at most _PIECE): an oversize 2xx body raises, an
        # error body is cut there (what was read is kept). The message names the request: the
        # decoder's source need not (no URL redacted for every answer).
        body = self.body(response, deadline, started, max_bytes=limit + _PIECE, source="body")
        try:
            async with contextlib.aclosing(body):
                async for piece in body:
                    data += piece
                    if len(data) > limit:
                        problem = f"the body is larger than max_response_bytes ({limit})"
                        break
        except (ArtifactError, MemoryError) as exc:  # another coding, corrupt or oversize gzip
            problem = f"the body could not be read: {str(exc) or type(exc).__name__}"
        is_json = "json" in response.headers.get("content-type", "")
        if not problem and is_json and not json_values_within(data, MAX_JSON_VALUES):
            problem = f"the body holds more than {MAX_JSON_VALUES} JSON values"
        if problem and response.is_success:  # (a 2xx: e.g. a data chunk that was stored)
            url = self.redactor.url(request.url)
            message = f"{request.method} {url} -> {response.status_code}: {problem}"
            raise validation_error(message, response, self.redactor)
        response._content = bytes(data[:limit])
        if response.is_success or not self.raise_for_status:
            return response
        error = status_error(response, self.redactor, cut=problem is not None)
        if problem and data:  # what was read of it is kept (none of a refused coding)
            error.args = (f"{error.args[0]} (body cut at {limit} bytes)",)
        raise error

    async def body(
        self,
        response: httpx.Response | Mapping[str, Any],
        deadline: float | None = None,
        started: float | None = None,
        *,
        max_bytes: int,
        chunk_size: int = _PIECE,
        kind: str | None = None,
        source: str | None = None,
    ) -> AsyncGenerator[bytes, None]:
        """The decoded body of a response the send path returned (or of the request that
        generated ``_get_kwargs`` make, sent first: a non-2xx raised) in pieces of at most
        ``chunk_size``, as it comes within ``deadline``; the response is closed on leaving.
        The one decoder of bodies: answers (``request``) and streamed artifacts alike.

        ``Content-Encoding`` says which gzip layers to peel; for an artifact (``kind``: its
        plain format, "JSON" or "CSV"), gzip is also found by its magic bytes. Any other
        coding, or a corrupt or oversize body: ``ArtifactError``; the answer lost:
        ``APIConnectionError``/``APITimeoutError``.

        Example::

            async for piece in sender.body(response, max_bytes=2**20): ...
        """
        if not isinstance(response, httpx.Response):
            response = await self.request(response, True)
        request = response.request
        source = source or f"{request.method} {self.redactor.url(request.url)}"
        error: Exception | None = None
        try:
            # None if read already (built in memory, e.g. by httpx.MockTransport: decoded then)
            layers = 0 if response.is_stream_consumed else gzip_layers(response.headers, source)
            if layers:  # decoded here: httpx must not again (a pop of none raises inside httpx)
                del response.headers["content-encoding"]
            decoder = BodyDecoder(
                kind=kind or "body",
                max_bytes=max_bytes,
                chunk_size=chunk_size,
                max_gzip_layers=layers if kind is None else MAX_GZIP_LAYERS,
                source=source,
            )
            if response.is_stream_consumed:
                for piece in decoder.feed(response.content):
                    yield piece
            else:
                # (no chunk size: iter_raw(n) would hold bytes back until n came)
                chunks = response.aiter_raw() if self.is_async else response.iter_raw()
                while (chunk := await self._step("next", chunks, deadline)) is not None:
                    if deadline is not None and time.monotonic() > deadline:
                        raise TimeoutError  # (a transport of the caller's may trickle)
                    for piece in decoder.feed(chunk):
                        yield piece
            for piece in decoder.finish():
                yield piece
        except (httpx.RequestError, TimeoutError) as exc:
            error = self._failure(request, exc, started or time.monotonic(), deadline)
        except (MemoryError, RecursionError) as exc:  # (zlib's)
            error = ArtifactError(f"{source}: could not be read: {type(exc).__name__}")
        finally:
            await self._step("close", response, deadline)
        if error is not None:
            raise error  # outside the except block: no httpx exception as its context

    def _wait(
        self, request: httpx.Request, outcome: Any, deadline: float | None, attempt: int
    ) -> float | None:
        """The policy's wait before the next try after ``outcome`` (an answer, or the exception
        that came instead), or None: no retry, or not before the deadline."""
        # (a TimeoutError is the deadline itself: no wait ends before it)
        response, exc = (outcome, None) if isinstance(outcome, httpx.Response) else (None, outcome)
        wait = self.policy.next_wait(request, response=response, exc=exc, attempt=attempt)
        if wait is not None and deadline is not None and time.monotonic() + wait > deadline:
            logger.info(
                "not retrying %s %s: total_timeout would pass",
                request.method,
                self.redactor.url(request.url),
            )
            return None
        return wait

    def _failure(
        self, request: httpx.Request, exc: Exception, started: float, deadline: float | None
    ) -> Exception:
        """The typed error for ``exc``; raise it outside the ``except`` that caught ``exc``."""
        url = self.redactor.url(request.url)
        where, fields = f"{request.method} {url}", {"method": request.method, "url": url}
        # A sync read cut at the deadline (see _Cut) is httpx's timeout: say which it was.
        past = deadline is not None and time.monotonic() >= deadline
        if isinstance(exc, TimeoutError) or (past and isinstance(exc, httpx.TimeoutException)):
            error: Exception = APITimeoutError(
                f"{where} timed out: total_timeout passed", cause_type=type(exc).__name__, **fields
            )
        elif isinstance(exc, httpx.RequestError):
            error = connection_error(exc, self.redactor, **fields)
        else:  # MemoryError, RecursionError, or the RuntimeError of a closed client or loop
            name, said = type(exc).__name__, str(exc).lower() or type(exc).__name__
            if "event loop" in said:  # the loop this client's connections belonged to ended
                said += ": make one async client per event loop"
            error = APIConnectionError(f"{where} failed: {said}", cause_type=name, **fields)
        logger.info("%s (after %.1f ms)", error, (time.monotonic() - started) * 1000)
        return error


class SyncSender(Sender):
    """A sender on an ``httpx.Client``: drive its coroutines with :func:`run_sync`."""

    http: httpx.Client


class AsyncSender(Sender):
    """A sender on an ``httpx.AsyncClient``: its coroutines are awaited."""

    http: httpx.AsyncClient
    is_async = True


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine written once for both clients, under a sync sender: its steps never
    suspend, so one ``send(None)`` runs it to its end, without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return cast(T, done.value)
    coro.close()
    raise AssertionError("unreachable: a sync step suspended")  # pragma: no cover


def iterate_sync(items: AsyncGenerator[T, None]) -> Generator[T, None, None]:
    """Iterate an async generator written once for both clients, under a sync sender (see
    :func:`run_sync`); leaving early closes it."""
    try:
        while True:
            try:
                yield run_sync(items.__anext__())
            except StopAsyncIteration:
                return
    finally:
        with contextlib.suppress(RuntimeError):  # (already running: it ends by itself)
            run_sync(items.aclose())


@functools.cache  # once per process
def _warn_unverified() -> None:
    logger.warning(
        "verify=False: TLS certificates are not checked; anyone on the path can "
        "read and change the traffic, tokens and grades included"
    )


# -- the deadline in a sync client's own transports ---------------------------------------


def with_deadline(http: Any) -> Any:
    """``http`` (an ``httpx.Client``) with its own transports, proxies included, cut at the
    deadline of the send under way; a transport the caller gave, and async clients, as they are."""
    for transport in (http._transport, *http._mounts.values()):
        pool = getattr(transport, "_pool", None)
        if isinstance(transport, httpx.HTTPTransport) and pool is not None:
            pool._network_backend = _Cut(pool._network_backend)
    return http


def _left(timeout: float | None, timed_out: type[Exception]) -> float | None:
    if (deadline := _DEADLINE.get()) is None:
        return timeout
    if (left := deadline - time.monotonic()) <= 0:
        raise timed_out("total_timeout passed")
    return left if timeout is None or left < timeout else timeout


class _Cut(httpcore.NetworkBackend, httpcore.NetworkStream):
    """An httpcore network backend, or one of its streams, whose every wait is cut at the
    deadline of the send under way (a sync read cannot be cancelled: it is given what is
    left); the streams it opens are cut too. The client's own transports open no Unix
    sockets; ``sleep`` is the base class's."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Cut(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return cast(bytes, self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout)))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _left(timeout, httpcore.ConnectTimeout)
        return _Cut(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
