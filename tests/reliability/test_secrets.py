"""Secrets never leave the process in what a developer or an operator reads.

The whole demo (``examples/demo.py``'s ``main``) runs with every logger at DEBUG
(root, ``httpx``, ``httpcore``, ``datasync_grades``, the sandbox, werkzeug); then no client
secret, no access token the sandbox issued, the LTI secret, and nothing shaped like a JWT may
appear in any log record (``getMessage()``, ``args``, formatted exception info), in the
message of any package error created during the run, or on stdout/stderr.

A second test does the same where leaks are likelier: a refused client secret, a forged and
an accepted LTI JWT, revoked tokens refreshed after a 401, and dropped connections.

Access tokens are known because the sandbox's ``TokenIssuer.issue`` is wrapped to note each
one; package errors because ``DataSyncError.__new__`` is wrapped to note every message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from datasync_grades import (
    AsyncDataSync,
    AuthenticationError,
    BearerToken,
    ClientCredentials,
    DataSync,
    DataSyncError,
    RetryPolicy,
    TokenError,
)
from datasync_grades._http import httpcore, httpx
from datasync_grades_sandbox import DEFAULT_CLIENT_SECRET, DEFAULT_LTI_SECRET, Faults, Sandbox
from datasync_grades_sandbox import _auth as sandbox_auth

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
WINDOW = 12  # characters of a secret that make a leak
# The HTTP library's loggers are named after it: httpx/httpcore, or httpx2/httpcore2 (#28).
HTTP_LOGGERS = (httpx.__name__, httpcore.__name__)
LOGGERS = ("", *HTTP_LOGGERS, "datasync_grades", "datasync_grades_sandbox", "werkzeug")


class Recorder(logging.Handler):
    """Keeps every record, whatever its level."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> Iterator[str]:
        formatter = logging.Formatter()
        for record in self.records:
            yield record.getMessage()
            yield repr(record.args)
            if record.exc_info:
                yield formatter.formatException(record.exc_info)
            if record.stack_info:
                yield record.stack_info


@pytest.fixture
def debug_logs() -> Iterator[Recorder]:
    """Every logger at DEBUG, every record recorded; levels, handlers and flags restored."""
    recorder = Recorder()
    names = set(LOGGERS) | set(logging.root.manager.loggerDict)
    loggers = [logging.getLogger(name) for name in names]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
        if not lg.propagate:  # its records would not reach the root's handler
            lg.addHandler(recorder)
    logging.root.addHandler(recorder)
    try:
        yield recorder
    finally:
        for lg, level, handlers, propagate, disabled in saved:
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate = propagate
            lg.disabled = disabled


@pytest.fixture
def issued_tokens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every access token any sandbox issues during the test."""
    issued: list[str] = []
    original = sandbox_auth.TokenIssuer.issue

    def issue(self: sandbox_auth.TokenIssuer, client_id: str) -> str:
        token = original(self, client_id)
        issued.append(token)
        return token

    monkeypatch.setattr(sandbox_auth.TokenIssuer, "issue", issue)
    return issued


@pytest.fixture
def error_messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The message of every package error created during the test (the errors themselves go to
    ``CREATED``, for :func:`_attributes`)."""
    messages: list[str] = []
    CREATED.clear()

    def new(cls: type[DataSyncError], *args: Any, **fields: Any) -> DataSyncError:
        messages.extend(str(arg) for arg in args)
        error = Exception.__new__(cls, *args, **fields)
        CREATED.append(error)
        return error

    # Every package error is made here, whatever its __init__ (the dataclasses' own included).
    monkeypatch.setattr(DataSyncError, "__new__", new)
    return messages


def _pieces(secret: str) -> set[str]:
    """Every run of ``WINDOW`` characters of ``secret`` (the whole of a shorter one): a leak of
    part of a token is a leak too."""
    size = min(WINDOW, len(secret))
    return {secret[start : start + size] for start in range(len(secret) - size + 1)}


def assert_no_secret(texts: list[str], secrets: list[str]) -> None:
    assert all(secrets), "a secret to look for is empty"
    pieces = set().union(*(_pieces(secret) for secret in secrets))
    for text in texts:
        found = next((piece for piece in pieces if piece in text), None)
        assert found is None, f"{found!r}, part of a secret, appears in: {text[:200]!r}"
        assert not JWT.search(text), f"a JWT appears in: {text[:200]!r}"


@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_the_demo_leaks_no_secret(
    verbose: bool,
    debug_logs: Recorder,
    issued_tokens: list[str],
    error_messages: list[str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    from demo import main

    client_logger = logging.getLogger("datasync_grades")
    handlers, level = list(client_logger.handlers), client_logger.level
    try:
        status = main(["--port", "0", *(["--verbose"] if verbose else [])])
    finally:  # --verbose adds a stderr handler for good
        client_logger.handlers[:] = handlers
        client_logger.setLevel(level)
    out, err = capfd.readouterr()

    assert status == 0, err
    assert issued_tokens, "the demo fetched no token: nothing was at stake"
    sources = {record.name.partition(".")[0] for record in debug_logs.records}
    assert {*HTTP_LOGGERS, "datasync_grades"} <= sources
    assert error_messages, "the demo's 409 and 429 steps raise package errors"
    if verbose:
        assert "GET http://127.0.0.1" in err
    texts = [*debug_logs.texts(), *error_messages, out, err]
    texts += [text for error in CREATED for text in _attributes(error)]
    assert_no_secret(texts, [DEFAULT_CLIENT_SECRET, DEFAULT_LTI_SECRET, *issued_tokens])


async def test_failures_leak_no_secret(
    datasync_sandbox_factory: Callable[..., Sandbox],
    debug_logs: Recorder,
    issued_tokens: list[str],
    error_messages: list[str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    sandbox = datasync_sandbox_factory()
    sandbox.seed_exchanges(3)
    wrong_secret = "wrong-client-secret-7f3a9c"
    forged = sandbox.mint_lti_jwt().rpartition(".")[0] + ".forgedsignature0000"
    accepted = sandbox.mint_lti_jwt({"sub": "teacher-17"})
    url, token_url = sandbox.base_url, sandbox.token_url

    def credentials(secret: str) -> ClientCredentials:
        return ClientCredentials(sandbox.client_id, secret, token_url=token_url)

    # A refused client secret, sync and async.
    refused = credentials(wrong_secret)
    with pytest.raises(TokenError):
        list(DataSync(url, auth=refused, timeout=5.0).schedules.list())
    with pytest.raises(TokenError):
        [s async for s in AsyncDataSync(url, auth=refused, timeout=5.0).schedules.list()]
    # A forged LTI JWT, then an accepted one.
    with pytest.raises(AuthenticationError):
        list(DataSync(url, auth=BearerToken(forged), timeout=5.0).schedules.list())
    lti = DataSync(url, auth=BearerToken(accepted), timeout=5.0)
    assert len(list(lti.exchanges.list())) == 3
    # Tokens revoked under a live client: 401, a new token, the request again.
    # Backoff is not what this test is about: no waits keep it quick.
    policy = RetryPolicy(max_retries=8, backoff_base=0)
    auth = credentials(sandbox.client_secret)
    client = DataSync(url, auth=auth, timeout=5.0, retry_policy=policy)
    aclient = AsyncDataSync(url, auth=auth, timeout=5.0, retry_policy=policy)
    list(client.schedules.list())
    sandbox.revoke_tokens()
    list(client.schedules.list())
    # Dropped connections and 503s: retried, logged with their errors.
    sandbox.faults = Faults(drop_rate=0.3, error_rate=0.2, error_retry_after=0, seed=5)
    for _ in range(3):
        assert len(list(client.exchanges.list())) == 3
        assert len(await asyncio.wait_for(_alist(aclient), 30)) == 3
    sandbox.faults = Faults()
    out, err = capfd.readouterr()

    assert len(issued_tokens) >= 2 and sandbox.counters().dropped > 0
    texts = [*debug_logs.texts(), *error_messages, out, err]
    texts += [text for error in CREATED for text in _attributes(error)]
    secrets = [wrong_secret, sandbox.client_secret, DEFAULT_LTI_SECRET, forged, accepted]
    assert_no_secret(texts, [*secrets, *issued_tokens])


async def _alist(client: AsyncDataSync) -> list[Any]:
    return [exchange async for exchange in client.exchanges.list()]


CREATED: list[BaseException] = []


def _attributes(error: BaseException) -> list[str]:
    """What an error carries, its message and every attribute, and the same of everything chained
    to it (``__cause__`` and ``__context__``, recursively); none of which may be an httpx error,
    whose request holds the credentials."""
    texts: list[str] = []
    pending: list[BaseException | None] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        module = type(current).__module__.partition(".")[0]
        assert module not in {"httpx", "httpcore", *HTTP_LOGGERS, "h11"}, f"{current!r} chained"
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        pending += [current.__cause__, current.__context__]
    return texts


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_tokens_http_cannot_carry_leak_nowhere(
    mode: str,
    datasync_sandbox_factory: Callable[..., Sandbox],
    debug_logs: Recorder,
    error_messages: list[str],
    capfd: pytest.CaptureFixture[str],
) -> None:
    sandbox = datasync_sandbox_factory()
    sandbox.seed_exchanges(2)
    jwt = sandbox.mint_lti_jwt({"sub": "teacher-17"})
    url = sandbox.base_url

    def client_for(auth: BearerToken, **options: Any) -> Any:
        kind = DataSync if mode == "sync" else AsyncDataSync
        return kind(url, auth=auth, timeout=5.0, **options)

    async def listed(client: Any) -> int:
        if mode == "sync":
            return len(list(client.exchanges.list()))
        return len(await asyncio.wait_for(_alist(client), 30))

    # A JWT read from a file keeps its newline: sent without it, it works.
    from_file = client_for(BearerToken(f"{jwt}\n"))
    assert await listed(from_file) == 2
    served = sandbox.counters().requests
    # A provider returning a token with a NUL, or a newline inside.
    refused: list[BaseException] = []
    broken = [f"{jwt[:20]}\x00{jwt[20:]}", f"{jwt[:20]}\n{jwt[20:]}"]
    for token in broken:
        client = client_for(BearerToken(lambda token=token: token), max_retries=0)
        with pytest.raises(TokenError) as caught:
            await listed(client)
        refused.append(caught.value)
    out, err = capfd.readouterr()

    assert len(refused) == 2
    assert sandbox.counters().requests == served  # refused before anything was sent
    texts = [*debug_logs.texts(), *error_messages, out, err]
    texts += [text for error in [*refused, *CREATED] for text in _attributes(error)]
    assert_no_secret(texts, [jwt, *broken])
