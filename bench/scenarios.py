"""The benchmark scenarios: each starts what it needs, measures, and returns plain numbers.

``bench/run.py`` runs them and writes ``bench/RESULTS.md``; the tests import
:func:`token_single_flight` (``tests/bench/test_single_flight.py``). Every server runs in a
process of its own (``bench/_server.py``), so its work never competes for the client's GIL.
Timed variants that are compared run in the same process, against the same server,
interleaved round by round (A, B, A, B, ...); a ratio is taken within each round and the
median of those ratios reported.

Example::

    from bench.scenarios import token_single_flight

    result = token_single_flight(concurrency=200)
    assert result.token_requests == 1
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import gc
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import datasync_grades
import datasync_grades_api
from datasync_grades import (
    AsyncDataSync,
    BearerToken,
    ClientCredentials,
    DataSync,
    plan_chunks,
)
from datasync_grades._http import httpx
from datasync_grades_api.api.exchanges import find_exchange
from datasync_grades_api.client import AuthenticatedClient
from datasync_grades_api.models import Exchange
from datasync_grades_api.models.exchange_response import ExchangeResponse

from ._server import EXCHANGE_ID, EXCHANGE_RESPONSE

__all__ = [
    "ArtifactResult",
    "ChunkingResult",
    "ImportResult",
    "InstructionsResult",
    "PaginationResult",
    "PerCallResult",
    "ProfileRow",
    "ServerProcess",
    "SingleFlightResult",
    "TypedArtifactResult",
    "artifact_streaming",
    "child_env",
    "chunking",
    "cli_help_args",
    "import_time",
    "instruction_counts",
    "pagination_speedup",
    "per_call_overhead",
    "running_server",
    "token_single_flight",
    "typed_artifact",
]

BENCH = Path(__file__).resolve().parent
MIB = 1024 * 1024
OVERLAYS = Path(datasync_grades.__file__).resolve().parent


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


# -- the server process ------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The environment for child Pythons: they import what this process imported, from where.

    The packages may be found through an installed checkout (``nox -s bench``), through
    ``PYTHONPATH`` or through pytest's ``pythonpath``: the children get their directories
    on ``PYTHONPATH`` in every case.
    """
    roots = [
        str(Path(module.__file__ or "").resolve().parent.parent)
        for module in (datasync_grades, datasync_grades_api)
    ]
    existing = os.environ.get("PYTHONPATH", "")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*roots, str(BENCH.parent), *filter(None, [existing])])
    return env


@dataclass(frozen=True)
class ServerProcess:
    """A running ``bench/_server.py``."""

    port: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v2/grades"

    @property
    def token_url(self) -> str:
        return f"{self.origin}/oauth/token"

    def stats(self) -> dict[str, int]:
        """How many token and API requests the server has answered."""
        counts: dict[str, int] = httpx.get(f"{self.origin}/_stats", trust_env=False).json()
        return counts


@contextlib.contextmanager
def running_server(
    *, latency: float = 0.0, items: int = 0, artifact: Path | None = None
) -> Iterator[ServerProcess]:
    """Start ``bench/_server.py`` on a free loopback port; stop it (by its pid) on exit."""
    command = [sys.executable, str(BENCH / "_server.py"), "--latency", str(latency)]
    command += ["--items", str(items)]
    if artifact is not None:
        command += ["--artifact", str(artifact)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("READY "):
            raise RuntimeError(f"the benchmark server did not start: {line!r}")
        yield ServerProcess(int(line.split()[1]))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


# -- 1. per-call overhead ------------------------------------------------------------------------

# The variants, in the order they are reported; "bare" is the reference. The targets are
# the DataSync rows (the client users are shown); the plain generated client (its function
# modules on an AuthenticatedClient) is the layer beneath, reported beside them.
BARE = "bare httpx.Client + json.loads"
GENERATED = "generated client alone (AuthenticatedClient, static token)"
DATASYNC_BEARER = "DataSync().exchanges.find, BearerToken"
DATASYNC_CREDENTIALS = "DataSync().exchanges.find, ClientCredentials"


@dataclass(frozen=True)
class ProfileRow:
    """One function in a cProfile of the calls of one variant, per API call."""

    function: str
    calls: float
    own_us: float
    cumulative_us: float


@dataclass(frozen=True)
class PerCallResult:
    calls: int
    rounds: int
    per_call_us: dict[str, list[float]]  # variant -> one figure per round (wall time)
    cpu_us: dict[str, list[float]]  # variant -> this process's CPU time per call, per round
    ratios: dict[str, list[float]]  # variant -> its time / bare time, per round
    # Filled when profiled (cProfile, per API call), per target variant: the overlay
    # functions by own time; then the functions costing more own time under DataSync
    # (ClientCredentials) than with the generated client alone, and with the generated
    # client than bare.
    overlay_profile: dict[str, list[ProfileRow]] = field(default_factory=dict)
    extra_over_generated: list[ProfileRow] = field(default_factory=list)
    extra_over_bare: list[ProfileRow] = field(default_factory=list)
    profiled_cpu_us: dict[str, float] = field(default_factory=dict)  # variant -> CPU us per call
    # Costs of single steps, timed alone (timeit, no profiler), in us: see _component_costs.
    components: dict[str, float] = field(default_factory=dict)

    def median_us(self, variant: str) -> float:
        return _median(self.per_call_us[variant])

    def median_ratio(self, variant: str) -> float:
        return _median(self.ratios[variant])

    def median_ratio_between(self, variant: str, reference: str) -> float:
        """The median over rounds of ``variant``'s time over ``reference``'s."""
        pairs = zip(self.ratios[variant], self.ratios[reference], strict=True)
        return _median([a / b for a, b in pairs])


def _bare_runner(base_url: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    client = httpx.Client(
        base_url=base_url, headers={"Authorization": "Bearer bench-token"}, trust_env=False
    )
    path = f"/exchanges/{EXCHANGE_ID}"

    def run(calls: int) -> None:
        get, loads = client.get, json.loads
        for _ in range(calls):
            loads(get(path).content)

    return run, client.close


def _generated_runner(
    client: AuthenticatedClient,
) -> tuple[Callable[[int], None], Callable[[], None]]:
    exchange_id = UUID(EXCHANGE_ID)
    found = find_exchange.sync(exchange_id, client=client)
    if not isinstance(found, ExchangeResponse) or getattr(found.data, "id", None) != exchange_id:
        raise RuntimeError(f"find_exchange did not return the exchange: {found!r}")

    def run(calls: int) -> None:
        sync = find_exchange.sync
        for _ in range(calls):
            sync(exchange_id, client=client)

    return run, client.get_httpx_client().close


def _datasync_runner(client: DataSync) -> tuple[Callable[[int], None], Callable[[], None]]:
    exchange_id = UUID(EXCHANGE_ID)
    found = client.exchanges.find(exchange_id)
    if not isinstance(found, Exchange) or found.id != exchange_id:
        raise RuntimeError(f"client.exchanges.find did not return the exchange: {found!r}")

    def run(calls: int) -> None:
        find = client.exchanges.find
        for _ in range(calls):
            find(exchange_id)

    return run, client.close


def per_call_overhead(
    calls: int = 2000, rounds: int = 7, *, batch: int = 50, profile: bool = False
) -> PerCallResult:
    """``calls`` sequential finds of one exchange per variant and round, on keep-alive.

    A round makes ``calls`` calls with every variant, ``batch`` calls at a time, the
    variants taking turns; wall and CPU time of this process are summed per variant.
    """
    calls = max(1, calls // batch) * batch
    with running_server() as server:

        def credentials() -> ClientCredentials:
            return ClientCredentials("bench-client", "bench-secret", token_url=server.token_url)

        runners = {
            BARE: _bare_runner(server.base_url),
            GENERATED: _generated_runner(
                AuthenticatedClient(
                    base_url=server.base_url,
                    token="bench-token",
                    httpx_args={"trust_env": False},
                )
            ),
            DATASYNC_BEARER: _datasync_runner(
                DataSync(server.base_url, auth=BearerToken("bench-token"), trust_env=False)
            ),
            DATASYNC_CREDENTIALS: _datasync_runner(
                DataSync(server.base_url, auth=credentials(), trust_env=False)
            ),
        }
        try:
            for run, _ in runners.values():  # warm: connections, token, code paths
                run(max(calls // 10, 50))
            times: dict[str, list[float]] = {name: [] for name in runners}
            cpu: dict[str, list[float]] = {name: [] for name in runners}
            names = list(runners)
            batches = max(1, calls // batch)
            for _ in range(rounds):
                wall = dict.fromkeys(names, 0.0)
                used = dict.fromkeys(names, 0.0)
                # Batches of ``batch`` calls, the variants rotated from batch to batch: the
                # machine's drift (other load, frequency) reaches every variant alike.
                for number in range(batches):
                    shift = number % len(names)
                    for name in names[shift:] + names[:shift]:
                        run = runners[name][0]
                        started, started_cpu = time.perf_counter(), time.process_time()
                        run(batch)
                        wall[name] += time.perf_counter() - started
                        used[name] += time.process_time() - started_cpu
                for name in names:
                    times[name].append(wall[name])
                    cpu[name].append(used[name])
            profiles: dict[str, tuple[_Stats, float]] = {}
            if profile:
                profiles = {name: _profile(runners[name][0], calls) for name in runners}
            if server.stats()["token"] != 1:  # the one ClientCredentials
                raise RuntimeError("a ClientCredentials fetched more than one token")
        finally:
            for _, close in runners.values():
                close()
    per_call = {name: [t / calls * 1e6 for t in values] for name, values in times.items()}
    cpu_per_call = {name: [t / calls * 1e6 for t in values] for name, values in cpu.items()}
    ratios = {
        name: [t / bare for t, bare in zip(values, times[BARE], strict=True)]
        for name, values in times.items()
    }
    result = PerCallResult(calls, rounds, per_call, cpu_per_call, ratios)
    result.components.update(_component_costs())
    if profiles:
        overlay = f"{OVERLAYS.name}/"
        result.profiled_cpu_us.update(
            {
                name: sum(own for _, own, _ in stats.values())
                for name, (stats, _) in profiles.items()
            }
        )
        for name in (DATASYNC_CREDENTIALS, DATASYNC_BEARER):
            result.overlay_profile[name] = _rows(
                profiles[name][0], lambda label: label.startswith(overlay), 12
            )
        datasync = profiles[DATASYNC_CREDENTIALS][0]
        result.extra_over_generated.extend(
            _rows(_difference(datasync, profiles[GENERATED][0]), lambda _: True, 12)
        )
        result.extra_over_bare.extend(
            _rows(_difference(profiles[GENERATED][0], profiles[BARE][0]), lambda _: True, 10)
        )
    return result


PARAMS_COST = "httpx `build_request` with an empty `params={}`, minus without params"
FROM_DICT_COST = "`ExchangeResponse.from_dict` of the parsed body"
LOADS_COST = "`json.loads` of the body"


def _component_costs(repeat: int = 7, number: int = 2000) -> dict[str, float]:
    """Microseconds of the steps the generated client adds to a bare call, each timed alone."""
    client = httpx.Client(base_url="http://127.0.0.1:9/v2/grades", trust_env=False)
    path = f"/exchanges/{EXCHANGE_ID}"
    document = json.loads(EXCHANGE_RESPONSE)

    def timed(step: Callable[[], object]) -> float:
        return _median(timeit.repeat(step, repeat=repeat, number=number)) / number * 1e6

    with client:
        with_params = timed(lambda: client.build_request("GET", path, params={}))
        without = timed(lambda: client.build_request("GET", path))
    return {
        PARAMS_COST: with_params - without,
        FROM_DICT_COST: timed(lambda: ExchangeResponse.from_dict(document)),
        LOADS_COST: timed(lambda: json.loads(EXCHANGE_RESPONSE)),
    }


_Stats = dict[str, tuple[float, float, float]]  # function -> calls, own us, cumulative us


def _label(filename: str, line: int, name: str) -> str:
    if filename == "~":  # a builtin
        return name
    path = Path(filename)
    return f"{path.parent.name}/{path.name}:{line}({name})"


def _profile(run: Callable[[int], None], calls: int) -> tuple[_Stats, float]:
    """cProfile figures per API call for ``calls`` calls, and the wall time per call under it.

    The profiler's clock is this process's CPU time: waiting for the server is not a cost of
    the client, and under other load it would swamp the differences looked for.
    """
    profiler = cProfile.Profile(time.process_time)
    started = time.perf_counter()
    profiler.runcall(run, calls)
    elapsed = time.perf_counter() - started
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
    raw = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    stats: _Stats = {}
    for (filename, line, name), (_, total_calls, own, cumulative, _) in raw.items():
        label = _label(filename, line, name)
        before = stats.get(label, (0.0, 0.0, 0.0))
        stats[label] = (
            before[0] + total_calls / calls,
            before[1] + own / calls * 1e6,
            before[2] + cumulative / calls * 1e6,
        )
    return stats, elapsed / calls * 1e6


def _rows(stats: _Stats, keep: Callable[[str], bool], top: int) -> list[ProfileRow]:
    rows = [ProfileRow(label, *figures) for label, figures in stats.items() if keep(label)]
    rows.sort(key=lambda row: row.own_us, reverse=True)
    return rows[:top]


def _difference(more: _Stats, less: _Stats) -> _Stats:
    nothing = (0.0, 0.0, 0.0)
    difference: _Stats = {}
    for label in more.keys() | less.keys():
        (calls, own, cumulative), (calls_less, own_less, cumulative_less) = (
            more.get(label, nothing),
            less.get(label, nothing),
        )
        difference[label] = (calls - calls_less, own - own_less, cumulative - cumulative_less)
    return difference


# -- 2. concurrent pagination --------------------------------------------------------------------


@dataclass(frozen=True)
class PaginationResult:
    pages: int
    page_size: int
    items: int
    latency: float
    rounds: int
    concurrency: int
    seconds: dict[int, list[float]]  # concurrency -> seconds per round
    speedups: list[float]  # per round: seconds at 1 / seconds at ``concurrency``

    def median_seconds(self, concurrency: int) -> float:
        return _median(self.seconds[concurrency])


def pagination_speedup(
    pages: int = 200,
    *,
    page_size: int = 10,
    latency: float = 0.02,
    concurrency: int = 8,
    rounds: int = 5,
) -> PaginationResult:
    """``AsyncDataSync().exchanges.list(...).pages(concurrency=k)`` over ``pages`` pages at
    concurrency 1 and ``concurrency``.

    The last page is short (half full), so the list ends on it: both walks make the same
    page requests (the concurrent one also one ``count_exchanges``).
    """
    items = pages * page_size - page_size // 2

    async def walk(client: AsyncDataSync, k: int, max_items: int | None = None) -> int:
        seen = 0
        pager = client.exchanges.list(page_size=page_size, max_items=max_items)
        async with contextlib.aclosing(pager.pages(concurrency=k)) as walked:
            async for page in walked:
                seen += len(page.items)
        return seen

    async def measure(server: ServerProcess) -> dict[int, list[float]]:
        client = AsyncDataSync(server.base_url, auth=BearerToken("bench-token"), trust_env=False)
        seconds: dict[int, list[float]] = {1: [], concurrency: []}
        async with client:
            for k in seconds:  # warm: connections and code paths
                await walk(client, k, max_items=page_size * 2 * concurrency)
            for number in range(rounds):
                order = [1, concurrency] if number % 2 == 0 else [concurrency, 1]
                for k in order:
                    started = time.perf_counter()
                    seen = await walk(client, k)
                    seconds[k].append(time.perf_counter() - started)
                    if seen != items:
                        raise RuntimeError(f"concurrency {k}: {seen} items, expected {items}")
        return seconds

    with running_server(latency=latency, items=items) as server:
        seconds = asyncio.run(measure(server))
    speedups = [one / many for one, many in zip(seconds[1], seconds[concurrency], strict=True)]
    return PaginationResult(
        pages, page_size, items, latency, rounds, concurrency, seconds, speedups
    )


# -- 3. artifact streaming -----------------------------------------------------------------------


@dataclass(frozen=True)
class ArtifactResult:
    size: int  # decompressed bytes
    compressed: int
    rounds: int
    client_seconds: list[float]
    gzip_seconds: list[float]
    gzip_fsync_seconds: list[float]  # fsync of gzip's output, after its timing
    ratios: list[float]  # per round: client throughput / gzip throughput
    rss_growth_kib: list[int]
    peak_reset: bool

    def throughput(self, seconds: list[float]) -> float:
        """MiB/s at the median time."""
        return self.size / MIB / _median(seconds)


def _details_block(records: int, rng: random.Random) -> bytes:
    """About 1 MiB of details records, each with ids of its own (as incompressible as real ids)."""
    course = str(uuid.UUID(int=rng.getrandbits(128)))
    out = []
    for number in range(records):
        score = rng.randrange(0, 1001) / 10
        out.append(
            {
                "assignment": {"$sys": {"id": str(uuid.UUID(int=rng.getrandbits(128)))}},
                "person": {
                    "$sys": {"id": str(uuid.UUID(int=rng.getrandbits(128)))},
                    "sis_id": f"S{rng.randrange(10**6):06d}",
                },
                "course": course,
                "score": score,
                "grade": "ABCDF"[min(4, int((100 - score) // 10))],
                "status": "posted" if number % 23 else "skipped",
                "message": None if number % 23 else "the student is not enrolled in the section",
                "posted_at": f"2025-08-{1 + number % 28:02d}T{number % 24:02d}:15:09.529Z",
            }
        )
    return b",".join(json.dumps(record, separators=(",", ":")).encode() for record in out)


def make_artifact(directory: Path, size: int) -> Path:
    """A gzip file (level 6) holding exactly ``size`` bytes of details JSON; reused if present.

    One block of about 1 MiB of records is repeated: gzip's window is 32 KiB, so it does not
    see the repetition and compresses as it would distinct records.
    """
    path = directory / f"details-{size}.json.gz"
    if path.exists():
        return path
    block = _details_block(4000, random.Random(10))
    head, tail = b'{"exchange_id":"' + EXCHANGE_ID.encode() + b'","records":[', b"]}"
    blocks = max(1, (size - len(head) - len(tail)) // (len(block) + 1))
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    partial = path.with_suffix(".partial")
    with open(partial, "wb") as out:
        out.write(compressor.compress(head))
        written = len(head)
        for number in range(blocks):
            piece = block if number == 0 else b"," + block
            out.write(compressor.compress(piece))
            written += len(piece)
        padding = size - written - len(tail)
        if padding < 0:
            raise ValueError(f"size {size} is too small for a details artifact")
        out.write(compressor.compress(tail + b" " * padding))  # trailing whitespace is JSON
        out.write(compressor.flush())
    partial.replace(path)
    return path


def _time_gzip(source: Path, target: Path) -> tuple[float, float]:
    """Seconds of ``gzip -dc source > target``, then seconds of an fsync of ``target``."""
    with open(target, "wb") as out:
        started = time.perf_counter()
        subprocess.run(["gzip", "-dc", str(source)], stdout=out, check=True)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        os.fsync(out.fileno())
        return seconds, time.perf_counter() - started


def _time_client(server: ServerProcess, target: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(BENCH / "_download.py"), server.base_url, EXCHANGE_ID, str(target)],
        capture_output=True,
        text=True,
        env=child_env(),
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the download child failed:\n{completed.stderr}")
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def artifact_streaming(directory: Path, size: int = 256 * MIB, rounds: int = 5) -> ArtifactResult:
    """``client.artifacts.get_exchange_details(id).save(path)`` of a ``size``-byte artifact
    against ``gzip -dc`` on its bytes."""
    source = make_artifact(directory, size)
    output = directory / "details.json"
    client_seconds: list[float] = []
    gzip_seconds: list[float] = []
    fsyncs: list[float] = []
    growth: list[int] = []
    reset = True
    with running_server(artifact=source) as server:
        for number in range(rounds + 1):  # round 0 warms the page cache and is not counted
            order = ["gzip", "client"] if number % 2 == 0 else ["client", "gzip"]
            for which in order:
                output.unlink(missing_ok=True)
                if which == "gzip":
                    seconds, fsync = _time_gzip(source, output)
                    written = output.stat().st_size
                else:
                    report = _time_client(server, output)
                    seconds, written = report["seconds"], report["written"]
                if written != size:
                    raise RuntimeError(f"{which} wrote {written} bytes, expected {size}")
                if number == 0:
                    continue
                if which == "gzip":
                    gzip_seconds.append(seconds)
                    fsyncs.append(fsync)
                else:
                    client_seconds.append(seconds)
                    growth.append(report["hwm_after_kib"] - report["rss_before_kib"])
                    reset = reset and report["peak_reset"]
    output.unlink(missing_ok=True)
    ratios = [g / c for g, c in zip(gzip_seconds, client_seconds, strict=True)]
    return ArtifactResult(
        size=size,
        compressed=source.stat().st_size,
        rounds=rounds,
        client_seconds=client_seconds,
        gzip_seconds=gzip_seconds,
        gzip_fsync_seconds=fsyncs,
        ratios=ratios,
        rss_growth_kib=growth,
        peak_reset=reset,
    )


# -- 4. chunking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkingResult:
    large: int  # scores
    small: int
    max_bytes: int
    chunks: int  # chunks of the large push
    payload_bytes: int  # json.dumps of the large payload
    rounds: int
    seconds: dict[str, list[float]]  # measurement -> seconds per round

    def median(self, name: str) -> float:
        return _median(self.seconds[name])

    def median_ratio(self, numerator: str, denominator: str) -> float:
        pairs = zip(self.seconds[numerator], self.seconds[denominator], strict=True)
        return _median([a / b for a, b in pairs])


def score_data(scores: int, per_assignment: int = 500) -> list[dict[str, Any]]:
    """Assignments as ``to_dict()`` gives them, ``per_assignment`` scores each (the last fewer).

    The same students are graded in every assignment, as in a course: their refs are shared
    objects (memory), which does not change what serializing them costs.
    """
    students = [{"$sys": {"id": str(UUID(int=(1 << 96) + n))}} for n in range(per_assignment)]
    grader = {"$sys": {"id": str(UUID(int=1 << 97))}}
    section = {"$sys": {"id": str(UUID(int=1 << 98))}}
    assignments = []
    for number in range((scores + per_assignment - 1) // per_assignment):
        count = min(per_assignment, scores - number * per_assignment)
        assignments.append(
            {
                "$sys": {
                    "id": str(UUID(int=(1 << 99) + number)),
                    "source_id": {"sis": f"A{number}"},
                },
                "$section": section,
                "name": f"Assignment {number}",
                "points_possible": 100.0,
                "due_at": "2025-09-01T23:59:00Z",
                "scores": [
                    {
                        "$person": students[n],
                        "$grader": grader,
                        "score": float((number * 7 + n * 13) % 101),
                        "grade": "ABCDF"[(number + n) % 5],
                        "late": n % 17 == 0,
                        "excused": False,
                        "submitted_at": "2025-08-31T12:00:00Z",
                    }
                    for n in range(count)
                ],
            }
        )
    return assignments


_STORED = json.dumps({"data": {"id": str(UUID(int=7))}}).encode()


def _accept(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "application/json"}, content=_STORED)


def chunking(
    large: int = 200_000, small: int = 20_000, *, max_bytes: int = 1_000_000, rounds: int = 5
) -> ChunkingResult:
    """``client.exchanges.push_data`` (no-op transport) and ``plan_chunks`` of ``large`` and
    ``small`` scores, and one ``json.dumps`` of the large payload."""
    data = {large: score_data(large), small: score_data(small)}
    client = DataSync(
        "https://bench.invalid/v2/grades",  # never resolved: the mock transport answers
        auth=BearerToken("bench-token"),
        transport=httpx.MockTransport(_accept),
        trust_env=False,
    )
    exchange_id = UUID(EXCHANGE_ID)
    chunks = 0

    def push(scores: int) -> None:
        nonlocal chunks
        result = client.exchanges.push_data(
            exchange_id, assignments=data[scores], max_bytes=max_bytes
        )
        if result.scores_sent != scores:
            raise RuntimeError(f"pushed {result.scores_sent} scores, expected {scores}")
        chunks = result.chunks_sent

    payload = {"assignments": data[large], "summaries": [], "final": True}
    payload_bytes = len(json.dumps(payload))
    steps: dict[str, Callable[[], object]] = {
        f"push {large}": lambda: push(large),
        f"push {small}": lambda: push(small),
        f"plan {large}": lambda: plan_chunks(data[large], max_bytes=max_bytes),
        f"plan {small}": lambda: plan_chunks(data[small], max_bytes=max_bytes),
        f"json.dumps {large}": lambda: json.dumps(payload),
    }
    seconds: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    with client:
        for step in steps.values():
            step()  # warm
        for number in range(rounds):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                steps[name]()
                seconds[name].append(time.perf_counter() - started)
        push(large)
    return ChunkingResult(large, small, max_bytes, chunks, payload_bytes, rounds, seconds)


# -- 5. import time ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    runs: int
    seconds: dict[str, list[float]]  # variant ("" for a bare python) -> wall seconds of a run
    # variant -> runs of ``-X importtime``, each: top-level package -> self microseconds
    self_us: dict[str, list[dict[str, int]]]
    modules: dict[str, set[str]]  # variant -> the modules its process imported

    def import_ms(self, variant: str) -> float:
        """Median cost of ``variant``: its interpreter minus a bare one, paired by run."""
        pairs = zip(self.seconds[variant], self.seconds[""], strict=True)
        return _median([(a - b) * 1000 for a, b in pairs])

    def by_package(self, variant: str, top: int = 10) -> list[tuple[str, float]]:
        """Median self time (ms) per top-level package while running ``variant``; the
        ``top`` largest, then the rest as ``(other)``."""
        runs = self.self_us[variant]
        packages = {package for run in runs for package in run}
        ms = {p: _median([run.get(p, 0) for run in runs]) / 1000 for p in packages}
        ranked = sorted(ms.items(), key=lambda item: item[1], reverse=True)
        rest = sum(value for _, value in ranked[top:])
        return ranked[:top] + ([("(other)", rest)] if rest else [])


def _importtime_lines(args: Sequence[str], env: dict[str, str]) -> list[tuple[str, int]]:
    """(module, self microseconds) of every import ``python -X importtime ARGS`` made."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = []
    for line in completed.stderr.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            own, _, name = line.removeprefix("import time:").split("|")
            lines.append((name.strip(), int(own)))
    return lines


def _self_by_package(args: Sequence[str], env: dict[str, str], startup: set[str]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for name, own in _importtime_lines(args, env):
        if name not in startup:  # imported by every interpreter before ``-c`` runs
            package = name.partition(".")[0]
            totals[package] = totals.get(package, 0) + own
    return totals


def cli_help_args() -> list[str]:
    """``datasync-grades --help`` as arguments of ``python``: the console script installed
    beside this interpreter (``nox -s bench``), else ``-m datasync_grades``."""
    script = Path(sys.executable).with_name("datasync-grades")
    return [str(script), "--help"] if script.is_file() else ["-m", "datasync_grades", "--help"]


def import_time(runs: int, variants: dict[str, Sequence[str]]) -> ImportResult:
    """Wall time of ``python ARGS`` per variant (``{"httpx": ["-c", "import httpx"]}``)
    minus ``python -c pass``, interleaved.

    Bytecode is compiled once (an uncounted first run) into a private cache
    (``PYTHONPYCACHEPREFIX``), whatever ``PYTHONDONTWRITEBYTECODE`` says: an installed
    package has its ``.pyc`` files, and compiling a source tree on every start is not
    what a user's ``import`` costs.
    """
    env = child_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {"": ["-c", "pass"], **variants}
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="dsg-bench-pycache-") as pycache:
        env["PYTHONPYCACHEPREFIX"] = pycache
        for number in range(runs + 1):
            for name, args in commands.items():
                started = time.perf_counter()
                subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)
                if number:
                    seconds[name].append(time.perf_counter() - started)
        startup = {name for name, _ in _importtime_lines(["-c", "pass"], env)}
        profiles = {
            name: [_self_by_package(args, env, startup) for _ in range(runs)]
            for name, args in variants.items()
        }
        modules = {
            name: {m for m, _ in _importtime_lines(args, env)} for name, args in variants.items()
        }
    return ImportResult(runs, seconds, profiles, modules)


# -- 6. token single flight ----------------------------------------------------------------------


@dataclass(frozen=True)
class SingleFlightResult:
    calls: int
    succeeded: int  # calls that returned the exchange
    token_requests: int  # counted by the server
    api_requests: int


def token_single_flight(concurrency: int = 200, *, threads: bool = False) -> SingleFlightResult:
    """``concurrency`` concurrent ``client.exchanges.find`` calls with a ``ClientCredentials``
    whose cache is cold; the server counts the token requests.

    Async calls (``asyncio.gather`` on an ``AsyncDataSync``) by default; with
    ``threads=True``, a ``DataSync`` called from that many threads, released together.
    """
    exchange_id = UUID(EXCHANGE_ID)

    async def gathered(base_url: str, auth: ClientCredentials) -> list[Any]:
        async with AsyncDataSync(base_url, auth=auth, trust_env=False) as client:
            return list(
                await asyncio.gather(
                    *(client.exchanges.find(exchange_id) for _ in range(concurrency))
                )
            )

    def threaded(base_url: str, auth: ClientCredentials) -> list[Any]:
        start = threading.Barrier(concurrency)
        with DataSync(base_url, auth=auth, trust_env=False) as client:

            def call() -> Any:
                start.wait()
                return client.exchanges.find(exchange_id)

            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                return list(pool.map(lambda _: call(), range(concurrency)))

    with running_server() as server:
        auth = ClientCredentials("bench-client", "bench-secret", token_url=server.token_url)
        run = threaded if threads else lambda *args: asyncio.run(gathered(*args))
        results = run(server.base_url, auth)
        stats = server.stats()
    succeeded = sum(isinstance(found, Exchange) and found.id == exchange_id for found in results)
    return SingleFlightResult(concurrency, succeeded, stats["token"], stats["api"])


# -- 7. instructions (issue 23) ------------------------------------------------------------------

FIND_BARE = "bare httpx.Client.get + json.loads"
FIND_GENERATED = "generated find_exchange.sync (AuthenticatedClient)"
FIND_DATASYNC = "DataSync().exchanges.find, ClientCredentials"
FETCH_BARE = "bare httpx.Client.get(params) + json.loads"
FETCH_DATASYNC = "DataSync().exchanges.list(page_size=100).pages()"

_FIND_SETUP = """
import json, uuid, httpx
base, token_url, exchange_id = {base!r}, {token_url!r}, uuid.UUID({exchange_id!r})
"""
_FIND = {
    FIND_BARE: (
        "client = httpx.Client(base_url=base, headers={'Authorization': 'Bearer bench-token'},"
        " trust_env=False)\npath = f'/exchanges/{exchange_id}'",
        "json.loads(client.get(path).content)",
    ),
    FIND_GENERATED: (
        "from datasync_grades_api.client import AuthenticatedClient\n"
        "from datasync_grades_api.api.exchanges import find_exchange\n"
        "client = AuthenticatedClient(base_url=base, token='bench-token',"
        " httpx_args={'trust_env': False})",
        "find_exchange.sync(exchange_id, client=client)",
    ),
    FIND_DATASYNC: (
        "from datasync_grades import ClientCredentials, DataSync\n"
        "client = DataSync(base, auth=ClientCredentials('bench-client', 'bench-secret',"
        " token_url=token_url), trust_env=False)",
        "client.exchanges.find(exchange_id)",
    ),
}
_FETCH = {
    FETCH_BARE: (
        "client = httpx.Client(base_url=base, headers={'Authorization': 'Bearer bench-token'},"
        " trust_env=False)",
        "json.loads(client.get('/exchanges', params={'page': 0, 'page_size': 100}).content)",
    ),
    FETCH_DATASYNC: (
        "from datasync_grades import BearerToken, DataSync\n"
        "client = DataSync(base, auth=BearerToken('bench-token'), trust_env=False)",
        "for page in client.exchanges.list(page_size=100).pages():\n    pass",
    ),
}
_PARSE_SETUP = """
import json
from datasync_grades_api.models import ExchangesResponse
from bench._server import _exchange_id, exchange
body = json.dumps({{"data": [exchange(_exchange_id(n)) for n in range({items})]}}).encode()
"""
LOADS = "json.loads"
LOADS_FROM_DICT = "json.loads + ExchangesResponse.from_dict"


@dataclass(frozen=True)
class InstructionsResult:
    find: dict[str, float]  # variant -> instructions per find
    parse: dict[int, dict[str, float]]  # items -> LOADS / LOADS_FROM_DICT -> instructions
    fetch: dict[str, float]  # variant -> instructions per walk of one 100-exchange page
    fetch_requests: int  # requests one DataSync walk of the list makes

    def find_ratio(self, variant: str) -> float:
        return self.find[variant] / self.find[FIND_BARE]

    def parse_ratio(self, items: int) -> float:
        return self.parse[items][LOADS_FROM_DICT] / self.parse[items][LOADS]

    def fetch_ratio(self) -> float:
        return self.fetch[FETCH_DATASYNC] / self.fetch[FETCH_BARE]


def instruction_counts(calls: int = 100, sizes: Sequence[int] = (100, 1000)) -> InstructionsResult:
    """Callgrind instructions (``bench._instructions``) per find, per parsed page and per
    fetched page, each in a child Python of its own against a server in another process."""
    from ._instructions import instructions

    env = child_env()
    with running_server(items=100) as server:
        head = _FIND_SETUP.format(
            base=server.base_url, token_url=server.token_url, exchange_id=EXCHANGE_ID
        )
        find = {
            name: instructions(head + setup, statement, number=calls, env=env)
            for name, (setup, statement) in _FIND.items()
        }
        fetch = {
            name: instructions(head + setup, statement, number=max(calls // 10, 5), env=env)
            for name, (setup, statement) in _FETCH.items()
        }
        before = server.stats()["api"]
        with DataSync(server.base_url, auth=BearerToken("bench-token"), trust_env=False) as client:
            for _ in client.exchanges.list(page_size=100).pages():
                pass
        requests = server.stats()["api"] - before
    parse = {
        items: {
            LOADS: instructions(
                _PARSE_SETUP.format(items=items), "json.loads(body)", number=3, env=env
            ),
            LOADS_FROM_DICT: instructions(
                _PARSE_SETUP.format(items=items),
                "ExchangesResponse.from_dict(json.loads(body))",
                number=3,
                env=env,
            ),
        }
        for items in sizes
    }
    return InstructionsResult(find, parse, fetch, requests)


# -- 8. a large artifact into typed models (issue 23) ------------------------------------------


@dataclass(frozen=True)
class TypedArtifactResult:
    scores: int
    payload_bytes: int
    rounds: int
    loads_seconds: list[float]  # CPU seconds of json.loads, per round
    typed_seconds: list[float]  # CPU seconds of json.loads + ExchangeDataRequest.from_dict

    def ratio(self) -> float:
        pairs = zip(self.typed_seconds, self.loads_seconds, strict=True)
        return _median([typed / loads for typed, loads in pairs])


def typed_artifact(scores: int = 600_000, rounds: int = 3) -> TypedArtifactResult:
    """A details artifact as the sandbox writes it (``assignments`` and ``summaries`` of the
    pushed data, with ``exchange_id``, ``state``, ``chunks``), ``scores`` scores, parsed by
    ``json.loads`` alone and into ``ExchangeDataRequest`` (the unknown keys land in its
    ``additional_properties``), alternating which runs first; CPU time of this process."""
    from datasync_grades_api.models import Assignment, ExchangeDataRequest

    document = {
        "exchange_id": EXCHANGE_ID,
        "state": "completed",
        "chunks": 1,
        "assignments": score_data(scores),
        "summaries": [],
    }
    body = json.dumps(document).encode()
    del document
    typed = ExchangeDataRequest.from_dict(json.loads(body))
    parsed_scores = sum(len(a.scores) for a in typed.assignments if isinstance(a, Assignment))
    if parsed_scores != scores or typed.additional_properties["state"] != "completed":
        raise RuntimeError(f"the artifact parsed to {parsed_scores} scores, not {scores}")
    del typed

    def cpu(step: Callable[[], object]) -> float:
        # Each step from the same heap: the collector's full passes are paced by the survivors
        # of the last one, so without this the step after the other ran with fewer of them.
        gc.collect()
        started = time.process_time()
        step()
        return time.process_time() - started

    loads_seconds: list[float] = []
    typed_seconds: list[float] = []
    for number in range(rounds):
        steps = [
            (loads_seconds, lambda: json.loads(body)),
            (typed_seconds, lambda: ExchangeDataRequest.from_dict(json.loads(body))),
        ]
        for seconds, step in steps if number % 2 == 0 else steps[::-1]:
            seconds.append(cpu(step))
    return TypedArtifactResult(scores, len(body), rounds, loads_seconds, typed_seconds)
