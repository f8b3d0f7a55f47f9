"""The CI entry points run what the README says, third-party actions are pinned by commit, and
no job that can write to the repository, sign or publish runs code a pull request can change."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

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


def test_ci_runs_the_slow_tests_after_the_default_sessions() -> None:
    # `nox -s tests` leaves the slow tests out (to stay within minutes); CI runs them next.
    _, tests = _quick_start_commands()
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines.index(".venv/bin/nox -s slow") > lines.index(tests)
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]
    runs = [step.get("run") for step in jobs["test"]["steps"]]
    assert runs.index(".venv/bin/nox -s slow") > runs.index(tests)
    assert "slow" not in _default_sessions()


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


# --- privileges -------------------------------------------------------------------------------
#
# A job "can write" when its token has any write scope (contents, pull-requests, id-token for
# OIDC signing and publishing, ...) or it is handed a secret. Such a job must not run code that a
# pull request or a dependency can change: no checkout, no local action, no package manager, no
# test run; only the `gh` command line on what an unprivileged job produced.


def _workflow(path: Path) -> dict[str, Any]:
    document: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in document:  # YAML 1.1 reads the key `on` as a boolean
        document["on"] = document.pop(True)
    return document


def _jobs(workflow: Path) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(name, job, effective permissions) of each job of ``workflow``."""
    document = _workflow(workflow)
    for name, job in document["jobs"].items():
        yield name, job, job.get("permissions", document.get("permissions"))


def _can_write(permissions: Any, job: dict[str, Any]) -> bool:
    if permissions is None or permissions == "write-all":  # None: the repository's default
        return True
    if isinstance(permissions, dict) and "write" in permissions.values():
        return True
    return "secrets." in yaml.safe_dump(job)


def _steps(workflow: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    for name, job, _ in _jobs(workflow):
        for step in job.get("steps", []):
            yield name, job, step


def test_the_privilege_check_sees_a_write_token_a_signature_and_a_secret() -> None:
    assert _can_write(None, {})
    assert _can_write("write-all", {})
    assert _can_write({"contents": "read", "id-token": "write"}, {})
    assert _can_write({"contents": "read"}, {"env": {"T": "${{ secrets.REGENERATE_TOKEN }}"}})
    assert not _can_write({"contents": "read"}, {"steps": [{"run": "nox"}]})
    assert not _can_write({}, {})


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_every_workflow_grants_its_token_nothing_but_read_by_default(workflow: Path) -> None:
    permissions = _workflow(workflow).get("permissions")
    assert isinstance(permissions, dict), "an absent default is the repository's, maybe write"
    assert "write" not in permissions.values()


def test_no_workflow_runs_pull_request_code_with_the_base_repositorys_privileges() -> None:
    # pull_request_target runs with a write token and secrets even for a fork's pull request
    triggers = {path.name: _workflow(path)["on"] for path in WORKFLOWS}
    assert [name for name, on in triggers.items() if "pull_request_target" in on] == []


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_a_job_that_can_write_or_sign_runs_no_code_of_the_repository(workflow: Path) -> None:
    privileged = [(name, job) for name, job, perms in _jobs(workflow) if _can_write(perms, job)]
    for name, job in privileged:
        for step in job["steps"]:
            uses = step.get("uses", "")
            assert not uses.startswith(("actions/checkout@", "./")), (name, uses)
            for line in step.get("run", "").splitlines():
                # only the GitHub command line, on downloaded artifacts
                assert line.split()[:1] in ([], ["gh"]), (name, line)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_a_pull_requests_run_cannot_write_and_gets_no_secret(workflow: Path) -> None:
    if "pull_request" not in _workflow(workflow)["on"]:
        return
    for name, job, permissions in _jobs(workflow):
        assert not _can_write(permissions, job), name
    assert "secrets." not in workflow.read_text(encoding="utf-8")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_checkouts_leave_no_credentials_in_git_config(workflow: Path) -> None:
    checkouts = [
        step
        for _, _, step in _steps(workflow)
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert all(step.get("with", {}).get("persist-credentials") is False for step in checkouts)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_no_expression_is_pasted_into_a_shell_script(workflow: Path) -> None:
    # `${{ github.head_ref }}` in a script runs a branch name as shell: values go through env
    assert [step["run"] for _, _, step in _steps(workflow) if "${{" in step.get("run", "")] == []


def _needs(jobs: dict[str, Any], name: str) -> set[str]:
    """Every job ``name`` waits for, directly or not."""
    direct = jobs[name].get("needs", [])
    direct = [direct] if isinstance(direct, str) else direct
    return set(direct).union(*(_needs(jobs, need) for need in direct))


def test_release_publishes_only_what_an_unprivileged_job_built_and_tested() -> None:
    path = ROOT / ".github" / "workflows" / "release.yml"
    jobs = _workflow(path)["jobs"]
    can_write = {name for name, job, perms in _jobs(path) if _can_write(perms, job)}
    assert can_write == {"attest", "publish", "github-release"}

    def artifacts(job: str, action: str) -> list[str]:
        return [
            step["with"]["name"]
            for step in jobs[job]["steps"]
            if step.get("uses", "").startswith(f"actions/{action}-artifact@")
        ]

    def runs(job: str) -> str:
        return "\n".join(step.get("run", "") for step in jobs[job]["steps"])

    uploaders = [name for name in jobs if "release" in artifacts(name, "upload")]
    assert uploaders == ["build"]
    assert "nox -s build" in runs("build")
    # the suite runs on the uploaded wheel, in a job of its own, and builds nothing
    assert artifacts("test", "download") == ["release"]
    assert "nox -s test_wheel" in runs("test") and "nox -s build" not in runs("test")
    for name in can_write:
        assert {"build", "test"} <= _needs(jobs, name), name
        assert artifacts(name, "download") == ["release"], name


def test_ci_runs_both_ends_of_the_httpx_range_that_users_get() -> None:
    # Users get any httpx the range allows; `nox` (CI's command) runs the suite on its lowest
    # and its newest release, so the range needs both bounds, and the session must be default.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [httpx] = [
        r for r in map(Requirement, pyproject["project"]["dependencies"]) if r.name == "httpx"
    ]
    assert {spec.operator for spec in httpx.specifier} == {">=", "<"}
    pinned = re.search(r"^httpx==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE)
    assert pinned is not None and httpx.specifier.contains(pinned[1])
    assert "httpx_bounds" in _default_sessions()


def _default_sessions() -> list[str]:
    noxfile = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    [defaults] = [
        node.value
        for node in ast.walk(noxfile)
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions"
    ]
    sessions: list[str] = ast.literal_eval(defaults)
    return sessions
