"""Instructions per run of a Python statement, counted by valgrind's callgrind.

Wall time on a shared machine swings by tens of percent; instruction counts barely move. A
statement is run ``number`` and ``2 * number`` times in two child Pythons under
``valgrind --tool=callgrind`` (hash seed fixed, garbage collector frozen after the setup), and
the difference of their totals divided by ``number`` is the cost of one run: the interpreter's
start, the imports and the setup cancel out. Anything the statement talks to (a server) runs
in another process, which valgrind does not count.

Example::

    from bench._instructions import available, instructions

    if available():
        per_call = instructions("import json; body = b'[1, 2]'", "json.loads(body)", number=200)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap

__all__ = ["available", "instructions"]

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")

_CHILD = """\
import gc, sys
{setup}
def _statement():
{statement}
_statement()  # warm: first-call caches, lazily built tables
gc.collect()
gc.freeze()
for _ in range({number}):
    _statement()
"""


def available() -> bool:
    """Whether valgrind is installed."""
    return shutil.which("valgrind") is not None


def _count(source: str, env: dict[str, str]) -> int:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            source,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    found = _COLLECTED.search(result.stderr)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return int(found.group(1))


def instructions(
    setup: str, statement: str, *, number: int = 100, env: dict[str, str] | None = None
) -> float:
    """Instructions one run of ``statement`` costs, after ``setup`` (both Python source)."""
    child_env = dict(os.environ if env is None else env)
    child_env["PYTHONHASHSEED"] = "0"
    body = textwrap.indent(textwrap.dedent(statement).strip(), "    ")
    counts = [
        _count(_CHILD.format(setup=textwrap.dedent(setup), statement=body, number=n), child_env)
        for n in (number, 2 * number)
    ]
    return (counts[1] - counts[0]) / number
