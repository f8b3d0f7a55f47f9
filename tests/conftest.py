"""Root conftest: makes the sandbox's pytest plugin available in a bare checkout.

Installed (``pip install -e .[sandbox]``), pytest loads ``datasync_grades_sandbox.pytest_plugin``
itself through the package's ``pytest11`` entry point, before this file is read, and refuses
to register the same module a second time; so it is named here only when that did not happen
(a checkout used through ``pythonpath``, or ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set).
"""

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

if "datasync_grades_sandbox.pytest_plugin" not in sys.modules:
    pytest_plugins = ["datasync_grades_sandbox.pytest_plugin"]


@pytest.fixture
def readme_python_blocks() -> Callable[[Path, str], list[str]]:
    """The ```python blocks of one ``## Section`` of README.md or a docs/ page, run as tests."""

    def blocks(readme: Path, section: str) -> list[str]:
        text = readme.read_text(encoding="utf-8")
        match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        assert match, f"{readme.name} has no section '## {section}'"
        return re.findall(r"```python\n(.*?)```", match.group(1), flags=re.DOTALL)

    return blocks


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures tests recorded (``record_property``, e.g. the soak's through ``figures`` in
    tests/reliability), at the end of the run. Here, not in that folder's conftest: under xdist
    the controller, which prints the summary, loads no conftest below this one; and read from
    the reports, which the workers send back with their properties."""
    reports = [
        report
        for category in ("passed", "failed")
        for report in terminalreporter.stats.get(category, [])
        if getattr(report, "when", None) == "call" and getattr(report, "user_properties", None)
    ]
    if not reports:
        return
    terminalreporter.section("reliability figures")
    for report in reports:
        terminalreporter.write_line(report.nodeid)
        for name, value in report.user_properties:
            terminalreporter.write_line(f"    {name}: {value}")
