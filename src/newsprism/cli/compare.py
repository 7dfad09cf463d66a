"""``newsprism compare FILE…``: compare articles as one story, no store needed."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

import click

from newsprism.cli import EXIT_ERROR, EXIT_OK, EXIT_PARTIAL, Context, fail
from newsprism.cli.output import FORMAT_BY_SUFFIX, format_of, output_problem, write_output

if TYPE_CHECKING:
    from collections.abc import Sequence

    from newsprism.compare.story import FileInputs
    from newsprism.config import Settings
    from newsprism.models import Article, ArticleAnalysis

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
    from newsprism.forked import ForkedCall

    for out in outputs:
        problem = output_problem(out, explicit_format=fmt is not None)
        if problem:
            fail(problem)
    try:
        settings = obj.settings()
    except NewsprismError as exc:
        fail(str(exc))
        raise  # unreachable: fail() exits
    # two helper processes share the other core while this one loads the parser: one reads
    # and cleans the files, one loads the sentence encoder
    with ForkedCall(_read_inputs, list(files), settings) as reading:
        from newsprism.features.embed import get_encoder

        get_encoder().preload(helper_process=True)
        _preload_parser()
        from newsprism.compare import render
        from newsprism.compare.story import compare_inputs

        try:
            comparison, failures = compare_inputs(
                reading.result(), settings, analyze=_analyze_beside
            )
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


def _read_inputs(paths: list[str], settings: Settings) -> FileInputs:
    """:func:`~newsprism.compare.story.read_inputs`, then the cleaning workers (``workers``
    above 1) are stopped: a forked child ends without Python's exit hooks, which stop them."""
    from newsprism.compare.story import read_inputs

    try:
        return read_inputs(paths, settings)
    finally:
        if settings.workers > 1:
            from newsprism.clean.parallel import shutdown_workers

            shutdown_workers()


def _analyze_beside(articles: Sequence[Article]) -> list[ArticleAnalysis]:
    """The articles' analyses, made in two processes at once: the articles are cut in two runs
    of about equal text, and a forked child, which shares the loaded parser, analyses the
    shorter run (spaCy uses one core)."""
    from newsprism.compare.story import analyze_cached
    from newsprism.forked import ForkedCall

    sizes = [len(a.title or "") + len(a.body) for a in articles]
    cut = min(range(1, len(articles)), key=lambda i: max(sum(sizes[:i]), sum(sizes[i:])), default=0)
    if not cut:
        return analyze_cached(articles)
    first, later = articles[:cut], articles[cut:]
    if sum(sizes[:cut]) < sum(sizes[cut:]):
        with ForkedCall(analyze_cached, first) as other:
            done = analyze_cached(later)
            return other.result() + done
    with ForkedCall(analyze_cached, later) as other:
        done = analyze_cached(first)
        return done + other.result()


def _preload_parser() -> None:
    """Load spaCy and the analysis rules now (an error is reported where they are used)."""
    from newsprism.analyze import load_analyzer
    from newsprism.errors import NewsprismError

    with contextlib.suppress(NewsprismError):
        load_analyzer()


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
