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

import asyncio
import contextlib
import dataclasses
import math
import re
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Any, Final

from ._client import SyncSender, is_loopback, run_sync, with_deadline
from ._exceptions import ResponseValidationError, TokenError, status_error
from ._http import httpx
from ._logging import logger, redact_url
from ._redact import Redactor, escape_controls
from ._retry import RetryPolicy

__all__ = ["DEFAULT_TOKEN_URL", "BearerToken", "ClientCredentials"]

DEFAULT_TOKEN_URL: Final = "https://api.us2.kimonocloud.com/oauth/token"

# A token answer is a few hundred bytes; a token (a JWT) a few KiB.
_MAX_TOKEN_ANSWER: Final = 64 * 1024
_MAX_TOKEN_LENGTH: Final = 8 * 1024
# What a token may hold once surrounding whitespace is stripped: printable ASCII, no space.
# (HTTP forbids controls in a header; httpx would refuse non-ASCII with the value in the error.)
_HEADER_SAFE: Final = re.compile(rf"[\x21-\x7e]{{1,{_MAX_TOKEN_LENGTH}}}")
_UNSAFE: Final = "over 8 KiB, or with a control character, a space or non-ASCII (not shown)"


@dataclasses.dataclass(frozen=True, slots=True)
class _Token:
    value: str = dataclasses.field(repr=False)
    refresh_at: float  # clock reading from which the token counts as stale; inf: until a 401


class _BearerFlow(httpx.Auth):
    """The flow both auths share, written once for sync and async clients (only where the token
    comes from differs): ``Authorization: Bearer <token>``, and after a 401 the request once more
    if a new token comes. Every token sent is remembered by the auth's redactor."""

    _redactor: Redactor

    async def _token(self, sync: bool, stale: str | None = None) -> str:
        """The token to send, other than ``stale`` (the API answered 401 to it) if a new one
        comes; ``sync``: for a sync client, so without suspending."""
        raise NotImplementedError

    def _bearer(self, request: httpx.Request, token: str) -> httpx.Request:
        self._redactor.remember(token)  # from its last use (its expiry, if known, was given)
        request.headers["Authorization"] = f"Bearer {token}"
        return request

    async def _flow(
        self, request: httpx.Request, sync: bool
    ) -> AsyncGenerator[httpx.Request, httpx.Response | None]:
        # A retry sends the body again: read it first (httpx's sync_auth_flow does, for auth_flow).
        if self.requires_request_body and not sync:
            await request.aread()
        token = await self._token(sync)
        response = yield self._bearer(request, token)
        if response is not None and response.status_code == 401:
            logger.debug("the API answered 401; asking for a new token and retrying once")
            renewed = await self._token(sync, stale=token)
            if renewed != token:
                yield self._bearer(request, renewed)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """The sync flow, driven by httpx's ``sync_auth_flow``."""
        flow, response = self._flow(request, sync=True), None
        with contextlib.suppress(StopAsyncIteration):
            while True:  # each step runs to its yield without suspending (see run_sync)
                response = yield run_sync(flow.asend(response))

    def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        return self._flow(request, sync=False)


class ClientCredentials(_BearerFlow):
    """OAuth2 client-credentials auth, cached and refreshed, safe for threads, tasks and loops.

    The client id and secret go in the form body (``client_secret_post``; DataSync's endpoint
    takes no scope). A token is refreshed ``refresh_skew`` seconds before ``expires_in`` runs out
    (at most half its lifetime early); one without ``expires_in`` is kept until the API answers 401.
    Token requests go through the client's send path (bounded answer, gzip only, within the
    ``total_timeout`` of the call that needs the token, 30 s at most) on a private
    ``httpx.Client`` with a 10 s timeout and the ``verify``/``cert``/``trust_env``/``proxy`` of
    the first client that used this object (a client with other ones is refused), unless
    ``token_client`` is given (used as it is, its own timeouts only); they never follow
    redirects. The token request is a sync one (an async client's in a worker thread), so
    ``token_client`` serves both. ``clock`` must be monotonic and return seconds.

    One token request at a time in all: callers in any thread, task or event loop that need a
    token while one is being fetched wait for that one (and share its error if it fails). A
    sync client makes the request in the thread that needs the token; an async client in a
    worker thread, so that its event loop runs on, and a cancelled task does not stop it: the
    token still lands in the cache for the others. (A thread interrupted by
    ``KeyboardInterrupt`` stops its own request; the next caller makes a new one.)

    Raises ``TokenError`` when the token endpoint does not issue a usable token (an error, a
    redirect, an answer over 64 KiB, no ``access_token``, or one over 8 KiB or with characters
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
        refresh_skew: float = 30.0,
        token_client: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not client_id or not 0 < len(client_secret) <= _MAX_TOKEN_LENGTH:
            raise ValueError("ClientCredentials needs a client_id and a client_secret (<= 8 KiB)")
        if not (refresh_skew >= 0 and math.isfinite(refresh_skew)):
            raise ValueError(f"refresh_skew must be a finite number >= 0, got {refresh_skew!r}")
        self.client_id = client_id
        self.token_url = _check_token_url(token_url)
        self.refresh_skew = float(refresh_skew)
        self._client_secret = client_secret
        self._redactor = Redactor(client_secret, clock=clock)
        self._token_client = token_client
        self._clock = clock
        self._settings: dict[str, Any] | None = None  # the first client's (see _bind)
        self._sender: SyncSender | None = None  # made by the first token request
        # The last token request's outcome, the token cached: replaced whole, read without a lock.
        self._landed: _Token | Exception | None = None
        self._lock = threading.Lock()  # held by the token request under way
        self._state_lock = threading.Lock()  # for _bind: never held across I/O

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, token_url={self.token_url!r})"

    def _bind(self, options: Mapping[str, Any]) -> None:
        """Take ``verify``, ``cert``, ``trust_env`` and ``proxy`` from a client's ``options`` for
        the private token client: the first client's, once. A later client with other settings
        is refused (its token requests would go another way than its API requests); give it
        its own ``ClientCredentials``. An injected ``token_client`` is used as given."""
        keys = ("verify", "cert", "trust_env", "proxy")
        settings = {key: options[key] for key in keys if key in options}
        with self._state_lock:
            self._settings = settings if self._settings is None else self._settings
        if self._token_client is None and self._settings != settings:
            raise ValueError(
                "this ClientCredentials already serves a client with other verify/cert/"
                "trust_env/proxy settings: its token requests use the first client's; "
                "give each setting its own ClientCredentials (or pass token_client)"
            )

    # -- the cache and the single flight ------------------------------------------------------

    def _fresh(self, stale: str | None) -> _Token | None:
        token = self._landed
        if isinstance(token, _Token) and token.value != stale and self._clock() < token.refresh_at:
            return token
        return None  # none yet, stale, refused, or the last request failed

    async def _token(self, sync: bool, stale: str | None = None) -> str:
        token = self._fresh(stale)
        if token is None:
            # Async: in a worker thread (the context, so the deadline, copied), off the loop.
            token = self._fetch(stale) if sync else await asyncio.to_thread(self._fetch, stale)
        return token.value

    def _fetch(self, stale: str | None) -> _Token:
        """The token once the token request under way, if any, is over: the one it brought, its
        error if it failed, else a new one. Only the token the API refused (``stale``) is
        replaced: when N requests get a 401 with it at once, the first fetches a new one and the
        others find it."""
        landed = self._landed  # before waiting: what lands meanwhile is the request waited for
        with self._lock:
            if self._landed is not landed and isinstance(self._landed, Exception):
                raise self._landed  # every caller that waited for a failed request shares it
            token = self._fresh(stale)
            if token is None:
                try:
                    token = self._request_token()
                except Exception as exc:
                    self._landed = exc
                    raise
                self._landed = token
            return token

    # -- the token request --------------------------------------------------------------------

    def _request_token(self) -> _Token:
        if self._sender is None:
            # A token every few minutes at most, long after the server dropped an idle
            # connection: none kept alive (a private client never closed holds no socket).
            http = self._token_client or with_deadline(
                httpx.Client(
                    timeout=10.0,
                    limits=httpx.Limits(max_keepalive_connections=0),
                    **(self._settings or {}),
                )
            )
            # The client's own send path, without auth: same deadline, decoding and bounds;
            # its answer (any status) comes back to be read here.
            self._sender = SyncSender(
                http,
                self.token_url,
                auth=None,
                total_timeout=30.0,  # or less: the deadline of the API call that needs it
                policy=RetryPolicy(max_retries=0),
                max_response_bytes=_MAX_TOKEN_ANSWER,
                raise_for_status=False,
                redactor=self._redactor,
            )
        data = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self._client_secret,
        }
        issued_at = self._clock()
        try:
            request = {"method": "post", "data": data, "headers": {"Accept": "application/json"}}
            response = run_sync(self._sender.request(request))
        except ResponseValidationError as exc:  # an answer, yet no token can come from it (too
            # large, an unsupported coding): a TokenError, with its fields. (An APIConnectionError
            # goes as it is: its message names the token URL.)
            fields = {**dataclasses.asdict(exc), "status_code": exc.status_code or 0}
            failure = TokenError(str(exc), **fields)
        else:
            return self._parse(response, issued_at)
        raise failure  # outside the except block: nothing in its context

    def _parse(self, response: httpx.Response, issued_at: float) -> _Token:
        payload: Any = None
        # Suppressed, not caught: a JSONDecodeError chained to the TokenError holds the body.
        with contextlib.suppress(ValueError, RecursionError):  # also not UTF-8, or too deep
            payload = response.json()
        answer = payload if isinstance(payload, dict) else {}
        error, description = answer.get("error"), answer.get("error_description")
        token = answer.get("access_token")
        content_type = response.headers.get("content-type", "no content type")
        if response.is_redirect:
            # Following it could hand the client secret to whoever the Location names.
            problem = ", a redirect, not followed: the client secret goes to token_url only"
        elif isinstance(error, str):
            shown = f"{error}: {description}" if isinstance(description, str) else error
            problem = f": {self._redactor.excerpt(shown)}"
        elif not response.is_success:
            problem = f" without an OAuth2 error ({content_type})"
        elif not isinstance(token, str) or not token:
            problem = f" without an access_token ({content_type})"
        elif (value := _header_safe(token)) is None:
            problem = f" with an access_token {_UNSAFE}"
        else:
            expires_in = _seconds(answer.get("expires_in"))
            logger.debug("the token expires in %.0f s (inf: until the API answers 401)", expires_in)
            self._redactor.remember(value, expires_at=issued_at + expires_in)  # while valid
            return _Token(value, issued_at + expires_in - min(self.refresh_skew, expires_in / 2))
        where = f"the token endpoint {self.token_url} answered HTTP {response.status_code}"
        # Its fields as for any answer: the body decoded (JSON, or the start of the text) and
        # redacted; a 2xx body could hold a token, an error's is worth a look.
        fields = dataclasses.asdict(status_error(response, self._redactor))
        if response.is_success and not isinstance(error, str):
            fields["body"] = None
        raise TokenError(escape_controls(where + problem), **fields)


class BearerToken(_BearerFlow):
    """A bearer token the caller has, e.g. the LTI JWT: ``Authorization: Bearer <token>``.

    Give the token itself, or a provider: a callable asked for the current token on every
    request (cache inside it if making one is costly; an async client calls it on its event
    loop). With a provider a 401 asks it once more and, if it returns a different token, retries
    the request once with it. A fixed token's 401 is returned as is.

    Surrounding whitespace is stripped (a JWT read from a file ends in a newline); a token that
    is then over 8 KiB or holds a control character, a space or non-ASCII is refused without
    being shown: a fixed one with ``ValueError``, one from the provider with ``TokenError``.
    """

    def __init__(self, token_or_provider: str | Callable[[], str]) -> None:
        if isinstance(token_or_provider, str):
            token = _header_safe(token_or_provider)
            if token is None:
                raise ValueError(f"BearerToken needs a non-empty token, not one {_UNSAFE}")
            # Asked again after a 401 like any provider, it has nothing new: no retry.
            self._provider: Callable[[], str] = lambda: token
            self._redactor = Redactor(token)  # shown nowhere from the start
        elif callable(token_or_provider):
            self._provider = token_or_provider
            self._redactor = Redactor()  # every token the provider gave
        else:
            raise TypeError(
                f"BearerToken takes a str or a callable, got {type(token_or_provider).__name__}"
            )
        self._fixed = isinstance(token_or_provider, str)
        # Only a provider can lead to a retry, which needs the body again.
        self.requires_request_body = not self._fixed

    def __repr__(self) -> str:
        if self._fixed:
            return f"{type(self).__name__}(token='***')"
        name = getattr(self._provider, "__qualname__", type(self._provider).__qualname__)
        return f"{type(self).__name__}(provider={name})"

    async def _token(self, sync: bool, stale: str | None = None) -> str:
        result = self._provider()
        token = _header_safe(result) if isinstance(result, str) else None
        if token is None:
            raise TokenError(
                f"BearerToken's token provider returned no str, an empty one, or one {_UNSAFE}"
            )
        return token


def _header_safe(token: str) -> str | None:
    """The token with surrounding whitespace stripped, or None if HTTP cannot carry the rest."""
    token = token.strip(" \t\r\n")
    return token if _HEADER_SAFE.fullmatch(token) else None


def _seconds(value: Any) -> float:
    """``expires_in`` as seconds; infinite when absent or unusable: kept until a 401 (and
    refreshed at infinity minus the skew, which is infinity too)."""
    with contextlib.suppress(TypeError, ValueError, OverflowError):  # not a number, or 10**400
        if not isinstance(value, bool) and math.isfinite(seconds := float(value)):
            return max(seconds, 0.0)
    return math.inf


def _check_token_url(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"token_url is not a valid URL: {exc}") from None
    secure = parsed.scheme == "https" or (parsed.scheme == "http" and is_loopback(parsed.host))
    if secure and parsed.host and not parsed.userinfo:
        return url
    raise ValueError(
        f"token_url must be an absolute https URL without credentials, got {redact_url(url)!r}:"
        " the client secret is sent to it (plain http is allowed only for loopback hosts:"
        " 127.0.0.0/8, ::1, localhost; pass client_id and client_secret as arguments)"
    )
