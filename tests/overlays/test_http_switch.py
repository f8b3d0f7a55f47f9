"""The HTTP library switch (``DATASYNC_GRADES_HTTP``, docs/httpx2.md): each test runs a child
Python with the variable set, on httpx and on httpx2 alike, since the choice is made once at
import. The child serves 127.0.0.1 itself and prints its findings as one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

import httpx2  # noqa: F401  (every session that runs this installs the [httpx2] extra)
import pytest

LIBRARIES = ["httpx", "httpx2"]
OTHER = {"httpx": "httpx2", "httpx2": "httpx"}
SECRET = "s3cr3t-token-value"

_PRELUDE = f"""
import asyncio, gzip, json, logging, socket, ssl, sys, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import datasync_grades
from datasync_grades import AsyncDataSync, BearerToken, DataSync, DataSyncError
from datasync_grades._http import httpcore, httpx

SECRET = {SECRET!r}
EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
BODY = json.dumps({{"data": {{"id": str(EXCHANGE_ID), "state": "created"}}}}).encode()
seen = []  # the request headers the server got
replies = []  # (headers, body) to answer, in order; BODY when none is left

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        seen.append({{k.lower(): v for k, v in self.headers.items()}})
        headers, body = replies.pop(0) if replies else ({{}}, BODY)
        self.send_response(200)
        for name, value in {{"Content-Type": "application/json", **headers}}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

def serve(context=None):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    scheme = "http" if context is None else "https"
    return f"{{scheme}}://127.0.0.1:{{httpd.server_address[1]}}"

def find(url, **options):
    with DataSync(url, auth=BearerToken(SECRET), max_retries=0, **options) as client:
        return client.exchanges.find(EXCHANGE_ID)

async def afind(url, **options):
    async with AsyncDataSync(url, auth=BearerToken(SECRET), max_retries=0, **options) as c:
        return await c.exchanges.find(EXCHANGE_ID)

def outcome(call):
    try:
        call()
    except DataSyncError as exc:
        return type(exc).__name__
    return "ok"

def report(**values):
    print(json.dumps(values))
"""


def _child(library: str, script: str, **env: str) -> dict[str, Any]:
    """Run ``script`` after the prelude under ``DATASYNC_GRADES_HTTP=library``; its report."""
    environ = {**os.environ, **env, "DATASYNC_GRADES_HTTP": library}
    environ["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if name not in env:
            environ.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(script)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("library", LIBRARIES)
def test_only_the_selected_library_is_imported_and_used(library: str) -> None:
    found = _child(
        library,
        """
        url = serve()
        find(url)
        asyncio.run(afind(url))
        from datasync_grades_api import client
        from datasync_grades_api.api.exchanges import find_exchange
        roots = {name.partition(".")[0] for name in sys.modules}
        report(
            roots=sorted(roots & {"httpx", "httpcore", "httpx2", "httpcore2"}),
            generated=[find_exchange.httpx.__name__, client.httpx.__name__],
            agents=[headers["user-agent"] for headers in seen],
            version=httpx.__version__,
        )
        """,
    )
    core = library.replace("httpx", "httpcore")
    assert found["roots"] == sorted([library, core])
    assert found["generated"] == [library, library]
    agent = f"datasync-grades/{datasync_version()} {library}/{found['version']}"
    assert found["agents"] == [agent, agent]


def datasync_version() -> str:
    import datasync_grades

    return datasync_grades.__version__


def test_an_unknown_library_fails_at_import() -> None:
    environ = {**os.environ, "DATASYNC_GRADES_HTTP": "requests"}
    environ["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
    done = subprocess.run(
        [sys.executable, "-c", "from datasync_grades import DataSync"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "DATASYNC_GRADES_HTTP='requests': expected 'httpx' or 'httpx2'" in done.stderr


@pytest.mark.parametrize("library", LIBRARIES)
def test_an_object_of_the_other_library_is_a_type_error(library: str) -> None:
    other = OTHER[library]
    found = _child(
        library,
        f"""
        import {other} as other
        class OtherAuth(other.Auth):
            pass
        given = {{
            "transport": {{"transport": other.MockTransport(lambda request: None)}},
            "timeout": {{"timeout": other.Timeout(5.0)}},
            "limits": {{"limits": other.Limits(max_connections=1)}},
            "proxy": {{"proxy": other.Proxy("http://127.0.0.1:1")}},
        }}
        errors = {{}}
        for name, options in given.items():
            for make in (DataSync, AsyncDataSync):
                try:
                    make("http://127.0.0.1:1", auth=BearerToken(SECRET), **options)
                except TypeError as exc:
                    errors[f"{{make.__name__}} {{name}}"] = str(exc)
        for make in (DataSync, AsyncDataSync):
            try:
                make("http://127.0.0.1:1", auth=OtherAuth())
            except TypeError as exc:
                errors[f"{{make.__name__}} auth"] = str(exc)
        # the same objects of the selected library are taken
        with DataSync("http://127.0.0.1:1", auth=BearerToken(SECRET), timeout=httpx.Timeout(5),
                      limits=httpx.Limits(max_connections=1)) as client:
            try:
                client._sender.derive({{"timeout": other.Timeout(1.0)}})
            except TypeError as exc:
                errors["derive timeout"] = str(exc)
        report(errors=errors)
        """,
    )
    errors = found["errors"]
    names = ["transport", "timeout", "limits", "proxy", "auth"]
    expected = [f"{make} {name}" for name in names for make in ("DataSync", "AsyncDataSync")]
    assert sorted(errors) == sorted([*expected, "derive timeout"])
    for message in errors.values():
        assert f"of {other}" in message
        assert f"DATASYNC_GRADES_HTTP selects {library}" in message


@pytest.mark.parametrize("library", LIBRARIES)
def test_tls_trusts_certifi_under_httpx_and_the_system_under_httpx2(
    library: str, tmp_path: Any
) -> None:
    import trustme

    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
        str(tmp_path / "server.pem")
    )
    script = f"""
        import certifi, platform
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain({str(tmp_path / "server.pem")!r})
        url = serve(context)
        def authorities(context):
            return sorted(cert["serialNumber"] for cert in context.get_ca_certs())
        def loaded(cafile):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.load_verify_locations(cafile)
            return authorities(context)
        with DataSync(url, auth=BearerToken(SECRET)) as client:
            used = authorities(client._sender.http._transport._pool._ssl_context)
        report(
            sync=outcome(lambda: find(url)),
            asynchronous=outcome(lambda: asyncio.run(afind(url))),
            used=used,
            certifi=loaded(certifi.where()),
            system=loaded(ssl.get_default_verify_paths().openssl_cafile),
            linux=platform.system() == "Linux",
        )
        """
    untrusted = _child(library, script)
    # by default neither trusts a private CA: the request fails, as a typed error
    assert untrusted["sync"] == untrusted["asynchronous"] == "APIConnectionError"
    if not untrusted["linux"]:  # truststore: the OS's own store, not a file to compare
        pytest.skip("httpx2 uses truststore on macOS and Windows")
    expected = "certifi" if library == "httpx" else "system"
    assert untrusted["used"] == untrusted[expected]
    if untrusted["certifi"] != untrusted["system"]:
        unexpected = "system" if library == "httpx" else "certifi"
        assert untrusted["used"] != untrusted[unexpected]
    # both honour SSL_CERT_FILE (trust_env, the default)
    trusted = _child(library, script, SSL_CERT_FILE=str(tmp_path / "ca.pem"))
    assert trusted["sync"] == trusted["asynchronous"] == "ok"


@pytest.mark.parametrize("library", LIBRARIES)
def test_debug_logs_come_from_the_selected_library_and_hold_no_secret(library: str) -> None:
    found = _child(
        library,
        """
        records = []
        class Keep(logging.Handler):
            def emit(self, record):
                records.append((record.name, record.getMessage()))
        logging.getLogger().addHandler(Keep())
        logging.getLogger().setLevel(logging.DEBUG)
        url = serve()
        replies.append(({"Set-Cookie": "session=" + SECRET}, BODY))
        find(url)
        asyncio.run(afind(url))
        report(
            names=sorted({name.partition(".")[0] for name, _ in records}),
            leaks=[(name, text) for name, text in records if SECRET in text],
            ours=[text for name, text in records if name == "datasync_grades"],
        )
        """,
    )
    libraries = {"httpx", "httpcore", "httpx2", "httpcore2"} & set(found["names"])
    assert libraries == {library, library.replace("httpx", "httpcore")}
    assert "datasync_grades" in found["names"]
    # httpcore's own trace quotes response headers (the Set-Cookie), as it does under httpx
    assert all(name.startswith(("httpcore", "httpx")) for name, _ in found["leaks"])
    assert not any("authorization" in text.lower() for _, text in found["leaks"])
    ours = found["ours"]
    assert any("'authorization': '[redacted]'" in text for text in ours), ours
    assert any("'set-cookie': '[redacted]'" in text for text in ours), ours
    assert not any(SECRET in text for text in ours)


@pytest.mark.parametrize("library", LIBRARIES)
def test_gzip_is_decoded_by_the_client_at_most_two_layers_and_other_codings_refused(
    library: str,
) -> None:
    found = _child(
        library,
        """
        cases = {
            "gzip": gzip.compress(BODY, mtime=0),
            "gzip, gzip": gzip.compress(gzip.compress(BODY), mtime=0),
            "gzip, gzip, gzip": gzip.compress(gzip.compress(gzip.compress(BODY)), mtime=0),
            "deflate": BODY,
            "br": BODY,
            "zstd": BODY,
            "gzip, br": gzip.compress(BODY, mtime=0),
        }
        url = serve()
        results = {}
        for coding, body in cases.items():
            replies.append(({"Content-Encoding": coding}, body))
            replies.append(({"Content-Encoding": coding}, body))
            results[coding] = [
                outcome(lambda: find(url)), outcome(lambda: asyncio.run(afind(url)))
            ]
        report(results=results, accepted=sorted({h["accept-encoding"] for h in seen}))
        """,
    )
    assert found["accepted"] == ["gzip"]
    refused = ["ResponseValidationError", "ResponseValidationError"]
    assert found["results"] == {
        "gzip": ["ok", "ok"],
        "gzip, gzip": ["ok", "ok"],
        "gzip, gzip, gzip": refused,
        "deflate": refused,
        "br": refused,
        "zstd": refused,
        "gzip, br": refused,
    }


@pytest.mark.parametrize("library", LIBRARIES)
def test_total_timeout_cuts_headers_that_trickle_forever(library: str) -> None:
    """A byte of the headers every 50 ms never trips a per-read timeout: only the deadline's
    network backend (sync, set on the library's own pool) or asyncio.timeout (async) stops it.
    Without them the child would hang until the subprocess timeout fails the test."""
    found = _child(
        library,
        """
        listener = socket.create_server(("127.0.0.1", 0))
        def trickle(connection):
            try:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\\r\\n")
                while True:
                    connection.sendall(b"X")
                    time.sleep(0.05)
            except OSError:
                pass
        def accept():
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=trickle, args=(connection,), daemon=True).start()
        threading.Thread(target=accept, daemon=True).start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with DataSync(url, auth=BearerToken(SECRET)) as client:
            backend = type(client._sender.http._transport._pool._network_backend).__qualname__
        options = {"timeout": 30.0, "total_timeout": 0.5}
        report(
            backend=backend,
            sync=outcome(lambda: find(url, **options)),
            asynchronous=outcome(lambda: asyncio.run(afind(url, **options))),
        )
        """,
    )
    assert found == {
        "backend": "_Cut",
        "sync": "APITimeoutError",
        "asynchronous": "APITimeoutError",
    }
