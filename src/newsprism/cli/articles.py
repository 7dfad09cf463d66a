"""``newsprism articles``, ``search`` and ``show-article``: look at what is stored."""

from __future__ import annotations

from collections.abc import Iterator

import click

from newsprism.cli import Context, db_option, fail, format_option, since_option
from newsprism.cli.output import shorten
from newsprism.errors import NewsprismError
from newsprism.models import Article, ArticleAnalysis, QualityFlag
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
@since_option("articles published")
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
            click.echo(f"    {flag_line(f)}")
    click.echo(f"{len(articles)} article(s)")


def flag_line(flag: QualityFlag) -> str:
    """``flag fused_words: Smithis — Smith is?`` (the flag, its text and its detail)."""
    detail = f" — {shorten(flag.detail, 80)}" if flag.detail else ""
    return f"flag {flag.kind}: {shorten(flag.text, 80)}{detail}"


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
        click.echo(
            f"{hit.article_id}  {hit.published or '----------'}  "
            f"{shorten(hit.outlet, 18) or '-':18}  {shorten(hit.title, 80) or '(no title)'}"
        )
        click.echo(f"    {shorten(hit.snippet, 200)}")
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
    for line in article_lines(article, analysis):
        click.echo(line)


def article_lines(article: Article, analysis: ArticleAnalysis | None) -> Iterator[str]:
    """``show-article``'s text: the article, what cleaning took out and flagged, then its
    analysis in short: entities with their name-chain keys, quotes with their speakers,
    time expressions with their resolved values, quantities normalised, the first claims."""
    yield f"{article.id}  {article.title or '(no title)'}"
    published = article.published or "-"
    if article.published_source:
        published += f" ({article.published_source})"
    place = article.dateline.place if article.dateline and article.dateline.place else "-"
    yield (
        f"outlet {article.outlet or '-'} · published {published} · "
        f"language {article.language or '-'} · dateline {place}"
    )
    prov = article.provenance
    yield (
        f"source {prov.path}"
        + (f" {prov.locator}" if prov.locator else "")
        + (f" · {article.url}" if article.url else "")
    )
    yield ""
    yield article.body
    if article.removed or article.flags:
        yield ""
    for r in article.removed:
        yield f"removed ({r.reason}): {shorten(r.text, 80)}"
    for f in article.flags:
        yield flag_line(f)
    if analysis is None:
        yield ""
        yield "no analysis stored (ingested with --no-analyze)"
        return
    a = analysis
    yield ""
    headings = sum(s.is_heading for s in a.sentences)
    yield (
        f"{len(a.sentences)} sentences" + (f" ({headings} headings)" if headings else "") + ", "
        f"{len(a.entities)} entities, {len(a.quotes)} quotes, {len(a.times)} time expressions, "
        f"{len(a.quantities)} quantities, {len(a.claims)} claims"
    )
    if a.entities:
        yield f"entities ({len(a.entities)}): name chain key, name, label, mentions, aliases"
    for e in a.entities:
        others = [shorten(x, 30) for x in e.aliases if x != e.name]
        aliases = f"  aka {', '.join(others)}" if others else ""
        yield f"  {shorten(e.key, 40):40}  {shorten(e.name, 30)}  {e.label} ×{e.mentions}{aliases}"
    if a.quotes:
        yield f"quotes ({len(a.quotes)}): kind, speaker, words"
    for q in a.quotes:
        speaker = shorten(q.speaker, 30) or "(no speaker)"
        chain = f" [{q.speaker_entity}]" if q.speaker_entity else ""
        yield f"  {q.kind:8}  {speaker}{chain}: “{shorten(q.text, 90)}”"
    if a.times:
        yield f"time expressions ({len(a.times)}): text → resolved value"
    for t in a.times:
        value = t.value or "unresolved"
        how = ", ".join(x for x in (t.kind, t.granularity, t.mod) if x)
        anchor = f"; anchor {t.anchor}" if t.anchor else ""
        yield f"  {shorten(t.text, 40)!r} → {value} ({how}{anchor})"
    if a.quantities:
        yield f"quantities ({len(a.quantities)}): text → normalised value"
    for n in a.quantities:
        bound = _BOUND.get(n.bound, "") or ("≈ " if n.approx else "")
        yield f"  {shorten(n.text, 40)!r} → {bound}{n.value:g} {n.unit} ({n.kind})"
    if a.claims:
        shown = min(len(a.claims), _CLAIMS_SHOWN)
        yield f"claims ({len(a.claims)}; first {shown}, all with --format json)"
    for c in a.claims[:_CLAIMS_SHOWN]:
        about = f"{shorten(c.subject, 30)}: " if c.subject else ""
        said = f" (according to {shorten(c.attribution, 30)})" if c.attribution else ""
        yield f"  s{c.sentence}  {about}{shorten(c.text, 100)}{said}"


_CLAIMS_SHOWN = 5
_BOUND = {"le": "≤ ", "ge": "≥ ", "lt": "< ", "gt": "> ", "about": "≈ "}
