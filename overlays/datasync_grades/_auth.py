"""Authentication for the Grades Exchange API: ``httpx.Auth`` flows for both of its schemes.

``ClientCredentials`` does the OAuth2 client-credentials grant against DataSync's token
endpoint: the first request fetches a token, later requests reuse it until shortly before it
expires, and a 401 from the API fetches a new one and retries that request once. All callers
together (threads, tasks, event loops) make one token request at a time; one object may serve
a sync and an async client at once, sharing its token. Tokens and the client secret never
appear in its errors (see ``_secrets()``, which the client redacts from its errors too).
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
import concurrent.futures
import contextlib
import inspect
import ipaddress
import logging
import math
import re
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import quote_plus

import httpx

from ._exceptions import TokenError, transport_detail
from ._redact import redact

__all__ = ["DEFAULT_TOKEN_URL", "BearerToken", "ClientCredentials"]

DEFAULT_TOKEN_URL: Final = "https://api.us2.kimonocloud.com/oauth/token"

AuthMethod = Literal["client_secret_post", "client_secret_basic"]
TokenProvider = Callable[[], str | Awaitable[str]]

_log = logging.getLogger("datasync_grades")

_TOKEN_TIMEOUT: Final = httpx.Timeout(10.0)
# A token is fetched every few minutes at most, long after the server dropped an idle
# connection; keeping none alive also means a private client that is never closed holds no socket.
_TOKEN_LIMITS: Final = httpx.Limits(max_keepalive_connections=0)
# What connect() may pass on to the private token clients (see _use_transport).
_TRANSPORT_KEYS: Final = ("verify", "cert", "trust_env", "proxy")
_BODY_EXCERPT: Final = 200
# Tokens kept for redaction after they were replaced: a late error may still quote one.
_RECENT_TOKENS: Final = 4
# The token request must not go through an auth an injected client may carry (e.g. this one).
_NO_AUTH: Final = httpx.Auth()
# What a token may hold once surrounding whitespace is stripped: printable ASCII, no space.
# (HTTP forbids controls in a header; httpx would refuse non-ASCII with the value in the error.)
_HEADER_SAFE: Final = re.compile(r"[\x21-\x7e]+")
_UNSAFE: Final = "a control character, a space or a non-ASCII character (the token is not shown)"


@dataclass(frozen=True, slots=True)
class _Token:
    value: str = field(repr=False)
    header: str = field(repr=False)  # "Bearer <value>"
    refresh_at: float | None  # clock reading from which the token counts as stale; None: until 401

    def is_fresh(self, now: float) -> bool:
        return self.refresh_at is None or now < self.refresh_at


class _Abandoned(Exception):
    """The fetch a caller waited for was cancelled or interrupted: it fetches one itself."""


@dataclass(frozen=True, slots=True)
class _Flight:
    """The one token request under way; every caller needing a token meanwhile waits for it.

    A ``concurrent.futures.Future`` so that threads block on it and tasks of any event loop
    await it (``asyncio.wrap_future``) without blocking their loop.
    """

    future: concurrent.futures.Future[_Token]
    loop: asyncio.AbstractEventLoop | None  # the fetching task's loop; None: a thread fetches


class ClientCredentials(httpx.Auth):
    """OAuth2 client-credentials auth, cached and refreshed, safe for threads, tasks and loops.

    ``auth_method`` is how the client authenticates to the token endpoint: in the form body
    (``client_secret_post``, what DataSync expects) or with HTTP Basic (``client_secret_basic``).
    A token is refreshed ``refresh_skew`` seconds before ``expires_in`` runs out (at most half its
    lifetime early); one without ``expires_in`` is kept until the API answers 401. Token requests
    use a private client with a 10 s timeout (and the transport settings ``connect()`` was given)
    unless ``token_client`` / ``async_token_client`` are given; they never follow redirects.
    ``clock`` must be monotonic and return seconds.

    One token request at a time in all: callers in any thread, task or event loop that need a
    token while one is being fetched wait for that one (and share its ``TokenError`` if it
    fails). The one exception: a sync request made inside a coroutine whose own loop is the
    one fetching fetches a token of its own, since waiting would block that loop for good.

    Raises ``TokenError`` when the token endpoint does not issue a usable token (an error, a
    redirect, no ``access_token``, or one with characters HTTP forbids in a header; surrounding
    whitespace is stripped), and ``ValueError`` at construction for a ``token_url`` that is not
    https (plain http is allowed on loopback only).
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
        # RFC 6749 2.3.1: form-urlencode both before joining them for Basic.
        pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
        self._basic = base64.b64encode(pair.encode()).decode("ascii")
        self._token_client = token_client
        self._async_token_client = async_token_client
        self._clock = clock
        self._transport: dict[str, Any] = {}

        # Replaced whole, never mutated, so reading them needs no lock.
        self._token: _Token | None = None
        self._recent: tuple[str, ...] = ()
        # Held only for a few bytecodes (never across I/O), so the async flow may take it too.
        self._state_lock = threading.Lock()
        self._flight: _Flight | None = None
        self._client_lock = threading.Lock()  # building the private sync client
        self._default_client: httpx.Client | None = None
        # asyncio objects must not cross loops: one private async client per loop.
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        scope = "" if self.scope is None else f", scope={self.scope!r}"
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, token_url={self.token_url!r}"
            f"{scope}, auth_method={self.auth_method!r})"
        )

    def _secrets(self) -> tuple[str, ...]:
        """What must never be shown: the client secret, its Basic pair, recent access tokens."""
        return (self._client_secret, self._basic, *self._recent)

    def _use_transport(self, settings: Mapping[str, Any]) -> None:
        """Make the private token clients use ``verify``, ``cert``, ``trust_env`` and ``proxy``
        from ``settings`` (httpx client arguments; other keys are ignored; the last call wins).
        Injected token clients are used as given."""
        transport = {key: settings[key] for key in _TRANSPORT_KEYS if key in settings}
        with self._state_lock:
            self._transport = transport
            # Built again with these on the next fetch; the old ones hold no connection.
            self._default_client = None
            self._loops.clear()

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

    # -- the cache and the single flight ------------------------------------------------------

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

    def _join(self, loop: asyncio.AbstractEventLoop | None) -> tuple[_Flight, bool]:
        """The flight to wait for (a finished one when the cache is fresh), and whether the
        caller is the one to fetch."""
        with self._state_lock:
            token = self._cached()
            if token is not None:
                done: concurrent.futures.Future[_Token] = concurrent.futures.Future()
                done.set_result(token)
                return _Flight(done, None), False
            if self._flight is not None:
                return self._flight, False
            future: concurrent.futures.Future[_Token] = concurrent.futures.Future()
            future.set_running_or_notify_cancel()  # a waiter's cancellation cannot cancel it
            self._flight = _Flight(future, loop)
            return self._flight, True

    def _keep(self, token: _Token) -> None:
        """Cache ``token``; call with ``_state_lock`` held."""
        self._token = token
        self._recent = (*self._recent[1 - _RECENT_TOKENS :], token.value)

    def _land(self, flight: _Flight, outcome: _Token | BaseException) -> None:
        with self._state_lock:
            if isinstance(outcome, _Token):
                self._keep(outcome)
            self._flight = None
        if isinstance(outcome, _Token):
            flight.future.set_result(outcome)
        else:
            # Cancelled, interrupted, or a coroutine closed mid-fetch: the waiters try again.
            error = outcome if isinstance(outcome, Exception) else _Abandoned()
            flight.future.set_exception(error)

    def _sync_token(self) -> _Token:
        token = self._cached()
        while token is None:
            flight, mine = self._join(None)
            if mine:
                try:
                    token = self._fetch_sync()
                except BaseException as exc:
                    self._land(flight, exc)
                    raise
                self._land(flight, token)
            elif flight.loop is not None and flight.loop is _running_loop():
                token = self._fetch_sync()
                with self._state_lock:
                    self._keep(token)
            else:
                with contextlib.suppress(_Abandoned):  # then the loop makes this caller fetch
                    token = flight.future.result()
        return token

    async def _async_token(self) -> _Token:
        token = self._cached()
        if token is not None:
            return token
        loop = _running_loop()
        if loop is None:
            raise RuntimeError("ClientCredentials' async flow needs a running asyncio event loop")
        while token is None:
            flight, mine = self._join(loop)
            if mine:
                try:
                    token = await self._fetch_async(loop)
                except BaseException as exc:
                    self._land(flight, exc)
                    raise
                self._land(flight, token)
            else:
                with contextlib.suppress(_Abandoned):  # then the loop makes this caller fetch
                    token = await asyncio.wrap_future(flight.future)
        return token

    # -- the token request --------------------------------------------------------------------

    def _sync_client(self) -> httpx.Client:
        if self._token_client is not None:
            return self._token_client
        with self._client_lock:
            client = self._default_client
            if client is None:
                client = httpx.Client(
                    timeout=_TOKEN_TIMEOUT, limits=_TOKEN_LIMITS, **self._transport
                )
                self._default_client = client
            return client

    def _fetch_sync(self) -> _Token:
        client = self._sync_client()
        data, headers = self._token_request()
        issued_at = self._clock()
        try:
            response = client.post(
                self.token_url, data=data, headers=headers, auth=_NO_AUTH, follow_redirects=False
            )
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from exc
        return self._parse(response, issued_at)

    async def _fetch_async(self, loop: asyncio.AbstractEventLoop) -> _Token:
        client = self._async_token_client or self._loops.get(loop)
        if client is None:  # only the fetching caller gets here: created once per loop
            # Building an SSL context reads the CA bundle from disk: keep it off the loop.
            client = await asyncio.to_thread(
                httpx.AsyncClient, timeout=_TOKEN_TIMEOUT, limits=_TOKEN_LIMITS, **self._transport
            )
            with self._state_lock:
                self._loops[loop] = client
        data, headers = self._token_request()
        issued_at = self._clock()
        try:
            response = await client.post(
                self.token_url, data=data, headers=headers, auth=_NO_AUTH, follow_redirects=False
            )
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
            headers["Authorization"] = f"Basic {self._basic}"
        return data, headers

    def _unreachable(self, exc: httpx.HTTPError) -> TokenError:
        secrets = self._secrets()
        detail = transport_detail(exc, secrets)
        message = f"could not reach the token endpoint {self.token_url}: {detail}"
        return TokenError(message, secrets=secrets)

    def _parse(self, response: httpx.Response, issued_at: float) -> _Token:
        status = response.status_code
        secrets = self._secrets()
        where = f"the token endpoint {self.token_url} answered HTTP {status}"
        if response.is_redirect:
            # Following it could hand the client secret to whoever the Location names.
            raise TokenError(
                f"{where}, a redirect, not followed: the client secret goes to token_url only",
                response=response,
                secrets=secrets,
            )
        try:
            payload: Any = response.json()
        except (ValueError, RecursionError):  # also not UTF-8, or nested past the limit
            content_type = response.headers.get("content-type", "no content type")
            raise TokenError(
                f"{where} with a body that is not JSON ({content_type}); "
                "expected an OAuth2 token response",
                response=response,
                # A 2xx body could hold a token; an error page is worth a look.
                body=None if response.is_success else _shown(response.text, secrets),
                secrets=secrets,
            ) from None
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, str):
            description = payload.get("error_description")
            description = description if isinstance(description, str) else None
            shown = f": {_shown(description, secrets)}" if description else ""
            raise TokenError(
                f"{where}: {_shown(error, secrets)}{shown}",
                response=response,
                body=payload,
                error=error,
                error_description=description,
                secrets=secrets,
            )
        if not response.is_success:
            raise TokenError(
                f"{where} without an OAuth2 error", response=response, body=payload, secrets=secrets
            )
        access_token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise TokenError(f"{where} without an access_token", response=response, secrets=secrets)
        value = _header_safe(access_token)
        if value is None:
            raise TokenError(
                f"{where} with an access_token that holds {_UNSAFE}",
                response=response,
                secrets=secrets,
            )

        expires_in = _seconds(payload.get("expires_in"))
        if expires_in is None:
            _log.debug("the token has no usable expires_in: keeping it until the API answers 401")
            refresh_at = None
        else:
            _log.debug("the token expires in %d s", expires_in)
            refresh_at = issued_at + expires_in - min(self.refresh_skew, expires_in / 2)
        return _Token(value, f"Bearer {value}", refresh_at)


class BearerToken(httpx.Auth):
    """A bearer token the caller has, e.g. the LTI JWT: ``Authorization: Bearer <token>``.

    Give the token itself, or a provider: a callable, sync or async, asked for the current token
    on every request (cache inside it if making one is costly). With a provider a 401 asks it
    once more and, if it returns a different token, retries the request once with it. A fixed
    token's 401 is returned as is. An async provider works with ``httpx.AsyncClient`` only.

    Surrounding whitespace is stripped (a JWT read from a file ends in a newline); a token that
    then holds a control character, a space or non-ASCII is refused without being shown: a
    fixed one with ``ValueError``, one from the provider with ``TokenError``.
    """

    def __init__(self, token_or_provider: str | TokenProvider) -> None:
        if isinstance(token_or_provider, str):
            token = _header_safe(token_or_provider)
            if token is None:
                raise ValueError(
                    f"BearerToken needs a non-empty token without {_UNSAFE}"
                    if token_or_provider.strip()
                    else "BearerToken needs a non-empty token"
                )
            self._token: str | None = token
            self._provider: TokenProvider | None = None
        elif callable(token_or_provider):
            self._token = None
            self._provider = token_or_provider
        else:
            raise TypeError(
                "BearerToken takes a token (str) or a callable that returns one, "
                f"got {type(token_or_provider).__name__}"
            )
        self._recent: tuple[str, ...] = ()
        self._recent_lock = threading.Lock()
        # Only a provider can lead to a retry, which needs the body again.
        self.requires_request_body = self._provider is not None

    def __repr__(self) -> str:
        if self._provider is None:
            return f"{type(self).__name__}(token='***')"
        name = getattr(self._provider, "__qualname__", type(self._provider).__qualname__)
        return f"{type(self).__name__}(provider={name})"

    def _secrets(self) -> tuple[str, ...]:
        """What must never be shown: the fixed token, or the provider's last few tokens."""
        return self._recent if self._token is None else (self._token,)

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
        return self._checked(result)

    async def _async_provide(self) -> str:
        assert self._provider is not None
        result = self._provider()
        if inspect.isawaitable(result):
            result = await result
        return self._checked(result)

    def _checked(self, provided: object) -> str:
        if not isinstance(provided, str):
            raise TypeError(
                "BearerToken's token provider must return a non-empty str, "
                f"got {type(provided).__name__}"
            )
        token = _header_safe(provided)
        if token is None:
            what = f"a token that holds {_UNSAFE}" if provided.strip() else "an empty token"
            raise TokenError(f"BearerToken's token provider returned {what}")
        if token not in self._recent:
            with self._recent_lock:
                self._recent = (*self._recent[1 - _RECENT_TOKENS :], token)
        return token


def _header_safe(token: str) -> str | None:
    """The token with surrounding whitespace stripped, or None if HTTP cannot carry the rest."""
    token = token.strip(" \t\r\n")
    return token if _HEADER_SAFE.fullmatch(token) else None


def _shown(text: str, secrets: tuple[str, ...]) -> str:
    """Redacted first, then cut: a cut through a secret would leave a piece of it."""
    text = redact(text, secrets)
    return text if len(text) <= _BODY_EXCERPT else text[: _BODY_EXCERPT - 3] + "..."


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


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
