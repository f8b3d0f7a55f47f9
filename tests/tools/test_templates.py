"""The generator templates: our patch applies to the pinned generator's own, strictly, and what
they generate behaves as ``templates/README.md`` says."""

from __future__ import annotations

import datetime
import importlib.metadata
import inspect
import re
import uuid
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import template_diff  # from tools/, as conftest.py puts it on sys.path

from datasync_grades_api.models import (
    Exchange,
    ExchangeCondition,
    ExchangeQuery,
    ExchangeState,
    Metadata,
    Scope,
    SysFields,
)
from datasync_grades_api.models import exchange as exchange_module


def test_the_patch_applies_to_the_pinned_generator() -> None:
    assert importlib.metadata.version("openapi-python-client") == "0.29.1"
    assert template_diff.main(["check"]) == 0
    assert "model.py.jinja" in template_diff.parse(template_diff.PATCH.read_text())


def test_a_hunk_whose_context_changed_is_refused() -> None:
    hunks = template_diff.parse(template_diff.PATCH.read_text())["model.py.jinja"]
    upstream = (template_diff.UPSTREAM / "model.py.jinja").read_text()
    assert "_value2member_map_" not in upstream
    changed = upstream.replace("def to_dict(self)", "def to_dict(self, extra)", 1)
    with pytest.raises(template_diff.PatchError, match="does not match"):
        template_diff.apply(changed, hunks, "model.py.jinja")


def test_materialized_templates_are_ours_and_the_patched_copies(tmp_path: Path) -> None:
    made = template_diff.materialize(tmp_path / "templates")
    assert (made / "api_init.py.jinja").read_text() == (
        template_diff.TEMPLATES / "api_init.py.jinja"
    ).read_text()
    assert "datasync-grades" in (made / "model.py.jinja").read_text()
    assert not list(made.glob("*.patch"))


def test_edit_and_write_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(template_diff, "EDITING", tmp_path / "templates")
    monkeypatch.setattr(template_diff, "PATCH", tmp_path / "upstream.patch")
    (tmp_path / "upstream.patch").write_text(
        (template_diff.TEMPLATES / "upstream.patch").read_text()
    )
    assert template_diff.main(["edit"]) == 0
    assert template_diff.main(["write"]) == 0
    assert (tmp_path / "upstream.patch").read_text() == (
        template_diff.TEMPLATES / "upstream.patch"
    ).read_text()


def test_nested_models_are_imported_once_per_module() -> None:
    assert exchange_module.Metadata is Metadata
    assert "import" not in inspect.getsource(Exchange.from_dict)


def test_models_are_built_field_by_field() -> None:
    built = Exchange.from_dict({"state": "created", "error_count": 2, "course_app_id": "c"})
    assert built == Exchange(state=ExchangeState.CREATED, error_count=2, course_app_id="c")
    assert built.additional_properties == {}


@pytest.mark.parametrize(
    "document",
    [
        {"x-new": 1},  # only an unknown key
        {"state": "created", "x-new": 1},  # fewer keys than fields, one unknown
        {"id": str(uuid.uuid4()), "query": {}, "metadata": None, "error_count": 0, "x-new": 1},
    ],
)
def test_unknown_keys_are_found_whatever_the_count_of_fields(document: dict[str, Any]) -> None:
    # from_dict collects additional_properties only when len(src_dict) + absent fields exceeds
    # the number of fields; absent ones must be counted for every kind of field.
    assert Exchange.from_dict(document).additional_properties == {"x-new": 1}


def test_each_model_has_its_own_additional_properties() -> None:
    first, second = Exchange.from_dict({}), Exchange.from_dict({})
    first["x-new"] = 1
    assert second.additional_properties == {}


def test_uuids_are_parsed_once_and_refused_as_before() -> None:
    text = str(uuid.uuid4())
    first = SysFields.from_dict({"id": text}).id
    assert first == uuid.UUID(text)
    assert SysFields.from_dict({"id": text}).id is first  # immutable, so shared
    with pytest.raises(ValueError):
        SysFields.from_dict({"id": "nope"})


def test_what_from_dict_calls_is_bound_once_per_module() -> None:
    # Nested models' from_dict and enums' member maps are module-level names (measured faster);
    # they are the classes' own, so a patched or subclassed model is not silently bypassed.
    assert exchange_module._Metadata_from_dict == Metadata.from_dict  # same function and class
    assert exchange_module._ExchangeState_members is ExchangeState._value2member_map_
    assert "Metadata.from_dict" not in inspect.getsource(Exchange.from_dict)


def test_nested_models_and_enums_parse_through_the_bindings() -> None:
    query = Exchange.from_dict(
        {"query": {"conditions": [{"scope": "course"}, {"scope": "campus"}]}}
    ).query
    assert isinstance(query, ExchangeQuery) and isinstance(query.conditions, list)
    known, unknown = query.conditions
    assert isinstance(known, ExchangeCondition) and known.scope is Scope.COURSE
    assert isinstance(unknown, ExchangeCondition) and type(unknown.scope) is str
    with pytest.raises(TypeError, match=re.escape("scope: expected Scope | str, got int")):
        Exchange.from_dict({"query": {"conditions": [{"scope": 3}]}})
    with pytest.raises(TypeError, match="error_count: expected int, got bool"):
        Exchange.from_dict({"query": {}, "error_count": True})


def test_mappings_are_read_at_every_level() -> None:
    document = MappingProxyType(
        {"query": MappingProxyType({"type": "assignment_scores"}), "x-new": 1}
    )
    built = Exchange.from_dict(document)
    assert isinstance(built.query, ExchangeQuery) and built.query.type_ == "assignment_scores"
    assert built.additional_properties == {"x-new": 1}


def test_datetimes_are_parsed_and_refused_as_before() -> None:
    parsed = SysFields.from_dict({"created_at": "2025-07-04T21:46:15.529Z"}).created_at
    assert parsed == datetime.datetime(2025, 7, 4, 21, 46, 15, 529000, tzinfo=datetime.UTC)
    with pytest.raises(TypeError):
        SysFields.from_dict({"created_at": 1751665575})
    with pytest.raises(ValueError):
        SysFields.from_dict({"created_at": "yesterday"})
