"""The `datasync-grades` commands, one per operation of the generated operation table.

Nothing here names an operation: `datasync_grades_api.operations.OPERATIONS` (generated from
openapi.yaml by tools/codegen.py) says which exist, their parameters and what they return;
each becomes `datasync-grades <tag> <method>` calling `DataSync().<tag>.<method>(...)`, so
auth, retries, bounds, redaction and typed errors are the library's. Typer builds a command
from a function's signature, so each command gets a signature made from its table row.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import importlib.util
import inspect
import json
import os
import runpy
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from ._connect import ENV, PROFILES, Settings, UsageError, bearer_token, settings
from ._csv import COLUMNS
from ._exit import ExitCode, exit_code_for
from ._output import FORMATS, clean, default_format, line, write_items, write_one

if TYPE_CHECKING:
    from datasync_grades_api.api import Artifact  # the public protocol
    from datasync_grades_api.operations import Field, Operation, Upload

__all__ = ["build"]

_READ_ONLY = ("GET", "HEAD", "OPTIONS")
_SHAPE_TYPES: dict[str, type] = {"int": int, "float": float, "bool": bool}
_PANEL = {
    "connection": "Connection (options, then variables, then the profile)",
    "output": "Output",
}
_FORMAT_HELP = "Default: table on a terminal, jsonl when piped."
_YES_HELP = "Do not ask (this command changes data on the server); needed off a terminal."
_ITEMS_HELP = (
    "The items as JSON lines, read one at a time: a top-level array's, or those of an "
    "object's first array member."
)
_MEMBER_HELP = "With --items (implied): the items of the object's member NAME."


def _operations() -> tuple[Operation, ...]:
    """The generated operation table, run from its own file: datasync_grades_api's
    `__init__` imports httpx (and httpx rich's progress bars), which `--help` does not need."""
    package = importlib.util.find_spec("datasync_grades_api")
    where = Path(str(package and package.origin)).with_name("operations.py")
    table: tuple[Operation, ...] = runpy.run_path(str(where))["OPERATIONS"]
    return table


def _escape(text: str) -> str:
    """Help is rich markup: a bracket from the spec is text, not a style."""
    return text.replace("[", "\\[")


def _param(ident: str, annotation: Any, info: Any) -> inspect.Parameter:
    return inspect.Parameter(
        ident, inspect.Parameter.KEYWORD_ONLY, default=info, annotation=annotation
    )


def _connection(wait: bool = True) -> list[inspect.Parameter]:
    secret = {"client_secret", "lti_jwt"}
    waits = typer.Option(
        None,
        "--wait",
        min=0,
        metavar="SECONDS",
        help="Wait out a 429 whose Retry-After is at most SECONDS (default 60; 0: fail at once).",
        rich_help_panel=_PANEL["connection"],
    )
    params = [
        _param(
            f"o_{name}",
            str | None,
            typer.Option(
                None,
                f"--{name.replace('_', '-')}",
                envvar=variable,
                show_default=False,
                help="A secret: prefer the variable (options show in the process list)."
                if name in secret
                else None,
                rich_help_panel=_PANEL["connection"],
            ),
        )
        for name, variable in ENV.items()
    ]
    profile = typer.Option(
        None,
        "--profile",
        envvar="DATASYNC_PROFILE",
        help=_escape(f"A profile of {PROFILES} in the config directory (default: [default])."),
        rich_help_panel=_PANEL["connection"],
    )
    params.append(_param("o_profile", str | None, profile))
    return [_param("o_wait", float | None, waits), *params] if wait else params


def _field(field: Field, *, argument: bool) -> inspect.Parameter:
    """The option (or argument, for a path parameter) that gives ``field``'s value."""
    flag = f"--{field.python_name.replace('_', '-')}"
    text = _escape(field.description)
    if argument:
        info = typer.Argument(..., metavar=field.python_name.upper(), help=text, show_default=False)
        return _param(f"p_{field.python_name}", str, info)
    default = ... if field.required else None
    annotation: Any
    metavar = None
    if field.shape == "enum" and field.choices:
        annotation = _choices(field.cls or field.python_name, field.choices)
    elif field.shape in _SHAPE_TYPES:
        annotation = _SHAPE_TYPES[field.shape]
    else:
        annotation = str
        if field.shape in ("model", "json") or (field.many and field.shape != "str"):
            annotation, metavar = str, "JSON"
            text = f"{text} JSON, or @FILE (@- for stdin).".strip()
    if field.many and metavar is None:
        annotation = list[annotation]
        text = f"{text} Repeat the option for each value.".strip()
    decls = [f"{flag}/--no-{flag[2:]}"] if annotation is bool else [flag]
    info = typer.Option(default, *decls, metavar=metavar, help=text or None, show_default=False)
    return _param(
        f"p_{field.python_name}", annotation if field.required else annotation | None, info
    )


def _choices(name: str, values: tuple[str, ...]) -> Any:
    """An enumeration Typer shows, completes and checks (its values are the strings)."""
    make: Any = enum.Enum  # built from data, which type checkers cannot follow
    return make(name, [(value, value) for value in values])


def _output(op: Operation) -> list[inspect.Parameter]:
    def option(ident: str, annotation: Any, default: Any, *decls: str, **more: Any) -> None:
        more.setdefault("rich_help_panel", _PANEL["output"])
        params.append(_param(ident, annotation, typer.Option(default, *decls, **more)))

    params: list[inspect.Parameter] = []
    if op.kind == "file":  # the file as it is (or a JSON file's items): no format
        option("o_out", Path | None, None, "--out", "-o", help="Write to FILE (atomic, 0600).")
        if "csv" not in (op.media_type or ""):
            option("o_items", bool, False, "--items", help=_ITEMS_HELP)
            option("o_member", str | None, None, "--member", metavar="NAME", help=_MEMBER_HELP)
    else:
        formats = _choices("Format", FORMATS)
        option("o_format", formats | None, None, "--format", "-f", help=_FORMAT_HELP)
    if op.kind in ("file", "list"):
        option("o_quiet", bool, False, "--quiet", "-q", help="No progress on stderr.")
    if op.kind == "list":
        option("o_max_items", int | None, None, "--max-items", min=0, help="Stop after N items.")
        option("o_page_size", int | None, None, "--page-size", min=1, help="Items per request.")
    if op.http_method not in _READ_ONLY:
        option("o_yes", bool, False, "--yes", "-y", help=_YES_HELP, rich_help_panel=None)
    return params


def _signed(function: Callable[..., None], params: list[inspect.Parameter]) -> Callable[..., None]:
    """``function`` (taking ``**values``) with ``params`` as the signature Typer reads."""
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise RuntimeError(f"two options of one command share a name: {names}")
    function.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    function.__annotations__ = {p.name: p.annotation for p in params}
    return function


def _command(op: Operation) -> Callable[..., None]:
    own = {"page", "page_size"} if op.kind == "list" else set()
    options = [f for f in op.query_parameters if f.python_name not in own] + list(op.body)
    params = [_field(f, argument=True) for f in op.path_parameters]
    params += [_field(f, argument=False) for f in options]
    params += _output(op) + _connection()

    def command(**values: Any) -> None:
        _run(op, options, values)

    return _signed(command, params)


def _fail(code: ExitCode, message: str) -> NoReturn:
    typer.echo(f"datasync-grades: {clean(message)}", err=True)
    raise typer.Exit(int(code))


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Errors as exit codes, with a one-line message on stderr (no traceback)."""
    from .. import DataSyncError

    try:
        yield
    except DataSyncError as exc:
        _fail(exit_code_for(exc), f"{type(exc).__name__}: {exc}")
    except (UsageError, ValueError, TypeError) as exc:  # arguments the library refused
        _fail(ExitCode.USAGE, f"{type(exc).__name__}: {exc}")
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(int(ExitCode.ERROR)) from None
    except OSError as exc:  # a file named by --out, --data, --checkpoint or @FILE
        _fail(ExitCode.ERROR, f"{type(exc).__name__}: {exc}")


def _settings(values: dict[str, Any]) -> Settings:
    given = {name: values.pop(f"o_{name}") for name in ENV}
    try:
        return settings(given, values.pop("o_profile"), values.pop("o_wait", None))
    except UsageError as exc:
        _fail(ExitCode.USAGE, str(exc))


def _load(cls: str | None, module: str | None) -> Any:
    """A generated model or enum class, imported only by the command that needs it."""
    return getattr(importlib.import_module(f"datasync_grades_api.models.{module}"), str(cls))


def _json_value(field: Field, text: str) -> Any:
    if text.startswith("@"):
        source = text[1:]
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        value = json.loads(text)
        if field.shape != "model" or (value is None and field.nullable):
            return value
        model = _load(field.cls, field.module)
        return [model.from_dict(v) for v in value] if field.many else model.from_dict(value)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        flag = f"--{field.python_name.replace('_', '-')}"
        message = f"not a {field.cls or 'JSON value'}: {exc}"
        raise typer.BadParameter(message, param_hint=flag) from None


def _value(field: Field, given: Any) -> Any:
    """The typed client's value for an option as typed on the command line."""
    if field.shape == "enum" and field.choices:
        cls = _load(field.cls, field.module) if field.cls else str
        members = [cls(choice.value) for choice in (given if field.many else [given])]
        return members if field.many else members[0]
    if isinstance(given, str) and (field.shape in ("model", "json") or field.many):
        return _json_value(field, given)
    if field.shape in ("date", "datetime"):
        from datetime import date, datetime

        parse = date.fromisoformat if field.shape == "date" else datetime.fromisoformat
        try:
            return parse(given)
        except ValueError as exc:
            flag = f"--{field.python_name.replace('_', '-')}"
            raise typer.BadParameter(str(exc), param_hint=flag) from None
    return given


def _confirm(op: Operation, yes: bool) -> None:
    if yes or op.http_method in _READ_ONLY:
        return
    what = f"{op.tag.replace('_', '-')} {op.method.replace('_', '-')}"
    if not sys.stdin.isatty():
        _fail(ExitCode.USAGE, f"{what} changes data on the server: off a terminal, pass --yes")
    if not typer.confirm(f"{op.summary} ({op.http_method} {op.path})?", err=True):
        _fail(ExitCode.ERROR, "not confirmed; nothing was sent")


def _run(op: Operation, options: list[Field], values: dict[str, Any]) -> None:
    settings = _settings(values)
    args = [values.pop(f"p_{f.python_name}") for f in op.path_parameters]
    fmt = values.get("o_format")
    fmt = fmt.value if fmt is not None else default_format(sys.stdout)
    with _reported():
        kwargs = {
            f.python_name: _value(f, values[f"p_{f.python_name}"])
            for f in options
            if values[f"p_{f.python_name}"] is not None
        }
        if op.kind == "list":
            kwargs |= {"page_size": values["o_page_size"], "max_items": values["o_max_items"]}
        _confirm(op, values.get("o_yes", False))
        with settings.client() as client:
            result = getattr(getattr(client, op.tag), op.method)(*args, **kwargs)
            if op.kind == "file":
                _save(_streamed(result, values), values["o_out"])
            elif op.kind == "list":
                write_items(_listed(op, result, values, fmt), fmt)
            elif result is not None:
                write_one(result, fmt)
            sys.stdout.flush()


def _listed(op: Operation, pager: Any, values: dict[str, Any], fmt: str) -> Any:
    """A list's items; counted on stderr against the total (when the list has a count
    operation: one request more) if stderr is a terminal that the items are not streamed to."""
    streamed = fmt in ("json", "jsonl") and sys.stdout.isatty()
    if values["o_quiet"] or streamed or not sys.stderr.isatty():
        return pager
    from ._progress import listed

    total = pager.total() if op.counter else None
    if total is not None and values["o_max_items"] is not None:
        total = min(total, values["o_max_items"])
    return listed(pager, total)


def _streamed(artifact: Artifact, values: dict[str, Any]) -> Iterator[bytes]:
    """An artifact's bytes, or (``--items``, ``--member``) its items as JSON lines, read one
    at a time; counted on stderr (bytes, or items) when it is a terminal."""
    progress = not values["o_quiet"] and sys.stderr.isatty()
    member = values.get("o_member")
    if not values.get("o_items") and member is None:
        if not progress:
            return artifact.iter_bytes()
        from ._progress import counted

        return counted(artifact.iter_bytes())
    items = artifact.iter_items(member=member)
    if progress:
        from ._progress import listed

        items = listed(items, None)
    # A lone surrogate (a JSON "\ud800") cannot be UTF-8: written back as that same escape.
    return (f"{line(item)}\n".encode("utf-8", "backslashreplace") for item in items)


def _save(chunks: Iterator[bytes], path: Path | None) -> None:
    """Stream ``chunks`` to stdout, or to ``path`` through a temporary file (0600) renamed
    into place once complete."""
    if path is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        return
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _push_command(op: Operation, upload: Upload) -> Callable[..., None]:
    """`<tag> <upload method> ID --data FILE`: the chunked upload, with a chunk counter."""
    keys = ", ".join(f'"{f.name}"' for f in upload.items)

    def option(ident: str, annotation: Any, default: Any, *decls: str, **more: Any) -> None:
        params.append(_param(ident, annotation, typer.Option(default, *decls, **more)))

    params = [_field(f, argument=True) for f in op.path_parameters]
    data_help = (
        f"A JSON object of {keys} arrays, or scores as CSV (not starting with {{), one row per "
        f"score with its assignment's columns: {', '.join(COLUMNS)} (assignment or "
        "assignment_id required; rows of one assignment become one); - for stdin."
    )
    option("o_data", str, ..., "--data", "-d", metavar="FILE", help=data_help)
    limit_help = f"Bytes per request (default: the {upload.limit})."
    option("o_max_bytes", int | None, None, "--max-bytes", min=1, help=limit_help)
    resume_help = "Keep progress in FILE: the same command resumes after a kill."
    option("o_checkpoint", Path | None, None, "--checkpoint", help=resume_help)
    option("o_dry_run", bool, False, "--dry-run", help="Print the chunk plan; send nothing.")
    params += _output(op)
    if op.kind not in ("file", "list"):
        option("o_quiet", bool, False, "--quiet", "-q", help="No progress on stderr.")

    def command(**values: Any) -> None:
        _push(op, upload, values)

    return _signed(command, params + _connection())


def _push(op: Operation, upload: Upload, values: dict[str, Any]) -> None:
    from csv import Error

    from .. import FileCheckpoint, plan_chunks
    from ._csv import assignments

    settings = _settings(values)
    args = [values.pop(f"p_{f.python_name}") for f in op.path_parameters]
    source = values["o_data"]
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
        is_json = text.lstrip().startswith("{")
        data = json.loads(text) if is_json else {"assignments": assignments(text)}
    except (OSError, ValueError, Error) as exc:
        _fail(ExitCode.USAGE, f"--data {source}: {exc}")
    names = {f.name: f.python_name for f in upload.items}
    if not isinstance(data, dict) or set(data) - set(names):
        _fail(ExitCode.USAGE, f"--data must be a JSON object with only {sorted(names)} arrays")
    items = {names[key]: value for key, value in data.items()}
    fmt = values.get("o_format")
    fmt = fmt.value if fmt is not None else default_format(sys.stdout)
    if not values["o_dry_run"]:
        _confirm(op, values.get("o_yes", False))
    with _reported(), settings.client() as client, contextlib.ExitStack() as stack:
        resource = getattr(client, op.tag)
        limit = values["o_max_bytes"]
        if values["o_dry_run"]:
            if limit is None:
                find = next(o for o in _operations() if o.name == upload.limit_from)
                limit = getattr(getattr(resource, find.method)(*args), upload.limit)
            chunks = plan_chunks(**items, max_bytes=limit)
            write_items([{"chunk": n} | _public(chunk) for n, chunk in enumerate(chunks)], fmt)
            return
        stored = None
        if not values["o_quiet"] and sys.stderr.isatty():
            from ._progress import chunk_counter

            stored = stack.enter_context(chunk_counter())
        path = values["o_checkpoint"]
        result = getattr(resource, upload.method)(
            *args,
            **items,
            max_bytes=limit,
            on_progress=stored,
            checkpoint=None if path is None else FileCheckpoint(path),
        )
        stack.close()  # the counter's last line before the result
        write_one(result, fmt)


def _public(value: Any) -> dict[str, Any]:
    """An attrs object's public fields."""
    import attrs

    return {a.name: getattr(value, a.name) for a in attrs.fields(type(value)) if a.name[0] != "_"}


def _token(**values: Any) -> None:
    """Print a bearer token (for curl and the like): the LTI JWT as given, or one fetched
    with the client credentials. Nothing else ever prints a token."""
    settings = _settings(values)
    with _reported():
        typer.echo(bearer_token(settings))


def build() -> typer.Typer:
    """The application: a group per tag, a command per operation, and `token`."""
    app = typer.Typer(
        name="datasync-grades",
        help="Every operation of the DataSync Grades Exchange API, from openapi.yaml.",
        no_args_is_help=True,
        # Typer's own tracebacks show local variables: credentials among them.
        pretty_exceptions_enable=False,
    )
    groups: dict[str, typer.Typer] = {}
    for op in _operations():
        if op.tag not in groups:
            name = op.tag.replace("_", "-")
            groups[op.tag] = typer.Typer(no_args_is_help=True, help=f"The {name} operations.")
            app.add_typer(groups[op.tag], name=name)
        help_ = f"{_escape(op.summary)}\n\n{op.http_method} {_escape(op.path)}"
        groups[op.tag].command(op.method.replace("_", "-"), help=help_)(_command(op))
        if op.upload is not None:
            help_ = f"{_escape(op.upload.summary)}\n\n{op.http_method} {_escape(op.path)}, repeated"
            name = op.upload.method.replace("_", "-")
            groups[op.tag].command(name, help=help_)(_push_command(op, op.upload))
    help_ = "Print a bearer token (for curl): the LTI JWT, or one the client credentials get."
    app.command("token", help=help_)(_signed(_token, _connection(wait=False)))
    return app
