"""The README's sandbox inspection example runs as written (the client example of the same
section is run by tests/integration/test_e2e_readme.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasync_grades_sandbox import Sandbox

README = Path(__file__).parents[2] / "README.md"


def test_the_store_then_drop_example_runs(
    readme_python_blocks: Callable[[Path, str], list[str]],
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    blocks = readme_python_blocks(README, "Sandbox: a local Grades Exchange API")
    [block] = [b for b in blocks if "def test_a_chunk_stored_but_never_answered" in b]
    assert "datasync_grades " not in block and "datasync_grades_api" not in block
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)
    namespace["test_a_chunk_stored_but_never_answered"](datasync_sandbox_factory)
