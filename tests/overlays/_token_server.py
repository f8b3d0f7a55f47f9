"""A real OAuth2 token endpoint, and an API it protects, over HTTP on 127.0.0.1.

``POST /oauth/token`` does the client-credentials grant (RFC 6749 4.4): it checks the client's
credentials, whether sent in the body or with HTTP Basic, and issues random bearer tokens.
``/api/...`` answers 200 to a valid bearer token and 401 to anything else. Everything either side
saw is recorded, for tests to count and inspect. It also answers requests sent to it as an HTTP
proxy (absolute-form targets; ``Seen.proxied``), as if it had forwarded them, and serves TLS when
given an ``ssl.SSLContext``.
"""

from __future__ import annotations

import base64
import json
import secrets
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

from _loopback import LoopbackServer


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    proxied: bool = False  # sent to this server as a proxy (an absolute-form target)


class OAuthServer(LoopbackServer):
    """The state both endpoints share; knobs a test may turn are plain attributes."""

    def __init__(
        self, client_id: str, client_secret: str, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in: int | None = 3600  # None: the token response has no expires_in
        self.token_delay = 0.0  # seconds the token endpoint takes to answer
        # (status, content type, body) sent instead of running the grant
        self.canned: tuple[int, str, bytes] | None = None
        self.api_always_401 = False
        # The API's 401 body quotes the Authorization header it got, as a careless server may.
        self.api_echo = False
        # "json" / "text": the token endpoint answers 400 quoting the form and Authorization
        # header it got (both as sent: form-encoded, base64).
        self.token_echo: str | None = None
        # How an issued token is written in the token response (the API knows the real one).
        self.issue_as: Callable[[str], str] = lambda token: token
        self.token_requests: list[Seen] = []
        self.api_requests: list[Seen] = []
        self.issued: list[str] = []
        self._valid: set[str] = set()
        self._lock = threading.Lock()
        super().__init__(_handler(self))
        self._tls = ssl_context is not None
        if ssl_context is not None:
            self._httpd.socket = ssl_context.wrap_socket(self._httpd.socket, server_side=True)

    @property
    def url(self) -> str:
        plain = super().url
        return "https" + plain[len("http") :] if self._tls else plain

    @property
    def token_url(self) -> str:
        return f"{self.url}/oauth/token"

    def revoke_all(self) -> None:
        """Every token issued so far now gets a 401 from the API."""
        with self._lock:
            self._valid.clear()

    # -- the two endpoints, called from the handler's threads ---------------------------------

    def token(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.token_requests.append(seen)
        if self.token_delay:
            time.sleep(self.token_delay)
        if self.token_echo is not None:
            return 400, {}  # the handler writes the echo
        if seen.form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        basic = seen.headers.get("authorization", "")
        in_body = "client_id" in seen.form or "client_secret" in seen.form
        if basic.startswith("Basic ") and in_body:
            return 400, {"error": "invalid_request", "error_description": "two client auths"}
        if basic.startswith("Basic "):
            raw_id, _, raw_secret = base64.b64decode(basic[6:]).decode().partition(":")
            client_id, client_secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        else:
            client_id = seen.form.get("client_id", "")
            client_secret = seen.form.get("client_secret", "")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client", "error_description": "unknown client"}
        token = f"at-{secrets.token_hex(12)}"
        with self._lock:
            self.issued.append(token)
            self._valid.add(token)
        body: dict[str, Any] = {"access_token": self.issue_as(token), "token_type": "Bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        if "scope" in seen.form:
            body["scope"] = seen.form["scope"]
        return 200, body

    def api(self, seen: Seen) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.api_requests.append(seen)
            scheme, _, token = seen.headers.get("authorization", "").partition(" ")
            valid = scheme == "Bearer" and token in self._valid
        if self.api_always_401 or not valid:
            error: dict[str, Any] = {"status": 401, "code": "unauthorized"}
            if self.api_echo:
                error["message"] = f"rejected Authorization: {seen.headers.get('authorization')}"
            return 401, {"error": error}
        return 200, {"data": {"echo": seen.body.decode()}}


def _handler(server: OAuthServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            body = self._read_body()
            target = urlsplit(self.path)
            proxied = bool(target.scheme)
            path = target.path + (f"?{target.query}" if target.query else "")
            seen = Seen(
                self.command,
                path,
                {k.lower(): v for k, v in self.headers.items()},
                body,
                {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()},
                proxied,
            )
            if path == "/oauth/token" and self.command == "POST":
                if server.canned is not None:
                    with server._lock:
                        server.token_requests.append(seen)
                    time.sleep(server.token_delay)
                    self._send(*server.canned)
                    return
                status, payload = server.token(seen)
                if server.token_echo is not None:
                    self._echo(server.token_echo, seen)
                    return
            elif path.startswith("/api/"):
                status, payload = server.api(seen)
            else:
                status, payload = 404, {"error": "not_found"}
            self._send(status, "application/json", json.dumps(payload).encode())

        def _read_body(self) -> bytes:
            if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = b""
            while size := int(self.rfile.readline().split(b";")[0], 16):
                body += self.rfile.read(size)
                self.rfile.readline()  # the CRLF after each chunk
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return body

        def _echo(self, kind: str, seen: Seen) -> None:
            said = f"got {seen.body.decode()} with {seen.headers.get('authorization')}"
            if kind == "json":
                body = {"error": "invalid_request", "error_description": said, "echo": [said]}
                self._send(400, "application/json", json.dumps(body).encode())
            else:
                self._send(400, "text/plain", said.encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if status == 401:
                self.send_header("WWW-Authenticate", 'Bearer realm="test"')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler


@contextmanager
def running(
    client_id: str, client_secret: str, ssl_context: ssl.SSLContext | None = None
) -> Iterator[OAuthServer]:
    server = OAuthServer(client_id, client_secret, ssl_context)
    server.start()
    try:
        yield server
    finally:
        server.stop()
