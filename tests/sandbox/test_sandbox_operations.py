"""Consumer, sections, batch exchanges and schedules over HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import httpx
import pytest

from datasync_grades_sandbox import Sandbox

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def test_consumer(sandbox: Sandbox, api: httpx.Client) -> None:
    consumer = api.get("/consumer").json()["data"]
    assert consumer == sandbox.state.consumer
    assert consumer["type"] == "sis"
    sandbox.state.consumer = None
    unconfigured = api.get("/consumer")
    assert unconfigured.status_code == 400
    assert unconfigured.json()["error"]["code"] == "consumer_not_configured"


def test_resolve_section(sandbox: Sandbox, api: httpx.Client) -> None:
    section_id, consumer_id = next(iter(sandbox.state.sections.items()))
    assert api.get(f"/sections/{section_id}/resolve").json()["data"] == {
        "id": section_id,
        "consumer_id": consumer_id,
    }
    assert api.get(f"/sections/{UNKNOWN_ID}/resolve").status_code == 404


def test_batch_exchanges_list_and_count(sandbox: Sandbox, api: httpx.Client) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    sandbox.seed_exchanges(2, batch_exchange_id=batch_id)
    listed = api.get("/batch_exchanges").json()["data"]
    assert [b["id"] for b in listed] == list(sandbox.state.batch_exchanges)
    assert listed[0]["exchange_count"] == 2
    assert api.get("/batch_exchanges/count").json() == len(listed) == 2
    page = api.get("/batch_exchanges", params={"page": 1, "page_size": 1}).json()["data"]
    assert [b["id"] for b in page] == [listed[1]["id"]]


def _report(api: httpx.Client, batch_id: str) -> str:
    reply = api.get(f"/batch_exchanges/{batch_id}/reports/course_ids")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    return reply.text


def test_course_ids_report_is_crlf_csv_and_grows_with_context_data(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    assert _report(api, batch_id) == "course_id\r\n1001\r\n1002\r\n1003\r\n"
    added = api.post(
        f"/batch_exchanges/{batch_id}/context_data", json={"course_ids": ["1003", "40,04"]}
    )
    assert added.status_code == 200, added.text
    assert added.json()["data"]["course_ids"] == ["1003", "40,04"]
    rows = list(csv.reader(io.StringIO(_report(api, batch_id))))
    assert rows == [["course_id"], ["1001"], ["1002"], ["1003"], ["40,04"]]
    assert api.get(f"/batch_exchanges/{UNKNOWN_ID}/reports/course_ids").status_code == 404


def test_context_data_requires_course_ids(sandbox: Sandbox, api: httpx.Client) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    reply = api.post(f"/batch_exchanges/{batch_id}/context_data", json={})
    assert reply.status_code == 400
    assert "course_ids" in reply.json()["error"]["message"]


def test_batch_exchange_error(sandbox: Sandbox, api: httpx.Client) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    reply = api.post(
        f"/batch_exchanges/{batch_id}/errors",
        json={"code": "producer_failure", "details": "the SIS was unreachable"},
    )
    assert reply.status_code == 200
    assert reply.json()["data"]["message"] == "The producer failed"
    assert sandbox.state.batch_exchanges[batch_id].state == "failed"
    assert api.post(f"/batch_exchanges/{UNKNOWN_ID}/errors", json={}).status_code == 404


def test_schedules_list_and_update_enabled_only(sandbox: Sandbox, api: httpx.Client) -> None:
    schedules = api.get("/schedules").json()["data"]
    assert len(schedules) == 3
    assert all(s["last_run_at"] is None for s in schedules)
    schedule_id = schedules[0]["id"]
    updated = api.patch(f"/schedules/{schedule_id}", json={"enabled": False})
    assert updated.status_code == 200
    assert updated.json()["data"]["enabled"] is False
    assert sandbox.state.schedules[schedule_id].enabled is False
    renamed = api.patch(f"/schedules/{schedule_id}", json={"enabled": True, "name": "x"})
    assert renamed.status_code == 400
    assert sandbox.state.schedules[schedule_id].name != "x"
    assert api.patch(f"/schedules/{UNKNOWN_ID}", json={"enabled": True}).status_code == 404


async def test_schedules_async(sandbox: Sandbox, aapi: httpx.AsyncClient) -> None:
    schedule_id = next(iter(sandbox.state.schedules))
    assert (await aapi.post(f"/schedules/{schedule_id}/run", json={})).status_code == 204
    listed = (await aapi.get("/schedules")).json()["data"]
    assert listed[0]["last_run_at"] is not None


def _enabled_schedule(sandbox: Sandbox) -> str:
    return next(s.id for s in sandbox.state.schedules.values() if s.enabled)


def test_run_schedule_409_while_running_then_429_then_204(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sandbox = datasync_sandbox_factory(schedule_run_seconds=5, schedule_min_interval=60)
    schedule_id = _enabled_schedule(sandbox)
    url = f"{sandbox.base_url}/schedules/{schedule_id}/run"
    with httpx.Client(headers={"Authorization": f"Bearer {sandbox.issue_token()}"}) as api:
        first = api.post(url)
        assert (first.status_code, first.content) == (204, b"")
        running = api.post(url, json=None)
        assert running.status_code == 409
        assert running.json()["error"]["code"] == "run_in_progress"
        sandbox.advance_clock(10)
        throttled = api.post(url)
        assert throttled.status_code == 429
        assert throttled.headers["retry-after"] == "50"
        sandbox.advance_clock(50)
        assert api.post(url).status_code == 204
    assert len(sandbox.state.schedules[schedule_id].runs) == 2
    assert sandbox.response_validation_errors == []


def test_run_schedule_disabled_or_unknown(sandbox: Sandbox, api: httpx.Client) -> None:
    disabled = next(s.id for s in sandbox.state.schedules.values() if not s.enabled)
    reply = api.post(f"/schedules/{disabled}/run")
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "schedule_disabled"
    assert api.post(f"/schedules/{UNKNOWN_ID}/run").status_code == 404


@pytest.mark.parametrize("body", [b"[1]", b'"run"'])
def test_run_schedule_rejects_a_non_object_body(
    sandbox: Sandbox, api: httpx.Client, body: bytes
) -> None:
    schedule_id = _enabled_schedule(sandbox)
    reply = api.post(
        f"/schedules/{schedule_id}/run", content=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 400
    assert sandbox.state.schedules[schedule_id].runs == []


def test_unknown_path_and_method(sandbox: Sandbox, api: httpx.Client) -> None:
    assert api.get("/nothing-here").status_code == 404
    assert httpx.get(f"{sandbox.origin}/elsewhere").status_code == 404
    wrong_method = api.delete("/exchanges")
    assert wrong_method.status_code == 405
    assert "GET" in wrong_method.headers["allow"]
