"""Scores as CSV for `exchanges push-data --data FILE`: one row per score, its assignment's
columns repeated on each row; the rows of one assignment (same `assignment_id` and
`assignment`) become one `Assignment` with their scores, in the order they first appear.

Example::

    assignment,points_possible,person_id,score,grade
    Essay 1,10,1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f,9.5,A
"""

from __future__ import annotations

import csv
import io
from typing import Any

__all__ = ["COLUMNS", "assignments"]

# column -> where its value goes: in the Assignment, or in one of its scores (AssignmentScore)
ASSIGNMENT = {
    "assignment_id": ("$sys", "id"),
    "assignment": ("name",),
    "points_possible": ("points_possible",),
    "due_at": ("due_at",),
}
SCORE = {
    "person_id": ("$person", "$sys", "id"),
    "score": ("score",),
    "grade": ("grade",),
    "late": ("late",),
    "excused": ("excused",),
    "submitted_at": ("submitted_at",),
}
COLUMNS = (*ASSIGNMENT, *SCORE)


def _boolean(text: str) -> bool:
    return {"true": True, "false": False}[text.lower()]


_TYPES: dict[str, Any] = {
    "points_possible": float,
    "score": float,
    "late": _boolean,
    "excused": _boolean,
}


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> Any:
    """Set ``value`` at ``path`` unless one is there; the value that is there now."""
    for key in path[:-1]:
        target = target.setdefault(key, {})
    return target.setdefault(path[-1], value)


def assignments(text: str) -> list[dict[str, Any]]:
    """The assignments of a CSV text. Raises ``ValueError`` naming the line and column of a
    bad cell (never its value: scores are students' data)."""
    reader = csv.DictReader(io.StringIO(text))
    unknown = sorted(set(reader.fieldnames or ["(none)"]) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown CSV columns {unknown}; the columns are {list(COLUMNS)}")
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:
            raise ValueError(f"{where}: more cells than columns")
        key = (row.get("assignment_id") or "", row.get("assignment") or "")
        if key == ("", ""):
            raise ValueError(f"{where}: no assignment or assignment_id")
        assignment = found.setdefault(key, {"scores": []})
        score: dict[str, Any] = {}
        for column, text in row.items():
            if not text:
                continue
            try:
                value = _TYPES.get(column, str)(text.strip())
            except (ValueError, KeyError):
                kind = "number" if _TYPES[column] is float else "true or false"
                raise ValueError(f"{where}, column {column}: not a {kind}") from None
            if column in SCORE:
                _put(score, SCORE[column], value)
            elif _put(assignment, ASSIGNMENT[column], value) != value:
                raise ValueError(f"{where}, column {column}: not the assignment's first value")
        assignment["scores"].append(score)
    return list(found.values())
