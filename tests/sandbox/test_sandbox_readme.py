"""The README's store-then-drop example needs the sandbox alone: it imports no client package,
and runs with nothing but the sandbox's fixtures (tests/test_readme.py runs every section with
the Usage section before it)."""

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


def test_the_sandbox_section_links_the_artifact_formats() -> None:
    link = "[docs/sandbox-artifacts.md](docs/sandbox-artifacts.md)"
    section = README.read_text(encoding="utf-8").split("## Sandbox: a local Grades Exchange API")[1]
    assert link in section.split("\n## ")[0]
    assert (README.parent / "docs" / "sandbox-artifacts.md").is_file()
