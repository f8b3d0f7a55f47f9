"""Schemathesis, a property-based API tester nobody on the project wrote, against a sandbox
this test starts: every default check, all four phases, a fixed seed and few examples per
operation. Any failure, error or warning fails the test. Once authenticated with a
client-credentials access token, once with an LTI JWT.

Longer runs (more examples, other seeds) go outside the suite, by hand: see docs/sandbox.md
(its last section).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from datasync_grades_sandbox import Sandbox
from datasync_grades_sandbox._spec import load_spec, operations, spec_path

SEED = 17
MAX_EXAMPLES = 5

# The CLI, from the interpreter running the tests (schemathesis has no ``__main__``).
SCHEMATHESIS = [sys.executable, "-c", "from schemathesis.cli import schemathesis; schemathesis()"]


def _config(sandbox: Sandbox, directory: Path) -> Path:
    # An existing id for every operation that takes one. Schemathesis can follow links from
    # createExchange, but not from the seed data, and whether a run follows one in time
    # depends on its workers' timing: without ids, any by-id operation may get only 404s,
    # and schemathesis warns that it never reached it (a warning fails the run).
    [waiting_id] = sandbox.seed_exchanges(1)
    [completed_id] = sandbox.seed_exchanges(1, state="completed")  # the kind with artifacts
    batch_id = next(iter(sandbox.state.batch_exchanges))
    schedule_id = next(s.id for s in sandbox.state.schedules.values() if s.enabled)
    ids = {
        "findExchange": waiting_id,
        "listExchangeErrors": waiting_id,
        "createExchangeError": waiting_id,
        "createExchangeData": waiting_id,
        "getExchangeDetails": completed_id,
        "getExchangeConsumerLogs": completed_id,
        "resolveSection": next(iter(sandbox.state.sections)),
        "getBatchExchangeCourseIdsReport": batch_id,
        "createBatchExchangeError": batch_id,
        "createBatchExchangeContextData": batch_id,
        "updateSchedule": schedule_id,
        "runSchedule": schedule_id,
    }
    assert ids.keys() == {op.operation_id for op in operations(load_spec()) if "{id}" in op.path}
    config = directory / "schemathesis.toml"
    config.write_text(
        "[warnings]\nfail-on = true\n"
        + "".join(
            f'\n[[operations]]\ninclude-operation-id = "{operation_id}"\n'
            f'parameters = {{ id = "{value}" }}\n'
            for operation_id, value in ids.items()
        ),
        encoding="utf-8",
    )
    return config


@pytest.mark.slow
@pytest.mark.parametrize("credentials", ["access_token", "lti_jwt"])
def test_schemathesis_finds_nothing(sandbox: Sandbox, credentials: str, tmp_path: Path) -> None:
    token = (
        sandbox.issue_token() if credentials == "access_token" else sandbox.mint_lti_jwt(ttl=900)
    )
    command = [
        *SCHEMATHESIS,
        "--config-file",
        str(_config(sandbox, tmp_path)),
        "run",
        str(spec_path()),
        "--url",
        sandbox.base_url,
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--seed",
        str(SEED),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-database",
        "none",
        "--workers",
        "2",
        "--no-color",
    ]
    # The timeout only bounds a hang; schemathesis redacts the Authorization header it prints.
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "19 selected / 19 total" in output, output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in output, output
    # The credentials worked: schemathesis created exchanges (and its missing_auth warning,
    # which fails the run, did not fire).
    assert len(sandbox.state.exchanges) > 2
