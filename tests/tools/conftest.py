"""Fixtures for the tests of tools/: the scripts are imported from tools/, and the generator must
be installed in the test environment (nox's ``tests`` session installs the ``codegen`` group)."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import codegen  # found through the sys.path entry above

Spec = dict[str, Any]


@pytest.fixture(scope="session")
def generator() -> None:
    """Fail, not skip, without the pinned generator: these tests are the drift check."""
    try:
        codegen._tool("openapi-python-client")
        codegen._tool("ruff")
    except SystemExit as error:
        pytest.fail(f"{error} (e.g. `pip install --group codegen`, or run `nox -s tests`)")


@pytest.fixture(scope="session")
def spec_document() -> Spec:
    loaded: Spec = yaml.safe_load(codegen.SPEC.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="session")
def write_spec(spec_document: Spec) -> Callable[[Path, Callable[[Spec], None]], Path]:
    """Write to ``path`` a copy of openapi.yaml changed in place by ``mutate``."""

    def write(path: Path, mutate: Callable[[Spec], None]) -> Path:
        document = copy.deepcopy(spec_document)
        mutate(document)
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    return write
