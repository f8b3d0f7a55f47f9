"""The README's Sandbox example runs as written, against a real sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasync_grades_sandbox import Sandbox

README = Path(__file__).parents[2] / "README.md"


def test_sandbox_section_example_runs(
    readme_python_blocks: Callable[[Path, str], list[str]], datasync_sandbox: Sandbox
) -> None:
    (block,) = readme_python_blocks(README, "Sandbox: a local Grades Exchange API")
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)
    before = len(datasync_sandbox.state.exchanges)
    namespace["test_counts"](datasync_sandbox)
    assert len(datasync_sandbox.state.exchanges) == before + 3
