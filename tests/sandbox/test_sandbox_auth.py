"""The token endpoint (RFC 6749 client credentials) and the bearer check of API requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from urllib.parse import quote_plus

import httpx
import pytest

from datasync_grades_sandbox import Sandbox, mint_lti_jwt

GRANT = {"grant_type": "client_credentials"}


def _basic(client_id: str, secret: str) -> str:
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def test_client_secret_post_issues_a_working_token(sandbox: Sandbox) -> None:
    reply = httpx.post(
        sandbox.token_url,
        data={**GRANT, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret},
    )
    assert reply.status_code == 200
    body = reply.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert reply.headers["cache-control"] == "no-store"
    api = httpx.get(
        f"{sandbox.base_url}/consumer", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert api.status_code == 200


def test_client_secret_basic_issues_a_token_and_decodes_form_encoding(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    # RFC 6749 2.3.1: id and secret are form-urlencoded before base64, so ':' and '&' survive
    sandbox = datasync_sandbox_factory(clients={"app:1": "s3cr&t +x"})
    reply = httpx.post(
        sandbox.token_url, data=GRANT, headers={"Authorization": _basic("app:1", "s3cr&t +x")}
    )
    assert reply.status_code == 200, reply.text
    assert sandbox.tokens_issued == 1


async def test_token_endpoint_async(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient() as client:
        reply = await client.post(
            sandbox.token_url,
            data={**GRANT, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret},
        )
    assert reply.status_code == 200
    assert reply.json()["access_token"]


@pytest.mark.parametrize(
    ("data", "headers", "status", "error"),
    [
        (
            {**GRANT, "client_id": "sandbox-client", "client_secret": "wrong"},
            {},
            401,
            "invalid_client",
        ),
        (
            {**GRANT, "client_id": "nobody", "client_secret": "sandbox-secret"},
            {},
            401,
            "invalid_client",
        ),
        ({**GRANT}, {"Authorization": _basic("sandbox-client", "wrong")}, 401, "invalid_client"),
        ({**GRANT}, {}, 401, "invalid_client"),
        (
            {
                "grant_type": "password",
                "client_id": "sandbox-client",
                "client_secret": "sandbox-secret",
            },
            {},
            400,
            "unsupported_grant_type",
        ),
        (
            {"client_id": "sandbox-client", "client_secret": "sandbox-secret"},
            {},
            400,
            "invalid_request",
        ),
        (
            {**GRANT, "client_secret": "sandbox-secret"},
            {"Authorization": _basic("sandbox-client", "sandbox-secret")},
            400,
            "invalid_request",
        ),
        ({**GRANT}, {"Authorization": "Basic !!!not-base64"}, 400, "invalid_request"),
    ],
    ids=[
        "wrong-secret",
        "unknown-client",
        "basic-wrong-secret",
        "no-credentials",
        "password-grant",
        "no-grant-type",
        "two-auth-methods",
        "malformed-basic",
    ],
)
def test_token_errors_follow_rfc6749(
    sandbox: Sandbox, data: dict[str, str], headers: dict[str, str], status: int, error: str
) -> None:
    reply = httpx.post(sandbox.token_url, data=data, headers=headers)
    assert reply.status_code == status
    assert reply.json()["error"] == error
    assert "error_description" in reply.json()
    if error == "invalid_client":
        assert reply.headers["www-authenticate"].startswith("Basic ")
    assert sandbox.tokens_issued == 0


def test_token_endpoint_wants_a_form_post(sandbox: Sandbox) -> None:
    as_json = httpx.post(
        sandbox.token_url,
        json={**GRANT, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret},
    )
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")
    get = httpx.get(sandbox.token_url)
    assert get.status_code == 405
    assert get.headers["allow"] == "POST"


def test_configured_token_ttl_is_announced_and_enforced(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sandbox = datasync_sandbox_factory(token_ttl=30)
    body = httpx.post(
        sandbox.token_url,
        data={**GRANT, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret},
    ).json()
    assert body["expires_in"] == 30
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    sandbox.advance_clock(29)
    assert httpx.get(f"{sandbox.base_url}/consumer", headers=headers).status_code == 200
    sandbox.advance_clock(2)
    expired = httpx.get(f"{sandbox.base_url}/consumer", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "invalid_token"
    assert "expired" in expired.json()["error"]["message"]
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    assert sandbox.response_validation_errors == []


def test_fractional_ttl_is_sent_as_is(datasync_sandbox_factory: Callable[..., Sandbox]) -> None:
    sandbox = datasync_sandbox_factory(token_ttl=0.5)
    body = httpx.post(
        sandbox.token_url,
        data={**GRANT, "client_id": sandbox.client_id, "client_secret": sandbox.client_secret},
    ).json()
    assert body["expires_in"] == 0.5


def test_missing_token_gets_401_with_challenge_and_error_body(sandbox: Sandbox) -> None:
    reply = httpx.get(f"{sandbox.base_url}/exchanges")
    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == 'Bearer realm="datasync-grades-sandbox"'
    assert reply.json()["error"]["status"] == 401


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Basic c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=", "Bearer a.b.c"],
)
def test_bad_credentials_get_401(sandbox: Sandbox, authorization: str) -> None:
    reply = httpx.get(f"{sandbox.base_url}/exchanges", headers={"Authorization": authorization})
    assert reply.status_code == 401
    assert "error=" in reply.headers["www-authenticate"]
    assert reply.json()["error"]["code"] in {"invalid_token", "invalid_request"}


def test_revoked_tokens_stop_working(sandbox: Sandbox, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{sandbox.base_url}/consumer", headers=headers).status_code == 200
    sandbox.revoke_tokens()
    assert httpx.get(f"{sandbox.base_url}/consumer", headers=headers).status_code == 401


def test_lti_jwt_is_accepted(sandbox: Sandbox) -> None:
    jwt = mint_lti_jwt(sandbox.lti_secret or "", claims={"sub": "teacher-1"}, ttl=60)
    reply = httpx.get(f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {jwt}"})
    assert reply.status_code == 200


async def test_lti_jwt_is_accepted_async(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient() as client:
        reply = await client.get(
            f"{sandbox.base_url}/schedules",
            headers={"Authorization": f"Bearer {sandbox.mint_lti_jwt(ttl=60)}"},
        )
    assert reply.status_code == 200


def _forged(header_b64: str, payload: str) -> str:
    body = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    return f"{header_b64}.{body}."


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda sb: mint_lti_jwt("another-secret", ttl=60), "signature"),
        (lambda sb: sb.mint_lti_jwt(ttl=-10), "expired"),
        (lambda sb: mint_lti_jwt(sb.lti_secret, claims={"exp": None}), "exp"),
        (lambda sb: mint_lti_jwt(sb.lti_secret, claims={"nbf": sb.now() + 600}), "not yet"),
        # alg "none" with an empty signature must not pass
        (lambda sb: _forged("eyJhbGciOiJub25lIn0", '{"exp": 9999999999}'), "algorithm"),
    ],
    ids=["wrong-secret", "expired", "no-exp", "not-yet-valid", "alg-none"],
)
def test_bad_lti_jwts_are_refused(sandbox: Sandbox, make: object, reason: str) -> None:
    jwt = make(sandbox)  # type: ignore[operator]
    reply = httpx.get(f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {jwt}"})
    assert reply.status_code == 401
    assert reason in reply.json()["error"]["message"]


def test_jwts_refused_when_no_lti_secret(datasync_sandbox_factory: Callable[..., Sandbox]) -> None:
    sandbox = datasync_sandbox_factory(lti_secret=None)
    jwt = mint_lti_jwt("sandbox-lti-secret", ttl=60)
    reply = httpx.get(f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {jwt}"})
    assert reply.status_code == 401
    with pytest.raises(RuntimeError):
        sandbox.mint_lti_jwt()


def test_secrets_stay_out_of_reprs(sandbox: Sandbox) -> None:
    token = sandbox.issue_token()
    for text in (repr(sandbox), repr(sandbox._tokens)):
        assert sandbox.client_secret not in text
        assert token not in text


def _signed(sandbox: Sandbox, header: str, payload: str) -> str:
    """A JWT of raw JSON texts, correctly signed with the sandbox's LTI secret."""
    return _sign_raw(sandbox.lti_secret or "", header, payload)


def _sign_raw(secret: str, header: str, payload: str) -> str:
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(header.encode())}.{b64(payload.encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


HS256 = '{"alg": "HS256", "typ": "JWT"}'


@pytest.mark.parametrize(
    "exp", ["Infinity", "NaN", "-Infinity", "1e999", '"9999999999"', "true", "[9999999999]"]
)
def test_a_jwt_whose_exp_is_not_a_finite_number_is_refused(sandbox: Sandbox, exp: str) -> None:
    # json.loads reads Infinity, NaN and 1e999: such an exp compared with the clock never expired
    jwt = _signed(sandbox, HS256, f'{{"sub": "x", "exp": {exp}}}')
    reply = httpx.get(f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {jwt}"})
    assert reply.status_code == 401
    assert (
        reply.json()["error"]["message"] == "Invalid LTI JWT: JWT has no finite numeric exp claim"
    )


@pytest.mark.parametrize("nbf", ["NaN", '"0"', "null"])
def test_a_jwt_whose_nbf_is_not_a_finite_number_is_refused(sandbox: Sandbox, nbf: str) -> None:
    jwt = _signed(sandbox, HS256, f'{{"exp": {int(sandbox.now()) + 60}, "nbf": {nbf}}}')
    reply = httpx.get(f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {jwt}"})
    assert reply.status_code == 401
    assert "nbf" in reply.json()["error"]["message"]


def test_a_finite_exp_still_works_either_side_of_expiry(sandbox: Sandbox) -> None:
    jwt = _signed(sandbox, HS256, f'{{"exp": {sandbox.now() + 60.5}}}')
    headers = {"Authorization": f"Bearer {jwt}"}
    assert httpx.get(f"{sandbox.base_url}/schedules", headers=headers).status_code == 200
    sandbox.advance_clock(61)
    reply = httpx.get(f"{sandbox.base_url}/schedules", headers=headers)
    assert reply.json()["error"]["message"] == "Invalid LTI JWT: JWT expired"


NESTED = "[" * 5000 + "]" * 5000  # deeper than json's recursion limit, shorter than a header line


@pytest.mark.parametrize(
    ("header", "payload"),
    [(NESTED, '{"exp": 9999999999}'), (HS256, NESTED), ('{"alg": ' + NESTED + "}", "{}")],
    ids=["nested-header", "nested-claims", "nested-alg"],
)
def test_a_deeply_nested_jwt_is_a_json_401_not_a_sandbox_failure(
    sandbox: Sandbox, header: str, payload: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Sent before any authentication, with or without a valid signature: the sandbox answered
    # 500 and logged a RecursionError traceback.
    caplog.set_level(logging.DEBUG, logger="datasync_grades_sandbox")
    for jwt in (_signed(sandbox, header, payload), _sign_raw("not-the-secret", header, payload)):
        reply = httpx.get(
            f"{sandbox.base_url}/schedules", headers={"Authorization": f"Bearer {jwt}"}
        )
        assert reply.status_code == 401, reply.text
        assert reply.headers["content-type"] == "application/json"
        assert reply.json() == {
            "error": {
                "status": 401,
                "code": "invalid_token",
                "message": "Invalid LTI JWT: malformed JWT",
            }
        }
        assert 'error="invalid_token"' in reply.headers["www-authenticate"]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []


async def test_a_deeply_nested_jwt_is_a_json_401_async(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient() as client:
        reply = await client.get(
            f"{sandbox.base_url}/schedules",
            headers={"Authorization": f"Bearer {_signed(sandbox, NESTED, '{}')}"},
        )
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "invalid_token"
