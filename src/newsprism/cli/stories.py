"""``newsprism stories``, ``show`` and ``cluster``: the stories of a store."""

from __future__ import annotations

import sys

import click
from click.core import ParameterSource

from newsprism.cli import EXIT_OK, Context, db_option, fail, format_option, since_option
from newsprism.cli.articles import open_read_only
from newsprism.cli.output import format_of, output_problem, shorten, write_output
from newsprism.errors import NewsprismError
from newsprism.serialize import dumps


@click.command("stories")
@db_option
@format_option("text", "json")
@since_option("stories with an article")
@click.pass_obj
def stories_command(obj: Context, db: str | None, fmt: str, since: str | None) -> None:
    """List stories: articles, outlets and independent origins."""
    with open_read_only(obj, db) as store:
        stories = store.stories(since=since)
    if fmt == "json":
        click.echo(
            dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "articles": s.article_ids,
                        "outlets": s.outlets,
                        "origins": len(s.origins),
                        "origin_groups": s.origins,
                        "first_seen": s.first_seen,
                        "last_seen": s.last_seen,
                    }
                    for s in stories
                ],
                indent=2,
            )
        )
        return
    for s in stories:
        span = f"{s.first_seen or '?'} … {s.last_seen or '?'}"
        click.echo(
            f"{s.id}  {span}  {len(s.article_ids)} article(s), {len(s.outlets)} outlet(s), "
            f"{len(s.origins)} origin(s)"
        )
        click.echo(f"    {shorten(s.title, 100) or '(no title)'}")
    click.echo(f"{len(stories)} story(ies)")


@click.command("show")
@click.argument("story_id")
@db_option
@format_option("text", "md", "html", "json")
@click.option(
    "-o",
    "--output",
    default=None,
    help="Write to this file instead of stdout (its folder must exist; without --format, "
    "the format comes from its suffix: .html .md .json .txt).",
)
@click.pass_context
def show_command(
    ctx: click.Context, story_id: str, db: str | None, fmt: str, output: str | None
) -> None:
    """Compare the articles of one stored story (an id prefix is enough)."""
    from newsprism.compare import CompareError, compare_stored_story, render

    obj: Context = ctx.obj
    if output:
        explicit = ctx.get_parameter_source("fmt") is not ParameterSource.DEFAULT
        problem = output_problem(output, explicit_format=explicit)
        if problem:
            fail(problem)
        fmt = format_of(output, fmt if explicit else None)
    with open_read_only(obj, db) as store:
        try:
            comparison, _ = compare_stored_story(store, story_id)
        except CompareError as exc:
            fail(str(exc))
    text = render(comparison, fmt)  # type: ignore[arg-type]
    if output:
        problem = write_output(output, text)
        if problem:
            fail(problem)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command("cluster")
@db_option
@click.option(
    "--rebuild",
    is_flag=True,
    required=True,
    help="Re-cluster every stored article (the only mode; asked for so that it is never run "
    "by accident).",
)
@click.option(
    "--runner",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Where to run: this process, or Spark (needs the spark extra).",
)
@click.option("--master", default="local[2]", show_default=True, help="Spark master URL.")
@format_option("text", "json")
@click.pass_obj
def cluster_command(
    obj: Context, db: str | None, rebuild: bool, runner: str, master: str, fmt: str
) -> None:
    """Re-cluster all stored articles in batch mode; story ids are kept by overlap."""
    from newsprism.runners import run_cluster
    from newsprism.store import open_store

    try:
        settings = obj.settings(db=db)
        with open_store(settings.db) as store:
            report = run_cluster(runner, store, settings, master=master)
    except NewsprismError as exc:
        fail(str(exc))
        raise
    if fmt == "json":
        click.echo(dumps(report, indent=2))
    else:
        click.echo(
            f"{report.articles} article(s) in {report.stories} story(ies); "
            f"{report.moved} article(s) changed story; {report.featurised} newly featurised"
        )
    sys.exit(EXIT_OK)
