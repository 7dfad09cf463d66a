"""Console helpers: progress bars on standard error, tables, option types and output files."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click


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


class DayPrefix(click.ParamType):  # type: ignore[type-arg]
    """A ``--since`` value: a day ``YYYY-MM-DD``, a month ``YYYY-MM`` or a year ``YYYY``
    (see :mod:`newsprism.days`)."""

    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        from newsprism.days import day_prefix

        try:
            return day_prefix(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


FORMAT_BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".txt": "text"}


def output_problem(path: str, explicit_format: bool) -> str | None:
    """Why ``path`` cannot be an output file (None: fine). Its folder must exist (it is not
    created), and without an explicit ``--format`` its suffix must name one."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        why = "not a directory" if folder.exists() else "no such directory"
        return f"cannot write {path} ({why}: {folder})"
    if target.is_dir():
        return f"cannot write {path} (it is a directory)"
    if not explicit_format and target.suffix.lower() not in FORMAT_BY_SUFFIX:
        suffix = f"unknown suffix {target.suffix!r}" if target.suffix else "no suffix"
        known = " ".join(FORMAT_BY_SUFFIX)
        return f"{path}: {suffix} (known: {known}; or give --format)"
    return None


def format_of(path: str, explicit: str | None) -> str:
    """The format to write ``path`` in: ``explicit`` when given, else from the suffix."""
    return explicit or FORMAT_BY_SUFFIX.get(Path(path).suffix.lower(), "text")


def write_output(path: str, text: str) -> str | None:
    """Write ``text`` to ``path``; the one-line reason when it cannot be written."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return f"cannot write {path} ({(exc.strerror or str(exc)).lower()})"
    return None
