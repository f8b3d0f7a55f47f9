"""The one way the overlay tests' HTTP servers listen: 127.0.0.1, a free port, a daemon thread.

Each test server (scripted, token, paged, artifact, data) subclasses :class:`LoopbackServer`
for its plumbing and keeps only what it answers.
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of concurrent clients must not be refused

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that cancels a request closes its connection mid-answer: expected here.
        # (Printing the traceback from this thread would also race pytest's own use of
        # ``ast`` on Python 3.11, whose traceback module parses source lines.)
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Serves ``handler`` on 127.0.0.1 once :meth:`start` is called; :meth:`stop` ends it."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._httpd = _Server(("127.0.0.1", 0), handler)
        # A short poll keeps stop() fast: shutdown waits for the serving loop to look.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
