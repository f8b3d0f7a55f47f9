"""One :class:`Redactor` per auth, so per client: every message, error field, log line and
exception detail the package shows goes through it.

It replaces the client's own credentials in any form a server could echo them: raw,
percent-encoded (either hex case), form-encoded, JSON-escaped (``\\u`` escapes in either hex
case, ``\\/``) and HTML-escaped. Not base64: the client encodes no secret so (no HTTP Basic),
and a server has no reason to. Secrets shorter than :data:`MIN_SECRET_LENGTH` characters are not
searched for: they would match ordinary words and numbers. The auths refuse secrets and tokens
over 8 KiB, so the forms of each are few and short.

Example::

    redactor = Redactor("abcdefgh12345678")
    redactor.text("echo: Bearer abcdefgh12345678")  # 'echo: Bearer [redacted]'
"""

from __future__ import annotations

import base64
import functools
import html
import json
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import quote, quote_plus

from ._http import httpx

__all__ = [
    "EXCERPT_LENGTH",
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "RETENTION",
    "Redactor",
    "escape_controls",
    "redact_url",
]

REDACTED: Final = "[redacted]"
MIN_SECRET_LENGTH: Final = 8
# The most of a body (or of a server's error text) a message quotes.
EXCERPT_LENGTH: Final = 200
# Seconds a token is remembered past its expiry (or, expiry unknown, past its last use): an
# answer to a request sent with it may still arrive and quote it.
RETENTION: Final = 3600.0
# A token remembered less than this long ago is not remembered again (its retention renewed).
_RENEW: Final = 60.0

# A header whose name holds one of these is never shown ("auth": Authorization and
# Proxy-Authorization; "cookie": Cookie and Set-Cookie), but the challenge WWW-Authenticate.
_SENSITIVE: Final = re.compile(
    "(?!www-authenticate$).*(auth|cookie|token|secret|key|password|session|signature)", re.I
)
# C0 and C1 controls, DEL, and the invisible format characters that reorder or hide text (bidi
# overrides such as U+202E, zero-width characters, line separators): what forges a terminal or a
# log line.
_CONTROLS: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)


class Redactor:
    """What the client shows, with its credentials replaced by ``"[redacted]"``.

    ``secrets`` (a client secret, a fixed token) are redacted for the redactor's
    lifetime; a token given to :meth:`remember` until :data:`RETENTION` seconds after it expires,
    or, with no known expiry, after its last use. A token still valid is never forgotten, and
    however many tokens come and go, redacting costs time linear in the text.
    """

    def __init__(self, *secrets: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._fixed = tuple(s for s in secrets if len(s) >= MIN_SECRET_LENGTH)
        self._clock = clock
        self._tokens: dict[str, float] = {}  # token -> clock reading from which it is forgotten
        self._lock = threading.Lock()

    @classmethod
    def for_auth(cls, auth: object) -> Redactor:
        """The redactor of this package's auths (``ClientCredentials``, ``BearerToken``); for
        any other ``httpx.Auth``, one that knows no secret (headers are still redacted by name)."""
        redactor = getattr(auth, "_redactor", None)
        return redactor if isinstance(redactor, Redactor) else cls()

    def remember(self, token: str, *, expires_at: float | None = None) -> None:
        """Redact ``token`` from now on, until ``RETENTION`` after ``expires_at`` (a reading of
        the clock; None: a JWT's ``exp``, or now, its last use). Never shortens it."""
        now = self._clock()
        if len(token) < MIN_SECRET_LENGTH or (
            expires_at is None and self._tokens.get(token, -math.inf) >= now + RETENTION - _RENEW
        ):
            return  # never searched for; or used lately (every request): no JWT parse, no lock
        if expires_at is None:
            expires_at = max(now, _jwt_exp(token) - time.time() + now)
        with self._lock:  # replaced whole, so readers need no lock; forgotten tokens dropped
            tokens = {t: at for t, at in self._tokens.items() if at > now}
            tokens[token] = max(expires_at + RETENTION, tokens.get(token, -math.inf))
            self._tokens = tokens

    def secrets(self) -> tuple[str, ...]:
        """Every secret redacted now."""
        now = self._clock()
        return self._fixed + tuple(t for t, at in self._tokens.items() if at > now)

    def text(self, text: str, *, cut: bool = False) -> str:
        """``text`` with every form of every secret redacted. ``cut``: ``text`` is the start of
        a longer one, which may end in a piece of a form: its last characters that could be one
        (as many as the longest form has, less one) are dropped."""
        forms = _sorted_forms(self.secrets())
        text = _replace(text, forms)
        return text[: max(0, len(text) - len(forms[0]) + 1)] if cut and forms else text

    def value(self, value: Any) -> Any:
        """A decoded JSON value (a copy, if it held a secret) redacted like :meth:`text`, keys
        included; a secret hidden by JSON escapes (``\\u0041``) is found decoded. A value that
        does not survive redaction (a secret in a number) is ``"[redacted]"`` whole."""
        try:
            # Serialized, a string's secret is its forms JSON-escaped: these are searched for.
            text = json.dumps(value, ensure_ascii=False)
            redacted = _replace(text, _sorted_forms(self.secrets(), in_json=True))
            return value if redacted == text else json.loads(redacted)
        except (ValueError, RecursionError):  # RecursionError: nested past the interpreter's limit
            return REDACTED

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Headers as a plain dict fit for an error or a log line: a credential header is
        ``"[redacted]"`` whole (judged by its name: it holds auth, cookie, token, secret, key,
        password, session or signature; ``WWW-Authenticate`` is a challenge), any other is
        redacted of the secrets (a token a server echoes in any header) and escaped of controls.
        Repeated headers are joined with ``", "``.

        >>> Redactor().headers({"Authorization": "Bearer abc", "Accept": "application/json"})
        {'Authorization': '[redacted]', 'Accept': 'application/json'}
        """
        return {
            name: REDACTED if _SENSITIVE.match(name) else escape_controls(self.text(value))
            for name, value in headers.items()  # httpx.Headers joins repeated ones
        }

    def url(self, url: httpx.URL | str) -> str:
        """The URL without userinfo (``user:password@``) and redacted of the secrets."""
        return escape_controls(self.text(redact_url(url)))

    def excerpt(self, text: str, *, cut: bool = False) -> str:
        """At most ``EXCERPT_LENGTH`` characters of ``text`` for a message: redacted, runs of
        whitespace as one space, controls escaped (``\\x1b``, ``\\u202e``), then cut."""
        shown = escape_controls(" ".join(self.text(text, cut=cut)[: EXCERPT_LENGTH * 4].split()))
        return shown if len(shown) <= EXCERPT_LENGTH else shown[: EXCERPT_LENGTH - 3] + "..."


def redact_url(url: httpx.URL | str) -> str:
    """The URL without its userinfo, for messages and logs (the API carries no secret in paths
    or query strings)."""
    url = httpx.URL(url)
    return str(url.copy_with(userinfo=b"") if url.userinfo else url)


def escape_controls(text: str) -> str:
    """``text`` with control and bidi characters written as escapes: no terminal or log forgery."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _jwt_exp(token: str) -> float:
    """A JWT's ``exp`` claim, in seconds since the epoch; -inf for any other token."""
    try:
        claims = token.split(".")[1]
        exp = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4))).get("exp")
        return float(exp) if isinstance(exp, int | float) and math.isfinite(exp) else -math.inf
    except (ValueError, IndexError, AttributeError, RecursionError):  # not a JWT with an exp
        return -math.inf


@functools.lru_cache(maxsize=16)  # the secrets change only when a token comes or goes
def _sorted_forms(secrets: tuple[str, ...], in_json: bool = False) -> tuple[str, ...]:
    forms = {form for s in secrets for form in _forms(s)}
    if in_json:
        forms = {json.dumps(form, ensure_ascii=False)[1:-1] for form in forms}
    return tuple(sorted(forms, key=len, reverse=True))


def _replace(text: str, forms: tuple[str, ...]) -> str:
    for form in forms:  # longest first: a form inside another goes with it
        text = text.replace(form, REDACTED)
    return text


@functools.lru_cache(maxsize=256)
def _forms(secret: str) -> frozenset[str]:
    """Every form of ``secret`` to search for (each as long as the secret at least)."""
    texts = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
    texts |= {re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), t) for t in texts}
    escaped = {json.dumps(t, ensure_ascii=a)[1:-1] for t in texts for a in (True, False)}
    escaped |= {e.replace("/", "\\/") for e in escaped} | {_upper_hex(e) for e in escaped}
    for unsafe, digits in _JSON_ESCAPERS:  # serializers that \u-escape more than json.dumps
        escaped.add("".join(f"\\u{ord(c):{digits}}" if re.match(unsafe, c) else c for c in secret))
    return frozenset(texts | escaped | {html.escape(secret)})


def _upper_hex(escaped: str) -> str:
    return re.sub(r"\\u[0-9a-f]{4}", lambda m: "\\u" + m.group()[2:].upper(), escaped)


# What a serializer \u-escapes beyond json.dumps, and in which hex case: .NET's System.Text.Json
# (upper case: "\u002B" for "+") and Gson (lower case: "\u003d" for "=").
_JSON_ESCAPERS: Final = (("[^ -~]|[+<>&'\"`]", "04X"), ("[<>&='\u2028\u2029]", "04x"))
