"""Exchanges over HTTP: listing, paging, filters, counts, data chunks, errors, artifacts."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from datasync_grades_sandbox import Sandbox

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _ids(reply: httpx.Response) -> list[str]:
    assert reply.status_code == 200, reply.text
    return [item["id"] for item in reply.json()["data"]]


def test_create_then_find_and_list(sandbox: Sandbox, api: httpx.Client) -> None:
    query = {
        "type": "assignment_scores",
        "conditions": [{"scope": "course", "scope_by": "id", "scope_id": {"name": "COURSE-9"}}],
    }
    created = api.post("/exchanges", json={"query": query, "metadata": {"k": "v"}})
    assert created.status_code == 200, created.text
    exchange = created.json()["data"]
    assert exchange["state"] == "created"
    assert exchange["course_app_id"] == "COURSE-9"
    assert exchange["posted_by"] == "user"
    assert exchange["error_count"] == 0
    assert exchange["max_data_content_length"] == 1_048_576
    found = api.get(f"/exchanges/{exchange['id']}").json()["data"]
    assert found == exchange
    assert _ids(api.get("/exchanges")) == [exchange["id"]]
    assert sandbox.state.exchanges[exchange["id"]].metadata == {"k": "v"}


async def test_create_and_find_async(aapi: httpx.AsyncClient) -> None:
    created = await aapi.post("/exchanges", json={"query": {"type": "summary"}, "metadata": None})
    assert created.status_code == 200
    exchange_id = created.json()["data"]["id"]
    found = await aapi.get(f"/exchanges/{exchange_id}")
    assert found.json()["data"]["query"] == {"type": "summary"}
    assert (await aapi.get("/exchanges/count")).json() == 1


def test_pages_from_zero_cover_the_list_once_and_match_the_count(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    seeded = sandbox.seed_exchanges(7)
    pages = [_ids(api.get("/exchanges", params={"page": n, "page_size": 3})) for n in range(4)]
    assert [len(p) for p in pages] == [3, 3, 1, 0]
    assert [i for page in pages for i in page] == seeded
    assert api.get("/exchanges/count").json() == 7
    assert "paging" not in api.get("/exchanges").json()


def test_page_size_defaults_to_and_is_capped_at_the_maximum(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sandbox = datasync_sandbox_factory(max_page_size=4)
    sandbox.seed_exchanges(6)
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {sandbox.issue_token()}"}
    ) as api:
        assert len(_ids(api.get("/exchanges"))) == 4
        assert len(_ids(api.get("/exchanges", params={"page_size": 50}))) == 4
        assert len(_ids(api.get("/exchanges", params={"page": 1}))) == 2
    assert sandbox.response_validation_errors == []


def test_paging_next_when_asked_for(datasync_sandbox_factory: Callable[..., Sandbox]) -> None:
    sandbox = datasync_sandbox_factory(send_paging_next=True)
    sandbox.seed_exchanges(3, state="completed")
    sandbox.seed_exchanges(2)
    with httpx.Client(headers={"Authorization": f"Bearer {sandbox.issue_token()}"}) as api:
        first = api.get(
            f"{sandbox.base_url}/exchanges", params={"state": "completed", "page_size": 2}
        ).json()
        assert len(first["data"]) == 2
        second = api.get(first["paging"]["next"]).json()
        assert [e["state"] for e in second["data"]] == ["completed"]
        assert second["paging"]["next"] is None
    assert sandbox.response_validation_errors == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "completed"}, 2),
        ({"state": "failed"}, 1),
        ({"course_app_id": "C1"}, 3),
        ({"course_app_id": "C1", "state": "created"}, 1),
        ({"posted_by": "user"}, 1),
        ({"posted_by": "schedule"}, 4),
        ({"state": "some-future-state"}, 0),
    ],
)
def test_filters_apply_to_list_and_count_alike(
    sandbox: Sandbox, api: httpx.Client, params: dict[str, str], expected: int
) -> None:
    sandbox.seed_exchanges(2, state="completed", course_app_id="C1")
    sandbox.seed_exchanges(1, state="failed")
    sandbox.seed_exchanges(1, course_app_id="C1")
    sandbox.seed_exchanges(1, posted_by="user", course_app_id="C2")
    listed = _ids(api.get("/exchanges", params=params))
    assert len(listed) == expected
    assert api.get("/exchanges/count", params=params).json() == expected
    for exchange_id in listed:
        record = sandbox.state.exchanges[exchange_id]
        assert all(getattr(record, name) == value for name, value in params.items())


def test_unknown_or_mismatched_exchange_is_404(sandbox: Sandbox, api: httpx.Client) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, course_app_id="C1")
    for path in ("", "/errors", "/artifacts/details", "/artifacts/consumerlogs"):
        missing = api.get(f"/exchanges/{UNKNOWN_ID}{path}")
        assert missing.status_code == 404
        assert missing.json()["error"]["status"] == 404
    assert api.get(f"/exchanges/{exchange_id}", params={"course_app_id": "C1"}).status_code == 200
    assert api.get(f"/exchanges/{exchange_id}", params={"course_app_id": "C2"}).status_code == 404
    assert api.post(f"/exchanges/{UNKNOWN_ID}/data", json={"final": True}).status_code == 404
    assert api.post(f"/exchanges/{UNKNOWN_ID}/errors", json={"code": "x"}).status_code == 404


ASSIGNMENT = {
    "$sys": {"id": "5a0d3c2b-1e4f-4a6b-9c8d-7e6f5a4b3c2d"},
    "name": "Essay 1",
    "points_possible": 10,
    "scores": [{"$person": {"$sys": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}, "score": 9.5}],
}
SUMMARY = {"summary_type": "final", "score_type": "percentage", "score": 91.5, "grade": "A-"}


def _artifact(api: httpx.Client, exchange_id: str, name: str) -> Any:
    reply = api.get(f"/exchanges/{exchange_id}/artifacts/{name}")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/gzip"
    assert reply.content[:2] == b"\x1f\x8b"
    return json.loads(gzip.decompress(reply.content))


def test_chunks_complete_an_exchange_and_produce_artifacts(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    first = api.post(f"/exchanges/{exchange_id}/data", json={"assignments": [ASSIGNMENT]})
    assert first.status_code == 200, first.text
    assert set(first.json()["data"]) == {"id", "created_at", "updated_at"}
    assert api.get(f"/exchanges/{exchange_id}").json()["data"]["state"] == "processing"
    assert api.get(f"/exchanges/{exchange_id}/artifacts/details").status_code == 404
    last = api.post(f"/exchanges/{exchange_id}/data", json={"summaries": [SUMMARY], "final": True})
    assert last.status_code == 200
    record = sandbox.state.exchanges[exchange_id]
    assert [chunk.final for chunk in record.chunks] == [False, True]
    assert record.chunks[0].body == {"assignments": [ASSIGNMENT]}
    assert api.get(f"/exchanges/{exchange_id}").json()["data"]["state"] == "completed"

    details = _artifact(api, exchange_id, "details")
    assert details["exchange_id"] == exchange_id
    assert details["chunks"] == 2
    assert details["assignments"] == [ASSIGNMENT]
    assert details["summaries"] == [SUMMARY]
    logs = _artifact(api, exchange_id, "consumerlogs")
    assert logs["exchange_id"] == exchange_id
    assert "1 assignments and 1 summaries" in logs["entries"][-1]["message"]

    late = api.post(f"/exchanges/{exchange_id}/data", json={"final": True})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "exchange_closed"
    assert len(record.chunks) == 2


def test_a_chunk_over_the_limit_is_413_and_not_stored(sandbox: Sandbox, api: httpx.Client) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, max_data_content_length=200)
    body = json.dumps({"assignments": [ASSIGNMENT] * 3, "final": False}).encode()
    assert len(body) > 200
    reply = api.post(
        f"/exchanges/{exchange_id}/data", content=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status_code == 413
    assert "200" in reply.json()["error"]["message"]
    assert sandbox.state.exchanges[exchange_id].chunks == []
    small = api.post(f"/exchanges/{exchange_id}/data", json={"final": True})
    assert small.status_code == 200


def test_reported_error_fails_the_exchange(sandbox: Sandbox, api: httpx.Client) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    reply = api.post(
        f"/exchanges/{exchange_id}/errors",
        json={"code": "query_type_not_supported", "details": "summary queries are not supported"},
    )
    assert reply.status_code == 200, reply.text
    error = reply.json()["data"]
    assert error["code"] == "query_type_not_supported"
    assert error["message"] == "The producer does not support this query type"
    exchange = api.get(f"/exchanges/{exchange_id}").json()["data"]
    assert (exchange["state"], exchange["error_count"]) == ("failed", 1)
    assert _ids(api.get(f"/exchanges/{exchange_id}/errors")) == [error["id"]]
    # failed early: no artifacts, and no more data
    assert api.get(f"/exchanges/{exchange_id}/artifacts/details").status_code == 404
    assert api.get(f"/exchanges/{exchange_id}/artifacts/consumerlogs").status_code == 404
    assert api.post(f"/exchanges/{exchange_id}/data", json={"final": True}).status_code == 409


def test_errors_after_completion_count_but_keep_the_state(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="completed")
    for code in ("producer_error", "a_code_from_the_future"):
        assert api.post(f"/exchanges/{exchange_id}/errors", json={"code": code}).status_code == 200
    exchange = api.get(f"/exchanges/{exchange_id}").json()["data"]
    assert (exchange["state"], exchange["error_count"]) == ("completed", 2)
    page = api.get(f"/exchanges/{exchange_id}/errors", params={"page": 1, "page_size": 1})
    assert [e["code"] for e in page.json()["data"]] == ["a_code_from_the_future"]


def test_set_artifacts_serves_the_given_bytes(sandbox: Sandbox, api: httpx.Client) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    raw = gzip.compress(b'{"custom": true}', mtime=0)
    sandbox.set_artifacts(exchange_id, details=raw)
    assert api.get(f"/exchanges/{exchange_id}/artifacts/details").content == raw
    assert api.get(f"/exchanges/{exchange_id}/artifacts/consumerlogs").status_code == 404
    sandbox.set_artifacts(exchange_id, details=None)
    assert api.get(f"/exchanges/{exchange_id}/artifacts/details").status_code == 404


def test_seeded_states_without_data_are_a_push_of_nothing(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    [done] = sandbox.seed_exchanges(1, state="completed")
    [failed] = sandbox.seed_exchanges(1, state="failed")
    [processing] = sandbox.seed_exchanges(1, state="processing")
    details = _artifact(api, done, "details")
    assert (details["chunks"], details["assignments"], details["summaries"]) == (1, [], [])
    assert [c.final for c in sandbox.state.exchanges[done].chunks] == [True]
    assert [c.final for c in sandbox.state.exchanges[processing].chunks] == [False]
    assert api.get(f"/exchanges/{failed}").json()["data"]["error_count"] == 1
    [error] = api.get(f"/exchanges/{failed}/errors").json()["data"]
    assert (error["code"], error["details"]) == (
        "producer_failure",
        "The producer failed before sending any data",
    )
    assert sandbox.state.exchanges[failed].chunks == []


def _search_corpus(sandbox: Sandbox, api: httpx.Client) -> dict[str, str]:
    """Exchanges that differ in each searched field; name -> id."""
    batch_id = next(iter(sandbox.state.batch_exchanges))
    [math] = sandbox.seed_exchanges(1, course_app_id="MATH-101")
    [bio] = sandbox.seed_exchanges(1, state="completed", course_app_id="BIO-201")
    [batch] = sandbox.seed_exchanges(1, batch_exchange_id=batch_id)
    query = {
        "type": "summary",
        "conditions": [{"scope": "section", "scope_by": "id", "scope_id": {"name": "Algebra II"}}],
    }
    created = api.post("/exchanges", json={"query": query, "metadata": {"note": "MATH-101"}})
    return {"math": math, "bio": bio, "batch": batch, "algebra": created.json()["data"]["id"]}


@pytest.mark.parametrize(
    ("search", "params", "expected"),
    [
        # Each needle has a letter beyond a-f, so that no (hexadecimal) id can contain it.
        ("math-1", {}, ["math"]),  # course_app_id, case-insensitive
        ("Io-2", {}, ["bio"]),
        ("ALGEBRA", {}, ["algebra"]),  # a condition's scope_id.name
        ("th-101", {"state": "created"}, ["math"]),  # metadata is not searched
        ("o-201", {"state": "created"}, []),
        ("no such thing", {}, []),
    ],
)
def test_search_is_a_case_insensitive_substring_of_documented_fields(
    sandbox: Sandbox,
    api: httpx.Client,
    search: str,
    params: dict[str, str],
    expected: list[str],
) -> None:
    corpus = _search_corpus(sandbox, api)
    listed = _ids(api.get("/exchanges", params={"search": search, **params}))
    assert listed == [corpus[name] for name in expected]
    assert api.get("/exchanges/count", params={"search": search, **params}).json() == len(expected)


def test_search_finds_by_id_and_batch_exchange_id(sandbox: Sandbox, api: httpx.Client) -> None:
    corpus = _search_corpus(sandbox, api)
    batch_id = sandbox.state.exchanges[corpus["batch"]].batch_exchange_id
    assert batch_id is not None
    assert _ids(api.get("/exchanges", params={"search": batch_id[9:23].upper()})) == [
        corpus["batch"]
    ]
    own = corpus["bio"]
    assert own in _ids(api.get("/exchanges", params={"search": own[-12:]}))


async def test_search_async(sandbox: Sandbox, aapi: httpx.AsyncClient) -> None:
    sandbox.seed_exchanges(2, course_app_id="ART-1")
    sandbox.seed_exchanges(1, course_app_id="MUSIC-1")
    assert (await aapi.get("/exchanges/count", params={"search": "art"})).json() == 2


def test_an_error_without_a_code_is_stored_without_one(sandbox: Sandbox, api: httpx.Client) -> None:
    [exchange_id] = sandbox.seed_exchanges(1)
    reply = api.post(f"/exchanges/{exchange_id}/errors", json={"details": "it broke"})
    assert reply.status_code == 200, reply.text
    error = reply.json()["data"]
    assert "code" not in error
    assert (error["message"], error["details"]) == ("The producer reported an error", "it broke")
    assert sandbox.state.exchanges[exchange_id].state == "failed"


def test_seeded_exchanges_of_a_course_ask_for_that_course(sandbox: Sandbox) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, course_app_id="MATH-101")
    assert sandbox.state.exchanges[exchange_id].query == {
        "type": "assignment_scores",
        "conditions": [{"scope": "course", "scope_by": "id", "scope_id": {"name": "MATH-101"}}],
    }
    [other] = sandbox.seed_exchanges(1)
    assert sandbox.state.exchanges[other].query["conditions"] == [
        {"scope": "course", "scope_by": "all"}
    ]
