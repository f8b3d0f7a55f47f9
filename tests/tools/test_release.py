"""tools/release.py: spec changes recorded in CHANGELOG.md, and the version they call for.

The end-to-end story runs the scripts, as nox does, in a copy of the repository (their paths
follow the copy), one regeneration per step; the changelog and version rules are tested on text.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import release
import yaml
from release import Bump, Changelog, ReleaseError

ROOT = Path(__file__).resolve().parents[2]
Spec = dict[str, Any]
IGNORED = shutil.ignore_patterns(
    ".git", ".nox", ".venv", "node_modules", "dist", "build", "__pycache__", "*_cache", "venv"
)
ARCHIVE_ENTRY = "- added operation `exchanges.archive_exchange`: POST /exchanges/{id}/archive"
PRIORITY_ADDED = "- added field `Exchange.priority`: int | Unset"
PRIORITY_REMOVED = "- removed field `Exchange.priority`: int | Unset"


def _copy_repo(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=IGNORED)
    # The story starts from an empty Unreleased section, whatever the checkout has pending.
    changelog = target / "CHANGELOG.md"
    head = changelog.read_text(encoding="utf-8").partition("## Unreleased")[0]
    changelog.write_text(f"{head}## Unreleased\n", encoding="utf-8")
    return target


def _run(repo: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "tools" / script), *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )


def _snapshot(repo: Path) -> dict[str, str]:
    """Every file's digest, to show a command changed nothing."""
    return {
        str(path.relative_to(repo)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(repo.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _unreleased(changelog: str) -> str:
    return changelog.split("\n## Unreleased\n", 1)[1]


def _edit_spec(repo: Path, mutate: Callable[[Spec], None]) -> None:
    path = repo / "openapi.yaml"
    document: Spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _add_archive_and_priority(spec: Spec) -> None:
    find = copy.deepcopy(spec["paths"]["/exchanges/{id}"])
    find["post"] = find.pop("get")
    find["post"].update(operationId="archiveExchange", summary="Archive a Grades Exchange")
    spec["paths"]["/exchanges/{id}/archive"] = find
    spec["components"]["schemas"]["Exchange"]["properties"]["priority"] = {"type": "integer"}


def _remove_priority(spec: Spec) -> None:
    del spec["components"]["schemas"]["Exchange"]["properties"]["priority"]


@dataclass(frozen=True)
class Step:
    regenerate: subprocess.CompletedProcess[str]
    changelog: str
    check: subprocess.CompletedProcess[str]
    dry_run: subprocess.CompletedProcess[str]
    dry_run_changed: bool


@dataclass(frozen=True)
class Story:
    repo: Path
    added: Step
    again: Step
    removed: Step
    archive_module: bool


@pytest.fixture(scope="module")
def story(generator: None, tmp_path_factory: pytest.TempPathFactory) -> Story:
    """Add an operation and an optional field; regenerate; regenerate again; remove the field."""
    repo = _copy_repo(tmp_path_factory.mktemp("release") / "repo")

    def step() -> Step:
        regenerated = _run(repo, "release.py", "regenerate")
        assert regenerated.returncode == 0, regenerated.stdout + regenerated.stderr
        before = _snapshot(repo)
        dry_run = _run(repo, "release.py", "bump", "--dry-run")
        return Step(
            regenerated,
            (repo / "CHANGELOG.md").read_text(encoding="utf-8"),
            _run(repo, "codegen.py", "check"),
            dry_run,
            _snapshot(repo) != before,
        )

    _edit_spec(repo, _add_archive_and_priority)
    added = step()
    api = repo / "generated" / "datasync_grades_api" / "api"
    archive_module = (api / "exchanges" / "archive_exchange.py").is_file()
    again = step()
    _edit_spec(repo, _remove_priority)
    return Story(repo, added, again, step(), archive_module)


# ---------------------------------------------------------------- the story, in a copy


@pytest.mark.slow  # the story regenerates a copy of the repository 3 times
def test_regenerate_writes_the_new_operation_module(story: Story) -> None:
    assert story.archive_module
    assert story.added.check.returncode == 0, story.added.check.stdout
    assert "generated/ matches openapi.yaml" in story.added.check.stdout


@pytest.mark.slow
def test_regenerate_prints_the_api_diff(story: Story) -> None:
    out = story.added.regenerate.stdout
    assert "added operation exchanges.archive_exchange: POST /exchanges/{id}/archive" in out
    assert "added field Exchange.priority: int | Unset" in out
    assert "CHANGELOG.md: 2 new entries under Unreleased" in out


@pytest.mark.slow
def test_unreleased_names_the_operation_and_field_as_additions(story: Story) -> None:
    unreleased = _unreleased(story.added.changelog)
    assert f"### Added\n\n{ARCHIVE_ENTRY}\n{PRIORITY_ADDED}\n" in unreleased
    assert "### Breaking" not in unreleased


@pytest.mark.slow
def test_dry_run_prints_the_additive_bump_and_changes_nothing(story: Story) -> None:
    result = story.added.dry_run
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "0.1.1"  # 0.x: an addition bumps the patch
    assert "0.1.0 -> 0.1.1 (additive bump)" in lines
    assert not story.added.dry_run_changed


@pytest.mark.slow
def test_regenerating_again_adds_nothing(story: Story) -> None:
    assert "no public API changes" in story.again.regenerate.stdout
    assert "CHANGELOG.md: nothing new to record" in story.again.regenerate.stdout
    assert story.again.changelog == story.added.changelog


@pytest.mark.slow
def test_removed_field_is_recorded_as_breaking(story: Story) -> None:
    unreleased = _unreleased(story.removed.changelog)
    assert f"### Breaking\n\n{PRIORITY_REMOVED}\n" in unreleased
    # Entries accumulate until a release: the earlier spec change is still listed.
    assert f"### Added\n\n{ARCHIVE_ENTRY}\n{PRIORITY_ADDED}\n" in unreleased
    assert unreleased.index("### Breaking") < unreleased.index("### Added")
    assert "BREAKING  removed field Exchange.priority" in story.removed.regenerate.stdout


@pytest.mark.slow
def test_dry_run_prints_the_breaking_bump(story: Story) -> None:
    result = story.removed.dry_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0.2.0"  # 0.x: breaking bumps the minor
    assert "0.1.0 -> 0.2.0 (breaking bump)" in result.stdout
    assert not story.removed.dry_run_changed
    assert story.removed.check.returncode == 0


# ---------------------------------------------------------------- releasing, in a copy


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    """What ``bump`` reads and writes, without generated/."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "tools", repo / "tools", ignore=IGNORED)
    version = repo / "overlays" / "datasync_grades" / "_version.py"
    version.parent.mkdir(parents=True)
    version.write_text('"""The version."""\n\n__version__ = "1.4.2"\n', encoding="utf-8")
    (repo / "CHANGELOG.md").write_text(
        "# Changelog\n\nHeader.\n\n## Unreleased\n\n### Fixed\n\n- A hand-written fix.\n\n"
        "## 1.4.2 (2026-01-02)\n\n### Added\n\n- Older.\n",
        encoding="utf-8",
    )
    return repo


def test_release_sets_the_version_and_dates_the_section(small_repo: Path) -> None:
    result = _run(small_repo, "release.py", "bump")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1.4.3"  # a hand-written fix is a patch
    version = small_repo / "overlays" / "datasync_grades" / "_version.py"
    assert '__version__ = "1.4.3"\n' in version.read_text(encoding="utf-8")
    today = dt.date.today().isoformat()
    assert (small_repo / "CHANGELOG.md").read_text(encoding="utf-8") == (
        "# Changelog\n\nHeader.\n\n## Unreleased\n\n"
        f"## 1.4.3 ({today})\n\n### Fixed\n\n- A hand-written fix.\n\n"
        "## 1.4.2 (2026-01-02)\n\n### Added\n\n- Older.\n"
    )
    notes = _run(small_repo, "release.py", "notes", "1.4.3")
    assert notes.stdout == "### Fixed\n\n- A hand-written fix.\n"
    again = _run(small_repo, "release.py", "bump", "--dry-run")
    assert again.returncode == 2
    assert "nothing to release" in again.stderr


def test_version_command_prints_the_current_version(small_repo: Path) -> None:
    assert _run(small_repo, "release.py", "version").stdout == "1.4.2\n"


def test_notes_for_an_unknown_version_exit_2(small_repo: Path) -> None:
    result = _run(small_repo, "release.py", "notes", "9.9.9")
    assert result.returncode == 2
    assert "no section for 9.9.9" in result.stderr


def test_bad_changelog_fails_before_generated_changes(small_repo: Path) -> None:
    for name in ("openapi.yaml", "generator-config.yml"):
        shutil.copy(ROOT / name, small_repo / name)
    (small_repo / "CHANGELOG.md").write_text("## Unreleased\n\n### Fixes\n\n- x\n")
    result = _run(small_repo, "release.py", "regenerate")
    assert result.returncode == 2
    assert "unknown section '### Fixes'" in result.stderr
    assert not (small_repo / "generated").exists()


# ---------------------------------------------------------------- the rules, on text


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ((0, 1, 0), Bump.BREAKING, (0, 2, 0)),
        ((0, 1, 3), Bump.ADDITION, (0, 1, 4)),
        ((0, 1, 3), Bump.PATCH, (0, 1, 4)),
        ((1, 2, 3), Bump.BREAKING, (2, 0, 0)),
        ((1, 2, 3), Bump.ADDITION, (1, 3, 0)),
        ((1, 2, 3), Bump.PATCH, (1, 2, 4)),
    ],
)
def test_next_version(current: release.Version, bump: Bump, expected: release.Version) -> None:
    assert release.next_version(current, bump) == expected


@pytest.mark.parametrize(
    ("heading", "bump"),
    [
        ("Breaking", Bump.BREAKING),
        ("Removed", Bump.BREAKING),
        ("Added", Bump.ADDITION),
        ("Deprecated", Bump.ADDITION),
        ("Changed", Bump.PATCH),
        ("Fixed", Bump.PATCH),
        ("Security", Bump.PATCH),
        ("fixed", Bump.PATCH),
    ],
)
def test_a_hand_written_entry_counts_by_its_heading(heading: str, bump: Bump) -> None:
    changelog = Changelog.parse(f"# C\n\n## Unreleased\n\n### {heading}\n\n- Something.\n")
    assert changelog.bump() is bump


def test_the_largest_bump_wins() -> None:
    text = "## Unreleased\n\n### Fixed\n\n- a\n\n### Breaking\n\n* b\n\n### Added\n\n- c\n"
    assert Changelog.parse(text).bump() is Bump.BREAKING


def test_no_entries_means_no_bump() -> None:
    assert Changelog.parse("# C\n\n## Unreleased\n\n### Added\n\n").bump() is None
    assert Changelog.parse("# C\n\n## 1.0.0 (2026-01-01)\n\n### Added\n\n- x\n").bump() is None


HAND_WRITTEN = """\
# Changelog

Header.

## [Unreleased]

Prose about this release.

### Breaking

- `DataSync` replaces `connect()`;
  the old names are gone.
  - a sub-point, part of the entry above

### Fixed

- Retries honour Retry-After.

## 0.1.0 (2026-01-01)

### Added

- First.
"""


def test_generated_entries_keep_the_hand_written_ones() -> None:
    changelog = Changelog.parse(HAND_WRITTEN)
    assert changelog.add("Added", "- added operation `x.y`: GET /y")
    assert changelog.add("Breaking", "- removed field `A.b`: str | Unset")
    assert changelog.render() == (
        "# Changelog\n\nHeader.\n\n## Unreleased\n\nProse about this release.\n\n"
        "### Breaking\n\n- `DataSync` replaces `connect()`;\n  the old names are gone.\n"
        "  - a sub-point, part of the entry above\n- removed field `A.b`: str | Unset\n\n"
        "### Added\n\n- added operation `x.y`: GET /y\n\n"
        "### Fixed\n\n- Retries honour Retry-After.\n\n"
        "## 0.1.0 (2026-01-01)\n\n### Added\n\n- First.\n"
    )
    # Indented lines continue an entry: two entries under Breaking now, not four.
    assert [name for name, _ in Changelog.parse(changelog.render()).entries()] == [
        "Breaking", "Breaking", "Added", "Fixed"
    ]  # fmt: skip


def test_an_entry_already_there_is_not_added_again() -> None:
    changelog = Changelog.parse(HAND_WRITTEN)
    assert not changelog.add("Fixed", "- Retries honour Retry-After.")
    assert changelog.entries() == Changelog.parse(HAND_WRITTEN).entries()


def test_a_changelog_without_unreleased_gets_one_above_the_releases() -> None:
    changelog = Changelog.parse("# Changelog\n\n## 0.1.0 (2026-01-01)\n\n- First.\n")
    assert changelog.add("Changed", "- changed parameter `x.y(page)`: default 0 → 1")
    assert changelog.render() == (
        "# Changelog\n\n## Unreleased\n\n### Changed\n\n"
        "- changed parameter `x.y(page)`: default 0 → 1\n\n"
        "## 0.1.0 (2026-01-01)\n\n- First.\n"
    )


def test_release_render_turns_unreleased_into_the_version() -> None:
    released = Changelog.parse(HAND_WRITTEN).render(released="0.2.0 (2026-12-01)")
    assert re.search(r"## Unreleased\n\n## 0\.2\.0 \(2026-12-01\)\n\nProse", released)
    assert Changelog.parse(released).bump() is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("## Unreleased\n\n### Fixes\n\n- x\n", "unknown section '### Fixes'"),
        ("## Unreleased\n\n- x\n", "is in no '### ' section"),
    ],
)
def test_a_malformed_unreleased_section_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ReleaseError, match=re.escape(message)):
        Changelog.parse(text)


def test_a_version_file_without_a_version_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "_version.py"
    path.write_text("VERSION = 1\n")
    with pytest.raises(ReleaseError, match="no line"):
        release.read_version(path)


def test_the_repository_changelog_parses() -> None:
    changelog = release.read_changelog()
    assert changelog.render().startswith("# Changelog\n")
    release.read_version()
