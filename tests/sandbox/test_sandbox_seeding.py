"""``seed_exchanges(..., state=..., data=...)``: exchanges left as a push of the data would leave
them, read back over HTTP (plain httpx: these tests check the server alone)."""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from datasync_grades_sandbox import GradeData, Sandbox

PERSON = {"$sys": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}


def _assignment(n: int, scores: int = 2) -> dict[str, Any]:
    return {
        "$sys": {"id": f"5a0d3c2b-1e4f-4a6b-9c8d-{n:012x}"},
        "name": f"Essay {n}",
        "points_possible": 10,
        "scores": [{"$person": PERSON, "score": 9.5, "grade": "A"} for _ in range(scores)],
    }


def _summary(score: float) -> dict[str, Any]:
    return {"$person": PERSON, "summary_type": "final", "score_type": "raw", "score": score}


ASSIGNMENTS = [_assignment(n) for n in range(6)]
SUMMARIES = [_summary(80 + n) for n in range(3)]
DATA: GradeData = {"assignments": ASSIGNMENTS, "summaries": SUMMARIES}


def _artifact(api: httpx.Client, exchange_id: str, name: str) -> Any:
    reply = api.get(f"/exchanges/{exchange_id}/artifacts/{name}")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/gzip"
    return json.loads(gzip.decompress(reply.content))


def _compact(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def test_completed_with_data_serves_artifacts_of_that_data(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="completed", data=DATA, course_app_id="M-1")
    exchange = api.get(f"/exchanges/{exchange_id}").json()["data"]
    assert (exchange["state"], exchange["error_count"], exchange["course_app_id"]) == (
        "completed",
        0,
        "M-1",
    )
    details = _artifact(api, exchange_id, "details")
    assert details["exchange_id"] == exchange_id
    assert details["state"] == "completed"
    assert details["assignments"] == ASSIGNMENTS
    assert details["summaries"] == SUMMARIES
    logs = _artifact(api, exchange_id, "consumerlogs")
    assert logs["entries"][-1]["message"] == "sent 6 assignments and 3 summaries to the consumer"
    assert api.get(f"/exchanges/{exchange_id}/errors").json()["data"] == []


async def test_completed_with_data_read_async(sandbox: Sandbox, aapi: httpx.AsyncClient) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="completed", data=DATA)
    reply = await aapi.get(f"/exchanges/{exchange_id}/artifacts/details")
    assert json.loads(gzip.decompress(reply.content))["summaries"] == SUMMARIES


def test_seeding_gives_the_artifacts_of_a_real_push(sandbox: Sandbox, api: httpx.Client) -> None:
    # The same data, once pushed over HTTP in one chunk and once seeded: the same documents,
    # but for the exchange's id and the times.
    [pushed] = sandbox.seed_exchanges(1)
    body = {**DATA, "final": True}
    reply = api.post(
        f"/exchanges/{pushed}/data",
        content=_compact(body),
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 200, reply.text
    [seeded] = sandbox.seed_exchanges(1, state="completed", data=DATA)

    def documents(exchange_id: str) -> tuple[Any, Any]:
        details = _artifact(api, exchange_id, "details")
        logs = _artifact(api, exchange_id, "consumerlogs")
        assert details.pop("exchange_id") == logs.pop("exchange_id") == exchange_id
        for entry in logs["entries"]:
            entry.pop("at")
        return details, logs

    assert documents(seeded) == documents(pushed)
    assert [c.body for c in sandbox.state.exchanges[seeded].chunks] == [body]


def test_data_is_cut_into_chunks_within_the_exchange_limit(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    one = len(_compact(ASSIGNMENTS[0]))
    limit = 60 + 2 * one  # room for two assignments a chunk, not three
    [exchange_id] = sandbox.seed_exchanges(
        1, state="completed", data=DATA, max_data_content_length=limit
    )
    record = sandbox.state.exchanges[exchange_id]
    assert record.max_data_content_length == limit
    assert [len(c.items("assignments")) for c in record.chunks] == [2, 2, 2, 0]
    assert [len(c.items("summaries")) for c in record.chunks] == [0, 0, 0, 3]
    assert [c.final for c in record.chunks] == [False, False, False, True]
    assert all(len(_compact(c.body)) == c.size <= limit for c in record.chunks)
    details = _artifact(api, exchange_id, "details")
    assert details["chunks"] == 4
    assert details["assignments"] == ASSIGNMENTS
    messages = [e["message"] for e in _artifact(api, exchange_id, "consumerlogs")["entries"]]
    assert messages[:4] == [
        f"received chunk {n} ({c.size} bytes)" for n, c in enumerate(record.chunks, start=1)
    ]


def test_failed_with_data_holds_it_and_an_error_counting_it(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    one = len(_compact(ASSIGNMENTS[0]))
    [exchange_id] = sandbox.seed_exchanges(
        1, state="failed", data=DATA, max_data_content_length=60 + 3 * one
    )
    record = sandbox.state.exchanges[exchange_id]
    assert [c.final for c in record.chunks] == [False, False, False]
    exchange = api.get(f"/exchanges/{exchange_id}").json()["data"]
    assert (exchange["state"], exchange["error_count"]) == ("failed", 1)
    [error] = api.get(f"/exchanges/{exchange_id}/errors").json()["data"]
    assert error["code"] == "producer_failure"
    assert error["message"] == "The producer failed"
    assert error["details"] == (
        "The producer failed after 3 chunks, without the final one: "
        "6 assignments (12 scores) and 3 summaries received"
    )
    for name in ("details", "consumerlogs"):  # failed early: no artifacts, as after a push
        missing = api.get(f"/exchanges/{exchange_id}/artifacts/{name}")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "artifact_not_available"


def test_processing_with_data_takes_the_final_chunk_later(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    [exchange_id] = sandbox.seed_exchanges(1, state="processing", data=DATA)
    assert api.get(f"/exchanges/{exchange_id}").json()["data"]["state"] == "processing"
    assert api.get(f"/exchanges/{exchange_id}/artifacts/details").status_code == 404
    more = {"summaries": [_summary(99)], "final": True}
    assert api.post(f"/exchanges/{exchange_id}/data", json=more).status_code == 200
    details = _artifact(api, exchange_id, "details")
    assert details["chunks"] == 2
    assert details["summaries"] == [*SUMMARIES, _summary(99)]


class _Model:
    """Stands for a generated model: the sandbox calls ``to_dict()``, as a push does."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.value)


def test_models_and_iterables_are_taken_like_mappings(sandbox: Sandbox, api: httpx.Client) -> None:
    data: GradeData = {
        "assignments": (_Model(a) for a in ASSIGNMENTS),
        "summaries": [_Model(s) for s in SUMMARIES],
    }
    ids = sandbox.seed_exchanges(2, state="completed", data=data)
    for exchange_id in ids:  # the generator is read once, for every exchange
        assert _artifact(api, exchange_id, "details")["assignments"] == ASSIGNMENTS
    first, second = (sandbox.state.exchanges[i].chunks[0].body for i in ids)
    assert first == second and first is not second  # each exchange holds its own copy


@pytest.mark.parametrize(
    ("data", "state", "error", "words"),
    [
        (
            {"assignments": [{"points_possible": "ten"}]},
            "completed",
            ValueError,
            "assignments[0].points_possible: 'ten' is not of type 'number'",
        ),
        ({"summaries": [{"comments": "none"}]}, "failed", ValueError, "'none' is not of type"),
        ({"assignment": []}, "completed", ValueError, "not ['assignment']"),
        (
            {"assignments": [{"name": "x" * 500}]},
            "completed",
            ValueError,
            "max_data_content_length (300)",
        ),
        ({"assignments": [{"score": float("nan")}]}, "completed", ValueError, "not JSON"),
        ({"assignments": ["Essay"]}, "completed", TypeError, "assignments[0] must be a mapping"),
        ({"assignments": {"name": "x"}}, "completed", TypeError, "must be a list"),
        ({"assignments": []}, "created", ValueError, "data needs state"),
    ],
)
def test_data_a_push_could_not_send_seeds_nothing(
    sandbox: Sandbox, data: Any, state: str, error: type[Exception], words: str
) -> None:
    before = dict(sandbox.state.exchanges)
    with pytest.raises(error) as caught:
        sandbox.seed_exchanges(2, state=state, data=data, max_data_content_length=300)
    assert words in str(caught.value)
    assert sandbox.state.exchanges == before


def test_without_request_validation_the_data_is_taken_as_it_comes(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sandbox = datasync_sandbox_factory(validate_requests=False, validate_responses=False)
    data: GradeData = {"assignments": [{"points_possible": "ten"}]}
    [exchange_id] = sandbox.seed_exchanges(1, state="completed", data=data)
    assert sandbox.state.exchanges[exchange_id].chunks[0].body["assignments"] == data["assignments"]
    odd: GradeData = {"assignments": [{"scores": 5}, {"scores": [{"score": 1}]}]}
    [failed] = sandbox.seed_exchanges(1, state="failed", data=odd)
    [error] = sandbox.state.exchanges[failed].errors
    assert error.details is not None and "2 assignments (1 scores)" in error.details


def test_seeding_into_a_batch_adds_the_course_to_its_report(
    sandbox: Sandbox, api: httpx.Client
) -> None:
    batch_id = next(iter(sandbox.state.batch_exchanges))
    for course in ("MATH-101", "BIO-201", "MATH-101"):
        sandbox.seed_exchanges(
            1, state="completed", data=DATA, course_app_id=course, batch_exchange_id=batch_id
        )
    report = api.get(f"/batch_exchanges/{batch_id}/reports/course_ids")
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.text)))
    assert rows == [["course_id"], ["1001"], ["1002"], ["1003"], ["MATH-101"], ["BIO-201"]]
    [listed] = [b for b in api.get("/batch_exchanges").json()["data"] if b["id"] == batch_id]
    assert listed["exchange_count"] == 3
    # no batch of that id, or no course: no report changes
    sandbox.seed_exchanges(1, course_app_id="ART-1", batch_exchange_id="no-such-batch")
    sandbox.seed_exchanges(1, batch_exchange_id=batch_id)
    assert api.get(f"/batch_exchanges/{batch_id}/reports/course_ids").text == report.text
