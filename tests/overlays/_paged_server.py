"""A paged list API over HTTP on 127.0.0.1, for the pagination tests.

Serves, under ``/v2/grades``, the spec's list and count endpoints from in-memory lists:
``/exchanges`` (filters ``state``, ``course_app_id``, ``posted_by``), ``/exchanges/count``,
``/exchanges/{id}/errors``, ``/batch_exchanges``, ``/batch_exchanges/count`` and
``/schedules``. Pages are numbered from 0; ``page_size`` defaults to, and is capped at,
``max_page_size``. Knobs a test may turn are plain attributes; every request is recorded.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from _loopback import LoopbackServer

PREFIX = "/v2/grades"
Item = dict[str, Any]


@dataclass(frozen=True)
class Seen:
    """One request as the server received it (path without the prefix, decoded query)."""

    path: str
    query: dict[str, list[str]]

    @property
    def page(self) -> int | None:
        values = self.query.get("page")
        return int(values[-1]) if values else None


def item_id(n: int) -> str:
    """The id of the n-th item the server made: readable back with ``number_of``."""
    return str(uuid.UUID(int=n))


def number_of(item_id_: object) -> int:
    return uuid.UUID(str(item_id_)).int


class PagedServer(LoopbackServer):
    """The lists and the knobs; start with :func:`running`."""

    def __init__(self, max_page_size: int = 10) -> None:
        self.max_page_size = max_page_size
        self.exchanges: list[Item] = []
        self.errors: dict[str, list[Item]] = {}
        self.batch_exchanges: list[Item] = []
        self.schedules: list[Item] = []
        # Knobs.
        self.latency = 0.0  # seconds every request takes
        self.page_latency: dict[int, float] = {}  # per page number, instead of ``latency``
        self.ignore_page = False  # serve page 0 whatever page is asked: the repeated page
        self.fail_pages: dict[int, int] = {}  # page number -> status sent instead
        # (page, page size, total) -> paging.next; None: no paging object at all
        self.paging_next: Callable[[int, int, int], str | None] | None = None
        # Called with (server, resource, page) under the lock before a page is cut: a test
        # changes the lists here to change the total mid-iteration.
        self.before_page: Callable[[PagedServer, str, int], None] | None = None
        self.count_body: bytes | None = None  # sent instead of the real count
        # Page numbers held until a request for each of them has arrived (5 s at most):
        # makes concurrency observable without depending on timing.
        self.together: frozenset[int] = frozenset()
        self._barrier: threading.Barrier | None = None
        # Observations.
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self._serial = 0
        super().__init__(_handler(self))

    @property
    def base_url(self) -> str:
        return self.url + PREFIX

    # -- data ------------------------------------------------------------------------------

    def new_id(self) -> str:
        self._serial += 1
        return item_id(self._serial)

    def add_exchanges(self, n: int, *, state: str = "created", course_app_id: str = "c1") -> None:
        for _ in range(n):
            ident = self.new_id()
            self.exchanges.append({"id": ident, "state": state, "course_app_id": course_app_id})

    def add_errors(self, exchange_id: str, n: int) -> None:
        errors = self.errors.setdefault(exchange_id, [])
        for _ in range(n):
            errors.append({"id": self.new_id(), "code": "producer_error", "message": "boom"})

    def add_batch_exchanges(self, n: int) -> None:
        for _ in range(n):
            self.batch_exchanges.append({"id": self.new_id(), "state": "created"})

    def add_schedules(self, n: int) -> None:
        for _ in range(n):
            ident = self.new_id()
            self.schedules.append({"id": ident, "name": ident[-4:], "enabled": True})

    def pages_requested(self, resource_path: str) -> list[int]:
        """The page numbers asked of one list path, in arrival order."""
        with self.lock:
            return [s.page for s in self.requests if s.path == resource_path and s.page is not None]

    # -- serving ---------------------------------------------------------------------------

    def wait_together(self, seen: Seen) -> None:
        if seen.page not in self.together or seen.path.endswith("/count"):
            return
        with self.lock:
            if self._barrier is None:
                self._barrier = threading.Barrier(len(self.together), timeout=30.0)
            barrier = self._barrier
        # Broken: they did not come together, and the test's assertion will say so.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, Any]:
        """(status, JSON body) for a GET; runs under the lock."""
        parts = path.strip("/").split("/")
        if parts == ["exchanges"]:
            return self._page("exchanges", self._filtered(query), query)
        if parts == ["exchanges", "count"]:
            return self._count(self._filtered(query))
        if len(parts) == 3 and parts[0] == "exchanges" and parts[2] == "errors":
            if parts[1] not in self.errors:
                return 404, _error(404, "exchange not found")
            return self._page("errors", self.errors[parts[1]], query)
        if parts == ["batch_exchanges"]:
            return self._page("batch_exchanges", self.batch_exchanges, query)
        if parts == ["batch_exchanges", "count"]:
            return self._count(self.batch_exchanges)
        if parts == ["schedules"]:
            return self._page("schedules", self.schedules, query)
        return 404, _error(404, "no such path")

    def _filtered(self, query: dict[str, list[str]]) -> list[Item]:
        wanted = {k: v[-1] for k, v in query.items() if k in ("state", "course_app_id")}
        return [e for e in self.exchanges if all(e.get(k) == v for k, v in wanted.items())]

    def _count(self, items: list[Item]) -> tuple[int, Any]:
        if self.count_body is not None:
            return 200, _Raw(self.count_body)
        return 200, len(items)

    def _page(
        self, resource: str, items: list[Item], query: dict[str, list[str]]
    ) -> tuple[int, Any]:
        try:
            page = int(query.get("page", ["0"])[-1])
            size = int(query.get("page_size", [str(self.max_page_size)])[-1])
        except ValueError:
            return 400, _error(400, "page and page_size must be integers")
        if page < 0 or size < 1:
            return 400, _error(400, "page >= 0, page_size >= 1")
        if page in self.fail_pages:
            status = self.fail_pages[page]
            return status, _error(status, f"page {page} failed")
        if self.before_page is not None:
            self.before_page(self, resource, page)
            if resource == "exchanges":  # the hook may have changed the list
                items = self._filtered(query)
            elif resource == "batch_exchanges":
                items = self.batch_exchanges
            elif resource == "schedules":
                items = self.schedules
        if self.ignore_page:
            page = 0
        size = min(size, self.max_page_size)
        body: dict[str, Any] = {"data": items[page * size : (page + 1) * size]}
        if self.paging_next is not None:
            body["paging"] = {"next": self.paging_next(page, size, len(items))}
        return 200, body


@dataclass(frozen=True)
class _Raw:
    content: bytes


def _error(status: int, message: str) -> Item:
    return {"error": {"status": status, "code": "error", "message": message}}


def _handler(server: PagedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            path = split.path.removeprefix(PREFIX)
            query = parse_qs(split.query)
            seen = Seen(path, query)
            with server.lock:
                server.requests.append(seen)
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                server.wait_together(seen)
                delay = server.page_latency.get(seen.page or 0, server.latency)
                if delay:
                    time.sleep(delay)
                with server.lock:
                    status, body = server.answer(path, query)
            finally:
                # Counted out before the answer is written: once the client has it, it may
                # send the next request, and the two must not be seen in flight together.
                with server.lock:
                    server.in_flight -= 1
            content = body.content if isinstance(body, _Raw) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    return Handler


@contextlib.contextmanager
def running(max_page_size: int = 10) -> Iterator[PagedServer]:
    """A started server on a free port of 127.0.0.1, stopped on exit."""
    server = PagedServer(max_page_size)
    server.start()
    try:
        yield server
    finally:
        server.stop()
