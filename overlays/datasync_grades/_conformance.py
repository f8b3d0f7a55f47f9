"""Does a parsed generated model hold what its annotations say?

The generated ``from_dict`` of a nullable or ``anyOf`` field tries each type and, when none
fits, keeps the raw JSON value: ``{"data": "x"}`` parses into an ``ExchangeResponse`` whose
``data`` is the string ``"x"``. :func:`misplaced` finds such a value, so
``expect_parsed`` can raise ``ResponseValidationError`` instead of handing it on.

Tolerant where the spec is: a value the annotation allows (a plain ``str`` where an enum
``| str`` is declared, an int where a float is), ``Unset``, and anything in
``additional_properties`` pass. Only the shape is checked, from the generated classes'
own annotations, so a regeneration needs no change here.

Example::

    problem = misplaced(parsed)  # None, or e.g. "data: got str, expected Exchange | None"
"""

from __future__ import annotations

import functools
import sys
import types
import typing
from typing import Any

import attrs

__all__ = ["misplaced"]

_MAX_DEPTH = 8


@functools.cache
def _field_types(cls: type) -> dict[str, tuple[type, ...] | None]:
    """Per attrs field: the runtime classes its annotation allows, or None for "anything"."""
    module = sys.modules[cls.__module__]
    package = sys.modules.get(cls.__module__.rpartition(".")[0])
    # The generated modules import their nested models only under TYPE_CHECKING; the models
    # package exports them all.
    namespace = {**(vars(package) if package else {}), **vars(module)}
    hints = typing.get_type_hints(cls, globalns=namespace)
    allowed: dict[str, tuple[type, ...] | None] = {}
    for field in attrs.fields(cls):
        if field.name == "additional_properties":
            continue
        allowed[field.name] = _classes(hints.get(field.name, Any))
    return allowed


def _classes(hint: Any) -> tuple[type, ...] | None:
    if hint is Any:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        found: list[type] = []
        for option in typing.get_args(hint):
            classes = _classes(option)
            if classes is None:
                return None
            found.extend(classes)
        return tuple(found)
    if hint is None or hint is type(None):
        return (type(None),)
    if origin is not None:  # list[X], dict[str, X]: the container is what from_dict checks
        return (origin,) if isinstance(origin, type) else None
    if hint is float:  # JSON has one number type
        return (float, int)
    return (hint,) if isinstance(hint, type) else None


def misplaced(value: object, path: str = "", depth: int = 0) -> str | None:
    """The first field (dotted path) of a parsed model holding a value its annotation does
    not allow, with what it got; None when the whole model conforms."""
    if depth > _MAX_DEPTH or not attrs.has(type(value)):
        return None
    model: Any = type(value)  # a class is hashable; mypy's functools stubs cannot see it
    for name, allowed in _field_types(model).items():
        field_value = getattr(value, name)
        where = f"{path}{name}"
        if allowed is not None and not isinstance(field_value, allowed):
            expected = " | ".join(
                "None" if cls is type(None) else cls.__name__
                for cls in allowed
                if cls.__name__ != "Unset"
            )
            return f"{where}: got {type(field_value).__name__}, expected {expected}"
        if isinstance(field_value, list):
            for index, item in enumerate(field_value):
                problem = misplaced(item, f"{where}[{index}].", depth + 1)
                if problem:
                    return problem
        else:
            problem = misplaced(field_value, f"{where}.", depth + 1)
            if problem:
                return problem
    return None
