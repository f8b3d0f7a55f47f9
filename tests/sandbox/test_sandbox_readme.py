"""The sandbox guide's store-then-drop example (docs/sandbox.md) needs the sandbox alone: it
imports no client package, and runs with nothing but the sandbox's fixtures (tests/test_readme.py
type-checks it and runs the README's sandbox example)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasync_grades_sandbox import Sandbox

README = Path(__file__).parents[2] / "README.md"
GUIDE = README.parent / "docs" / "sandbox.md"


def test_the_store_then_drop_example_runs(
    readme_python_blocks: Callable[[Path, str], list[str]],
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    blocks = readme_python_blocks(GUIDE, "What a test can set up and inspect")
    [block] = [b for b in blocks if "def test_a_chunk_stored_but_never_answered" in b]
    assert "datasync_grades " not in block and "datasync_grades_api" not in block
    namespace: dict[str, Any] = {}
    exec(compile(block, str(GUIDE), "exec"), namespace)
    namespace["test_a_chunk_stored_but_never_answered"](datasync_sandbox_factory)


def test_the_sandbox_section_links_the_artifact_formats() -> None:
    link = "[docs/sandbox-artifacts.md](docs/sandbox-artifacts.md)"
    section = README.read_text(encoding="utf-8").split("## Sandbox for your tests")[1]
    assert link in section.split("\n## ")[0]
    assert (README.parent / "docs" / "sandbox-artifacts.md").is_file()
