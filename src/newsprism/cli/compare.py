"""``newsprism compare FILE…``: compare articles as one story, no store needed."""

from __future__ import annotations

import sys

import click

from newsprism.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, Context, fail
from newsprism.cli.output import FORMAT_BY_SUFFIX, format_of, output_problem, write_output

_FORMATS = ("text", "md", "html", "json")


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
    help=f"Write the comparison to this file (repeatable; {', '.join(FORMAT_BY_SUFFIX)}, "
    "or any name with --format); its folder must exist; a short summary still goes to "
    "standard output.",
)
@click.pass_obj
def compare_command(
    obj: Context, files: tuple[str, ...], fmt: str | None, outputs: tuple[str, ...]
) -> None:
    """Compare FILES (articles about one story): shared and single-source facts, differences,
    framing, a cited brief and a timeline."""
    from newsprism.errors import NewsprismError
    from newsprism.features.embed import get_encoder

    for out in outputs:
        problem = output_problem(out, explicit_format=fmt is not None)
        if problem:
            fail(problem)
    # the sentence encoder loads in a helper process while this one imports, reads and parses
    get_encoder().preload(helper_process=True)
    from newsprism.compare import CompareError, compare_files, render

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
            text = render(comparison, format_of(out, fmt))  # type: ignore[arg-type]
            problem = write_output(out, text)
            if problem:
                fail(problem)
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
