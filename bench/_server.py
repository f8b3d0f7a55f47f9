"""A minimal HTTP/1.1 keep-alive server for the benchmarks, run in a process of its own.

It serves, under ``/v2/grades``, only what the benchmarks ask for, from fixed bytes:

- ``POST /oauth/token``: a client-credentials token (``expires_in`` one hour);
- ``GET /v2/grades/exchanges/{id}``: one fixed ``ExchangeResponse``;
- ``GET /v2/grades/exchanges?page=&page_size=`` and ``/exchanges/count``: a list of
  ``--items`` exchanges, after ``--latency`` seconds each;
- ``GET /v2/grades/exchanges/{id}/artifacts/details``: the file ``--artifact``, streamed
  (``application/gzip``) with ``sendfile``;
- ``GET /_stats``: how many token and API requests it answered.

API requests need an ``Authorization: Bearer ...`` header; any token is accepted.

Usage (the parent reads the port from the first line of stdout)::

    python -m bench._server --latency 0.02 --items 1995
    -> "READY 40123"

Why hand-written, and not the sandbox or ``http.server``: the benchmarks measure the
client, so the server must cost little and run outside the client's process (no shared
GIL). The sandbox validates every message against the spec (milliseconds per request)
and ``http.server`` parses headers with the ``email`` package; this asyncio loop answers
a keep-alive request in tens of microseconds, serves many connections at once (the
latency is an ``asyncio.sleep``, so concurrent pages wait in parallel, as with a
threaded server) and streams a file with ``sendfile``. Only the standard library is
imported, so it starts in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from typing import Any
from urllib.parse import parse_qs

__all__ = ["EXCHANGE_ID", "EXCHANGE_RESPONSE", "main"]

EXCHANGE_ID = "3f1c2b7a-9d4e-4c21-8a6b-5e0f7d9c1a23"
PREFIX = "/v2/grades"


def exchange(exchange_id: str) -> dict[str, Any]:
    """An Exchange as the documented example shows it, with the read-only fields set."""
    return {
        "id": exchange_id,
        "created_at": "2025-07-04T21:46:15.529Z",
        "updated_at": "2025-07-04T21:46:15.529Z",
        "query": {
            "type": "assignment_scores",
            "conditions": [
                {
                    "scope": "course",
                    "scope_by": "id",
                    "scope_id": {
                        "name": "Biology 101",
                        "$sys": {
                            "id": "123e4567-e89b-12d3-a456-426614174000",
                            "source_id": {"sis": "BIO-101"},
                            "app_id": {"canvas": "4711"},
                            "created_at": "2025-07-04T21:46:15.529Z",
                            "updated_at": "2025-07-04T21:46:15.529Z",
                        },
                    },
                    "graded_after": "2025-07-04T21:46:15.529Z",
                    "assignment_ids": ["a-1", "a-2"],
                    "summary_type": "final",
                }
            ],
        },
        "metadata": {},
        "state": "created",
        "max_data_content_length": 1_000_000,
        "error_count": 0,
        "course_app_id": "canvas-4711",
        "batch_exchange_id": "b-1",
    }


EXCHANGE_RESPONSE = json.dumps({"data": exchange(EXCHANGE_ID)}).encode()
TOKEN_RESPONSE = json.dumps(
    {"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600}
).encode()
_REASONS = {200: "OK", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed"}


def _exchange_id(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


class Server:
    def __init__(self, *, latency: float, items: int, artifact: str | None) -> None:
        self.latency = latency
        self.items = items
        self.artifact = artifact
        self.counts = {"token": 0, "api": 0}
        self._item_cache: dict[int, bytes] = {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                if length:
                    await reader.readexactly(length)
                await self.respond(method, target, headers, writer)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    return
        except ConnectionError:
            return
        finally:
            writer.close()

    async def respond(
        self, method: str, target: str, headers: dict[str, str], writer: asyncio.StreamWriter
    ) -> None:
        path, _, query = target.partition("?")
        if path == "/oauth/token" and method == "POST":
            self.counts["token"] += 1
            return _write(writer, 200, TOKEN_RESPONSE)
        if path == "/_stats":
            return _write(writer, 200, json.dumps(self.counts).encode())
        if not path.startswith(PREFIX + "/"):
            return _write(writer, 404, b'{"error":{"status":404}}')
        if not headers.get("authorization", "").startswith("Bearer "):
            return _write(writer, 401, b'{"error":{"status":401}}')
        self.counts["api"] += 1
        parts = path[len(PREFIX) + 1 :].split("/")
        if parts[0] != "exchanges" or method != "GET":
            return _write(writer, 405, b'{"error":{"status":405}}')
        if len(parts) == 2 and parts[1] != "count":
            return _write(writer, 200, EXCHANGE_RESPONSE)
        if self.latency:
            await asyncio.sleep(self.latency)
        if len(parts) == 1:
            return _write(writer, 200, self.page(parse_qs(query)))
        if parts[1:] == ["count"]:
            return _write(writer, 200, str(self.items).encode())
        if parts[2:] == ["artifacts", "details"] and self.artifact is not None:
            return await self.send_file(writer, self.artifact)
        return _write(writer, 404, b'{"error":{"status":404}}')

    def page(self, query: dict[str, list[str]]) -> bytes:
        number = int(query.get("page", ["0"])[0])
        size = int(query.get("page_size", ["10"])[0])
        first = min(number * size, self.items)
        last = min(first + size, self.items)
        data = b",".join(self.item(n) for n in range(first, last))
        return b'{"data":[' + data + b"]}"

    def item(self, number: int) -> bytes:
        cached = self._item_cache.get(number)
        if cached is None:
            cached = self._item_cache[number] = json.dumps(exchange(_exchange_id(number))).encode()
        return cached

    async def send_file(self, writer: asyncio.StreamWriter, path: str) -> None:
        size = os.path.getsize(path)
        writer.write(_head(200, size, "application/gzip"))
        await writer.drain()
        loop = asyncio.get_running_loop()
        with open(path, "rb") as file:
            await loop.sendfile(writer.transport, file)


def _head(status: int, length: int, content_type: str = "application/json") -> bytes:
    return (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def _write(writer: asyncio.StreamWriter, status: int, body: bytes) -> None:
    writer.write(_head(status, len(body)) + body)


async def serve(server: Server) -> None:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, backlog=1024)
    port = listener.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    async with listener:
        await listener.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per list page")
    parser.add_argument("--items", type=int, default=0, help="exchanges in the list")
    parser.add_argument("--artifact", help="the gzip file served as the details artifact")
    args = parser.parse_args(argv)
    server = Server(latency=args.latency, items=args.items, artifact=args.artifact)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(server))
    sys.exit(0)


if __name__ == "__main__":
    main()
