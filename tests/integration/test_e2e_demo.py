"""The demo (``nox -s demo``): it runs green, says what it did, leaks no secret, fails loudly,
and uses only the public front of the client."""

from __future__ import annotations

import ast
import errno
import io
import socket
from pathlib import Path

import demo
import pytest

from datasync_grades_sandbox import DEFAULT_CLIENT_SECRET, Faults

DEMO_SOURCE = Path(demo.__file__).read_text(encoding="utf-8")


def test_demo_runs_every_step_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert demo.main(["--port", "0"], out=out) == 0
    transcript = out.getvalue()
    lines = transcript.splitlines()
    steps = [line.split()[1] for line in lines[:-1]]
    assert steps == [
        "sandbox", "token", "create", "push", "pages", "count", "errors", "details", "report",
        "schedule", "retries", "async", "validation",
    ]  # fmt: skip
    assert lines[-1] == "demo passed: 13 steps"
    by_step = {line.split()[1]: line for line in lines[:-1]}
    assert "1 token fetched by client credentials (client_secret_post)" in by_step["token"]
    assert "180 scores in 6 chunks" in by_step["push"]
    assert "page 0: 3, page 1: 3, page 2: 1" in by_step["pages"]
    assert "409 (schedule_disabled)" in by_step["schedule"]
    assert "409 (run_in_progress)" in by_step["schedule"]
    assert "429, retry after 90 s" in by_step["schedule"]
    assert "after waiting: run queued" in by_step["schedule"]
    assert "all retried" in by_step["retries"]
    assert "details has 30 summaries" in by_step["async"]
    captured = capsys.readouterr()
    assert captured.err == ""
    for text in (transcript, captured.out):
        assert DEFAULT_CLIENT_SECRET not in text
        assert "Bearer" not in text


def test_demo_verbose_logs_requests_without_credentials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    logger = logging.getLogger("datasync_grades")
    handlers, level = list(logger.handlers), logger.level
    try:
        assert demo.main(["--verbose"], out=io.StringIO()) == 0
    finally:
        logger.handlers[:], logger.level = handlers, level
    err = capsys.readouterr().err
    assert "POST http://127.0.0.1:" in err and "/data -> 200" in err
    assert "retrying GET" in err
    assert DEFAULT_CLIENT_SECRET not in err and "Bearer" not in err


def test_demo_reports_a_failing_step_and_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every API request answered 503: the retries step cannot succeed.
    monkeypatch.setattr(demo, "FAULTS", Faults(error_rate=1.0, error_retry_after=0))
    out = io.StringIO()
    assert demo.main([], out=out) == 1
    assert out.getvalue().splitlines()[-1].split()[1] == "schedule"  # the steps before passed
    err = capsys.readouterr().err
    assert err.startswith("FAILED at step 'retries': InternalServerError: GET http://127.0.0.1:")
    assert "-> 503" in err


def test_demo_reports_a_taken_port_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert demo.main(["--port", str(port)], out=io.StringIO()) == 1
    err = capsys.readouterr().err
    expected = f"OSError: [Errno {errno.EADDRINUSE}] the sandbox cannot listen on 127.0.0.1:{port}"
    assert f"FAILED at step 'sandbox': {expected}" in err


def test_demo_uses_only_the_typed_client() -> None:
    tree = ast.parse(DEMO_SOURCE)
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    client_modules = {m for m in modules if m.split(".")[0].startswith("datasync_grades")}
    # The client, its models, and the sandbox it runs against: no generated function modules.
    assert client_modules == {
        "datasync_grades",
        "datasync_grades_api.models",
        "datasync_grades_sandbox",
    }


def test_the_sandbox_imports_no_client_package() -> None:
    import datasync_grades_sandbox

    package = Path(datasync_grades_sandbox.__file__).parent
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        # The pytest plugin's client fixtures import the client inside their bodies, when a
        # test asks for one: the sandbox itself (every module level) stays independent.
        nodes = tree.body if source.name == "pytest_plugin.py" else ast.walk(tree)
        for node in nodes:
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in {"datasync_grades", "datasync_grades_api"}, (
                    f"{source.name} imports {name}"
                )
