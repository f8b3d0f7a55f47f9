"""Redaction of the client's own credentials from text and decoded bodies, in any form a server
could echo them: raw, percent-encoded (either hex case), form-encoded, JSON- or HTML-escaped, and
base64 (standard or URL-safe, at any offset, so also inside an HTTP Basic pair).

Secrets shorter than :data:`MIN_SECRET_LENGTH` characters are not searched for: they would match
ordinary words and numbers, and a credential that short is no secret anyway.

Example::

    redact("echo: Bearer abcdefgh12345678", ["abcdefgh12345678"])  # 'echo: Bearer [redacted]'
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, Final
from urllib.parse import quote, quote_plus

__all__ = [
    "EXCERPT_LENGTH",
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "excerpt",
    "redact",
    "redact_bytes",
    "redact_value",
    "secrets_of",
]

REDACTED: Final = "[redacted]"
MIN_SECRET_LENGTH: Final = 8
# The most of a body (or of a server's error text) a message quotes.
EXCERPT_LENGTH: Final = 200

# For text, for bytes, and the length of the shortest form (a shorter string holds none).
_Patterns = tuple["re.Pattern[str]", "re.Pattern[bytes]", int]


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ``"[redacted]"``."""
    patterns = _patterns(_key(secrets))
    return text if patterns is None else patterns[0].sub(REDACTED, text)


def excerpt(text: str, secrets: Iterable[str]) -> str:
    """At most ``EXCERPT_LENGTH`` characters of ``text`` for a message, runs of whitespace as one
    space: redacted first, then cut (a cut through a secret would leave a piece of it)."""
    shown = " ".join(redact(text, secrets)[: EXCERPT_LENGTH * 4].split())
    return shown if len(shown) <= EXCERPT_LENGTH else shown[: EXCERPT_LENGTH - 3] + "..."


def redact_bytes(content: bytes, secrets: Iterable[str]) -> bytes:
    """:func:`redact` for a body as bytes (its forms as UTF-8)."""
    patterns = _patterns(_key(secrets))
    return content if patterns is None else patterns[1].sub(REDACTED.encode(), content)


def redact_value(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of a decoded JSON value with :func:`redact` applied to every string, keys included.

    Walks without recursion: a body nested as deep as the JSON parser allows must not end in a
    ``RecursionError`` here.
    """
    patterns = _patterns(_key(secrets))
    if patterns is None:
        return value
    pattern, _, shortest = patterns
    pending: list[tuple[Any, Any]] = []

    def clean(item: Any) -> Any:
        if isinstance(item, str):
            return item if len(item) < shortest else pattern.sub(REDACTED, item)
        if isinstance(item, dict | list):
            copy: Any = type(item)()
            pending.append((item, copy))
            return copy
        return item

    result = clean(value)
    while pending:
        source, target = pending.pop()
        if isinstance(source, dict):
            for key, item in source.items():
                target[clean(key)] = clean(item)
        else:
            target.extend([clean(item) for item in source])
    return result


def secrets_of(auth: object) -> tuple[str, ...]:
    """What an auth object asks never to be shown: its ``_secrets()``, or nothing."""
    get = getattr(auth, "_secrets", None)
    return tuple(get()) if callable(get) else ()


def _key(secrets: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}))


@functools.lru_cache(maxsize=32)  # a client's secrets change only when a token is renewed
def _patterns(secrets: tuple[str, ...]) -> _Patterns | None:
    forms = {form for secret in secrets for form in _forms(secret) if len(form) >= 4}
    if not forms:
        return None
    # Longest first, so a form that contains another is replaced whole.
    ordered = sorted(forms, key=len, reverse=True)
    text = re.compile("|".join(re.escape(form) for form in ordered))
    raw = re.compile(b"|".join(re.escape(form.encode()) for form in ordered))
    return text, raw, len(ordered[-1])


def _forms(secret: str) -> Iterator[str]:
    quoted = {quote(secret, safe=""), quote(secret), quote_plus(secret)}
    quoted |= {re.sub("%[0-9A-F]{2}", lambda m: m.group().lower(), q) for q in quoted}
    texts = {secret, *quoted}
    for text in texts:
        yield text
        escaped = json.dumps(text)[1:-1]
        yield escaped
        yield escaped.replace("/", "\\/")
        yield json.dumps(text, ensure_ascii=False)[1:-1]
    yield html.escape(secret)
    for data in (secret.encode(), quote_plus(secret).encode()):
        for core in _base64_cores(data):
            if len(core) >= MIN_SECRET_LENGTH:
                yield core
                yield core.translate(_URLSAFE)


_URLSAFE: Final = str.maketrans("+/", "-_")


def _base64_cores(data: bytes) -> Iterator[str]:
    """The base64 characters that encode only ``data``'s bits, for each of the three offsets
    ``data`` can have inside a longer encoded string (the neighbours decide the others)."""
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + data + bytes(2)).decode("ascii")
        first = -(-8 * offset // 6)  # the first character with no bit of the bytes before
        last = 8 * (offset + len(data)) // 6  # past the last with no bit of the bytes after
        yield encoded[first:last]
