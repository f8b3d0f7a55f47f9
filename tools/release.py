"""Record public-API changes in CHANGELOG.md, and compute releases from it by semantic versioning.

Used by the nox sessions ``regenerate`` and ``release`` and by the release workflow::

    python tools/release.py regenerate       # codegen.py generate; the API diff into Unreleased
    python tools/release.py bump --dry-run   # the next version (last line); changes no file
    python tools/release.py bump             # set it in _version.py, date the Unreleased section
    python tools/release.py version          # the current version
    python tools/release.py notes 1.2.0      # a released section's text (the GitHub release's)

Which heading means which bump: docs/releasing.md, and CHANGELOG.md's header.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_diff  # sibling scripts, not installed packages
import codegen

CHANGELOG = codegen.ROOT / "CHANGELOG.md"
VERSION_FILE = codegen.ROOT / "overlays" / "datasync_grades" / "_version.py"
UNRELEASED = "## Unreleased"

Version = tuple[int, int, int]


class Bump(IntEnum):
    PATCH = 0
    ADDITION = 1
    BREAKING = 2


# Keep a Changelog's headings plus "Breaking": the heading an entry sits under sets its bump.
SECTIONS: dict[str, Bump] = {
    "Breaking": Bump.BREAKING,
    "Removed": Bump.BREAKING,
    "Added": Bump.ADDITION,
    "Deprecated": Bump.ADDITION,
    "Changed": Bump.PATCH,
    "Fixed": Bump.PATCH,
    "Security": Bump.PATCH,
}
_ORDER = list(SECTIONS)
_UNRELEASED_HEADING = re.compile(r"^## \[?unreleased\]?\s*$", re.IGNORECASE)
_VERSION_LINE = re.compile(r'^__version__ = "(\d+)\.(\d+)\.(\d+)"$', re.MULTILINE)


class ReleaseError(Exception):
    """CHANGELOG.md or _version.py is not in the shape the release rules need."""


def _is_entry(line: str) -> bool:
    # Only top-level bullets are entries; indented ones continue the entry above.
    return line.startswith(("- ", "* "))


def _is_release_heading(line: str) -> bool:
    return line.startswith("## ")


@dataclass
class Section:
    name: str
    lines: list[str] = field(default_factory=list)

    @property
    def entries(self) -> list[str]:
        return [line for line in self.lines if _is_entry(line)]


@dataclass
class Changelog:
    """CHANGELOG.md split around its Unreleased section; hand-written lines are kept verbatim."""

    before: list[str]
    preamble: list[str]
    sections: list[Section]
    after: list[str]

    @classmethod
    def parse(cls, text: str) -> Changelog:
        lines = text.splitlines()
        start = next((i for i, line in enumerate(lines) if _UNRELEASED_HEADING.match(line)), None)
        if start is None:  # after a release, or a new file: Unreleased goes above the releases
            first = next((i for i, line in enumerate(lines) if _is_release_heading(line)), None)
            split = len(lines) if first is None else first
            return cls(lines[:split], [], [], lines[split:])
        end = next(
            (i for i in range(start + 1, len(lines)) if _is_release_heading(lines[i])), len(lines)
        )
        preamble: list[str] = []
        sections: list[Section] = []
        for line in lines[start + 1 : end]:
            if line.startswith("### "):
                sections.append(Section(_section_name(line[4:])))
            elif sections:
                sections[-1].lines.append(line)
            elif _is_entry(line):
                raise ReleaseError(
                    f"CHANGELOG.md: entry {line!r} under Unreleased is in no '### ' section; "
                    f"put it under one of {', '.join(SECTIONS)}"
                )
            else:
                preamble.append(line)
        for section in sections:
            section.lines = _trimmed(section.lines)
        return cls(lines[:start], _trimmed(preamble), sections, lines[end:])

    def entries(self) -> list[tuple[str, str]]:
        return [(section.name, entry) for section in self.sections for entry in section.entries]

    def bump(self) -> Bump | None:
        """The bump the Unreleased entries call for; None when there are none."""
        levels = [SECTIONS[name] for name, _ in self.entries()]
        return max(levels) if levels else None

    def add(self, section_name: str, entry: str) -> bool:
        """Append ``entry`` to its section, creating the section in Keep a Changelog's order;
        False (and nothing changed) when the section already has that entry."""
        section = next((s for s in self.sections if s.name == section_name), None)
        if section is None:
            section = Section(section_name)
            rank = _ORDER.index(section_name)
            later = [i for i, s in enumerate(self.sections) if _ORDER.index(s.name) > rank]
            self.sections.insert(later[0] if later else len(self.sections), section)
        elif entry in section.lines:
            return False
        section.lines.append(entry)
        return True

    def render(self, released: str | None = None) -> str:
        """The file; with ``released`` (``X.Y.Z (date)``), the Unreleased section becomes that
        release and a new, empty Unreleased section stands above it."""
        body: list[str] = []
        if self.preamble:
            body += [*self.preamble, ""]
        for section in self.sections:
            body += [f"### {section.name}", "", *section.lines, ""]
        head = [*_trimmed(self.before), "", UNRELEASED, ""]
        if released is not None:
            head += [f"## {released}", ""]
        return "\n".join([*head, *body, *self.after]).rstrip("\n") + "\n"


def _section_name(heading: str) -> str:
    for name in SECTIONS:
        if heading.strip().lower() == name.lower():
            return name
    raise ReleaseError(
        f"CHANGELOG.md: unknown section '### {heading.strip()}' under Unreleased; "
        f"use one of {', '.join(SECTIONS)}"
    )


def _trimmed(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def read_changelog(path: Path = CHANGELOG) -> Changelog:
    if not path.is_file():
        raise ReleaseError(f"{path.name} not found at {path}")
    return Changelog.parse(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- versions


def read_version(path: Path = VERSION_FILE) -> Version:
    match = _VERSION_LINE.search(path.read_text(encoding="utf-8"))
    if match is None:
        raise ReleaseError(f'{path.name}: no line `__version__ = "X.Y.Z"`')
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def write_version(version: Version, path: Path = VERSION_FILE) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        _VERSION_LINE.sub(f'__version__ = "{_format(version)}"', text, count=1), encoding="utf-8"
    )


def next_version(current: Version, bump: Bump) -> Version:
    """Semantic versioning; while the major version is 0, everything moves one place down."""
    major, minor, patch = current
    if bump is Bump.BREAKING:
        return (major + 1, 0, 0) if major else (0, minor + 1, 0)
    if bump is Bump.ADDITION:
        return (major, minor + 1, 0) if major else (0, minor, patch + 1)
    return major, minor, patch + 1


def _format(version: Version) -> str:
    return ".".join(str(part) for part in version)


# ---------------------------------------------------------------- commands


def _section_for(change: api_diff.Change) -> str:
    if change.breaking:
        return "Breaking"
    return "Added" if change.kind == "added" else "Changed"


def regenerate() -> int:
    """Regenerate with tools/codegen.py, print the API diff, record it under Unreleased."""
    changelog = read_changelog()  # a malformed changelog fails before generated/ changes
    old = api_diff.load_surface(codegen.TARGET)
    generated = subprocess.run([sys.executable, codegen.__file__, "generate"], check=False)
    if generated.returncode != 0:
        return generated.returncode
    changes = api_diff.compare(old, api_diff.load_surface(codegen.TARGET))
    sys.stdout.write(api_diff.render(changes, "committed generated/", codegen.SPEC.name))
    added = [c for c in changes if changelog.add(_section_for(c), f"- {c.markdown()}")]
    if added:
        CHANGELOG.write_text(changelog.render(), encoding="utf-8")
        print(f"CHANGELOG.md: {len(added)} new entries under Unreleased")
    else:
        print("CHANGELOG.md: nothing new to record")
    return 0


def bump(dry_run: bool, today: dt.date) -> int:
    changelog = read_changelog()
    level = changelog.bump()
    if level is None:
        raise ReleaseError("nothing to release: CHANGELOG.md's Unreleased section has no entries")
    current = read_version()
    new = next_version(current, level)
    counts = {name: 0 for name in SECTIONS}
    for name, _ in changelog.entries():
        counts[name] += 1
    print("Unreleased: " + ", ".join(f"{n} {name.lower()}" for name, n in counts.items() if n))
    reason = {Bump.BREAKING: "breaking", Bump.ADDITION: "additive", Bump.PATCH: "patch"}[level]
    print(f"{_format(current)} -> {_format(new)} ({reason} bump)")
    if not dry_run:
        released = f"{_format(new)} ({today.isoformat()})"
        CHANGELOG.write_text(changelog.render(released=released), encoding="utf-8")
        write_version(new)
        print(f"CHANGELOG.md: ## {released}; {VERSION_FILE.relative_to(codegen.ROOT)} updated")
    print(_format(new))
    return 0


def notes(version: str, path: Path = CHANGELOG) -> str:
    """The body of the section ``## <version> ...``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    heading = re.compile(rf"^## \[?{re.escape(version)}\]?(\s|$)")
    start = next((i for i, line in enumerate(lines) if heading.match(line)), None)
    if start is None:
        raise ReleaseError(f"CHANGELOG.md has no section for {version}")
    end = next(
        (i for i in range(start + 1, len(lines)) if _is_release_heading(lines[i])), len(lines)
    )
    return "\n".join(_trimmed(lines[start + 1 : end])) + "\n"


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("regenerate", help="regenerate generated/ and record the API diff")
    bump_parser = commands.add_parser("bump", help="the next version from Unreleased")
    bump_parser.add_argument("--dry-run", action="store_true", help="print it, change nothing")
    commands.add_parser("version", help="print the current version")
    notes_parser = commands.add_parser("notes", help="print a released section's text")
    notes_parser.add_argument("version")
    args = parser.parse_args(None if argv is None else list(argv))
    try:
        if args.command == "regenerate":
            return regenerate()
        if args.command == "bump":
            return bump(args.dry_run, dt.date.today())
        if args.command == "version":
            print(_format(read_version()))
            return 0
        sys.stdout.write(notes(args.version))
        return 0
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
