"""Run the benchmarks of datasync_grades and write ``bench/RESULTS.md``.

Usage (``nox -s bench`` runs it with the project installed; from a checkout, put
``generated``, ``overlays`` and ``sandbox`` on ``PYTHONPATH``)::

    python bench/run.py                    # everything, full size (a few minutes on 2 cores)
    python bench/run.py --quick --output /tmp/RESULTS.md    # a smoke run, small and fast
    python bench/run.py --only per-call --profile            # one benchmark, with cProfile

The benchmarks and their targets (issue 10):

1. ``per-call``: 2,000 sequential finds of one exchange (auth, retries) cost at most 1.15x a
   bare ``httpx.Client`` + ``json.loads`` on the same server, in wall time, through the
   client (``DataSync(...).exchanges.find(id)`` with ``ClientCredentials``, 1a, and with a
   ``BearerToken``, 1b); the plain generated ``find_exchange.sync`` is reported beside them.
2. ``pagination``: ``AsyncDataSync(...).exchanges.list(...).pages(concurrency=8)`` over 200
   pages with 20 ms of latency each is at least 6x faster than with ``concurrency=1``.
3. ``artifact``: ``client.artifacts.get_exchange_details(id).save(path)`` of a 256 MiB
   artifact runs at least 0.8x as fast as ``gzip -dc`` on the same bytes, with less than
   64 MiB of peak RSS growth.
4. ``chunking``: ``client.exchanges.push_data`` of 200,000 scores (no-op transport) takes at
   most 12x the time of 20,000 and at most 2x one ``json.dumps`` of the whole payload.
5. ``import``: cold ``from datasync_grades import DataSync`` beside ``import httpx``
   (reported only).
6. ``single-flight``: 200 concurrent async calls on a cold token cache make exactly one
   token request (also a test: ``tests/bench/test_single_flight.py``).
7. ``instructions`` (issue 23, where valgrind is installed): callgrind instructions per
   ``DataSync.exchanges.find`` at most 1.05x bare httpx + ``json.loads``, the plain generated
   client beside it; json.loads + ``from_dict`` of a 100- and a 1,000-exchange page at most
   2.5x ``json.loads``; the 100-exchange page fetched through
   ``client.exchanges.list(page_size=100).pages()`` at most 2.5x bare ``get(params)`` +
   ``json.loads``.
8. ``typed-artifact`` (issue 23): a details artifact of 600,000 scores turned into typed
   models (``json.loads`` + ``ExchangeDataRequest.from_dict``) at most 3x its ``json.loads``,
   in interleaved CPU time (callgrind would take an hour on it).
9. ``cli-startup`` (issue 26): wall time of ``datasync-grades --help`` beside
   ``import datasync_grades`` and ``from datasync_grades import DataSync``; the target is
   what help does not import (the client, httpx, the generated models, the sandbox, rich's
   progress bars).

The scenarios live in :mod:`bench.scenarios`; this module picks sizes, runs them, and
formats the report: machine, medians, each ratio measured within one run, PASS or MISS,
and for a miss the measured reasons.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is on sys.path, the repository is not
    sys.path.insert(0, str(ROOT))

from bench import scenarios  # noqa: E402
from bench.scenarios import MIB, ProfileRow  # noqa: E402
from datasync_grades._artifacts import DEFAULT_CHUNK_SIZE  # noqa: E402

__all__ = ["BENCHMARKS", "FULL", "QUICK", "Report", "Sizes", "main"]

PER_CALL_TARGET = 1.15
SPEEDUP_TARGET = 6.0
THROUGHPUT_TARGET = 0.8
RSS_TARGET_MIB = 64
SCALING_TARGET = 12.0
DUMPS_TARGET = 2.0
FIND_INSTRUCTIONS_TARGET = 1.05
PARSE_TARGET = 2.5
FETCH_TARGET = 2.5
TYPED_TARGET = 3.0


@dataclass(frozen=True)
class Sizes:
    per_call_calls: int
    per_call_rounds: int
    pages: int
    page_rounds: int
    artifact_bytes: int
    artifact_rounds: int
    scores_large: int
    scores_small: int
    chunk_rounds: int
    import_runs: int
    flight_calls: int
    instruction_calls: int
    typed_scores: int
    typed_rounds: int


FULL = Sizes(
    per_call_calls=2000,
    per_call_rounds=9,
    pages=200,
    page_rounds=5,
    artifact_bytes=256 * MIB,
    artifact_rounds=5,
    scores_large=200_000,
    scores_small=20_000,
    chunk_rounds=7,
    import_runs=9,
    flight_calls=200,
    instruction_calls=100,
    typed_scores=600_000,
    typed_rounds=3,
)
QUICK = Sizes(
    per_call_calls=200,
    per_call_rounds=3,
    pages=200,
    page_rounds=1,
    artifact_bytes=16 * MIB,
    artifact_rounds=2,
    scores_large=20_000,
    scores_small=2_000,
    chunk_rounds=3,
    import_runs=3,
    flight_calls=200,
    instruction_calls=10,
    typed_scores=20_000,
    typed_rounds=1,
)


@dataclass
class Report:
    """The rows of the summary table and the sections below it, in Markdown."""

    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    def row(
        self,
        number: str,
        name: str,
        target: str,
        measured: str,
        passed: bool | None,
        *,
        error: bool = False,
    ) -> str:
        result = (
            "**ERROR**"
            if error
            else "report only"
            if passed is None
            else "PASS"
            if passed
            else "**MISS**"
        )
        self.rows.append((number, name, target, measured, result))
        return result


def _us(value: float) -> str:
    return f"{value:,.0f} µs"


def _x(value: float) -> str:
    return f"{value:.2f}x"


def _spread(values: Sequence[float], fmt: Callable[[float], str]) -> str:
    return f"{fmt(min(values))} - {fmt(max(values))}"


def _names(rows: Sequence[ProfileRow], count: int = 4) -> str:
    return ", ".join(f"`{row.function}` ({row.own_us:+.1f} µs own)" for row in rows[:count])


def _profile_table(rows: Sequence[ProfileRow], note: str, *, signed: bool = False) -> list[str]:
    sign = "+" if signed else ""
    lines = [
        note,
        "",
        "| function | calls | own CPU µs | cumulative CPU µs |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| `{row.function}` | {row.calls:{sign}.1f} | {row.own_us:{sign}.1f} "
        f"| {row.cumulative_us:{sign}.1f} |"
        for row in rows
    ]
    return [*lines, ""]


# -- 1 ---------------------------------------------------------------------------------------------


# Target 1's rows: (row number, variant, what its calls are).
PER_CALL_ROWS = (
    ("1a", scenarios.DATASYNC_CREDENTIALS, "`client.exchanges.find` (`DataSync`)"),
    ("1b", scenarios.DATASYNC_BEARER, "`client.exchanges.find` (`DataSync`, BearerToken)"),
)


def _per_call_miss(result: scenarios.PerCallResult, variant: str) -> str:
    """Where a per-call miss goes: bare -> the generated client -> DataSync."""
    bare_us = result.median_us(scenarios.BARE)
    generated = result.median_ratio(scenarios.GENERATED)
    components = result.components
    parts = [
        f"the generated client alone costs {_x(generated)} of bare httpx (about "
        f"{_us((generated - 1) * bare_us)} more per call), of which "
        f"`ExchangeResponse.from_dict` timed alone is {_us(components[scenarios.FROM_DICT_COST])}",
    ]
    over = result.median_ratio_between(variant, scenarios.GENERATED)
    added_us = result.median_us(variant) - result.median_us(scenarios.GENERATED)
    parts.append(
        f"`DataSync` over the generated client adds {_x(over)} (about {_us(added_us)} per call)"
        if over > 1
        else "`DataSync` adds nothing measurable over the generated client in this run"
    )
    profiled = result.overlay_profile.get(variant)
    if profiled:
        parts.append(f"the overlay functions costing most under cProfile: {_names(profiled)}")
    return "; ".join(parts) + ". See section 1."


_OTHER_PER_CALL = """
import json
from bench import scenarios
result = scenarios.per_call_overhead({calls}, {rounds})
print(json.dumps({{v: [result.median_us(v), result.median_ratio(v)] for v in result.per_call_us}}))
"""


def _other_library_per_call(sizes: Sizes) -> tuple[str, dict[str, list[float]] | None]:
    """The library this process does not use (``DATASYNC_GRADES_HTTP`` chooses one per
    process) and its per-call figures, measured in a child: variant -> [median us, ratio];
    None when it is not installed."""
    from datasync_grades._http import LIBRARY

    other = "httpx2" if LIBRARY == "httpx" else "httpx"
    if importlib.util.find_spec(other) is None:
        return other, None
    code = _OTHER_PER_CALL.format(calls=sizes.per_call_calls, rounds=sizes.per_call_rounds)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DATASYNC_GRADES_HTTP": other},
        capture_output=True,
        text=True,
        check=True,
    )
    return other, json.loads(done.stdout.splitlines()[-1])


def per_call(report: Report, sizes: Sizes, force_profile: bool) -> None:
    from datasync_grades._http import LIBRARY

    result = scenarios.per_call_overhead(
        sizes.per_call_calls, sizes.per_call_rounds, profile=force_profile
    )
    other, other_figures = _other_library_per_call(sizes)
    passed = {
        variant: result.median_ratio(variant) <= PER_CALL_TARGET for _, variant, _ in PER_CALL_ROWS
    }
    if not all(passed.values()) and not force_profile:
        # Profiled in a second, short run: the timed rounds above ran without the profiler.
        profiled = scenarios.per_call_overhead(min(sizes.per_call_calls, 1000), 1, profile=True)
        result.overlay_profile.update(profiled.overlay_profile)
        result.extra_over_generated.extend(profiled.extra_over_generated)
        result.extra_over_bare.extend(profiled.extra_over_bare)
        result.profiled_cpu_us.update(profiled.profiled_cpu_us)
    bare_us = result.median_us(scenarios.BARE)
    statuses = {}
    for number, variant, label in PER_CALL_ROWS:
        ratio = result.median_ratio(variant)
        statuses[number] = report.row(
            number,
            f"Per-call overhead, {result.calls:,} sequential {label}",
            f"≤ {PER_CALL_TARGET:.2f}x bare httpx + json.loads",
            f"{_x(ratio)} ({_us(result.median_us(variant))} vs {_us(bare_us)} per call)",
            passed[variant],
        )
        if not passed[variant]:
            report.misses.append(
                f"**{number}. Per-call overhead, {label}** ({_x(ratio)} > "
                f"{PER_CALL_TARGET:.2f}x): {_per_call_miss(result, variant)}"
            )
    datasync, bearer = scenarios.DATASYNC_CREDENTIALS, scenarios.DATASYNC_BEARER
    over_generated = result.median_ratio_between(datasync, scenarios.GENERATED)
    lines = [
        "## 1. Per-call overhead",
        "",
        f"{result.calls:,} sequential `GET /exchanges/{{id}}` per variant and round, "
        f"{result.rounds} rounds, on one keep-alive connection to a minimal asyncio server in "
        "another process (`bench/_server.py`: a fixed 1 KB `ExchangeResponse`, any bearer "
        "token). Within a round the variants take turns in batches of 50 calls, so drift "
        "reaches all alike; each ratio is taken within a round, and the median of the "
        "rounds' ratios is reported. `DataSync` runs with retries on (the "
        "default policy) and `trust_env=False` (as the bare client); each `ClientCredentials` "
        "fetched its token once, from the same server, before the timed rounds. "
        "`client.exchanges.find` returns the `Exchange` (parsed and checked by the engine); "
        "`find_exchange.sync` the generated `ExchangeResponse`. The targets are measured on "
        f"{LIBRARY} (this process's `DATASYNC_GRADES_HTTP`); the {other} columns come from "
        f"the same benchmark run in a child process with `DATASYNC_GRADES_HTTP={other}`, "
        f"its ratios to bare {other}.",
        "",
        "| variant | wall per call (median) | ratio to bare (median) | ratio range "
        f"| client CPU per call | {other}: wall per call | {other}: ratio to bare |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in result.per_call_us:
        theirs = (other_figures or {}).get(name)
        lines.append(
            f"| {name.replace('httpx', LIBRARY)} | {_us(result.median_us(name))} "
            f"| {_x(result.median_ratio(name))} | {_spread(result.ratios[name], _x)} "
            f"| {_us(median(result.cpu_us[name]))} "
            + (f"| {_us(theirs[0])} | {_x(theirs[1])} |" if theirs else "| not installed | - |")
        )
    lines += [
        "",
        f"Target rows: 1a, `DataSync` with `ClientCredentials`, "
        f"{_x(result.median_ratio(datasync))} (target ≤ {PER_CALL_TARGET:.2f}x): "
        f"{statuses['1a']}; 1b, `DataSync` with a `BearerToken`, "
        f"{_x(result.median_ratio(bearer))}: {statuses['1b']}. `DataSync` over the "
        f"generated client alone is {_x(over_generated)}, "
        f"and the generated client alone over bare httpx "
        f"{_x(result.median_ratio(scenarios.GENERATED))}.",
        "",
        "Steps timed alone (`timeit`, median of 7 runs of 2,000 calls, no profiler):",
        "",
        "| step | µs |",
        "|---|---:|",
        *[f"| {step} | {us:.1f} |" for step, us in result.components.items()],
        "",
    ]
    if result.overlay_profile:
        cpu = result.profiled_cpu_us
        lines += [
            "### Profile",
            "",
            "cProfile with a CPU-time clock (waiting for the server is not counted), "
            "per API call. The profiler inflates every figure (each function call pays for "
            "its clock reads), so compare rows, not absolute times: total profiled CPU per "
            "call was " + ", ".join(f"{name} {_us(value)}" for name, value in cpu.items()) + ".",
            "",
        ]
        for variant, rows in result.overlay_profile.items():
            lines += _profile_table(
                rows,
                f"Overlay functions (`overlays/datasync_grades/`) under {variant}, by own time:",
            )
        lines += [
            *_profile_table(
                result.extra_over_generated,
                "Functions costing more under `DataSync` (ClientCredentials) than with the "
                "generated client alone (differences; what the overlays cause, wherever "
                "it is spent):",
                signed=True,
            ),
            *_profile_table(
                result.extra_over_bare,
                "Functions costing more with the generated client alone than with bare "
                "httpx + json.loads (differences):",
                signed=True,
            ),
        ]
    report.sections.append("\n".join(lines))


# -- 2 ---------------------------------------------------------------------------------------------


def pagination(report: Report, sizes: Sizes) -> None:
    result = scenarios.pagination_speedup(sizes.pages, rounds=sizes.page_rounds)
    k = result.concurrency
    speedup = median(result.speedups)
    one, many = result.median_seconds(1), result.median_seconds(k)
    passed = speedup >= SPEEDUP_TARGET
    report.row(
        "2",
        f"`exchanges.list(...).pages(concurrency=k)` (`AsyncDataSync`) over {result.pages} "
        f"pages, {result.latency * 1000:.0f} ms latency each",
        f"concurrency {k} ≥ {SPEEDUP_TARGET:.0f}x faster than 1",
        f"{_x(speedup)} ({one:.2f} s vs {many:.2f} s)",
        passed,
    )
    waits = -(-result.pages // k) + 1  # batches of k pages, plus the count request
    ideal = result.pages / waits
    per_page_ms = (one / result.pages - result.latency) * 1000
    lines = [
        "## 2. Concurrent pagination",
        "",
        f"`client.exchanges.list(page_size={result.page_size}).pages(concurrency=k)` over "
        f"{result.items:,} exchanges = {result.pages} pages (the last one half full, so both "
        "walks end on it), from the minimal server in another process, which waits "
        f"{result.latency * 1000:.0f} ms before every answer (concurrent requests wait in "
        f"parallel). Through `AsyncDataSync` with a static BearerToken. {result.rounds} rounds, "
        "alternating which concurrency runs first.",
        "",
        "| concurrency | seconds (median) | range |",
        "|---:|---:|---:|",
        f"| 1 | {one:.3f} | {_spread(result.seconds[1], lambda v: f'{v:.3f}')} |",
        f"| {k} | {many:.3f} | {_spread(result.seconds[k], lambda v: f'{v:.3f}')} |",
        "",
        f"Speedup {_x(speedup)} (per round: {', '.join(_x(s) for s in result.speedups)}). "
        f"The latency alone bounds it at {_x(ideal)}: {result.pages} waits in sequence "
        f"against {waits} ({result.pages} pages {k} at a time, after one `count_exchanges`). "
        f"Beyond the latency, a page costs {per_page_ms:.1f} ms at concurrency 1 "
        "(client and server work).",
        "",
    ]
    if not passed:
        report.misses.append(
            f"**2. Pagination** ({_x(speedup)} < {SPEEDUP_TARGET:.0f}x): with "
            f"{result.latency * 1000:.0f} ms of latency the best possible is {_x(ideal)}; "
            f"the rest is the {per_page_ms:.1f} ms of client and server work per page, which "
            f"concurrency does not hide on a {os.cpu_count()}-core machine (the {k} responses "
            "of a batch are parsed one after another)."
        )
    report.sections.append("\n".join(lines))


# -- 3 ---------------------------------------------------------------------------------------------


def artifact(report: Report, sizes: Sizes, workdir: Path) -> None:
    if shutil.which("gzip") is None:
        raise RuntimeError("the artifact benchmark compares with `gzip -dc`: no gzip on PATH")
    result = scenarios.artifact_streaming(workdir, sizes.artifact_bytes, sizes.artifact_rounds)
    ratio = median(result.ratios)
    growth_mib = max(result.rss_growth_kib) / 1024
    client_rate = result.throughput(result.client_seconds)
    gzip_rate = result.throughput(result.gzip_seconds)
    fsync = median(result.gzip_fsync_seconds)
    size_mib = result.size / MIB
    passed_rate = ratio >= THROUGHPUT_TARGET
    passed_rss = growth_mib < RSS_TARGET_MIB
    report.row(
        "3a",
        f"details artifact `save`, {size_mib:.0f} MiB decompressed: throughput",
        f"≥ {THROUGHPUT_TARGET}x `gzip -dc`",
        f"{_x(ratio)} ({client_rate:.0f} vs {gzip_rate:.0f} MiB/s)",
        passed_rate,
    )
    report.row(
        "3b",
        f"details artifact `save`, {size_mib:.0f} MiB decompressed: peak RSS growth",
        f"< {RSS_TARGET_MIB} MiB",
        f"{growth_mib:.1f} MiB (largest of {len(result.rss_growth_kib)} runs)",
        passed_rss,
    )
    lines = [
        "## 3. Artifact streaming",
        "",
        f"A details artifact of exactly {result.size:,} bytes of JSON ({size_mib:.0f} MiB; "
        f"records with distinct random ids), gzip level 6: {result.compressed / MIB:.1f} MiB "
        "compressed. The minimal server streams the file (`sendfile`) from another process; "
        "each client run is a fresh `python bench/_download.py` doing one "
        "`client.artifacts.get_exchange_details(id).save(path)` through `DataSync` (timed "
        "around `save` only). "
        "The baseline is `gzip -dc file > out` (a subprocess, timed around it) on the same "
        f"file, in the same directory. {result.rounds} rounds after one uncounted warm-up "
        "round, alternating which runs first; the ratio is gzip's time over the client's, "
        "per round.",
        "",
        "| | seconds (median) | range | MiB/s (median) |",
        "|---|---:|---:|---:|",
        f"| `Artifact.save` | {median(result.client_seconds):.3f} "
        f"| {_spread(result.client_seconds, lambda v: f'{v:.3f}')} | {client_rate:.0f} |",
        f"| `gzip -dc > out` | {median(result.gzip_seconds):.3f} "
        f"| {_spread(result.gzip_seconds, lambda v: f'{v:.3f}')} | {gzip_rate:.0f} |",
        "",
        f"Throughput ratio {_x(ratio)} (per round: {', '.join(_x(r) for r in result.ratios)}). "
        "`save` writes atomically and fsyncs the file before renaming it; `gzip -dc` "
        f"does not fsync: an fsync of gzip's output took {fsync:.3f} s (median; not counted "
        "in gzip's time, counted in the client's).",
        "",
        "Peak RSS growth of the download child: "
        + ", ".join(f"{kib / 1024:.1f}" for kib in result.rss_growth_kib)
        + " MiB ("
        + (
            "VmHWM reset through `/proc/self/clear_refs` after imports and `DataSync()`; "
            "growth = VmHWM after the download - VmRSS before it)."
            if result.peak_reset
            else "the kernel refused to reset VmHWM: growth = VmHWM after - VmRSS before, "
            "an upper bound that includes the imports' peak)."
        ),
        "",
    ]
    if not passed_rate:
        report.misses.append(
            f"**3a. Artifact throughput** ({_x(ratio)} < {THROUGHPUT_TARGET}x): the client "
            f"moves the compressed bytes over loopback HTTP, inflates in "
            f"{DEFAULT_CHUNK_SIZE // 1024} KiB pieces in "
            "Python and fsyncs the file; `gzip -dc` only inflates into the page cache "
            f"(fsync of its output alone: {fsync:.3f} s of the client's "
            f"{median(result.client_seconds):.3f} s)."
        )
    if not passed_rss:
        report.misses.append(
            f"**3b. Artifact RSS** ({growth_mib:.1f} MiB ≥ {RSS_TARGET_MIB} MiB): the "
            "download holds more than a few chunks at once; see `_artifacts.Artifact._stream`."
        )
    report.sections.append("\n".join(lines))


# -- 4 ---------------------------------------------------------------------------------------------


def chunking(report: Report, sizes: Sizes) -> None:
    large, small = sizes.scores_large, sizes.scores_small
    result = scenarios.chunking(large, small, rounds=sizes.chunk_rounds)
    push_large, push_small = f"push {large}", f"push {small}"
    plan_large, plan_small = f"plan {large}", f"plan {small}"
    dumps = f"json.dumps {large}"
    scaling = result.median_ratio(push_large, push_small)
    versus_dumps = result.median_ratio(push_large, dumps)
    report.row(
        "4a",
        f"`exchanges.push_data`, {large:,} vs {small:,} scores (no-op transport)",
        f"≤ {SCALING_TARGET:.0f}x",
        f"{_x(scaling)} ({result.median(push_large):.3f} s vs {result.median(push_small):.3f} s)",
        scaling <= SCALING_TARGET,
    )
    report.row(
        "4b",
        f"`exchanges.push_data`, {large:,} scores vs one `json.dumps` of the payload",
        f"≤ {DUMPS_TARGET:.0f}x",
        f"{_x(versus_dumps)} ({result.median(push_large):.3f} s vs {result.median(dumps):.3f} s)",
        versus_dumps <= DUMPS_TARGET,
    )
    lines = [
        "## 4. Chunking",
        "",
        f"Assignments as `to_dict()` gives them, 500 scores each ({large:,} scores = "
        f"{result.payload_bytes / MIB:.1f} MiB of JSON), pushed with `client.exchanges."
        f"push_data(id, assignments=..., max_bytes={result.max_bytes:,})` through `DataSync` "
        "whose transport is an `httpx.MockTransport` answering 200 at once "
        f"({result.chunks} chunks for {large:,} scores). The push includes planning, "
        "building every body and sending it through httpx; `plan_chunks` alone is shown "
        f"too. {result.rounds} rounds, the steps rotated from round to round; ratios per round.",
        "",
        "| step | seconds (median) | range |",
        "|---|---:|---:|",
    ]
    for name in (push_large, push_small, plan_large, plan_small, dumps):
        label = name.replace(str(large), f"{large:,}").replace(str(small), f"{small:,}")
        lines.append(
            f"| {label} | {result.median(name):.4f} "
            f"| {_spread(result.seconds[name], lambda v: f'{v:.4f}')} |"
        )
    lines += [
        "",
        f"Scaling {_x(scaling)} (linear is 10x); push over `json.dumps` {_x(versus_dumps)}; "
        f"`plan_chunks` alone scales {_x(result.median_ratio(plan_large, plan_small))} and "
        f"costs {_x(result.median_ratio(plan_large, dumps))} one `json.dumps`.",
        "",
    ]
    if scaling > SCALING_TARGET:
        report.misses.append(
            f"**4a. Chunking scaling** ({_x(scaling)} > {SCALING_TARGET:.0f}x): planning "
            f"scales {_x(result.median_ratio(plan_large, plan_small))}; the rest of the push "
            "grows faster than the data."
        )
    if versus_dumps > DUMPS_TARGET:
        report.misses.append(
            f"**4b. Chunking vs json.dumps** ({_x(versus_dumps)} > {DUMPS_TARGET:.0f}x): "
            f"`plan_chunks` alone is {_x(result.median_ratio(plan_large, dumps))} of one "
            "`json.dumps` (one encoder call per score instead of one per document); the "
            "rest is mostly the check before anything is sent (every item parsed by the "
            "generated models' `from_dict`, each model built), then the bodies and the sends."
        )
    report.sections.append("\n".join(lines))


# -- 5 ---------------------------------------------------------------------------------------------


LIBRARY = "from datasync_grades import DataSync"
# What `--help` leaves to the commands (issue 26): the client and httpx (which imports rich's
# progress bars when rich is installed), the generated models, the sandbox.
NOT_FOR_HELP = (
    "httpx",
    "datasync_grades._datasync",
    "datasync_grades_api.models",
    "datasync_grades_sandbox",
    "rich.progress",
)


def imports(report: Report, sizes: Sizes) -> None:
    variants = {"httpx": ["-c", "import httpx"], LIBRARY: ["-c", LIBRARY]}
    result = scenarios.import_time(sizes.import_runs, variants)
    httpx_ms, ours_ms = result.import_ms("httpx"), result.import_ms(LIBRARY)
    report.row(
        "5",
        f"Cold `{LIBRARY}`",
        "report beside `import httpx`",
        f"{ours_ms:.0f} ms (httpx alone {httpx_ms:.0f} ms)",
        None,
    )
    bare_ms = median(result.seconds[""]) * 1000
    lines = [
        "## 5. Import time",
        "",
        f'Wall time of `python -c "..."` minus `python -c pass` ({bare_ms:.0f} ms), '
        f"paired run by run, median of {result.runs} runs, interleaved. Bytecode is compiled "
        "by an uncounted first run into a private `PYTHONPYCACHEPREFIX` (an installed "
        "package has its `.pyc` files; `PYTHONDONTWRITEBYTECODE` is ignored for this). "
        "`import datasync_grades` alone imports its names on first use (section 9); the "
        "first name loads the client.",
        "",
        "| import | ms (median) |",
        "|---|---:|",
        f"| `import httpx` | {httpx_ms:.0f} |",
        f"| `{LIBRARY}` (includes httpx, attrs and the generated package) | {ours_ms:.0f} |",
        "",
        f"`datasync_grades`' own share: {ours_ms - httpx_ms:.0f} ms. Where the time of "
        f"`{LIBRARY}` goes, by top-level package (self times from "
        "`python -X importtime`, median of "
        f"{result.runs} runs, without the modules every interpreter imports at start):",
        "",
        "| package | ms |",
        "|---|---:|",
        *[f"| `{package}` | {ms:.1f} |" for package, ms in result.by_package(LIBRARY)],
        "",
    ]
    report.sections.append("\n".join(lines))


# -- 6 ---------------------------------------------------------------------------------------------


def single_flight(report: Report, sizes: Sizes) -> None:
    result = scenarios.token_single_flight(sizes.flight_calls)
    passed = result.token_requests == 1 and result.succeeded == result.calls
    report.row(
        "6",
        f"{result.calls} concurrent async calls, cold token cache",
        "exactly 1 token request",
        f"{result.token_requests} token request(s), {result.succeeded}/{result.calls} calls OK",
        passed,
    )
    lines = [
        "## 6. Token single flight",
        "",
        f"{result.calls} concurrent `client.exchanges.find` (`asyncio.gather`) on an "
        "`AsyncDataSync` with a fresh `ClientCredentials` whose token endpoint is on the "
        f"minimal server, which counted {result.token_requests} token request(s) and "
        f"{result.api_requests} API requests; {result.succeeded} calls returned the exchange. "
        "Also run by the test suite: `tests/bench/test_single_flight.py`.",
        "",
    ]
    if not passed:
        report.misses.append(
            f"**6. Single flight**: {result.token_requests} token requests, "
            f"{result.succeeded}/{result.calls} calls returned the exchange."
        )
    report.sections.append("\n".join(lines))


# -- 7 ---------------------------------------------------------------------------------------------


def _m(value: float) -> str:
    return f"{value / 1e6:.2f}M"


def instruction_counts(report: Report, sizes: Sizes) -> None:
    from bench._instructions import available

    if not available():
        report.row("7", "callgrind instructions", "-", "valgrind is not installed", None)
        return
    result = scenarios.instruction_counts(calls=sizes.instruction_calls)
    find = result.find_ratio(scenarios.FIND_DATASYNC)
    report.row(
        "7a",
        "Instructions per `DataSync.exchanges.find` (ClientCredentials)",
        f"≤ {FIND_INSTRUCTIONS_TARGET:.2f}x bare httpx + json.loads",
        f"{_x(find)} ({_m(result.find[scenarios.FIND_DATASYNC])} vs "
        f"{_m(result.find[scenarios.FIND_BARE])})",
        find <= FIND_INSTRUCTIONS_TARGET,
    )
    for number, items in (("7b", 100), ("7c", 1000)):
        ratio = result.parse_ratio(items)
        report.row(
            number,
            f"Instructions to parse a {items:,}-exchange page (json.loads + from_dict)",
            f"≤ {PARSE_TARGET:.1f}x json.loads",
            f"{_x(ratio)} ({_m(result.parse[items][scenarios.LOADS_FROM_DICT])} vs "
            f"{_m(result.parse[items][scenarios.LOADS])})",
            ratio <= PARSE_TARGET,
        )
    if find > FIND_INSTRUCTIONS_TARGET:
        generated = result.find_ratio(scenarios.FIND_GENERATED)
        report.misses.append(
            f"**7a. Instructions per find** ({_x(find)} > {FIND_INSTRUCTIONS_TARGET:.2f}x): the "
            f"plain generated client alone is {_x(generated)} (building the request from "
            "`_get_kwargs`, `ExchangeResponse.from_dict`); `DataSync` adds "
            f"{_x(find / generated)} on top (auth, retries, bounds, parse checks)."
        )
    for items in result.parse:
        ratio = result.parse_ratio(items)
        if ratio > PARSE_TARGET:
            figures = result.parse[items]
            per_item = (figures[scenarios.LOADS_FROM_DICT] - figures[scenarios.LOADS]) / items
            report.misses.append(
                f"**Parsing {items:,} exchanges** ({_x(ratio)} > {PARSE_TARGET:.1f}x): "
                f"`from_dict` costs {per_item / 1000:.0f}k instructions per exchange, which "
                "holds 8 attrs models (Exchange, ExchangeQuery, ExchangeCondition, NamedRef, "
                "SysFields and its two id maps, Metadata), two ids (`UUID`, cached) and three "
                "datetimes, each field read, checked and set one bytecode at a time."
            )
    fetch = result.fetch_ratio()
    if fetch > FETCH_TARGET:
        report.misses.append(
            f"**7d. Fetching a page** ({_x(fetch)} > {FETCH_TARGET:.1f}x): the walk makes "
            f"{result.fetch_requests} requests where the bare call makes one (the list ends "
            "on an empty page, issue 24), and parses the page into models (7b)."
        )
    report.row(
        "7d",
        "Instructions to fetch a 100-exchange page, `exchanges.list(page_size=100).pages()`",
        f"≤ {FETCH_TARGET:.1f}x bare `get(params)` + json.loads",
        f"{_x(fetch)} ({_m(result.fetch[scenarios.FETCH_DATASYNC])} vs "
        f"{_m(result.fetch[scenarios.FETCH_BARE])}; {result.fetch_requests} requests per walk)",
        fetch <= FETCH_TARGET,
    )
    lines = [
        "## 7. Instructions (callgrind)",
        "",
        "Counted by `valgrind --tool=callgrind` (`bench/_instructions.py`): each statement runs "
        "n and 2n times in two child Pythons (hash seed fixed, gc frozen after the setup), and "
        "the difference of the two totals over n is the cost of one run. The server "
        "(`bench/_server.py`) runs in a process of its own, uncounted. Instruction counts do "
        "not swing with the load of a shared machine as wall time does.",
        "",
        "| per call | instructions | ratio to bare |",
        "|---|---:|---:|",
        *[
            f"| {name} | {_m(value)} | {_x(result.find_ratio(name))} |"
            for name, value in result.find.items()
        ],
        "",
        "| page | json.loads | json.loads + `ExchangesResponse.from_dict` | ratio |",
        "|---|---:|---:|---:|",
        *[
            f"| {items:,} exchanges | {_m(figures[scenarios.LOADS])} "
            f"| {_m(figures[scenarios.LOADS_FROM_DICT])} | {_x(result.parse_ratio(items))} |"
            for items, figures in result.parse.items()
        ],
        "",
        f"Fetching: the server holds 100 exchanges; one walk of "
        f"`client.exchanges.list(page_size=100).pages()` (`DataSync`, BearerToken) made "
        f"{result.fetch_requests} requests, against one bare `get('/exchanges', params=...)` "
        "+ `json.loads`.",
        "",
        "| fetch | instructions |",
        "|---|---:|",
        *[f"| {name} | {_m(value)} |" for name, value in result.fetch.items()],
        "",
    ]
    report.sections.append("\n".join(lines))


# -- 8 ---------------------------------------------------------------------------------------------


def typed_artifact(report: Report, sizes: Sizes) -> None:
    result = scenarios.typed_artifact(sizes.typed_scores, rounds=sizes.typed_rounds)
    ratio = result.ratio()
    loads, typed = median(result.loads_seconds), median(result.typed_seconds)
    report.row(
        "8",
        f"A {result.scores:,}-score details artifact into typed models",
        f"≤ {TYPED_TARGET:.0f}x json.loads",
        f"{_x(ratio)} ({typed:.2f} s vs {loads:.2f} s CPU)",
        ratio <= TYPED_TARGET,
    )
    if ratio > TYPED_TARGET:
        report.misses.append(
            f"**8. Typed artifact** ({_x(ratio)} > {TYPED_TARGET:.0f}x): every score is an "
            "`AssignmentScore` holding two `Ref`s with a `SysFields` each (five attrs models, "
            "each field read, checked and set one bytecode at a time, two ids through the "
            "`UUID` cache and a datetime per score), against `json.loads`' five dicts in C."
        )
    lines = [
        "## 8. A large artifact into typed models",
        "",
        f"A details artifact as the sandbox writes it ({result.payload_bytes / MIB:.0f} MiB of "
        f"JSON, {result.scores:,} scores in assignments of 500), parsed by `json.loads` alone "
        "and by `ExchangeDataRequest.from_dict(json.loads(...))` (the artifact's own keys land "
        f"in `additional_properties`); {result.rounds} rounds alternating which runs first, "
        "each after a `gc.collect()` (the collector's full passes are paced by the survivors of "
        "the last one: without it, a step that followed the other ran with fewer of them), CPU "
        "time of the process, garbage collector on, as in a consumer's process (callgrind would "
        "take an hour at this size); the ratio is taken per round.",
        "",
        "| step | CPU seconds (median) | range |",
        "|---|---:|---:|",
        f"| json.loads | {loads:.2f} | {_spread(result.loads_seconds, lambda v: f'{v:.2f}')} |",
        f"| json.loads + from_dict | {typed:.2f} "
        f"| {_spread(result.typed_seconds, lambda v: f'{v:.2f}')} |",
        "",
    ]
    report.sections.append("\n".join(lines))


# -- 9 ---------------------------------------------------------------------------------------------


def cli_startup(report: Report, sizes: Sizes) -> None:
    help_args = scenarios.cli_help_args()
    shown = "datasync-grades --help"
    variants = {
        "import datasync_grades": ["-c", "import datasync_grades"],
        LIBRARY: ["-c", LIBRARY],
        shown: help_args,
    }
    result = scenarios.import_time(sizes.import_runs, variants)
    ms = {name: result.import_ms(name) for name in variants}
    loaded = sorted(m for m in result.modules[shown] if m.startswith(NOT_FOR_HELP))
    report.row(
        "9",
        f"Start-up of `{shown}`",
        "imports none of " + ", ".join(f"`{m}`" for m in NOT_FOR_HELP),
        f"{ms[shown]:.0f} ms, {_x(ms[shown] / ms[LIBRARY])} `{LIBRARY}` ({ms[LIBRARY]:.0f} ms; "
        f"`import datasync_grades` {ms['import datasync_grades']:.0f} ms); "
        + (f"imported {len(loaded)}: {', '.join(loaded[:5])}" if loaded else "imports none"),
        not loaded,
    )
    if loaded:
        report.misses.append(f"**9. Command line start-up** imports {', '.join(loaded[:10])}.")
    bare_ms = median(result.seconds[""]) * 1000
    lines = [
        "## 9. Command line start-up",
        "",
        f"`python {' '.join(help_args)}` (the console script when installed, else "
        "`python -m datasync_grades --help`) beside the library's imports: wall time of the "
        f"whole process and minus `python -c pass` ({bare_ms:.0f} ms), paired run by run, median "
        f"of {result.runs} runs, interleaved, bytecode compiled beforehand (as in section 5). "
        "`import datasync_grades` imports its names on first use (PEP 562), so the command "
        "line imports the package without the client; `--help` builds every command from "
        "the generated operation table alone.",
        "",
        "| command | whole process, ms (median) | minus bare python, ms |",
        "|---|---:|---:|",
        *[
            f"| `{name}` | {median(result.seconds[name]) * 1000:.0f} | {ms[name]:.0f} |"
            for name in variants
        ],
        "",
        f"Where the time of `{shown}` goes, by top-level package (self times from "
        "`python -X importtime`, median):",
        "",
        "| package | ms |",
        "|---|---:|",
        *[f"| `{package}` | {value:.1f} |" for package, value in result.by_package(shown)],
        "",
        "Most of it is Typer's rich help (`typer.rich_utils` imports `rich.markdown` and "
        "`markdown_it` to render any help) and Typer itself; a command imports the client "
        "when it runs.",
        "",
    ]
    report.sections.append("\n".join(lines))


# -- the report ------------------------------------------------------------------------------------


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _git_revision() -> str:
    try:
        revision = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return revision + (" (with uncommitted changes)" if dirty else "")


def _load() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def render(
    report: Report, *, quick: bool, command: str, started: str, load_before: str, elapsed: float
) -> str:
    import datasync_grades
    from datasync_grades._http import httpx

    cores = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores or 0
    machine = [
        ("CPU", f"{_cpu_model()}, {cores} cores ({usable} usable by this process)"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("httpx", f"{_version('httpx')} (httpcore {_version('httpcore')}, h11 {_version('h11')})"),
        ("httpx2", f"{_version('httpx2')} (httpcore2 {_version('httpcore2')})"),
        ("HTTP library (`DATASYNC_GRADES_HTTP`)", httpx.__name__),
        ("attrs", _version("attrs")),
        ("datasync_grades", f"{datasync_grades.__version__}, git {_git_revision()}"),
        ("Date", f"{started} (UTC); took {elapsed / 60:.1f} min"),
        ("Load average (1/5/15 min)", f"{load_before} before, {_load()} after"),
        ("Command", f"`{command}`"),
    ]
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (`nox -s bench`); do not edit by hand. Every figure is a "
        "median over rounds of one run, and every ratio compares variants measured in the "
        "same run, interleaved.",
        "",
    ]
    if quick:
        lines += [
            "> **Quick run** (`--quick`): smaller sizes and fewer rounds than the targets "
            "name. A smoke test of the harness, not a measurement of record.",
            "",
        ]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in machine]
    lines += [
        "",
        "A loaded machine (load average above the core count) makes the wall-time figures "
        "noisier; the interleaving keeps the ratios comparable.",
        "",
        "## Summary",
        "",
        "| # | benchmark | target | measured | result |",
        "|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in report.rows]
    lines.append("")
    if report.misses:
        lines += ["### Why the misses", ""]
        lines += [f"- {miss}" for miss in report.misses]
        lines.append("")
    lines += [section.rstrip() + "\n" for section in report.sections]
    return "\n".join(lines).rstrip() + "\n"


BENCHMARKS = (
    "per-call",
    "pagination",
    "artifact",
    "chunking",
    "import",
    "single-flight",
    "instructions",
    "typed-artifact",
    "cli-startup",
)
# Minutes under valgrind and with 600,000 scores: a quick run does them only with --only.
SLOW = ("instructions", "typed-artifact")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Run the benchmarks and write RESULTS.md."
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds (smoke)")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "bench" / "RESULTS.md", help="the report to write"
    )
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, help="run only this one (repeatable)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the per-call benchmark even if it passes"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where the artifact files go (default: a temporary dir)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    selected = args.only or [name for name in BENCHMARKS if not (args.quick and name in SLOW)]
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    load_before = _load()
    clock = time.perf_counter()
    report = Report()
    failed = 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dsg-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        steps: dict[str, Callable[[], None]] = {
            "per-call": lambda: per_call(report, sizes, args.profile),
            "pagination": lambda: pagination(report, sizes),
            "artifact": lambda: artifact(report, sizes, workdir),
            "chunking": lambda: chunking(report, sizes),
            "import": lambda: imports(report, sizes),
            "single-flight": lambda: single_flight(report, sizes),
            "instructions": lambda: instruction_counts(report, sizes),
            "typed-artifact": lambda: typed_artifact(report, sizes),
            "cli-startup": lambda: cli_startup(report, sizes),
        }
        for name in BENCHMARKS:
            if name in selected:
                print(f"bench: {name} ...", file=sys.stderr, flush=True)
                step_started = time.perf_counter()
                try:
                    steps[name]()
                except Exception:  # the other benchmarks still run; the exit status says it
                    failed += 1
                    report.row(
                        "-", f"`{name}`", "-", "the benchmark failed (see below)", False, error=True
                    )
                    report.misses.append(f"**{name}**: the benchmark itself failed.")
                    report.sections.append(
                        f"## {name}: failed\n\n```\n{traceback.format_exc().rstrip()}\n```\n"
                    )
                    traceback.print_exc()
                print(
                    f"bench: {name} done in {time.perf_counter() - step_started:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    command = " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])])
    text = render(
        report,
        quick=args.quick,
        command=command,
        started=started,
        load_before=load_before,
        elapsed=time.perf_counter() - clock,
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
