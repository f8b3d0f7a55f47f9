"""HS256 JSON Web Tokens for the sandbox's LTI JWT bearer scheme, stdlib only.

The sandbox accepts, besides OAuth2 access tokens, an ``Authorization: Bearer <JWT>`` signed
with HS256 and a shared secret (``Sandbox(lti_secret=...)``). A test mints one with
:func:`mint_lti_jwt`. Only HS256 with a required ``exp`` is needed here, which is a few lines
of ``hmac``/``json``/``base64``; a JWT library (PyJWT, joserfc) would be one more dependency
of the sandbox extra for no gain.

Example::

    token = mint_lti_jwt("sandbox-lti-secret", claims={"sub": "teacher-1"}, ttl=60)
    httpx.get(f"{base_url}/consumer", headers={"Authorization": f"Bearer {token}"})
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Mapping
from typing import Any, TypeGuard

__all__ = ["JWTError", "mint_lti_jwt", "verify_lti_jwt"]


class JWTError(Exception):
    """The token is malformed, wrongly signed, or outside its validity period."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def _b64url_decode(text: str) -> bytes:
    # Strict, as RFC 7515 section 2 asks: base64's decoder skips characters outside its
    # alphabet, so a signature with junk inserted would still verify. Only the unpadded
    # url-safe alphabet, and only the canonical encoding (re-encoding gives the same text).
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise JWTError("malformed base64url segment")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64url(data) != text:
        raise JWTError("malformed base64url segment")
    return data


def _sign(signing_input: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), signing_input, hashlib.sha256).digest()


def mint_lti_jwt(
    secret: str,
    claims: Mapping[str, Any] | None = None,
    ttl: float = 300.0,
    *,
    now: float | None = None,
) -> str:
    """An HS256 JWT with ``iat`` and ``exp = iat + ttl`` (epoch seconds) plus ``claims``.

    ``claims`` override the defaults (``iss``, ``sub``, ``iat``, ``exp``); a negative ``ttl``
    mints an already expired token. ``now`` defaults to ``time.time()``.
    """
    issued = int(time.time() if now is None else now)
    payload: dict[str, Any] = {
        "iss": "datasync-grades-sandbox",
        "sub": "lti-user",
        "iat": issued,
        "exp": issued + int(ttl),
    }
    payload.update(claims or {})
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = (
        _b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64url(json.dumps(payload, separators=(",", ":")).encode())
    )
    return signing_input + "." + _b64url(_sign(signing_input.encode("ascii"), secret))


def verify_lti_jwt(token: str, secret: str, *, now: float) -> dict[str, Any]:
    """The claims of ``token`` if it is an HS256 JWT signed with ``secret`` and valid at ``now``.

    Raises :class:`JWTError` otherwise; the message says why, never echoing the token.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise JWTError("not a JWT")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise JWTError("malformed JWT") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JWTError("malformed JWT")
    if header.get("alg") != "HS256":
        # Anything else, "none" included, is refused: the secret is the only trust anchor.
        raise JWTError("unsupported JWT algorithm")
    expected = _sign(f"{parts[0]}.{parts[1]}".encode("ascii"), secret)
    if not hmac.compare_digest(expected, _b64url_decode(parts[2])):
        raise JWTError("bad JWT signature")
    exp = claims.get("exp")
    if not _finite_number(exp):
        raise JWTError("JWT has no finite numeric exp claim")
    if now >= exp:
        raise JWTError("JWT expired")
    nbf = claims.get("nbf", now)
    if not _finite_number(nbf):
        raise JWTError("JWT nbf claim is not a finite number")
    if now < nbf:
        raise JWTError("JWT not yet valid")
    return claims


def _finite_number(value: object) -> TypeGuard[int | float]:
    # json.loads reads NaN, Infinity and 1e999 as floats, and a NaN or infinite exp never
    # expires (every comparison with NaN is false); a bool is an int to Python, not to JSON.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or math.isfinite(value)
