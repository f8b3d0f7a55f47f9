"""Child process of the artifact benchmark: one details artifact ``save``, measured.

Run by ``bench.scenarios.artifact_streaming`` in a fresh interpreter, so the peak RSS it
reports belongs to the download alone: the kernel's high-water mark (``VmHWM``) is reset
after the imports and ``DataSync()`` (``/proc/self/clear_refs``), and the growth is the
mark after the download minus the resident size before it.

Usage::

    python bench/_download.py BASE_URL EXCHANGE_ID OUTPUT
    -> {"seconds": 1.23, "written": 268435456, "rss_before_kib": ..., "hwm_after_kib": ...}
"""

from __future__ import annotations

import json
import sys
import time

from datasync_grades import BearerToken, DataSync

__all__ = ["main"]


def _status_kib() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in KiB (Linux)."""
    values: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0])
    return values


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def main(base_url: str, exchange_id: str, output: str) -> None:
    with DataSync(base_url, auth=BearerToken("bench-token"), trust_env=False) as client:
        details = client.artifacts.get_exchange_details(exchange_id)  # lazy: nothing sent yet
        reset = _reset_peak()
        before = _status_kib()
        started = time.perf_counter()
        written = details.save(output)
        seconds = time.perf_counter() - started
        after = _status_kib()
    report = {
        "seconds": seconds,
        "written": written,
        "peak_reset": reset,
        "rss_before_kib": before["VmRSS"],
        "hwm_before_kib": before["VmHWM"],
        "hwm_after_kib": after["VmHWM"],
    }
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
