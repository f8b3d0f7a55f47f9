"""The `datasync-grades` command line: every operation of the API, from the same operation
table as the typed client (`pip install "datasync-grades[cli]"`).

Example::

    $ export DATASYNC_CLIENT_ID=... DATASYNC_CLIENT_SECRET=...
    $ datasync-grades exchanges list --state completed --format jsonl
    $ datasync-grades exchanges count --state failed
    $ datasync-grades artifacts get-exchange-details 3f6c1f4e-... | jq .
    $ datasync-grades artifacts get-exchange-details 3f6c1f4e-... --items | jq .name

Exit codes (`ExitCode`): 0 ok, 1 other error, 2 usage, 3 auth, 4 not found, 5 conflict,
6 rate limited, 7 validation (the request was refused), 8 server or connection.
"""

from __future__ import annotations

from ._exit import ExitCode

__all__ = ["ExitCode", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the command line (the console script `datasync-grades`, `python -m datasync_grades`)."""
    from ._app import build

    build()(args=argv, prog_name="datasync-grades")
