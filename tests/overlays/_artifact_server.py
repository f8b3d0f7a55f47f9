"""An HTTP/1.1 server on 127.0.0.1 that serves artifact bodies exactly as a test sets them.

Routes (under ``/v2/grades``): ``GET /exchanges/{id}/artifacts/details``,
``GET /exchanges/{id}/artifacts/consumerlogs``,
``GET /batch_exchanges/{id}/reports/course_ids``, and ``GET /exchanges/{id}`` (``exchange``:
an ordinary JSON operation, for bodies read whole). A test sets the answer for one route and
id with :meth:`ArtifactServer.serve`; a known route with no answer set gets a 404 with a
JSON error body (an artifact that was not produced), any other path a 418 (so a wrong URL
cannot pass for a missing artifact).

A body is bytes (sent with ``Content-Length``, in 64 KiB writes) or a factory of an
iterable of bytes (sent as produced, with chunked transfer encoding, never held whole:
a 64 MiB artifact or a 1 GiB bomb costs the server one piece at a time). ``cut_after``
drops the connection after that many body bytes. Every request is recorded with the body
bytes the server managed to write and whether it finished.

Example::

    server.serve("details", exchange_id, Reply(body=gzip.compress(b"{}", mtime=0)))
    client.artifacts.get_exchange_details(exchange_id).json()
    assert server.last_answer_complete()
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from _loopback import LoopbackServer

PREFIX = "/v2/grades"
ROUTES = {
    "details": "/exchanges/{id}/artifacts/details",
    "consumerlogs": "/exchanges/{id}/artifacts/consumerlogs",
    "course_ids": "/batch_exchanges/{id}/reports/course_ids",
    "exchange": "/exchanges/{id}",
}
_ROUTE_PATTERNS = [
    re.compile(re.escape(PREFIX + path).replace(re.escape("{id}"), "[^/]+") + "$")
    for path in ROUTES.values()
]
_WRITE_SIZE = 64 * 1024


@dataclass
class Reply:
    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    content_type: str | None = "application/gzip"
    headers: dict[str, str] = field(default_factory=dict)
    cut_after: int | None = None  # body bytes sent before the connection is dropped


@dataclass
class Served:
    """One request, and how far the answer got."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    sent: int = 0  # body bytes written to the socket
    complete: bool = False


class ArtifactServer(LoopbackServer):
    """See the module docstring. ``base_url`` is the API root to give the client."""

    def __init__(self) -> None:
        self._replies: dict[str, Reply] = {}
        self._lock = threading.Lock()
        self.requests: list[Served] = []
        super().__init__(_handler(self))

    @property
    def base_url(self) -> str:
        return self.url + PREFIX

    @staticmethod
    def path(route: str, id: object) -> str:
        return PREFIX + ROUTES[route].format(id=id)

    def last_answer_complete(self, within: float = 5.0) -> bool:
        """Whether the last answer was written whole. The client can read the last byte before
        the server's thread records it (``sent``, ``complete``): wait for that, boundedly."""
        deadline = time.monotonic() + within
        while not self.requests[-1].complete and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.requests[-1].complete

    def serve(self, route: str, id: object, reply: Reply) -> None:
        with self._lock:
            self._replies[self.path(route, id)] = reply

    def _reply_for(self, path: str) -> Reply:
        with self._lock:
            reply = self._replies.get(path)
        if reply is not None:
            return reply
        if any(pattern.match(path) for pattern in _ROUTE_PATTERNS):
            error = {"error": {"status": 404, "message": "artifact not available"}}
            return Reply(404, json.dumps(error).encode(), "application/json")
        return Reply(418, b"no such route: " + path.encode(), "text/plain")


@contextmanager
def running() -> Iterator[ArtifactServer]:
    server = ArtifactServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _handler(server: ArtifactServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            served = Served(
                url.path,
                parse_qs(url.query),
                {name.lower(): value for name, value in self.headers.items()},
            )
            with server._lock:
                server.requests.append(served)
            reply = server._reply_for(url.path)
            self.close_connection = True
            self.send_response(reply.status)
            if reply.content_type is not None:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            chunked = not isinstance(reply.body, bytes)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                assert isinstance(reply.body, bytes)
                self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            pieces: Iterable[bytes] = (
                _split(reply.body) if isinstance(reply.body, bytes) else reply.body()
            )
            try:
                for piece in pieces:
                    if reply.cut_after is not None:
                        piece = piece[: max(0, reply.cut_after - served.sent)]
                    if piece:
                        if chunked:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        else:
                            self.wfile.write(piece)
                        served.sent += len(piece)
                    if reply.cut_after is not None and served.sent >= reply.cut_after:
                        self.wfile.flush()
                        return  # the connection closes with the body unfinished
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                served.complete = True
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading: what a bomb test wants

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _split(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), _WRITE_SIZE):
        yield body[start : start + _WRITE_SIZE]
