"""``connect()``: the generated client, configured for production use.

What ``connect()`` adds to a bare generated ``AuthenticatedClient``:

- the ``auth`` it is given (an ``httpx.Auth``: token fetching and refresh live there);
- explicit timeouts (the generated default is "never");
- retries (:mod:`datasync_grades._retry`), in the transport, below the auth flow;
- typed errors: every non-2xx final response raises its ``APIStatusError`` subclass,
  every transport failure ``APIConnectionError``/``APITimeoutError``, and a 2xx body
  labelled JSON that does not decode raises ``ResponseValidationError`` — for every
  generated endpoint, with no code per endpoint;
- a ``User-Agent`` and a log line per request (:mod:`datasync_grades._logging`).

Errors are raised from ``send()`` of private ``httpx.Client``/``httpx.AsyncClient``
subclasses, i.e. after httpx's auth flow has finished: the flow must still see a 401 to
refresh its token and retry once. (httpx calls response event hooks inside that flow, so
raising from a hook would cut it short.)

Nothing is global: each ``connect()`` builds its own httpx clients and transports.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import ssl
import sys
import time
import urllib.request
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

import httpx

from datasync_grades_api.client import AuthenticatedClient

from ._exceptions import (
    ResponseValidationError,
    connection_error_from,
    request_id_of,
    status_error_from_response,
)
from ._logging import configure_from_env, logger, redact_headers, redact_url
from ._redact import secrets_of
from ._retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
)
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "connect",
]

DEFAULT_BASE_URL = "https://api.us2.kimonocloud.com/v2/grades"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_TOTAL_TIMEOUT = 300.0
USER_AGENT = (
    f"datasync-grades/{__version__} httpx/{httpx.__version__} "
    f"python/{'.'.join(str(part) for part in sys.version_info[:3])}"
)

# httpx.Client ignores these when it is given a transport, so they go to the transports
# connect() builds (trust_env also to the clients).
_TRANSPORT_SETTINGS = frozenset(
    {"verify", "cert", "trust_env", "http1", "http2", "limits", "proxy"}
)
_NO_BODY_STATUSES = frozenset({204, 205, 304})

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
    headers: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    event_hooks: EventHooks | None = None,
    async_event_hooks: EventHooks | None = None,
    **httpx_kwargs: Any,
) -> AuthenticatedClient:
    """A generated ``AuthenticatedClient``, ready for every endpoint, sync and async.

    Args:
        base_url: the API root, ``.../v2/grades``; the default is the us2 region.
        auth: an ``httpx.Auth``, e.g. ``ClientCredentials(client_id, client_secret)``.
        timeout: seconds or an ``httpx.Timeout``; default 30 s, 5 s to connect.
        total_timeout: seconds a call may take in all, its body included (httpx's timeouts
            bound each read, so a server that trickles a body would hold a call forever);
            ``None`` for no limit. Streamed responses (artifacts) are not bound by it.
        max_retries: retries after a retryable failure; 0 disables retries.
        max_retry_after: the longest ``Retry-After`` (seconds) the client waits out;
            above it the error (``RateLimitError.retry_after``) is raised at once.
        retry_policy: a full :class:`RetryPolicy`, instead of the two arguments above.
        headers: extra headers for every request (may override ``User-Agent``).
        transport, async_transport: the innermost transports (e.g. ``httpx.MockTransport``),
            used as given, with retries around them.
        event_hooks, async_event_hooks: httpx event hooks of the sync / async client
            (async hooks must be coroutine functions).
        **httpx_kwargs: passed to both httpx clients (``cookies``, ``follow_redirects``,
            ...); ``verify``, ``cert``, ``limits``, ``proxy``, ``http1``, ``http2`` and
            ``trust_env`` configure the transports ``connect()`` builds (not one you pass).
            Proxies from ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY`` are honoured as
            httpx does, also with retries.

    Example::

        client = connect(auth=ClientCredentials(client_id, client_secret), timeout=10.0)
        with client:
            exchange = find_exchange.sync(exchange_id, client=client)

    The generated ``with_headers()``/``with_timeout()``/``with_cookies()`` return a copy
    that builds plain httpx clients, without auth, retries or typed errors: make another
    ``connect()`` instead.
    """
    configure_from_env()
    if not isinstance(auth, httpx.Auth):
        raise TypeError(f"auth must be an httpx.Auth, got {type(auth).__name__}")
    if "mounts" in httpx_kwargs:
        raise TypeError("connect() does not take mounts; pass transport / async_transport")
    if retry_policy is None:
        retry_policy = RetryPolicy(max_retries=max_retries, max_retry_after=max_retry_after)
    elif max_retries != DEFAULT_MAX_RETRIES or max_retry_after != DEFAULT_MAX_RETRY_AFTER:
        raise TypeError("pass either retry_policy or max_retries/max_retry_after, not both")

    settings = {key: httpx_kwargs.pop(key) for key in _TRANSPORT_SETTINGS & httpx_kwargs.keys()}
    use_transport = getattr(auth, "_use_transport", None)
    if callable(use_transport):  # token requests go out with the same settings
        use_transport(settings)
    trust_env: bool = settings.get("trust_env", True)
    builder = _TransportBuilder(settings, retry_policy)
    timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    common: dict[str, Any] = {
        "base_url": base_url,
        "auth": auth,
        "timeout": timeout,
        "headers": all_headers,
        "trust_env": trust_env,
        **httpx_kwargs,
    }

    proxy = settings.get("proxy")
    env_proxies = _environment_proxies() if trust_env and proxy is None else {}
    if transport is None:
        sync_transport: httpx.BaseTransport = builder.sync_transport(proxy)
        sync_mounts = builder.sync_mounts(env_proxies)
    else:
        sync_transport, sync_mounts = RetryTransport(transport, retry_policy), {}
    if async_transport is None:
        async_outer: httpx.AsyncBaseTransport = builder.async_transport(proxy)
        async_mounts = builder.async_mounts(env_proxies)
    else:
        async_outer, async_mounts = AsyncRetryTransport(async_transport, retry_policy), {}

    sync_client = _SyncClient(
        total_timeout=total_timeout,
        transport=sync_transport,
        mounts=sync_mounts,
        event_hooks=event_hooks,
        **common,
    )
    async_client = _AsyncClient(
        total_timeout=total_timeout,
        transport=async_outer,
        mounts=async_mounts,
        event_hooks=async_event_hooks,
        **common,
    )
    verify = settings.get("verify", True)
    client = AuthenticatedClient(
        base_url=base_url,
        token="",  # unused: the httpx clients below carry ``auth`` and never this token
        timeout=timeout,
        headers=all_headers,
        verify_ssl=verify if isinstance(verify, bool | str | ssl.SSLContext) else True,
        follow_redirects=bool(httpx_kwargs.get("follow_redirects", False)),
    )
    client.set_httpx_client(sync_client)
    client.set_async_httpx_client(async_client)
    return client


class _SyncClient(httpx.Client):
    """An ``httpx.Client`` whose ``send()`` raises the package's typed errors."""

    def __init__(self, *, total_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._total_timeout = total_timeout

    def _deadline(self, started: float) -> float | None:
        return None if self._total_timeout is None else started + self._total_timeout

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        return super().build_request(method, url, **_drop_empty_params(kwargs))

    def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = super().send(
                request, stream=True, auth=auth, follow_redirects=follow_redirects
            )
            if not stream:
                _read_by(response, self._deadline(started))
        except httpx.RequestError as exc:
            error = connection_error_from(exc, secrets=secrets_of(self.auth))  # redacts exc too
            _log_failure(request, exc, started)
            raise error from exc
        _log_response(response, started)
        if not response.is_success and stream:
            try:
                response.read()
            except httpx.HTTPError:
                pass  # the error is raised without its body
            finally:
                response.close()
        _check(response, stream, self.auth)
        return response


class _AsyncClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose ``send()`` raises the package's typed errors."""

    def __init__(self, *, total_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._total_timeout = total_timeout

    def _deadline(self, started: float) -> float | None:
        return None if self._total_timeout is None else started + self._total_timeout

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        return super().build_request(method, url, **_drop_empty_params(kwargs))

    async def send(
        self,
        request: httpx.Request,
        *,
        stream: bool = False,
        auth: Any = httpx.USE_CLIENT_DEFAULT,
        follow_redirects: Any = httpx.USE_CLIENT_DEFAULT,
    ) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await super().send(
                request, stream=True, auth=auth, follow_redirects=follow_redirects
            )
            if not stream:
                await _aread_by(response, self._deadline(started))
        except httpx.RequestError as exc:
            error = connection_error_from(exc, secrets=secrets_of(self.auth))  # redacts exc too
            _log_failure(request, exc, started)
            raise error from exc
        _log_response(response, started)
        if not response.is_success and stream:
            try:
                await response.aread()
            except httpx.HTTPError:
                pass  # the error is raised without its body
            finally:
                await response.aclose()
        _check(response, stream, self.auth)
        return response


# The body is read here rather than by httpx (the clients always send with stream=True) so
# that a deadline can cover it: httpx's read timeout restarts with every chunk.
def _read_by(response: httpx.Response, deadline: float | None) -> None:
    if deadline is not None:
        response.stream = _SyncDeadlineStream(response, deadline)
    try:
        response.read()
    except BaseException:
        response.close()
        raise


async def _aread_by(response: httpx.Response, deadline: float | None) -> None:
    if deadline is not None:
        response.stream = _AsyncDeadlineStream(response, deadline)
    try:
        await response.aread()
    except BaseException:
        await response.aclose()
        raise


def _past(response: httpx.Response) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        "the response body did not arrive within total_timeout", request=response.request
    )


class _SyncDeadlineStream(httpx.SyncByteStream):
    def __init__(self, response: httpx.Response, deadline: float) -> None:
        self._inner = response.stream
        self._response = response
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._inner, httpx.SyncByteStream)
        for chunk in self._inner:
            if time.perf_counter() > self._deadline:
                raise _past(self._response)
            yield chunk

    def close(self) -> None:
        assert isinstance(self._inner, httpx.SyncByteStream)
        self._inner.close()


class _AsyncDeadlineStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, deadline: float) -> None:
        self._inner = response.stream
        self._response = response
        self._deadline = deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._inner, httpx.AsyncByteStream)
        async for chunk in self._inner:
            if time.perf_counter() > self._deadline:
                raise _past(self._response)
            yield chunk

    async def aclose(self) -> None:
        assert isinstance(self._inner, httpx.AsyncByteStream)
        await self._inner.aclose()


def _drop_empty_params(kwargs: dict[str, Any]) -> dict[str, Any]:
    # Every generated _get_kwargs passes params={} (also to operations without query
    # parameters), and httpx then rebuilds and re-checks the URL: ~17 us a call, measured by
    # bench/ target 1. The generator cannot be told otherwise, so the empty dict goes here.
    if "params" in kwargs and not kwargs["params"]:
        del kwargs["params"]
    return kwargs


def _check(response: httpx.Response, stream: bool, auth: httpx.Auth | None = None) -> None:
    """Raise for a non-2xx response, or for a 2xx body labelled JSON that is not JSON."""
    if not response.is_success:
        raise status_error_from_response(response, secrets=secrets_of(auth))
    if stream or response.status_code in _NO_BODY_STATUSES or response.request.method == "HEAD":
        return
    content_type = response.headers.get("content-type")
    if content_type is None or not _is_json_media_type(content_type):
        return
    try:
        document = json.loads(response.content)
    except ValueError as exc:
        request = response.request
        raise ResponseValidationError(
            f"{request.method} {redact_url(request.url)} -> {response.status_code}: "
            f"the body is labelled {content_type} but is not valid JSON ({exc}): "
            f"{response.content[:200]!r}",
            response=response,
        ) from exc
    # The generated code calls response.json() next: hand it this parse instead of a second.
    response.__dict__["json"] = _ParsedOnce(response, document)


class _ParsedOnce:
    """Stands in for ``response.json`` for one call: returns the document parsed while
    validating, then removes itself, so later calls parse afresh as httpx does (and a
    caller mutating the result never sees it again)."""

    __slots__ = ("_document", "_response")

    def __init__(self, response: httpx.Response, document: Any) -> None:
        self._response = weakref.ref(response)
        self._document = document

    def __call__(self, **kwargs: Any) -> Any:
        response = self._response()
        if response is None:  # pragma: no cover - the bound response is always alive here
            return self._document
        response.__dict__.pop("json", None)
        return response.json(**kwargs) if kwargs else self._document


@functools.lru_cache(maxsize=64)  # a per-call cost, and the API sends a handful of types
def _is_json_media_type(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _log_response(response: httpx.Response, started: float) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    request = response.request
    request_id = request_id_of(response.headers)
    logger.info(
        "%s %s -> %d %s in %.1f ms%s",
        request.method,
        redact_url(request.url),
        response.status_code,
        response.reason_phrase,
        (time.perf_counter() - started) * 1000,
        f" (request id {request_id})" if request_id else "",
    )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("request headers: %s", redact_headers(request.headers))
        logger.debug("response headers: %s", redact_headers(response.headers))


def _log_failure(request: httpx.Request, exc: httpx.RequestError, started: float) -> None:
    logger.info(
        "%s %s failed after %.1f ms: %s: %s",
        request.method,
        redact_url(request.url),
        (time.perf_counter() - started) * 1000,
        type(exc).__name__,
        exc,
    )


class _TransportBuilder:
    """Builds the retry-wrapped default transports of one ``connect()`` call."""

    def __init__(self, settings: Mapping[str, Any], policy: RetryPolicy) -> None:
        self._policy = policy
        self._options: dict[str, Any] = {
            key: settings[key] for key in ("http1", "http2", "limits") if key in settings
        }
        self._settings = settings
        self._ssl_context: ssl.SSLContext | None = None

    def _transport_options(self) -> dict[str, Any]:
        # One SSL context for every transport of this client: building one loads the CA
        # bundle, which costs milliseconds.
        if self._ssl_context is None:
            verify = self._settings.get("verify", True)
            self._ssl_context = (
                verify
                if isinstance(verify, ssl.SSLContext)
                else httpx.create_ssl_context(
                    verify=verify,
                    cert=self._settings.get("cert"),
                    trust_env=self._settings.get("trust_env", True),
                )
            )
        return {"verify": self._ssl_context, **self._options}

    def sync_transport(self, proxy: Any = None) -> httpx.BaseTransport:
        inner = httpx.HTTPTransport(proxy=proxy, **self._transport_options())
        return RetryTransport(inner, self._policy)

    def async_transport(self, proxy: Any = None) -> httpx.AsyncBaseTransport:
        inner = httpx.AsyncHTTPTransport(proxy=proxy, **self._transport_options())
        return AsyncRetryTransport(inner, self._policy)

    def sync_mounts(
        self, proxies: Mapping[str, str | None]
    ) -> dict[str, httpx.BaseTransport | None]:
        return {
            pattern: None if proxy is None else self.sync_transport(proxy)
            for pattern, proxy in proxies.items()
        }

    def async_mounts(
        self, proxies: Mapping[str, str | None]
    ) -> dict[str, httpx.AsyncBaseTransport | None]:
        return {
            pattern: None if proxy is None else self.async_transport(proxy)
            for pattern, proxy in proxies.items()
        }


def _environment_proxies() -> dict[str, str | None]:
    """Proxy mounts from the environment, by httpx's rules (``get_environment_proxies``).

    httpx reads the environment only when it builds its own transport; connect() always
    passes one (the retry transport), so it reads the environment itself. A pattern mapped
    to None goes direct (``NO_PROXY``).
    """
    info = urllib.request.getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        proxy = info.get(scheme)
        if proxy:
            mounts[f"{scheme}://"] = proxy if "://" in proxy else f"http://{proxy}"
    for host in (part.strip() for part in info.get("no", "").split(",")):
        if host == "*":
            return {}
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
        elif _ip_version(host) == 4 or host.lower() == "localhost":
            mounts[f"all://{host}"] = None
        elif _ip_version(host) == 6:
            mounts[f"all://[{host}]"] = None
        else:
            mounts[f"all://*{host}"] = None
    return mounts


def _ip_version(host: str) -> int | None:
    try:
        return ipaddress.ip_address(host.split("/")[0]).version
    except ValueError:
        return None
