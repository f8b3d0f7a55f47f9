"""``connect()``: the generated client with auth, timeouts, retries, bounded bodies, typed errors.

Errors and retries live in ``send()`` of private ``httpx.Client``/``httpx.AsyncClient``
subclasses (one sans-IO flow, ``_exchange``, that each drives), above httpx's auth flow
(which must still see a 401 to refresh its token) and above its transport (which httpx
builds itself, with proxies, ``NO_PROXY`` and TLS as usual).

Example::

    client = connect(auth=ClientCredentials(client_id, client_secret))
    exchange = find_exchange.sync(exchange_id, client=client)
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from typing import Any, NamedTuple

import httpx

# Client's and AsyncClient's common base (private, but both have derived from it since httpx
# 0.18; the pinned version is what the tests run): __init__ and build_request are shared there.
from httpx._client import BaseClient

from datasync_grades_api.client import AuthenticatedClient

from ._auth import _is_loopback
from ._exceptions import (
    APIConnectionError,
    ArtifactError,
    ResponseValidationError,
    connection_error,
    request_id_of,
    status_error,
)
from ._gzip_stream import BodyDecoder, raw_gzip_layers
from ._logging import configure_from_env, logger, redact_url
from ._redact import Redactor
from ._retry import DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_AFTER, RetryPolicy
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_ERROR_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "USER_AGENT",
    "connect",
]

DEFAULT_BASE_URL = "https://api.us2.kimonocloud.com/v2/grades"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_TOTAL_TIMEOUT = 300.0
# A page of exchanges is some hundred KiB; an error body a few hundred bytes.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024**2
DEFAULT_MAX_ERROR_BYTES = 64 * 1024
USER_AGENT = f"datasync-grades/{__version__} httpx/{httpx.__version__}"

_READ_SIZE = 64 * 1024

EventHooks = Mapping[str, list[Callable[..., Any]]]


def connect(
    base_url: str = DEFAULT_BASE_URL,
    *,
    auth: httpx.Auth,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
    retry_policy: RetryPolicy | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    allow_insecure_http: bool = False,
    headers: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    event_hooks: EventHooks | None = None,
    async_event_hooks: EventHooks | None = None,
    **httpx_kwargs: Any,
) -> AuthenticatedClient:
    """A generated ``AuthenticatedClient`` whose httpx clients add this package's behaviour.

    Args:
        base_url: the API root, ``.../v2/grades``; the default is the us2 region. Plain http
            is refused for hosts other than loopback unless ``allow_insecure_http``.
        auth: an ``httpx.Auth``, e.g. ``ClientCredentials(client_id, client_secret)``.
        timeout: seconds or an ``httpx.Timeout``; default 30 s, 5 s to connect.
        total_timeout: seconds a call may take in all, body and retries included; ``None``
            for no limit. A streamed artifact's body is bounded by its size cap instead.
        max_retries, max_retry_after, retry_policy: see :class:`RetryPolicy`.
        max_response_bytes: the largest body (after decompression) read into memory; a larger
            one raises ``ResponseValidationError`` after reading no more than that.
        headers: extra headers for every request.
        transport, async_transport, event_hooks, async_event_hooks, **httpx_kwargs: given to
            the httpx clients as they are (``verify``, ``cert``, ``proxy``, ``limits``,
            ``mounts``, ...); ``verify``, ``cert``, ``proxy`` and ``trust_env`` also reach
            the token requests of ``ClientCredentials``.
    """
    configure_from_env()
    if not isinstance(auth, httpx.Auth):
        raise TypeError(f"auth must be an httpx.Auth, got {type(auth).__name__}")
    if retry_policy is None:
        retry_policy = RetryPolicy(max_retries=max_retries, max_retry_after=max_retry_after)
    elif max_retries != DEFAULT_MAX_RETRIES or max_retry_after != DEFAULT_MAX_RETRY_AFTER:
        raise TypeError("pass either retry_policy or max_retries/max_retry_after, not both")
    _check_base_url(base_url, allow_insecure_http)
    if httpx_kwargs.get("verify", True) is False:
        _warn_unverified()
    use_transport = getattr(auth, "_use_transport", None)
    if use_transport is not None:
        use_transport(httpx_kwargs)  # it takes verify, cert, trust_env and proxy
    timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    all_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **(headers or {})}
    limits = _Limits(retry_policy, total_timeout, max_response_bytes, Redactor.for_auth(auth))
    common: dict[str, Any] = {
        "base_url": base_url,
        "auth": auth,
        "timeout": timeout,
        "headers": all_headers,
        **httpx_kwargs,
    }
    client = AuthenticatedClient(base_url=base_url, token="", timeout=timeout)
    client.set_httpx_client(
        _SyncClient(limits, event_hooks=event_hooks, **_with_transport(common, transport))
    )
    client.set_async_httpx_client(
        _AsyncClient(
            limits, event_hooks=async_event_hooks, **_with_transport(common, async_transport)
        )
    )
    return client


def _with_transport(common: dict[str, Any], transport: object) -> dict[str, Any]:
    # httpx mounts a proxy over a transport it is given: a transport of the caller's carries
    # its own network, so the proxy is for httpx's own transport only.
    if transport is None:
        return common
    return {**{k: v for k, v in common.items() if k != "proxy"}, "transport": transport}


def _check_base_url(base_url: str, allow_insecure_http: bool) -> None:
    url = httpx.URL(base_url)
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise ValueError(
            f"base_url {redact_url(url)} is plain http: the token would travel in clear text; "
            "use https (http is allowed for loopback hosts, or with allow_insecure_http=True)"
        )


@functools.cache  # once per process
def _warn_unverified() -> None:
    logger.warning(
        "verify=False: TLS certificates are not checked; anyone on the path can "
        "read and change the traffic, tokens and grades included"
    )


class _Limits(NamedTuple):
    """What one connect() call's two clients share: retries, deadline, size cap, redactor."""

    policy: RetryPolicy
    total: float | None
    max_bytes: int
    redactor: Redactor


def _exchange(
    limits: _Limits,
    request: httpx.Request,
    stream: bool,
    io: _SyncClient | _AsyncClient,
    send: Callable[..., Any],
    kwargs: dict[str, Any],
) -> Generator[Any, Any, httpx.Response]:
    """``send()`` written once: the retry loop, the bounded body read, the typed error.

    Each ``yield`` is one step of I/O, and gives back its outcome (or raises its error) where
    it stands. The sync client's steps have run when they are yielded, and ``_run`` hands
    their results back; the async client's are awaitables, which ``_arun`` awaits: one logic
    for both, as httpx drives its auth flows.
    """
    started = time.monotonic()
    deadline = None if limits.total is None else started + limits.total
    attempt = 0
    failure: Exception | None = None
    while True:
        try:
            response: httpx.Response = yield send(request, stream=True, **kwargs)
        except (httpx.RequestError, RuntimeError) as exc:
            # The one RuntimeError of ours: the loop an async client's connections belonged to
            # has ended (its pool is unusable: not retried).
            if isinstance(exc, RuntimeError) and "Event loop is closed" not in str(exc):
                raise
            if (wait := _wait(limits, request, deadline, attempt, exc=exc)) is None:
                failure = _failure(limits, request, exc, started)
                break
        else:
            if (wait := _wait(limits, request, deadline, attempt, response=response)) is None:
                break
            yield io._close(response)
        yield io._sleep(wait)
        attempt += 1
    if failure is not None:  # raised outside the except: the httpx error is not chained
        raise failure
    _log_response(response, started, limits.redactor)
    if stream and response.is_success:
        return response
    reader = _BodyReader(response, limits.max_bytes, deadline)
    # No chunk size: iter_raw(n) holds bytes back until n came, out of the deadline's sight.
    next_chunk = io._chunks(response, reader.raw)
    try:
        while (chunk := (yield next_chunk())) is not None:
            if not reader.feed(chunk):
                break
    except httpx.RequestError as exc:
        failure = _failure(limits, request, exc, started)
    finally:
        yield io._close(response)
    if failure is not None:
        raise failure
    reader.finish()
    if response.is_success:
        return response
    error = status_error(response, limits.redactor, cut=reader.truncated)
    if reader.truncated:
        error.args = (f"{error.args[0]} (body cut at {reader.max_bytes} bytes)",)
    raise error


def _wait(
    limits: _Limits,
    request: httpx.Request,
    deadline: float | None,
    attempt: int,
    response: httpx.Response | None = None,
    exc: Exception | None = None,
) -> float | None:
    """The policy's wait before the next try, or None: no retry, or not before the deadline."""
    wait = limits.policy.next_wait(request, response=response, exc=exc, attempt=attempt)
    if wait is not None and deadline is not None and time.monotonic() + wait > deadline:
        logger.info(
            "not retrying %s %s: total_timeout would pass", request.method, redact_url(request.url)
        )
        return None
    return wait


def _run(flow: Generator[Any, Any, httpx.Response]) -> httpx.Response:
    try:
        step = next(flow)
        while True:
            step = flow.send(step)  # the step has run: its outcome is its value
    except StopIteration as done:
        response: httpx.Response = done.value
        return response


async def _arun(flow: Generator[Any, Any, httpx.Response]) -> httpx.Response:
    try:
        step = next(flow)
        while True:
            try:
                outcome, failed = await step, None
            except BaseException as exc:  # raised in the flow, where it asked for the step
                failed = exc
            # Thrown outside the except: what the flow raises instead does not chain it.
            step = flow.send(outcome) if failed is None else flow.throw(failed)
    except StopIteration as done:
        response: httpx.Response = done.value
        return response


def _failure(
    limits: _Limits, request: httpx.Request, exc: httpx.RequestError | RuntimeError, started: float
) -> Exception:
    if isinstance(exc, RuntimeError):  # the loop this client's connections belonged to ended
        url = limits.redactor.url(request.url)
        error: Exception = APIConnectionError(
            f"{request.method} {url} failed: this async client was used "
            "under an event loop that has since closed; make one client per event loop",
            method=request.method,
            url=url,
            cause_type=type(exc).__name__,
        )
    else:
        error = connection_error(exc, limits.redactor)
    logger.info("%s (after %.1f ms)", error, (time.monotonic() - started) * 1000)
    return error


class _BodyReader:
    """Collects a body from raw chunks: gzip peeled with a bound, size and deadline checked."""

    def __init__(self, response: httpx.Response, max_bytes: int, deadline: float | None) -> None:
        self.response = response
        self.error = not response.is_success
        self.max_bytes = DEFAULT_MAX_ERROR_BYTES if self.error else max_bytes
        self.deadline = deadline
        self.truncated = False
        self._data = bytearray()
        gzip_layers = raw_gzip_layers(response)
        self.raw = gzip_layers is not None
        self._decoder = (
            BodyDecoder(
                kind="body",
                accept=lambda _: True,
                # A piece past the cap: _take reports an oversize body, or cuts an error body.
                max_bytes=self.max_bytes + _READ_SIZE,
                chunk_size=_READ_SIZE,
                max_gzip_layers=gzip_layers or 0,
                source=f"{response.request.method} {redact_url(response.request.url)}",
            )
            if gzip_layers
            else None
        )

    def feed(self, chunk: bytes) -> bool:
        """Take one chunk; False once enough is read (an error body cut)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise httpx.ReadTimeout(
                "the response body did not arrive within total_timeout",
                request=self.response.request,
            )
        return self._take(self._decoder.feed(chunk) if self._decoder is not None else (chunk,))

    def finish(self) -> None:
        if self._decoder is not None and not self.truncated:
            self._take(self._decoder.finish())
        if self.raw:
            # The body is decoded here: httpx must not decode it again.
            self.response.headers.pop("content-encoding", None)
        self.response._content = bytes(self._data)

    def _take(self, pieces: Iterable[bytes]) -> bool:
        try:
            for piece in pieces:
                room = self.max_bytes - len(self._data)
                self._data += piece[:room]
                if len(piece) > room:
                    return self._stop(
                        f"the body is larger than max_response_bytes ({self.max_bytes}); "
                        "stopped reading"
                    )
        except ArtifactError as exc:  # corrupt or truncated gzip
            return self._stop(f"the body could not be decoded: {exc}", exc)
        return True

    def _stop(self, problem: str, cause: ArtifactError | None = None) -> bool:
        """An error body keeps what was read (False: read no more); a 2xx one raises."""
        if self.error:
            self.truncated = True
            return False
        request, url = self.response.request, redact_url(self.response.request.url)
        raise ResponseValidationError(
            f"{request.method} {url} -> {self.response.status_code}: {problem}",
            status_code=self.response.status_code,  # a 2xx: e.g. a data chunk that was stored
            method=request.method,
            url=url,
        ) from cause


def _log_response(response: httpx.Response, started: float, redactor: Redactor) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    request = response.request
    request_id = request_id_of(response.headers)
    logger.info(
        "%s %s -> %d %s in %.1f ms%s",
        request.method,
        redact_url(request.url),
        response.status_code,
        redactor.excerpt(response.reason_phrase),
        (time.monotonic() - started) * 1000,
        f" (request id {redactor.excerpt(request_id)})" if request_id else "",
    )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("request headers: %s", redactor.headers(request.headers))
        logger.debug("response headers: %s", redactor.headers(response.headers))


def _drop_empty_params(kwargs: dict[str, Any]) -> dict[str, Any]:
    # Every generated _get_kwargs passes params={}, and httpx then rebuilds and re-checks the
    # URL: tens of us a call (bench/RESULTS.md, target 1). The generator cannot be told otherwise.
    if "params" in kwargs and not kwargs["params"]:
        del kwargs["params"]
    return kwargs


class _Overlay(BaseClient):
    """What the sync and async clients add alike; each adds its ``send()`` driver and the
    I/O steps ``_exchange`` yields."""

    # Positional-only: httpx's own ``limits`` may be among the kwargs.
    def __init__(self, limits: _Limits, /, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._limits = limits

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        return super().build_request(method, url, **_drop_empty_params(kwargs))


class _SyncClient(_Overlay, httpx.Client):
    def send(
        self, request: httpx.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        return _run(_exchange(self._limits, request, stream, self, super().send, kwargs))

    def _close(self, response: httpx.Response) -> None:
        response.close()

    def _sleep(self, wait: float) -> None:
        self._limits.policy.sleep(wait)

    def _chunks(self, response: httpx.Response, raw: bool) -> Callable[[], bytes | None]:
        chunks = response.iter_raw() if raw else response.iter_bytes()
        return lambda: next(chunks, None)


class _AsyncClient(_Overlay, httpx.AsyncClient):
    async def send(
        self, request: httpx.Request, *, stream: bool = False, **kwargs: Any
    ) -> httpx.Response:
        return await _arun(_exchange(self._limits, request, stream, self, super().send, kwargs))

    async def _close(self, response: httpx.Response) -> None:
        await response.aclose()

    async def _sleep(self, wait: float) -> None:
        await self._limits.policy.async_sleep(wait)

    def _chunks(self, response: httpx.Response, raw: bool) -> Callable[[], Awaitable[bytes | None]]:
        chunks = response.aiter_raw() if raw else response.aiter_bytes()
        return lambda: anext(chunks, None)
