"""The custom generator templates: their diff against the pinned generator is recorded, and
what they generate behaves as ``templates/README.md`` says."""

from __future__ import annotations

import importlib.metadata
import inspect
import uuid

import pytest
import template_diff  # from tools/, as conftest.py puts it on sys.path
from hypothesis import given
from hypothesis import strategies as st

from datasync_grades_api.api.exchanges import find_exchange, list_exchanges
from datasync_grades_api.models import Exchange, ExchangeState, Metadata
from datasync_grades_api.models import exchange as exchange_module
from datasync_grades_api.types import UNSET, parse_uuid


def test_the_recorded_diff_is_current() -> None:
    assert importlib.metadata.version("openapi-python-client") == "0.29.1"
    assert template_diff.main(["check"]) == 0
    assert "templates/model.py.jinja" in template_diff.upstream_diff()


def test_only_copies_of_upstream_templates_are_diffed() -> None:
    names = template_diff.overridden()
    assert "model.py.jinja" in names
    assert "api_init.py.jinja" not in names


def test_nested_models_are_imported_once_per_module() -> None:
    assert exchange_module.Metadata is Metadata
    assert "import" not in inspect.getsource(Exchange.from_dict)


def test_models_are_built_positionally_in_field_order() -> None:
    built = Exchange.from_dict({"state": "created", "error_count": 2, "course_app_id": "c"})
    assert built == Exchange(state=ExchangeState.CREATED, error_count=2, course_app_id="c")


@pytest.mark.parametrize(
    ("kwargs", "params"),
    [({}, None), ({"course_app_id": "c"}, {"course_app_id": "c"})],
)
def test_params_are_passed_only_when_there_are_some(
    kwargs: dict[str, str], params: dict[str, str] | None
) -> None:
    assert find_exchange._get_kwargs(uuid.UUID(int=1), **kwargs).get("params") == params
    assert list_exchanges._get_kwargs(page=UNSET, **kwargs).get("params") == params


@given(
    st.uuids().map(str)
    | st.uuids().map(lambda u: u.hex)
    | st.uuids().map(lambda u: "{" + str(u).upper() + "}")
    | st.uuids().map(lambda u: f"urn:uuid:{u}")
    | st.text(alphabet="0123456789abcdefABCDEF-_+ {}:xg", max_size=40)
)
def test_parse_uuid_is_uuid(value: str) -> None:
    try:
        expected: uuid.UUID | type[Exception] = uuid.UUID(value)
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError):
            parse_uuid(value)
    else:
        parsed = parse_uuid(value)
        assert (parsed, parsed.int, parsed.is_safe, hash(parsed)) == (
            expected,
            expected.int,  # type: ignore[union-attr]
            expected.is_safe,  # type: ignore[union-attr]
            hash(expected),
        )
