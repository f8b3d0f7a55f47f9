"""Contract check: Prism serves openapi.yaml as a validating mock, and every generated
operation, called through ``connect()`` with valid arguments, is accepted by it.

Prism answers a request that breaks the spec with a 4xx and an ``sl-violations`` header;
through a connected client that 4xx is a typed error, so a violation fails the test with
Prism's own message. The operations are found by walking the generated package, so a new
operation in the spec is checked without editing this file.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import socket
import subprocess
import time
import typing
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import datasync_grades_api.api as api_package
from datasync_grades import APIStatusError, BearerToken, connect
from datasync_grades_api.client import AuthenticatedClient

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / "node_modules" / ".bin" / "prism"
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text())


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


OPERATIONS = {
    _snake(op["operationId"]): (method, path, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if isinstance(op, dict) and "operationId" in op
}


def _operation_modules() -> Iterator[ModuleType]:
    for tag in pkgutil.iter_modules(api_package.__path__):
        package = importlib.import_module(f"{api_package.__name__}.{tag.name}")
        for module in pkgutil.iter_modules(package.__path__):
            yield importlib.import_module(f"{package.__name__}.{module.name}")


MODULES = sorted(_operation_modules(), key=lambda m: m.__name__)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    assert PRISM.exists(), "Prism is missing: run `npm ci` (the nox tests session does)"
    port = _free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", str(ROOT / "openapi.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"Prism did not start:\n{output}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _body_model(module: ModuleType) -> Any:
    hints = typing.get_type_hints(module.sync_detailed)
    for candidate in typing.get_args(hints["body"]) or (hints["body"],):
        if hasattr(candidate, "from_dict"):
            return candidate
    raise AssertionError(f"{module.__name__}: no model type for body")


def _arguments(module: ModuleType) -> dict[str, Any]:
    """Valid arguments for one operation, from its signature and the spec's examples."""
    _, path, operation = OPERATIONS[module.__name__.rsplit(".", 1)[1]]
    parameters = inspect.signature(module.sync_detailed).parameters
    arguments: dict[str, Any] = {}
    for name in re.findall(r"{(\w+)}", path):
        arguments[name] = uuid.uuid4()
    if "body" in parameters:
        example = operation["requestBody"]["content"]["application/json"]["example"]
        arguments["body"] = _body_model(module).from_dict(example)
    # Optional query parameters with valid values, so their serialization is checked too.
    for name, value in {"page": 1, "page_size": 5, "course_app_id": "course-1"}.items():
        if name in parameters:
            arguments[name] = value
    return arguments


def _check(module: ModuleType, response: Any) -> None:
    violations = response.headers.get("sl-violations")
    assert not violations, f"{module.__name__}: Prism reported {violations}"
    assert 200 <= int(response.status_code) < 300


def _client(base_url: str) -> AuthenticatedClient:
    return connect(base_url, auth=BearerToken("contract-test-token"), max_retries=0)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_operation_accepted_by_prism(prism: str, module: ModuleType) -> None:
    with _client(prism) as client:
        try:
            response = module.sync_detailed(client=client, **_arguments(module))
        except APIStatusError as exc:
            pytest.fail(
                f"{module.__name__}: {exc.status_code} "
                f"{exc.headers.get('sl-violations') or json.dumps(exc.body)}"
            )
        _check(module, response)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
async def test_operation_accepted_by_prism_async(prism: str, module: ModuleType) -> None:
    async with _client(prism) as client:
        try:
            response = await module.asyncio_detailed(client=client, **_arguments(module))
        except APIStatusError as exc:
            pytest.fail(f"{module.__name__}: {exc.status_code} {exc.headers.get('sl-violations')}")
        _check(module, response)


def test_every_spec_operation_has_a_generated_module() -> None:
    assert {m.__name__.rsplit(".", 1)[1] for m in MODULES} == set(OPERATIONS)


def test_prism_rejects_a_request_that_breaks_the_spec(prism: str) -> None:
    """The check can fail: an out-of-range page is reported by Prism as a violation."""
    from datasync_grades_api.api.exchanges import list_exchanges

    with _client(prism) as client, pytest.raises(APIStatusError) as caught:
        list_exchanges.sync_detailed(client=client, page=-1)
    assert "page" in caught.value.headers.get("sl-violations", "")
