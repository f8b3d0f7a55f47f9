"""The benchmark scenarios are imported from ``bench/`` at the repository root, which is not
on pytest's ``pythonpath`` (that holds the packages only)."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
