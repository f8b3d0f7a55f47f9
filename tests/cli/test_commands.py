"""Every command of the generated table runs against the sandbox as a real subprocess; output
formats; exit codes by error class; credentials; questions; what `--help` imports."""

from __future__ import annotations

import csv
import gzip
import io
import json
import uuid
from pathlib import Path

import pytest
from _cli import Run, environment, run_cli

from datasync_grades._http import httpx
from datasync_grades.cli import ExitCode
from datasync_grades_api.operations import OPERATIONS, Field, Operation
from datasync_grades_sandbox import Faults, Sandbox


def _path_ids(sandbox: Sandbox) -> dict[str, str]:
    """An id each tag's path parameter can take (a tag the test does not know fails here)."""
    state = sandbox.state
    return {
        "artifacts": next(e.id for e in state.exchanges.values() if e.state == "completed"),
        "exchanges": next(e.id for e in state.exchanges.values() if e.state == "created"),
        "batch_exchanges": next(iter(state.batch_exchanges)),
        "schedules": next(s.id for s in state.schedules.values() if s.enabled),
        "sections": next(iter(state.sections)),
    }


def _required(field: Field) -> list[str]:
    """A valid value for a required option, from its shape alone."""
    flag = f"--{field.python_name.replace('_', '-')}"
    if field.shape == "bool":
        return [flag]
    if field.shape == "enum":
        return [flag, field.choices[0]]
    value = {"model": "{}", "json": "{}", "int": "1", "float": "1"}.get(field.shape, "a-value")
    return [flag, "[]" if field.many and field.shape == "model" else value]


def _arguments(op: Operation, ids: dict[str, str]) -> list[str]:
    args = [op.tag.replace("_", "-"), op.method.replace("_", "-")]
    args += [ids[op.tag] for _ in op.path_parameters]
    for field in op.query_parameters + op.body:
        if field.required:
            args += _required(field)
    return args + ([] if op.http_method == "GET" else ["--yes"])


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.tag}-{op.method}")
def test_every_operation_runs_with_piped_output(op: Operation, sandbox: Sandbox, cli: Run) -> None:
    result = cli(*_arguments(op, _path_ids(sandbox)))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    if op.kind == "list":  # JSON lines when piped: one object per line
        assert all(isinstance(json.loads(line), dict) for line in lines)
    elif op.kind in ("data", "optional"):
        assert len(lines) == 1 and isinstance(json.loads(lines[0]), dict)
    elif op.kind == "whole":
        assert lines == [str(int(lines[0]))]
    elif op.kind == "file":
        assert result.out  # the decompressed artifact (JSON details, CSV report)
    else:
        assert (op.kind, result.out) == ("empty", "")


def test_a_list_pages_through_everything_and_a_count_prints_a_number(cli: Run) -> None:
    count = cli("exchanges", "count")
    assert count.out.strip().isdigit()
    listed = cli("exchanges", "list", "--page-size", "2")
    ids = [json.loads(line)["id"] for line in listed.out.splitlines()]
    assert len(ids) == len(set(ids)) == int(count.out)
    two = cli("exchanges", "list", "--page-size", "1", "--max-items", "2")
    assert [json.loads(line)["id"] for line in two.out.splitlines()] == ids[:2]


def test_filters_are_sent_and_a_misspelt_value_is_a_usage_error(cli: Run) -> None:
    completed = cli("exchanges", "list", "--state", "completed")
    states = {json.loads(line)["state"] for line in completed.out.splitlines()}
    assert states == {"completed"}
    assert cli("exchanges", "count", "--state", "completed").out.strip() == "3"
    typo = cli("exchanges", "list", "--state", "complete")
    assert typo.code == ExitCode.USAGE and "complete" in typo.err and typo.out == ""


def test_formats(cli: Run) -> None:
    rows = [json.loads(line) for line in cli("exchanges", "list").out.splitlines()]
    as_json = json.loads(cli("exchanges", "list", "--format", "json").out)
    assert as_json == rows
    table = list(csv.DictReader(io.StringIO(cli("exchanges", "list", "-f", "csv").out)))
    assert [row["id"] for row in table] == [row["id"] for row in rows]
    assert json.loads(table[0]["query"]) == rows[0]["query"]  # nested values as JSON
    shown = cli("exchanges", "list", "--format", "table").out
    assert all(row["id"] in shown for row in rows) and "state" in shown
    one = json.loads(cli("exchanges", "find", rows[0]["id"], "--format", "json").out)
    assert one == rows[0]


def test_exit_codes_by_error_class(sandbox: Sandbox, cli: Run) -> None:
    ids = _path_ids(sandbox)
    disabled = next(s.id for s in sandbox.state.schedules.values() if not s.enabled)
    assert cli("exchanges", "lst").code == ExitCode.USAGE
    assert cli("exchanges", "find", str(uuid.uuid4())).code == ExitCode.NOT_FOUND
    conflict = cli("schedules", "run", disabled, "--yes")
    assert (conflict.code, "schedule_disabled" in conflict.err) == (ExitCode.CONFLICT, True)
    assert cli("sections", "resolve", "not-a-uuid").code == ExitCode.VALIDATION
    wrong = cli("consumer", "get", env={"DATASYNC_CLIENT_SECRET": "not-the-secret-42"})
    assert wrong.code == ExitCode.AUTH and "TokenError" in wrong.err
    assert "not-the-secret-42" not in wrong.out + wrong.err
    refused = cli("consumer", "get", env={"DATASYNC_BASE_URL": "http://127.0.0.1:9/v2/grades"})
    assert refused.code == ExitCode.SERVER and "APIConnectionError" in refused.err
    assert cli("exchanges", "find", ids["exchanges"]).code == ExitCode.OK


def test_rate_limited_and_server_errors(datasync_sandbox_factory: type[Sandbox]) -> None:
    # A Retry-After above the client's max_retry_after: no wait, the error at once.
    # The 2nd, 4th, 6th... request is answered 429 with Retry-After: 1.
    burst = Faults(burst_every=2, burst_length=1, burst_retry_after=1)
    sandbox = datasync_sandbox_factory(faults=burst)
    env = environment(sandbox)
    assert run_cli(env, "exchanges", "count").code == ExitCode.OK
    waited = run_cli(env, "exchanges", "count", "--wait", "5")  # 429, waited out, answered
    assert (waited.code, waited.out.strip().isdigit()) == (ExitCode.OK, True)
    limited = run_cli(env, "exchanges", "count", "--wait", "0")
    assert (limited.code, "RateLimitError" in limited.err) == (ExitCode.RATE_LIMITED, True)
    assert sandbox.counters().throttled == 2
    sandbox.faults = Faults(error_rate=1.0, error_retry_after=3600)
    failed = run_cli(env, "exchanges", "count")
    assert (failed.code, "InternalServerError" in failed.err) == (ExitCode.SERVER, True)


def test_state_changing_commands_need_yes_off_a_terminal(sandbox: Sandbox, cli: Run) -> None:
    exchange = _path_ids(sandbox)["exchanges"]
    before = len(sandbox.state.exchanges[exchange].errors)
    refused = cli("exchanges", "create-error", exchange, "--details", "x")
    assert refused.code == ExitCode.USAGE and "--yes" in refused.err
    assert len(sandbox.state.exchanges[exchange].errors) == before  # nothing was sent
    args = ["--details", "x", "--code", "producer_error", "-y"]
    done = cli("exchanges", "create-error", exchange, *args)
    assert done.code == ExitCode.OK and json.loads(done.out)["code"] == "producer_error"
    assert len(sandbox.state.exchanges[exchange].errors) == before + 1


def test_json_bodies_from_options_files_and_stdin(cli: Run, tmp_path: Path) -> None:
    query = {"type": "assignment_scores", "conditions": [{"scope": "course", "scope_by": "all"}]}
    (tmp_path / "query.json").write_text(json.dumps(query))
    made = cli("exchanges", "create", "--query", f"@{tmp_path / 'query.json'}", "--yes")
    assert json.loads(made.out)["query"] == query
    piped = cli("exchanges", "create", "--query", "@-", "--metadata", "null", "--yes",
                stdin=None, input=json.dumps(query))  # fmt: skip
    assert json.loads(piped.out)["query"] == query and json.loads(piped.out)["metadata"] is None
    bad = cli("exchanges", "create", "--query", "{not json", "--yes")
    assert bad.code == ExitCode.USAGE and "--query" in bad.err
    unreadable = cli("exchanges", "create", "--query", f"@{tmp_path / 'none.json'}", "--yes")
    assert unreadable.code == ExitCode.ERROR and "none.json" in unreadable.err


def test_token_prints_a_token_the_api_takes_and_only_when_asked(sandbox: Sandbox, cli: Run) -> None:
    token = cli("token").out.strip()
    answer = httpx.get(f"{sandbox.base_url}/consumer", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    help_text = cli("exchanges", "list", "--help").out
    assert sandbox.client_secret not in help_text and "DATASYNC_CLIENT_SECRET" in help_text
    assert token not in cli("consumer", "get").out + cli("consumer", "get").err


def test_an_lti_jwt_from_the_environment(sandbox: Sandbox, cli: Run) -> None:
    jwt = sandbox.mint_lti_jwt()
    env = {"DATASYNC_LTI_JWT": jwt, "DATASYNC_CLIENT_ID": "", "DATASYNC_CLIENT_SECRET": ""}
    assert cli("exchanges", "count", env=env).out.strip().isdigit()
    assert cli("token", env=env).out.strip() == jwt


def test_no_credentials_is_a_usage_error() -> None:
    result = run_cli(environment(None), "exchanges", "count")
    assert result.code == ExitCode.USAGE and "DATASYNC_CLIENT_ID" in result.err


def test_options_win_over_the_environment(sandbox: Sandbox, cli: Run) -> None:
    env = {"DATASYNC_CLIENT_SECRET": "wrong"}
    assert cli("consumer", "get", env=env).code == ExitCode.AUTH
    fixed = cli("consumer", "get", "--client-secret", sandbox.client_secret, env=env)
    assert fixed.code == ExitCode.OK


def test_an_artifact_to_a_file_is_written_whole_with_mode_0600(
    sandbox: Sandbox, cli: Run, tmp_path: Path
) -> None:
    exchange = _path_ids(sandbox)["artifacts"]
    out = tmp_path / "details.json"
    saved = cli("artifacts", "get-exchange-details", exchange, "--out", str(out))
    assert saved.code == 0 and saved.out == "" and saved.err == ""  # piped: no progress
    assert json.loads(out.read_text())["exchange_id"] == exchange
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["details.json"]
    missing = cli("artifacts", "get-exchange-details", str(uuid.uuid4()), "-o", str(tmp_path / "x"))
    assert missing.code == ExitCode.NOT_FOUND
    assert [p.name for p in tmp_path.iterdir()] == ["details.json"]
    (tmp_path / "a-directory").mkdir()
    refused = cli(
        "artifacts", "get-exchange-details", exchange, "-o", str(tmp_path / "a-directory")
    )
    assert refused.code == ExitCode.ERROR and "a-directory" in refused.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory", "details.json"]


def test_an_artifacts_items_as_json_lines(datasync_sandbox: Sandbox, tmp_path: Path) -> None:
    scores = [{"$person": {"id": {"name": "s1"}}, "score": 1.5}]
    assignments = [{"name": f"Ünit {n}", "points_possible": 10, "scores": scores} for n in range(3)]
    summaries = [{"summary_type": "final", "score_type": "percentage", "score": 91.5}]
    data = {"assignments": assignments, "summaries": summaries}
    [exchange] = datasync_sandbox.seed_exchanges(1, state="completed", data=data)
    env = environment(datasync_sandbox)
    details = ("artifacts", "get-exchange-details", exchange)

    def items(*args: str) -> list[object]:
        done = run_cli(env, *args)
        assert (done.code, done.err) == (0, "")  # piped: no progress
        return [json.loads(line) for line in done.out.splitlines()]

    # Named by --member, or by default the object's first array member (assignments).
    assert [a["name"] for a in items(*details, "--items")] == ["Ünit 0", "Ünit 1", "Ünit 2"]
    assert items(*details, "--items", "--member", "summaries") == summaries
    assert items(*details, "--member", "summaries") == summaries  # --member implies --items
    logs = items("artifacts", "get-exchange-consumer-logs", exchange, "--items")
    assert logs and all(entry["level"] == "info" for entry in logs)  # type: ignore[index]
    out = tmp_path / "assignments.jsonl"
    saved = run_cli(env, *details, "--items", "--out", str(out))
    assert (saved.code, saved.out) == (0, "") and out.stat().st_mode & 0o777 == 0o600
    assert [json.loads(line) for line in out.read_text().splitlines()] == items(*details, "--items")
    missing = run_cli(env, "artifacts", "get-exchange-details", str(uuid.uuid4()), "--items")
    assert (missing.code, missing.out) == (ExitCode.NOT_FOUND, "")
    report = run_cli(env, "batch-exchanges", "get-course-ids-report", "--help")
    assert "--out" in report.out and "--items" not in report.out  # CSV rows are not items
    # A lone surrogate (valid JSON, not UTF-8) comes out as the escape it came in as.
    datasync_sandbox.set_artifacts(
        exchange, details=gzip.compress(b'[{"name": "\\ud800"}, 2]', mtime=0)
    )
    odd = run_cli(env, *details, "--items")
    assert (
        odd.out == '{"name":"\\ud800"}\n2\n' and json.loads(odd.out.split()[0])["name"] == "\ud800"
    )


def test_shell_completion_offers_commands_and_choices() -> None:
    env = environment(None, _DATASYNC_GRADES_COMPLETE="complete_bash")
    words = run_cli(env | {"COMP_WORDS": "datasync-grades exchanges li", "COMP_CWORD": "2"})
    assert words.out.split() == ["list", "list-errors"]
    env["_DATASYNC_GRADES_COMPLETE"] = "complete_zsh"
    env["_TYPER_COMPLETE_ARGS"] = "datasync-grades exchanges count --state "
    assert all(f'"{state}"' in run_cli(env).out for state in ("created", "failed"))
    for shell in ("bash", "zsh", "fish"):
        script = run_cli(environment(None), "--show-completion", shell)
        assert script.code == 0 and "_DATASYNC_GRADES_COMPLETE" in script.out


def test_a_profile_file_after_options_and_variables(sandbox: Sandbox, tmp_path: Path) -> None:
    profiles = tmp_path / "datasync-grades" / "profiles.toml"
    profiles.parent.mkdir()
    profiles.write_text(
        f'[default]\nbase_url = "{sandbox.base_url}"\ntoken_url = "{sandbox.token_url}"\n'
        f'client_id = "{sandbox.client_id}"\nclient_secret = "{sandbox.client_secret}"\n'
        f'[other]\nbase_url = "{sandbox.base_url}"\ntoken_url = "{sandbox.token_url}"\n'
        'client_id = "someone-else"\nclient_secret = "their-secret-77"\n'
    )
    profiles.chmod(0o600)
    env = environment(None, XDG_CONFIG_HOME=str(tmp_path))
    assert run_cli(env, "exchanges", "count").out.strip().isdigit()  # [default]
    # the variables and options win: a wrong secret from either is used, and refused
    wrong = run_cli(env | {"DATASYNC_CLIENT_SECRET": "wrong-1"}, "exchanges", "count")
    assert wrong.code == ExitCode.AUTH
    assert run_cli(env, "exchanges", "count", "--client-secret", "wrong-2").code == ExitCode.AUTH
    other = run_cli(env, "exchanges", "count", "--profile", "other")  # its own id and secret
    assert other.code == ExitCode.AUTH and "their-secret-77" not in other.err
    missing = run_cli(env, "exchanges", "count", "--profile", "nope")
    assert missing.code == ExitCode.USAGE and "[nope]" in missing.err
    profiles.chmod(0o644)
    shared = run_cli(env, "exchanges", "count")
    assert shared.code == ExitCode.USAGE and "chmod 600" in shared.err
    assert sandbox.client_secret not in shared.err + other.err + missing.err
    shown = run_cli(env | {"COLUMNS": "300"}, "exchanges", "count", "--help").out
    assert "(default: [default])" in shown  # as text: not taken as rich markup
