"""Progress on stderr: an artifact's bytes, a list's items, a push's chunks (imported only
when stderr is a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TransferSpeedColumn,
)

__all__ = ["chunk_counter", "counted", "listed"]

T = TypeVar("T")


def counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, unchanged, while a progress line on stderr counts their bytes (the size
    of a decompressed artifact is not known ahead, so it counts up, with the speed)."""
    columns = (SpinnerColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("artifact", total=None)
        for chunk in chunks:
            progress.advance(task, len(chunk))
            yield chunk


@contextmanager
def chunk_counter() -> Iterator[Callable[[Any], None]]:
    """A push's `on_progress`: a bar of the chunks stored out of the push's total."""
    columns = (SpinnerColumn(), TextColumn("chunks stored"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("push", total=None)

        def stored(chunk: Any) -> None:
            progress.update(task, completed=chunk.index + 1, total=chunk.total)

        yield stored


def listed(items: Iterable[T], total: int | None) -> Iterator[T]:
    """``items``, unchanged, while a bar counts them against ``total`` (when it is known)."""
    columns = (SpinnerColumn(), TextColumn("items"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("list", total=total)
        for item in items:
            progress.advance(task)
            yield item
