"""Starting and stopping, the command line, the pytest plugin and the JWT helper."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import math
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import datasync_grades_sandbox
from datasync_grades_sandbox import Sandbox, mint_lti_jwt
from datasync_grades_sandbox._jwt import JWTError, verify_lti_jwt

SANDBOX_DIR = Path(datasync_grades_sandbox.__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SANDBOX_DIR), env.get("PYTHONPATH")]))
    return env


def test_start_stop_and_urls() -> None:
    sandbox = Sandbox()
    assert not sandbox.running
    with pytest.raises(RuntimeError):
        sandbox.base_url  # noqa: B018
    with sandbox:
        assert sandbox.running
        assert sandbox.base_url == f"http://127.0.0.1:{sandbox.port}/v2/grades"
        assert sandbox.token_url == f"http://127.0.0.1:{sandbox.port}/oauth/token"
        assert (sandbox.client_id, sandbox.client_secret) == ("sandbox-client", "sandbox-secret")
        with pytest.raises(RuntimeError):
            sandbox.start()
        assert httpx.get(f"{sandbox.base_url}/consumer").status_code == 401
        base_url = sandbox.base_url
    assert not sandbox.running
    sandbox.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/consumer")


def test_stop_closes_open_connections() -> None:
    with Sandbox() as sandbox, httpx.Client() as client:
        assert client.get(f"{sandbox.base_url}/consumer").status_code == 401
        base_url = sandbox.base_url
        sandbox.stop()
        with pytest.raises(httpx.TransportError):
            client.get(f"{base_url}/consumer")


def test_listens_on_loopback_only(sandbox: Sandbox) -> None:
    assert sandbox._server is not None
    assert sandbox._server.server_address[0] == "127.0.0.1"


def test_reset_gives_fresh_seeded_state(sandbox: Sandbox) -> None:
    seed_ids = (list(sandbox.state.schedules), list(sandbox.state.sections))
    sandbox.seed_exchanges(2)
    sandbox.reset()
    assert sandbox.state.exchanges == {}
    assert (list(sandbox.state.schedules), list(sandbox.state.sections)) == seed_ids
    sandbox.reset(seed_data=False)
    assert sandbox.state.schedules == {} and sandbox.state.consumer is None


def test_ids_are_the_same_for_every_fresh_sandbox(sandbox: Sandbox) -> None:
    other = Sandbox()
    assert list(other.state.schedules) == list(sandbox.state.schedules)
    assert other.seed_exchanges(1) == sandbox.seed_exchanges(1)


def test_session_fixture(datasync_sandbox_session: Sandbox) -> None:
    assert datasync_sandbox_session.running
    token = datasync_sandbox_session.issue_token()
    reply = httpx.get(
        f"{datasync_sandbox_session.base_url}/schedules",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 200


def test_command_line_serves_until_terminated() -> None:
    command = [sys.executable, "-m", "datasync_grades_sandbox", "--port", "0", "--token-ttl", "60"]
    command += ["--seed-exchanges", "2", "--course", "MATH-101", "--course", "BIO-201"]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        printed: dict[str, str] = {}
        for line in proc.stdout:
            if line.startswith("Serving"):
                break
            key, _, value = line.partition(":")
            printed[key.strip()] = value.strip()
        assert set(printed) == {
            "base_url",
            "token_url",
            "client_id",
            "client_secret",
            "lti_secret",
            "waiting",
        }
        assert printed["waiting"] == "4 exchanges (state created)"
        token = httpx.post(
            printed["token_url"],
            data={
                "grant_type": "client_credentials",
                "client_id": printed["client_id"],
                "client_secret": printed["client_secret"],
            },
        ).json()
        assert token["expires_in"] == 60
        with httpx.Client(
            base_url=printed["base_url"],
            headers={"Authorization": f"Bearer {token['access_token']}"},
        ) as api:
            assert api.get("/consumer").status_code == 200
            waiting = api.get("/exchanges", params={"state": "created"}).json()["data"]
            assert sorted(e["course_app_id"] for e in waiting) == ["BIO-201"] * 2 + ["MATH-101"] * 2
            math = api.get("/exchanges", params={"course_app_id": "MATH-101"}).json()["data"]
            assert [c["scope_id"]["name"] for e in math for c in e["query"]["conditions"]] == [
                "MATH-101",
                "MATH-101",
            ]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.mark.parametrize(
    "arguments",
    [["--course", "MATH-101"], ["--seed-exchanges", "-1"]],
    ids=["no-count", "negative"],
)
def test_command_line_refuses_impossible_seeding(arguments: list[str]) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "datasync_grades_sandbox", "--port", "0", *arguments],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert run.returncode == 2
    assert "--seed-exchanges" in run.stderr or "--course" in run.stderr


def test_plugin_import_needs_no_server_dependencies() -> None:
    # pytest imports the plugin in every project with the package installed, extra or not
    code = (
        "import sys, datasync_grades_sandbox.pytest_plugin;"
        "print(sorted(m for m in ('werkzeug', 'openapi_core', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True
    )
    assert out.stdout.strip() == "[]"


def test_public_surface() -> None:
    assert sorted(datasync_grades_sandbox.__all__) == [
        "DEFAULT_CLIENT_ID",
        "DEFAULT_CLIENT_SECRET",
        "DEFAULT_LTI_SECRET",
        "FaultCounters",
        "Faults",
        "GradeData",
        "Sandbox",
        "SandboxState",
        "mint_lti_jwt",
    ]
    for name in datasync_grades_sandbox.__all__:
        assert getattr(datasync_grades_sandbox, name) is not None
    with pytest.raises(AttributeError):
        datasync_grades_sandbox.nothing  # noqa: B018


def test_jwt_round_trip_and_tampering() -> None:
    token = mint_lti_jwt("s3cret", claims={"sub": "u1", "aud": "x"}, ttl=60, now=1_000)
    claims = verify_lti_jwt(token, "s3cret", now=1_030)
    assert (claims["sub"], claims["exp"], claims["iat"]) == ("u1", 1_060, 1_000)
    with pytest.raises(JWTError, match="expired"):
        verify_lti_jwt(token, "s3cret", now=1_060)
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload[:-2]}xx.{signature}"
    with pytest.raises(JWTError):
        verify_lti_jwt(tampered, "s3cret", now=1_030)
    with pytest.raises(JWTError, match="not a JWT"):
        verify_lti_jwt("abc", "s3cret", now=1_030)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:5] + "!*" + s[5:],  # outside base64url: a lax decoder skips them
        lambda s: s[:5] + "=" + s[5:],
        lambda s: s + "==",  # padding: JWTs are unpadded
        lambda s: s[:5] + "+/" + s[5:],  # the other base64 alphabet
        lambda s: s[:5] + "    " + s[5:],
        lambda s: s + "AA",  # a length no whole number of bytes has
    ],
    ids=["junk", "inner-padding", "padding", "plain-alphabet", "spaces", "dangling"],
)
def test_jwt_signature_base64url_is_strict(mangle: Callable[[str], str]) -> None:
    token = mint_lti_jwt("s3cret", ttl=60, now=1_000)
    header, payload, signature = token.split(".")
    with pytest.raises(JWTError, match="base64url"):
        verify_lti_jwt(f"{header}.{payload}.{mangle(signature)}", "s3cret", now=1_030)


def test_jwt_signature_must_be_the_canonical_encoding() -> None:
    token = mint_lti_jwt("s3cret", ttl=60, now=1_000)
    header, payload, signature = token.split(".")
    # 32 bytes are 43 characters whose last one carries 2 padding bits: "A" and "B" decode
    # to the same bytes when only those bits differ. Flip them and the bytes stay the same.
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(signature[-1])
    twin = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last ^ 1]
    with pytest.raises(JWTError, match="base64url"):
        verify_lti_jwt(f"{header}.{payload}.{signature[:-1]}{twin}", "s3cret", now=1_030)


def test_a_jwt_with_junk_in_its_signature_is_a_401(sandbox: Sandbox) -> None:
    header, payload, signature = sandbox.mint_lti_jwt(ttl=60).split(".")
    good = f"{header}.{payload}.{signature}"
    junk = f"{header}.{payload}.{signature[:10]}*~{signature[10:]}"
    for token, status in ((good, 200), (junk, 401)):
        reply = httpx.get(
            f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {token}"}
        )
        assert reply.status_code == status, reply.text


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /v2/grades/consumer HTTP/1.1\r\nHost: 127.0.0.1\r\n"],
    ids=["nothing", "half-a-request"],
)
def test_a_silent_connection_is_closed_after_idle_timeout(
    datasync_sandbox_factory: Callable[..., Sandbox], sent: bytes
) -> None:
    # Each connection holds one of the server's threads: one that never finishes a request
    # held it forever. The client waits far longer than the sandbox's bound; it must see the
    # sandbox close the connection (b""), not its own timeout.
    sandbox = datasync_sandbox_factory(idle_timeout=0.2)
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=30) as sock:
        sock.sendall(sent)
        assert sock.recv(65536) == b""
    reply = httpx.get(
        f"{sandbox.base_url}/consumer",
        headers={"Authorization": f"Bearer {sandbox.issue_token()}"},
    )
    assert reply.status_code == 200


async def test_a_silent_body_is_closed_after_idle_timeout_and_nothing_is_stored(
    datasync_sandbox_factory: Callable[..., Sandbox], caplog: pytest.LogCaptureFixture
) -> None:
    # Headers announce a body that never comes: the app's read of it times out, and the
    # connection is closed without an answer (and without a logged sandbox failure).
    sandbox = datasync_sandbox_factory(idle_timeout=0.2)
    exchanges = len(sandbox.state.exchanges)
    reader, writer = await asyncio.open_connection("127.0.0.1", sandbox.port)
    head = (
        "POST /v2/grades/exchanges HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {sandbox.issue_token()}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
    )
    writer.write(head.encode())
    await writer.drain()
    assert await asyncio.wait_for(reader.read(), timeout=30) == b""
    writer.close()
    assert len(sandbox.state.exchanges) == exchanges
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("idle_timeout", [0, -1.0, math.inf, math.nan])
def test_idle_timeout_must_be_positive(idle_timeout: float) -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        Sandbox(idle_timeout=idle_timeout)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)


@given(
    header=st.one_of(JSON_VALUES, st.fixed_dictionaries({"alg": st.just("HS256")})),
    claims=st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(["exp", "nbf"]), JSON_VALUES)),
)
def test_a_signed_jwt_of_any_json_is_accepted_or_refused_with_jwterror(
    header: object, claims: object
) -> None:
    def b64(value: object) -> str:
        raw = json.dumps(value).encode()  # NaN and Infinity included, as json.loads reads them
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = hmac.new(b"s3cret", signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    try:
        accepted = verify_lti_jwt(token, "s3cret", now=1_000)
    except JWTError:
        return
    exp = accepted["exp"]
    assert exp > 1_000
    assert isinstance(exp, int) or math.isfinite(exp)
