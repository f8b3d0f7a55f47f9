"""``Sandbox``: the local Grades Exchange API, served over HTTP on 127.0.0.1.

It runs werkzeug's threaded WSGI server in a background thread, on a free port by default.
werkzeug answers every request with ``Connection: close`` (its server cannot drain unread
request bodies, so it never keeps a connection alive): each request costs a TCP connect, which
benchmarks against the sandbox include alike for every client measured.

The default registered client is ``sandbox-client`` / ``sandbox-secret``, the default LTI JWT
secret ``sandbox-lti-secret``. Time on the server is ``time.time()`` plus an offset a test
moves with :meth:`Sandbox.advance_clock`, so token expiry and schedule throttling are tested
without sleeping.

Example::

    with Sandbox(faults=Faults(latency=0.01)) as sandbox:
        token = httpx.post(sandbox.token_url, data={
            "grant_type": "client_credentials",
            "client_id": sandbox.client_id, "client_secret": sandbox.client_secret,
        }).json()["access_token"]
        [exchange_id] = sandbox.seed_exchanges(1)
        httpx.get(f"{sandbox.base_url}/exchanges/{exchange_id}",
                  headers={"Authorization": f"Bearer {token}"})
        assert sandbox.response_validation_errors == []
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import errno
import json
import logging
import math
import socket
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from ._app import TOKEN_PATH, SandboxApp, Settings
from ._auth import TokenIssuer
from ._faults import FaultCounters, FaultInjector, Faults
from ._jwt import mint_lti_jwt
from ._seeding import REPLAYED_STATES, GradeData, check, pack, replay
from ._spec import base_path, load_spec
from ._state import SandboxState, isoformat
from ._validation import SpecValidator

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_LTI_SECRET",
    "Sandbox",
]

logger = logging.getLogger("datasync_grades_sandbox")

DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_LTI_SECRET = "sandbox-lti-secret"
HOST = "127.0.0.1"

_UNCHANGED: Any = object()


class _Handler(WSGIRequestHandler):
    """werkzeug's handler, logging through ``logging`` at DEBUG instead of to stderr."""

    # A request line too broken to name its version is answered with a status line (not as
    # HTTP/0.9, a bare body no client of this API can read).
    default_request_version = "HTTP/1.0"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # A request refused before it was parsed has no path yet.
        logger.debug("%s %s -> %s", self.command, getattr(self, "path", "-"), code)

    def log(self, type: str, message: str, *args: Any) -> None:
        logger.debug("%s: %s", type, message % args if args else message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, too many headers), as the
        spec's ErrorResponse instead of an HTML page."""
        reason = self.responses.get(code, ("Error", ""))[0]
        logger.debug("refused before routing: %s %s", code, message or reason)
        error = {"status": code, "code": "bad_http_request", "message": message or reason}
        body = json.dumps({"error": error}).encode("utf-8")
        self.send_response(code, reason)
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(body)


class _Server(ThreadedWSGIServer):
    """Remembers its open connections so that stopping closes the keep-alive ones too; a
    connection silent for ``idle_timeout`` seconds is closed (each one holds a thread)."""

    def __init__(self, port: int, app: SandboxApp, idle_timeout: float) -> None:
        self.connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.idle_timeout = idle_timeout
        super().__init__(HOST, port, app, handler=_Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        # Every read and write of the connection then waits at most this long: http.server
        # closes a connection whose request line or headers time out, and the app re-raises
        # a timeout of the body to werkzeug, which closes it too.
        request.settimeout(self.idle_timeout)
        with self._connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            open_connections = list(self.connections)
        for conn in open_connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class Sandbox:
    """A local, stateful Grades Exchange API with an OAuth2 token endpoint.

    Parameters (all keyword-only but ``port``):

    - ``port``: 0 picks a free port.
    - ``faults``: see :class:`Faults`; change at run time with ``sandbox.faults = ...``.
    - ``token_ttl``: seconds an access token lives (``expires_in``).
    - ``clients``: registered OAuth2 clients, id -> secret; the first is ``client_id`` /
      ``client_secret``. Default ``{"sandbox-client": "sandbox-secret"}``.
    - ``lti_secret``: HS256 secret of accepted LTI JWTs (None: JWTs are refused).
    - ``max_page_size``: default and cap of ``page_size``.
    - ``max_data_content_length``: of exchanges created through the API.
    - ``schedule_run_seconds`` / ``schedule_min_interval``: how long a run lasts (409 meanwhile)
      and the least time between run starts (429 before).
    - ``validate_requests`` / ``validate_responses``: openapi-core validation. Measured on the
      2-core dev machine: about 1 ms a request, about 1 ms a one-object response and 20-35 ms
      a 100-item page, against about 1 ms for the whole unvalidated round trip; benchmarks
      turn both off.
    - ``send_paging_next``: add ``paging.next`` to list pages.
    - ``max_body_bytes``: a larger request body gets 413 without being read further.
    - ``idle_timeout``: seconds a connection may stay silent (sending nothing, or not reading
      the answer) before the sandbox closes it.
    - ``seed_data``: start with the demo consumer, schedules, batch exchanges and sections.
    - ``seed``: seeds the ids the state hands out.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        faults: Faults | None = None,
        token_ttl: float = 3600.0,
        clients: Mapping[str, str] | None = None,
        lti_secret: str | None = DEFAULT_LTI_SECRET,
        max_page_size: int = 100,
        max_data_content_length: int = 1_048_576,
        schedule_run_seconds: float = 0.5,
        schedule_min_interval: float = 1.0,
        validate_requests: bool = True,
        validate_responses: bool = True,
        send_paging_next: bool = False,
        max_body_bytes: int = 16 * 1024 * 1024,
        idle_timeout: float = 30.0,
        seed_data: bool = True,
        seed: int = 0,
    ) -> None:
        if max_page_size < 1:
            raise ValueError("max_page_size must be >= 1")
        if not 0 < idle_timeout < math.inf:  # a silent connection must not hold a thread forever
            raise ValueError("idle_timeout must be a positive, finite number of seconds")
        self.idle_timeout = idle_timeout
        clients = (
            dict(clients) if clients is not None else {DEFAULT_CLIENT_ID: DEFAULT_CLIENT_SECRET}
        )
        if not clients:
            raise ValueError("at least one client must be registered")
        self._requested_port = port
        self._clients = clients
        self.client_id, self.client_secret = next(iter(clients.items()))
        self.lti_secret = lti_secret
        self._seed = seed
        self._clock_offset = 0.0
        self._injector = FaultInjector(faults)
        self._tokens = TokenIssuer(clients, ttl=token_ttl, lti_secret=lti_secret, clock=self.now)
        spec = load_spec()
        self._base_path = base_path(spec)
        validator = SpecValidator.shared() if validate_requests or validate_responses else None
        self._app = SandboxApp(
            state=self._fresh_state(seed_data),
            settings=Settings(
                max_page_size=max_page_size,
                max_data_content_length=max_data_content_length,
                schedule_run_seconds=schedule_run_seconds,
                schedule_min_interval=schedule_min_interval,
                validate_requests=validate_requests,
                validate_responses=validate_responses,
                send_paging_next=send_paging_next,
                max_body_bytes=max_body_bytes,
            ),
            tokens=self._tokens,
            faults=self._injector,
            clock=self.now,
            spec=spec,
            validator=validator,
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:  # no secrets
        where = self.base_url if self._server is not None else "stopped"
        return f"<Sandbox {where}>"

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        try:
            server = _Server(self._requested_port, self._app, self.idle_timeout)
        except SystemExit:  # werkzeug exits the process when it cannot bind; a library must not
            raise OSError(
                errno.EADDRINUSE, f"the sandbox cannot listen on {HOST}:{self._requested_port}"
            ) from None
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"datasync-sandbox-{server.server_port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection; idempotent."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return int(self._server.server_port)

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. ``http://127.0.0.1:PORT/v2/grades``."""
        return self.origin + self._base_path

    @property
    def token_url(self) -> str:
        return self.origin + TOKEN_PATH

    # --- knobs and readings --------------------------------------------------------------

    @property
    def state(self) -> SandboxState:
        """The in-memory state; hold ``state.lock`` while changing it under a running server."""
        return self._app.state

    @property
    def settings(self) -> Settings:
        return self._app.settings

    def update_settings(self, **changes: Any) -> None:
        """Change API behaviour at run time, e.g. ``update_settings(validate_responses=False)``."""
        settings = dataclasses.replace(self._app.settings, **changes)
        if (settings.validate_requests or settings.validate_responses) and (
            self._app.validator is None
        ):
            self._app.validator = SpecValidator.shared()
        self._app.settings = settings

    @property
    def faults(self) -> Faults:
        return self._injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._injector.configure(faults)

    def counters(self) -> FaultCounters:
        """A snapshot of requests served and faults injected."""
        return self._injector.counters()

    def reset_counters(self) -> None:
        self._injector.reset_counters()

    @property
    def response_validation_errors(self) -> list[str]:
        """Responses of the sandbox that openapi.yaml does not allow (each a sandbox bug)."""
        return self._app.response_validation_errors

    @property
    def token_ttl(self) -> float:
        return self._tokens.ttl

    @token_ttl.setter
    def token_ttl(self, seconds: float) -> None:
        self._tokens.ttl = seconds

    @property
    def tokens_issued(self) -> int:
        """Access tokens the token endpoint (or :meth:`issue_token`) handed out."""
        return self._tokens.issued

    # --- clock ---------------------------------------------------------------------------

    def now(self) -> float:
        """The server's time, epoch seconds."""
        return time.time() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Move the server's time forward: tokens expire, runs end, throttles lift."""
        self._clock_offset += seconds

    # --- seeding helpers -----------------------------------------------------------------

    def _fresh_state(self, seed_data: bool) -> SandboxState:
        state = SandboxState(seed=self._seed)
        if seed_data:
            state.seed(isoformat(self.now()))
        return state

    def reset(self, *, seed_data: bool = True) -> None:
        """Start over with a fresh state (tokens, counters and faults are kept)."""
        self._app.state = self._fresh_state(seed_data)
        self._app.response_validation_errors.clear()

    def seed_exchanges(
        self,
        count: int,
        *,
        state: str = "created",
        data: GradeData | None = None,
        course_app_id: str | None = None,
        posted_by: str | None = "schedule",
        batch_exchange_id: str | None = None,
        query: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        max_data_content_length: int | None = None,
    ) -> list[str]:
        """Add ``count`` exchanges; returns their ids, oldest first.

        ``processing``, ``completed`` and ``failed`` exchanges are what a producer's push of
        ``data`` (``{"assignments": [...], "summaries": [...]}``, generated models or
        mappings, as ``push_data`` takes them) leaves behind: the data is cut into chunks of at
        most ``max_data_content_length`` bytes and taken by the same code as
        createExchangeData, so ``completed`` ones have artifacts derived from it (no data: a
        push of nothing, one empty final chunk); ``processing`` ones hold it in non-final
        chunks; ``failed`` ones hold it too, then a ``producer_failure`` error saying what was
        received. Data that breaks openapi.yaml raises ``ValueError`` and seeds nothing. Any
        other ``state`` (``created``, or a value of your own) is set as given, without data.
        The default ``query`` asks for the assignment scores of the course ``course_app_id``
        (``scope: course, scope_by: id``), or of every course when there is none. Seeding
        into an existing batch exchange with a ``course_app_id`` adds that course to the
        batch's course-ids report, as the producer's context data would.

        Example::

            [done] = sandbox.seed_exchanges(1, state="completed", data={"assignments": [
                {"name": "Essay 1", "points_possible": 10, "scores": []}]})
        """
        replayed = state in REPLAYED_STATES
        if data is not None and not replayed:
            raise ValueError(f"data needs state {' or '.join(REPLAYED_STATES)}, not {state!r}")
        if query is None and course_app_id is not None:
            condition = {"scope": "course", "scope_by": "id", "scope_id": {"name": course_app_id}}
            query = {"type": "assignment_scores", "conditions": [condition]}
        limit = max_data_content_length or self.settings.max_data_content_length
        bodies: list[bytes] = []
        if replayed and (data is not None or state != "failed"):
            bodies = pack(data or {}, max_bytes=limit, final=state == "completed")
            check(self._app, bodies)
        ids: list[str] = []
        with self.state.lock:
            batch = self.state.batch_exchanges.get(batch_exchange_id or "")
            if count > 0 and batch is not None and course_app_id is not None:
                self._app.add_context_data(batch, [course_app_id])
            for _ in range(count):
                record = self.state.add_exchange(
                    isoformat(self.now()),
                    query=copy.deepcopy(query),
                    metadata=metadata,
                    state="created" if replayed else state,
                    max_data_content_length=limit,
                    course_app_id=course_app_id,
                    batch_exchange_id=batch_exchange_id,
                    posted_by=posted_by,
                )
                if replayed:
                    replay(self._app, record, state, bodies)
                ids.append(record.id)
        return ids

    def set_artifacts(
        self,
        exchange_id: str,
        *,
        details: bytes | None = _UNCHANGED,
        consumer_logs: bytes | None = _UNCHANGED,
    ) -> None:
        """Replace an exchange's artifact bytes (None: the artifact is absent, 404)."""
        with self.state.lock:
            record = self.state.exchanges[exchange_id]
            if details is not _UNCHANGED:
                record.details = details
            if consumer_logs is not _UNCHANGED:
                record.consumer_logs = consumer_logs

    def issue_token(self, client_id: str | None = None) -> str:
        """An access token, as the token endpoint would issue it, without the HTTP round."""
        return self._tokens.issue(client_id or self.client_id)

    def revoke_tokens(self) -> None:
        """Forget every issued access token: the next API call with one gets 401."""
        self._tokens.revoke_all()

    def mint_lti_jwt(self, claims: Mapping[str, Any] | None = None, ttl: float = 300.0) -> str:
        """An LTI JWT the sandbox accepts (signed with its ``lti_secret``, on its clock)."""
        if self.lti_secret is None:
            raise RuntimeError("this sandbox accepts no LTI JWTs (lti_secret=None)")
        return mint_lti_jwt(self.lti_secret, claims, ttl, now=self.now())
