"""The one send path (``_client.Sender``): each finding of the second security review (issue 22)
reproduced on loopback, sync and async, and now refused with a typed error."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import textwrap
import threading
import uuid
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from _loopback import LoopbackServer

from datasync_grades import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ArtifactError,
    AsyncDataSync,
    BearerToken,
    ClientCredentials,
    DataSync,
    InvalidRequestError,
    NotFoundError,
    ResponseValidationError,
    TokenError,
)
from datasync_grades._http import httpx

EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
EXCHANGE = b'{"data": {"id": "123e4567-e89b-12d3-a456-426614174000", "state": "created"}}'
MODES = ["sync", "async"]


class RawServer(LoopbackServer):
    """Answers every request with ``answer(handler)``, which writes raw bytes to the socket;
    records the paths it was asked for."""

    def __init__(self) -> None:
        self.answer: Callable[[BaseHTTPRequestHandler], None] = lambda h: None
        self.paths: list[str] = []
        self.stop_event = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                server.paths.append(f"{self.command} {self.path}")
                server.answer(self)
                self.close_connection = True

            do_GET = do_POST = do_PUT = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler)

    def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            head = f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n"
            head += "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
            handler.wfile.write(head.encode() + b"\r\n" + body)

        self.answer = answer

    def trickle(self, head: bytes = b"HTTP/1.1 200 OK\r\n") -> None:
        """The status line, then one header byte every 20 ms, forever (until stopped)."""

        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.wfile.write(head)
            while not self.stop_event.wait(0.02):
                try:
                    handler.wfile.write(b"X")
                    handler.wfile.flush()
                except OSError:
                    return

        self.answer = answer


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    server.start()
    yield server
    server.stop_event.set()
    server.stop()


def _client(mode: str, base_url: str, **options: Any) -> Any:
    options.setdefault("auth", BearerToken("t0ken-value"))
    options.setdefault("max_retries", 0)
    return (DataSync if mode == "sync" else AsyncDataSync)(base_url, **options)


async def _run(mode: str, client: Any, call: Callable[[Any], Any]) -> Any:
    try:
        result = call(client)
        return await result if mode == "async" else result
    finally:
        await client.aclose() if mode == "async" else client.close()


def _find(client: Any) -> Any:
    return client.exchanges.find(EXCHANGE_ID)


# -- the URL: parsed once, as httpx would merge it ---------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.example/v2/grades",
        "https://api.example/v2/grades/",
        "https://api.example:8443/v2/gr%C3%A4des",
        "http://127.0.0.1:8080",
    ],
)
@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/exchanges", {}),
        ("/exchanges/a%2Bb%20c", {"page": 0}),
        ("/exchanges", {"state": "créé", "q": "a b&c=d", "flag": True, "none": None}),
        ("/exchanges", {"ids": ["1", "2"], "page_size": 100, "off": False, "x": 1.5}),
        ("/exchanges/%C3%A9", {"empty": ""}),
    ],
)
def test_the_url_is_the_one_httpx_would_merge(
    base_url: str, path: str, params: dict[str, Any]
) -> None:
    with DataSync(base_url, auth=BearerToken("t"), allow_insecure_http=True) as client:
        ours = client._sender.build({"method": "get", "url": path, "params": params})
    with httpx.Client(base_url=base_url) as plain:
        theirs = plain.build_request("GET", path, params=params)
    assert ours.url == theirs.url
    assert str(ours.url) == str(theirs.url)


# -- codings: gzip or nothing, anything else refused ------------------------------------------

BOMB = zlib.compress(zlib.compress(b"\0" * 20_000_000))  # ~2 KB: deflate twice, 20 MB inside


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "coding", ["deflate", "deflate, deflate", "br", "zstd", ", ".join(["gzip"] * 1000)]
)
async def test_a_coding_but_gzip_is_refused_on_an_api_answer(
    mode: str, raw: RawServer, coding: str
) -> None:
    raw.reply(200, BOMB, Content_Type="application/json", Content_Encoding=coding)
    with pytest.raises(ResponseValidationError, match="is not supported"):
        await _run(mode, _client(mode, raw.url), _find)


@pytest.mark.parametrize("mode", MODES)
async def test_an_error_body_in_another_coding_is_not_decoded(mode: str, raw: RawServer) -> None:
    raw.reply(404, BOMB, Content_Type="application/json", Content_Encoding="deflate, deflate")
    with pytest.raises(NotFoundError) as caught:
        await _run(mode, _client(mode, raw.url), _find)
    assert caught.value.body is None


@pytest.mark.parametrize("mode", MODES)
async def test_a_token_answer_in_another_coding_is_refused(mode: str, raw: RawServer) -> None:
    raw.reply(200, BOMB, Content_Type="application/json", Content_Encoding="deflate, deflate")
    auth = ClientCredentials("client", "s3cr3t-client-secret", token_url=f"{raw.url}/oauth/token")
    with pytest.raises(TokenError, match="not supported") as caught:
        await _run(mode, _client(mode, f"{raw.url}/api", auth=auth), _find)
    assert (caught.value.status_code, caught.value.url) == (200, f"{raw.url}/oauth/token")
    assert not hasattr(caught.value, "response")  # plain data, no live answer


class _Counted(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body handed out 64 KiB at a time, counting what was taken."""

    def __init__(self, body: bytes) -> None:
        self.body, self.taken = body, 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), 65536):
            self.taken = start + 65536
            yield self.body[start : start + 65536]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self:
            yield piece


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("filler", ["zero-padding", "empty-members"])
async def test_an_artifact_stops_early_on_padding_or_empty_members(mode: str, filler: str) -> None:
    # Both decode to nothing: only the wire bytes show them (794 MB went through before).
    tail = b"\0" * 8_000_000 if filler == "zero-padding" else gzip.compress(b"", mtime=0) * 400_000
    stream = _Counted(gzip.compress(b"[1]", mtime=0) + tail)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))

    def read(client: Any) -> Any:
        return client.artifacts.get_exchange_details(EXCHANGE_ID).read(max_bytes=1024)

    with pytest.raises(ArtifactError, match="on the wire"):
        await _run(mode, _client(mode, "https://api.test/v2", transport=transport), read)
    assert stream.taken <= 256 * 1024


# -- the parsed size: values counted before json.loads (in a child under a memory limit) ------

_CHILD = """
import gzip, resource, sys
from datasync_grades._http import httpx
from datasync_grades import DataSync, BearerToken, DataSyncError
resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, 1536 * 1024**2))
body = gzip.compress(b"[" + b"[]," * (60 * 1024**2 // 3) + b"[]]", 9, mtime=0)
headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
kind = sys.argv[1]
def answer(request):
    if kind == "artifact":
        return httpx.Response(200, content=gzip.compress(gzip.decompress(body)), headers={})
    return httpx.Response(200, content=body, headers=headers)
with DataSync("https://api.test/v2", auth=BearerToken("t"), transport=httpx.MockTransport(answer),
              max_retries=0) as client:
    try:
        if kind == "artifact":
            client.artifacts.get_exchange_details("x").json()
        else:
            client.exchanges.find("x")
    except DataSyncError as exc:
        print(type(exc).__name__, exc)
"""


@pytest.mark.parametrize("kind", ["page", "artifact"])
def test_a_body_of_millions_of_values_is_refused_before_parsing(kind: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CHILD), kind],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "JSON values" in done.stdout
    assert done.stdout.split()[0] in ("ResponseValidationError", "ArtifactError")


# -- the deadline from the first byte to the last ---------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", MODES)
async def test_total_timeout_holds_while_headers_trickle(mode: str, raw: RawServer) -> None:
    raw.trickle()
    with pytest.raises(APITimeoutError, match=r"total_timeout|timed out"):
        await _run(mode, _client(mode, raw.url, timeout=30.0, total_timeout=0.5), _find)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", MODES)
async def test_total_timeout_holds_while_a_token_trickles(mode: str, raw: RawServer) -> None:
    raw.trickle()
    auth = ClientCredentials("client", "s3cr3t-client-secret", token_url=f"{raw.url}/oauth/token")
    client = _client(mode, f"{raw.url}/api", auth=auth, timeout=30.0, total_timeout=0.5)
    # No answer: a timeout (plain data, nothing chained), not a TokenError; the token
    # request's own, or (async: it runs in a thread) the API call's that waits for it.
    with pytest.raises(APITimeoutError, match="timed out") as caught:
        await _run(mode, client, _find)
    assert caught.value.method in ("GET", "POST") and caught.value.url.startswith(raw.url)
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", MODES)
async def test_total_timeout_holds_while_a_tls_handshake_hangs(mode: str) -> None:
    # A listener that takes the connection and never answers the ClientHello. No per-phase
    # timeout at all: only the deadline can end the handshake (a sync one: cut in start_tls).
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"https://127.0.0.1:{listener.getsockname()[1]}"
        client = _client(mode, url, timeout=httpx.Timeout(None), total_timeout=0.5)
        with pytest.raises(APITimeoutError, match="timed out"):
            await _run(mode, client, _find)


# -- tokens: bounded ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (b'{"access_token": "' + b"a" * 9000 + b'"}', "access_token over 8 KiB"),
        (b'{"access_token": "t", "pad": "' + b" " * 100_000 + b'"}', "max_response_bytes"),
    ],
)
async def test_a_token_answer_or_a_token_too_large_is_refused(
    mode: str, answer: bytes, problem: str
) -> None:
    def token_endpoint(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer, headers={"Content-Type": "application/json"})

    token_client = httpx.Client(transport=httpx.MockTransport(token_endpoint))
    auth = ClientCredentials("client", "s3cr3t-client-secret", token_client=token_client)
    with pytest.raises(TokenError, match=problem) as caught:
        await _run(mode, _client(mode, "https://api.test/v2", auth=auth), _find)
    assert caught.value.status_code == 200 and caught.value.method == "POST"
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)
    assert "s3cr3t-client-secret" not in repr(vars(caught.value))


def test_a_client_credentials_takes_the_first_clients_transport_settings_only() -> None:
    auth = ClientCredentials("client", "s3cr3t-client-secret")
    DataSync(auth=auth, verify=True).close()
    AsyncDataSync(auth=auth, verify=True)  # the same settings: fine
    with pytest.raises(ValueError, match="other verify/cert/trust_env/proxy"):
        DataSync(auth=auth, verify=False)
    assert auth._settings == {"verify": True}


# -- redirects: never to another origin ------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("call", ["find", "create"])
async def test_a_redirect_to_another_origin_is_not_followed(
    mode: str, raw: RawServer, call: str
) -> None:
    other = RawServer()
    other.start()
    try:
        raw.reply(307, Location=f"{other.url}/steal")
        client = _client(mode, raw.url, follow_redirects=True)
        operation = _find if call == "find" else (lambda c: c.exchanges.create())
        with pytest.raises(APIStatusError) as caught:
            await _run(mode, client, operation)
        assert caught.value.status_code == 307
        assert caught.value.headers["location"] == f"{other.url}/steal"  # plain data
        assert other.paths == []  # neither the Authorization header nor a body went there
    finally:
        other.stop()


# -- refused before anything is sent ---------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bad_id", [".", "..", "a/b", "../errors"])
async def test_a_path_id_of_dots_or_with_a_slash_is_refused(
    mode: str, raw: RawServer, bad_id: str
) -> None:
    # httpx would remove the dot segments: find("..") would GET /v2/ instead.
    with pytest.raises(InvalidRequestError, match="path id") as caught:
        await _run(mode, _client(mode, raw.url), lambda c: c.exchanges.find(bad_id))
    assert isinstance(caught.value, ValueError)
    assert raw.paths == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_closed_client_raises_a_typed_error(mode: str) -> None:
    client = _client(mode, "https://api.test/v2")
    await client.aclose() if mode == "async" else client.close()
    with pytest.raises(APIConnectionError, match="closed") as caught:
        result = _find(client)
        await result if mode == "async" else result
    assert caught.value.method == "GET"
    assert caught.value.url == f"https://api.test/v2/exchanges/{EXCHANGE_ID}"


# -- save(): no partial file left, a full disk typed -------------------------------------------


def _artifact_client() -> DataSync:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=gzip.compress(b'{"a": 1}', mtime=0))

    return DataSync(
        "https://api.test/v2", auth=BearerToken("t"), transport=httpx.MockTransport(answer)
    )


def test_save_removes_what_a_killed_save_left(tmp_path: Path) -> None:
    stale = tmp_path / ".details.json.abc123.partial"
    stale.write_bytes(b"half")  # no process holds its lock: its writer is gone
    with _artifact_client() as client:
        assert client.artifacts.get_exchange_details(EXCHANGE_ID).save(tmp_path / "details.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["details.json"]


def test_a_full_disk_is_a_typed_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with _artifact_client() as client, pytest.raises(ArtifactError, match="No space left"):
        client.artifacts.get_exchange_details(EXCHANGE_ID).save(tmp_path / "details.json")
    assert list(tmp_path.iterdir()) == []
