"""Compare the public surface of two generated ``datasync_grades_api`` packages.

What a reviewer reads when openapi.yaml changes: operations (tag module, HTTP method and path,
parameters with their type, required/optional and default, return type), models (fields with
their types, required) and enum classes (members and values), each added, removed or changed,
breaking changes marked. Used by ``nox -s api_diff`` and the pull-request workflow::

    python tools/api_diff.py                          # working openapi.yaml vs committed generated/
    python tools/api_diff.py new.yaml                 # another spec vs committed generated/
    python tools/api_diff.py --old origin/main        # working spec vs the spec at a git revision
    python tools/api_diff.py HEAD --old v1.2.0 --format markdown --allow-breaking

NEW and OLD are each a spec file, a git revision (its openapi.yaml and generator-config.yml are
generated with ``tools/codegen.generate``) or an already generated package directory. Exit 1 on a
breaking change unless ``--allow-breaking``; 2 when a side cannot be resolved or generated.

Breaking: a removed operation, parameter, model, field, enum class or enum member; a changed HTTP
method or path; a new required parameter or field, or one that became required; a changed type
(a parameter's type that only *widens*, e.g. ``X | Unset`` to ``X | str | Unset``, is not
breaking: existing calls still type-check); a parameter that moved between positional and
keyword. Not breaking: additions of optional things and enum members, changed defaults.

The generated source is read with ``ast``, never imported: importing runs the code, needs its
dependencies, and two versions of one package name cannot be imported side by side. griffe's
``check`` compares Python APIs statically, but it does not compare annotations (so it misses a
changed type) and knows nothing of HTTP methods, paths or enum values, which are what a spec
change alters; so the extraction below is hand-written against the generator's fixed layout.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

sys.path.insert(0, str(Path(__file__).resolve().parent))
import codegen  # a sibling script, not an installed package

__all__ = [
    "Change",
    "EnumClass",
    "Field",
    "Model",
    "Operation",
    "Param",
    "SourceError",
    "Surface",
    "compare",
    "load_surface",
    "main",
    "render",
    "resolve",
]

Format = Literal["text", "markdown"]
ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum"})


@dataclass(frozen=True)
class Param:
    """One argument of an operation's ``sync_detailed``; ``position`` is None for keywords."""

    name: str
    annotation: str
    required: bool
    default: str | None
    position: int | None


@dataclass(frozen=True)
class Operation:
    """One generated operation module, named ``<tag>.<module>``."""

    name: str
    method: str
    path: str
    params: dict[str, Param]
    returns: str

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Field:
    """One attrs field of a model; required fields have no default."""

    name: str
    annotation: str
    required: bool


@dataclass(frozen=True)
class Model:
    """A generated attrs model; ``open`` when it keeps unknown fields in additional_properties."""

    name: str
    fields: dict[str, Field]
    open: bool


@dataclass(frozen=True)
class EnumClass:
    """A generated enum class: member name -> value."""

    name: str
    members: dict[str, object]


@dataclass
class Surface:
    """The public surface of one generated package."""

    operations: dict[str, Operation] = field(default_factory=dict)
    models: dict[str, Model] = field(default_factory=dict)
    enums: dict[str, EnumClass] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One difference; ``what`` names the thing (``Exchange.state``), ``detail`` says how."""

    kind: Literal["added", "removed", "changed"]
    subject: str
    what: str
    detail: str
    breaking: bool

    def describe(self) -> str:
        text = f"{self.kind} {self.subject} {self.what}"
        return f"{text}: {self.detail}" if self.detail else text

    def markdown(self) -> str:
        """``describe()`` for Markdown: the name in code, arrows as arrows."""
        text = f"{self.kind} {self.subject} `{self.what}`"
        return f"{text}: {self.detail.replace(' -> ', ' → ')}" if self.detail else text


# ---------------------------------------------------------------- reading the generated source


def _annotation(node: ast.expr | None) -> str:
    if node is None:
        return ""
    # The generator quotes forward references in some versions: "ExchangeQuery | Unset".
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ast.unparse(ast.parse(node.value, mode="eval").body)
    return ast.unparse(node)


def _union_members(annotation: str) -> frozenset[str]:
    """``A | B | None`` and ``Union[A, B]`` as {A, B, None}, to tell a widened type."""

    def members(node: ast.expr) -> Iterator[str]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            yield from members(node.left)
            yield from members(node.right)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in {"Union", "Optional"}:
            inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            for element in inner:
                yield from members(element)
            if ast.unparse(node.value) == "Optional":
                yield "None"
        else:
            yield ast.unparse(node)

    try:
        return frozenset(members(ast.parse(annotation, mode="eval").body))
    except SyntaxError:
        return frozenset({annotation})


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def _route(get_kwargs: ast.FunctionDef) -> tuple[str, str]:
    """The ``"method"`` and ``"url"`` entries of the dict ``_get_kwargs`` builds."""
    method = path = ""
    for node in ast.walk(get_kwargs):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and key.value in {"method", "url"}):
                continue
            # "/exchanges/{id}".format(id=...) keeps the template in the receiver.
            if (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Attribute)
                and value.func.attr == "format"
            ):
                value = value.func.value
            text = value.value if isinstance(value, ast.Constant) else ast.unparse(value)
            if key.value == "method":
                method = str(text).upper()
            else:
                path = str(text)
    return method, path


def _params(function: ast.FunctionDef) -> dict[str, Param]:
    args = function.args
    params: dict[str, Param] = {}
    positional = args.posonlyargs + args.args
    first_default = len(positional) - len(args.defaults)
    for index, arg in enumerate(positional):
        default = args.defaults[index - first_default] if index >= first_default else None
        params[arg.arg] = Param(
            name=arg.arg,
            annotation=_annotation(arg.annotation),
            required=default is None,
            default=None if default is None else ast.unparse(default),
            position=index,
        )
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params[arg.arg] = Param(
            name=arg.arg,
            annotation=_annotation(arg.annotation),
            required=kw_default is None,
            default=None if kw_default is None else ast.unparse(kw_default),
            position=None,
        )
    return params


def _operation(name: str, tree: ast.Module) -> Operation | None:
    detailed = _function(tree, "sync_detailed")
    get_kwargs = _function(tree, "_get_kwargs")
    if detailed is None or get_kwargs is None:
        return None
    method, path = _route(get_kwargs)
    return Operation(
        name=name,
        method=method,
        path=path,
        params=_params(detailed),
        returns=_annotation(detailed.returns),
    )


def _decorator_names(node: ast.ClassDef) -> set[str]:
    names: set[str] = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(ast.unparse(target).rsplit(".", 1)[-1])
    return names


def _model(node: ast.ClassDef) -> Model:
    fields: dict[str, Field] = {}
    is_open = False
    for statement in node.body:
        if not (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)):
            continue
        name = statement.target.id
        if name == "additional_properties":
            is_open = True
            continue
        fields[name] = Field(name, _annotation(statement.annotation), statement.value is None)
    return Model(node.name, fields, is_open)


def _enum(node: ast.ClassDef) -> EnumClass:
    members: dict[str, object] = {}
    for statement in node.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
        ):
            members[statement.targets[0].id] = statement.value.value
    return EnumClass(node.name, members)


def load_surface(package: Path) -> Surface:
    """Read the operations under ``api/<tag>/`` and the classes under ``models/``.

    A tag's ``__init__.py`` is not read: what custom templates put there (resource classes) is
    built from that tag's operation modules, so comparing the operations covers it.
    """
    surface = Surface()
    for module in sorted((package / "api").glob("*/*.py")):
        if module.name.startswith("_"):
            continue
        name = f"{module.parent.name}.{module.stem}"
        operation = _operation(name, ast.parse(module.read_text(encoding="utf-8")))
        if operation is not None:
            surface.operations[name] = operation
    for module in sorted((package / "models").glob("*.py")):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
                continue
            if {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases} & ENUM_BASES:
                surface.enums[node.name] = _enum(node)
            elif _decorator_names(node) & {"_attrs_define", "define", "frozen"}:
                surface.models[node.name] = _model(node)
    return surface


# ---------------------------------------------------------------- comparing


def _only_unset_differs(old: str, new: str) -> bool:
    """``X | Unset`` vs ``X``: the type change that comes with becoming required or optional."""
    return _union_members(old) - {"Unset"} == _union_members(new) - {"Unset"}


def _param_changes(operation: str, old: Param, new: Param) -> Iterator[Change]:
    what = f"{operation}({old.name})"
    if old.required != new.required:
        state = "required" if new.required else "optional"
        detail = f"became {state}"
        if old.annotation != new.annotation:
            detail += f" (type {old.annotation} -> {new.annotation})"
        yield Change("changed", "parameter", what, detail, breaking=new.required)
    elif old.default != new.default:
        detail = f"default {old.default} -> {new.default}"
        yield Change("changed", "parameter", what, detail, breaking=False)
    if old.annotation != new.annotation and not (
        old.required != new.required and _only_unset_differs(old.annotation, new.annotation)
    ):
        widened = _union_members(old.annotation) < _union_members(new.annotation)
        detail = f"type {old.annotation} -> {new.annotation}" + (" (widened)" if widened else "")
        yield Change("changed", "parameter", what, detail, breaking=not widened)
    if old.position != new.position:

        def kind(position: int | None) -> str:
            return "keyword" if position is None else f"positional #{position}"

        detail = f"{kind(old.position)} -> {kind(new.position)}"
        yield Change("changed", "parameter", what, detail, breaking=True)


def _describe_param(param: Param) -> str:
    text = f"{param.annotation}, {'required' if param.required else 'optional'}"
    return f"{text}, default {param.default}" if param.default not in (None, "UNSET") else text


def _operation_changes(old: Operation, new: Operation) -> Iterator[Change]:
    if old.route != new.route:
        yield Change("changed", "operation", old.name, f"{old.route} -> {new.route}", True)
    if old.returns != new.returns:
        detail = f"returns {old.returns} -> {new.returns}"
        yield Change("changed", "operation", old.name, detail, True)
    for name in sorted(old.params.keys() - new.params.keys()):
        what = f"{old.name}({name})"
        yield Change("removed", "parameter", what, _describe_param(old.params[name]), True)
    for name in sorted(new.params.keys() - old.params.keys()):
        param = new.params[name]
        what = f"{new.name}({name})"
        yield Change("added", "parameter", what, _describe_param(param), param.required)
    for name in sorted(old.params.keys() & new.params.keys()):
        yield from _param_changes(old.name, old.params[name], new.params[name])


def _model_changes(old: Model, new: Model) -> Iterator[Change]:
    for name in sorted(old.fields.keys() - new.fields.keys()):
        what = f"{old.name}.{name}"
        yield Change("removed", "field", what, old.fields[name].annotation, True)
    for name in sorted(new.fields.keys() - old.fields.keys()):
        added = new.fields[name]
        detail = added.annotation + (", required" if added.required else "")
        yield Change("added", "field", f"{new.name}.{name}", detail, added.required)
    for name in sorted(old.fields.keys() & new.fields.keys()):
        before, after = old.fields[name], new.fields[name]
        what = f"{old.name}.{name}"
        if before.required != after.required:
            detail = f"became {'required' if after.required else 'optional'}"
            if before.annotation != after.annotation:
                detail += f" (type {before.annotation} -> {after.annotation})"
            # Either way a breaking change: the constructor needs it, or readers may get UNSET.
            yield Change("changed", "field", what, detail, True)
            if _only_unset_differs(before.annotation, after.annotation):
                continue
        if before.annotation != after.annotation:
            detail = f"type {before.annotation} -> {after.annotation}"
            yield Change("changed", "field", what, detail, True)
    if old.open and not new.open:
        detail = "no longer keeps unknown fields (additional_properties)"
        yield Change("changed", "model", old.name, detail, True)
    elif new.open and not old.open:
        detail = "now keeps unknown fields (additional_properties)"
        yield Change("changed", "model", old.name, detail, False)


def _enum_changes(old: EnumClass, new: EnumClass) -> Iterator[Change]:
    for name in sorted(old.members.keys() - new.members.keys()):
        what = f"{old.name}.{name}"
        yield Change("removed", "enum value", what, repr(old.members[name]), True)
    for name in sorted(new.members.keys() - old.members.keys()):
        what = f"{new.name}.{name}"
        yield Change("added", "enum value", what, repr(new.members[name]), False)
    for name in sorted(old.members.keys() & new.members.keys()):
        before, after = old.members[name], new.members[name]
        if before != after:
            what = f"{old.name}.{name}"
            yield Change("changed", "enum value", what, f"{before!r} -> {after!r}", True)


def compare(old: Surface, new: Surface) -> list[Change]:
    """Every difference from ``old`` to ``new``: operations, then models, then enums."""
    changes: list[Change] = []
    for name in sorted(old.operations.keys() | new.operations.keys()):
        before, after = old.operations.get(name), new.operations.get(name)
        if after is None and before is not None:
            changes.append(Change("removed", "operation", name, before.route, True))
        elif before is None and after is not None:
            changes.append(Change("added", "operation", name, after.route, False))
        elif before is not None and after is not None:
            changes.extend(_operation_changes(before, after))
    for name in sorted(old.models.keys() | new.models.keys()):
        old_model, new_model = old.models.get(name), new.models.get(name)
        if new_model is None and old_model is not None:
            changes.append(Change("removed", "model", name, "", True))
        elif old_model is None and new_model is not None:
            fields = ", ".join(new_model.fields)
            changes.append(Change("added", "model", name, f"fields {fields}", False))
        elif old_model is not None and new_model is not None:
            changes.extend(_model_changes(old_model, new_model))
    for name in sorted(old.enums.keys() | new.enums.keys()):
        old_enum, new_enum = old.enums.get(name), new.enums.get(name)
        if new_enum is None and old_enum is not None:
            changes.append(Change("removed", "enum", name, "", True))
        elif old_enum is None and new_enum is not None:
            values = ", ".join(repr(value) for value in new_enum.members.values())
            changes.append(Change("added", "enum", name, f"values {values}", False))
        elif old_enum is not None and new_enum is not None:
            changes.extend(_enum_changes(old_enum, new_enum))
    return changes


# ---------------------------------------------------------------- reporting


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(changes: list[Change]) -> str:
    breaking = sum(change.breaking for change in changes)
    return (
        f"{_plural(breaking, 'breaking change')}, "
        f"{_plural(len(changes) - breaking, 'other change')}"
    )


def render(changes: list[Change], old_label: str, new_label: str, fmt: Format = "text") -> str:
    """The report: plain text for a terminal, Markdown for a pull-request comment."""
    breaking = [change for change in changes if change.breaking]
    other = [change for change in changes if not change.breaking]
    if fmt == "markdown":
        lines = ["## Public API diff", "", f"`{old_label}` → `{new_label}`", ""]
        if not changes:
            lines.append("No public API changes.")
            return "\n".join(lines) + "\n"
        lines += [f"**{_summary(changes)}**", ""]
        if breaking:
            lines += ["### Breaking changes", ""]
            lines += [f"- :boom: **BREAKING** {change.markdown()}" for change in breaking]
            lines.append("")
        if other:
            lines += ["### Other changes", ""]
            lines += [f"- {change.markdown()}" for change in other]
            lines.append("")
        return "\n".join(lines)
    lines = [f"Public API diff: {old_label} -> {new_label}"]
    if not changes:
        lines.append("no public API changes")
        return "\n".join(lines) + "\n"
    for change in changes:
        lines.append(f"  {'BREAKING' if change.breaking else '        '}  {change.describe()}")
    lines.append(_summary(changes))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- resolving NEW and OLD


class SourceError(Exception):
    """NEW or OLD is neither a spec, a generated package nor a git revision."""


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=codegen.ROOT, capture_output=True, check=False)


def _package_dir(path: Path) -> Path | None:
    for candidate in (path, path / codegen.PACKAGE):
        if (candidate / "api").is_dir() and (candidate / "models").is_dir():
            return candidate
    return None


def _label(path: Path) -> str:
    resolved = path.resolve()
    return (
        str(resolved.relative_to(codegen.ROOT))
        if resolved.is_relative_to(codegen.ROOT)
        else str(path)
    )


def resolve(source: str | None, default: Path, workdir: Path) -> tuple[Path, str]:
    """The package directory for NEW or OLD and a label for the report, generating if needed.

    ``workdir`` must be a fresh directory of this side's own (generation replaces it).
    """
    path = default if source is None else Path(source)
    package = _package_dir(path) if path.is_dir() else None
    if package is not None:
        return package, _label(package)
    if path.is_file():
        return codegen.generate(path, workdir / codegen.PACKAGE), _label(path)
    if source is None:
        raise SourceError(f"{path} does not exist")
    if _git("rev-parse", "--verify", "--quiet", f"{source}^{{commit}}").returncode != 0:
        raise SourceError(f"{source!r} is not a spec file, a generated package or a git revision")
    spec = _git("show", f"{source}:{codegen.SPEC.name}")
    if spec.returncode != 0:
        raise SourceError(f"{source} has no {codegen.SPEC.name}: {spec.stderr.decode().strip()}")
    workdir.mkdir(parents=True, exist_ok=True)
    spec_path = workdir / codegen.SPEC.name
    spec_path.write_bytes(spec.stdout)
    # The revision's own generator config: a config change alone can change the surface.
    config = _git("show", f"{source}:{codegen.CONFIG.name}")
    config_path = codegen.CONFIG
    if config.returncode == 0:
        config_path = workdir / codegen.CONFIG.name
        config_path.write_bytes(config.stdout)
    package = codegen.generate(spec_path, workdir / codegen.PACKAGE, config=config_path)
    return package, f"{codegen.SPEC.name} at {source}"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="NEW/OLD: a spec path, a git revision or a generated package directory.",
    )
    parser.add_argument("new", nargs="?", help="default: the working tree's openapi.yaml")
    parser.add_argument("--old", help="default: the committed generated/ package")
    parser.add_argument("--allow-breaking", action="store_true", help="exit 0 on breaking changes")
    parser.add_argument("--format", choices=["text", "markdown"], default="text")
    args = parser.parse_args(None if argv is None else list(argv))
    with tempfile.TemporaryDirectory(prefix="dsg-api-diff-") as tmp:
        try:
            old_package, old_label = resolve(args.old, codegen.TARGET, Path(tmp) / "old")
            new_package, new_label = resolve(args.new, codegen.SPEC, Path(tmp) / "new")
        except (SourceError, SystemExit) as error:  # codegen reports failures as SystemExit
            print(f"api_diff: {error}", file=sys.stderr)
            return 2
        changes = compare(load_surface(old_package), load_surface(new_package))
    sys.stdout.write(render(changes, old_label, new_label, args.format))
    if any(change.breaking for change in changes) and not args.allow_breaking:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
