"""Logging: one line per request and per retry, no secrets, DATASYNC_GRADES_LOG."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from datasync_grades import AsyncDataSync, BearerToken, DataSync, NotFoundError
from datasync_grades._http import httpx
from datasync_grades._logging import (
    ENV_VAR,
    LOGGER_NAME,
    configure_from_env,
    redact_url,
)
from datasync_grades._redact import Redactor
from datasync_grades_api.api.exchanges import find_exchange

if TYPE_CHECKING:
    from collections.abc import Callable

    from _overlay_support import ScriptedServer, SyncOrAsync

EXCHANGE_ID = uuid.UUID("123e4567-e89b-12d3-a456-426614174000")
EXCHANGE = {"data": {"id": str(EXCHANGE_ID), "state": "created"}}
SECRET = "s3cr3t-token-value"


@pytest.mark.parametrize(
    ("name", "redacted"),
    [
        ("Authorization", True),
        ("authorization", True),
        ("Proxy-Authorization", True),
        ("Cookie", True),
        ("Set-Cookie", True),
        ("X-Cookie-Consent", True),  # by the word, as "auth" covers Proxy-Authorization
        ("X-Api-Key", True),
        ("X-Auth-Token", True),
        ("Client-Secret", True),
        ("X-Session-Id", True),
        ("Accept", False),
        ("Content-Type", False),
        ("User-Agent", False),
        ("X-Request-Id", False),
        ("Retry-After", False),
    ],
)
def test_redact_headers(name: str, redacted: bool) -> None:
    shown = Redactor().headers({name: "value-123"})
    assert shown == {name: "[redacted]" if redacted else "value-123"}


def test_redact_headers_takes_httpx_headers_with_repeats() -> None:
    headers = httpx.Headers(
        [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("Vary", "A"), ("Vary", "B")]
    )
    assert Redactor().headers(headers) == {"set-cookie": "[redacted]", "vary": "A, B"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pw@api.example/v2/grades?page=1", "https://api.example/v2/grades?page=1"),
        ("https://api.example/v2/grades", "https://api.example/v2/grades"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_url(httpx.URL(url)) == expected


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    """The package logger, restored to its state after the test."""
    logger = logging.getLogger(LOGGER_NAME)
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


async def test_no_secret_in_logs_at_debug(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's, httpcore's
    scripted_server.reply(503, headers={"Set-Cookie": "sid=cookie-secret"})
    scripted_server.reply(401)  # the auth flow refreshes
    scripted_server.reply(200, json=EXCHANGE, headers={"X-Request-Id": "req-7"})
    scripted_server.reply(404, json={"error": {"message": "gone"}})
    client = make_scripted_client(cookies={"sid": "cookie-secret"})
    await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    with pytest.raises(NotFoundError):
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    assert scripted_server.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    ours = [r for r in caplog.records if r.name == LOGGER_NAME]
    assert any("[redacted]" in r.getMessage() for r in ours)
    for record in caplog.records:  # httpx's and httpcore's too: they never log request headers
        assert SECRET not in record.getMessage(), record.name
    for record in ours:  # httpcore logs response headers (Set-Cookie) at DEBUG; we do not
        assert "cookie-secret" not in record.getMessage()


async def test_debug_header_logs_redact_a_token_echoed_in_any_header(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Judged by name alone, X-Echo and X-Debug were logged whole, token included.
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsb2dzIn0.c2lnbmF0dXJlLWxvZ3M"
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    echoed = {"X-Echo": f"Bearer {token}", "X-Debug": f"seen={token}; ok"}
    scripted_server.reply(200, json=EXCHANGE, headers=echoed)
    client = make_scripted_client(auth=BearerToken(lambda: token))
    await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    [response_headers] = [m for m in messages if m.startswith("response headers")]
    assert "'x-echo': 'Bearer [redacted]'" in response_headers
    assert "'x-debug': 'seen=[redacted]; ok'" in response_headers
    assert [m for m in messages if token in m] == []


async def test_one_info_line_per_request_and_per_retry(
    scripted_server: ScriptedServer,
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    scripted_server.reply(503)
    scripted_server.reply(200, json=EXCHANGE, headers={"X-Request-Id": "req-7"})
    client = make_scripted_client()
    await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    url = f"{scripted_server.url}/exchanges/{EXCHANGE_ID}"
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert len(messages) == 2, messages
    retry, request = messages
    assert retry.startswith(f"retrying GET {url} after 503 in ")
    assert retry.endswith(" s (attempt 1 of 2)")
    assert request.startswith(f"GET {url} -> 200 OK in ")
    assert request.endswith(" ms (request id req-7)")


async def test_a_failed_request_is_logged(
    make_scripted_client: Callable[..., Any],
    sync_or_async: SyncOrAsync,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    client = make_scripted_client(base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(Exception, match="ConnectError"):
        await sync_or_async.detailed(find_exchange, EXCHANGE_ID, client=client)
    [message] = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
    assert message.startswith(f"GET http://127.0.0.1:9/exchanges/{EXCHANGE_ID} failed: ")
    assert "ConnectError" in message and message.endswith(" ms)")


def test_env_var_adds_one_stderr_handler(
    package_logger: logging.Logger,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logging.root, "handlers", [])  # an application that configured none
    package_logger.handlers[:] = []
    configure_from_env({ENV_VAR: "debug"})
    configure_from_env({ENV_VAR: " INFO "})
    assert package_logger.level == logging.INFO
    assert len(package_logger.handlers) == 1
    package_logger.info("hello from the test")
    assert "INFO datasync_grades: hello from the test" in capsys.readouterr().err


def test_env_var_beside_the_applications_logging_prints_each_line_once(
    package_logger: logging.Logger,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package_logger.handlers[:] = []
    application = logging.StreamHandler()  # what logging.basicConfig() installs: stderr
    application.setFormatter(logging.Formatter("app: %(name)s %(message)s"))
    monkeypatch.setattr(logging.root, "handlers", [application])
    configure_from_env({ENV_VAR: "debug"})
    assert package_logger.level == logging.DEBUG
    assert package_logger.handlers == []  # the application's handler prints the records
    package_logger.debug("one line")
    assert capsys.readouterr().err.count("one line") == 1


@pytest.mark.parametrize("value", ["", "verbose", "0"])
def test_env_var_unset_or_unknown_changes_nothing(
    package_logger: logging.Logger, value: str
) -> None:
    package_logger.handlers[:] = []
    package_logger.setLevel(logging.NOTSET)
    configure_from_env({ENV_VAR: value})
    configure_from_env({})
    assert package_logger.handlers == []
    assert package_logger.level == logging.NOTSET


def test_a_client_reads_the_env_var(
    package_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    package_logger.handlers[:] = []
    monkeypatch.setattr(logging.root, "handlers", [])
    monkeypatch.setenv(ENV_VAR, "debug")

    class NoAuth(httpx.Auth):
        pass

    DataSync(auth=NoAuth()).close()
    AsyncDataSync(auth=NoAuth())
    assert package_logger.level == logging.DEBUG
    assert len(package_logger.handlers) == 1
