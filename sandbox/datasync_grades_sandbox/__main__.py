"""Run the sandbox standalone: ``python -m datasync_grades_sandbox --port 8080``.

Prints the base URL, the token URL and the credentials, then serves until interrupted.
``python -m datasync_grades_sandbox env`` prints a running sandbox's settings as the
environment variables the README reads (see ``_environment``).

Example::

    python -m datasync_grades_sandbox --port 8080 --token-ttl 60 --latency 0.05 --error-rate 0.1
    python -m datasync_grades_sandbox --seed-exchanges 5 --course MATH-101 --course BIO-201
    python -m datasync_grades_sandbox --seed-exchanges 2 --state completed --data grades.json
    eval "$(python -m datasync_grades_sandbox env --port 8080)"
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from . import _environment
from ._faults import Faults
from ._seeding import REPLAYED_STATES
from ._server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_LTI_SECRET, Sandbox

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m datasync_grades_sandbox",
        description="A local DataSync Grades Exchange API on 127.0.0.1.",
        epilog="python -m datasync_grades_sandbox env --help: print a running sandbox's "
        "settings as the environment variables DATASYNC_BASE_URL, DATASYNC_TOKEN_URL, "
        "DATASYNC_CLIENT_ID, DATASYNC_CLIENT_SECRET, ... for eval.",
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
        help="start with N exchanges (waiting for a producer, unless --state), N per --course",
    )
    add(
        "--course",
        action="append",
        default=[],
        metavar="COURSE_APP_ID",
        help="course of the seeded exchanges; repeat for several courses",
    )
    add(
        "--state",
        choices=["created", *REPLAYED_STATES],
        default="created",
        help="state of the seeded exchanges: processing, completed and failed ones are left as "
        "a push of --data (default: no data) would leave them; completed ones serve artifacts "
        "derived from it, failed ones a producer_failure error saying what was received",
    )
    add(
        "--data",
        type=Path,
        metavar="FILE.json",
        help='grade data of the seeded exchanges, as a push takes it: a JSON object {"assignments"'
        ': [...], "summaries": [...]}; checked against openapi.yaml; needs --state processing, '
        "completed or failed",
    )
    return parser


def _load_data(parser: argparse.ArgumentParser, path: Path) -> Any:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        parser.error(f"--data {path}: {exc}")
    if not isinstance(data, dict):
        parser.error(f"--data {path}: not a JSON object with assignments and summaries")
    return data


def _env_command(args: argparse.Namespace, port: int) -> str:
    """The ``env`` command line for this sandbox: its options where they are not the default."""
    command = ["python", "-m", "datasync_grades_sandbox", "env", "--port", str(port)]
    for option, value, default in (
        ("--client-id", args.client_id, DEFAULT_CLIENT_ID),
        ("--client-secret", args.client_secret, DEFAULT_CLIENT_SECRET),
        ("--lti-secret", args.lti_secret, DEFAULT_LTI_SECRET),
    ):
        if value != default:
            command += [option, value]
    return shlex.join(command)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["env"]:
        return _environment.main(arguments[1:])
    parser = _parser()
    args = parser.parse_args(arguments)
    if args.seed_exchanges < 0:
        parser.error("--seed-exchanges must be >= 0")
    for option, given in (("--course", args.course), ("--data", args.data)):
        if given and not args.seed_exchanges:
            parser.error(f"{option} needs --seed-exchanges")
    if args.state != "created" and not args.seed_exchanges:
        parser.error("--state needs --seed-exchanges")
    if args.data is not None and args.state not in REPLAYED_STATES:
        parser.error("--data needs --state processing, completed or failed")
    data = _load_data(parser, args.data) if args.data is not None else None
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
    try:
        seeded = [
            exchange_id
            for course in args.course or [None]
            for exchange_id in sandbox.seed_exchanges(
                args.seed_exchanges, state=args.state, data=data, course_app_id=course
            )
        ]
    except (TypeError, ValueError) as exc:
        parser.error(f"--data {args.data}: {exc}")
    with sandbox:
        # A local, throw-away sandbox: printing its credentials is the point.
        print(f"base_url:      {sandbox.base_url}")
        print(f"token_url:     {sandbox.token_url}")
        print(f"client_id:     {sandbox.client_id}")
        print(f"client_secret: {sandbox.client_secret}")
        print(f"lti_secret:    {sandbox.lti_secret}")
        if args.state == "created":
            print(f"waiting:       {len(seeded)} exchanges (state created)")
        else:
            print(f"seeded:        {len(seeded)} exchanges (state {args.state})")
        print("Serving; Ctrl-C stops.")
        print(f'For clients: eval "$({_env_command(args, sandbox.port)})"', flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
