"""The diff of the overridden generator templates against the pinned generator's own.

``templates/`` holds copies of some of openapi-python-client's templates, changed a little
(and ``api_init.py.jinja``, which is ours). ``templates/UPSTREAM.diff`` records every change
against the installed (pinned) generator, so upgrading the generator is a re-diff::

    python tools/template_diff.py write     # rewrite templates/UPSTREAM.diff
    python tools/template_diff.py check     # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import openapi_python_client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
RECORD = TEMPLATES / "UPSTREAM.diff"
UPSTREAM = Path(openapi_python_client.__file__).parent / "templates"
# Ours entirely (the typed resources); the generator's own is an empty line.
OURS = {"api_init.py.jinja"}


def overridden() -> list[str]:
    """The custom templates that replace one of the generator's (relative paths)."""
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.jinja")
        if (UPSTREAM / path.relative_to(TEMPLATES)).is_file()
        and str(path.relative_to(TEMPLATES)) not in OURS
    )


def upstream_diff() -> str:
    """The unified diff of every overridden template against the generator's own."""
    chunks = []
    for name in overridden():
        chunks += difflib.unified_diff(
            (UPSTREAM / name).read_text().splitlines(keepends=True),
            (TEMPLATES / name).read_text().splitlines(keepends=True),
            fromfile=f"openapi_python_client/templates/{name}",
            tofile=f"templates/{name}",
        )
    return "".join(chunks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["write", "check"])
    args = parser.parse_args(argv)
    if args.command == "write":
        RECORD.write_text(upstream_diff())
        return 0
    if not RECORD.is_file() or RECORD.read_text() != upstream_diff():
        print(f"{RECORD.relative_to(ROOT)} is out of date: run python tools/template_diff.py write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
