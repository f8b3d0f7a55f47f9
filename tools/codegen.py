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
import keyword
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
# The typed resources, rendered from the same table (see render_resources()).
RESOURCES_TEMPLATE = "api_init.py.jinja"
RESOURCES_MODULE = Path("api") / "__init__.py"
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
    # The typed client's annotation (`| Unset` when optional). A path UUID also takes a str or
    # a model with an id; a query parameter whose schema is an enumeration takes its members
    # or their values, and nothing else (a misspelt filter is a type error).
    annotation: str = ""


@dataclass(frozen=True)
class Upload:
    """A chunked upload (`x-chunked-upload` on the body's schema): a second method of the
    operation that splits the body's arrays into requests of at most a size limit."""

    method: str  # the resource's method, e.g. push_data
    summary: str
    items: tuple[Field, ...]  # the body's arrays, given as iterables
    limit_from: str  # the operation (endpoint name) whose answer holds the size limit
    limit: str  # the field of that answer
    final: str = "final"  # the body's field that marks the last chunk


@dataclass(frozen=True)
class Snapshot:
    """A list's every item in some values of its lifecycle field (`x-terminal-states` on the
    item's schema): `waiting()` for the values that are not final, `finished()` for the others."""

    method: str
    field: str  # the query parameter and item field, e.g. state
    final: bool
    members: tuple[str, ...]  # e.g. ExchangeState.CREATED
    values: tuple[str, ...]  # e.g. created


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
    snapshots: tuple[Snapshot, ...] = ()


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


def _field(
    prop: Any, *, name: str | None = None, required: bool | None = None, where: str = "body"
) -> Field:
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
    choices = tuple(str(v) for v in (values.values() if isinstance(values, dict) else values))
    required = prop.required if required is None else required
    annotation = str(prop.get_type_string().as_unembedded_code()).replace("list[", "builtins.list[")
    if where == "path" and shape == "uuid":
        annotation = "UUID | str | Identified"
    elif where == "query" and shape == "enum" and class_info is not None and not many:
        # Requests are strict where answers are forgiving: the members or their values only.
        literal = ", ".join(repr(choice) for choice in choices)
        optional = (" | None" if nullable else "") + ("" if required else " | Unset")
        annotation = f"{class_info.name} | Literal[{literal}]{optional}"
    return Field(
        name=name or _text(prop.name),
        python_name=str(prop.python_name) if name is None else name,
        shape=shape,
        required=required,
        many=many,
        nullable=nullable,
        cls=None if class_info is None else str(class_info.name),
        module=None if class_info is None else str(class_info.module_name),
        choices=choices,
        description=_text(prop.description or "").strip(),
        annotation=annotation,
    )


def _enum_members(model: Any, field: str) -> dict[str, str]:
    """The members of the enumeration of ``model``'s ``field`` (also inside a union), by name."""
    prop = next(p for p in _fields_of(model) if _text(p.name) == field)
    enum = next(p for p in [prop, *getattr(prop, "inner_properties", [])] if hasattr(p, "values"))
    return {f"{enum.class_info.name}.{key}": str(value) for key, value in enum.values.items()}


def _lifecycle(model: Any) -> dict[str, Any] | None:
    """A model's `x-terminal-states`: its lifecycle field and which of its values are final."""
    schema = getattr(model, "data", None)
    found: dict[str, Any] | None = (getattr(schema, "model_extra", None) or {}).get(
        "x-terminal-states"
    )
    return found


def _identifier(value: Any, what: str) -> str:
    """A spec string that becomes a Python name (a method, a keyword): refused unless it is one."""
    if not (isinstance(value, str) and value.isidentifier()) or keyword.iskeyword(value):
        raise SystemExit(f"{what} must be a Python identifier, got {value!r}")
    return value


def _snapshots(endpoint: Any, kind: str) -> tuple[Snapshot, ...]:
    if kind != "list":
        return ()
    item = _data_field(endpoint.responses.patterns[_success(endpoint) or 0].prop).inner_property
    lifecycle = _lifecycle(item)
    field = None if lifecycle is None else str(lifecycle["field"])
    if lifecycle is None or field not in {str(p.python_name) for p in endpoint.query_parameters}:
        return ()
    members = _enum_members(item, str(field))
    return tuple(
        Snapshot(
            method=_identifier(lifecycle[name], f"x-terminal-states {name}"),
            field=_identifier(field, "x-terminal-states field"),
            final=final,
            members=tuple(m for m, v in members.items() if (v in lifecycle["values"]) == final),
            values=tuple(v for v in members.values() if (v in lifecycle["values"]) == final),
        )
        for name, final in (("waiting", False), ("finished", True))
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
        method=_identifier(extension["method"], "x-chunked-upload method"),
        summary=str(extension.get("summary", "")).strip(),
        items=tuple(_field(prop) for prop in arrays),
        limit_from=snake_case(str(extension["limit_from"])),
        limit=str(extension["limit"]),
        final=str(extension.get("final", "final")),
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
        path_parameters=tuple(_field(p, where="path") for p in endpoint.path_parameters),
        query_parameters=tuple(_field(p, where="query") for p in endpoint.query_parameters),
        body=_body(endpoint, flat),
        upload=_upload(endpoint),
        snapshots=_snapshots(endpoint, kind),
    )


def _parse(spec: Path, config: Path) -> Any:
    """The generator's own parsed data for ``spec`` (what it renders its templates from)."""
    from openapi_python_client.config import Config, ConfigFile, MetaType
    from openapi_python_client.parser import GeneratorData
    from ruamel.yaml import YAML

    settings = Config.from_sources(
        ConfigFile.load_from_path(config), MetaType.NONE, spec, "utf-8", False, None
    )
    data = GeneratorData.from_dict(YAML(typ="safe").load(spec.read_bytes()), config=settings)
    if not isinstance(data, GeneratorData):
        raise SystemExit(f"openapi-python-client could not parse {spec}: {data.header}")
    return data


def _table(data: Any) -> tuple[Operation, ...]:
    return tuple(
        _operation(endpoint, collection)
        for _, collection in sorted(data.endpoint_collections_by_tag.items())
        for endpoint in collection.endpoints
    )


def operations(spec: Path = SPEC, config: Path = CONFIG) -> tuple[Operation, ...]:
    """Every operation of ``spec``, by tag (sorted) then in the spec's order, classified as the
    typed resources classify it: the same parsed data the generator renders its templates from.

    Example::

        >>> [op.method for op in operations() if op.tag == "schedules"]
        ['list', 'update', 'run']
    """
    return _table(_parse(spec, config))


def _environment(trim: bool = False) -> Any:
    """Jinja over templates/; ``trim``: as the generator renders its templates."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=trim,
        lstrip_blocks=trim,
    )


def render_operations(table: tuple[Operation, ...]) -> str:
    """The generated module holding ``table`` (templates/cli_operations.py.jinja): plain
    dataclasses written with repr(), so a spec string can never become code."""
    return (
        _environment()
        .get_template(OPERATIONS_TEMPLATE)
        .render(operations=[repr(op) for op in table])
    )


def render_resources(spec: Path = SPEC, config: Path = CONFIG) -> str:
    """The typed resources (templates/api_init.py.jinja, which the generator also renders:
    its output is replaced by this one), from the operation table and the models' final
    states. Spec strings reach the code only through repr() (``py``) or escaped
    for a docstring (``doc``)."""
    from openapi_python_client.strings import snake_case

    data = _parse(spec, config)
    models = [(str(m.class_info.name), m) for m in data.models]
    terminal = []
    for name, model in models:
        if (lifecycle := _lifecycle(model)) is not None:
            field, final = str(lifecycle["field"]), lifecycle["values"]
            members = _enum_members(model, field)
            terminal.append(
                {
                    "name": f"TERMINAL_{snake_case(name).upper()}_{field.upper()}S",
                    "model": name,
                    "instance": snake_case(name),
                    "field": field,
                    "members": [m for m, value in members.items() if value in final],
                }
            )
    env = _environment(trim=True)
    # Globals, not filters: the generator renders this template too, and would not know them.
    env.globals["py"] = lambda value: repr(str(value))
    env.globals["doc"] = lambda value: str(value).replace("\\", "\\\\").replace('"', '\\"')
    table = _table(data)
    # Per tag: its resource class's name (without the Async/Raw prefix), its operations and
    # every method of them, for the holder's docstring.
    tags: list[tuple[str, str, list[Operation], str]] = []
    for tag in dict.fromkeys(op.tag for op in table):
        ops = [op for op in table if op.tag == tag]
        methods = [op.method for op in ops] + [s.method for op in ops for s in op.snapshots]
        methods += [op.upload.method for op in ops if op.upload]
        resource = "".join(word.capitalize() for word in tag.split("_")) + "Resource"
        tags.append((tag, resource, ops, ", ".join(methods)))
    return env.get_template(RESOURCES_TEMPLATE).render(tags=tags, terminal=terminal)


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
        module, resources = staged / OPERATIONS_MODULE, staged / RESOURCES_MODULE
        module.write_text(render_operations(operations(spec, config)), encoding="utf-8")
        resources.write_text(render_resources(spec, config), encoding="utf-8")
        http = staged / HTTP_MODULE
        http.write_text(_environment().get_template(HTTP_TEMPLATE).render(), encoding="utf-8")
        ruff = [_tool("ruff"), "--isolated", "--no-cache", "--quiet"]
        fix = ["check", "--fix-only", "--select", "F401,I"]
        subprocess.run([ruff[0], *fix, *ruff[1:], str(resources)], check=True)
        subprocess.run(
            [ruff[0], "format", *ruff[1:], str(module), str(resources), str(http)], check=True
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
