"""The README's Sandbox example runs as written, against a real sandbox."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from datasync_grades import ClientCredentials, connect
from datasync_grades_sandbox import Sandbox

README = Path(__file__).parents[2] / "README.md"


def test_sandbox_section_example_runs(
    readme_python_blocks: Callable[[Path, str], list[str]], datasync_sandbox: Sandbox
) -> None:
    block, _inspection = readme_python_blocks(README, "Sandbox: a local Grades Exchange API")
    namespace: dict[str, Any] = {}
    exec(compile(block, str(README), "exec"), namespace)
    before = len(datasync_sandbox.state.exchanges)
    namespace["test_counts"](datasync_sandbox)
    assert len(datasync_sandbox.state.exchanges) == before + 3


def test_usage_async_and_authentication_examples_run(
    readme_python_blocks: Callable[[Path, str], list[str]],
    datasync_sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATASYNC_BASE_URL", datasync_sandbox.base_url)
    monkeypatch.setenv("DATASYNC_TOKEN_URL", datasync_sandbox.token_url)
    monkeypatch.setenv("DATASYNC_CLIENT_ID", datasync_sandbox.client_id)
    monkeypatch.setenv("DATASYNC_CLIENT_SECRET", datasync_sandbox.client_secret)
    monkeypatch.setenv("DATASYNC_LTI_JWT", datasync_sandbox.mint_lti_jwt())
    blocks = [
        block
        for section in ("Usage", "Async", "Authentication")
        for block in readme_python_blocks(README, section)
    ]
    assert len(blocks) == 4
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)

    out = capsys.readouterr().out
    created = str(namespace["created"].data.id)
    assert created in datasync_sandbox.state.exchanges
    assert f"exchange {created} created" in out
    assert f"async: {len(datasync_sandbox.state.exchanges)} exchanges; found {created}" in out
    assert f"client credentials: {created}" in out and f"LTI JWT: {created}" in out
    assert datasync_sandbox.client_secret not in out


@pytest.mark.parametrize("section", ["Errors", "Retries", "Timeouts", "Logging"])
def test_resilience_examples_run(
    section: str,
    readme_python_blocks: Callable[[Path, str], list[str]],
    datasync_sandbox: Sandbox,
) -> None:
    """These sections use the names the sections before them define: given those, they run."""
    auth = ClientCredentials(
        datasync_sandbox.client_id,
        datasync_sandbox.client_secret,
        token_url=datasync_sandbox.token_url,
    )
    [exchange_id] = datasync_sandbox.seed_exchanges(1)
    namespace: dict[str, Any] = {
        "auth": auth,
        "client": connect(datasync_sandbox.base_url, auth=auth),
        "exchange_id": uuid.UUID(exchange_id),
    }
    blocks = readme_python_blocks(README, section)
    assert blocks
    logger = logging.getLogger("datasync_grades")
    saved = logging.root.handlers[:], logging.root.level, logger.level
    try:
        for block in blocks:
            # Their connect() calls use the default (production) base URL; point them here.
            block = block.replace("connect(auth=", f"connect({datasync_sandbox.base_url!r}, auth=")
            exec(compile(block, str(README), "exec"), namespace)
    finally:  # the Logging section configures logging for the whole process
        logging.root.handlers[:], logging.root.level = saved[0], saved[1]
        logger.setLevel(saved[2])
