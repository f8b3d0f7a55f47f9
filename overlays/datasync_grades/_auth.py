"""Authentication for the Grades Exchange API: ``httpx.Auth`` flows for both of its schemes.

``ClientCredentials`` does the OAuth2 client-credentials grant against DataSync's token
endpoint: the first request fetches a token, later requests reuse it until shortly before it
expires, and a 401 from the API fetches a new one and retries that request once. All callers
together (threads, tasks, event loops) make one token request at a time; one object may serve
a sync and an async client at once, sharing its token. Tokens and the client secret never
appear in its errors: each auth owns the :class:`~datasync_grades._redact.Redactor` that knows
them, and every token it sends (the client takes it with ``Redactor.for_auth``).
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

import abc
import asyncio
import base64
import concurrent.futures
import contextlib
import contextvars
import inspect
import math
import re
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args
from urllib.parse import quote_plus

from ._client import SyncSender, is_loopback, with_deadline
from ._exceptions import (
    APIConnectionError,
    DataSyncError,
    ResponseValidationError,
    TokenError,
    response_fields,
)
from ._http import httpx
from ._logging import logger
from ._redact import Redactor, escape_controls
from ._retry import RetryPolicy

__all__ = ["DEFAULT_TOKEN_URL", "BearerToken", "ClientCredentials"]

DEFAULT_TOKEN_URL: Final = "https://api.us2.kimonocloud.com/oauth/token"

AuthMethod = Literal["client_secret_post", "client_secret_basic"]
TokenProvider = Callable[[], str | Awaitable[str]]


_TOKEN_TIMEOUT: Final = httpx.Timeout(10.0)
_NO_RETRIES: Final = RetryPolicy(max_retries=0)
_NOT_JSON: Final = object()
# A token is fetched every few minutes at most, long after the server dropped an idle
# connection; keeping none alive also means a private client that is never closed holds no socket.
_TOKEN_LIMITS: Final = httpx.Limits(max_keepalive_connections=0)
# What a client's options may give the private token client (see _bind).
_TRANSPORT_KEYS: Final = ("verify", "cert", "trust_env", "proxy")
# A token answer is a few hundred bytes; a token (a JWT) a few KiB.
_MAX_TOKEN_ANSWER: Final = 64 * 1024
_MAX_TOKEN_LENGTH: Final = 8 * 1024
# What a token may hold once surrounding whitespace is stripped: printable ASCII, no space.
# (HTTP forbids controls in a header; httpx would refuse non-ASCII with the value in the error.)
_HEADER_SAFE: Final = re.compile(r"[\x21-\x7e]+")
_UNSAFE: Final = "a control character, a space or a non-ASCII character (the token is not shown)"


@dataclass(frozen=True, slots=True)
class _Token:
    value: str = field(repr=False)
    refresh_at: float  # clock reading from which the token counts as stale; inf: until a 401


# A token request; every caller needing a token while one is under way waits for it. A
# ``concurrent.futures.Future`` so that threads block on it and tasks of any event loop await it
# (``asyncio.wrap_future``) without blocking their loop; the request itself needs no loop.
_Flight = concurrent.futures.Future[_Token]


class _BearerFlow(httpx.Auth):
    """The flow both auths share, for sync and async clients alike (only where the token comes
    from differs): ``Authorization: Bearer <token>``, and after a 401 the request once more if
    a new token comes. Every token sent is remembered by the auth's redactor."""

    _redactor: Redactor

    def _bearer(self, request: httpx.Request, token: str) -> httpx.Request:
        self._redactor.remember(token)  # from its last use (its expiry, if known, was given)
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    @abc.abstractmethod
    def _sync_token(self) -> str:
        """The token to send, for a sync client."""

    @abc.abstractmethod
    async def _async_token(self) -> str:
        """The token to send, for an async client."""

    def _rejected(self, token: str) -> None:
        """The API answered 401 to ``token``, which is asked for once more next."""

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if self.requires_request_body:  # a retry sends it again
            request.read()
        token = self._sync_token()
        response = yield self._bearer(request, token)
        if response.status_code == 401:
            self._rejected(token)
            renewed = self._sync_token()
            if renewed != token:
                yield self._bearer(request, renewed)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.requires_request_body:  # a retry sends it again
            await request.aread()
        token = await self._async_token()
        response = yield self._bearer(request, token)
        if response.status_code == 401:
            self._rejected(token)
            renewed = await self._async_token()
            if renewed != token:
                yield self._bearer(request, renewed)


class ClientCredentials(_BearerFlow):
    """OAuth2 client-credentials auth, cached and refreshed, safe for threads, tasks and loops.

    ``auth_method`` is how the client authenticates to the token endpoint: in the form body
    (``client_secret_post``, what DataSync expects) or with HTTP Basic (``client_secret_basic``).
    A token is refreshed ``refresh_skew`` seconds before ``expires_in`` runs out (at most half its
    lifetime early); one without ``expires_in`` is kept until the API answers 401. Token requests
    go through the client's send path (bounded answer, gzip only, within the ``total_timeout`` of
    the call that needs the token, 30 s at most) on a private ``httpx.Client`` with a 10 s
    timeout and the ``verify``/``cert``/``trust_env``/``proxy`` of the first client that used
    this object (a client with other ones is refused), unless ``token_client`` is given (used
    as it is, its own timeouts only); they never follow redirects. The token request is a sync
    one for sync and async clients alike: an async client makes it in a worker thread, so
    ``token_client`` serves both. ``clock`` must be monotonic and return seconds.

    One token request at a time in all: callers in any thread, task or event loop that need a
    token while one is being fetched wait for that one (and share its ``TokenError`` if it
    fails). Cancelling a task that waits (the one whose request started the fetch included)
    does not stop the fetch, and a sync caller interrupted while it fetches (``KeyboardInterrupt``)
    leaves the request to a thread: the token still lands in the cache for the others.

    Raises ``TokenError`` when the token endpoint does not issue a usable token (an error, a
    redirect, an answer over 64 KiB, no ``access_token``, one over 8 KiB, or one with characters
    HTTP forbids in a header; surrounding whitespace is stripped), and ``ValueError`` at
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
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("ClientCredentials needs a non-empty client_id and client_secret")
        if auth_method not in get_args(AuthMethod):
            raise ValueError(
                f"auth_method must be one of {get_args(AuthMethod)}, got {auth_method!r}"
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
        self._redactor = Redactor(client_secret, self._basic, clock=clock)
        self._token_client = token_client
        self._clock = clock
        # The transport settings of the first client that used this object (see _bind).
        self._settings: dict[str, Any] | None = None
        # Built by the fetch that needs it first; only one fetch runs at a time, so no lock.
        self._sender: SyncSender | None = None

        # Replaced whole, never mutated, so reading them needs no lock.
        self._token: _Token | None = None
        # Held only for a few bytecodes (never across I/O), so the async flow may take it too.
        self._state_lock = threading.Lock()
        self._flight: _Flight | None = None  # the last one, under way or landed

    def __repr__(self) -> str:
        scope = "" if self.scope is None else f", scope={self.scope!r}"
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, token_url={self.token_url!r}"
            f"{scope}, auth_method={self.auth_method!r})"
        )

    def _bind(self, options: Mapping[str, Any]) -> None:
        """Take ``verify``, ``cert``, ``trust_env`` and ``proxy`` from a client's ``options`` for
        the private token client: the first client's, once. A later client with other settings
        is refused (its token requests would go another way than its API requests); give it
        its own ``ClientCredentials``. An injected ``token_client`` is used as given."""
        settings = {key: options[key] for key in _TRANSPORT_KEYS if key in options}
        with self._state_lock:
            if self._settings is None:
                self._settings = settings
        if self._token_client is None and self._settings != settings:
            raise ValueError(
                "this ClientCredentials already serves a client with other verify/cert/"
                "trust_env/proxy settings: its token requests use the first client's; "
                "give each setting its own ClientCredentials (or pass token_client)"
            )

    # -- the cache and the single flight ------------------------------------------------------

    def _cached(self) -> _Token | None:
        token = self._token
        return token if token is not None and self._clock() < token.refresh_at else None

    def _rejected(self, token: str) -> None:
        # Only the token that got the 401: when N requests fail with it at once, the first one
        # fetches a new token and the others find it, instead of each throwing the last away.
        logger.debug("the API answered 401; fetching a new token and retrying once")
        with self._state_lock:
            if self._token is not None and self._token.value == token:
                self._token = None

    def _sync_token(self) -> str:
        # Waiting needs no event loop (no fetch runs on one): safe inside a running loop too.
        token = self._cached() or self._join(self._fetch).result()
        return token.value

    async def _async_token(self) -> str:
        token = self._cached()
        if token is None:
            flight = self._join(self._fetch_in_thread)
            token = await asyncio.wrap_future(flight, loop=asyncio.get_running_loop())
        return token.value

    def _join(self, fetch: Callable[[_Flight], None]) -> _Flight:
        """The flight to wait for: the last one while it is under way or its token is fresh,
        else a new one, which ``fetch`` starts (outside the lock)."""
        with self._state_lock:
            flight = self._flight
            if flight is not None and (not flight.done() or self._cached() is not None):
                return flight
            flight = self._flight = concurrent.futures.Future()
            flight.set_running_or_notify_cancel()  # a waiter's cancellation cannot cancel it
        fetch(flight)
        return flight

    def _fetch_in_thread(self, flight: _Flight) -> None:
        # A thread of its own, not the loop's executor, whose workers may all be sync callers
        # waiting for this very token. Daemon: a token request cannot hold up the exit.
        run = contextvars.copy_context().run
        threading.Thread(target=run, args=(self._fetch, flight, True), daemon=True).start()

    def _fetch(self, flight: _Flight, in_thread: bool = False) -> None:
        """Make the token request and land ``flight`` with the token or the error, for every
        caller waiting for it; run by the caller that started it, or by a thread for a task."""
        try:
            token = self._request_token()
        except BaseException as exc:
            if not (in_thread or isinstance(exc, Exception)):
                # The caller was interrupted (KeyboardInterrupt): the interruption goes on up,
                # and a thread makes the request again for whoever waits.
                self._fetch_in_thread(flight)
                raise
            flight.set_exception(exc)
        else:
            with self._state_lock:  # cached before it lands: whoever finds it done finds it
                self._token = token
            # Kept while it may be valid: until its expiry (refresh_at is at most skew before).
            expires = token.refresh_at + self.refresh_skew
            self._redactor.remember(token.value, expires_at=expires if expires < math.inf else None)
            flight.set_result(token)

    # -- the token request --------------------------------------------------------------------

    def _request_token(self) -> _Token:
        sender = self._sender
        if sender is None:
            http = self._token_client or with_deadline(
                httpx.Client(timeout=_TOKEN_TIMEOUT, limits=_TOKEN_LIMITS, **(self._settings or {}))
            )
            # The client's own send path, without auth: same deadline, decoding and bounds;
            # its answer (any status) comes back to be read here.
            sender = self._sender = SyncSender(
                http,
                self.token_url,
                auth=None,
                total_timeout=30.0,  # or less: the deadline of the API call that needs it
                policy=_NO_RETRIES,
                max_response_bytes=_MAX_TOKEN_ANSWER,
                raise_for_status=False,
                redactor=self._redactor,
            )
        logger.debug("fetching an OAuth2 token from %s", self.token_url)
        data = {"grant_type": "client_credentials"}
        if self.scope is not None:
            data["scope"] = self.scope
        headers = {"Accept": "application/json"}
        if self.auth_method == "client_secret_post":
            data["client_id"] = self.client_id
            data["client_secret"] = self._client_secret
        else:
            headers["Authorization"] = f"Basic {self._basic}"
        issued_at = self._clock()
        try:
            response = sender.send({"method": "post", "data": data, "headers": headers})
        except (APIConnectionError, ResponseValidationError) as exc:
            # "POST <url> ...": which request (the caller made another one).
            message = f"the token request to {str(exc).partition(' ')[2]}"
            if isinstance(exc, APIConnectionError):  # not a TokenError: no answer
                failure: DataSyncError = exc
                failure.args = (message,)
            else:  # an answer no token can come from (too large, an unsupported coding)
                failure = TokenError(
                    message,
                    status_code=exc.status_code or 0,
                    method=exc.method,
                    url=exc.url,
                    headers=exc.headers,
                )
        else:
            return self._parse(response, issued_at)
        raise failure  # outside the except block: nothing in its context

    def _parse(self, response: httpx.Response, issued_at: float) -> _Token:
        redactor = self._redactor
        where = f"the token endpoint {self.token_url} answered HTTP {response.status_code}"

        def refused(what: str, **details: Any) -> TokenError:
            details = {name: redactor.value(value) for name, value in details.items()}
            message = escape_controls(where + what)  # what may quote the Content-Type
            return TokenError(message, **response_fields(response, redactor), **details)

        if response.is_redirect:
            # Following it could hand the client secret to whoever the Location names.
            raise refused(", a redirect, not followed: the client secret goes to token_url only")
        payload: Any = _NOT_JSON
        # Suppressed, not caught: a JSONDecodeError chained to the TokenError holds the body.
        with contextlib.suppress(ValueError, RecursionError):  # also not UTF-8, or too deep
            payload = response.json()
        if payload is _NOT_JSON:
            content_type = response.headers.get("content-type", "no content type")
            raise refused(
                f" with a body that is not JSON ({content_type}); "
                "expected an OAuth2 token response",
                # A 2xx body could hold a token; an error page is worth a look.
                body=None if response.is_success else redactor.excerpt(response.text),
            )
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, str):
            description = payload.get("error_description")
            description = description if isinstance(description, str) else None
            shown = f": {redactor.excerpt(description)}" if description else ""
            raise refused(
                f": {redactor.excerpt(error)}{shown}",
                body=payload,
                error=error,
                error_description=description,
            )
        if not response.is_success:
            raise refused(" without an OAuth2 error", body=payload)
        access_token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise refused(" without an access_token")
        if len(access_token) > _MAX_TOKEN_LENGTH:
            raise refused(f" with an access_token longer than {_MAX_TOKEN_LENGTH} characters")
        value = _header_safe(access_token)
        if value is None:
            raise refused(f" with an access_token that holds {_UNSAFE}")

        expires_in = _seconds(payload.get("expires_in"))
        logger.debug(
            "the token expires in %.0f s (inf: kept until the API answers 401)", expires_in
        )
        return _Token(value, issued_at + expires_in - min(self.refresh_skew, expires_in / 2))


class BearerToken(_BearerFlow):
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
        self._redactor = Redactor()  # the fixed token, or every token the provider gave
        if isinstance(token_or_provider, str):
            token = _header_safe(token_or_provider)
            if token is None:
                raise ValueError(
                    f"BearerToken needs a non-empty token without {_UNSAFE}"
                    if token_or_provider.strip()
                    else "BearerToken needs a non-empty token"
                )
            # Asked again after a 401 like any provider, it has nothing new: no retry.
            self._provider: TokenProvider = lambda: token
            self._redactor = Redactor(token)  # shown nowhere from the start
        elif callable(token_or_provider):
            self._provider = token_or_provider
        else:
            raise TypeError(
                "BearerToken takes a token (str) or a callable that returns one, "
                f"got {type(token_or_provider).__name__}"
            )
        self._fixed = isinstance(token_or_provider, str)
        # Only a provider can lead to a retry, which needs the body again.
        self.requires_request_body = not self._fixed

    def __repr__(self) -> str:
        if self._fixed:
            return f"{type(self).__name__}(token='***')"
        name = getattr(self._provider, "__qualname__", type(self._provider).__qualname__)
        return f"{type(self).__name__}(provider={name})"

    def _sync_token(self) -> str:
        result = self._provider()
        if inspect.isawaitable(result):
            if inspect.iscoroutine(result):
                result.close()  # never awaited on purpose: no "never awaited" warning
            raise TypeError(
                "BearerToken's token provider is async, which only an httpx.AsyncClient can "
                "await: use an async client, or give a sync provider"
            )
        return self._checked(result)

    async def _async_token(self) -> str:
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
        return token


def _header_safe(token: str) -> str | None:
    """The token with surrounding whitespace stripped, or None if HTTP cannot carry the rest."""
    token = token.strip(" \t\r\n")
    return token if _HEADER_SAFE.fullmatch(token) else None


def _seconds(value: object) -> float:
    """``expires_in`` as seconds; infinite when absent or unusable: kept until a 401 (and
    refreshed at infinity minus the skew, which is infinity too)."""
    seconds = math.inf
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):  # not a number
            seconds = float(value)
    return max(seconds, 0.0) if math.isfinite(seconds) else math.inf


def _check_token_url(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"token_url is not a valid URL: {exc}") from None
    if parsed.userinfo:
        raise ValueError("token_url must not carry credentials: pass client_id and client_secret")
    if not parsed.host:
        raise ValueError(f"token_url must be an absolute URL, got {url!r}")
    if parsed.scheme == "https" or (parsed.scheme == "http" and is_loopback(parsed.host)):
        return url
    raise ValueError(
        f"token_url must use https, got {url!r}: the client secret is sent to it "
        "(plain http is allowed only for loopback hosts: 127.0.0.0/8, ::1, localhost)"
    )
