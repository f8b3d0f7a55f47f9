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
