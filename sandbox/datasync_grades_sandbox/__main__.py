"""Run the sandbox standalone: ``python -m datasync_grades_sandbox --port 8080``.

Prints the base URL, the token URL and the credentials, then serves until interrupted.

Example::

    python -m datasync_grades_sandbox --port 8080 --token-ttl 60 --latency 0.05 --error-rate 0.1
    python -m datasync_grades_sandbox --seed-exchanges 5 --course MATH-101 --course BIO-201
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ._faults import Faults
from ._server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_LTI_SECRET, Sandbox

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m datasync_grades_sandbox",
        description="A local DataSync Grades Exchange API on 127.0.0.1.",
    )
    add = parser.add_argument
    add("--port", type=int, default=8080, help="port to listen on; 0 picks a free one")
    add("--token-ttl", type=float, default=3600.0, help="access token lifetime, seconds")
    add("--client-id", default=DEFAULT_CLIENT_ID)
    add("--client-secret", default=DEFAULT_CLIENT_SECRET)
    add("--lti-secret", default=DEFAULT_LTI_SECRET, help="HS256 secret of accepted LTI JWTs")
    add("--max-page-size", type=int, default=100)
    add("--latency", type=float, default=0.0, help="seconds added to every API answer")
    add("--error-rate", type=float, default=0.0, help="share of API requests answered 503")
    add("--error-retry-after", type=int, default=None, help="Retry-After of those 503s")
    add("--burst-every", type=int, default=0, help="every Nth request starts a 429 burst")
    add("--burst-length", type=int, default=1, help="requests in a 429 burst")
    add("--burst-retry-after", type=int, default=1, help="Retry-After of the 429s")
    add("--drop-rate", type=float, default=0.0, help="share of connections dropped unanswered")
    add("--drop-after", type=int, default=0, help="drop the request after the first N, once")
    add(
        "--drop-stage",
        choices=["request", "response"],
        default="request",
        help="drop before handling (nothing stored) or after (stored, never answered)",
    )
    add("--seed", type=int, default=0, help="seed of the fault draws")
    add("--faults-on-token-endpoint", action="store_true")
    add("--no-validate-responses", action="store_true", help="skip response validation")
    add("--no-seed-data", action="store_true", help="start with an empty state")
    add(
        "--seed-exchanges",
        type=int,
        default=0,
        metavar="N",
        help="start with N exchanges waiting for a producer (state created), N per --course",
    )
    add(
        "--course",
        action="append",
        default=[],
        metavar="COURSE_APP_ID",
        help="course of the seeded exchanges; repeat for several courses",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.seed_exchanges < 0:
        parser.error("--seed-exchanges must be >= 0")
    if args.course and not args.seed_exchanges:
        parser.error("--course needs --seed-exchanges")
    faults = Faults(
        latency=args.latency,
        error_rate=args.error_rate,
        error_retry_after=args.error_retry_after,
        burst_every=args.burst_every,
        burst_length=args.burst_length,
        burst_retry_after=args.burst_retry_after,
        drop_rate=args.drop_rate,
        drop_after=args.drop_after,
        drop_stage=args.drop_stage,
        seed=args.seed,
        include_token_endpoint=args.faults_on_token_endpoint,
    )
    sandbox = Sandbox(
        args.port,
        faults=faults,
        token_ttl=args.token_ttl,
        clients={args.client_id: args.client_secret},
        lti_secret=args.lti_secret,
        max_page_size=args.max_page_size,
        validate_responses=not args.no_validate_responses,
        seed_data=not args.no_seed_data,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    seeded = [
        exchange_id
        for course in args.course or [None]
        for exchange_id in sandbox.seed_exchanges(args.seed_exchanges, course_app_id=course)
    ]
    with sandbox:
        # A local, throw-away sandbox: printing its credentials is the point.
        print(f"base_url:      {sandbox.base_url}")
        print(f"token_url:     {sandbox.token_url}")
        print(f"client_id:     {sandbox.client_id}")
        print(f"client_secret: {sandbox.client_secret}")
        print(f"lti_secret:    {sandbox.lti_secret}")
        print(f"waiting:       {len(seeded)} exchanges (state created)")
        print("Serving; Ctrl-C stops.", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
