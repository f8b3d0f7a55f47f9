"""Loading openapi.yaml, the one source the sandbox reads its API from.

In an installed wheel the spec ships inside the package (``datasync_grades_sandbox/openapi.yaml``,
force-included by pyproject); in a checkout it is the repository's ``openapi.yaml``, two levels
up. The routes the sandbox serves come from the spec's paths, so an operation added to the spec
without a handler is an error at start-up, not a silent 404.

Example::

    spec = load_spec()
    for op in operations(spec):
        print(op.operation_id, op.method, op.path)
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = ["Operation", "base_path", "body_operations", "load_spec", "operations", "spec_path"]

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    """One operation of the spec: its id, upper-case method and templated path."""

    operation_id: str
    method: str
    path: str


def spec_path() -> Path:
    """The packaged copy when installed, else the checkout's ``openapi.yaml``."""
    packaged = Path(__file__).with_name("openapi.yaml")
    if packaged.is_file():
        return packaged
    checkout = Path(__file__).parents[2] / "openapi.yaml"
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"openapi.yaml found neither at {packaged} nor at {checkout}")


@functools.cache
def _load_cached() -> dict[str, Any]:
    with spec_path().open(encoding="utf-8") as fh:
        loaded: dict[str, Any] = yaml.safe_load(fh)
    return loaded


def load_spec() -> dict[str, Any]:
    """The parsed spec (a private deep copy: callers may change it)."""
    return copy.deepcopy(_load_cached())


def base_path(spec: dict[str, Any]) -> str:
    """The path part of the first server URL, e.g. ``/v2/grades``."""
    return str(urlsplit(str(spec["servers"][0]["url"])).path).rstrip("/")


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of the spec, in document order."""
    found: list[Operation] = []
    for path, item in spec["paths"].items():
        for method in _HTTP_METHODS:
            if method in item:
                found.append(Operation(item[method]["operationId"], method.upper(), path))
    return found


def body_operations(spec: dict[str, Any]) -> frozenset[str]:
    """The operationIds of the operations that take a request body."""
    return frozenset(
        item[method]["operationId"]
        for item in spec["paths"].values()
        for method in _HTTP_METHODS
        if method in item and "requestBody" in item[method]
    )
