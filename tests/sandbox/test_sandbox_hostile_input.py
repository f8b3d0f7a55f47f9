"""Whatever a client sends, the sandbox answers the spec's JSON ErrorResponse, never an HTML
page or a traceback: bodies that are not UTF-8 or not JSON, too large, of the wrong media type,
nested garbage, malformed HTTP; HEAD and unknown methods; validation switched off."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jsonschema
import pytest

from datasync_grades_sandbox import Sandbox
from datasync_grades_sandbox._spec import load_spec

SandboxFactory = Callable[..., Sandbox]

SPEC = load_spec()
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _error_body_validator() -> jsonschema.Draft202012Validator:
    schema = dict(SPEC["components"]["schemas"]["ErrorResponse"])
    schema["$defs"] = SPEC["components"]["schemas"]
    text = json.dumps(schema).replace("#/components/schemas/", "#/$defs/")
    return jsonschema.Draft202012Validator(json.loads(text))


ERROR_BODY = _error_body_validator()


def _assert_error(reply: httpx.Response, status: int) -> dict[str, Any]:
    """``reply`` is a JSON ErrorResponse with ``status``; returns its ``error`` object."""
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/json", reply.text
    body = reply.json()
    ERROR_BODY.validate(body)
    assert body["error"]["status"] == status
    error: dict[str, Any] = body["error"]
    return error


def _body_operations(sandbox: Sandbox) -> Iterator[tuple[str, str, str]]:
    """(operationId, method, concrete path) of every operation that takes a body."""
    ids = {
        "exchanges": next(iter(sandbox.state.exchanges)),
        "batch_exchanges": next(iter(sandbox.state.batch_exchanges)),
        "schedules": next(iter(sandbox.state.schedules)),
    }
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation and "requestBody" in operation:
                concrete = path.replace("{id}", ids[path.split("/")[1]])
                yield operation["operationId"], method.upper(), concrete


@pytest.fixture
def body_operations(sandbox: Sandbox) -> list[tuple[str, str, str]]:
    sandbox.seed_exchanges(1)
    found = list(_body_operations(sandbox))
    assert len(found) == 7
    return found


BAD_BODIES = {
    "invalid-utf8": (b"\xff\xfe{", "not valid UTF-8"),
    "invalid-json": (b'{"query": ', "not valid JSON"),
    "nested-garbage": (b"[" * 200_000, "nested too deeply"),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_bad_json_body_is_a_400_on_every_operation_that_takes_one(
    sandbox: Sandbox,
    api: httpx.Client,
    body_operations: list[tuple[str, str, str]],
    name: str,
) -> None:
    content, message = BAD_BODIES[name]
    before = {k: (len(v.chunks), len(v.errors)) for k, v in sandbox.state.exchanges.items()}
    for operation_id, method, path in body_operations:
        reply = api.request(
            method, path, content=content, headers={"Content-Type": "application/json"}
        )
        assert message in _assert_error(reply, 400)["message"], operation_id
    after = {k: (len(v.chunks), len(v.errors)) for k, v in sandbox.state.exchanges.items()}
    assert after == before


async def test_invalid_utf8_async(sandbox: Sandbox, aapi: httpx.AsyncClient) -> None:
    reply = await aapi.post(
        "/exchanges", content=b"\xff", headers={"Content-Type": "application/json"}
    )
    assert "UTF-8" in _assert_error(reply, 400)["message"]
    assert sandbox.state.exchanges == {}


@pytest.mark.parametrize("validate", [True, False])
def test_a_body_over_the_limit_is_a_413_on_every_operation_that_takes_one(
    datasync_sandbox_factory: SandboxFactory, validate: bool
) -> None:
    sandbox = datasync_sandbox_factory(
        max_body_bytes=1000, validate_requests=validate, validate_responses=validate
    )
    [exchange_id] = sandbox.seed_exchanges(1, max_data_content_length=5000)
    huge = json.dumps({"metadata": {"x": "y" * 2000}}).encode()
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as api:
        for operation_id, method, path in _body_operations(sandbox):
            reply = api.request(
                method, path, content=huge, headers={"Content-Type": "application/json"}
            )
            assert "1000 bytes" in _assert_error(reply, 413)["message"], operation_id
        # Chunked, with no Content-Length to refuse up front: refused once it passes the cap.
        streamed = api.post(
            f"/exchanges/{exchange_id}/data",
            content=iter([huge[:600], huge[600:]]),
            headers={"Content-Type": "application/json"},
        )
        _assert_error(streamed, 413)
    assert sandbox.state.exchanges[exchange_id].chunks == []


def test_a_token_request_over_the_limit_is_a_json_413(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    sandbox = datasync_sandbox_factory(max_body_bytes=1000)
    reply = httpx.post(
        sandbox.token_url,
        content=b"grant_type=client_credentials&padding=" + b"x" * 5000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_error(reply, 413)
    assert sandbox.tokens_issued == 0


def test_operations_without_a_body_ignore_one(sandbox: Sandbox, api: httpx.Client) -> None:
    reply = api.request(
        "GET", "/exchanges", content=b"\xff" * 100, headers={"Content-Type": "text/plain"}
    )
    assert reply.status_code == 200, reply.text


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("text/plain", b'{"query": {}}'),
        ("application/x-www-form-urlencoded", b"query=x"),
        ("multipart/form-data; boundary=x", b"--x\r\n\r\nvalue\r\n--x--\r\n"),
        ("application/xml", b"<query/>"),
    ],
)
def test_a_wrong_content_type_is_a_400(
    sandbox: Sandbox, api: httpx.Client, content_type: str, content: bytes
) -> None:
    reply = api.post("/exchanges", content=content, headers={"Content-Type": content_type})
    _assert_error(reply, 400)
    assert sandbox.state.exchanges == {}


def _raw(sandbox: Sandbox, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes to the sandbox; (status, lower-case headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"NONSENSE\r\n\r\n",
        b"GET /v2/grades/consumer HTTP/9.9\r\n\r\n",
        b"GET /" + b"x" * 70_000 + b" HTTP/1.1\r\n\r\n",
    ],
    ids=["bad-request-line", "bad-version", "uri-too-long"],
)
def test_malformed_http_gets_a_json_error(sandbox: Sandbox, request_bytes: bytes) -> None:
    status, headers, body = _raw(sandbox, request_bytes)
    assert 400 <= status < 600
    assert headers["content-type"] == "application/json"
    document = json.loads(body)
    ERROR_BODY.validate(document)
    assert document["error"]["status"] == status


def test_head_is_405_and_allow_names_the_specs_methods(sandbox: Sandbox, api: httpx.Client) -> None:
    head = api.head("/exchanges")
    assert head.status_code == 405
    assert head.headers["allow"] == "GET, POST"
    assert head.content == b""
    delete = api.delete("/exchanges")
    assert _assert_error(delete, 405)["code"] == "method_not_allowed"
    assert delete.headers["allow"] == "GET, POST"
    assert api.put(f"/schedules/{UNKNOWN_ID}").headers["allow"] == "PATCH"
    assert api.head("/consumer").headers["allow"] == "GET"


def test_a_204_carries_no_content_type(sandbox: Sandbox, api: httpx.Client) -> None:
    schedule_id = next(s.id for s in sandbox.state.schedules.values() if s.enabled)
    reply = api.post(f"/schedules/{schedule_id}/run")
    assert (reply.status_code, reply.content) == (204, b"")
    assert "content-type" not in reply.headers


def test_paging_next_is_percent_encoded_and_keeps_the_filter(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    sandbox = datasync_sandbox_factory(send_paging_next=True)
    wanted = sandbox.seed_exchanges(3, course_app_id="a&b c+d=é")
    sandbox.seed_exchanges(2, course_app_id="a")
    with httpx.Client(headers={"Authorization": f"Bearer {sandbox.issue_token()}"}) as api:
        url: str | None = f"{sandbox.base_url}/exchanges"
        params: dict[str, Any] | None = {"course_app_id": "a&b c+d=é", "page_size": 1}
        seen: list[str] = []
        while url is not None:
            page = api.get(url, params=params).json()
            seen += [item["id"] for item in page["data"]]
            url, params = page["paging"]["next"], None
            if url is not None:
                assert parse_qs(urlsplit(url).query)["course_app_id"] == ["a&b c+d=é"]
    assert seen == wanted


# --- validation switched off: handlers refuse what they cannot use, never crash -----------

GARBAGE = [
    {"query": {"conditions": [[None, None]]}},
    {"query": {"conditions": [{"scope": "course", "scope_by": "id", "scope_id": "x"}]}},
    {"query": {"conditions": "all"}},
    {"query": []},
    {"query": None, "metadata": "m"},
    {"assignments": 5, "summaries": "s", "final": True},
    {"final": "yes"},
    {"code": 5, "details": ["x"]},
    {"code": None},
    {"course_ids": [1, 2]},
    {"enabled": "yes"},
    [None],
    "text",
    17,
    None,
]


@pytest.mark.parametrize("validate_responses", [False, True])
def test_without_request_validation_garbage_never_crashes_a_handler(
    datasync_sandbox_factory: SandboxFactory, validate_responses: bool
) -> None:
    """Handlers refuse with 400 what they cannot use and store the rest as sent. With
    response validation on, an answer echoing what the spec forbids is reported as
    ``sandbox_response_invalid``; a handler never fails (``sandbox_error``)."""
    sandbox = datasync_sandbox_factory(
        validate_requests=False, validate_responses=validate_responses
    )
    sandbox.seed_exchanges(1)
    statuses: list[int] = []
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as api:
        for operation_id, method, path in _body_operations(sandbox):
            for body in GARBAGE:
                reply = api.request(
                    method,
                    path,
                    content=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json"},
                )
                statuses.append(reply.status_code)
                if reply.status_code >= 400:
                    error = _assert_error(reply, reply.status_code)
                    expected = ["sandbox_response_invalid"] if validate_responses else []
                    assert reply.status_code < 500 or [error["code"]] == expected, (
                        operation_id,
                        body,
                        reply.text,
                    )
    assert {200, 400} <= set(statuses)
    assert (500 in statuses) is validate_responses
    assert len(sandbox.response_validation_errors) == statuses.count(500)
    sandbox.response_validation_errors.clear()


def test_without_request_validation_the_issues_example_is_stored_or_reported(
    datasync_sandbox_factory: SandboxFactory,
) -> None:
    body = {"query": {"conditions": [[None, None]]}}
    permissive = datasync_sandbox_factory(validate_requests=False, validate_responses=False)
    reply = httpx.post(
        f"{permissive.base_url}/exchanges",
        json=body,
        headers={"Authorization": f"Bearer {permissive.issue_token()}"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["data"]["query"] == body["query"]
    assert "course_app_id" not in reply.json()["data"]

    checked = datasync_sandbox_factory(validate_requests=False)
    reply = httpx.post(
        f"{checked.base_url}/exchanges",
        json=body,
        headers={"Authorization": f"Bearer {checked.issue_token()}"},
    )
    error = _assert_error(reply, 500)
    assert error["code"] == "sandbox_response_invalid"
    assert "$.data.query.conditions[0]" in error["message"]
    [recorded] = checked.response_validation_errors
    assert recorded.startswith("createExchange 200")
    checked.response_validation_errors.clear()
    [stored] = checked.state.exchanges.values()
    assert stored.query == body["query"]


# --- empty query values: the spec and openapi-core say the same ----------------------------


def _string_query_parameters() -> Iterator[tuple[str, str, str]]:
    for path, item in SPEC["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            for parameter in map(_resolve, operation.get("parameters", [])):
                if parameter["in"] == "query" and "integer" not in json.dumps(parameter["schema"]):
                    yield operation["operationId"], path, parameter["name"]


STRING_QUERY_PARAMETERS = list(_string_query_parameters())


def _schema_of(operation_id: str, name: str) -> Any:
    for item in SPEC["paths"].values():
        for method in METHODS:
            operation = item.get(method)
            if operation and operation["operationId"] == operation_id:
                for parameter in map(_resolve, operation["parameters"]):
                    if parameter["name"] == name:
                        return parameter["schema"]
    raise AssertionError((operation_id, name))


def test_every_string_query_parameter_is_checked() -> None:
    names = {name for _, _, name in STRING_QUERY_PARAMETERS}
    assert names == {"course_app_id", "state", "posted_by", "search"}


@pytest.mark.parametrize(
    ("operation_id", "path", "name"),
    STRING_QUERY_PARAMETERS,
    ids=[f"{op}-{name}" for op, _, name in STRING_QUERY_PARAMETERS],
)
def test_an_empty_query_value_is_refused_by_the_spec_and_the_sandbox(
    sandbox: Sandbox, api: httpx.Client, operation_id: str, path: str, name: str
) -> None:
    schema = {
        **_schema_of(operation_id, name),
        "$defs": SPEC["components"]["schemas"],
    }
    validator = jsonschema.Draft202012Validator(
        json.loads(json.dumps(schema).replace("#/components/schemas/", "#/$defs/"))
    )
    assert not validator.is_valid(""), f"the spec allows an empty {name}"
    assert validator.is_valid("x")
    reply = api.get(path.replace("{id}", UNKNOWN_ID), params={name: ""})
    assert name in _assert_error(reply, 400)["message"]


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "127.0.0.1", "localhost"]
)
def test_loopback_host_names_are_served(sandbox: Sandbox, api: httpx.Client, host: str) -> None:
    reply = api.get("/consumer", headers={"Host": host.format(port=sandbox.port)})
    assert reply.status_code == 200, reply.text


FOREIGN_HOSTS = [
    "rebound.example:{port}",  # DNS rebinding: a page's own name, pointed at 127.0.0.1
    "rebound.example",
    "127.0.0.1.nip.io:{port}",
    "localhost.rebound.example:{port}",
    "127.0.0.1:{other_port}",
    "127.0.0.1:{port}@rebound.example",
    "",
]


@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_a_foreign_host_gets_a_json_421_before_anything_else(
    sandbox: Sandbox, api: httpx.Client, host: str
) -> None:
    # The sandbox's credentials are well known: a page that rebinds its name to 127.0.0.1
    # could otherwise read and change it from the user's browser.
    value = host.format(port=sandbox.port, other_port=sandbox.port % 60000 + 1)
    reply = api.get("/consumer", headers={"Host": value})
    assert _assert_error(reply, 421)["code"] == "misdirected_request"
    issued = sandbox.tokens_issued
    token = httpx.post(
        sandbox.token_url,
        headers={"Host": value},
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
    )
    _assert_error(token, 421)
    assert sandbox.tokens_issued == issued
    created = api.post("/exchanges", json={"query": {}}, headers={"Host": value})
    _assert_error(created, 421)
    assert sandbox.state.exchanges == {}


async def test_a_foreign_host_gets_a_json_421_async(
    sandbox: Sandbox, aapi: httpx.AsyncClient
) -> None:
    reply = await aapi.get("/consumer", headers={"Host": f"rebound.example:{sandbox.port}"})
    _assert_error(reply, 421)
    assert (await aapi.get("/consumer")).status_code == 200


def test_a_request_without_host_comes_from_no_browser_and_is_served(
    sandbox: Sandbox, token: str
) -> None:
    status, _, _ = _raw(
        sandbox,
        f"GET /v2/grades/consumer HTTP/1.0\r\nAuthorization: Bearer {token}\r\n\r\n".encode(),
    )
    assert status == 200
