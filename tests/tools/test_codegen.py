"""tools/codegen.py: ``check`` is the CI drift check; it must name what differs.

Each ``check`` generates into a temporary directory (about a second); the copies it is compared
with are made per test.
"""

from __future__ import annotations

import copy
import dataclasses
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


# -- the operation table (tools/codegen.py operations()) ---------------------------------------
# Checked against what templates/api_init.py.jinja generated: for every operation of openapi.yaml,
# the resource method's name, its engine call (the kind), the type it hands out, its counter, and
# whether its body is flattened, read from the generated module's syntax tree.


def _generated_methods() -> dict[str, dict[str, Any]]:
    """Endpoint module name -> what the sync resource method built on it does."""
    import ast

    tree = ast.parse((codegen.TARGET / "api" / "__init__.py").read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name.endswith("Resource")):
            continue
        if cls.name.startswith(("Async", "_", "Raw")):  # (the raw resources: #25)
            continue
        for function in cls.body:
            # waiting() and finished() are more methods on a list operation (x-terminal-states)
            if not isinstance(function, ast.FunctionDef) or function.name in (
                "waiting",
                "finished",
            ):
                continue
            calls = [
                node
                for node in ast.walk(function)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "self._engine"
            ]
            (call,) = calls
            if ast.literal_eval(call.args[2]) == "push":  # the chunked upload beside its operation
                limit = next(k.value for k in call.keywords if k.arg == "limit")
                found[f"{ast.unparse(call.args[0])} upload"] = {
                    "method": function.name,
                    "limit": ast.unparse(limit),
                    "keywords": [a.arg for a in function.args.kwonlyargs],
                }
                continue
            endpoint = ast.unparse(call.args[0])
            params = call.args[1]
            assert isinstance(params, ast.Dict)
            body = next(
                (v for k, v in zip(params.keys, params.values, strict=True)
                 if k is not None and ast.literal_eval(k) == "body"),
                None,
            )  # fmt: skip
            count = next((k.value for k in call.keywords if k.arg == "count"), ast.Constant(None))
            arguments = function.args
            assert endpoint not in found, endpoint
            found[endpoint] = {
                "resource": cls.name,
                "method": function.name,
                "engine": call.func.attr,
                "kind": ast.literal_eval(call.args[2]),
                "returned": ast.unparse(call.args[3]),
                "counter": None if ast.unparse(count) == "None" else ast.unparse(count),
                "flat_body": isinstance(body, ast.Call),
                "body_class": ast.unparse(body.func) if isinstance(body, ast.Call) else None,
                "positional": [a.arg for a in arguments.args[1:]],
                "keywords": [a.arg for a in arguments.kwonlyargs],
            }
    return found


def _returned_by_endpoint_module(name: str, tag: str) -> str:
    """The types the generated endpoint module parses answers into (its `sync` annotation)."""
    import ast

    source = (codegen.TARGET / "api" / tag / f"{name}.py").read_text(encoding="utf-8")
    sync = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == "sync"
    )
    assert sync.returns is not None
    return ast.unparse(sync.returns)


@pytest.fixture(scope="module")
def table() -> tuple[codegen.Operation, ...]:
    return codegen.operations()


def test_the_table_has_every_operation_of_the_spec(table: Any, spec_document: Spec) -> None:
    operation_ids = [
        operation["operationId"]
        for item in spec_document["paths"].values()
        for method, operation in item.items()
        if method in ("get", "put", "post", "delete", "patch", "head", "options")
    ]
    assert len(table) == len(operation_ids) == len({op.name for op in table})
    generated = _generated_methods()
    uploads = [f"{op.name} upload" for op in table if op.upload]
    assert sorted([op.name for op in table] + uploads) == sorted(generated)


def test_each_operation_is_classified_as_the_generated_resources_are(table: Any) -> None:
    generated = _generated_methods()
    for op in table:
        method = generated[op.name]
        assert method["resource"] == "".join(p.title() for p in op.tag.split("_")) + "Resource"
        assert method["method"] == op.method, op.name
        assert (method["engine"], method["kind"]) == ("call", op.kind), op.name
        if op.kind in ("list", "data", "optional", "whole"):
            assert method["returned"] == op.returned, op.name
        if op.kind in ("data", "whole"):
            # `whole` hands out what the endpoint module parses; `data` its `data` member.
            parsed = _returned_by_endpoint_module(op.name, op.tag).split(" | ")
            assert (op.returned in parsed) == (op.kind == "whole"), op.name
        assert method["counter"] == op.counter, op.name
        assert method["flat_body"] == op.flat_body, op.name
        assert method["body_class"] == op.body_class, op.name
        assert method["positional"] == [f.python_name for f in op.path_parameters], op.name
        own = {"page", "page_size"} if op.kind == "list" else set()
        keywords = [f.python_name for f in op.body if op.flat_body or f.name == "body"]
        keywords += [f.python_name for f in op.query_parameters if f.python_name not in own]
        extra = ["page_size", "max_items"] if op.kind == "list" else []
        assert method["keywords"] == keywords + extra, op.name
        if op.upload is not None:
            upload = generated[f"{op.name} upload"]
            assert upload["method"] == op.upload.method
            assert upload["limit"] == f"({op.upload.limit_from}, {op.upload.limit!r})"
            items = [f.python_name for f in op.upload.items]
            assert upload["keywords"][: len(items)] == items


def test_the_table_knows_the_kinds_the_api_has(table: Any) -> None:
    """Every kind occurs in openapi.yaml: the comparison above covers each of them."""
    by_name = {op.name: op for op in table}
    assert {op.kind for op in table} == {"list", "data", "optional", "file", "empty", "whole"}
    assert by_name["list_exchanges"].counter == "count_exchanges"
    assert by_name["list_exchange_errors"].counter is None  # no count_exchange_errors
    assert by_name["get_exchange_details"].media_type == "application/gzip"
    state = next(f for f in by_name["list_exchanges"].query_parameters if f.name == "state")
    assert (state.shape, state.cls, "completed" in state.choices) == ("enum", "ExchangeState", True)
    # A filter takes the enumeration's members or values only; an answer's field stays open.
    assert state.annotation == (
        "ExchangeState | Literal['created', 'processing', 'completed', 'failed'] | Unset"
    )
    find = by_name["find_exchange"]
    assert [f.annotation for f in find.path_parameters] == ["UUID | str | Identified"]
    assert [f.annotation for f in find.query_parameters] == ["str | Unset"]
    waiting, finished = by_name["list_exchanges"].snapshots
    assert (waiting.method, waiting.field, waiting.final) == ("waiting", "state", False)
    assert waiting.members == ("ExchangeState.CREATED", "ExchangeState.PROCESSING")
    assert (finished.method, finished.values) == ("finished", ("completed", "failed"))
    assert all(not op.snapshots for op in table if op.name != "list_exchanges")
    upload = by_name["create_exchange_data"].upload
    assert upload is not None and [f.name for f in upload.items] == ["assignments", "summaries"]
    assert (upload.limit_from, upload.limit, upload.final) == (
        "find_exchange",
        "max_data_content_length",
        "final",
    )
    body = {f.python_name: f.annotation for f in by_name["create_exchange_data"].body}
    assert body["assignments"] == "builtins.list[Assignment] | Unset"
    run = by_name["run_schedule"]
    assert (run.flat_body, [(f.name, f.shape, f.required) for f in run.body]) == (
        False,
        [("body", "model", False)],
    )


def test_a_spec_change_changes_the_table(write_spec: WriteSpec, tmp_path: Path) -> None:
    def count_errors(spec: Spec) -> None:
        operation = copy.deepcopy(spec["paths"]["/exchanges/count"]["get"])
        operation["operationId"] = "countExchangeErrors"
        operation["parameters"] = [{"$ref": "#/components/parameters/CourseAppId"}]
        spec["paths"]["/exchanges/{id}/errors/count"] = {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": operation,
        }

    spec = write_spec(tmp_path / "openapi.yaml", count_errors)
    by_name = {op.name: op for op in codegen.operations(spec)}
    assert by_name["count_exchange_errors"].kind == "whole"
    assert by_name["list_exchange_errors"].counter == "count_exchange_errors"


def test_the_resources_are_rendered_from_the_table_alone(table: Any) -> None:
    """The template decides nothing: a table changed in memory changes the resources."""
    import ast

    original = codegen._table
    renamed = tuple(
        dataclasses.replace(op, method="lookup") if op.name == "find_exchange" else op
        for op in table
    )
    try:
        codegen._table = lambda data: renamed
        source = codegen.render_resources()
    finally:
        codegen._table = original
    tree = ast.parse(source)
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for cls in ("ExchangesResource", "AsyncExchangesResource"):
        names = {
            f.name
            for f in classes[cls].body
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        assert "lookup" in names and "find" not in names
    assigned = {
        ast.unparse(node.targets[0]): node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
    }
    assert ast.unparse(assigned["TERMINAL_EXCHANGE_STATES"]) == (
        "frozenset({ExchangeState.COMPLETED, ExchangeState.FAILED})"
    )


def test_the_generated_module_holds_the_table(table: Any) -> None:
    namespace: dict[str, Any] = {}
    source = (codegen.TARGET / codegen.OPERATIONS_MODULE).read_text(encoding="utf-8")
    exec(compile(source, codegen.OPERATIONS_MODULE, "exec"), namespace)
    assert [repr(op) for op in namespace["OPERATIONS"]] == [repr(op) for op in table]
