"""The command line as a subprocess: seeding with ``--state``/``--data``, and ``env``, whose
``export`` lines a shell evaluates to run a client against the sandbox at once."""

from __future__ import annotations

import gzip
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import datasync_grades
import datasync_grades_api
import datasync_grades_sandbox
from datasync_grades_sandbox import Faults, Sandbox
from datasync_grades_sandbox.__main__ import main

SANDBOX = [sys.executable, "-m", "datasync_grades_sandbox"]
GRADES = {
    "assignments": [
        {
            "$sys": {"id": "5a0d3c2b-1e4f-4a6b-9c8d-7e6f5a4b3c2d"},
            "name": "Essay 1",
            "points_possible": 10,
            "scores": [{"$person": {"$sys": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}}}],
        }
    ],
    "summaries": [{"summary_type": "final", "score_type": "percentage", "score": 91.5}],
}


def _env() -> dict[str, str]:
    """The environment of a child: this process's packages on its path, wherever they are."""
    roots = [
        str(Path(module.__file__ or "").resolve().parents[1])
        for module in (datasync_grades_sandbox, datasync_grades, datasync_grades_api)
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*roots, *filter(None, [env.get("PYTHONPATH")])])
    return env


def _run(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SANDBOX, *arguments], capture_output=True, text=True, env=_env(), timeout=timeout
    )


def _exports(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        [word, assignment] = shlex.split(line)
        assert word == "export"
        name, _, value = assignment.partition("=")
        found[name] = value
    return found


@pytest.fixture
def grades_file(tmp_path: Path) -> Path:
    path = tmp_path / "grades.json"
    path.write_text(json.dumps(GRADES), encoding="utf-8")
    return path


@pytest.fixture
def served(grades_file: Path) -> Iterator[Callable[..., dict[str, str]]]:
    """Starts ``python -m datasync_grades_sandbox --port 0 ...``; returns what it printed."""
    started: list[subprocess.Popen[str]] = []

    def serve(*arguments: str) -> dict[str, str]:
        proc = subprocess.Popen(
            [*SANDBOX, "--port", "0", *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        started.append(proc)
        assert proc.stdout is not None
        printed: dict[str, str] = {}
        for line in proc.stdout:
            key, _, value = line.partition(":")
            printed[key.strip()] = value.strip()
            if line.startswith("For clients"):
                return printed
        raise AssertionError(f"the sandbox stopped: {proc.stderr.read() if proc.stderr else ''}")

    yield serve
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        try:
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


def _port(base_url: str) -> str:
    return str(httpx.URL(base_url).port)


def test_seeds_completed_exchanges_from_a_data_file(
    served: Callable[..., dict[str, str]], grades_file: Path
) -> None:
    printed = served(
        "--seed-exchanges", "2", "--course", "MATH-101", "--course", "BIO-201",
        "--state", "completed", "--data", str(grades_file),
    )  # fmt: skip
    assert printed["seeded"] == "4 exchanges (state completed)"
    port = _port(printed["base_url"])
    assert printed["For clients"] == (
        f'eval "$(python -m datasync_grades_sandbox env --port {port})"'
    )
    env = _exports(_run("env", "--port", port).stdout)
    token = httpx.post(
        env["DATASYNC_TOKEN_URL"],
        data={
            "grant_type": "client_credentials",
            "client_id": env["DATASYNC_CLIENT_ID"],
            "client_secret": env["DATASYNC_CLIENT_SECRET"],
        },
    ).json()["access_token"]
    with httpx.Client(
        base_url=env["DATASYNC_BASE_URL"], headers={"Authorization": f"Bearer {token}"}
    ) as api:
        listed = api.get("/exchanges", params={"state": "completed"}).json()["data"]
        assert sorted(e["course_app_id"] for e in listed) == ["BIO-201"] * 2 + ["MATH-101"] * 2
        assert env["DATASYNC_EXCHANGE_ID"] == listed[0]["id"]
        for exchange in listed:
            reply = api.get(f"/exchanges/{exchange['id']}/artifacts/details")
            details = json.loads(gzip.decompress(reply.content))
            assert details["assignments"] == GRADES["assignments"]
            assert details["summaries"] == GRADES["summaries"]


def test_seeds_failed_exchanges_with_errors_from_the_data(
    served: Callable[..., dict[str, str]], grades_file: Path
) -> None:
    printed = served("--seed-exchanges", "1", "--state", "failed", "--data", str(grades_file))
    assert printed["seeded"] == "1 exchanges (state failed)"
    env = _exports(_run("env", "--port", _port(printed["base_url"])).stdout)
    headers = {"Authorization": f"Bearer {env['DATASYNC_LTI_JWT']}"}  # the JWT works too
    with httpx.Client(base_url=env["DATASYNC_BASE_URL"], headers=headers) as api:
        [error] = api.get(f"/exchanges/{env['DATASYNC_EXCHANGE_ID']}/errors").json()["data"]
    assert error["code"] == "producer_failure"
    assert "1 assignments (1 scores) and 1 summaries received" in error["details"]


def test_eval_of_env_runs_a_client_at_once(served: Callable[..., dict[str, str]]) -> None:
    printed = served("--seed-exchanges", "3", "--client-id", "me", "--client-secret", "pa ss")
    command = printed["For clients"].removeprefix("eval ").strip('"').removeprefix("$(")
    assert "--client-id me --client-secret 'pa ss'" in command
    client = (
        "import os\n"
        "from datasync_grades import ClientCredentials, DataSync\n"
        "auth = ClientCredentials(os.environ['DATASYNC_CLIENT_ID'],"
        " os.environ['DATASYNC_CLIENT_SECRET'], token_url=os.environ['DATASYNC_TOKEN_URL'])\n"
        "with DataSync(os.environ['DATASYNC_BASE_URL'], auth=auth) as client:\n"
        "    print(client.exchanges.count(state='created'),"
        " client.exchanges.find(os.environ['DATASYNC_EXCHANGE_ID']).state)\n"
    )
    env_command = shlex.join([*SANDBOX, *shlex.split(command.removesuffix(")"))[3:]])
    script = f'eval "$({env_command})" && {shlex.quote(sys.executable)} -c {shlex.quote(client)}'
    run = subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == "3 created\n"


def test_env_exports_the_settings_of_a_sandbox_started_in_process(
    datasync_sandbox_factory: Callable[..., Sandbox],
) -> None:
    sandbox = datasync_sandbox_factory(clients={"me": "s3cret"}, lti_secret="lti", seed_data=False)
    run = _run(
        "env", "--port", str(sandbox.port), "--client-id", "me", "--client-secret", "s3cret",
        "--lti-secret", "lti",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    env = _exports(run.stdout)
    jwt = env.pop("DATASYNC_LTI_JWT")
    assert env == {  # no exchange yet: no DATASYNC_EXCHANGE_ID
        "DATASYNC_BASE_URL": sandbox.base_url,
        "DATASYNC_TOKEN_URL": sandbox.token_url,
        "DATASYNC_CLIENT_ID": "me",
        "DATASYNC_CLIENT_SECRET": "s3cret",
    }
    reply = httpx.get(f"{sandbox.base_url}/exchanges", headers={"Authorization": f"Bearer {jwt}"})
    assert reply.status_code == 200
    assert sandbox.tokens_issued == 1  # it proved the credentials


def test_env_without_an_lti_secret_exports_no_jwt(
    sandbox: Sandbox, main_in_process: Callable[..., tuple[int, str, str]]
) -> None:
    [oldest, _] = sandbox.seed_exchanges(2)
    code, out, _ = main_in_process("env", "--port", str(sandbox.port), "--lti-secret", "")
    assert code == 0
    env = _exports(out)
    assert "DATASYNC_LTI_JWT" not in env
    assert env["DATASYNC_EXCHANGE_ID"] == oldest


def test_env_fails_without_a_sandbox_or_with_wrong_credentials(
    sandbox: Sandbox, main_in_process: Callable[..., tuple[int, str, str]]
) -> None:
    code, out, err = main_in_process("env", "--port", str(sandbox.port), "--client-secret", "bad")
    assert (code, out) == (1, "")
    assert "refused the client credentials of 'sandbox-client' (401)" in err
    assert "bad" not in err
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    code, out, err = main_in_process("env", "--port", str(port), "--wait", "0.3")
    assert (code, out) == (1, "")
    assert f"no sandbox answers at http://127.0.0.1:{port}/oauth/token" in err


def test_env_waits_for_a_sandbox_still_starting(
    main_in_process: Callable[..., tuple[int, str, str]],
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    sandbox = Sandbox(port)
    starter = threading.Timer(0.5, sandbox.start)  # started in the background, as a shell does
    starter.start()
    try:
        code, out, err = main_in_process("env", "--port", str(port), "--wait", "30")
    finally:
        starter.join()
        sandbox.stop()
    assert code == 0, err
    assert _exports(out)["DATASYNC_BASE_URL"] == f"http://127.0.0.1:{port}/v2/grades"


def test_env_takes_a_failing_token_endpoint_for_no_sandbox(
    datasync_sandbox_factory: Callable[..., Sandbox],
    main_in_process: Callable[..., tuple[int, str, str]],
) -> None:
    faults = Faults(error_rate=1.0, include_token_endpoint=True)
    sandbox = datasync_sandbox_factory(faults=faults)
    code, out, err = main_in_process("env", "--port", str(sandbox.port), "--wait", "0.3")
    assert (code, out) == (1, "")
    assert "no sandbox answers at" in err and "(HTTPError)" in err
    assert sandbox.counters().unavailable >= 1


def _data_file(tmp_path: Path, content: Any) -> str:
    path = tmp_path / "data.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


@pytest.fixture
def main_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """``main(arguments)`` in this process (signal handlers left alone): exit code, out, err."""
    monkeypatch.setattr(signal, "signal", lambda *args: None)

    def run(*arguments: str) -> tuple[int, str, str]:
        try:
            code: object = main(list(arguments))
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return int(code) if isinstance(code, int) else 1, out, err

    return run


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["--state", "completed"], "--state needs --seed-exchanges"),
        (["--data", "{file}"], "--data needs --seed-exchanges"),
        (["--seed-exchanges", "1", "--data", "{file}"], "--data needs --state processing"),
        (["--seed-exchanges", "1", "--state", "done"], "invalid choice: 'done'"),
        (["--seed-exchanges", "1", "--state", "completed", "--data", "missing.json"],
         "--data missing.json: [Errno 2]"),
    ],
)  # fmt: skip
def test_impossible_seeding_flags_are_usage_errors(
    tmp_path: Path,
    main_in_process: Callable[..., tuple[int, str, str]],
    arguments: list[str],
    words: str,
) -> None:
    file = _data_file(tmp_path, GRADES)
    code, _, err = main_in_process(
        "--port", "0", *(file if a == "{file}" else a for a in arguments)
    )
    assert code == 2
    assert words in err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "Expecting property name"),
        ([GRADES], "not a JSON object"),
        ({"assignments": [{"points_possible": "ten"}]}, "'ten' is not of type 'number'"),
        ({"grades": []}, "data takes 'assignments' and 'summaries', not ['grades']"),
    ],
)
def test_data_a_push_could_not_send_is_a_usage_error(
    tmp_path: Path,
    main_in_process: Callable[..., tuple[int, str, str]],
    content: Any,
    words: str,
) -> None:
    file = _data_file(tmp_path, content)
    arguments = ("--port", "0", "--seed-exchanges", "1", "--state", "completed", "--data", file)
    code, out, err = main_in_process(*arguments)
    assert (code, out) == (2, "")
    assert words in err


def test_data_a_push_could_not_send_stops_the_command(tmp_path: Path) -> None:
    file = _data_file(tmp_path, {"summaries": [{"score": "high"}]})
    run = _run("--port", "0", "--seed-exchanges", "1", "--state", "failed", "--data", file)
    assert (run.returncode, run.stdout) == (2, "")
    assert "'high' is not of type 'number'" in run.stderr


def test_help_documents_the_seeding_flags_and_env(
    main_in_process: Callable[..., tuple[int, str, str]],
) -> None:
    code, serve, _ = main_in_process("--help")
    assert code == 0
    for words in ("--state {created,processing,completed,failed}", "--data FILE.json", " env "):
        assert words in serve
    code, env, _ = main_in_process("env", "--help")
    assert code == 0
    for words in ("DATASYNC_BASE_URL", "DATASYNC_LTI_JWT", "--port", "--wait", "eval"):
        assert words in env
