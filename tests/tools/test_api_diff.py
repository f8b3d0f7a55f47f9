"""tools/api_diff.py: the public-surface diff a reviewer reads when openapi.yaml changes.

Generated trees are shared per module (a generation takes about a second); the rule table is
tested on hand-built surfaces, which needs no generation at all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import api_diff
import codegen
import pytest
from api_diff import Change, EnumClass, Field, Model, Operation, Param, Surface

Spec = dict[str, Any]
WriteSpec = Callable[[Path, Callable[[Spec], None]], Path]


def _remove_count_exchanges(spec: Spec) -> None:
    del spec["paths"]["/exchanges/count"]


def _add_exchange_field(spec: Spec) -> None:
    spec["components"]["schemas"]["Exchange"]["properties"]["priority"] = {"type": "integer"}


def _remove_failed_state(spec: Spec) -> None:
    spec["components"]["schemas"]["ExchangeState"]["enum"].remove("failed")


VARIANTS = {
    "operation_removed": _remove_count_exchanges,
    "field_added": _add_exchange_field,
    "enum_value_removed": _remove_failed_state,
}


@pytest.fixture(scope="module")
def trees(
    generator: None, write_spec: WriteSpec, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """One generated package per spec variant, shared by the module's tests."""
    base = tmp_path_factory.mktemp("api-diff")
    return {
        name: codegen.generate(
            write_spec(base / f"{name}.yaml", mutate), base / name / codegen.PACKAGE
        )
        for name, mutate in VARIANTS.items()
    }


@pytest.fixture(scope="module")
def committed() -> Surface:
    return api_diff.load_surface(codegen.TARGET)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = api_diff.main(argv)
    return code, capsys.readouterr().out


# ---------------------------------------------------------------- on generated packages


def test_reads_the_committed_package(committed: Surface) -> None:
    assert len(committed.operations) == 19
    listing = committed.operations["exchanges.list_exchanges"]
    assert listing.route == "GET /exchanges"
    assert listing.params["page"] == Param("page", "int | Unset", False, "0", None)
    assert listing.params["state"].annotation == "ExchangeState | str | Unset"
    assert listing.returns == "Response[ErrorResponse | ExchangesResponse]"
    find = committed.operations["exchanges.find_exchange"]
    assert find.route == "GET /exchanges/{id}"
    assert find.params["id"] == Param("id", "UUID", True, None, 0)
    assert committed.operations["schedules.update_schedule"].method == "PATCH"
    exchange = committed.models["Exchange"]
    assert exchange.open
    assert exchange.fields["state"] == Field("state", "ExchangeState | str | Unset", False)
    context = committed.models["BatchExchangeContextDataRequest"]
    assert context.fields["course_ids"] == Field("course_ids", "list[str]", True)
    assert committed.enums["ExchangeState"].members["FAILED"] == "failed"
    assert "ExchangeState" not in committed.models


def test_removed_operation_is_breaking(
    trees: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, str(trees["operation_removed"]))
    assert code == 1
    assert "BREAKING  removed operation exchanges.count_exchanges: GET /exchanges/count" in out
    assert "1 breaking change, 0 other changes" in out


def test_allow_breaking_reports_but_exits_zero(
    trees: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, str(trees["operation_removed"]), "--allow-breaking")
    assert code == 0
    assert "BREAKING  removed operation exchanges.count_exchanges" in out


def test_added_field_is_a_non_breaking_addition(
    trees: dict[str, Path], committed: Surface, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = api_diff.compare(committed, api_diff.load_surface(trees["field_added"]))
    assert changes == [Change("added", "field", "Exchange.priority", "int | Unset", False)]
    code, out = _run(capsys, str(trees["field_added"]))
    assert code == 0
    assert "added field Exchange.priority: int | Unset" in out
    assert "BREAKING" not in out


def test_removed_enum_value_is_breaking(
    trees: dict[str, Path], committed: Surface, capsys: pytest.CaptureFixture[str]
) -> None:
    changes = api_diff.compare(committed, api_diff.load_surface(trees["enum_value_removed"]))
    assert changes == [Change("removed", "enum value", "ExchangeState.FAILED", "'failed'", True)]
    code, out = _run(capsys, str(trees["enum_value_removed"]))
    assert code == 1
    assert "BREAKING  removed enum value ExchangeState.FAILED: 'failed'" in out


def test_old_and_new_swap_roles(trees: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Diffing the other way round: the removed operation shows as added, not breaking."""
    code, out = _run(capsys, str(codegen.TARGET), "--old", str(trees["operation_removed"]))
    assert code == 0
    assert "added operation exchanges.count_exchanges: GET /exchanges/count" in out


def test_markdown_report_for_the_pull_request(
    trees: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(
        capsys, str(trees["operation_removed"]), "--format", "markdown", "--allow-breaking"
    )
    assert code == 0
    assert out.startswith("## Public API diff\n")
    assert "### Breaking changes" in out
    assert (
        "- :boom: **BREAKING** removed operation `exchanges.count_exchanges`: "
        "GET /exchanges/count\n" in out
    )
    assert "### Other changes" not in out


def test_script_from_the_command_line(trees: dict[str, Path]) -> None:
    """As nox runs it: a script, with the exit status the workflow acts on."""
    script = Path(api_diff.__file__)
    result = subprocess.run(
        [sys.executable, str(script), str(trees["operation_removed"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "removed operation exchanges.count_exchanges" in result.stdout


def test_spec_path_is_generated_and_compared(
    generator: None, write_spec: WriteSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(tmp_path / "new.yaml", _add_exchange_field)
    code, out = _run(capsys, str(spec))
    assert code == 0
    assert "added field Exchange.priority: int | Unset" in out


def test_defaults_compare_working_spec_with_committed_package(
    generator: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys)
    assert code == 0
    assert "no public API changes" in out


def test_git_revision_is_read_with_git_show(
    generator: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(capsys, "HEAD", "--format", "markdown")
    assert code == 0
    assert "`openapi.yaml at HEAD`" in out
    assert "No public API changes." in out


def test_unknown_source_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert api_diff.main(["no-such-file-or-revision"]) == 2
    assert "is not a spec file, a generated package or a git revision" in capsys.readouterr().err


# ---------------------------------------------------------------- the rules, on built surfaces

PAGE = Param("page", "int | Unset", False, "0", None)
ID = Param("id", "UUID", True, None, 0)
LISTING = Operation("exchanges.list", "GET", "/exchanges", {"id": ID, "page": PAGE}, "Response[A]")
STATE = EnumClass("State", {"CREATED": "created"})
MODEL = Model("Thing", {"name": Field("name", "str | Unset", False)}, True)
BASE = Surface({LISTING.name: LISTING}, {MODEL.name: MODEL}, {STATE.name: STATE})


def _with_param(param: Param) -> Surface:
    operation = replace(LISTING, params={**LISTING.params, param.name: param})
    return replace(BASE, operations={operation.name: operation})


def _with_operation(**changes: Any) -> Surface:
    return replace(BASE, operations={LISTING.name: replace(LISTING, **changes)})


def _with_field(field: Field) -> Surface:
    model = replace(MODEL, fields={**MODEL.fields, field.name: field})
    return replace(BASE, models={model.name: model})


RULES: list[tuple[str, Surface, str, bool]] = [
    ("param became required", _with_param(replace(PAGE, required=True, default=None)),
     "changed parameter exchanges.list(page): became required", True),
    ("param became required, losing Unset",
     _with_param(replace(PAGE, annotation="int", required=True, default=None)),
     "changed parameter exchanges.list(page): became required (type int | Unset -> int)", True),
    ("param became optional", _with_param(replace(ID, required=False, default="UNSET")),
     "changed parameter exchanges.list(id): became optional", False),
    ("new required param", _with_param(Param("size", "int", True, None, None)),
     "added parameter exchanges.list(size): int, required", True),
    ("new optional param", _with_param(Param("size", "int | Unset", False, "UNSET", None)),
     "added parameter exchanges.list(size): int | Unset, optional", False),
    ("param type changed", _with_param(replace(PAGE, annotation="str | Unset")),
     "changed parameter exchanges.list(page): type int | Unset -> str | Unset", True),
    ("param type widened", _with_param(replace(PAGE, annotation="int | str | Unset")),
     "changed parameter exchanges.list(page): type int | Unset -> int | str | Unset (widened)",
     False),
    ("param default changed", _with_param(replace(PAGE, default="1")),
     "changed parameter exchanges.list(page): default 0 -> 1", False),
    ("param became keyword", _with_param(replace(ID, position=None)),
     "changed parameter exchanges.list(id): positional #0 -> keyword", True),
    ("param removed", _with_operation(params={"page": PAGE}),
     "removed parameter exchanges.list(id): UUID, required", True),
    ("method changed", _with_operation(method="POST"),
     "changed operation exchanges.list: GET /exchanges -> POST /exchanges", True),
    ("path changed", _with_operation(path="/x"),
     "changed operation exchanges.list: GET /exchanges -> GET /x", True),
    ("return changed", _with_operation(returns="B"),
     "changed operation exchanges.list: returns Response[A] -> B", True),
    ("model removed", replace(BASE, models={}), "removed model Thing", True),
    ("field removed", replace(BASE, models={"Thing": replace(MODEL, fields={})}),
     "removed field Thing.name: str | Unset", True),
    ("new required field", _with_field(Field("size", "int", True)),
     "added field Thing.size: int, required", True),
    ("field became required", _with_field(Field("name", "str", True)),
     "changed field Thing.name: became required (type str | Unset -> str)", True),
    ("field type changed", _with_field(Field("name", "int | Unset", False)),
     "changed field Thing.name: type str | Unset -> int | Unset", True),
    ("model closed", replace(BASE, models={"Thing": replace(MODEL, open=False)}),
     "changed model Thing: no longer keeps unknown fields (additional_properties)", True),
    ("enum removed", replace(BASE, enums={}), "removed enum State", True),
    ("enum value added",
     replace(BASE, enums={"State": EnumClass("State", {"CREATED": "created", "GONE": "gone"})}),
     "added enum value State.GONE: 'gone'", False),
    ("enum value changed", replace(BASE, enums={"State": EnumClass("State", {"CREATED": "new"})}),
     "changed enum value State.CREATED: 'created' -> 'new'", True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("new", "description", "breaking"),
    [rule[1:] for rule in RULES],
    ids=[rule[0] for rule in RULES],
)
def test_rule(new: Surface, description: str, breaking: bool) -> None:
    changes = api_diff.compare(BASE, new)
    assert [(change.describe(), change.breaking) for change in changes] == [(description, breaking)]


def test_field_becoming_optional_is_breaking_for_readers() -> None:
    changes = api_diff.compare(_with_field(Field("name", "str", True)), BASE)
    assert [(change.describe(), change.breaking) for change in changes] == [
        ("changed field Thing.name: became optional (type str -> str | Unset)", True)
    ]


def test_equal_surfaces_have_no_changes() -> None:
    assert api_diff.compare(BASE, BASE) == []
    assert "no public API changes" in api_diff.render([], "a", "b")


def test_classes_in_a_tag_init_are_not_read(tmp_path: Path, committed: Surface) -> None:
    """Custom templates may put resource classes in ``api/<tag>/__init__.py``; they are built
    from the tag's operation modules, which are what is compared."""
    package = tmp_path / codegen.PACKAGE
    shutil.copytree(codegen.TARGET, package, ignore=shutil.ignore_patterns("__pycache__"))
    init = package / "api" / "exchanges" / "__init__.py"
    init.write_text(
        "import attrs\n\n\n@attrs.define\nclass Exchanges:\n    client: object\n\n"
        "    def find(self, id: str) -> object: ...\n\n\n"
        # Shaped like an operation module, so reading the file would show as a change.
        "def _get_kwargs() -> dict[str, str]:\n    return {'method': 'get', 'url': '/x'}\n\n\n"
        "def sync_detailed(*, client: object) -> None: ...\n",
        encoding="utf-8",
    )
    assert api_diff.compare(committed, api_diff.load_surface(package)) == []
