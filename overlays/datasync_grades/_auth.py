"""Authentication for the Grades Exchange API: ``httpx.Auth`` flows for both of its schemes.

``ClientCredentials`` does the OAuth2 client-credentials grant against DataSync's token
endpoint: the first request fetches a token, later requests reuse it until shortly before it
expires, and a 401 from the API fetches a new one and retries that request once. All threads
together make one token request at a time, and so do all tasks of an event loop; one object may
serve a sync and an async client at once, sharing its token.
``BearerToken`` sends an LTI JWT (or any bearer token) that the caller already has.

Example::

    import httpx
    from datasync_grades import BearerToken, ClientCredentials

    auth = ClientCredentials(client_id, client_secret)
    with httpx.Client(auth=auth) as client:                  # or httpx.AsyncClient(auth=auth)
        client.get("https://api.us2.kimonocloud.com/v2/grades/exchanges")

    lti = BearerToken(lambda: session["lti_jwt"])            # asked for the token per request

Why not a library: authlib's ``OAuth2Client`` for httpx would be the candidate, but it refreshes
without single flight (concurrent threads or tasks on an expired token each fetch one), does not
share one cache between a sync and an async client, and brings a large dependency for one form
POST. The grant itself is small; the concurrency is what needs care, and it is all here.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import ipaddress
import logging
import math
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote_plus

import httpx

from ._exceptions import TokenError

__all__ = ["DEFAULT_TOKEN_URL", "BearerToken", "ClientCredentials"]

DEFAULT_TOKEN_URL: Final = "https://api.us2.kimonocloud.com/oauth/token"

AuthMethod = Literal["client_secret_post", "client_secret_basic"]
TokenProvider = Callable[[], str | Awaitable[str]]

_log = logging.getLogger("datasync_grades")

_TOKEN_TIMEOUT: Final = httpx.Timeout(10.0)
# A token is fetched every few minutes at most, long after the server dropped an idle
# connection; keeping none alive also means a private client that is never closed holds no socket.
_TOKEN_LIMITS: Final = httpx.Limits(max_keepalive_connections=0)
_BODY_EXCERPT: Final = 300
# The token request must not go through an auth an injected client may carry (e.g. this one).
_NO_AUTH: Final = httpx.Auth()


@dataclass(frozen=True, slots=True)
class _Token:
    header: str = field(repr=False)  # "Bearer <access token>"
    refresh_at: float | None  # clock reading from which the token counts as stale; None: until 401

    def is_fresh(self, now: float) -> bool:
        return self.refresh_at is None or now < self.refresh_at


@dataclass(slots=True)
class _LoopState:
    """What the async flow keeps per event loop: asyncio objects must not cross loops."""

    lock: asyncio.Lock
    client: httpx.AsyncClient | None = None


class ClientCredentials(httpx.Auth):
    """OAuth2 client-credentials auth, cached and refreshed, safe for threads and tasks.

    ``auth_method`` is how the client authenticates to the token endpoint: in the form body
    (``client_secret_post``, what DataSync expects) or with HTTP Basic (``client_secret_basic``).
    A token is refreshed ``refresh_skew`` seconds before ``expires_in`` runs out (at most half its
    lifetime early); one without ``expires_in`` is kept until the API answers 401. Token requests
    use a private client with a 10 s timeout unless ``token_client`` / ``async_token_client`` are
    given. ``clock`` must be monotonic and return seconds.

    Raises ``TokenError`` when the token endpoint does not issue a token, and ``ValueError`` at
    construction for a ``token_url`` that is not https (plain http is allowed on loopback only).
    """

    requires_request_body = True  # the request is sent again after a 401

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        token_url: str = DEFAULT_TOKEN_URL,
        scope: str | Sequence[str] | None = None,
        auth_method: AuthMethod = "client_secret_post",
        refresh_skew: float = 30.0,
        token_client: httpx.Client | None = None,
        async_token_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("ClientCredentials needs a non-empty client_id and client_secret")
        if auth_method not in ("client_secret_post", "client_secret_basic"):
            raise ValueError(
                "auth_method must be 'client_secret_post' or 'client_secret_basic', "
                f"got {auth_method!r}"
            )
        if not (refresh_skew >= 0 and math.isfinite(refresh_skew)):
            raise ValueError(f"refresh_skew must be a finite number >= 0, got {refresh_skew!r}")
        self.client_id = client_id
        self.token_url = _check_token_url(token_url)
        self.scope = scope if scope is None or isinstance(scope, str) else " ".join(scope)
        self.auth_method: AuthMethod = auth_method
        self.refresh_skew = float(refresh_skew)
        self._client_secret = client_secret
        self._token_client = token_client
        self._async_token_client = async_token_client
        self._clock = clock

        # Replaced whole, never mutated, so reading it needs no lock.
        self._token: _Token | None = None
        # Held only for a few bytecodes (never across I/O), so the async flow may take it too.
        self._state_lock = threading.Lock()
        # Single flight for sync callers; held across the token request.
        self._fetch_lock = threading.Lock()
        self._default_client: httpx.Client | None = None
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        scope = "" if self.scope is None else f", scope={self.scope!r}"
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, token_url={self.token_url!r}"
            f"{scope}, auth_method={self.auth_method!r})"
        )

    # -- httpx.Auth ---------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.read()
        token = self._sync_token()
        request.headers["Authorization"] = token.header
        response = yield request
        if response.status_code == 401:
            self._discard(token)
            request.headers["Authorization"] = self._sync_token().header
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        token = await self._async_token()
        request.headers["Authorization"] = token.header
        response = yield request
        if response.status_code == 401:
            self._discard(token)
            request.headers["Authorization"] = (await self._async_token()).header
            yield request

    # -- the cache ----------------------------------------------------------------------------

    def _cached(self) -> _Token | None:
        token = self._token
        return token if token is not None and token.is_fresh(self._clock()) else None

    def _discard(self, used: _Token) -> None:
        # Only the token that got the 401: when N requests fail with it at once, the first one
        # fetches a new token and the others find it, instead of each throwing the last away.
        _log.debug("the API answered 401; fetching a new token and retrying once")
        with self._state_lock:
            if self._token is used:
                self._token = None

    def _sync_token(self) -> _Token:
        token = self._cached()
        if token is not None:
            return token
        with self._fetch_lock:
            token = self._cached()
            if token is None:
                token = self._token = self._fetch_sync()
            return token

    async def _async_token(self) -> _Token:
        token = self._cached()
        if token is not None:
            return token
        state = self._loop_state()
        async with state.lock:
            token = self._cached()
            if token is None:
                token = self._token = await self._fetch_async(state)
            return token

    def _loop_state(self) -> _LoopState:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "ClientCredentials' async flow needs a running asyncio event loop"
            ) from None
        with self._state_lock:
            state = self._loops.get(loop)
            if state is None:
                state = self._loops[loop] = _LoopState(asyncio.Lock())
            return state

    # -- the token request --------------------------------------------------------------------

    def _fetch_sync(self) -> _Token:
        client = self._token_client
        if client is None:
            if self._default_client is None:  # under _fetch_lock: created once
                self._default_client = httpx.Client(timeout=_TOKEN_TIMEOUT, limits=_TOKEN_LIMITS)
            client = self._default_client
        data, headers = self._token_request()
        issued_at = self._clock()
        try:
            response = client.post(self.token_url, data=data, headers=headers, auth=_NO_AUTH)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        return self._parse(response, issued_at)

    async def _fetch_async(self, state: _LoopState) -> _Token:
        client = self._async_token_client
        if client is None:
            if state.client is None:  # under state.lock: created once per loop
                # Building an SSL context reads the CA bundle from disk: keep it off the loop.
                state.client = await asyncio.to_thread(
                    httpx.AsyncClient, timeout=_TOKEN_TIMEOUT, limits=_TOKEN_LIMITS
                )
            client = state.client
        data, headers = self._token_request()
        issued_at = self._clock()
        try:
            response = await client.post(self.token_url, data=data, headers=headers, auth=_NO_AUTH)
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        return self._parse(response, issued_at)

    def _token_request(self) -> tuple[dict[str, str], dict[str, str]]:
        _log.debug("fetching an OAuth2 token from %s", self.token_url)
        data = {"grant_type": "client_credentials"}
        if self.scope is not None:
            data["scope"] = self.scope
        headers = {"Accept": "application/json"}
        if self.auth_method == "client_secret_post":
            data["client_id"] = self.client_id
            data["client_secret"] = self._client_secret
        else:
            # RFC 6749 2.3.1: form-urlencode both before joining them for Basic.
            pair = f"{quote_plus(self.client_id)}:{quote_plus(self._client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return data, headers

    def _unreachable(self, exc: httpx.HTTPError) -> TokenError:
        return TokenError(
            self._redact(
                f"could not reach the token endpoint {self.token_url}: {type(exc).__name__}: {exc}"
            )
        )

    def _parse(self, response: httpx.Response, issued_at: float) -> _Token:
        status = response.status_code
        where = f"the token endpoint {self.token_url} answered HTTP {status}"
        try:
            payload: Any = response.json()
        except (ValueError, RecursionError):  # also not UTF-8, or nested past the limit
            content_type = response.headers.get("content-type", "no content type")
            raise TokenError(
                f"{where} with a body that is not JSON ({content_type}); "
                "expected an OAuth2 token response",
                response=response,
                # A 2xx body could hold a token; an error page is worth a look.
                body=None if response.is_success else self._redact(response.text[:_BODY_EXCERPT]),
            ) from None
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, str):
            description = payload.get("error_description")
            description = description if isinstance(description, str) else None
            raise TokenError(
                self._redact(f"{where}: {error}" + (f": {description}" if description else "")),
                response=response,
                body=payload,
                error=error,
                error_description=description,
            )
        if not response.is_success:
            raise TokenError(f"{where} without an OAuth2 error", response=response, body=payload)
        access_token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise TokenError(f"{where} without an access_token", response=response)

        expires_in = _seconds(payload.get("expires_in"))
        if expires_in is None:
            _log.debug("the token has no usable expires_in: keeping it until the API answers 401")
            refresh_at = None
        else:
            _log.debug("the token expires in %d s", expires_in)
            refresh_at = issued_at + expires_in - min(self.refresh_skew, expires_in / 2)
        return _Token(f"Bearer {access_token}", refresh_at)

    def _redact(self, text: str) -> str:
        return text.replace(self._client_secret, "***")


class BearerToken(httpx.Auth):
    """A bearer token the caller has, e.g. the LTI JWT: ``Authorization: Bearer <token>``.

    Give the token itself, or a provider: a callable, sync or async, asked for the current token
    on every request (cache inside it if making one is costly). With a provider a 401 asks it
    once more and, if it returns a different token, retries the request once with it. A fixed
    token's 401 is returned as is. An async provider works with ``httpx.AsyncClient`` only.
    """

    def __init__(self, token_or_provider: str | TokenProvider) -> None:
        if isinstance(token_or_provider, str):
            if not token_or_provider:
                raise ValueError("BearerToken needs a non-empty token")
            self._token: str | None = token_or_provider
            self._provider: TokenProvider | None = None
        elif callable(token_or_provider):
            self._token = None
            self._provider = token_or_provider
        else:
            raise TypeError(
                "BearerToken takes a token (str) or a callable that returns one, "
                f"got {type(token_or_provider).__name__}"
            )
        # Only a provider can lead to a retry, which needs the body again.
        self.requires_request_body = self._provider is not None

    def __repr__(self) -> str:
        if self._provider is None:
            return f"{type(self).__name__}(token='***')"
        name = getattr(self._provider, "__qualname__", type(self._provider).__qualname__)
        return f"{type(self).__name__}(provider={name})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if self._provider is None:
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request
            return
        request.read()
        token = self._sync_provide()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            renewed = self._sync_provide()
            if renewed != token:
                request.headers["Authorization"] = f"Bearer {renewed}"
                yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._provider is None:
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request
            return
        await request.aread()
        token = await self._async_provide()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            renewed = await self._async_provide()
            if renewed != token:
                request.headers["Authorization"] = f"Bearer {renewed}"
                yield request

    def _sync_provide(self) -> str:
        assert self._provider is not None
        result = self._provider()
        if inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()  # never awaited on purpose: no "never awaited" warning
            raise TypeError(
                "BearerToken's token provider is async, which only an httpx.AsyncClient can "
                "await: use an async client, or give a sync provider"
            )
        return _checked(result)

    async def _async_provide(self) -> str:
        assert self._provider is not None
        result = self._provider()
        if inspect.isawaitable(result):
            result = await result
        return _checked(result)


def _checked(token: object) -> str:
    if not isinstance(token, str) or not token:
        raise TypeError(
            f"BearerToken's token provider must return a non-empty str, got {type(token).__name__}"
        )
    return token


def _seconds(value: object) -> float | None:
    """``expires_in`` as seconds, or None when absent or unusable (then: kept until a 401)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _check_token_url(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"token_url is not a valid URL: {exc}") from None
    if parsed.userinfo:
        raise ValueError("token_url must not carry credentials: pass client_id and client_secret")
    if not parsed.host:
        raise ValueError(f"token_url must be an absolute URL, got {url!r}")
    if parsed.scheme == "https" or (parsed.scheme == "http" and _is_loopback(parsed.host)):
        return url
    raise ValueError(
        f"token_url must use https, got {url!r}: the client secret is sent to it "
        "(plain http is allowed only for loopback hosts: 127.0.0.0/8, ::1, localhost)"
    )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
