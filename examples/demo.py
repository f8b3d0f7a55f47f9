"""The demo: a producer's whole day against a local sandbox, through the typed client only.

``python examples/demo.py`` (what ``nox -s demo`` runs) starts a sandbox on 127.0.0.1 and then,
using nothing but ``DataSync``/``AsyncDataSync`` and the generated models, walks through the
API: an OAuth2 token by client credentials, an exchange answered with chunked grade data,
paging and counting, an error reported and listed, the details artifact downloaded, the
course-ids report of a batch exchange, a schedule's 409 and 429 handled, retries riding out
injected faults, and the async client. It prints one line per step and exits 0, or prints the
failing step and its error and exits 1. Every step checks what it got back, so the demo
doubles as a smoke test.

Options: ``--port N`` (0, the default, picks a free port) and ``--verbose`` (the client's log
of every request and retry, on stderr, with credentials redacted). The sandbox itself is driven
only where a real server cannot be: it is started here, its fault injection is switched on for
one step, and its clock is moved forward instead of sleeping through a schedule run and a
throttle.
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
from typing import TextIO

from datasync_grades import (
    AsyncDataSync,
    ClientCredentials,
    ConflictError,
    DataSync,
    DataSyncError,
    RateLimitError,
)
from datasync_grades_api.models import (
    Assignment,
    AssignmentScore,
    Exchange,
    ExchangeCondition,
    ExchangeErrorCode,
    ExchangeQuery,
    NamedRef,
    QueryType,
    Ref,
    Schedule,
    Scope,
    ScopeBy,
    ScoreType,
    Summary,
    SummaryType,
    SysFields,
)
from datasync_grades_sandbox import Faults, Sandbox

__all__ = ["DemoError", "main"]

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


def _course_query(course: str) -> ExchangeQuery:
    condition = ExchangeCondition(
        scope=Scope.COURSE, scope_by=ScopeBy.ID, scope_id=NamedRef(course)
    )
    return ExchangeQuery(type_=QueryType.ASSIGNMENT_SCORES, conditions=[condition])


def _new_exchange(client: DataSync, course: str) -> Exchange:
    created = client.exchanges.create(query=_course_query(course))
    if created is None:
        raise DemoError("the API created the exchange but did not return it")
    return created


class Demo:
    """The steps, in order; each returns its transcript line."""

    def __init__(self, sandbox: Sandbox, client: DataSync, workdir: Path) -> None:
        self.sandbox = sandbox
        self.client = client
        self.workdir = workdir
        self.exchange: Exchange | None = None
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
        schedules = list(self.client.schedules.list())
        issued = self.sandbox.tokens_issued
        _check(issued == 1, f"expected 1 token issued, the sandbox issued {issued}")
        return (
            f"{issued} token fetched by client credentials (client_secret_post) and used to "
            f"list {len(schedules)} schedules"
        )

    def create(self) -> str:
        exchange = self.exchange = _new_exchange(self.client, COURSES[0])
        return (
            f"exchange {exchange.id} for course {exchange.course_app_id}: state "
            f"{exchange.state}, at most {exchange.max_data_content_length} bytes per chunk"
        )

    def _exchange(self) -> Exchange:
        if self.exchange is None:
            raise DemoError("no exchange was created")
        return self.exchange

    def push(self) -> str:
        exchange = self._exchange()
        result = self.client.exchanges.push_data(exchange, assignments=_gradebook())
        self.pushed_chunks = result.chunks_sent
        _check(result.chunks_sent > 1, f"expected several chunks, sent {result.chunks_sent}")
        _check(result.scores_sent == ASSIGNMENTS * STUDENTS, f"{result.scores_sent} scores sent")
        state = self.client.exchanges.find(exchange).state
        _check(state == "completed", f"the exchange is {state} after the final chunk")
        return (
            f"{result.assignments_sent} assignments, {result.scores_sent} scores in "
            f"{result.chunks_sent} chunks (the last one final); exchange {state}"
        )

    def pages(self) -> str:
        for course in COURSES[1:]:
            _new_exchange(self.client, course)
        sizes = [
            len(page.items) for page in self.client.exchanges.list(page_size=PAGE_SIZE).pages()
        ]
        _check(sum(sizes) == len(COURSES), f"listed {sum(sizes)} of {len(COURSES)} exchanges")
        shown = ", ".join(f"page {n}: {size}" for n, size in enumerate(sizes))
        return f"{sum(sizes)} exchanges, {PAGE_SIZE} a page: {shown}"

    def count(self) -> str:
        exchanges = self.client.exchanges
        total = exchanges.count()
        completed = exchanges.count(state="completed")
        in_course = exchanges.count(course_app_id=COURSES[0])
        _check(total == len(COURSES), f"counted {total} exchanges")
        _check(completed == 1 and in_course == 1, f"counted {completed} completed, {in_course}")
        return f"{total} exchanges, {completed} completed, {in_course} for course {COURSES[0]}"

    def errors(self) -> str:
        exchange = _new_exchange(self.client, "PHYS-150")
        reported = self.client.exchanges.create_error(
            exchange, code=ExchangeErrorCode.PRODUCER_ERROR, details="gradebook locked"
        )
        listed = list(self.client.exchanges.list_errors(exchange))
        _check(len(listed) == 1 and listed[0].id == reported.id, f"listed {len(listed)} errors")
        found = self.client.exchanges.find(exchange)
        return (
            f"reported {reported.code} on a second exchange; listed {len(listed)} error "
            f"({listed[0].message!r}); that exchange is {found.state}, error_count "
            f"{found.error_count}"
        )

    def details(self) -> str:
        exchange = self._exchange()
        artifact = self.client.artifacts.get_exchange_details(exchange)
        document = artifact.json()
        _check(isinstance(document, dict), "the details artifact is not a JSON object")
        scores = sum(len(a.get("scores", [])) for a in document["assignments"])
        _check(scores == ASSIGNMENTS * STUDENTS, f"the details hold {scores} scores")
        _check(document["chunks"] == self.pushed_chunks, f"{document['chunks']} chunks stored")
        path = self.workdir / f"{exchange.id}-details.json"
        written = artifact.save(path)
        _check(written == path.stat().st_size, "the saved file does not match its size")
        return (
            f"details decompressed: {document['chunks']} chunks, {scores} scores; "
            f"{written} bytes saved to a temporary {path.name}"
        )

    def report(self) -> str:
        batches = list(self.client.batch_exchanges.list())
        batch_count = self.client.batch_exchanges.count()
        _check(
            bool(batches) and batch_count == len(batches), f"{len(batches)} batches, {batch_count}"
        )
        report = self.client.batch_exchanges.get_course_ids_report(batches[0])
        course_ids = report.column("course_id") or []
        _check(bool(course_ids), "the course-ids report is empty")
        return (
            f"{len(batches)} batch exchanges; batch {batches[0].id}'s CSV report lists "
            f"{len(course_ids)} courses: {', '.join(course_ids)}"
        )

    def _run(self, schedule: Schedule) -> str:
        self.client.schedules.run(schedule)  # None: the API answers 204, the run is queued
        return "queued"

    def schedule(self) -> str:
        schedules = self.client.schedules
        schedule = next(iter(schedules.list()))
        outcomes: list[str] = []

        _check(schedules.update(schedule, enabled=False).enabled is False, "still enabled")
        try:
            self._run(schedule)
            raise DemoError("a disabled schedule ran")
        except ConflictError as exc:
            outcomes.append(f"disabled: {exc.status_code} ({_reason(exc)})")
        _check(schedules.update(schedule, enabled=True).enabled is True, "still disabled")
        outcomes.append(f"enabled: run {self._run(schedule)}")
        try:
            self._run(schedule)
            raise DemoError("a schedule ran twice at once")
        except ConflictError as exc:
            outcomes.append(f"again: {exc.status_code} ({_reason(exc)})")

        self.sandbox.advance_clock(SCHEDULE_RUN_SECONDS)  # the run ends
        try:
            self._run(schedule)
            raise DemoError("a schedule ran again within its minimum interval")
        except RateLimitError as exc:
            wait = exc.retry_after
            _check(wait is not None, "the 429 carries no Retry-After")
            outcomes.append(f"after the run: {exc.status_code}, retry after {wait:.0f} s")
        # A real producer would sleep; the demo moves the sandbox's clock instead.
        self.sandbox.advance_clock(wait or 0.0)
        outcomes.append(f"after waiting: run {self._run(schedule)}")
        return f"{schedule.name!r}: " + "; ".join(outcomes)

    def _auth(self) -> ClientCredentials:
        sandbox = self.sandbox
        return ClientCredentials(
            sandbox.client_id, sandbox.client_secret, token_url=sandbox.token_url
        )

    def retries(self) -> str:
        self.sandbox.faults = FAULTS
        self.sandbox.reset_counters()
        try:
            with DataSync(
                self.sandbox.base_url, auth=self._auth(), max_retries=FAULT_RETRIES
            ) as client:
                listed = list(client.exchanges.list(page_size=2))
                total = client.exchanges.count()
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
        async with AsyncDataSync(self.sandbox.base_url, auth=self._auth()) as client:
            total = await client.exchanges.count()
            pages = client.exchanges.list(page_size=2).pages(concurrency=4)
            listed = [exchange.id async for page in pages for exchange in page.items]
            _check(len(set(listed)) == total, f"listed {len(set(listed))} of {total}")
            created = await client.exchanges.create(query=_course_query("BIO-201"))
            if created is None:
                raise DemoError("the API created the exchange but did not return it")
            result = await client.exchanges.push_data(created, summaries=_final_grades())
            document = await client.artifacts.get_exchange_details(created).json()
            _check(isinstance(document, dict), "the details artifact is not a JSON object")
            summaries = len(document["summaries"])
            _check(summaries == STUDENTS, f"the details hold {summaries} summaries")
        return (
            f"count {total}; list (4 pages in flight) {len(listed)} exchanges; "
            f"push_data {result.summaries_sent} final grades in {result.chunks_sent} chunk(s); "
            f"details has {summaries} summaries"
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
        prog="python examples/demo.py",
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
            )
            with (
                DataSync(sandbox.base_url, auth=auth) as client,
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
