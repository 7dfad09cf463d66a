"""Console helpers: progress bars on standard error, tables."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(label: str, *, enabled: bool = True) -> Iterator[Callable[[str, int], None]]:
    """A live counter of records read/stored/failed on stderr (only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda event, n: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stats]}"),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=None, stats="")
        counts = {"read": 0, "stored": 0, "failed": 0}

        def advance(event: str, n: int) -> None:
            counts[event] = counts.get(event, 0) + n
            progress.update(
                task,
                advance=n if event == "read" else 0,
                stats=f"read {counts['read']} · stored {counts['stored']} · failed {counts['failed']}",
            )

        yield advance


def shorten(text: str | None, width: int) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
