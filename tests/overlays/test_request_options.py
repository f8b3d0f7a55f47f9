"""Per-request control (issue #25), sync and async: ``with_options`` on the same pool,
``extra_headers``/``extra_query``/``extra_body`` as the server receives them (a keep-alive
loopback server) and as the DEBUG log shows them, ``Authorization`` and misspelt options
refused, raw responses and request ids (``httpx.MockTransport`` answering ``x-request-id``),
and mypy --strict on a snippet. Timeouts on the wire: tests/integration/test_e2e_request_options.py.
"""

from __future__ import annotations

import gzip
import json
import logging
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import pytest
from _overlay_support import ScriptedServer, SyncOrAsync

from datasync_grades import (
    AsyncDataSync,
    BearerToken,
    DataSync,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
)
from datasync_grades._http import httpx
from datasync_grades_api.api import Page, RawResponse

EXCHANGE_ID = "123e4567-e89b-12d3-a456-426614174000"
EXCHANGE = {"data": {"id": EXCHANGE_ID, "state": "created"}}
ERROR = {"data": {"id": str(uuid.UUID(int=9)), "message": "recorded"}}
TOKEN = "tok-" + "Zq7" * 12  # what the client knows as secret: never in a log
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def make(make_scripted_datasync: Callable[..., Any]) -> Callable[..., Any]:
    """A client of the scripted server in the test's mode, with a ``BearerToken`` the client
    knows as a secret."""
    return lambda **options: make_scripted_datasync(auth=BearerToken(TOKEN), **options)


def _query(path: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(path).query)


# -- with_options ------------------------------------------------------------------------


def _ports(mode: str) -> tuple[list[int], dict[str, Any]]:
    """The local port of the connection each answer came on, and ``event_hooks`` recording it."""
    ports: list[int] = []

    def record(response: httpx.Response) -> None:
        ports.append(response.extensions["network_stream"].get_extra_info("client_addr")[1])

    async def arecord(response: httpx.Response) -> None:
        record(response)

    return ports, {"response": [record if mode == "sync" else arecord]}


async def test_with_options_sends_on_the_same_connection(
    scripted_server: ScriptedServer, make: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    ports, event_hooks = _ports(sync_or_async.mode)
    client = make(event_hooks=event_hooks)
    for _ in range(3):
        scripted_server.reply(json=EXCHANGE)
    await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    derived = client.with_options(max_retries=0, timeout=5.0)
    await sync_or_async.call(derived.exchanges.find(EXCHANGE_ID))
    await sync_or_async.call(derived.with_options(max_retry_after=1.0).exchanges.find(EXCHANGE_ID))
    assert len(ports) == 3 and len(set(ports)) == 1  # one pool: its one kept-alive connection


async def test_with_options_headers_are_the_derived_clients_only(
    scripted_server: ScriptedServer, make: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    client = make(headers={"X-Client": "c"})
    for _ in range(4):
        scripted_server.reply(json=EXCHANGE)
    await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))  # its resources made first
    derived = client.with_options(headers={"X-Tenant": "t1"})
    await sync_or_async.call(derived.exchanges.find(EXCHANGE_ID))
    await sync_or_async.call(
        derived.with_raw_response.exchanges.find(EXCHANGE_ID, extra_headers={"X-Call": "k"})
    )
    await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    seen = [
        {name: r.headers.get(name) for name in ("x-client", "x-tenant", "x-call")}
        for r in scripted_server.requests
    ]
    assert seen == [
        {"x-client": "c", "x-tenant": None, "x-call": None},
        {"x-client": "c", "x-tenant": "t1", "x-call": None},
        {"x-client": "c", "x-tenant": "t1", "x-call": "k"},
        {"x-client": "c", "x-tenant": None, "x-call": None},
    ]


async def test_with_options_retries_are_the_derived_clients_only(
    scripted_server: ScriptedServer, make: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    client = make()  # retries 503s (waits recorded, not slept)
    scripted_server.reply(503)
    with pytest.raises(InternalServerError):
        await sync_or_async.call(client.with_options(max_retries=0).exchanges.find(EXCHANGE_ID))
    assert len(scripted_server.requests) == 1
    scripted_server.reply(503)
    scripted_server.reply(json=EXCHANGE)
    assert await sync_or_async.call(client.exchanges.find(EXCHANGE_ID))
    assert len(scripted_server.requests) == 3


@pytest.mark.parametrize(
    "options", [{"verify": False}, {"proxy": "http://127.0.0.1:9"}, {"http2": True}]
)
async def test_with_options_refuses_options_of_the_connection(
    options: dict[str, Any], make: Callable[..., Any]
) -> None:
    with pytest.raises(TypeError, match=next(iter(options))):
        make().with_options(**options)


# -- per-call options: what the server receives ------------------------------------------


async def test_extra_headers_and_query_reach_the_server_and_are_redacted_in_logs(
    scripted_server: ScriptedServer,
    make: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make()
    scripted_server.reply(json=EXCHANGE)
    headers = {"X-Trace": "trace-1", "X-Api-Key": "key-Qw8Qw8Qw8", "X-Echo": f"Bearer {TOKEN}"}
    query = {"trace": "q1", "echo": TOKEN}
    await sync_or_async.call(
        client.exchanges.find(EXCHANGE_ID, extra_headers=headers, extra_query=query)
    )
    [received] = scripted_server.requests
    assert {k: received.headers[k.lower()] for k in headers} == headers
    assert received.headers["authorization"] == f"Bearer {TOKEN}"  # auth's, untouched
    assert _query(received.path) == {"trace": ["q1"], "echo": [TOKEN]}
    logged = "\n".join(record.getMessage() for record in caplog.records)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name == "datasync_grades")
    assert "trace-1" in ours and "q1" in ours  # the headers and the URL are logged...
    assert TOKEN not in ours and "key-Qw8Qw8Qw8" not in logged  # ...redacted
    # (httpx's own INFO line shows the URL as it is: a secret put in a query is the caller's)
    assert f"Bearer {TOKEN}" not in logged


async def test_extra_query_overrides_a_parameter(
    scripted_server: ScriptedServer, make: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    scripted_server.reply(json=3)
    counted = make().exchanges.count(state="created", extra_query={"state": "failed"})
    assert await sync_or_async.call(counted) == 3
    assert _query(scripted_server.requests[0].path) == {"state": ["failed"]}


async def test_extra_body_merges_into_the_json_body(
    scripted_server: ScriptedServer, make: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    scripted_server.reply(json=ERROR)
    error = make().exchanges.create_error(
        EXCHANGE_ID, code="producer_error", details="d", extra_body={"details": "e", "more": 1}
    )
    await sync_or_async.call(error)
    body = json.loads(scripted_server.requests[0].body)
    assert body == {"code": "producer_error", "details": "e", "more": 1}


async def test_options_go_with_every_request_of_the_call(
    scripted_server: ScriptedServer, make: Callable[..., Any], sync_or_async: SyncOrAsync
) -> None:
    """A retry and an artifact's (lazy) request carry the call's options too."""
    client = make()
    scripted_server.reply(503)
    scripted_server.reply(json=EXCHANGE)
    await sync_or_async.call(client.exchanges.find(EXCHANGE_ID, extra_headers={"X-Trace": "r"}))
    artifact = client.artifacts.get_exchange_details(
        EXCHANGE_ID, extra_headers={"X-Trace": "a"}, extra_query={"q": "1"}
    )
    scripted_server.reply(
        body=gzip.compress(b"[]", mtime=0), headers={"Content-Type": "application/gzip"}
    )
    assert await sync_or_async.call(artifact.read()) == b"[]"
    requests = scripted_server.requests
    assert [r.headers.get("x-trace") for r in requests] == ["r", "r", "a"]
    assert _query(requests[2].path) == {"q": ["1"]}


Refusal = tuple[Callable[[Any], Any], type[Exception], str]
REFUSED: dict[str, Refusal] = {
    "Authorization": (
        lambda c: c.exchanges.find(EXCHANGE_ID, extra_headers={"authorization": "Bearer forged"}),
        InvalidRequestError,
        "Authorization",
    ),
    "Authorization by with_options": (
        lambda c: c.with_options(headers={"Authorization": "Bearer forged"}).exchanges.count(),
        InvalidRequestError,
        "Authorization",
    ),
    "extra_body on a GET": (
        lambda c: c.exchanges.find(EXCHANGE_ID, extra_body={"x": 1}),
        InvalidRequestError,
        "extra_body",
    ),
    "a misspelt option": (
        lambda c: c.exchanges.find(EXCHANGE_ID, timout=1),
        TypeError,
        "timout",
    ),
    "a misspelt option of a raw call": (
        lambda c: c.with_raw_response.exchanges.count(extra_header={"a": "b"}),
        TypeError,
        "extra_header",
    ),
    "a misspelt option of a list": (
        lambda c: c.exchanges.list(extra_querry={"a": "b"}),
        TypeError,
        "extra_querry",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_refused_options_send_nothing(
    case: str,
    scripted_server: ScriptedServer,
    make: Callable[..., Any],
    sync_or_async: SyncOrAsync,
) -> None:
    call, error, match = REFUSED[case]
    with pytest.raises(error, match=match) as caught:
        result = call(make())
        await (sync_or_async.items(result) if case.endswith("list") else sync_or_async.call(result))
    assert "forged" not in str(caught.value)
    assert scripted_server.requests == []


def test_authorization_in_the_clients_own_headers_is_refused(
    scripted_server: ScriptedServer, make: Callable[..., Any]
) -> None:
    # A client's headers are the per-request defaults with_options(headers=) also sets: auth=
    # alone sets Authorization, from the first client on.
    with pytest.raises(InvalidRequestError, match="Authorization") as caught:
        make(headers={"X-Client": "c", "Authorization": "Bearer forged"})
    assert "forged" not in str(caught.value)
    assert scripted_server.requests == []


# -- raw responses and request ids (a server that sends x-request-id) --------------------


class IdServer:
    """An ``httpx.MockTransport`` handler: exchanges in pages, a count, one exchange (a 404 for
    another id), data chunks; every answer carries ``x-request-id`` (``send_ids=False``: none)."""

    def __init__(self, exchanges: int = 5, *, send_ids: bool = True) -> None:
        self.ids = [str(uuid.UUID(int=n + 1)) for n in range(exchanges)]
        self.send_ids = send_ids
        self.served = 0
        self.chunks: list[bytes] = []
        self.traces: list[str | None] = []  # the X-Trace header of every request

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.served += 1
        self.traces.append(request.headers.get("x-trace"))
        path = request.url.path.removeprefix("/v2/grades")
        status, body, name = 200, cast(Any, None), f"req-{self.served}"
        if path == "/exchanges":
            page, size = (
                int(request.url.params.get(k, d)) for k, d in (("page", 0), ("page_size", 2))
            )
            found = self.ids[page * size : (page + 1) * size]
            body, name = {"data": [{"id": i, "state": "created"} for i in found]}, f"page-{page}"
        elif path == "/exchanges/count":
            body = len(self.ids)
        elif path == f"/exchanges/{self.ids[0]}":
            body = {"data": {"id": self.ids[0], "state": "created", "max_data_content_length": 200}}
        elif path == f"/exchanges/{self.ids[0]}/data":
            self.chunks.append(request.content)
            stamp = "2025-07-04T21:46:15.529+00:00"
            chunk = {"id": str(uuid.UUID(int=100 + len(self.chunks))), "created_at": stamp}
            body, name = {"data": {**chunk, "updated_at": stamp}}, f"chunk-{len(self.chunks) - 1}"
        else:
            status, body = 404, {"error": {"status": 404, "code": "not_found", "message": "no"}}
        headers = {"x-request-id": name} if self.send_ids else {}
        return httpx.Response(status, json=body, headers=headers)


@pytest.fixture
def id_client(sync_or_async: SyncOrAsync) -> Iterator[Callable[[IdServer], Any]]:
    made: list[Any] = []

    def connect(server: IdServer) -> Any:
        kind = DataSync if sync_or_async.mode == "sync" else AsyncDataSync
        made.append(
            kind(
                "https://api.test/v2/grades",
                auth=BearerToken(TOKEN),
                transport=httpx.MockTransport(server),
                max_retries=0,
            )
        )
        return made[-1]

    yield connect
    for client in made:  # MockTransport holds no connection: closing is bookkeeping
        if isinstance(client, DataSync):
            client.close()


async def test_a_raw_response_shows_the_answer_and_parses_like_the_plain_call(
    id_client: Callable[[IdServer], Any], sync_or_async: SyncOrAsync
) -> None:
    server = IdServer()
    client = id_client(server)
    found = await sync_or_async.call(client.with_raw_response.exchanges.find(server.ids[0]))
    assert isinstance(found, RawResponse)
    assert (found.status_code, found.request_id) == (200, "req-1")
    assert found.headers["x-request-id"] == "req-1" and found.elapsed >= 0.0
    assert found.parse() == await sync_or_async.call(client.exchanges.find(server.ids[0]))

    counted = await sync_or_async.call(client.with_raw_response.exchanges.count())
    assert counted.parse() == 5 == await sync_or_async.call(client.exchanges.count())

    raw_page = await sync_or_async.call(client.with_raw_response.exchanges.list(page=1))
    page = raw_page.parse()
    assert isinstance(page, Page) and raw_page.request_id == page.request_id == "page-1"
    assert page.number == 1 and [str(e.id) for e in page.items] == server.ids[2:4]


async def test_a_raw_call_answered_404_raises_the_typed_error_with_its_request_id(
    id_client: Callable[[IdServer], Any], sync_or_async: SyncOrAsync
) -> None:
    client = id_client(IdServer())
    with pytest.raises(NotFoundError) as caught:
        await sync_or_async.call(client.with_raw_response.exchanges.find(str(uuid.uuid4())))
    assert caught.value.request_id == "req-1"


async def test_every_page_of_a_walk_carries_its_request_id(
    id_client: Callable[[IdServer], Any], sync_or_async: SyncOrAsync
) -> None:
    client = id_client(IdServer(5))
    pages = await sync_or_async.items(client.exchanges.list(page_size=2).pages())
    assert [(p.number, len(p.items), p.request_id) for p in pages] == [
        (0, 2, "page-0"),
        (1, 2, "page-1"),
        (2, 1, "page-2"),
    ]
    quiet = id_client(IdServer(3, send_ids=False))
    pages = await sync_or_async.items(quiet.exchanges.list(page_size=2).pages())
    assert [p.request_id for p in pages] == [None, None]


@pytest.mark.parametrize("send_ids", [True, False])
async def test_a_push_result_has_one_request_id_per_chunk(
    send_ids: bool, id_client: Callable[[IdServer], Any], sync_or_async: SyncOrAsync
) -> None:
    server = IdServer(send_ids=send_ids)
    assignments = [
        {"$sys": {"id": str(uuid.UUID(int=n))}, "name": f"Quiz {n}", "scores": []} for n in range(6)
    ]
    result = await sync_or_async.call(
        id_client(server).exchanges.push_data(
            server.ids[0], assignments=assignments, extra_headers={"X-Trace": "push-1"}
        )
    )
    assert result.chunks_sent == result.chunks_total == len(server.chunks) > 1
    expected = [f"chunk-{n}" if send_ids else None for n in range(result.chunks_sent)]
    assert list(result.request_ids) == expected
    assert len(result.chunk_ids) == result.chunks_sent
    assert server.traces == ["push-1"] * server.served  # the exchange's GET and every chunk


# -- types: mypy --strict ---------------------------------------------------------------

OPTIONS_SNIPPET = """
from datasync_grades import AsyncDataSync, DataSync
from datasync_grades._http import httpx
from datasync_grades_api.api import Page, RawResponse
from datasync_grades_api.models import Exchange


async def main(client: DataSync, aclient: AsyncDataSync) -> None:
    client.exchanges.find("e1", timeout=1.5, extra_headers={"X-Trace": "t"})
    client.exchanges.find("e1", timeout=httpx.Timeout(2.0), extra_query={"page_size": 3})
    client.exchanges.create(extra_body={"metadata": {"k": "v"}}, timeout=None)
    await aclient.exchanges.count(extra_query={"state": "failed"})
    patient: DataSync = client.with_options(timeout=60.0, max_retry_after=120.0)
    found: RawResponse[Exchange] = client.with_raw_response.exchanges.find("e1")
    exchange: Exchange = found.parse()
    page: Page[Exchange] = client.with_raw_response.exchanges.list(page=2).parse()
    request_id: str | None = (await aclient.with_raw_response.exchanges.count()).request_id
    client.exchanges.find("e1", timout=1)  # E
    client.exchanges.find("e1", timeout="1")  # E
    client.exchanges.find("e1", extra_headers={"X-Count": 1})  # E
    client.exchanges.find("e1", extra_body={"x": 1})  # E
    client.with_options(timout=1.0)  # E
    await aclient.exchanges.count(timout=1)  # E
    aclient.with_raw_response.exchanges.find("e1", extra_query=["a"])  # E
    wrong: RawResponse[int] = client.with_raw_response.exchanges.find("e1")  # E
"""


def test_a_misspelt_option_or_a_wrong_type_is_a_type_error(tmp_path: Path) -> None:
    snippet = tmp_path / "options.py"
    snippet.write_text(OPTIONS_SNIPPET, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    lines = OPTIONS_SNIPPET.splitlines()
    marked = [str(n) for n, line in enumerate(lines, 1) if line.endswith("# E")]
    assert sorted({line.split(":")[1] for line in errors}, key=int) == marked, result.stdout
