"""The CI entry points run what the README says, and third-party actions are pinned by commit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].rstrip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_lines_that_need_only_python3() -> None:
    demo, tests = _quick_start_commands()
    assert demo.endswith("nox -s demo")
    for line in (demo, tests):
        # No `python` alias and no pip outside a venv on a stock Debian or Ubuntu.
        assert line.startswith("python3 -m venv .venv && .venv/bin/"), line
        assert "-c constraints.txt nox" in line


def test_ci_run_runs_the_readme_test_line_verbatim() -> None:
    _, tests = _quick_start_commands()
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in lines


def test_ci_workflow_runs_the_readme_test_line_and_the_audit() -> None:
    _, tests = _quick_start_commands()
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]
    assert tests in [step.get("run") for step in jobs["test"]["steps"]]
    audit = [step.get("run", "") for step in jobs["audit"]["steps"]]
    assert any(run.endswith("nox -s audit") for run in audit)


def _uses(path: Path) -> list[str]:
    """Every `uses:` line's value, with its trailing comment."""
    return [
        line.split("uses:", 1)[1].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("uses:", "- uses:"))
    ]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_actions_are_pinned_by_commit_with_the_version_in_a_comment(workflow: Path) -> None:
    uses = _uses(workflow)
    assert uses
    unpinned = [value for value in uses if not PINNED.match(value)]
    assert unpinned == []


def test_release_publishes_by_trusted_publishing_without_a_stored_token() -> None:
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    jobs = yaml.safe_load(text)["jobs"]
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert "secrets." not in text
    steps = [step.get("uses", "") for job in jobs.values() for step in job["steps"]]
    assert any(step.startswith("pypa/gh-action-pypi-publish@") for step in steps)
    assert any(step.startswith("actions/attest-build-provenance@") for step in steps)
