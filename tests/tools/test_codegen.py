"""tools/codegen.py: ``check`` is the CI drift check; it must name what differs.

Each ``check`` generates into a temporary directory (about a second); the copies it is compared
with are made per test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import codegen
import pytest

Spec = dict[str, Any]
WriteSpec = Callable[[Path, Callable[[Spec], None]], Path]


@pytest.fixture
def committed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "generated" / codegen.PACKAGE
    shutil.copytree(codegen.TARGET, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_committed_tree_matches_the_spec(generator: None) -> None:
    assert codegen.check() == []


def test_one_changed_byte_is_named(generator: None, committed_copy: Path) -> None:
    target = committed_copy / "models" / "exchange.py"
    content = bytearray(target.read_bytes())
    middle = len(content) // 2
    content[middle] ^= 0x01
    target.write_bytes(bytes(content))
    assert codegen.check(codegen.SPEC, committed_copy) == ["models/exchange.py (content differs)"]


def test_added_file_is_named(generator: None, committed_copy: Path) -> None:
    (committed_copy / "api" / "exchanges" / "hand_written.py").write_text("x = 1\n")
    assert codegen.check(codegen.SPEC, committed_copy) == [
        "api/exchanges/hand_written.py (not produced by the generator)"
    ]


def test_removed_file_is_named(generator: None, committed_copy: Path) -> None:
    (committed_copy / "api" / "exchanges" / "count_exchanges.py").unlink()
    assert codegen.check(codegen.SPEC, committed_copy) == [
        "api/exchanges/count_exchanges.py (missing from the committed tree)"
    ]


def test_removed_py_typed_is_named(generator: None, committed_copy: Path) -> None:
    (committed_copy / "py.typed").unlink()
    assert codegen.check(codegen.SPEC, committed_copy) == [
        "py.typed (missing from the committed tree)"
    ]


def test_spec_change_without_regeneration_is_named(
    generator: None, write_spec: WriteSpec, tmp_path: Path
) -> None:
    def add_field(spec: Spec) -> None:
        spec["components"]["schemas"]["Exchange"]["properties"]["priority"] = {"type": "integer"}

    spec = write_spec(tmp_path / "openapi.yaml", add_field)
    assert codegen.check(spec, codegen.TARGET) == ["models/exchange.py (content differs)"]


def test_check_command_exits_1_naming_the_file(generator: None, committed_copy: Path) -> None:
    """As ``nox -s check_generated`` runs it."""
    (committed_copy / "client.py").write_text("# edited by hand\n")
    result = subprocess.run(
        [sys.executable, str(Path(codegen.__file__)), "check", "--target", str(committed_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "client.py (content differs)" in result.stdout
    assert "run 'nox -s generate'" in result.stdout


def test_generation_is_byte_identical_in_different_directories(
    generator: None, tmp_path: Path
) -> None:
    first = codegen.generate(codegen.SPEC, tmp_path / "a" / codegen.PACKAGE)
    second = codegen.generate(codegen.SPEC, tmp_path / "deeper" / "b" / "out")
    assert sorted(p.relative_to(first) for p in first.rglob("*")) == sorted(
        p.relative_to(second) for p in second.rglob("*")
    )
    assert codegen.diff_trees(first, second) == []
    assert codegen.diff_trees(first, codegen.TARGET) == []


def test_file_replaced_by_a_directory_is_named(committed_copy: Path) -> None:
    (committed_copy / "types.py").unlink()
    (committed_copy / "types.py").mkdir()
    assert codegen.diff_trees(codegen.TARGET, committed_copy) == ["types.py (file vs directory)"]
