"""The sandbox's OAuth2 token endpoint and the bearer check of API requests.

``POST /oauth/token`` implements the client-credentials grant (RFC 6749 section 4.4) for the
registered clients, which authenticate with ``client_secret_post`` (``client_id`` and
``client_secret`` in the form body, as DataSync's own examples do) or ``client_secret_basic``
(HTTP Basic, RFC 6749 section 2.3.1). Refusals carry RFC 6749 section 5.2 bodies:
``invalid_request`` 400, ``invalid_client`` 401, ``unsupported_grant_type`` 400.

API requests need ``Authorization: Bearer <token>`` where the token is an unexpired access
token from the endpoint, or an HS256 LTI JWT signed with the sandbox's LTI secret (see
``_jwt``). Hand-written because the whole grant is a few dozen lines; an OAuth2 server library
(Authlib, oauthlib) would bring a framework integration and storage model for nothing.

Example::

    issuer = TokenIssuer({"sandbox-client": "sandbox-secret"}, ttl=3600, lti_secret=None,
                         clock=time.time)
    failure = issuer.authenticate(request.headers.get("Authorization"))
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from werkzeug.wrappers import Request, Response

from ._jwt import JWTError, verify_lti_jwt

__all__ = ["AuthFailure", "TokenIssuer"]

REALM = "datasync-grades-sandbox"


@dataclass(frozen=True)
class AuthFailure:
    """Why an API request is not authenticated (RFC 6750 error code, or None when the
    request carried no credentials at all)."""

    error: str | None
    description: str

    def www_authenticate(self) -> str:
        if self.error is None:
            return f'Bearer realm="{REALM}"'
        return (
            f'Bearer realm="{REALM}", error="{self.error}", error_description="{self.description}"'
        )


def _oauth_error(
    status: int, error: str, description: str, *, basic_challenge: bool = False
) -> Response:
    response = Response(
        json.dumps({"error": error, "error_description": description}),
        status=status,
        mimetype="application/json",
    )
    response.headers["Cache-Control"] = "no-store"
    if basic_challenge:
        response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}"'
    return response


class TokenIssuer:
    """Registered clients, issued tokens and their expiry, on the sandbox's clock."""

    def __init__(
        self,
        clients: Mapping[str, str],
        *,
        ttl: float,
        lti_secret: str | None,
        clock: Callable[[], float],
    ) -> None:
        self._clients = dict(clients)
        self.ttl = ttl
        self._lti_secret = lti_secret
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}  # token -> (client_id, expires_at)
        self.issued = 0

    def __repr__(self) -> str:  # never the secrets or tokens
        return f"TokenIssuer(clients={sorted(self._clients)}, ttl={self.ttl})"

    def issue(self, client_id: str) -> str:
        """A fresh access token for ``client_id``, valid for ``ttl`` seconds from now."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            # forget expired tokens so a long soak does not grow the table forever
            self._tokens = {t: v for t, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (client_id, now + self.ttl)
            self.issued += 1
        return token

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    def _client_from_basic(self, header: str) -> tuple[str, str] | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ValueError("malformed Basic credentials") from None
        client_id, sep, client_secret = decoded.partition(":")
        if not sep:
            raise ValueError("malformed Basic credentials")
        # RFC 6749 2.3.1: both parts are form-urlencoded before base64
        return unquote_plus(client_id), unquote_plus(client_secret)

    def token_endpoint(self, request: Request) -> Response:
        """Answer one request to ``/oauth/token``."""
        if request.method != "POST":
            response = _oauth_error(405, "invalid_request", "use POST")
            response.headers["Allow"] = "POST"
            return response
        if request.mimetype != "application/x-www-form-urlencoded":
            return _oauth_error(
                400, "invalid_request", "the body must be application/x-www-form-urlencoded"
            )
        form = request.form
        header = request.headers.get("Authorization")
        try:
            basic = self._client_from_basic(header) if header else None
        except ValueError as exc:
            return _oauth_error(400, "invalid_request", str(exc))
        in_body = "client_secret" in form or "client_id" in form
        if basic is not None and "client_secret" in form:
            return _oauth_error(
                400, "invalid_request", "use one client authentication method, not two"
            )
        grant_type = form.get("grant_type")
        if not grant_type:
            return _oauth_error(400, "invalid_request", "grant_type is missing")
        if grant_type != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type", "only client_credentials is supported"
            )
        if basic is not None:
            client_id, client_secret = basic
        elif in_body:
            client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        else:
            return _oauth_error(
                401, "invalid_client", "no client authentication", basic_challenge=True
            )
        expected = self._clients.get(client_id)
        if expected is None or not hmac.compare_digest(
            expected.encode("utf-8"), client_secret.encode("utf-8")
        ):
            return _oauth_error(
                401, "invalid_client", "client authentication failed", basic_challenge=True
            )
        token = self.issue(client_id)
        expires_in: float = int(self.ttl) if float(self.ttl).is_integer() else self.ttl
        response = Response(
            json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": expires_in}),
            mimetype="application/json",
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    def authenticate(self, authorization: str | None) -> AuthFailure | None:
        """None when ``authorization`` (the header's value) grants access, else why not."""
        if not authorization:
            return AuthFailure(None, "Authentication required: send a Bearer token")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return AuthFailure("invalid_request", "The Authorization header is not a Bearer token")
        now = self._clock()
        with self._lock:
            entry = self._tokens.get(token)
        if entry is not None:
            if now < entry[1]:
                return None
            return AuthFailure("invalid_token", "The access token expired")
        if token.count(".") == 2 and self._lti_secret is not None:
            try:
                verify_lti_jwt(token, self._lti_secret, now=now)
            except JWTError as exc:
                return AuthFailure("invalid_token", f"Invalid LTI JWT: {exc}")
            return None
        return AuthFailure("invalid_token", "The access token is not valid")
