"""``python -m datasync_grades_sandbox env``: a running sandbox's settings as the environment
variables the README's examples (and a command line) read, printed as ``export`` lines.

It asks the sandbox for a token first (waiting up to ``--wait`` seconds for it to listen), so
what it prints is known to work; it prints nothing and exits 1 when no sandbox answers or the
credentials are refused. The variables: ``DATASYNC_BASE_URL``, ``DATASYNC_TOKEN_URL``,
``DATASYNC_CLIENT_ID``, ``DATASYNC_CLIENT_SECRET``, ``DATASYNC_LTI_JWT`` (minted with the LTI
secret) and, when the sandbox has exchanges, ``DATASYNC_EXCHANGE_ID`` (the oldest). A local,
throw-away sandbox's credentials: printing them is the point.

Example::

    python -m datasync_grades_sandbox --port 8080 --seed-exchanges 3 &
    eval "$(python -m datasync_grades_sandbox env --port 8080)"
    python my_consumer.py          # reads DATASYNC_BASE_URL, DATASYNC_CLIENT_ID, ...
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from ._app import TOKEN_PATH
from ._jwt import mint_lti_jwt
from ._server import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_LTI_SECRET, HOST
from ._spec import base_path, load_spec

__all__ = ["SandboxUnreachable", "environment", "exports", "main"]

# No proxy: the sandbox is on loopback, whatever http_proxy says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SandboxUnreachable(Exception):
    """No sandbox answers at the address, or it refuses the credentials."""


def _call(request: urllib.request.Request) -> Any:
    with _OPENER.open(request, timeout=5) as reply:
        return json.loads(reply.read())


def _token(token_url: str, client_id: str, client_secret: str, wait: float) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
    }
    request = urllib.request.Request(token_url, data=urlencode(form).encode(), method="POST")
    deadline = time.monotonic() + wait
    while True:
        try:
            return str(_call(request)["access_token"])
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 401):  # RFC 6749's refusals; a 429 or 5xx may pass
                raise SandboxUnreachable(
                    f"{token_url} refused the client credentials of {client_id!r} "
                    f"({exc.code}); pass the sandbox's --client-id and --client-secret"
                ) from None
            failure: Exception = exc
        except (OSError, ValueError, KeyError, TypeError) as exc:  # not listening (yet)
            failure = exc
        if time.monotonic() >= deadline:
            raise SandboxUnreachable(
                f"no sandbox answers at {token_url} ({type(failure).__name__}); start one "
                "with python -m datasync_grades_sandbox --port PORT"
            ) from None
        time.sleep(0.1)


def environment(
    port: int,
    *,
    client_id: str = DEFAULT_CLIENT_ID,
    client_secret: str = DEFAULT_CLIENT_SECRET,
    lti_secret: str | None = DEFAULT_LTI_SECRET,
    jwt_ttl: float = 3600.0,
    wait: float = 10.0,
) -> dict[str, str]:
    """The variables for the sandbox on ``127.0.0.1:port``, once it issues a token."""
    origin = f"http://{HOST}:{port}"
    base_url = origin + base_path(load_spec())
    token = _token(origin + TOKEN_PATH, client_id, client_secret, wait)
    env = {
        "DATASYNC_BASE_URL": base_url,
        "DATASYNC_TOKEN_URL": origin + TOKEN_PATH,
        "DATASYNC_CLIENT_ID": client_id,
        "DATASYNC_CLIENT_SECRET": client_secret,
    }
    if lti_secret:
        env["DATASYNC_LTI_JWT"] = mint_lti_jwt(lti_secret, ttl=jwt_ttl)
    oldest = urllib.request.Request(
        f"{base_url}/exchanges?page_size=1", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        listed = _call(oldest)["data"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SandboxUnreachable(f"{base_url}/exchanges failed ({type(exc).__name__})") from None
    if listed:
        env["DATASYNC_EXCHANGE_ID"] = str(listed[0]["id"])
    return env


def exports(env: Mapping[str, str]) -> str:
    """POSIX shell ``export`` lines, values quoted."""
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m datasync_grades_sandbox env",
        description="Print a running sandbox's settings as the environment variables the "
        "README's examples read (DATASYNC_BASE_URL, DATASYNC_TOKEN_URL, DATASYNC_CLIENT_ID, "
        "DATASYNC_CLIENT_SECRET, DATASYNC_LTI_JWT, DATASYNC_EXCHANGE_ID), as export lines: "
        'eval "$(python -m datasync_grades_sandbox env --port 8080)". Give the options the '
        "sandbox was started with.",
    )
    add = parser.add_argument
    add("--port", type=int, default=8080, help="the sandbox's port")
    add("--client-id", default=DEFAULT_CLIENT_ID)
    add("--client-secret", default=DEFAULT_CLIENT_SECRET)
    add("--lti-secret", default=DEFAULT_LTI_SECRET, help="signs DATASYNC_LTI_JWT; '' for none")
    add("--jwt-ttl", type=float, default=3600.0, help="lifetime of DATASYNC_LTI_JWT, seconds")
    add("--wait", type=float, default=10.0, help="seconds to wait for the sandbox to listen")
    args = parser.parse_args(argv)
    try:
        env = environment(
            args.port,
            client_id=args.client_id,
            client_secret=args.client_secret,
            lti_secret=args.lti_secret,
            jwt_ttl=args.jwt_ttl,
            wait=args.wait,
        )
    except SandboxUnreachable as exc:
        print(f"datasync_grades_sandbox env: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(exports(env))
    return 0
