"""The README's Python examples, and those of the guides in docs/, type-check under mypy --strict
and run against a sandbox.

Each section's blocks follow the Usage section's (they build on it), as a reader would paste
them into one file; so do the blocks of a guide that builds on the README (GUIDES). The guides
whose examples are complete programs (STANDALONE) are type-checked alone here and run by their
own tests.
"""

from __future__ import annotations

import gzip
import inspect
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from datasync_grades import DataSync
from datasync_grades_sandbox import Sandbox

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"
USAGE = "Usage"
# Their examples build on the Usage section.
GUIDES = ["docs/pagination.md", "docs/pushing.md", "docs/consuming.md"]
STANDALONE = ["docs/producer.md", "docs/sandbox.md"]  # run by test_e2e_producer, the sandbox's


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def sections() -> dict[str, list[str]]:
    """``## Section`` -> its ```python blocks (subsections included), in README order; then each
    guide of GUIDES -> its blocks."""
    text = README.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for match in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        blocks = python_blocks(match.group(2))
        if blocks:
            found[match.group(1)] = blocks
    for guide in GUIDES:
        found[guide] = python_blocks((ROOT / guide).read_text(encoding="utf-8"))
        assert found[guide], f"{guide} has no example"
    return found


def program(section: str) -> str:
    """What a reader of ``section`` runs: the Usage blocks, then the section's own."""
    all_sections = sections()
    blocks = all_sections[USAGE] + ([] if section == USAGE else all_sections[section])
    return "\n\n".join(blocks)


def test_the_readme_has_examples_in_the_sections_a_user_reads() -> None:
    names = set(sections())
    for expected in (
        "Usage", "Async", "Pagination", "Errors", "Retries and timeouts", "Artifacts",
        "Pushing grade data", "Sandbox for your tests",
    ):  # fmt: skip
        assert any(name.startswith(expected) for name in names), expected


def _examples(tmp_path: Path) -> list[str]:
    """Every README section's program and every standalone guide's, as files to type-check."""
    files = []
    for number, section in enumerate(sections()):
        source = program(section)
        assert "type: ignore" not in source and "cast(" not in source, section
        path = tmp_path / f"readme_{number}.py"
        path.write_text(f"# {section}\n{source}", encoding="utf-8")
        files.append(str(path))
    for number, guide in enumerate(STANDALONE):
        source = "\n\n".join(python_blocks((ROOT / guide).read_text(encoding="utf-8")))
        assert source and "type: ignore" not in source and "cast(" not in source, guide
        path = tmp_path / f"guide_{number}.py"
        path.write_text(f"# {guide}\n{source}", encoding="utf-8")
        files.append(str(path))
    return files


def test_every_example_type_checks_under_mypy_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *_examples(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_every_example_type_checks_under_pyright_strict(tmp_path: Path) -> None:
    pyright = ROOT / "node_modules" / ".bin" / "pyright"
    if not pyright.exists():
        pytest.fail("pyright is not installed: run `npm ci` at the repository root (nox does)")
    files = _examples(tmp_path)
    paths = [str(ROOT / name) for name in ("generated", "overlays", "sandbox")]
    config = {"typeCheckingMode": "strict", "extraPaths": paths, "include": files}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    command = [str(pyright), "-p", str(tmp_path), "--pythonpath", sys.executable, "--outputjson"]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    report = json.loads(result.stdout)
    assert report["summary"]["filesAnalyzed"] == len(files), report["summary"]
    assert report["generalDiagnostics"] == [] and result.returncode == 0, result.stdout


@pytest.fixture
def reader_environment(
    datasync_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Sandbox]:
    """The environment the README's examples read, pointed at a seeded sandbox."""
    [exchange_id] = datasync_sandbox.seed_exchanges(1)
    datasync_sandbox.seed_exchanges(5)  # more waiting for a producer: the examples answer them
    # Finished ones for a consumer: one with grade data, one failed (no artifacts, an error).
    scores = [{"$person": {"id": {"name": f"s{n}"}}, "score": 7.5} for n in range(3)]
    data = {"assignments": [{"name": "Essay 1", "points_possible": 10, "scores": scores}]}
    datasync_sandbox.seed_exchanges(1, state="completed", data=data)
    datasync_sandbox.seed_exchanges(1, state="failed")
    document = json.dumps({"exchange": exchange_id, "assignments": []}).encode()
    datasync_sandbox.set_artifacts(
        exchange_id,
        details=gzip.compress(document, mtime=0),
        consumer_logs=gzip.compress(b"[]", mtime=0),
    )
    for name, value in {
        "DATASYNC_BASE_URL": datasync_sandbox.base_url,
        "DATASYNC_TOKEN_URL": datasync_sandbox.token_url,
        "DATASYNC_CLIENT_ID": datasync_sandbox.client_id,
        "DATASYNC_CLIENT_SECRET": datasync_sandbox.client_secret,
        "DATASYNC_EXCHANGE_ID": exchange_id,
        "DATASYNC_LTI_JWT": datasync_sandbox.mint_lti_jwt(),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # examples that save files save them here
    logger = logging.getLogger("datasync_grades")
    saved = logging.root.handlers[:], logging.root.level, logger.level
    try:
        yield datasync_sandbox
    finally:  # the Logging section configures logging for the whole process
        logging.root.handlers[:], logging.root.level = saved[0], saved[1]
        logger.setLevel(saved[2])


@pytest.mark.parametrize("section", list(sections()))
def test_every_example_runs_against_the_sandbox(
    section: str,
    reader_environment: Sandbox,
    datasync_sandbox_factory: Callable[..., Sandbox],
    datasync_client: DataSync,
    capsys: pytest.CaptureFixture[str],
) -> None:
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(program(section), f"README.md ({section})", "exec"), namespace)
    fixtures = {
        "datasync_sandbox": reader_environment,
        "datasync_sandbox_factory": datasync_sandbox_factory,
        "datasync_client": datasync_client,
    }
    for name, test in list(namespace.items()):  # the Sandbox section's examples are tests
        if name.startswith("test_") and callable(test):
            test(*(fixtures[arg] for arg in inspect.signature(test).parameters))
    out = capsys.readouterr().out
    assert reader_environment.client_secret not in out
    exchange_id = os.environ["DATASYNC_EXCHANGE_ID"]
    assert f"exchange {exchange_id} created" in out  # the Usage section ran first
    if section == "docs/consuming.md":  # the finished exchanges, read
        assert "completed scores: 3" in out and "failed scores: 0" in out
        assert "the producer failed:" in out and "no such exchange: True" in out
