"""``newsprism compare FILE…``: compare articles as one story, no store needed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsprism.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, Context, fail

_FORMATS = ("text", "md", "html", "json")
_BY_SUFFIX = {".html": "html", ".htm": "html", ".md": "md", ".json": "json", ".txt": "text"}


def _format_of(path: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    return _BY_SUFFIX.get(Path(path).suffix.lower(), "text")


@click.command("compare")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(_FORMATS)),
    default=None,
    help="Output format (default: text; with -o, taken from each file's extension).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    help="Write the comparison to this file (repeatable: .html, .md, .json, .txt); "
    "a short summary still goes to standard output.",
)
@click.pass_obj
def compare_command(
    obj: Context, files: tuple[str, ...], fmt: str | None, outputs: tuple[str, ...]
) -> None:
    """Compare FILES (articles about one story): shared and single-source facts, differences,
    framing, a cited brief and a timeline."""
    from newsprism.compare import CompareError, compare_files, render
    from newsprism.errors import NewsprismError

    try:
        settings = obj.settings()
        comparison, failures = compare_files(list(files), settings)
    except CompareError as exc:
        fail(str(exc))
        raise  # unreachable: fail() exits
    except NewsprismError as exc:
        fail(str(exc))
        raise
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    if outputs:
        for out in outputs:
            text = render(comparison, _format_of(out, fmt))  # type: ignore[arg-type]
            try:
                path = Path(out)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except OSError as exc:
                fail(f"{out}: cannot write ({exc.strerror or exc})")
            click.echo(f"wrote {out}", err=True)
        click.echo(_summary(comparison))
    else:
        click.echo(render(comparison, fmt or "text"), nl=False)  # type: ignore[arg-type]
    sys.exit(EXIT_PARTIAL if failures else EXIT_OK)


def _summary(comparison: object) -> str:
    from newsprism.compare import Comparison

    assert isinstance(comparison, Comparison)
    c = comparison
    shared = sum(1 for f in c.facts if f.status == "shared")
    single = len(c.facts) - shared
    conflicts = sum(1 for d in c.differences if d.grade == "conflict")
    lines = [
        f"{len(c.articles)} article(s), story date {c.story_date or 'unknown'}: "
        f"{shared} shared fact(s), {single} single-source, {len(c.differences)} difference(s) "
        f"({conflicts} conflict), brief of {len(c.brief.sentences)} sentence(s), "
        f"{len(c.timeline)} timeline event(s)"
    ]
    lines.extend(f"note: {n}" for n in c.notes)
    for s in c.brief.sentences[:5]:
        lines.append(f"  · {s.text}")
    return "\n".join(lines)


__all__ = ["EXIT_ERROR", "compare_command"]
