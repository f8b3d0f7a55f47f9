"""Contract check: Prism serves openapi.yaml as a validating mock, and every operation, called
with valid arguments as each generated function module builds its request (sent through the
client's send path) and through the resources of ``DataSync`` and ``AsyncDataSync``, is
accepted by it.

Prism answers a request that breaks the spec with a 4xx and an ``sl-violations`` header; both
surfaces raise a typed error for that 4xx, so a violation fails the test with Prism's own
message. Nothing here lists the operations: the function modules are found by walking the
generated package, the resource methods by walking ``Resources``, and which operation a
method sends is learnt by calling it on an engine that only records; so a new operation in
the spec is checked without editing this file.
"""

from __future__ import annotations

import functools
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
from collections.abc import AsyncIterable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import datasync_grades_api.api as api_package
from datasync_grades import (
    APIStatusError,
    AsyncDataSync,
    AsyncResources,
    BearerToken,
    DataSync,
    Resources,
)
from datasync_grades._client import run_sync
from datasync_grades._http import httpx
from datasync_grades_api.types import Unset

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


def _name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[1]


# -- the resource methods and the operation each one sends -----------------------------------


class _Recorder:
    """An engine that sends nothing: it keeps the endpoint module a method hands it."""

    def __init__(self) -> None:
        self.endpoint: ModuleType | None = None

    def _keep(self, endpoint: ModuleType, *_: Any, **__: Any) -> Any:
        self.endpoint = endpoint
        return ()  # an empty pager, for the methods that list

    call = _keep


def _methods(resources: Resources | AsyncResources) -> dict[tuple[str, str], Any]:
    """(tag attribute, method name) -> the bound public method, for every resource."""
    found = {}
    kind = type(resources)  # (a client inherits its resources: look them up statically)
    tags = [
        name
        for name in dir(kind)
        if isinstance(inspect.getattr_static(kind, name), functools.cached_property)
        and name != "with_raw_response"
    ]
    for tag in tags:
        resource = getattr(resources, tag)
        for name, _ in inspect.getmembers(type(resource), inspect.isfunction):
            if not name.startswith("_"):
                found[(tag, name)] = getattr(resource, name)
    return found


def _placeholders(method: Any) -> dict[str, Any]:
    """Arguments enough for a method to reach its engine: an id, and the required keywords."""
    arguments: dict[str, Any] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        if name == "id":
            arguments[name] = uuid.uuid4()
        elif parameter.default is inspect.Parameter.empty and parameter.kind is not (
            inspect.Parameter.VAR_KEYWORD
        ):
            arguments[name] = None
    return arguments


def _resource_operations() -> dict[tuple[str, str], ModuleType]:
    recorder = _Recorder()
    found = {}
    for key, method in _methods(Resources(recorder)).items():  # type: ignore[arg-type]
        recorder.endpoint = None
        method(**_placeholders(method))
        assert recorder.endpoint is not None, f"{key}: the method called no engine method"
        found[key] = recorder.endpoint
    return found


RESOURCE_OPERATIONS = _resource_operations()
RESOURCE_IDS = [f"{tag}.{name}" for tag, name in RESOURCE_OPERATIONS]


# -- valid arguments, from the signatures and the spec's examples ----------------------------

# Optional query parameters given valid values, so that their serialization is checked too.
QUERY_VALUES = {"page": 1, "page_size": 5, "course_app_id": "course-1"}


def _body_model(module: ModuleType) -> Any:
    hints = typing.get_type_hints(module.sync_detailed)
    for candidate in typing.get_args(hints["body"]) or (hints["body"],):
        if hasattr(candidate, "from_dict"):
            return candidate
    raise AssertionError(f"{module.__name__}: no model type for body")


def _example_body(module: ModuleType) -> Any:
    _, _, operation = OPERATIONS[_name(module)]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    return _body_model(module).from_dict(example)


def _has_body(module: ModuleType) -> bool:
    return "body" in inspect.signature(module.sync_detailed).parameters


def _arguments(module: ModuleType) -> dict[str, Any]:
    """Valid arguments for one generated function."""
    _, path, _ = OPERATIONS[_name(module)]
    parameters = inspect.signature(module.sync_detailed).parameters
    arguments: dict[str, Any] = {name: uuid.uuid4() for name in re.findall(r"{(\w+)}", path)}
    if _has_body(module):
        arguments["body"] = _example_body(module)
    arguments.update({k: v for k, v in QUERY_VALUES.items() if k in parameters})
    return arguments


def _method_arguments(method: Any, module: ModuleType) -> dict[str, Any]:
    """Valid arguments for one resource method: the body's fields are its keywords (or the
    whole body is ``body``), taken from the spec's example body."""
    body = _example_body(module) if _has_body(module) else None
    arguments: dict[str, Any] = {}
    for name in inspect.signature(method).parameters:
        if name == "id":
            arguments[name] = uuid.uuid4()
        elif name in QUERY_VALUES:
            arguments[name] = QUERY_VALUES[name]
        elif name == "max_items":
            # Prism answers every page with the spec's one example, whatever the page number:
            # a walk past the first page would see it repeat (a PaginationError, rightly).
            arguments[name] = 1
        elif body is not None and name == "body":
            arguments[name] = body
        elif body is not None and not isinstance(getattr(body, name, None), Unset | None):
            arguments[name] = getattr(body, name)
    return arguments


# -- Prism -----------------------------------------------------------------------------------


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


def _check(module: ModuleType, response: Any) -> None:
    violations = response.headers.get("sl-violations")
    assert not violations, f"{module.__name__}: Prism reported {violations}"
    assert 200 <= int(response.status_code) < 300


def _client(base_url: str) -> DataSync:
    return DataSync(base_url, auth=BearerToken("contract-test-token"), max_retries=0)


def _aclient(base_url: str) -> AsyncDataSync:
    return AsyncDataSync(base_url, auth=BearerToken("contract-test-token"), max_retries=0)


def _failure(name: str, exc: APIStatusError) -> str:
    return f"{name}: {exc.status_code} {exc.headers.get('sl-violations') or json.dumps(exc.body)}"


# -- the generated function modules ----------------------------------------------------------


@pytest.mark.parametrize("module", MODULES, ids=_name)
def test_operation_accepted_by_prism(prism: str, module: ModuleType) -> None:
    with _client(prism) as client:
        try:
            response = run_sync(client._sender.request(module._get_kwargs(**_arguments(module))))
        except APIStatusError as exc:
            pytest.fail(_failure(module.__name__, exc))
        _check(module, response)


@pytest.mark.parametrize("module", MODULES, ids=_name)
async def test_operation_accepted_by_prism_async(prism: str, module: ModuleType) -> None:
    async with _aclient(prism) as client:
        try:
            response = await client._sender.request(module._get_kwargs(**_arguments(module)))
        except APIStatusError as exc:
            pytest.fail(_failure(module.__name__, exc))
        _check(module, response)


def test_every_spec_operation_has_a_generated_module() -> None:
    assert {_name(m) for m in MODULES} == set(OPERATIONS)


# -- the resources of DataSync and AsyncDataSync ---------------------------------------------


@dataclass
class _Exchanges:
    """Every response a client received: (method, path, status, sl-violations)."""

    seen: list[tuple[str, str, int, str | None]] = field(default_factory=list)

    def record(self, response: httpx.Response) -> None:
        request = response.request
        violations = response.headers.get("sl-violations")
        self.seen.append((request.method, request.url.path, response.status_code, violations))

    async def arecord(self, response: httpx.Response) -> None:
        self.record(response)

    def check(self, key: str, module: ModuleType, prefix: str) -> None:
        method, path, _ = OPERATIONS[_name(module)]
        pattern = re.compile(re.escape(prefix) + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)))
        assert self.seen, f"{key}: nothing was sent"
        for sent_method, sent_path, status, violations in self.seen:
            assert not violations, f"{key}: Prism reported {violations}"
            assert 200 <= status < 300, f"{key}: {sent_method} {sent_path} -> {status}"
        sent = [(m, p) for m, p, _, _ in self.seen]
        assert any(m == method.upper() and pattern.fullmatch(p) for m, p in sent), (
            f"{key}: sent {sent}, not {method.upper()} {path}"
        )


def _settled_sync(value: Any) -> Any:
    """What a sync resource method returned, its lazy parts (pagers, artifacts) read."""
    if hasattr(value, "iter_bytes"):  # an Artifact: its bytes, undecoded
        return b"".join(value.iter_bytes())
    if isinstance(value, Iterable):
        return list(value)
    return value


async def _settled_async(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    if hasattr(value, "iter_bytes"):
        return b"".join([piece async for piece in value.iter_bytes()])
    if isinstance(value, AsyncIterable):
        return [item async for item in value]
    return value


@pytest.mark.parametrize("key", RESOURCE_OPERATIONS, ids=RESOURCE_IDS)
def test_resource_method_accepted_by_prism(prism: str, key: tuple[str, str]) -> None:
    module = RESOURCE_OPERATIONS[key]
    exchanges = _Exchanges()
    auth = BearerToken("contract-test-token")
    hooks: Any = {"response": [exchanges.record]}
    with DataSync(prism, auth=auth, max_retries=0, event_hooks=hooks) as client:
        method = _methods(client)[key]
        try:
            _settled_sync(method(**_method_arguments(method, module)))
        except APIStatusError as exc:
            pytest.fail(_failure(".".join(key), exc))
    exchanges.check(".".join(key), module, httpx.URL(prism).path.rstrip("/"))


@pytest.mark.parametrize("key", RESOURCE_OPERATIONS, ids=RESOURCE_IDS)
async def test_resource_method_accepted_by_prism_async(prism: str, key: tuple[str, str]) -> None:
    module = RESOURCE_OPERATIONS[key]
    exchanges = _Exchanges()
    auth = BearerToken("contract-test-token")
    hooks: Any = {"response": [exchanges.arecord]}
    async with AsyncDataSync(prism, auth=auth, max_retries=0, event_hooks=hooks) as client:
        method = _methods(client)[key]
        try:
            await _settled_async(method(**_method_arguments(method, module)))
        except APIStatusError as exc:
            pytest.fail(_failure(".".join(key), exc))
    exchanges.check(".".join(key), module, httpx.URL(prism).path.rstrip("/"))


def test_every_spec_operation_has_a_resource_method() -> None:
    assert {_name(module) for module in RESOURCE_OPERATIONS.values()} == set(OPERATIONS)


def test_the_async_resources_have_the_sync_methods() -> None:
    recorder: Any = _Recorder()
    assert set(_methods(AsyncResources(recorder))) == set(_methods(Resources(recorder)))


# -- the check itself can fail ---------------------------------------------------------------


def test_prism_rejects_a_request_that_breaks_the_spec(prism: str) -> None:
    """An out-of-range page is reported by Prism as a violation."""
    from datasync_grades_api.api.exchanges import list_exchanges

    with _client(prism) as client, pytest.raises(APIStatusError) as caught:
        run_sync(client._sender.request(list_exchanges._get_kwargs(page=-1)))
    assert "page" in caught.value.headers.get("sl-violations", "")


def test_prism_rejects_a_resource_call_that_breaks_the_spec(prism: str) -> None:
    """A body of the wrong type, sent through a resource, is reported as a violation."""
    auth = BearerToken("contract-test-token")
    with (
        DataSync(prism, auth=auth, max_retries=0) as client,
        pytest.raises(APIStatusError) as caught,
    ):
        client.schedules.update(uuid.uuid4(), enabled="yes")  # type: ignore[arg-type]
    assert "enabled" in caught.value.headers.get("sl-violations", "")
