"""The sandbox's WSGI application: routing, faults, auth, validation and the 19 operations.

A request goes through, in order:

0. the Host check: a Host header that is not a loopback name (``localhost``, ``127.0.0.1``,
   ``[::1]``) or the bound address, with or without the bound port, gets 421 (DNS rebinding);
1. the fault injector (API paths; the token endpoint only when configured), like a gateway in
   front of the API: a 429, a 503 or a drop replaces whatever the request would have got, a
   401, 404 or 405 included; latency alone delays the answer and hides nothing;
2. routing, from the spec's paths under its base path (``/v2/grades``); ``/oauth/token`` is the
   token endpoint, outside the base path as in production; ``HEAD`` and methods the spec does
   not list get 405 with ``Allow`` naming the spec's methods of that path;
3. authentication: a Bearer access token or LTI JWT, else 401 with ``WWW-Authenticate``;
4. the body, for operations that take one (others ignore it): more than ``max_body_bytes`` is
   413; not UTF-8, not JSON or nested too deep is 400;
5. request validation against openapi.yaml: 400 with the validator's message;
6. the operation's handler, on the in-memory state (one lock: handlers are short);
7. response validation: a response the spec does not allow is a sandbox bug, answered 500
   and recorded in ``response_validation_errors``.

Whatever fails, the answer is a JSON ErrorResponse, never an HTML page.

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
  condition's ``scope_id.name``, and ``posted_by: user``;
- listExchanges and countExchanges: ``search`` keeps the exchanges where it is a
  case-insensitive substring of ``id``, ``course_app_id``, ``batch_exchange_id`` or a
  condition's ``scope_id.name`` (the spec's ``Search`` parameter says so);
- with request validation off, handlers refuse with 400 what they cannot use and take the
  rest as it comes.

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
from urllib.parse import urlencode

from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    MethodNotAllowed,
    RequestEntityTooLarge,
)
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ._auth import TokenIssuer
from ._faults import FaultAction, FaultInjector
from ._spec import base_path, body_operations, operations
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
    max_body_bytes: int = 16 * 1024 * 1024


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


class _Dropped(ConnectionAbortedError):
    """Raised to werkzeug, which then closes the connection without an answer."""


def _drop(environ: WSGIEnvironment) -> None:
    # Close the socket under werkzeug's feet, then tell it the client went away
    # (ConnectionError): it sends nothing and drops the connection.
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    raise _Dropped("sandbox fault: connection dropped")


def _loopback_host(environ: WSGIEnvironment) -> bool:
    """Whether the Host header names this server by a loopback name or its bound address.

    A web page can point a name of its own at 127.0.0.1 (DNS rebinding) and then call the
    sandbox, whose credentials are well known, from the user's browser; its requests carry
    that name. A request without Host comes from no browser and is served.
    """
    host = environ.get("HTTP_HOST")
    if host is None:
        return True
    names = {"localhost", "127.0.0.1", "[::1]", environ["SERVER_NAME"]}
    port = environ["SERVER_PORT"]
    return host.lower() in names | {f"{name}:{port}" for name in names}


def _without_body(request: Request) -> Request:
    """A copy of ``request`` with an empty body; the original's body is left unread."""
    environ = dict(request.environ)
    environ["wsgi.input"] = io.BytesIO()
    environ["CONTENT_LENGTH"] = "0"
    return Request(environ)


def _parse_json(raw: bytes) -> Any:
    """The JSON value of a request body; ApiError 400 when it is not UTF-8 JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_request", "The body is not valid UTF-8") from None
    try:
        return json.loads(text)
    except ValueError:
        raise ApiError(400, "invalid_request", "The body is not valid JSON") from None
    except RecursionError:
        raise ApiError(400, "invalid_request", "The body is nested too deeply") from None


def _matches(record: ExchangeRecord, needle: str) -> bool:
    """Whether ``needle`` (lower case) is in a searched field of ``record`` (module docstring)."""
    values: list[Any] = [record.id, record.course_app_id, record.batch_exchange_id]
    conditions = record.query.get("conditions") if isinstance(record.query, dict) else None
    for condition in conditions if isinstance(conditions, list) else []:
        scope_id = condition.get("scope_id") if isinstance(condition, dict) else None
        if isinstance(scope_id, dict):
            values.append(scope_id.get("name"))
    return any(isinstance(value, str) and needle in value.lower() for value in values)


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
        self._takes_body = body_operations(spec)
        rules = [
            Rule(
                self.base_path + op.path.replace("{", "<").replace("}", ">"),
                methods=[op.method],
                endpoint=op.operation_id,
            )
            for op in ops
        ]
        self._url_map = Map(rules, strict_slashes=False, merge_slashes=False)
        # werkzeug adds HEAD to every GET rule; the spec has none, so Allow leaves it out.
        self._methods: dict[str, list[str]] = {}
        for op in ops:
            self._methods.setdefault(op.path, []).append(op.method)

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
        # One byte over the limit: werkzeug cuts a chunked body at the limit without a word,
        # so a body that reaches limit + 1 is how one over the limit shows.
        request.max_content_length = self.settings.max_body_bytes + 1
        try:
            response = self._handle(request, environ)
        except (ConnectionError, TimeoutError):  # a drop, a client gone or silent: werkzeug
            raise  # closes the connection without an answer
        except HTTPException as exc:  # werkzeug's own, e.g. the token endpoint's form limit
            status = exc.code or 500
            response = error_response(status, "http_error", f"{status} {exc.name}")
        except Exception:  # a sandbox bug: answer like a server would, and say so in the log
            logger.exception("%s %s: the sandbox failed", request.method, request.path)
            response = error_response(500, "sandbox_error", "The sandbox failed; see its log")
        result: Iterable[bytes] = response(environ, start_response)
        return result

    def _handle(self, request: Request, environ: WSGIEnvironment) -> Response:
        if not _loopback_host(environ):
            return error_response(
                421, "misdirected_request", "The sandbox answers only Host: 127.0.0.1 or localhost"
            )
        path = request.path
        is_token = path == TOKEN_PATH
        is_api = path == self.base_path or path.startswith(self.base_path + "/")
        decision = self.faults.decide(api=is_api, token_endpoint=is_token)
        if decision.delay:
            time.sleep(decision.delay)
        if decision.action is FaultAction.DROP:
            _drop(environ)
        headers = {}
        if decision.retry_after is not None:
            headers["Retry-After"] = str(decision.retry_after)
        if decision.action is FaultAction.THROTTLE:
            response = error_response(429, "rate_limited", "Too many requests (injected)", headers)
        elif decision.action is FaultAction.UNAVAILABLE:
            response = error_response(
                503, "service_unavailable", "Service unavailable (injected)", headers
            )
        elif is_token:
            response = self.tokens.token_endpoint(request)
        elif is_api:
            response = self._route(request, environ)
        else:
            response = error_response(404, "not_found", f"No such path: {path}")
        if decision.action is FaultAction.DROP_AFTER_HANDLING:
            _drop(environ)
        return response

    def _route(self, request: Request, environ: WSGIEnvironment) -> Response:
        try:
            rule, path_args = self._url_map.bind_to_environ(environ).match(return_rule=True)
        except MethodNotAllowed as exc:
            allowed = sorted(set(exc.valid_methods or []) - {"HEAD"})
            return self._method_not_allowed(request, allowed)
        except HTTPException:
            return error_response(404, "not_found", f"No such path: {request.path}")
        operation_id = str(rule.endpoint)
        if request.method == "HEAD":
            spec_path = rule.rule[len(self.base_path) :].replace("<", "{").replace(">", "}")
            return self._method_not_allowed(request, sorted(self._methods[spec_path]))
        if operation_id not in self._takes_body:
            request = _without_body(request)  # operations without a body ignore one
        response = self._serve(request, operation_id, path_args.get("id"))
        # The request's body plays no part in checking the response, and may be unreadable.
        return self._check_response(_without_body(request), operation_id, response)

    @staticmethod
    def _method_not_allowed(request: Request, allowed: list[str]) -> Response:
        return error_response(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed",
            {"Allow": ", ".join(allowed)},
        )

    def _serve(self, request: Request, operation_id: str, path_id: str | None) -> Response:
        failure = self.tokens.authenticate(request.headers.get("Authorization"))
        if failure is not None:
            return error_response(
                401,
                failure.error or "unauthorized",
                failure.description,
                {"WWW-Authenticate": failure.www_authenticate()},
            )
        try:
            raw = self._read_body(request)
            body = _parse_json(raw) if raw else None
            if self.settings.validate_requests and self.validator is not None:
                self._validate(request, operation_id)
            call = Call(request, operation_id, path_id, body, raw)
            with self.state.lock:
                return self._handlers_by_id[operation_id](call)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message, exc.headers)
        except ConnectionError:
            raise
        except Exception:  # a sandbox bug: answer like a server would, and say so in the log
            logger.exception("%s: handler failed", operation_id)
            return error_response(500, "sandbox_error", "The sandbox failed; see its log")

    def _read_body(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        try:
            raw = request.get_data(cache=True)
        except RequestEntityTooLarge:
            raw = None
        except ClientDisconnected:  # the body stopped short: the client went away or silent
            raise ConnectionAbortedError("the request body did not arrive") from None
        if raw is None or len(raw) > limit:
            raise ApiError(
                413,
                "payload_too_large",
                f"The body is larger than the sandbox accepts ({limit} bytes)",
            )
        return raw

    def _validate(self, request: Request, operation_id: str) -> None:
        assert self.validator is not None
        try:
            problems = self.validator.request_errors(request)
        except RecursionError:
            raise ApiError(400, "invalid_request", "The request is nested too deeply") from None
        if problems:
            message = "; ".join(problems)
            logger.debug("%s: invalid request: %s", operation_id, message)
            raise ApiError(400, "invalid_request", message)

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
                next_url = f"{request.base_url}?{urlencode(list(args.items(multi=True)))}"
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
        search = args.get("search", "").lower()
        return [
            record
            for record in self.state.exchanges.values()
            if all(getattr(record, name) == value for name, value in filters.items())
            and (not search or _matches(record, search))
        ]

    # --- exchanges -----------------------------------------------------------------------

    def list_exchanges(self, call: Call) -> Response:
        return self._page(call, [record.to_json() for record in self._filtered_exchanges(call)])

    def count_exchanges(self, call: Call) -> Response:
        return _json(len(self._filtered_exchanges(call)))

    def create_exchange(self, call: Call) -> Response:
        body = self._object_body(call)
        query = body.get("query") or {}
        metadata = body.get("metadata")
        if not isinstance(query, dict) or not isinstance(metadata, dict | None):
            raise ApiError(400, "invalid_request", "query must be an object, metadata one or null")
        conditions = query.get("conditions")
        course_app_id = None
        for condition in conditions if isinstance(conditions, list) else []:
            scope_id = condition.get("scope_id") if isinstance(condition, dict) else None
            if (
                isinstance(scope_id, dict)
                and condition.get("scope") == "course"
                and condition.get("scope_by") == "id"
                and isinstance(scope_id.get("name"), str)
            ):
                course_app_id = scope_id["name"]
                break
        record = self.state.add_exchange(
            self._now(),
            query=query,
            metadata=metadata,
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
        chunk = self.receive_chunk(self._exchange(call), call.raw_body, call.body)
        return _json({"data": chunk.to_json()})

    def receive_chunk(self, record: ExchangeRecord, raw: bytes, body: Any) -> ChunkRecord:
        """Store a data chunk (``body``, parsed from ``raw``): what createExchangeData does once
        the request is authenticated and valid, and what seeding with data replays. The final
        chunk completes the exchange and produces its artifacts."""
        if record.state in ("completed", "failed"):
            raise ApiError(
                409,
                "exchange_closed",
                f"The exchange is {record.state}: it takes no more data",
            )
        if len(raw) > record.max_data_content_length:
            raise ApiError(
                413,
                "payload_too_large",
                f"The chunk has {len(raw)} bytes; the exchange accepts at most "
                f"{record.max_data_content_length}",
            )
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_request", "The body must be a JSON object")
        now = self._now()
        chunk = ChunkRecord(self.state.new_id(), now, body, len(raw))
        record.chunks.append(chunk)
        if chunk.final:
            record.complete(now)
        else:
            record.state = "processing"
            record.updated_at = now
        return chunk

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
        body = self._object_body(call)
        code, details = body.get("code"), body.get("details")
        if not isinstance(code, str | None) or not isinstance(details, str | None):
            raise ApiError(400, "invalid_request", "code and details must be strings")
        return _json({"data": self.add_error(record, code, details).to_json()})

    def add_error(
        self, record: ExchangeRecord | BatchExchangeRecord, code: str | None, details: str | None
    ) -> ErrorRecord:
        """Store a reported error (also for seeding); an exchange not yet completed fails."""
        now = self._now()
        error = ErrorRecord(self.state.new_id(), now, code, details)
        record.errors.append(error)
        if record.state in ("created", "processing"):
            record.state = "failed"
        record.updated_at = now
        return error

    def create_batch_exchange_context_data(self, call: Call) -> Response:
        record = self._batch(call)
        course_ids = self._object_body(call).get("course_ids")
        if not isinstance(course_ids, list) or not all(isinstance(c, str) for c in course_ids):
            raise ApiError(400, "invalid_request", "course_ids must be a list of strings")
        return _json({"data": self.add_context_data(record, course_ids).to_json()})

    def add_context_data(
        self, record: BatchExchangeRecord, course_ids: list[str]
    ) -> ContextDataRecord:
        """Store course ids of a batch exchange (also for seeding): its report lists them."""
        now = self._now()
        data = ContextDataRecord(self.state.new_id(), now, list(course_ids))
        record.context_data.append(data)
        record.updated_at = now
        return data

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
        response = Response(status=204)
        del response.headers["Content-Type"]  # no content, so no content type
        return response
