"""Requests and responses are checked against openapi.yaml by openapi-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from datasync_grades_sandbox import Sandbox
from datasync_grades_sandbox._spec import load_spec, operations


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "message"),
    [
        ("GET", "/exchanges", {"params": {"page": -1}}, "-1 is less than the minimum of 0"),
        ("GET", "/exchanges", {"params": {"page_size": "abc"}}, "abc"),
        ("GET", "/exchanges", {"params": {"page_size": 0}}, "0 is less than the minimum of 1"),
        ("GET", "/exchanges/not-a-uuid", {}, "id"),
        (
            "POST",
            "/exchanges",
            {"json": {"query": {"conditions": "all"}}},
            "'all' is not of type 'array'",
        ),
        ("POST", "/exchanges", {"json": {"query": {"type": 5}}}, "5 is not valid"),
        (
            "POST",
            "/exchanges",
            {"content": b"{}", "headers": {"Content-Type": "text/plain"}},
            "text/plain",
        ),
    ],
    ids=[
        "negative-page",
        "string-page-size",
        "zero-page-size",
        "bad-uuid",
        "wrong-type",
        "bad-enum",
        "media-type",
    ],
)
def test_non_conforming_request_is_400_with_the_validators_message(
    sandbox: Sandbox,
    api: httpx.Client,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    reply = api.request(method, path, **kwargs)
    assert reply.status_code == 400, reply.text
    error = reply.json()["error"]
    assert error["status"] == 400
    assert message in error["message"]
    assert sandbox.state.exchanges == {}


def test_wrong_data_chunk_types_are_400(sandbox: Sandbox, api: httpx.Client) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    reply = api.post(f"/exchanges/{exchange_id}/data", json={"final": "yes", "assignments": {}})
    assert reply.status_code == 400
    assert "'yes' is not of type 'boolean'" in reply.json()["error"]["message"]
    assert sandbox.state.exchanges[exchange_id].chunks == []


def test_update_schedule_with_extra_field_reports_additional_properties(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    schedule_id = next(iter(sandbox.state.schedules))
    reply = api.patch(f"/schedules/{schedule_id}", json={"enabled": True, "cron": "* * * * *"})
    assert "Additional properties are not allowed" in reply.json()["error"]["message"]


def test_without_request_validation_the_handlers_still_refuse_bad_input(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sandbox = datasync_sandbox_factory(validate_requests=False, validate_responses=False)
    schedule_id = next(iter(sandbox.state.schedules))
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as api:
        assert api.get("/exchanges", params={"page": -1}).status_code == 400
        assert api.get("/exchanges", params={"page_size": "abc"}).status_code == 400
        assert api.patch(f"/schedules/{schedule_id}", json={"name": "x"}).status_code == 400
        assert (
            api.post(
                "/exchanges", content=b"{nope", headers={"Content-Type": "application/json"}
            ).status_code
            == 400
        )
        assert api.get("/exchanges").status_code == 200


def test_a_response_breaking_the_spec_is_a_500_and_recorded(
    datasync_sandbox: Sandbox,
) -> None:
    sandbox = datasync_sandbox
    [exchange_id] = sandbox.seed_exchanges(1)
    sandbox.state.exchanges[exchange_id].max_data_content_length = "lots"  # type: ignore[assignment]
    reply = httpx.get(
        f"{sandbox.base_url}/exchanges/{exchange_id}",
        headers={"Authorization": f"Bearer {sandbox.issue_token()}"},
    )
    assert reply.status_code == 500
    assert "'lots' is not of type 'integer'" in reply.json()["error"]["message"]
    [recorded] = sandbox.response_validation_errors
    assert recorded.startswith("findExchange 200")
    sandbox.update_settings(validate_responses=False)
    assert (
        httpx.get(
            f"{sandbox.base_url}/exchanges/{exchange_id}",
            headers={"Authorization": f"Bearer {sandbox.issue_token()}"},
        ).status_code
        == 200
    )
    sandbox.reset()
    assert sandbox.response_validation_errors == []


def test_every_operation_of_the_spec_is_routed(sandbox: Sandbox, api: httpx.Client) -> None:
    """No spec operation falls through to the 404/405 of unknown paths."""
    for op in operations(load_spec()):
        path = op.path.replace("{id}", "00000000-0000-4000-8000-000000000000")
        reply = api.request(
            op.method, path, json={"enabled": True} if op.method == "PATCH" else None
        )
        assert reply.status_code not in (405, 500), (op, reply.text)
        if reply.status_code == 404:
            assert reply.json()["error"]["code"] == "not_found"
            assert "No such path" not in reply.json()["error"]["message"], op
