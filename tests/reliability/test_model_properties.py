"""Property tests of the generated models.

1. Every attrs model in ``datasync_grades_api.models`` (found by walking the package, so a
   model added to the spec is covered after regeneration) survives
   ``from_dict(json.loads(json.dumps(to_dict())))`` unchanged, unknown properties included.
   Instances are built from the models' own type hints (``strategy_for``).
2. Any JSON object the ``Exchange`` schema of openapi.yaml allows, with unknown keys added at
   every level and enum strings the spec does not list, parses with ``Exchange.from_dict``
   (and inside an ``ExchangesResponse``): unknown values are kept as ``str``, unknown keys in
   ``additional_properties``. Objects are drawn from the schema itself (``from_json_schema``).

Hand-written strategies: ``hypothesis-jsonschema`` 0.23.1 (the latest) fails inside
Hypothesis 6.170 (``AttributeError: 'many' object has no attribute 'more'``), and the
spec's schemas use a small subset of JSON Schema ($ref, type, properties, items, enum,
anyOf, a one-member allOf, two formats), which the converter below covers in a few dozen lines.
"""

from __future__ import annotations

import datetime
import enum
import json
import types
import typing
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import datasync_grades_api.models as models
from datasync_grades_api.models import Exchange, ExchangesResponse
from datasync_grades_api.types import UNSET, File, Unset

SPEC: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "openapi.yaml").read_text(encoding="utf-8")
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# Keys the spec cannot have: unknown properties added to models and objects are named so.
UNKNOWN_KEY = st.text(min_size=1, max_size=8).map(lambda s: f"x-unknown-{s}")
TIMEZONES = st.sampled_from(
    [
        None,
        datetime.UTC,
        datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
        datetime.timezone(datetime.timedelta(hours=-8)),
    ]
)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# -- strategies from type hints ------------------------------------------------------------


def generated_models() -> list[type[Any]]:
    """Every attrs class the generated models package exports, by name."""
    found = [
        value
        for name, value in sorted(vars(models).items())
        if isinstance(value, type) and attrs.has(value) and hasattr(value, "from_dict")
    ]
    assert len(found) > 30, "the walk found too few models"
    return found


def _hints(model: type[Any]) -> dict[str, Any]:
    # Generated models import each other under TYPE_CHECKING only: resolve in the package.
    return typing.get_type_hints(model, localns=vars(models))


_MODEL_STRATEGIES: dict[type[Any], st.SearchStrategy[Any]] = {}


def strategy_for(hint: Any) -> st.SearchStrategy[Any]:
    """Values of a generated model's field type, as the model would hold them."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy_for(arg) for arg in args))
    if origin is list:
        return st.lists(strategy_for(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(st.text(max_size=8), strategy_for(args[1]), max_size=3)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        Unset: st.just(UNSET),
        type(None): st.none(),
        Any: JSON_VALUES,
        str: st.text(max_size=20),
        int: st.integers(-(2**53), 2**53),
        float: st.floats(allow_nan=False, allow_infinity=False),
        bool: st.booleans(),
        uuid.UUID: st.uuids(),
        datetime.datetime: st.datetimes(timezones=TIMEZONES),
        datetime.date: st.dates(),
    }
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    if isinstance(hint, type) and attrs.has(hint):
        return st.deferred(lambda: model_strategy(hint))
    raise TypeError(f"no strategy for {hint!r}: teach strategy_for this type")


def model_strategy(model: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a generated model: every init field from its hint, plus unknown properties."""
    if model not in _MODEL_STRATEGIES:
        hints = _hints(model)
        fields = {f.name: strategy_for(hints[f.name]) for f in attrs.fields(model) if f.init}
        extra = next((f for f in attrs.fields(model) if f.name == "additional_properties"), None)

        @st.composite
        def build(draw: st.DrawFn) -> Any:
            instance = model(**{name: draw(s) for name, s in fields.items()})
            if extra is not None:
                value_type = typing.get_args(hints[extra.name])[1]
                instance.additional_properties = draw(
                    st.dictionaries(UNKNOWN_KEY, strategy_for(value_type), max_size=2)
                )
            return instance

        _MODEL_STRATEGIES[model] = build()
    return _MODEL_STRATEGIES[model]


def test_the_walk_covers_the_models_the_operations_use() -> None:
    names = {model.__name__ for model in generated_models()}
    assert {"Exchange", "ExchangesResponse", "Assignment", "Summary", "ExchangeError"} <= names
    assert File not in generated_models()


@pytest.mark.parametrize("model", generated_models(), ids=lambda model: model.__name__)
def test_every_model_round_trips_through_json(model: type[Any]) -> None:
    @PROPERTY_SETTINGS
    @given(model_strategy(model))
    def round_trip(instance: Any) -> None:
        serialized = json.loads(json.dumps(instance.to_dict()))
        assert model.from_dict(serialized) == instance

    round_trip()


# -- strategies from the JSON Schemas of openapi.yaml --------------------------------------


def _format_strategy(fmt: str | None) -> st.SearchStrategy[str]:
    if fmt == "uuid":
        return st.uuids().map(str)
    if fmt == "date-time":
        # What servers send: RFC 3339 with a "Z" or an offset, 0 to 9 fractional digits
        # (Java's Instant prints nanoseconds).
        return st.builds(
            lambda moment, digits, zone: (
                moment.strftime("%Y-%m-%dT%H:%M:%S")
                + (f".{moment.microsecond:06d}000"[: digits + 1] if digits else "")
                + zone
            ),
            st.datetimes(min_value=datetime.datetime(1970, 1, 1)),
            st.integers(0, 9),
            st.sampled_from(["Z", "+00:00", "-08:00", "+05:30"]),
        )
    return st.text(max_size=20)


# Strings a future server may use for a value the spec lists as an enum.
UNKNOWN_ENUM_VALUES = st.sampled_from(["archived", "queued", "district", "v3", ""]) | st.text(
    max_size=12
)


def from_json_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values ``schema`` allows (the subset openapi.yaml uses), with unknown keys and
    unknown enum values added, as a newer server would send them."""
    if "$ref" in schema:
        name = schema["$ref"].rpartition("/")[2]
        return st.deferred(lambda: from_json_schema(SCHEMAS[name]))
    if "anyOf" in schema:
        return st.one_of(*(from_json_schema(option) for option in schema["anyOf"]))
    if "allOf" in schema:  # the spec wraps a $ref in allOf to describe it: one member only
        [member] = schema["allOf"]
        return from_json_schema(member)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type", "object")
    if isinstance(kinds, list):
        return st.one_of(*(from_json_schema({**schema, "type": kind}) for kind in kinds))
    if kinds == "string":
        return _format_strategy(schema.get("format"))
    if kinds == "integer":
        return st.integers(-(2**31), 2**31)
    if kinds == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers(-1000, 1000)
    if kinds == "boolean":
        return st.booleans()
    if kinds == "null":
        return st.none()
    if kinds == "array":
        return st.lists(from_json_schema(schema.get("items", {})), max_size=3)
    assert kinds == "object", f"unknown type {kinds!r}"
    properties = {key: from_json_schema(sub) for key, sub in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    values = JSON_VALUES if extra is True else from_json_schema(extra) if extra else None
    known = st.fixed_dictionaries({}, optional=properties)  # the spec requires no property
    if values is None:
        return known
    unknown = st.dictionaries(UNKNOWN_KEY, values, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


EXCHANGE_JSON = from_json_schema({"$ref": "#/components/schemas/Exchange"}).filter(
    lambda value: isinstance(value, dict)
)


def _unknown_keys(value: Mapping[str, Any]) -> set[str]:
    return {key for key in value if key.startswith("x-unknown-")}


@PROPERTY_SETTINGS
@given(EXCHANGE_JSON, st.sampled_from(["state", "posted_by"]), UNKNOWN_ENUM_VALUES)
def test_any_exchange_shaped_json_parses(
    document: dict[str, Any], enum_field: str, unknown_value: str
) -> None:
    document = {**document, enum_field: unknown_value}
    exchange = Exchange.from_dict(document)

    assert getattr(exchange, enum_field) == unknown_value
    assert isinstance(getattr(exchange, enum_field), str)
    assert set(exchange.additional_properties) == _unknown_keys(document)
    if isinstance(document.get("query"), dict):
        query = exchange.query
        assert not isinstance(query, Unset)
        assert set(query.additional_properties) == _unknown_keys(document["query"])
        sources = document["query"].get("conditions", [])
        for condition, source in zip(query.conditions or [], sources, strict=True):
            assert set(condition.additional_properties) == _unknown_keys(source)
    for key in ("id", "created_at", "updated_at"):
        assert (key in document) == (not isinstance(getattr(exchange, key), Unset))

    page = ExchangesResponse.from_dict({"data": [document], "x-unknown-page": 1})
    assert page.data == [exchange]
    # What parsed serializes to what parses to the same model again.
    assert Exchange.from_dict(json.loads(json.dumps(exchange.to_dict()))) == exchange
