"""Regenerate ``generated/datasync_grades_api`` from openapi.yaml, and check it is current.

Used by the nox sessions ``generate`` and ``check_generated`` and by their tests::

    python tools/codegen.py generate            # rewrite generated/ from openapi.yaml
    python tools/codegen.py check               # exit 1, naming files, if generated/ is stale
    python tools/codegen.py operations          # print the operation table (see operations())

openapi-python-client's ``--overwrite`` deletes only ``api/`` and ``models/`` and
``--meta none`` writes no ``py.typed``, so the package is generated into a fresh temporary
directory, ``py.typed`` is added, and the result replaces the committed tree whole.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import template_diff  # tools/ is this script's directory: on sys.path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "datasync_grades_api"
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
# Our templates (the typed resources, the command line's table); templates/upstream.patch changes
# some of the generator's own (see tools/template_diff.py).
TEMPLATES = ROOT / "templates"
TARGET = ROOT / "generated" / PACKAGE
# The operation table, written into the generated package for the command line (see operations()).
OPERATIONS_TEMPLATE = "cli_operations.py.jinja"
OPERATIONS_MODULE = "operations.py"
# The HTTP library switch (DATASYNC_GRADES_HTTP), the one module the others import httpx from.
HTTP_TEMPLATE = "http.py.jinja"
HTTP_MODULE = "_http.py"


def _tool(name: str) -> str:
    """The generator and ruff must come from the same environment as this interpreter,
    so the pinned versions are the ones that run."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install the 'codegen' dependency group")
    return found


# -- the operation table ------------------------------------------------------------------------
# What templates/api_init.py.jinja decides per operation with Jinja macros (kind, returned,
# counter, flat_body), computed here in Python over the same parsed objects (the generator's
# own GeneratorData), with the parameters and body fields the command line turns into options.
# tests/tools/test_codegen.py checks it against the generated resources, operation by operation.


@dataclass(frozen=True)
class Field:
    """A path or query parameter, or a field of a flattened body (or the body itself)."""

    name: str  # on the wire
    python_name: str  # the typed client's keyword
    shape: str  # str, int, float, bool, uuid, date, datetime, enum, model, json
    required: bool
    many: bool = False  # a list of `shape`
    nullable: bool = False  # None is a value of its own (sent as null)
    cls: str | None = None  # the model or enum class (shape model or enum)
    module: str | None = None  # its module in datasync_grades_api.models
    choices: tuple[str, ...] = ()  # an enum's values
    description: str = ""


@dataclass(frozen=True)
class Upload:
    """A chunked upload (`x-chunked-upload` on the body's schema): a second method of the
    operation that splits the body's arrays into requests of at most a size limit."""

    method: str  # the resource's method, e.g. push_data
    summary: str
    items: tuple[Field, ...]  # the body's arrays, given as iterables
    limit_from: str  # the operation (endpoint name) whose answer holds the size limit
    limit: str  # the field of that answer


@dataclass(frozen=True)
class Operation:
    """One operation of openapi.yaml, as the typed resources present it."""

    tag: str  # the resource: client.<tag>
    name: str  # the generated endpoint module (the operationId in snake case)
    method: str  # the resource's method: client.<tag>.<method>(...)
    http_method: str
    path: str
    summary: str
    # list (paged), data (the answer's `data`), optional (a nullable `data`), file (an
    # artifact), empty (no body), whole (the answer itself, e.g. a count)
    kind: str
    returned: str  # the type a method hands out: a list's item, `data`'s class, the body's own
    counter: str | None  # a list's count operation (same filters), if the tag has one
    flat_body: bool  # the JSON body's fields are the method's keywords
    body_class: str | None  # the flattened body's model class
    media_type: str | None  # a file's content type
    path_parameters: tuple[Field, ...]
    query_parameters: tuple[Field, ...]
    body: tuple[Field, ...]  # the flattened fields, or one field "body" (the body whole)
    upload: Upload | None = None


def _text(value: Any) -> str:
    """A spec string as plain text (the generator wraps them as untrusted: they reach code
    here only through repr(), never pasted)."""
    return str(value.get_untrusted_value() if hasattr(value, "get_untrusted_value") else value)


def _kind_of(prop: Any) -> str:
    return type(prop).__name__


def _bare(prop: Any) -> str:
    return str(prop.get_type_string(no_optional=True).as_unembedded_code())


def _fields_of(model: Any) -> list[Any]:
    return list(model.required_properties or []) + list(model.optional_properties or [])


def _success(endpoint: Any) -> int | None:
    """The index of the first 2xx response, None when there is none."""
    for index, response in enumerate(endpoint.responses.patterns):
        if response.status_code.pattern.startswith("2"):
            return index
    return None


def _data_field(prop: Any) -> Any:
    if _kind_of(prop) != "ModelProperty":
        return None
    return next((field for field in _fields_of(prop) if _text(field.name) == "data"), None)


def _kind(endpoint: Any) -> str:
    index = _success(endpoint)
    prop = None if index is None else endpoint.responses.patterns[index].prop
    data = _data_field(prop) if prop is not None else None
    names = [str(parameter.python_name) for parameter in endpoint.query_parameters]
    if prop is None or _kind_of(prop) in ("AnyProperty", "NoneProperty"):
        return "empty"
    if data is not None and _kind_of(data) == "ListProperty" and {"page", "page_size"} <= {*names}:
        return "list"
    nullable = data is not None and _kind_of(data) == "UnionProperty"
    if nullable and any(_kind_of(inner) == "NoneProperty" for inner in data.inner_properties):
        return "optional"
    if data is not None:
        return "data"
    return "file" if _kind_of(prop) == "FileProperty" else "whole"


def _returned(endpoint: Any, kind: str) -> str:
    prop = endpoint.responses.patterns[_success(endpoint) or 0].prop
    data = _data_field(prop) if kind in ("list", "data", "optional") else None
    if kind == "list":
        return _bare(data.inner_property)
    if data is not None and _kind_of(data) == "UnionProperty":
        return _bare(next(i for i in data.inner_properties if _kind_of(i) != "NoneProperty"))
    return _bare(data if data is not None else prop)


def _filters(endpoint: Any) -> list[str]:
    names = (str(parameter.python_name) for parameter in endpoint.query_parameters)
    return sorted(name for name in names if name not in ("page", "page_size"))


def _counter(endpoint: Any, collection: Any) -> str | None:
    wanted = str(endpoint.name).replace("list_", "count_", 1)
    for other in collection.endpoints:
        same_filters = _filters(other) == _filters(endpoint)
        if str(other.name) == wanted and same_filters and _kind(other) == "whole":
            return wanted
    return None


def _flat_body(endpoint: Any) -> bool:
    if len(endpoint.bodies) != 1:
        return False
    body = endpoint.bodies[0]
    # An optional body stays one keyword: flattened, its fields could not say "no body".
    return bool(
        _text(body.body_type) == "json"
        and _kind_of(body.prop) == "ModelProperty"
        and body.prop.required
    )


def _method_name(name: str, tag: str) -> str:
    """The resource's method: the operation's name without its tag's noun (list_exchanges on
    tag exchanges is exchanges.list), or the whole name when nothing else is left."""
    singular = tag[:-1] if tag.endswith("s") else tag
    stripped = f"_{name}_".replace(f"_{tag}_", "_").replace(f"_{singular}_", "_").strip("_")
    return stripped or name


_SHAPES = {
    "StringProperty": "str",
    "IntProperty": "int",
    "FloatProperty": "float",
    "BooleanProperty": "bool",
    "UuidProperty": "uuid",
    "DateProperty": "date",
    "DateTimeProperty": "datetime",
    "EnumProperty": "enum",
    "LiteralEnumProperty": "enum",
    "ModelProperty": "model",
    "ConstProperty": "str",
}


def _field(prop: Any, *, name: str | None = None, required: bool | None = None) -> Field:
    many = nullable = False
    inner = prop
    if _kind_of(inner) == "UnionProperty":
        others = [i for i in inner.inner_properties if _kind_of(i) != "NoneProperty"]
        nullable = len(others) < len(inner.inner_properties)
        enums = [i for i in others if _kind_of(i) in ("EnumProperty", "LiteralEnumProperty")]
        # `ExchangeState | str`: the enumeration, kept open for values the spec does not list yet
        if len(others) == 1 or (
            len(enums) == 1
            and all(_kind_of(i) == "StringProperty" for i in others if i not in enums)
        ):
            inner = (enums or others)[0]
    if _kind_of(inner) == "ListProperty":
        many, inner = True, inner.inner_property
    shape = _SHAPES.get(_kind_of(inner), "json")
    class_info = getattr(inner, "class_info", None) if shape in ("enum", "model") else None
    values = getattr(inner, "values", {}) if shape == "enum" else {}
    return Field(
        name=name or _text(prop.name),
        python_name=str(prop.python_name) if name is None else name,
        shape=shape,
        required=prop.required if required is None else required,
        many=many,
        nullable=nullable,
        cls=None if class_info is None else str(class_info.name),
        module=None if class_info is None else str(class_info.module_name),
        choices=tuple(str(v) for v in (values.values() if isinstance(values, dict) else values)),
        description=_text(prop.description or "").strip(),
    )


def _body(endpoint: Any, flat: bool) -> tuple[Field, ...]:
    if flat:
        return tuple(_field(prop) for prop in _fields_of(endpoint.bodies[0].prop))
    if len(endpoint.bodies) == 1:
        return (_field(endpoint.bodies[0].prop, name="body"),)
    return ()


def _upload(endpoint: Any) -> Upload | None:
    body = endpoint.bodies[0].prop if len(endpoint.bodies) == 1 else None
    schema = getattr(body, "data", None)
    extension = (getattr(schema, "model_extra", None) or {}).get("x-chunked-upload")
    if not extension:
        return None
    from openapi_python_client.strings import snake_case

    arrays = (p for p in _fields_of(body) if _kind_of(p) == "ListProperty")
    return Upload(
        method=str(extension["method"]),
        summary=str(extension.get("summary", "")).strip(),
        items=tuple(_field(prop) for prop in arrays),
        limit_from=snake_case(str(extension["limit_from"])),
        limit=str(extension["limit"]),
    )


def _operation(endpoint: Any, collection: Any) -> Operation:
    tag, name = str(collection.tag), str(endpoint.name)
    kind = _kind(endpoint)
    flat = _flat_body(endpoint)
    media = None
    if kind == "file":
        success = endpoint.responses.patterns[_success(endpoint) or 0]
        media = next(iter(success.data.content.keys()))
    return Operation(
        tag=tag,
        name=name,
        method=_method_name(name, tag),
        http_method=_text(endpoint.method).upper(),
        path=_text(endpoint.path),
        summary=_text(endpoint.summary or endpoint.name).strip(),
        kind=kind,
        returned=_returned(endpoint, kind),
        counter=_counter(endpoint, collection) if kind == "list" else None,
        flat_body=flat,
        body_class=str(endpoint.bodies[0].prop.class_info.name) if flat else None,
        media_type=None if media is None else _text(media),
        path_parameters=tuple(_field(p) for p in endpoint.path_parameters),
        query_parameters=tuple(_field(p) for p in endpoint.query_parameters),
        body=_body(endpoint, flat),
        upload=_upload(endpoint),
    )


def operations(spec: Path = SPEC, config: Path = CONFIG) -> tuple[Operation, ...]:
    """Every operation of ``spec``, by tag (sorted) then in the spec's order, classified as the
    typed resources classify it: the same parsed data the generator renders its templates from.

    Example::

        >>> [op.method for op in operations() if op.tag == "schedules"]
        ['list', 'update', 'run']
    """
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData
    from ruamel.yaml import YAML

    settings = Config.from_sources(
        ConfigFile.load_from_path(config), MetaType.NONE, spec, "utf-8", False, None
    )
    data = GeneratorData.from_dict(YAML(typ="safe").load(spec.read_bytes()), config=settings)
    if not isinstance(data, GeneratorData):
        raise SystemExit(f"openapi-python-client could not parse {spec}: {data.header}")
    return tuple(
        _operation(endpoint, collection)
        for _, collection in sorted(data.endpoint_collections_by_tag.items())
        for endpoint in collection.endpoints
    )


def _render(template: str, **values: Any) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(template).render(**values)


def render_operations(table: tuple[Operation, ...]) -> str:
    """The generated module holding ``table`` (templates/cli_operations.py.jinja): plain
    dataclasses written with repr(), so a spec string can never become code."""
    return _render(OPERATIONS_TEMPLATE, operations=[repr(op) for op in table])


def generate(spec: Path, out: Path, config: Path = CONFIG) -> Path:
    """Generate the package from ``spec`` into ``out`` (replaced if it exists)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(_tool('ruff')).parent}{os.pathsep}{env.get('PATH', '')}"
    with tempfile.TemporaryDirectory(prefix="dsg-gen-") as tmp:
        staged = Path(tmp) / PACKAGE
        result = subprocess.run(
            [
                _tool("openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--config",
                str(config),
                "--custom-template-path",
                str(template_diff.materialize(Path(tmp) / "templates")),
                "--meta",
                "none",
                "--output-path",
                str(staged),
            ],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        # The generator exits 0 on warnings that mean a piece was silently dropped.
        if result.returncode != 0 or "Warning" in result.stdout + result.stderr:
            raise SystemExit(
                f"openapi-python-client failed or warned:\n{result.stdout}\n{result.stderr}"
            )
        (staged / "py.typed").write_text("")
        module = staged / OPERATIONS_MODULE
        module.write_text(render_operations(operations(spec, config)), encoding="utf-8")
        http = staged / HTTP_MODULE
        http.write_text(_render(HTTP_TEMPLATE), encoding="utf-8")
        subprocess.run(
            [
                _tool("ruff"),
                "format",
                "--isolated",
                "--no-cache",
                "--quiet",
                str(module),
                str(http),
            ],
            check=True,
        )
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, out)
    return out


def diff_trees(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two trees (added, removed or changed)."""
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        for name in cmp.left_only:
            differences.append(f"{prefix}{name} (missing from the committed tree)")
        for name in cmp.right_only:
            differences.append(f"{prefix}{name} (not produced by the generator)")
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differences.extend(f"{prefix}{name} (content differs)" for name in mismatch + errors)
        differences.extend(f"{prefix}{name} (file vs directory)" for name in cmp.common_funny)
        for name, sub in sorted(cmp.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    ignore = ["__pycache__", ".mypy_cache", ".ruff_cache"]
    walk(filecmp.dircmp(str(expected), str(actual), ignore=ignore), "")
    return sorted(differences)


def check(spec: Path = SPEC, committed: Path = TARGET) -> list[str]:
    """Generate from ``spec`` into a temporary directory and diff it with ``committed``."""
    if not committed.is_dir():
        return [f"{committed} does not exist"]
    with tempfile.TemporaryDirectory(prefix="dsg-check-") as tmp:
        fresh = generate(spec, Path(tmp) / PACKAGE)
        return diff_trees(fresh, committed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check", "operations"])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    if args.command == "operations":
        for op in operations(args.spec):
            print(f"{op.tag}.{op.method}: {op.kind} -> {op.returned} ({op.name})")
        return 0
    if args.command == "generate":
        generate(args.spec, args.target)
        shown = args.target.relative_to(ROOT) if args.target.is_relative_to(ROOT) else args.target
        print(f"generated {shown}")
        return 0
    differences = check(args.spec, args.target)
    if differences:
        print("generated/ is out of date with openapi.yaml; run 'nox -s generate'.")
        for line in differences:
            print(f"  {line}")
        return 1
    print("generated/ matches openapi.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
