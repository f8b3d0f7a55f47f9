"""Regenerate ``generated/datasync_grades_api`` from openapi.yaml, and check it is current.

Used by the nox sessions ``generate`` and ``check_generated`` and by their tests::

    python tools/codegen.py generate            # rewrite generated/ from openapi.yaml
    python tools/codegen.py check               # exit 1, naming files, if generated/ is stale

openapi-python-client's ``--overwrite`` deletes only ``api/`` and ``models/`` and
``--meta none`` writes no ``py.typed``, so the package is generated into a fresh temporary
directory, ``py.typed`` is added, and the result replaces the committed tree whole.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "datasync_grades_api"
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "generator-config.yml"
# Custom templates (the typed resources in api/__init__.py); the rest are the generator's own.
TEMPLATES = ROOT / "templates"
TARGET = ROOT / "generated" / PACKAGE


def _tool(name: str) -> str:
    """The generator and ruff must come from the same environment as this interpreter,
    so the pinned versions are the ones that run."""
    candidate = Path(sys.executable).parent / name
    found = str(candidate) if candidate.exists() else shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install the 'codegen' dependency group")
    return found


def generate(spec: Path, out: Path, config: Path = CONFIG) -> Path:
    """Generate the package from ``spec`` into ``out`` (replaced if it exists)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(_tool('ruff')).parent}{os.pathsep}{env.get('PATH', '')}"
    with tempfile.TemporaryDirectory(prefix="dsg-gen-") as tmp:
        staged = Path(tmp) / PACKAGE
        result = subprocess.run(
            [
                _tool("openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--config",
                str(config),
                "--custom-template-path",
                str(TEMPLATES),
                "--meta",
                "none",
                "--output-path",
                str(staged),
            ],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        # The generator exits 0 on warnings that mean a piece was silently dropped.
        if result.returncode != 0 or "Warning" in result.stdout + result.stderr:
            raise SystemExit(
                f"openapi-python-client failed or warned:\n{result.stdout}\n{result.stderr}"
            )
        (staged / "py.typed").write_text("")
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staged, out)
    return out


def diff_trees(expected: Path, actual: Path) -> list[str]:
    """Relative paths that differ between two trees (added, removed or changed)."""
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        for name in cmp.left_only:
            differences.append(f"{prefix}{name} (missing from the committed tree)")
        for name in cmp.right_only:
            differences.append(f"{prefix}{name} (not produced by the generator)")
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        differences.extend(f"{prefix}{name} (content differs)" for name in mismatch + errors)
        differences.extend(f"{prefix}{name} (file vs directory)" for name in cmp.common_funny)
        for name, sub in sorted(cmp.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    ignore = ["__pycache__", ".mypy_cache", ".ruff_cache"]
    walk(filecmp.dircmp(str(expected), str(actual), ignore=ignore), "")
    return sorted(differences)


def check(spec: Path = SPEC, committed: Path = TARGET) -> list[str]:
    """Generate from ``spec`` into a temporary directory and diff it with ``committed``."""
    if not committed.is_dir():
        return [f"{committed} does not exist"]
    with tempfile.TemporaryDirectory(prefix="dsg-check-") as tmp:
        fresh = generate(spec, Path(tmp) / PACKAGE)
        return diff_trees(fresh, committed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["generate", "check"])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    if args.command == "generate":
        generate(args.spec, args.target)
        shown = args.target.relative_to(ROOT) if args.target.is_relative_to(ROOT) else args.target
        print(f"generated {shown}")
        return 0
    differences = check(args.spec, args.target)
    if differences:
        print("generated/ is out of date with openapi.yaml; run 'nox -s generate'.")
        for line in differences:
            print(f"  {line}")
        return 1
    print("generated/ matches openapi.yaml")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
