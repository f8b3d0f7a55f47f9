"""The docs site (mkdocs.yml, `nox -s docs`): its reference covers the public surface, every page
is reachable, CI builds it, and the README stays a ten-minute read."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import datasync_grades
import datasync_grades_api.api

ROOT = Path(__file__).parents[2]
REFERENCE = ROOT / "docs" / "reference"


def _documented() -> set[str]:
    text = "".join(path.read_text(encoding="utf-8") for path in REFERENCE.glob("*.md"))
    return set(re.findall(r"^::: (\S+)", text, re.MULTILINE))


def test_every_public_name_has_a_reference_entry() -> None:
    documented = _documented()
    missing = [
        name
        for name in datasync_grades.__all__
        if name != "__version__"
        and f"datasync_grades.{name}" not in documented
        and f"datasync_grades_api.api.{name}" not in documented
    ]
    assert missing == []


def test_every_generated_resource_has_a_reference_entry() -> None:
    resources = [
        name
        for name, value in vars(datasync_grades_api.api).items()
        if inspect.isclass(value)
        and value.__module__ == datasync_grades_api.api.__name__
        and name.endswith(("Resource", "Resources"))
        and not name.startswith("_")
    ]
    assert len(resources) == 28  # six tags and the holder, sync and async, plain and raw
    assert {f"datasync_grades_api.api.{name}" for name in resources} <= _documented()


def test_every_page_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nnav:\n", 1)[1]
    pages = {"README.md", "CONTRIBUTING.md", "CHANGELOG.md"}
    pages |= {path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").rglob("*.md")}
    linked = set(re.findall(r":\s+(\S+\.md)$", nav, re.MULTILINE))
    assert pages <= linked


def test_ci_builds_and_checks_the_site() -> None:
    # `nox` (CI's command) runs the default sessions; `docs` is one of them.
    noxfile = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    [defaults] = [
        node.value
        for node in ast.walk(noxfile)
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions"
    ]
    assert "docs" in ast.literal_eval(defaults)
    assert "strict: true" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_readme_is_a_short_read() -> None:
    # Issue #27: about 450 lines at most; the rest lives in docs/ and CONTRIBUTING.md.
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 460, lines
