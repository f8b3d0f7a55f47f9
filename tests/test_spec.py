"""openapi.yaml holds what issue 2 asks of it, and its lint can fail.

(a) the 19 operations; (b) their documented responses; (c) the docs' list example validates;
(d) every 2xx example validates; (e) Spectral and openapi-spec-validator reject broken copies;
(f) responses stay parseable when the server sends an unknown enum value or field.
Examples are validated with openapi-schema-validator's OAS31Validator, ``$ref``s resolved
against the whole spec through a ``referencing`` registry.
"""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import openapi_spec_validator
import pytest
import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = ROOT / "openapi.yaml"
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
SPEC_URI = "urn:datasync-grades:openapi.yaml"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Spec = dict[str, Any]

SPEC: Spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
REGISTRY: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(SPEC))

# Issue 2's table: tag, operationId, method, path.
OPERATIONS = [
    ("exchanges", "listExchanges", "get", "/exchanges"),
    ("exchanges", "createExchange", "post", "/exchanges"),
    ("exchanges", "countExchanges", "get", "/exchanges/count"),
    ("exchanges", "findExchange", "get", "/exchanges/{id}"),
    ("exchanges", "listExchangeErrors", "get", "/exchanges/{id}/errors"),
    ("exchanges", "createExchangeError", "post", "/exchanges/{id}/errors"),
    ("exchanges", "createExchangeData", "post", "/exchanges/{id}/data"),
    ("artifacts", "getExchangeDetails", "get", "/exchanges/{id}/artifacts/details"),
    ("artifacts", "getExchangeConsumerLogs", "get", "/exchanges/{id}/artifacts/consumerlogs"),
    ("consumer", "getConsumer", "get", "/consumer"),
    ("sections", "resolveSection", "get", "/sections/{id}/resolve"),
    ("batch_exchanges", "listBatchExchanges", "get", "/batch_exchanges"),
    ("batch_exchanges", "countBatchExchanges", "get", "/batch_exchanges/count"),
    (
        "batch_exchanges",
        "getBatchExchangeCourseIdsReport",
        "get",
        "/batch_exchanges/{id}/reports/course_ids",
    ),
    ("batch_exchanges", "createBatchExchangeError", "post", "/batch_exchanges/{id}/errors"),
    (
        "batch_exchanges",
        "createBatchExchangeContextData",
        "post",
        "/batch_exchanges/{id}/context_data",
    ),
    ("schedules", "listSchedules", "get", "/schedules"),
    ("schedules", "updateSchedule", "patch", "/schedules/{id}"),
    ("schedules", "runSchedule", "post", "/schedules/{id}/run"),
]

# The list example of the vendor's docs (shared/api-facts.md, "Example payload"), verbatim.
DOCS_LIST_EXAMPLE = json.loads(
    '{"data": [{"query": {"type": "assignment_scores", "conditions": [{"scope": "course", '
    '"scope_by": "id", "scope_id": {"name": "text", "$sys": {"id": '
    '"123e4567-e89b-12d3-a456-426614174000", "source_id": {"k": "text"}, "app_id": {"k": '
    '"text"}, "created_at": "2025-07-04T21:46:15.529Z", "updated_at": '
    '"2025-07-04T21:46:15.529Z"}}, "graded_after": "2025-07-04T21:46:15.529Z", '
    '"assignment_ids": ["text"], "summary_type": "final"}]}, "metadata": {}, "state": '
    '"created", "max_data_content_length": 1, "error_count": 1, "course_app_id": "text", '
    '"batch_exchange_id": "text"}]}'
)


# ---------------------------------------------------------------- helpers


def _pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def _lookup(ref: str, document: Spec = SPEC) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _resolve(node: Any, document: Spec = SPEC) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = _lookup(node["$ref"], document)
    return node


def _operations(document: Spec = SPEC) -> Iterator[tuple[str, str, Spec]]:
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _operation(operation_id: str) -> tuple[str, str, Spec]:
    for path, method, operation in _operations():
        if operation["operationId"] == operation_id:
            return path, method, operation
    raise AssertionError(f"no operation {operation_id}")


def _responses(operation: Spec) -> dict[str, Spec]:
    return {status: _resolve(response) for status, response in operation["responses"].items()}


def _validator(schema_pointer: str) -> OAS31Validator:
    """A validator for the schema at ``schema_pointer``, its $refs resolved in the whole spec."""
    return OAS31Validator(
        {"$ref": f"{SPEC_URI}#{schema_pointer}"},
        registry=REGISTRY,
        format_checker=oas31_format_checker,
    )


def _response_schema_pointer(path: str, method: str, status: str, media: str) -> str:
    response = SPEC["paths"][path][method]["responses"][status]
    base = (
        response["$ref"][1:]
        if "$ref" in response
        else _pointer("paths", path, method, "responses", status)
    )
    return base + _pointer("content", media, "schema")


def _examples(media: Spec) -> list[Any]:
    found = [media["example"]] if "example" in media else []
    found += [_resolve(example)["value"] for example in media.get("examples", {}).values()]
    return found


# ---------------------------------------------------------------- (a) operations


def test_all_19_operations_with_their_tags_methods_and_paths() -> None:
    present = sorted(
        (operation["tags"][0], operation["operationId"], method, path)
        for path, method, operation in _operations()
    )
    assert present == sorted(OPERATIONS)
    assert all(len(operation["tags"]) == 1 for _, _, operation in _operations())


# ---------------------------------------------------------------- (b) responses


@pytest.mark.parametrize("operation_id", [row[1] for row in OPERATIONS])
def test_documented_errors(operation_id: str) -> None:
    path, _, operation = _operation(operation_id)
    responses = _responses(operation)
    assert any(status.startswith("4") for status in responses), "no 4xx response"
    assert any(status.upper().startswith("5") for status in responses), "no 5xx response"
    if "{id}" in path:
        assert "404" in responses
    assert "429" in responses
    assert "Retry-After" in responses["429"].get("headers", {})
    assert _resolve(responses["429"]["headers"]["Retry-After"])["schema"]["type"] == "string"
    # One error body schema for every 4xx and 5xx.
    for status, response in responses.items():
        if status[0] in "45":
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, status


def test_run_schedule_conflict_and_rate_limit() -> None:
    responses = _responses(_operation("runSchedule")[2])
    assert {"204", "409", "429"} <= responses.keys()


@pytest.mark.parametrize("operation_id", ["getExchangeDetails", "getExchangeConsumerLogs"])
def test_artifacts_are_gzip_with_404(operation_id: str) -> None:
    responses = _responses(_operation(operation_id)[2])
    assert list(responses["200"]["content"]) == ["application/gzip"]
    schema = responses["200"]["content"]["application/gzip"]["schema"]
    assert schema == {"type": "string", "format": "binary"}
    assert "404" in responses


def test_course_ids_report_is_csv() -> None:
    responses = _responses(_operation("getBatchExchangeCourseIdsReport")[2])
    assert list(responses["200"]["content"]) == ["text/csv"]


@pytest.mark.parametrize("operation_id", ["countExchanges", "countBatchExchanges"])
def test_counts_are_bare_integers(operation_id: str) -> None:
    responses = _responses(_operation(operation_id)[2])
    assert _resolve(responses["200"]["content"]["application/json"]["schema"])["type"] == "integer"


# ---------------------------------------------------------------- (c) the docs' list example


def test_docs_list_example_validates_against_list_exchanges_200() -> None:
    validator = _validator(_response_schema_pointer("/exchanges", "get", "200", "application/json"))
    validator.validate(DOCS_LIST_EXAMPLE)


def test_the_validator_is_not_vacuous() -> None:
    """The same validator rejects the example once a documented type is broken."""
    validator = _validator(_response_schema_pointer("/exchanges", "get", "200", "application/json"))
    for field, bad in [("error_count", "one"), ("state", 5)]:
        broken = copy.deepcopy(DOCS_LIST_EXAMPLE)
        broken["data"][0][field] = bad
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)
    broken = copy.deepcopy(DOCS_LIST_EXAMPLE)
    broken["data"][0]["query"]["conditions"][0]["scope_id"]["$sys"]["id"] = "not-a-uuid"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


# ---------------------------------------------------------------- (d) examples


def _media_objects() -> Iterator[tuple[str, str, str, str, Spec]]:
    """(operationId, status, media type, schema pointer, media object) of every response."""
    for path, method, operation in _operations():
        for status, response in _responses(operation).items():
            for media_type, media in response.get("content", {}).items():
                pointer = _response_schema_pointer(path, method, status, media_type)
                yield operation["operationId"], status, media_type, pointer, media


def test_every_2xx_response_has_an_example() -> None:
    missing = [
        f"{operation_id} {status} {media_type}"
        for operation_id, status, media_type, _, media in _media_objects()
        if status.startswith("2") and not _examples(media)
    ]
    assert missing == []


def test_every_example_validates_against_its_schema() -> None:
    checked = 0
    for operation_id, status, media_type, pointer, media in _media_objects():
        for example in _examples(media):
            errors = [e.message for e in _validator(pointer).iter_errors(example)]
            assert errors == [], f"{operation_id} {status} {media_type}"
            checked += 1
    for path, method, operation in _operations():
        body = operation.get("requestBody", {})
        for media_type, media in _resolve(body).get("content", {}).items():
            pointer = _pointer("paths", path, method, "requestBody", "content", media_type)
            for example in _examples(media):
                errors = [e.message for e in _validator(f"{pointer}/schema").iter_errors(example)]
                assert errors == [], f"{operation['operationId']} request {media_type}"
                checked += 1
    assert checked >= 19


# ---------------------------------------------------------------- (e) the lint can fail


def _drop_4xx(spec: Spec) -> None:
    responses = spec["paths"]["/consumer"]["get"]["responses"]
    for status in [status for status in responses if status.startswith("4")]:
        del responses[status]


def _bad_example(spec: Spec) -> None:
    content = spec["paths"]["/exchanges"]["get"]["responses"]["200"]["content"]
    content["application/json"]["example"]["data"][0]["error_count"] = "many"


BROKEN: dict[str, tuple[Callable[[Spec], None], str]] = {
    "duplicate operationId": (
        lambda spec: spec["paths"]["/exchanges/count"]["get"].update(operationId="listExchanges"),
        "operation-operationId-unique",
    ),
    "invalid example": (_bad_example, "oas3-valid-media-example"),
    "operation without tags": (
        lambda spec: spec["paths"]["/consumer"]["get"].pop("tags"),
        "operation-tags",
    ),
    "camelCase property": (
        lambda spec: spec["components"]["schemas"]["Exchange"]["properties"].update(
            courseAppId={"type": "string"}
        ),
        "property-names-snake-case",
    ),
    "operation without 4xx": (_drop_4xx, "operation-has-4xx-response"),
}


def _write_copy(tmp_path: Path, mutate: Callable[[Spec], None]) -> Path:
    document = copy.deepcopy(SPEC)
    mutate(document)
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def spectral() -> Path:
    if not SPECTRAL.exists():
        pytest.fail(
            f"Spectral is not installed ({SPECTRAL.relative_to(ROOT)} is missing): run `npm ci` "
            "at the repository root (`nox -s tests` does)."
        )
    return SPECTRAL


def _lint(spectral: Path, spec: Path) -> tuple[int, list[dict[str, Any]]]:
    report = spec.with_suffix(".lint.json")
    result = subprocess.run(
        [
            str(spectral),
            "lint",
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--fail-severity=warn",
            "--format",
            "json",
            "--output",
            str(report),
            str(spec),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=spec.parent,
    )
    assert report.exists(), result.stderr
    results: list[dict[str, Any]] = json.loads(report.read_text(encoding="utf-8"))
    return result.returncode, results


def test_spectral_passes_the_real_spec(spectral: Path, tmp_path: Path) -> None:
    code, results = _lint(spectral, _write_copy(tmp_path, lambda spec: None))
    assert (code, results) == (0, [])


@pytest.mark.parametrize("broken", list(BROKEN))
def test_spectral_rejects_a_broken_copy(spectral: Path, tmp_path: Path, broken: str) -> None:
    mutate, rule = BROKEN[broken]
    code, results = _lint(spectral, _write_copy(tmp_path, mutate))
    assert code != 0
    # Severity 0 is "error"; only the broken rule fires, so the copy is broken in one way.
    assert {(result["code"], result["severity"]) for result in results} == {(rule, 0)}


def test_spec_validator_passes_the_real_spec() -> None:
    openapi_spec_validator.validate(copy.deepcopy(SPEC))


def test_spec_validator_rejects_a_structurally_broken_copy() -> None:
    broken = copy.deepcopy(SPEC)
    broken["components"]["parameters"]["Page"]["in"] = "body"  # not a 3.x location
    with pytest.raises(jsonschema.ValidationError):
        openapi_spec_validator.validate(broken)


# ---------------------------------------------------------------- (f) forward compatibility


def _enums_in_responses(document: Spec) -> tuple[set[str], list[str]]:
    """Enum schemas reachable from a response, and those reached without a plain-string
    alternative (a closed enum: the generated client would raise on a new value)."""
    reached: set[str] = set()
    closed: list[str] = []
    seen: set[tuple[str, bool]] = set()

    def visit(node: Any, where: str, open_: bool) -> None:
        if not isinstance(node, dict):
            return
        if "$ref" in node:
            if (node["$ref"], open_) not in seen:
                seen.add((node["$ref"], open_))
                visit(_lookup(node["$ref"], document), node["$ref"].rsplit("/", 1)[-1], open_)
            return
        if "enum" in node:
            reached.add(where)
            if not open_:
                closed.append(where)
        alternatives = node.get("anyOf", []) + node.get("oneOf", [])
        plain = any(
            _resolve(alt, document).get("type") == "string"
            and "enum" not in _resolve(alt, document)
            for alt in alternatives
        )
        for alternative in alternatives:
            visit(alternative, where, plain)
        for sub in node.get("allOf", []):
            visit(sub, where, False)
        for name, sub in node.get("properties", {}).items():
            visit(sub, f"{where}.{name}", False)
        for key in ("items", "additionalProperties"):
            visit(node.get(key), where, False)

    for _, _, operation in _operations(document):
        for response in operation["responses"].values():
            for media in _resolve(response, document).get("content", {}).values():
                visit(media.get("schema"), "response", False)
    return reached, closed


def test_every_enum_a_response_uses_is_wrapped_with_a_plain_string() -> None:
    reached, closed = _enums_in_responses(SPEC)
    assert closed == []
    # ScoreType is missing on purpose: only Summary uses it, and Summary is only sent.
    assert reached == {
        "ExchangeState",
        "PostedBy",
        "QueryType",
        "Scope",
        "ScopeBy",
        "SummaryType",
        "ExchangeErrorCode",
        "ErrorCode",  # error bodies' error.code
    }


def test_a_closed_enum_in_a_response_is_found() -> None:
    document = copy.deepcopy(SPEC)
    properties = document["components"]["schemas"]["Exchange"]["properties"]
    properties["state"] = {"$ref": "#/components/schemas/ExchangeState"}
    assert _enums_in_responses(document)[1] == ["ExchangeState"]


def test_generated_exchange_keeps_unknown_state_and_fields() -> None:
    from datasync_grades_api.models import Exchange, ExchangesResponse, ExchangeState

    exchange = Exchange.from_dict({"state": "archived", "brand_new": {"x": 1}})
    assert exchange.state == "archived"
    assert type(exchange.state) is str
    assert exchange.additional_properties == {"brand_new": {"x": 1}}
    assert exchange.to_dict() == {"state": "archived", "brand_new": {"x": 1}}
    assert Exchange.from_dict({"state": "created"}).state is ExchangeState.CREATED
    page = ExchangesResponse.from_dict(DOCS_LIST_EXAMPLE)
    assert isinstance(page.data, list)
    assert [item.state for item in page.data] == [ExchangeState.CREATED]
    assert [item.course_app_id for item in page.data] == ["text"]
