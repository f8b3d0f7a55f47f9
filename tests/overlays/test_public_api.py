"""Pins the public surface: a name added to or dropped from ``__all__``, or a method added to
or dropped from the client, is a deliberate change made here too, as in httpx's own test of
its namespace. Every operation of the spec is reachable from ``DataSync`` and, by the same
method name, from ``AsyncDataSync``."""

from __future__ import annotations

import importlib
import inspect
import pydoc
import re
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import datasync_grades
from datasync_grades import AsyncDataSync, AsyncResources, DataSync, Resources
from datasync_grades._http import httpx
from datasync_grades_api.api.exchanges import find_exchange
from datasync_grades_api.models import ExchangeDataRequest, ExchangeState

ROOT_API = {
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Artifact",
    "ArtifactError",
    "AsyncArtifact",
    "AsyncDataSync",
    "AsyncPager",
    "AsyncResources",
    "AuthenticationError",
    "BadRequestError",
    "BearerToken",
    "BodyRequestOptions",
    "Checkpoint",
    "CheckpointError",
    "Chunk",
    "ChunkStored",
    "ClientCredentials",
    "ClientOptions",
    "ConcurrentPushError",
    "ConflictError",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOKEN_URL",
    "DEFAULT_TOTAL_TIMEOUT",
    "DataSync",
    "DataSyncError",
    "FileCheckpoint",
    "Identified",
    "InternalServerError",
    "InvalidPushError",
    "InvalidRequestError",
    "MemoryCheckpoint",
    "NotFoundError",
    "OversizedItemError",
    "Page",
    "Pager",
    "PaginationError",
    "PermissionDeniedError",
    "PushResult",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "Resources",
    "ResponseValidationError",
    "RetryPolicy",
    "TokenError",
    "UnprocessableEntityError",
    "UploadError",
    "__version__",
    "page_count",
    "plan_chunks",
}

# client.<resource>.<method>: the same names on DataSync and AsyncDataSync.
RESOURCES = {
    "artifacts": {"get_exchange_consumer_logs", "get_exchange_details"},
    "batch_exchanges": {
        "count",
        "create_context_data",
        "create_error",
        "get_course_ids_report",
        "list",
    },
    "consumer": {"get"},
    "exchanges": {
        "count",
        "create",
        "create_data",
        "create_error",
        "find",
        "finished",
        "list",
        "list_errors",
        "push_data",
        "waiting",
    },
    "schedules": {"list", "run", "update"},
    "sections": {"resolve"},
}

# Per resource method, the parameters the engine handles itself rather than the operation.
ENGINE_PARAMETERS = {
    "page_size", "max_items", "max_bytes", "on_progress", "checkpoint", "options",
}  # fmt: skip
# Values for the required parameters other than the path id.
REQUIRED = {"course_ids": ["c1"], "enabled": True}
ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
SPEC = Path(__file__).parents[2] / "openapi.yaml"


class NoAuth(httpx.Auth):
    """Sends nothing: these clients are never used."""


def test_public_names_are_pinned() -> None:
    exported = datasync_grades.__all__
    assert len(exported) == len(set(exported)), "a name is listed twice in __all__"
    assert set(exported) == ROOT_API
    for name in exported:
        assert getattr(datasync_grades, name) is not None, name


@pytest.mark.parametrize("removed", ["artifacts", "_conformance"])
def test_replaced_modules_are_gone(removed: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(f"datasync_grades.{removed}")


def test_public_names_come_from_private_modules_or_the_generated_package() -> None:
    """Everything public is re-exported from the root: nothing needs a private import."""
    for name in ROOT_API - {"__version__"}:
        value = getattr(datasync_grades, name)
        origin = getattr(value, "__module__", None)
        if origin is not None and (inspect.isclass(value) or inspect.isfunction(value)):
            assert origin.startswith(("datasync_grades.", "datasync_grades_api.")), (name, origin)


def test_every_error_is_a_datasync_error() -> None:
    errors = [
        getattr(datasync_grades, name)
        for name in ROOT_API
        if inspect.isclass(getattr(datasync_grades, name))
        and issubclass(getattr(datasync_grades, name), BaseException)
    ]
    assert len(errors) >= 17
    assert all(issubclass(error, datasync_grades.DataSyncError) for error in errors)


def test_version_is_a_release_number_and_is_sent_in_the_user_agent() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]\d+|rc\d+)?", datasync_grades.__version__)
    client = importlib.import_module("datasync_grades._client")
    assert client.USER_AGENT.startswith(f"datasync-grades/{datasync_grades.__version__} ")


# -- the client's resources ----------------------------------------------------------------


def _resources(client: object) -> dict[str, object]:
    found = {name: getattr(client, name) for name in dir(client) if not name.startswith("_")}
    return {
        name: value for name, value in found.items() if type(value).__name__.endswith("Resource")
    }


def _methods(resource: object) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(type(resource), inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("cls", [DataSync, AsyncDataSync])
def test_the_resources_and_their_methods_are_pinned(cls: type) -> None:
    client = cls("https://api.test/v2/grades", auth=NoAuth())
    resources = _resources(client)
    assert set(resources) == set(RESOURCES)
    for name, resource in resources.items():
        assert _methods(resource) == RESOURCES[name], name
    assert isinstance(client, Resources if cls is DataSync else AsyncResources)


@pytest.mark.parametrize("cls", [DataSync, AsyncDataSync])
def test_help_shows_the_resources_and_their_operations(cls: type) -> None:
    shown = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for name in RESOURCES:
        resource = f"{'Async' if cls is AsyncDataSync else ''}{name.title().replace('_', '')}"
        assert f"{name} = " in shown, name
        assert f"The `{name}` operations ({resource}Resource): " in shown, name
    assert "list, create, count, find, list_errors" in shown
    client = cls("https://api.test/v2/grades", auth=NoAuth())
    assert client.exchanges is client.exchanges  # built once, on first use


def _twin_return(annotation: str) -> str:
    return re.sub(r"\b(Pager|Artifact)\b", r"Async\1", annotation)


def test_sync_and_async_twins_take_the_same_arguments() -> None:
    sync = _resources(DataSync("https://api.test/v2/grades", auth=NoAuth()))
    async_ = _resources(AsyncDataSync("https://api.test/v2/grades", auth=NoAuth()))
    for name, methods in RESOURCES.items():
        for method in methods:
            one = inspect.signature(getattr(type(sync[name]), method))
            twin = inspect.signature(getattr(type(async_[name]), method))
            where = f"{name}.{method}"
            assert list(one.parameters.values()) == list(twin.parameters.values()), where
            assert _twin_return(str(one.return_annotation)) == twin.return_annotation, where
            # What sends a request when called is awaited; a pager or an artifact is lazy.
            lazy = re.match(r"(Pager|Artifact)\b", str(one.return_annotation)) is not None
            assert inspect.iscoroutinefunction(getattr(type(async_[name]), method)) is not lazy


class _NoItems:
    """A pager with no items, for ``for`` and ``async for`` alike."""

    def __iter__(self) -> Any:
        return iter(())

    def __aiter__(self) -> Any:
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration


class Recorder:
    """An engine that records what each resource method asks of it, and sends nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ModuleType, dict[str, Any]]] = []

    def _record(self, kind: str, endpoint: ModuleType, params: dict[str, Any]) -> None:
        self.calls.append((kind, endpoint, params))

    def call(
        self, endpoint: ModuleType, params: dict[str, Any], kind: str, *args: Any, **kw: Any
    ) -> Any:
        if kind == "push":
            # The chunk limit is read from the exchange the data goes to.
            assert kw["limit"] == (find_exchange, "max_data_content_length")
            params = {**params, "body": ExchangeDataRequest()}
        if kind == "snapshot":  # waiting()/finished(): the list at each of some states
            assert kw["values"] and {type(value) for value in kw["values"]} == {ExchangeState}
            params = {**params, kw["field"]: kw["values"][0]}
        self._record(kind, endpoint, params)
        return _NoItems() if kind == "list" else None


class AsyncRecorder(Recorder):
    def call(
        self, endpoint: ModuleType, params: dict[str, Any], kind: str, *args: Any, **kw: Any
    ) -> Any:
        found = super().call(endpoint, params, kind, *args, **kw)
        if kind in ("list", "file"):  # lazy: a pager or an artifact, not awaited
            return found

        async def answer() -> Any:
            return found

        return answer()


def _spec_operations() -> dict[str, tuple[str, str]]:
    """Every operation of openapi.yaml: its module name -> (method, path)."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    operations = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                module = re.sub(r"(?<!^)(?=[A-Z])", "_", operation["operationId"]).lower()
                operations[module] = (method, path)
    return operations


async def _call_every_method(resources: Any, recorder: Recorder) -> list[str]:
    """Calls each resource method with its required arguments; returns "resource.method"
    for each call the engine saw, in order (``waiting`` and ``finished`` list once per state)."""
    called: list[str] = []
    for name, methods in sorted(RESOURCES.items()):
        for method in sorted(methods):
            function = getattr(getattr(resources, name), method)
            args, kwargs = [], {}
            for parameter in inspect.signature(function).parameters.values():
                if parameter.default is not inspect.Parameter.empty or parameter.kind is (
                    inspect.Parameter.VAR_KEYWORD
                ):
                    continue
                if parameter.name == "id":
                    args.append(ID)
                else:
                    assert parameter.name in REQUIRED, f"{name}.{method}: {parameter.name}?"
                    kwargs[parameter.name] = REQUIRED[parameter.name]
            before = len(recorder.calls)
            result = function(*args, **kwargs)
            if inspect.isawaitable(result):
                await result
            assert len(recorder.calls) > before, f"{name}.{method} called no engine method"
            called += [f"{name}.{method}"] * (len(recorder.calls) - before)
    return called


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_every_operation_of_the_spec_is_reachable(mode: str) -> None:
    recorder = Recorder() if mode == "sync" else AsyncRecorder()
    resources: Any = Resources(recorder) if mode == "sync" else AsyncResources(recorder)

    called = await _call_every_method(resources, recorder)

    assert len(recorder.calls) == len(called)
    operations = _spec_operations()
    assert len(operations) == 19
    reached = {endpoint.__name__.rpartition(".")[2] for _, endpoint, _ in recorder.calls}
    assert reached == set(operations)
    for where, (kind, endpoint, params) in zip(called, recorder.calls, strict=True):
        # The arguments are the operation's: its request builds, to the spec's method and path.
        request = endpoint._get_kwargs(**params)
        method, path = operations[endpoint.__name__.rpartition(".")[2]]
        assert request["method"] == method, where
        assert request["url"] == path.format(id=ID), where
        # Each typed parameter of the method reaches the operation (as a parameter or a field
        # of the body), except the ones the engine handles.
        resource, name = where.split(".")
        function = getattr(getattr(resources, resource), name)
        body = params.get("body")
        for parameter in inspect.signature(function).parameters:
            if parameter in ENGINE_PARAMETERS or kind == "push":
                continue
            assert parameter in params or hasattr(body, parameter), (where, parameter)


FILTERS = """
from datasync_grades import AsyncDataSync, BearerToken, DataSync
from datasync_grades_api.models import ExchangeState, PostedBy
from datasync_grades_api.types import Unset


async def main(client: DataSync, aclient: AsyncDataSync) -> None:
    client.exchanges.list(state="completed", posted_by="user")
    client.exchanges.count(state=ExchangeState.FAILED, posted_by=PostedBy.SCHEDULE)
    client.exchanges.waiting(posted_by="schedule")
    await aclient.exchanges.count(state="created")
    state: ExchangeState | str | Unset = client.exchanges.find("e1").state  # forgiving answers
    client.exchanges.list(state={misspelt!r})
    await aclient.exchanges.count(state={misspelt!r})
"""


def test_a_misspelt_filter_is_a_type_error(tmp_path: Path) -> None:
    """Request filters take the enumeration's members or values only (issue 24, item 3)."""
    snippet = tmp_path / "filters.py"
    snippet.write_text(FILTERS.format(misspelt="complete"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        capture_output=True,
        text=True,
        cwd=SPEC.parent,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    source = snippet.read_text(encoding="utf-8").splitlines()
    misspelt = [str(n) for n, line in enumerate(source, 1) if "'complete'" in line]
    assert [line.split(":")[1] for line in errors] == misspelt, result.stdout
    assert all('"state"' in line and "Literal" in line for line in errors), result.stdout
