"""The demo: a producer's whole day against a local sandbox, through the public client only.

``python -m datasync_grades_sandbox.demo`` (what ``nox -s demo`` runs) starts a sandbox on
127.0.0.1 and then, using nothing but ``datasync_grades`` and the generated
``datasync_grades_api.api.*`` modules and models, walks through the API: an OAuth2 token by
client credentials, an exchange answered with chunked grade data, paging and counting, an error
reported and listed, the details artifact downloaded, the course-ids report of a batch exchange,
a schedule's 409 and 429 handled, retries riding out injected faults, and the same client used
from asyncio. It prints one line per step and exits 0, or prints the failing step and its error
and exits 1. Every step also checks what it got back, so the demo doubles as a smoke test.

Example::

    $ python -m datasync_grades_sandbox.demo
     1. sandbox    running at http://127.0.0.1:PORT/v2/grades (client id sandbox-client)
     2. token      1 token fetched by client credentials (client_secret_post) ...
    ...

Options: ``--port N`` (0, the default, picks a free port) and ``--verbose`` (the client's log
of every request and retry, on stderr, with credentials redacted). Nothing printed carries the
client secret or a token.

The sandbox itself is driven only where a real server cannot be: it is started here, its
fault injection is switched on for one step, and its clock is moved forward instead of
sleeping through a schedule run (30 s) and a throttle (90 s). This module is the one place in
the sandbox package that imports the client; the sandbox proper stays independent of it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import traceback
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO, TypeVar

from datasync_grades import (
    ClientCredentials,
    ConflictError,
    DataSyncError,
    RateLimitError,
    acount,
    apaginate,
    apush_exchange_data,
    artifacts,
    connect,
    count,
    paginate,
    paginate_pages,
    push_exchange_data,
    report_exchange_error,
)
from datasync_grades_api.api.batch_exchanges import count_batch_exchanges, list_batch_exchanges
from datasync_grades_api.api.exchanges import (
    count_exchanges,
    create_exchange,
    find_exchange,
    list_exchange_errors,
    list_exchanges,
)
from datasync_grades_api.api.schedules import list_schedules, run_schedule, update_schedule
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import (
    Assignment,
    AssignmentScore,
    Exchange,
    ExchangeCondition,
    ExchangeErrorCode,
    ExchangeQuery,
    ExchangeResponse,
    ExchangesRequest,
    NamedRef,
    QueryType,
    Ref,
    Schedule,
    ScheduleResponse,
    ScheduleUpdate,
    Scope,
    ScopeBy,
    ScoreType,
    Summary,
    SummaryType,
    SysFields,
)
from datasync_grades_api.types import Unset

from ._faults import Faults
from ._server import Sandbox

__all__ = ["DemoError", "main"]

T = TypeVar("T")

# Small enough that the grade data below needs several chunks.
MAX_DATA_CONTENT_LENGTH = 8192
STUDENTS = 30
ASSIGNMENTS = 6
COURSES = ("MATH-101", "MATH-102", "BIO-201", "CHEM-110", "HIST-120", "ENG-130", "ART-140")
PAGE_SIZE = 3
# A run lasts 30 s and runs start at least 120 s apart: the second run is refused with 409
# while the first lasts, then with 429 and Retry-After 90 s, longer than the client's
# max_retry_after (60 s), so the client raises RateLimitError instead of waiting.
SCHEDULE_RUN_SECONDS = 30.0
SCHEDULE_MIN_INTERVAL = 120.0
# 503s on a quarter of the API requests and a two-request 429 burst every seventh, all with
# Retry-After: 0 so the retries cost no time. Seeded: the same faults on every run.
FAULTS = Faults(
    error_rate=0.25, error_retry_after=0, burst_every=7, burst_length=2, burst_retry_after=0, seed=3
)
FAULT_RETRIES = 5
_NAMESPACE = uuid.UUID("5f0c6a52-6a55-4d43-9d1c-0d1d2b7c9e10")


class DemoError(Exception):
    """A step got an answer other than the one it expected."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise DemoError(message)


def _expect(value: object, kind: type[T]) -> T:
    """``value`` if it is a ``kind`` (e.g. a generated ``sync()`` result), else DemoError."""
    if not isinstance(value, kind):
        raise DemoError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _present(value: T | Unset | None, what: str) -> T:
    if value is None or isinstance(value, Unset):
        raise DemoError(f"the response has no {what}")
    return value


def _reason(exc: DataSyncError) -> str:
    """The API's error code from an error body ``{"error": {"code": ...}}``, if any."""
    body = getattr(exc, "body", None)
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code) if code else "no error code"


def _ref(kind: str, key: object) -> Ref:
    return Ref(sys=SysFields(id=uuid.uuid5(_NAMESPACE, f"{kind}:{key}")))


def _gradebook() -> list[Assignment]:
    """Assignments of one course, each with a score for every student."""
    return [
        Assignment(
            sys=SysFields(id=uuid.uuid5(_NAMESPACE, f"assignment:{a}")),
            section=_ref("section", "MATH-101-A"),
            name=f"Problem set {a + 1}",
            points_possible=100.0,
            scores=[
                AssignmentScore(
                    person=_ref("student", s),
                    grader=_ref("teacher", 1),
                    score=float(50 + (a * 7 + s * 13) % 51),
                    late=(a + s) % 9 == 0,
                    excused=False,
                )
                for s in range(STUDENTS)
            ],
        )
        for a in range(ASSIGNMENTS)
    ]


def _final_grades() -> list[Summary]:
    return [
        Summary(
            section=_ref("section", "BIO-201-A"),
            person=_ref("student", s),
            summary_type=SummaryType.FINAL,
            score_type=ScoreType.PERCENTAGE,
            score=float(60 + (s * 11) % 41),
            grade="P",
        )
        for s in range(STUDENTS)
    ]


def _course_query(course: str) -> ExchangesRequest:
    condition = ExchangeCondition(
        scope=Scope.COURSE, scope_by=ScopeBy.ID, scope_id=NamedRef(course)
    )
    return ExchangesRequest(
        query=ExchangeQuery(type_=QueryType.ASSIGNMENT_SCORES, conditions=[condition])
    )


def _new_exchange(client: AuthenticatedClient, course: str) -> Exchange:
    created = _expect(
        create_exchange.sync(client=client, body=_course_query(course)), ExchangeResponse
    )
    return _present(created.data, "data")


class Demo:
    """The steps, in order; each returns its transcript line."""

    def __init__(self, sandbox: Sandbox, client: AuthenticatedClient, workdir: Path) -> None:
        self.sandbox = sandbox
        self.client = client
        self.workdir = workdir
        self.exchange_id: uuid.UUID | None = None
        self.pushed_chunks = 0

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("token", self.token),
            ("create", self.create),
            ("push", self.push),
            ("pages", self.pages),
            ("count", self.count),
            ("errors", self.errors),
            ("details", self.details),
            ("report", self.report),
            ("schedule", self.schedule),
            ("retries", self.retries),
            ("async", lambda: asyncio.run(self.async_steps())),
        ]

    def token(self) -> str:
        # The token is fetched on the first request and reused until it nearly expires.
        schedules = list(paginate(list_schedules, client=self.client))
        issued = self.sandbox.tokens_issued
        _check(issued == 1, f"expected 1 token issued, the sandbox issued {issued}")
        return (
            f"{issued} token fetched by client credentials (client_secret_post) and used to "
            f"list {len(schedules)} schedules"
        )

    def create(self) -> str:
        exchange = _new_exchange(self.client, COURSES[0])
        self.exchange_id = _present(exchange.id, "exchange id")
        return (
            f"exchange {self.exchange_id} for course {exchange.course_app_id}: state "
            f"{exchange.state}, at most {exchange.max_data_content_length} bytes per chunk"
        )

    def _exchange(self) -> uuid.UUID:
        if self.exchange_id is None:
            raise DemoError("no exchange was created")
        return self.exchange_id

    def push(self) -> str:
        exchange_id = self._exchange()
        result = push_exchange_data(self.client, exchange_id, assignments=_gradebook())
        self.pushed_chunks = result.chunks_sent
        _check(result.chunks_sent > 1, f"expected several chunks, sent {result.chunks_sent}")
        _check(result.scores_sent == ASSIGNMENTS * STUDENTS, f"{result.scores_sent} scores sent")
        found = _expect(find_exchange.sync(exchange_id, client=self.client), ExchangeResponse)
        state = _present(_present(found.data, "data").state, "state")
        _check(state == "completed", f"the exchange is {state} after the final chunk")
        return (
            f"{result.assignments_sent} assignments, {result.scores_sent} scores in "
            f"{result.chunks_sent} chunks (the last one final); exchange {state}"
        )

    def pages(self) -> str:
        for course in COURSES[1:]:
            _new_exchange(self.client, course)
        sizes = [
            len(page.items)
            for page in paginate_pages(list_exchanges, client=self.client, page_size=PAGE_SIZE)
        ]
        _check(sum(sizes) == len(COURSES), f"listed {sum(sizes)} of {len(COURSES)} exchanges")
        shown = ", ".join(f"page {n}: {size}" for n, size in enumerate(sizes))
        return f"{sum(sizes)} exchanges, {PAGE_SIZE} a page: {shown}"

    def count(self) -> str:
        total = count(count_exchanges, client=self.client)
        completed = count(count_exchanges, client=self.client, state="completed")
        in_course = count(count_exchanges, client=self.client, course_app_id=COURSES[0])
        _check(total == len(COURSES), f"counted {total} exchanges")
        _check(completed == 1 and in_course == 1, f"counted {completed} completed, {in_course}")
        return f"{total} exchanges, {completed} completed, {in_course} for course {COURSES[0]}"

    def errors(self) -> str:
        exchange = _new_exchange(self.client, "PHYS-150")
        exchange_id = _present(exchange.id, "exchange id")
        reported = report_exchange_error(
            self.client, exchange_id, ExchangeErrorCode.PRODUCER_ERROR, "gradebook locked"
        )
        listed = list(paginate(list_exchange_errors, client=self.client, id=exchange_id))
        _check(len(listed) == 1 and listed[0].id == reported.id, f"listed {len(listed)} errors")
        found = _expect(find_exchange.sync(exchange_id, client=self.client), ExchangeResponse)
        data = _present(found.data, "data")
        return (
            f"reported {reported.code} on a second exchange; listed {len(listed)} error "
            f"({listed[0].message!r}); that exchange is {data.state}, error_count "
            f"{data.error_count}"
        )

    def details(self) -> str:
        exchange_id = self._exchange()
        document = artifacts.details(self.client, exchange_id)
        _check(isinstance(document, dict), "the details artifact is not a JSON object")
        scores = sum(len(a.get("scores", [])) for a in document["assignments"])
        _check(scores == ASSIGNMENTS * STUDENTS, f"the details hold {scores} scores")
        _check(document["chunks"] == self.pushed_chunks, f"{document['chunks']} chunks stored")
        path = self.workdir / f"{exchange_id}-details.json"
        written = artifacts.save_details(self.client, exchange_id, path)
        _check(written == path.stat().st_size, "the saved file does not match its size")
        return (
            f"details decompressed: {document['chunks']} chunks, {scores} scores; "
            f"{written} bytes saved to a temporary {path.name}"
        )

    def report(self) -> str:
        batches = list(paginate(list_batch_exchanges, client=self.client))
        batch_count = count(count_batch_exchanges, client=self.client)
        _check(
            bool(batches) and batch_count == len(batches), f"{len(batches)} batches, {batch_count}"
        )
        batch_id = _present(batches[0].id, "batch exchange id")
        course_ids = artifacts.course_ids_report(self.client, batch_id)
        _check(bool(course_ids), "the course-ids report is empty")
        return (
            f"{len(batches)} batch exchanges; batch {batch_id}'s CSV report lists "
            f"{len(course_ids)} courses: {', '.join(course_ids)}"
        )

    def _set_enabled(self, schedule_id: uuid.UUID, enabled: bool) -> None:
        body = ScheduleUpdate(enabled=enabled)
        updated = update_schedule.sync(schedule_id, client=self.client, body=body)
        schedule = _present(_expect(updated, ScheduleResponse).data, "data")
        _check(schedule.enabled == enabled, f"the schedule's enabled is {schedule.enabled}")

    def _run(self, schedule_id: uuid.UUID) -> int:
        detailed = run_schedule.sync_detailed(schedule_id, client=self.client)
        return int(detailed.status_code)

    def schedule(self) -> str:
        schedule = _expect(next(iter(paginate(list_schedules, client=self.client))), Schedule)
        schedule_id = _present(schedule.id, "schedule id")
        outcomes: list[str] = []

        self._set_enabled(schedule_id, False)
        try:
            self._run(schedule_id)
            raise DemoError("a disabled schedule ran")
        except ConflictError as exc:
            outcomes.append(f"disabled: {exc.status_code} ({_reason(exc)})")
        self._set_enabled(schedule_id, True)
        outcomes.append(f"enabled: run {self._run(schedule_id)}")
        try:
            self._run(schedule_id)
            raise DemoError("a schedule ran twice at once")
        except ConflictError as exc:
            outcomes.append(f"again: {exc.status_code} ({_reason(exc)})")

        self.sandbox.advance_clock(SCHEDULE_RUN_SECONDS)  # the run ends
        try:
            self._run(schedule_id)
            raise DemoError("a schedule ran again within its minimum interval")
        except RateLimitError as exc:
            wait = exc.retry_after
            _check(wait is not None, "the 429 carries no Retry-After")
            outcomes.append(f"after the run: {exc.status_code}, retry after {wait:.0f} s")
        # A real producer would sleep; the demo moves the sandbox's clock instead.
        self.sandbox.advance_clock(wait or 0.0)
        outcomes.append(f"after waiting: run {self._run(schedule_id)}")
        return f"{schedule.name!r}: " + "; ".join(outcomes)

    def retries(self) -> str:
        auth = ClientCredentials(
            self.sandbox.client_id, self.sandbox.client_secret, token_url=self.sandbox.token_url
        )
        self.sandbox.faults = FAULTS
        self.sandbox.reset_counters()
        try:
            with connect(self.sandbox.base_url, auth=auth, max_retries=FAULT_RETRIES) as client:
                listed = list(paginate(list_exchanges, client=client, page_size=2))
                total = count(count_exchanges, client=client)
        finally:
            self.sandbox.faults = Faults()
        counters = self.sandbox.counters()
        _check(len(listed) == total, f"listed {len(listed)} exchanges, counted {total}")
        _check(counters.injected > 0, "no faults were injected")
        return (
            f"with faults on, listed all {len(listed)} exchanges anyway: {counters.requests} "
            f"requests, {counters.unavailable} answered 503 and {counters.throttled} answered "
            "429, all retried"
        )

    async def async_steps(self) -> str:
        client = self.client
        try:
            total = await acount(count_exchanges, client=client)
            listed = [
                exchange.id
                async for exchange in apaginate(
                    list_exchanges, client=client, page_size=2, concurrency=4
                )
            ]
            _check(len(set(listed)) == total, f"listed {len(set(listed))} of {total}")
            created = await create_exchange.asyncio(client=client, body=_course_query("BIO-201"))
            exchange_id = _present(_expect(created, ExchangeResponse).data, "data").id
            exchange_id = _present(exchange_id, "exchange id")
            result = await apush_exchange_data(client, exchange_id, summaries=_final_grades())
            document = await artifacts.adetails(client, exchange_id)
            _check(isinstance(document, dict), "the details artifact is not a JSON object")
            summaries = len(document["summaries"])
            _check(summaries == STUDENTS, f"the details hold {summaries} summaries")
        finally:
            await client.get_async_httpx_client().aclose()
        return (
            f"acount {total}; apaginate (4 pages in flight) {len(listed)} exchanges; "
            f"apush {result.summaries_sent} final grades in {result.chunks_sent} chunk(s); "
            f"adetails has {summaries} summaries"
        )


class Transcript:
    """Numbered lines, one per step."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.number = 0

    def line(self, step: str, text: str) -> None:
        self.number += 1
        print(f"{self.number:>2}. {step:<10} {text}", file=self.out, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m datasync_grades_sandbox.demo",
        description="Run the datasync-grades client against a local sandbox, step by step.",
    )
    parser.add_argument("--port", type=int, default=0, help="sandbox port; 0 picks a free one")
    parser.add_argument(
        "--verbose", action="store_true", help="log every request and retry to stderr"
    )
    return parser


def _log_requests() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("    %(name)s: %(message)s"))
    client_logger = logging.getLogger("datasync_grades")
    client_logger.addHandler(handler)
    client_logger.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the demo; 0 when every step passed, 1 (the error on stderr) when one failed."""
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    if args.verbose:
        _log_requests()
    transcript = Transcript(out)
    step = "sandbox"
    sandbox = Sandbox(
        args.port,
        max_data_content_length=MAX_DATA_CONTENT_LENGTH,
        schedule_run_seconds=SCHEDULE_RUN_SECONDS,
        schedule_min_interval=SCHEDULE_MIN_INTERVAL,
    )
    try:
        sandbox.start()
        try:
            transcript.line(step, f"running at {sandbox.base_url} (client id {sandbox.client_id})")
            auth = ClientCredentials(
                sandbox.client_id,
                sandbox.client_secret,
                token_url=sandbox.token_url,
                auth_method="client_secret_post",
            )
            with (
                connect(sandbox.base_url, auth=auth) as client,
                tempfile.TemporaryDirectory(prefix="datasync-demo-") as workdir,
            ):
                for step, run in Demo(sandbox, client, Path(workdir)).steps():
                    transcript.line(step, run())
            step = "validation"
            problems = sandbox.response_validation_errors
            _check(not problems, f"the sandbox sent {len(problems)} off-spec responses")
            transcript.line(step, "every response of the sandbox conformed to openapi.yaml")
        finally:
            sandbox.stop()
    except Exception as exc:  # any failure ends the demo with its step and error
        print(f"FAILED at step {step!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return 1
    print(f"demo passed: {transcript.number} steps", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
