"""The generator templates we change, kept as a patch over the pinned generator's own.

``templates/`` holds our own templates (``api_init.py.jinja``, ``cli_operations.py.jinja``)
and ``templates/upstream.patch``: every change we make to one of openapi-python-client's
templates, as a unified diff against the pinned version. Code generation applies it to the
installed generator's templates (strictly: a hunk whose context does not match fails), so the
repository holds only what is ours, and a generator upgrade is a re-applied patch::

    python tools/template_diff.py edit      # write the patched templates to build/templates
    python tools/template_diff.py write     # rewrite templates/upstream.patch from build/templates
    python tools/template_diff.py check     # exit 1 unless the patch applies to the generator
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import sys
from pathlib import Path

import openapi_python_client

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
PATCH = TEMPLATES / "upstream.patch"
EDITING = ROOT / "build" / "templates"
UPSTREAM = Path(openapi_python_client.__file__).parent / "templates"
_HUNK = re.compile(r"@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")
_FROM = "openapi_python_client/templates/"


class PatchError(Exception):
    """The patch does not apply to the installed generator's templates."""


def parse(patch: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Per patched template (its path under templates/), its hunks: the line where each starts
    in the generator's template (from 0) and its lines (``" "``, ``"-"`` or ``"+"`` first)."""
    files: dict[str, list[tuple[int, list[str]]]] = {}
    hunks: list[tuple[int, list[str]]] = []
    for line in patch.splitlines(keepends=True):
        if line.startswith("--- "):
            hunks = files.setdefault(line[4:].strip().removeprefix(_FROM), [])
        elif line.startswith("+++ "):
            continue
        elif match := _HUNK.match(line):
            hunks.append((int(match[1]) - 1 if int(match[1]) else 0, []))
        elif hunks and line[:1] in (" ", "-", "+"):
            hunks[-1][1].append(line)
        elif line.strip():
            raise PatchError(f"not a line of a unified diff: {line!r}")
    return files


def apply(original: str, hunks: list[tuple[int, list[str]]], name: str) -> str:
    """``original`` with ``hunks`` applied; every context and removed line must match."""
    source, result, at = original.splitlines(keepends=True), [], 0
    for start, lines in hunks:
        result += source[at:start]
        at = start
        for line in lines:
            if line[0] != "+":
                if at >= len(source) or source[at] != line[1:]:
                    raise PatchError(f"{name}: the hunk at line {start + 1} does not match")
                at += 1
            if line[0] != "-":
                result.append(line[1:])
    return "".join(result + source[at:])


def materialize(dest: Path) -> Path:
    """The template directory the generator runs with: ours, and the patched ones."""
    shutil.copytree(TEMPLATES, dest, ignore=shutil.ignore_patterns("*.md", "*.patch"))
    for name, hunks in parse(PATCH.read_text()).items():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(apply((UPSTREAM / name).read_text(), hunks, name))
    return dest


def diff(edited: Path) -> str:
    """The patch that turns the generator's templates into the copies under ``edited``."""
    chunks: list[str] = []
    for path in sorted(edited.rglob("*.jinja")):
        name = str(path.relative_to(edited))
        if (UPSTREAM / name).is_file() and not (TEMPLATES / name).is_file():
            chunks += difflib.unified_diff(
                (UPSTREAM / name).read_text().splitlines(keepends=True),
                path.read_text().splitlines(keepends=True),
                fromfile=_FROM + name,
                tofile=f"templates/{name}",
            )
    return "".join(chunks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["edit", "write", "check"])
    args = parser.parse_args(argv)
    if args.command == "edit":
        shutil.rmtree(EDITING, ignore_errors=True)
        print(f"patched templates in {materialize(EDITING)}: edit, then run 'write'")
    elif args.command == "write":
        PATCH.write_text(diff(EDITING))
    else:
        try:
            for name, hunks in parse(PATCH.read_text()).items():
                apply((UPSTREAM / name).read_text(), hunks, name)
        except (PatchError, FileNotFoundError) as exc:
            print(f"{PATCH.relative_to(ROOT)} does not apply to this generator: {exc}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
