"""Results on stdout as a table (on a terminal), JSON, JSON lines (when piped) or CSV.

Items are written as they arrive in `json` and `jsonl`; `csv` and `table` need every column
first, so they keep the rows (bounded by `--max-items`) until the end.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["FORMATS", "clean", "default_format", "line", "write_items", "write_one"]

FORMATS = ("table", "json", "jsonl", "csv")
# C0 and C1 controls and the bidirectional overrides: an answer must not move the cursor,
# recolour the terminal or reverse the text a person reads.
_CONTROLS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
    if chr(code) not in "\t\n"
}


def clean(text: str) -> str:
    """``text`` with control characters escaped, for a terminal."""
    return text.translate(_CONTROLS)


def default_format(stream: TextIO) -> str:
    """A table for a person at a terminal, JSON lines for a pipe."""
    return "table" if stream.isatty() else "jsonl"


def plain(value: Any) -> Any:
    """A result as JSON-ready data: a model's `to_dict()`, a list of them, or the value."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def line(value: Any) -> str:
    """``value`` as one line of JSON (JSON lines)."""
    return _json(plain(value))


def _json(value: Any, indent: int | None = None) -> str:
    separators = None if indent else (",", ":")
    return json.dumps(value, indent=indent, separators=separators, ensure_ascii=False, default=str)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else _json(value)


def write_items(items: Iterable[Any], fmt: str, out: TextIO = sys.stdout) -> int:
    """Write a list's items in ``fmt``; how many there were."""
    count = 0
    if fmt in ("json", "jsonl"):
        for count, item in enumerate(items, 1):
            text = _json(plain(item), 2) if fmt == "json" else line(item)
            if fmt == "json":
                text = ("[\n" if count == 1 else ",\n") + "\n".join(
                    f"  {line}" for line in text.splitlines()
                )
            out.write(text if fmt == "json" else text + "\n")
        if fmt == "json":
            out.write("\n]\n" if count else "[]\n")
        return count
    rows = [plain(item) for item in items]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row if isinstance(row, dict) else ["value"]))
    table = [[_cell(row.get(c) if isinstance(row, dict) else row) for c in columns] for row in rows]
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(table)
    else:
        _rich_table(list(columns), table, out)
    return len(rows)


def write_one(value: Any, fmt: str, out: TextIO = sys.stdout) -> None:
    """Write one result: a number as it is, an object in ``fmt`` (a table of its fields)."""
    data = plain(value)
    if isinstance(data, bool | int | float | str):
        out.write(f"{_json(data) if isinstance(data, bool) else data}\n")
    elif fmt == "table" and isinstance(data, dict):
        _rich_table(["field", "value"], [[k, _cell(v)] for k, v in data.items()], out)
    elif fmt in ("table", "json"):
        out.write(_json(data, 2) + "\n")
    else:
        write_items([value], fmt, out)


def _rich_table(columns: list[str], rows: list[list[str]], out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*columns)
    for row in rows:
        table.add_row(*(clean(cell) for cell in row), end_section=False)
    # Markup and emoji off: a value of the API is shown as sent, never interpreted. Fitted to
    # a terminal's width; into a file or a pipe, each row on one line, however long.
    width = None if out.isatty() else 1 << 16
    Console(file=out, width=width, markup=False, emoji=False, highlight=False).print(table)
