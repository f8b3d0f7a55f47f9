"""The custom generator templates: their diff against the pinned generator is recorded, and
what they generate behaves as ``templates/README.md`` says."""

from __future__ import annotations

import importlib.metadata
import inspect
import uuid

import pytest
import template_diff  # from tools/, as conftest.py puts it on sys.path

from datasync_grades_api.api.exchanges import find_exchange, list_exchanges
from datasync_grades_api.models import Exchange, ExchangeState, Metadata
from datasync_grades_api.models import exchange as exchange_module
from datasync_grades_api.types import UNSET


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
