"""The generator templates: our patch applies to the pinned generator's own, strictly, and what
they generate behaves as ``templates/README.md`` says."""

from __future__ import annotations

import importlib.metadata
import inspect
from pathlib import Path

import pytest
import template_diff  # from tools/, as conftest.py puts it on sys.path

from datasync_grades_api.models import Exchange, ExchangeState, Metadata
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


def test_models_are_built_positionally_in_field_order() -> None:
    built = Exchange.from_dict({"state": "created", "error_count": 2, "course_app_id": "c"})
    assert built == Exchange(state=ExchangeState.CREATED, error_count=2, course_app_id="c")
