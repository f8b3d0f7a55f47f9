"""The sandbox's WSGI application: routing, faults, auth, validation and the 19 operations.

A request goes through, in order:

1. the fault injector (API paths; the token endpoint only when configured): added latency,
   a dropped connection, a 429 burst or a 503;
2. routing, from the spec's paths under its base path (``/v2/grades``); ``/oauth/token`` is the
   token endpoint, outside the base path as in production;
3. authentication: a Bearer access token or LTI JWT, else 401 with ``WWW-Authenticate``;
4. request validation against openapi.yaml: 400 with the validator's message;
5. the operation's handler, on the in-memory state (one lock: handlers are short);
6. response validation: a response the spec does not allow is a sandbox bug, answered 500
   and recorded in ``response_validation_errors``.

Behaviour the spec leaves open, and what the sandbox does:

- pages are numbered from 0; ``page_size`` defaults to, and is capped at, the maximum page
  size; a page past the end is empty; ``paging`` is left out, as in the documented example,
  unless ``send_paging_next`` asks for ``{"next": <URL or null>}``;
- a data chunk for a completed or failed exchange gets 409; a chunk larger than
  ``max_data_content_length`` bytes gets 413;
- runSchedule: 204 when queued; 409 while the schedule is disabled or its previous run (which
  lasts ``schedule_run_seconds``) is in progress; 429 with ``Retry-After`` when it is asked
  again within ``schedule_min_interval`` seconds of the previous run's start;
- ``course_app_id`` on a by-id operation must match the exchange's, else 404;
- createExchange sets ``course_app_id`` from the first ``scope: course, scope_by: id``
  condition's ``scope_id.name``, and ``posted_by: user``.

Example::

    app = SandboxApp(state=SandboxState(), settings=Settings(), tokens=issuer,
                     faults=FaultInjector(), clock=time.time, spec=load_spec(),
                     validator=SpecValidator.shared())
    werkzeug.serving.run_simple("127.0.0.1", 8080, app)   # what ``Sandbox`` wraps
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import math
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ._auth import TokenIssuer
from ._faults import FaultAction, FaultInjector
from ._spec import base_path, operations
from ._state import (
    BatchExchangeRecord,
    ChunkRecord,
    ContextDataRecord,
    ErrorRecord,
    ExchangeRecord,
    RunRecord,
    ScheduleRecord,
    isoformat,
)

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ._state import SandboxState
    from ._validation import SpecValidator

__all__ = ["TOKEN_PATH", "SandboxApp", "Settings"]

logger = logging.getLogger("datasync_grades_sandbox")

TOKEN_PATH = "/oauth/token"


@dataclass(frozen=True)
class Settings:
    """The API's tunable behaviour (see ``Sandbox`` for each knob's meaning)."""

    max_page_size: int = 100
    max_data_content_length: int = 1_048_576
    schedule_run_seconds: float = 0.5
    schedule_min_interval: float = 1.0
    validate_requests: bool = True
    validate_responses: bool = True
    send_paging_next: bool = False


class ApiError(Exception):
    """Raised by handlers; becomes an ErrorResponse."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = {"error": {"status": status, "code": code, "message": message}}
    response = _json(body, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status, mimetype="application/json")


@dataclass
class Call:
    """One routed, authenticated, validated API request."""

    request: Request
    operation_id: str
    path_id: str | None
    body: Any
    raw_body: bytes


def _int_arg(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_parameter", f"{name} must be an integer") from None
    if value < minimum:
        raise ApiError(400, "invalid_parameter", f"{name} must be >= {minimum}")
    return value


class SandboxApp:
    """The WSGI callable. ``response_validation_errors`` collects sandbox bugs."""

    def __init__(
        self,
        *,
        state: SandboxState,
        settings: Settings,
        tokens: TokenIssuer,
        faults: FaultInjector,
        clock: Callable[[], float],
        spec: dict[str, Any],
        validator: SpecValidator | None,
    ) -> None:
        self.state = state
        self.settings = settings
        self.tokens = tokens
        self.faults = faults
        self.clock = clock
        self.validator = validator
        self.response_validation_errors: list[str] = []
        self.base_path = base_path(spec)
        handlers = self._handlers()
        ops = operations(spec)
        missing = {op.operation_id for op in ops} - handlers.keys()
        if missing:
            raise RuntimeError(f"openapi.yaml has operations the sandbox lacks: {sorted(missing)}")
        self._handlers_by_id = handlers
        rules = [
            Rule(
                self.base_path + op.path.replace("{", "<").replace("}", ">"),
                methods=[op.method],
                endpoint=op.operation_id,
            )
            for op in ops
        ]
        self._url_map = Map(rules, strict_slashes=False, merge_slashes=False)

    def _handlers(self) -> dict[str, Callable[[Call], Response]]:
        return {
            "listExchanges": self.list_exchanges,
            "createExchange": self.create_exchange,
            "countExchanges": self.count_exchanges,
            "findExchange": self.find_exchange,
            "listExchangeErrors": self.list_exchange_errors,
            "createExchangeError": self.create_exchange_error,
            "createExchangeData": self.create_exchange_data,
            "getExchangeDetails": self.get_exchange_details,
            "getExchangeConsumerLogs": self.get_exchange_consumer_logs,
            "getConsumer": self.get_consumer,
            "resolveSection": self.resolve_section,
            "listBatchExchanges": self.list_batch_exchanges,
            "countBatchExchanges": self.count_batch_exchanges,
            "getBatchExchangeCourseIdsReport": self.get_batch_exchange_course_ids_report,
            "createBatchExchangeError": self.create_batch_exchange_error,
            "createBatchExchangeContextData": self.create_batch_exchange_context_data,
            "listSchedules": self.list_schedules,
            "updateSchedule": self.update_schedule,
            "runSchedule": self.run_schedule,
        }

    # --- WSGI plumbing -------------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        response = self._handle(request, environ)
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _apply_fault(self, environ: WSGIEnvironment, *, api: bool, token: bool) -> Response | None:
        decision = self.faults.decide(api=api, token_endpoint=token)
        if decision.delay:
            time.sleep(decision.delay)
        if decision.action is FaultAction.DROP:
            # Close the socket under werkzeug's feet, then tell it the client went away
            # (ConnectionError): it sends nothing and drops the connection.
            sock = environ.get("werkzeug.socket")
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            raise ConnectionAbortedError("sandbox fault: connection dropped")
        headers = {}
        if decision.retry_after is not None:
            headers["Retry-After"] = str(decision.retry_after)
        if decision.action is FaultAction.THROTTLE:
            return error_response(429, "rate_limited", "Too many requests (injected)", headers)
        if decision.action is FaultAction.UNAVAILABLE:
            return error_response(
                503, "service_unavailable", "Service unavailable (injected)", headers
            )
        return None

    def _handle(self, request: Request, environ: WSGIEnvironment) -> Response:
        path = request.path
        if path == TOKEN_PATH:
            return self._apply_fault(environ, api=False, token=True) or self.tokens.token_endpoint(
                request
            )
        if not (path == self.base_path or path.startswith(self.base_path + "/")):
            self.faults.decide(api=False)
            return error_response(404, "not_found", f"No such path: {path}")
        fault = self._apply_fault(environ, api=True, token=False)
        try:
            operation_id, path_args = self._url_map.bind_to_environ(environ).match()
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or []))
            return fault or error_response(
                405, "method_not_allowed", f"{request.method} is not allowed", {"Allow": allowed}
            )
        except HTTPException:
            return fault or error_response(404, "not_found", f"No such path: {path}")
        if request.method == "HEAD":
            return error_response(405, "method_not_allowed", "HEAD is not allowed")
        response = fault or self._serve(request, operation_id, path_args.get("id"))
        return self._check_response(request, operation_id, response)

    def _serve(self, request: Request, operation_id: str, path_id: str | None) -> Response:
        failure = self.tokens.authenticate(request.headers.get("Authorization"))
        if failure is not None:
            return error_response(
                401,
                failure.error or "unauthorized",
                failure.description,
                {"WWW-Authenticate": failure.www_authenticate()},
            )
        if self.settings.validate_requests and self.validator is not None:
            problems = self.validator.request_errors(request)
            if problems:
                message = "; ".join(problems)
                logger.debug("%s: invalid request: %s", operation_id, message)
                return error_response(400, "invalid_request", message)
        raw = request.get_data(cache=True)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError):
                return error_response(400, "invalid_request", "The body is not valid JSON")
        call = Call(request, operation_id, path_id, body, raw)
        try:
            with self.state.lock:
                return self._handlers_by_id[operation_id](call)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.headers)
        except Exception:  # a sandbox bug: answer like a server would, and say so in the log
            logger.exception("%s: handler failed", operation_id)
            return error_response(500, "sandbox_error", "The sandbox failed; see its log")

    def _check_response(self, request: Request, operation_id: str, response: Response) -> Response:
        if not self.settings.validate_responses or self.validator is None:
            return response
        problems = self.validator.response_errors(request, response)
        if not problems:
            return response
        message = (
            f"{operation_id} {response.status_code}: response does not conform to "
            f"openapi.yaml: {'; '.join(problems)}"
        )
        logger.error("%s", message)
        self.response_validation_errors.append(message)
        return error_response(500, "sandbox_response_invalid", message)

    # --- helpers -------------------------------------------------------------------------

    def _now(self) -> str:
        return isoformat(self.clock())

    def _page(self, call: Call, items: Sequence[Any]) -> Response:
        request = call.request
        page = _int_arg(request, "page", 0, 0)
        maximum = self.settings.max_page_size
        size = min(_int_arg(request, "page_size", maximum, 1), maximum)
        start = page * size
        body: dict[str, Any] = {"data": list(items[start : start + size])}
        if self.settings.send_paging_next:
            next_url = None
            if start + size < len(items):
                args = request.args.copy()
                args["page"] = str(page + 1)
                args["page_size"] = str(size)
                query = "&".join(f"{k}={v}" for k, v in args.items(multi=True))
                next_url = f"{request.base_url}?{query}"
            body["paging"] = {"next": next_url}
        return _json(body)

    def _object_body(self, call: Call) -> dict[str, Any]:
        if not isinstance(call.body, dict):
            raise ApiError(400, "invalid_request", "The body must be a JSON object")
        return call.body

    def _exchange(self, call: Call) -> ExchangeRecord:
        record = self.state.exchanges.get(call.path_id or "")
        wanted = call.request.args.get("course_app_id")
        if record is None or (wanted is not None and record.course_app_id != wanted):
            raise ApiError(404, "not_found", "Exchange not found")
        return record

    def _filtered_exchanges(self, call: Call) -> list[ExchangeRecord]:
        args = call.request.args
        filters = {
            name: args[name] for name in ("course_app_id", "state", "posted_by") if name in args
        }
        return [
            record
            for record in self.state.exchanges.values()
            if all(getattr(record, name) == value for name, value in filters.items())
        ]

    # --- exchanges -----------------------------------------------------------------------

    def list_exchanges(self, call: Call) -> Response:
        return self._page(call, [record.to_json() for record in self._filtered_exchanges(call)])

    def count_exchanges(self, call: Call) -> Response:
        return _json(len(self._filtered_exchanges(call)))

    def create_exchange(self, call: Call) -> Response:
        body = self._object_body(call)
        query = body.get("query") or {}
        course_app_id = None
        for condition in query.get("conditions") or []:
            scope_id = condition.get("scope_id") or {}
            if (
                condition.get("scope") == "course"
                and condition.get("scope_by") == "id"
                and isinstance(scope_id.get("name"), str)
            ):
                course_app_id = scope_id["name"]
                break
        record = self.state.add_exchange(
            self._now(),
            query=query,
            metadata=body.get("metadata"),
            max_data_content_length=self.settings.max_data_content_length,
            course_app_id=course_app_id,
            posted_by="user",
        )
        return _json({"data": record.to_json()})

    def find_exchange(self, call: Call) -> Response:
        return _json({"data": self._exchange(call).to_json()})

    def list_exchange_errors(self, call: Call) -> Response:
        return self._page(call, [error.to_json() for error in self._exchange(call).errors])

    def create_exchange_error(self, call: Call) -> Response:
        return self._record_error(self._exchange(call), call)

    def create_exchange_data(self, call: Call) -> Response:
        record = self._exchange(call)
        if record.state in ("completed", "failed"):
            raise ApiError(
                409,
                "exchange_closed",
                f"The exchange is {record.state}: it takes no more data",
            )
        if len(call.raw_body) > record.max_data_content_length:
            raise ApiError(
                413,
                "payload_too_large",
                f"The chunk has {len(call.raw_body)} bytes; the exchange accepts at most "
                f"{record.max_data_content_length}",
            )
        now = self._now()
        chunk = ChunkRecord(self.state.new_id(), now, self._object_body(call), len(call.raw_body))
        record.chunks.append(chunk)
        if chunk.final:
            record.complete(now)
        else:
            record.state = "processing"
            record.updated_at = now
        return _json({"data": chunk.to_json()})

    def _artifact(self, call: Call, content: bytes | None, name: str) -> Response:
        record = self._exchange(call)
        if content is None:
            raise ApiError(404, "artifact_not_available", f"No {name} artifact for this exchange")
        response = Response(content, mimetype="application/gzip")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{record.id}-{name}.json.gz"'
        )
        return response

    def get_exchange_details(self, call: Call) -> Response:
        return self._artifact(call, self._exchange(call).details, "details")

    def get_exchange_consumer_logs(self, call: Call) -> Response:
        return self._artifact(call, self._exchange(call).consumer_logs, "consumerlogs")

    # --- consumer and sections -----------------------------------------------------------

    def get_consumer(self, call: Call) -> Response:
        if self.state.consumer is None:
            raise ApiError(400, "consumer_not_configured", "Consumer is not configured")
        return _json({"data": self.state.consumer})

    def resolve_section(self, call: Call) -> Response:
        section_id = call.path_id or ""
        consumer_id = self.state.sections.get(section_id)
        if consumer_id is None:
            raise ApiError(404, "not_found", "Section not found")
        return _json({"data": {"id": section_id, "consumer_id": consumer_id}})

    # --- batch exchanges -----------------------------------------------------------------

    def _batch(self, call: Call) -> BatchExchangeRecord:
        record = self.state.batch_exchanges.get(call.path_id or "")
        if record is None:
            raise ApiError(404, "not_found", "Batch exchange not found")
        return record

    def list_batch_exchanges(self, call: Call) -> Response:
        items = [
            record.to_json(self.state.exchange_count(record.id))
            for record in self.state.batch_exchanges.values()
        ]
        return self._page(call, items)

    def count_batch_exchanges(self, call: Call) -> Response:
        return _json(len(self.state.batch_exchanges))

    def get_batch_exchange_course_ids_report(self, call: Call) -> Response:
        record = self._batch(call)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["course_id"])
        writer.writerows([course_id] for course_id in record.course_ids)
        response = Response(out.getvalue(), mimetype="text/csv")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{record.id}-course_ids.csv"'
        )
        return response

    def create_batch_exchange_error(self, call: Call) -> Response:
        return self._record_error(self._batch(call), call)

    def _record_error(self, record: ExchangeRecord | BatchExchangeRecord, call: Call) -> Response:
        """Store a reported error; an exchange not yet completed fails with it."""
        body = self._object_body(call)
        now = self._now()
        error = ErrorRecord(self.state.new_id(), now, str(body.get("code")), body.get("details"))
        record.errors.append(error)
        if record.state in ("created", "processing"):
            record.state = "failed"
        record.updated_at = now
        return _json({"data": error.to_json()})

    def create_batch_exchange_context_data(self, call: Call) -> Response:
        record = self._batch(call)
        course_ids = self._object_body(call).get("course_ids")
        if not isinstance(course_ids, list) or not all(isinstance(c, str) for c in course_ids):
            raise ApiError(400, "invalid_request", "course_ids must be a list of strings")
        now = self._now()
        data = ContextDataRecord(self.state.new_id(), now, list(course_ids))
        record.context_data.append(data)
        record.updated_at = now
        return _json({"data": data.to_json()})

    # --- schedules -----------------------------------------------------------------------

    def _schedule(self, call: Call) -> ScheduleRecord:
        record = self.state.schedules.get(call.path_id or "")
        if record is None:
            raise ApiError(404, "not_found", "Schedule not found")
        return record

    def list_schedules(self, call: Call) -> Response:
        return self._page(call, [record.to_json() for record in self.state.schedules.values()])

    def update_schedule(self, call: Call) -> Response:
        record = self._schedule(call)
        body = self._object_body(call)
        if set(body) != {"enabled"} or not isinstance(body["enabled"], bool):
            raise ApiError(400, "invalid_request", "Only the enabled attribute may be updated")
        record.enabled = body["enabled"]
        record.updated_at = self._now()
        return _json({"data": record.to_json()})

    def run_schedule(self, call: Call) -> Response:
        record = self._schedule(call)
        if call.body is not None and not isinstance(call.body, dict):
            raise ApiError(400, "invalid_request", "The body must be a JSON object or null")
        if not record.enabled:
            raise ApiError(409, "schedule_disabled", "The schedule is disabled")
        now = self.clock()
        if record.runs:
            last = record.runs[-1]
            if now < last.ends_at:
                raise ApiError(409, "run_in_progress", "A run of this schedule is in progress")
            wait = last.started_at + self.settings.schedule_min_interval - now
            if wait > 0:
                raise ApiError(
                    429,
                    "rate_limited",
                    "The schedule was run too recently",
                    {"Retry-After": str(max(1, math.ceil(wait)))},
                )
        record.runs.append(RunRecord(now, now + self.settings.schedule_run_seconds))
        record.updated_at = isoformat(now)
        return Response(status=204)
