"""Calling a generated endpoint and parsing its answer, with typed errors for bad bodies.

The generated ``_parse_response`` raises whatever its models raise on a body of the wrong
shape, and for a nullable or ``anyOf`` field that fits no type it keeps the raw JSON value
(``{"data": "x"}`` parses into a model whose ``data`` is ``"x"``). :func:`call` turns both into
``ResponseValidationError``; values the spec allows (an enum value it does not list, an unknown
field, an int where a number is declared) pass. Non-2xx answers have raised in ``send()``.
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from types import ModuleType
from typing import Any

import attrs

from datasync_grades_api.client import Client

from ._exceptions import ResponseValidationError, validation_error
from ._http import httpx
from ._redact import Redactor

if typing.TYPE_CHECKING:
    from ._client import AsyncSender, SyncSender

__all__ = ["acall", "call", "checked_count", "misplaced", "operation_name", "parse"]

_MAX_DEPTH = 8


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, tuple[type, ...] | None, bool], ...]:
    """Per attrs field: its name, the runtime classes its annotation allows (None: anything),
    and whether its value may hold a model to look into (a model, a list or anything)."""
    package = sys.modules.get(cls.__module__.rpartition(".")[0])
    # The generated modules import their nested models only under TYPE_CHECKING; the models
    # package exports them all (names are looked up there first, then in the module).
    hints = typing.get_type_hints(cls, localns=vars(package) if package else None)
    fields = []
    for field in attrs.fields(cls):
        if field.name == "additional_properties":
            continue
        allowed = _classes(hints.get(field.name, Any))
        nested = allowed is None or any(c is list or _is_model(c) for c in allowed)
        fields.append((field.name, allowed, nested))
    return tuple(fields)


def _classes(hint: Any) -> tuple[type, ...] | None:
    # get_type_hints has flattened nested unions and turned None into NoneType.
    is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    found: list[type] = []
    for option in typing.get_args(hint) if is_union else (hint,):
        # list[X], dict[str, X]: the container is what from_dict checks.
        option = typing.get_origin(option) or option
        if option is float:  # JSON has one number type
            found += (float, int)
        elif isinstance(option, type) and option is not Any:  # Any is a class since 3.11
            found.append(option)
        else:  # Any, Literal, a TypeVar: anything may come
            return None
    return tuple(found)


def _is_model(cls: type) -> bool:
    return hasattr(cls, "__attrs_attrs__")  # attrs.has(), minus its generics handling


def misplaced(value: object, depth: int = 0) -> str | None:
    """The first field (dotted path) of a parsed model holding a value its annotation does
    not allow, with what it got; None when the whole model conforms."""
    if depth > _MAX_DEPTH or not _is_model(type(value)):
        return None
    model: Any = type(value)
    for name, allowed, nested in _field_types(model):
        field_value = getattr(value, name)
        if allowed is not None and not isinstance(field_value, allowed):
            expected = " | ".join(
                "None" if cls is type(None) else cls.__name__
                for cls in allowed
                if cls.__name__ != "Unset"
            )
            return f"{name}: got {type(field_value).__name__}, expected {expected}"
        # Paths are built only on the way back from a problem: this runs on every answer.
        if not nested:
            continue
        if type(field_value) is list:
            for index, item in enumerate(field_value):
                problem = misplaced(item, depth + 1)
                if problem:
                    return f"{name}[{index}].{problem}"
        elif _is_model(type(field_value)):
            problem = misplaced(field_value, depth + 1)
            if problem:
                return f"{name}.{problem}"
    return None


def operation_name(endpoint: ModuleType) -> str:
    """The generated module's name, the operation id in snake case: ``find_exchange``."""
    return endpoint.__name__.rpartition(".")[2]


def checked_count(endpoint: ModuleType, value: object) -> int:
    """A count operation's answer: the spec's bare integers are counts, ``minimum: 0``."""
    if type(value) is not int or value < 0:
        raise ResponseValidationError(
            f"{operation_name(endpoint)}: expected a count (an integer >= 0), "
            f"got {repr(value)[:100]}"
        )
    return value


# What generated parsing raises on a body it cannot turn into its models.
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError, MemoryError)
# What the generated parsing asks of a client: only whether to raise on a status it does not
# know (it does not: parse() reports that itself). It sends nothing.
_PARSING = Client(base_url="", raise_on_unexpected_status=False)


def parse(endpoint: ModuleType, response: httpx.Response, redactor: Redactor) -> Any:
    """The endpoint's parsed 2xx body; ``ResponseValidationError`` (its message redacted by
    ``redactor``) when it is not the spec's."""
    problem: str | None = None
    try:
        parsed = endpoint._parse_response(client=_PARSING, response=response)
    except _PARSE_ERRORS as exc:  # kept as text, not chained: its message may quote the body
        parsed, problem = False, f"{type(exc).__name__}: {exc}"
    if parsed is None:
        problem = (
            f"status {response.status_code} has no parsed body (a status or content "
            "type the spec does not document for this operation)"
        )
    elif problem := problem or misplaced(parsed):
        problem = f"the response body does not match the spec: {problem}"
    if problem is not None:
        # The message may quote the body (a token it echoes): redacted like any error.
        raise validation_error(f"{operation_name(endpoint)}: {problem}", response, redactor)
    return parsed


def call(endpoint: ModuleType, sender: SyncSender, params: dict[str, Any]) -> Any:
    """Send the endpoint's request with ``params`` and return its parsed body."""
    return parse(endpoint, sender.send(endpoint._get_kwargs(**params)), sender.redactor)


async def acall(endpoint: ModuleType, sender: AsyncSender, params: dict[str, Any]) -> Any:
    """The async :func:`call`."""
    return parse(endpoint, await sender.send(endpoint._get_kwargs(**params)), sender.redactor)
