"""The producer's side of the Grades Exchange API, over real HTTP on 127.0.0.1.

``GET /v2/grades/exchanges/{id}`` answers the exchange with ``max_data_content_length``;
``POST .../exchanges/{id}/data`` records the raw body of every chunk and stores it (413 when
it is larger than ``max_data_content_length``); ``POST .../exchanges/{id}/errors`` records
the error and answers it with server fields added. A test can make the Nth data POST fail
(``fail``): with a status, by dropping the connection, or with a 2xx body that does not
parse.

Example::

    with running_data_server(max_data_content_length=500) as server:
        client = DataSync(server.url, auth=...)
        client.exchanges.push_data(EXCHANGE_ID, assignments=[...])
        assert all(len(seen.body) <= 500 for seen in server.stored)
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Literal

from _loopback import LoopbackServer

BASE_PATH = "/v2/grades"
_EXCHANGE = re.compile(rf"^{BASE_PATH}/exchanges/(?P<id>[^/?]+)(?P<rest>/data|/errors)?(?:\?.*)?$")
_STAMP = "2025-07-04T21:46:15.529+00:00"

# How the Nth data POST fails: an HTTP status, a dropped connection (the body was read,
# nothing is answered, nothing stored), a 200 whose body is not the spec's model, a 200
# whose body is not JSON at all, or a 200 whose body is 2 MiB. The last three are stored:
# the server answered 2xx. "drop-stored" stores the chunk, then drops the connection unanswered.
Failure = int | Literal["drop", "drop-stored", "bad-model", "bad-json", "huge"]
HUGE_BODY_BYTES = 2 * 1024 * 1024


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    number: int = 0  # 1-based ordinal among the data POSTs


class DataServer(LoopbackServer):
    """State shared by the handlers; knobs are plain attributes a test may set."""

    def __init__(self, max_data_content_length: int | None = 1_000_000) -> None:
        self.max_data_content_length = max_data_content_length
        self.fail: dict[int, Failure] = {}
        self.exchange_gets: list[Seen] = []
        self.received: list[Seen] = []  # every data POST, whatever happened to it
        self.stored: list[Seen] = []  # data POSTs answered 2xx, in order
        self.stored_ids: list[str] = []
        self.errors: list[Seen] = []
        self._lock = threading.Lock()
        super().__init__(_handler(self))

    @property
    def url(self) -> str:
        return super().url + BASE_PATH

    def stored_bodies(self) -> list[dict[str, Any]]:
        return [json.loads(seen.body) for seen in self.stored]

    # -- answers, called from handler threads --

    def exchange(self, exchange_id: str) -> dict[str, Any]:
        data: dict[str, Any] = {"id": exchange_id, "state": "created", "error_count": 0}
        if self.max_data_content_length is not None:
            data["max_data_content_length"] = self.max_data_content_length
        return {"data": data}

    def data_post(self, seen: Seen) -> tuple[int, bytes] | None:
        """(status, body) to answer, or None to drop the connection."""
        with self._lock:
            seen.number = len(self.received) + 1
            self.received.append(seen)
            failure = self.fail.get(seen.number)
            limit = self.max_data_content_length
            if failure == "drop":
                return None
            if isinstance(failure, int):
                return failure, _error_body(failure, "scripted failure")
            if limit is not None and len(seen.body) > limit:
                return 413, _error_body(413, f"{len(seen.body)} bytes > {limit}")
            self.stored.append(seen)
            chunk_id = str(uuid.uuid4())
            self.stored_ids.append(chunk_id)
        if failure == "drop-stored":
            return None
        if failure == "bad-model":
            return 200, json.dumps({"data": {"id": "not-a-uuid"}}).encode()
        if failure == "bad-json":
            return 200, b'{"data": {'
        if failure == "huge":
            padding = "x" * HUGE_BODY_BYTES
            return 200, json.dumps({"data": {"id": chunk_id, "padding": padding}}).encode()
        stored = {"id": chunk_id, "created_at": _STAMP, "updated_at": _STAMP}
        return 200, json.dumps({"data": stored}).encode()

    def error_post(self, seen: Seen) -> tuple[int, bytes]:
        with self._lock:
            self.errors.append(seen)
        sent = json.loads(seen.body)
        stored = {
            "id": str(uuid.uuid4()),
            "created_at": _STAMP,
            "updated_at": _STAMP,
            "message": "recorded",
            **sent,
        }
        return 200, json.dumps({"data": stored}).encode()


def _error_body(status: int, message: str) -> bytes:
    return json.dumps({"error": {"status": status, "message": message}}).encode()


def _handler(server: DataServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

        def _seen(self) -> Seen:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            return Seen(self.command, self.path, headers, body)

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            seen = self._seen()
            match = _EXCHANGE.match(self.path)
            if match is None or match["rest"]:
                self._send(404, _error_body(404, "no such resource"))
                return
            with server._lock:
                server.exchange_gets.append(seen)
            self._send(200, json.dumps(server.exchange(match["id"])).encode())

        def do_POST(self) -> None:
            seen = self._seen()
            match = _EXCHANGE.match(self.path)
            if match is None or not match["rest"]:
                self._send(404, _error_body(404, "no such resource"))
                return
            if match["rest"] == "/errors":
                self._send(*server.error_post(seen))
                return
            answer = server.data_post(seen)
            if answer is None:
                self.close_connection = True  # no answer at all: the client sees a disconnect
                return
            self._send(*answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def running_data_server(max_data_content_length: int | None = 1_000_000) -> Iterator[DataServer]:
    """A started :class:`DataServer`, stopped on exit."""
    server = DataServer(max_data_content_length)
    server.start()
    try:
        yield server
    finally:
        server.stop()
