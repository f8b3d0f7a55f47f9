"""Fixtures of the reliability suite: the raw server, and a place for figures to be reported.

Figures (requests made, faults injected, retries, items checked) are what a soak is for, so
they must reach the reader whether or not pytest captures output: :func:`figures` records
each one as a JUnit property (``record_property``), prints it (seen with ``-s``) and keeps it
for the terminal summary, which pytest prints at the end of every run.

Example::

    def test_soak(figures):
        figures("requests made", 12345)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from _raw_server import RawServer

_REPORTED = pytest.StashKey[list[tuple[str, str, object]]]()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A :class:`RawServer` on 127.0.0.1 (answers 418 until ``answer()`` is called)."""
    with RawServer() as server:
        yield server


@pytest.fixture
def figures(
    request: pytest.FixtureRequest, record_property: Callable[[str, object], None]
) -> Callable[[str, object], None]:
    """``figures(name, value)``: report one figure of this test (property, print, summary)."""
    reported = request.config.stash.setdefault(_REPORTED, [])
    test = request.node.nodeid

    def report(name: str, value: object) -> None:
        record_property(name, value)
        print(f"{name}: {value}")
        reported.append((test, name, value))

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reported = terminalreporter.config.stash.get(_REPORTED, [])
    if not reported:
        return
    terminalreporter.section("reliability figures")
    current = None
    for test, name, value in reported:
        if test != current:
            terminalreporter.write_line(test)
            current = test
        terminalreporter.write_line(f"    {name}: {value}")
