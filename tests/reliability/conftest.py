"""Fixtures of the reliability suite: the raw server, and a place for figures to be reported.

Figures (requests made, faults injected, retries, items checked) are what a soak is for, so
they must reach the reader whether or not pytest captures output, and under pytest-xdist,
whose workers' output is not shown: :func:`figures` records each one as a JUnit property
(``record_property``, which xdist sends back with the test's report) and prints it (seen with
``-s``); the root conftest's terminal summary lists them at the end of the run.

Example::

    def test_soak(figures):
        figures("requests made", 12345)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from _raw_server import RawServer


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A :class:`RawServer` on 127.0.0.1 (answers 418 until ``answer()`` is called)."""
    with RawServer() as server:
        yield server


@pytest.fixture
def figures(record_property: Callable[[str, object], None]) -> Callable[[str, object], None]:
    """``figures(name, value)``: report one figure of this test (property, print, summary)."""

    def report(name: str, value: object) -> None:
        record_property(name, value)
        print(f"{name}: {value}")

    return report
