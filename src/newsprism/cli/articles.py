"""``newsprism articles``, ``search`` and ``show-article``: look at what is stored."""

from __future__ import annotations

import click

from newsprism.cli import Context, db_option, fail, format_option
from newsprism.cli.output import shorten
from newsprism.errors import NewsprismError
from newsprism.serialize import analysis_to_dict, article_to_dict, dumps
from newsprism.store import Store, open_store


def open_read_only(obj: Context, db: str | None) -> Store:
    try:
        return open_store(obj.settings(db=db).db, read_only=True)
    except NewsprismError as exc:
        fail(str(exc))
        raise  # unreachable: fail() exits


@click.command("articles")
@db_option
@format_option("text", "json")
@click.option("--since", default=None, help="Only articles published on or after DATE.")
@click.pass_obj
def articles_command(obj: Context, db: str | None, fmt: str, since: str | None) -> None:
    """List stored articles."""
    with open_read_only(obj, db) as store:
        articles = list(store.iter_articles(since=since))
    if fmt == "json":
        click.echo(dumps([article_to_dict(a) for a in articles], indent=2))
        return
    for a in articles:
        dateline = a.dateline.place if a.dateline and a.dateline.place else "-"
        click.echo(
            f"{a.id}  {a.published or '----------'} ({a.published_source or '-'})  "
            f"{shorten(a.outlet, 18) or '-':18}  {a.language or '--'}  dateline {dateline}"
        )
        click.echo(f"    {shorten(a.title, 100) or '(no title)'}")
        for h in a.headings:
            click.echo(f"    {h.level}: {shorten(h.text, 90)}")
        for r in a.removed:
            click.echo(f"    removed ({r.reason}): {shorten(r.text, 80)}")
        for f in a.flags:
            click.echo(f"    flag {f.kind}: {shorten(f.text, 80)}")
    click.echo(f"{len(articles)} article(s)")


@click.command("search")
@click.argument("query")
@db_option
@format_option("text", "json")
@click.option("--limit", default=20, show_default=True, help="Most hits to show.")
@click.pass_obj
def search_command(obj: Context, query: str, db: str | None, fmt: str, limit: int) -> None:
    """Full-text search over titles and bodies."""
    with open_read_only(obj, db) as store:
        hits = store.search(query, limit=limit)
    if fmt == "json":
        click.echo(dumps(hits, indent=2))
        return
    for hit in hits:
        click.echo(f"{hit.article_id}  {hit.published or '----------'}  {shorten(hit.title, 80)}")
        click.echo(f"    {hit.snippet}")
    click.echo(f"{len(hits)} hit(s)")


@click.command("show-article")
@click.argument("article_id")
@db_option
@format_option("text", "json")
@click.pass_obj
def show_article_command(obj: Context, article_id: str, db: str | None, fmt: str) -> None:
    """Show one stored article (an id prefix is enough) with its analysis."""
    with open_read_only(obj, db) as store:
        ids = store.find_article_ids(article_id)
        if len(ids) != 1:
            fail(
                f"{article_id}: " + ("no such article" if not ids else f"{len(ids)} articles match")
            )
        article = store.get_article(ids[0])
        analysis = store.get_analysis(ids[0])
    assert article is not None
    data = article_to_dict(article)
    data["analysis"] = analysis_to_dict(analysis) if analysis else None
    if fmt == "json":
        click.echo(dumps(data, indent=2))
        return
    click.echo(f"{article.id}  {article.title or '(no title)'}")
    click.echo(f"outlet {article.outlet or '-'} · published {article.published or '-'}")
    click.echo("")
    click.echo(article.body)
    if analysis:
        click.echo("")
        click.echo(
            f"{len(analysis.sentences)} sentences, {len(analysis.entities)} entities, "
            f"{len(analysis.quotes)} quotes, {len(analysis.times)} time expressions, "
            f"{len(analysis.quantities)} quantities, {len(analysis.claims)} claims"
        )
