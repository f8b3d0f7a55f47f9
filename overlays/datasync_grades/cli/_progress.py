"""A byte counter on stderr while an artifact streams (imported only on a terminal)."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Console
from rich.progress import DownloadColumn, Progress, SpinnerColumn, TransferSpeedColumn

__all__ = ["counted"]


def counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, unchanged, while a progress line on stderr counts their bytes (the size
    of a decompressed artifact is not known ahead, so it counts up, with the speed)."""
    columns = (SpinnerColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("artifact", total=None)
        for chunk in chunks:
            progress.advance(task, len(chunk))
            yield chunk
