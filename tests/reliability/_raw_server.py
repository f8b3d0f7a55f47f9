"""A TCP server on 127.0.0.1 that answers every HTTP request with bytes a test scripts.

``http.server`` and werkzeug build well-formed responses; a hostile answer (a status with no
IANA name, a body that never ends, a truncated gzip, a header a server should never send) needs
the raw bytes, so this server parses only the request and writes whatever the responder yields,
then closes the connection.

Example::

    with RawServer(lambda request: [http_response(520, b"oops")]) as server:
        httpx.get(server.url + "/anything")
        assert server.requests[0].method == "GET"
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Self

__all__ = ["RawRequest", "RawServer", "Responder", "http_response", "json_response"]


@dataclass(frozen=True)
class RawRequest:
    """One request as received: header names lower-cased."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Responder = Callable[[RawRequest], Iterable[bytes]]


def http_response(
    status: int,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    *,
    reason: str = "Scripted",
    content_length: bool = True,
) -> bytes:
    """A complete HTTP/1.1 response; ``Connection: close`` unless ``headers`` say otherwise."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    all_headers = {"Connection": "close", **(headers or {})}
    if content_length:
        all_headers.setdefault("Content-Length", str(len(body)))
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_response(body: bytes | str, status: int = 200, **headers: str) -> bytes:
    """``http_response`` labelled ``application/json`` (the body is sent as given)."""
    raw = body.encode() if isinstance(body, str) else body
    return http_response(status, raw, {"Content-Type": "application/json", **headers})


class _Handler(socketserver.StreamRequestHandler):
    server: _TCPServer

    def handle(self) -> None:
        try:
            while self._handle_one() and self.server.owner.keep_alive:
                pass
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what several hostile tests expect

    def _handle_one(self) -> bool:
        """Read one request and write the responder's bytes; False when the client left."""
        request_line = self.rfile.readline(65536).decode("latin-1").strip()
        if not request_line:
            return False
        method, target, *_ = [*request_line.split(" "), "", ""]
        headers: dict[str, str] = {}
        while True:
            line = self.rfile.readline(65536).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = RawRequest(method, target, headers, body)
        owner = self.server.owner
        with owner.lock:
            owner.requests.append(request)
            responder = owner.responder
        for piece in responder(request):
            self.wfile.write(piece)
            self.wfile.flush()
        return True


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: RawServer


class RawServer:
    """Serves ``responder(request)`` (an iterable of bytes, written as it is produced).

    ``stopping`` is set when the server stops: a responder that streams forever must check
    it, so that no thread outlives the test. With ``keep_alive`` a connection serves request
    after request until the client closes it (the responses must then say
    ``Connection: keep-alive`` and carry a length); without it, one request per connection.
    """

    def __init__(self, responder: Responder | None = None, *, keep_alive: bool = False) -> None:
        self.keep_alive = keep_alive
        self.lock = threading.Lock()
        self.requests: list[RawRequest] = []
        self.responder: Responder = responder or (lambda _: [http_response(418)])
        self.stopping = threading.Event()
        self._server = _TCPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="raw-http-server",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, responder: Responder) -> None:
        """Use ``responder`` for the requests from now on."""
        with self.lock:
            self.responder = responder

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
