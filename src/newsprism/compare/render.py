"""Output of a comparison: JSON (``comparison_to_dict``), plain text, Markdown and HTML.

HTML escapes every piece of article text (``html.escape``) and needs no script.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from typing import Any, Literal

from newsprism.compare.model import Citation, Comparison, Difference, Fact

Format = Literal["text", "md", "html", "json"]


def _cite(c: Citation) -> dict[str, Any]:
    d: dict[str, Any] = {"article": c.article, "text": c.text, "start": c.start, "end": c.end}
    if c.field != "body":
        d["field"] = c.field
    return d


def _short_cite(c: Citation) -> dict[str, Any]:
    d: dict[str, Any] = {"article": c.article, "start": c.start, "end": c.end}
    if c.field != "body":
        d["field"] = c.field
    return d


def comparison_to_dict(c: Comparison) -> dict[str, Any]:
    """The JSON shape of a comparison (``newsprism compare --format json``)."""
    return {
        "version": c.version,
        "story_date": c.story_date,
        "shared_event": c.shared_event,
        "notes": list(c.notes),
        "failures": [{"where": f.where, "reason": f.reason} for f in c.failures],
        "articles": [
            {
                "id": a.id,
                "outlet": a.outlet,
                "title": a.title,
                "published": a.published,
                "published_source": a.published_source,
                "dateline": a.dateline,
                "origin": a.origin,
                "path": a.path,
                "url": a.url,
                "quality_flags": list(a.quality_flags),
            }
            for a in c.articles
        ],
        "facts": [
            {
                "id": f.id,
                "text": f.text,
                "status": f.status,
                "support": [_cite(s) for s in f.support],
                "origins": f.origins,
                "kind": f.kind,
                "score": f.score,
                "dates": list(f.dates),
                "entities": list(f.entities),
                "sentence": _cite(f.sentence) if f.sentence else None,
                "disputed_by": list(f.disputed_by),
            }
            for f in c.facts
        ],
        "differences": [
            {
                "kind": d.kind,
                "grade": d.grade,
                "fact": d.fact,
                "sides": [_cite(s) for s in d.sides],
                "explanation": d.explanation,
            }
            for d in c.differences
        ],
        "framing": [
            {
                "article": f.article,
                "headline": f.headline,
                "lead": _cite(f.lead) if f.lead else None,
                "tone": f.tone,
                "characterisations": [
                    {"text": ch.text, "tone": ch.tone, "where": ch.where, **_cite(ch.cite)}
                    for ch in f.characterisations
                ],
                "hedges": [_cite(h) for h in f.hedges],
                "loaded_words": [_cite(w) for w in f.loaded_words],
                "leads_with": f.leads_with,
                "leads_with_text": f.leads_with_text,
                "omits": list(f.omits),
            }
            for f in c.framing
        ],
        "coverage": [asdict(r) for r in c.coverage],
        "brief": [
            {
                "text": s.text,
                "citations": [_short_cite(x) for x in s.citations],
                "verified": s.verified,
                "source": s.source,
            }
            for s in c.brief.sentences
        ],
        "brief_dropped": c.brief.dropped,
        "timeline": [
            {
                "date": e.date,
                "text": e.text,
                "citations": [_short_cite(x) for x in e.citations],
                "background": e.background,
                "granularity": e.granularity,
            }
            for e in c.timeline
        ],
    }


def _labels(c: Comparison) -> dict[str, str]:
    out: dict[str, str] = {}
    for n, a in enumerate(c.articles, start=1):
        out[a.id] = f"[{n}] {a.outlet}" if a.outlet else f"[{n}]"
    return out


def _one_line(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


_SEASONS = {"SP": "spring", "SU": "summer", "FA": "fall", "WI": "winter"}
_HALVES = {"1": "first half", "2": "second half"}
_DATE_PARTS = re.compile(r"^(\d{4})-(SP|SU|FA|WI|Q[1-4]|H[12]|W\d{1,2})$")


def date_label(value: str) -> str:
    """A timeline date as a reader says it: ``2023-FA`` → ``fall 2023``, ``2024-Q1`` →
    ``Q1 2024``, ``2024-H2`` → ``second half of 2024``, ``2024-W14`` → ``week 14 of 2024``;
    days, months and years stay ISO (``2024-04-02``, ``2023-11``, ``2022``)."""
    m = _DATE_PARTS.match(value)
    if not m:
        return value
    year, part = m.group(1), m.group(2)
    if part in _SEASONS:
        return f"{_SEASONS[part]} {year}"
    if part[0] == "Q":
        return f"{part} {year}"
    if part[0] == "H":
        return f"{_HALVES[part[1]]} of {year}"
    return f"week {int(part[1:])} of {year}"


def _snippet(c: Citation, width: int = 110) -> str:
    return _one_line(c.text, width)


class _Notes:
    """Numbered citations (Markdown footnotes): one number per cited span."""

    def __init__(self) -> None:
        self.order: list[Citation] = []
        self.number: dict[tuple[str, str, int, int], int] = {}

    def mark(self, c: Citation) -> str:
        key = (c.article, c.field, c.start, c.end)
        if key not in self.number:
            self.order.append(c)
            self.number[key] = len(self.order)
        return f"[^{self.number[key]}]"


def _anchor(c: Citation, position: dict[str, int]) -> str:
    """The id of a cited span's copy in the HTML "Articles" section (digits and words only)."""
    return f"cite-{position.get(c.article, 0)}-{c.field}-{c.start}-{c.end}"


def _fact_sources(f: Fact, labels: dict[str, str]) -> str:
    backing = ", ".join(
        labels.get(s.article, s.article) for s in f.support if s.article not in f.disputed_by
    )
    if not f.disputed_by:
        return backing
    disputing = ", ".join(labels.get(a, a) for a in f.disputed_by)
    return f"{backing}; another figure or date: {disputing}"


def _diff_body(d: Difference, labels: dict[str, str]) -> str:
    sides = " | ".join(
        f'{labels.get(s.article, s.article)} "{_one_line(s.text, 70)}"' for s in d.sides
    )
    return f"{sides} — {d.explanation}"


def _diff_line(d: Difference, labels: dict[str, str]) -> str:
    return f"{d.kind} ({d.grade}): {_diff_body(d, labels)}"


def render_text(c: Comparison) -> str:
    labels = _labels(c)
    out: list[str] = []
    out.append(f"Story of {len(c.articles)} article(s), dated {c.story_date or 'unknown'}")
    for n, a in enumerate(c.articles, start=1):
        date = f"{a.published} ({a.published_source})" if a.published else "undated"
        out.append(f"  [{n}] {a.outlet or '-'} · {date} · {_one_line(a.title or '(no title)', 90)}")
    for note in c.notes:
        out.append(f"  note: {note}")
    for failure in c.failures:
        out.append(f"  failed: {failure}")
    shared = [f for f in c.facts if f.status == "shared"]
    single = [f for f in c.facts if f.status == "single"]
    out.append("")
    out.append(f"Shared facts ({len(shared)})")
    for f in shared:
        out.append(
            f"  {f.id} [{f.origins} origins: {_fact_sources(f, labels)}] {_one_line(f.text)}"
        )
    out.append("")
    out.append(f"Single-source facts ({len(single)})")
    for f in single:
        out.append(f"  {f.id} [{_fact_sources(f, labels)}] {_one_line(f.text)}")
    out.append("")
    out.append(f"Differences ({len(c.differences)})")
    for d in c.differences:
        out.append("  " + _diff_line(d, labels))
    out.append("")
    out.append("Framing")
    for fr in c.framing:
        words = ", ".join(f'"{ch.text}" ({ch.tone})' for ch in fr.characterisations[:6])
        out.append(
            f"  {labels.get(fr.article, fr.article)}: tone {fr.tone}; {words or 'no tone words'}"
        )
        if fr.leads_with_text:
            out.append(f"    leads with: {_one_line(fr.leads_with_text, 120)}")
        if fr.hedges:
            out.append("    hedges: " + ", ".join(h.text for h in fr.hedges))
        if fr.loaded_words:
            out.append("    loaded words: " + ", ".join(w.text for w in fr.loaded_words))
        out.append(f"    omits {len(fr.omits)} fact(s) others carry")
    out.append("")
    out.append(
        f"Brief ({len(c.brief.sentences)} sentences, {c.brief.dropped} dropped by the checker)"
    )
    for s in c.brief.sentences:
        out.append(f"  {s.text}")
        for x in s.citations:
            out.append(f'      {labels.get(x.article, x.article)}: "{_snippet(x)}"')
    out.append("")
    out.append(f"Timeline ({len(c.timeline)})")
    for e in c.timeline:
        mark = " (background)" if e.background else ""
        sources = " ".join(
            dict.fromkeys(labels.get(x.article, x.article).split(" ")[0] for x in e.citations)
        )
        out.append(f"  {date_label(e.date)}{mark}: {_one_line(e.text, 120)} {sources}".rstrip())
    return "\n".join(out) + "\n"


def render_md(c: Comparison) -> str:
    labels = _labels(c)

    def md(text: str) -> str:
        return (
            " ".join(text.split())
            .replace("\\", "\\\\")
            .replace("|", "\\|")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("*", "\\*")
            .replace("_", "\\_")
        )

    out: list[str] = [f"# Comparison of {len(c.articles)} article(s)", ""]
    out.append("| # | outlet | published | title |")
    out.append("|---|---|---|---|")
    for n, a in enumerate(c.articles, start=1):
        date = f"{a.published} ({a.published_source})" if a.published else "undated"
        out.append(f"| {n} | {md(a.outlet or '-')} | {date} | {md(a.title or '(no title)')} |")
    out.append("")
    for note in c.notes:
        out.append(f"- note: {md(note)}")
    for failure in c.failures:
        out.append(f"- failed: {md(str(failure))}")
    notes = _Notes()
    out += ["", "## Brief", ""]
    for s in c.brief.sentences:
        out.append(f"- {md(s.text)} {''.join(notes.mark(x) for x in s.citations)}".rstrip())
    if c.brief.dropped:
        out.append(f"- _{c.brief.dropped} sentence(s) dropped: not supported by their citations_")
    out += [
        "",
        "## Facts",
        "",
        "| id | status | origins | sources | fact |",
        "|---|---|---|---|---|",
    ]
    for f in c.facts:
        out.append(
            f"| {f.id} | {f.status} | {f.origins} | {md(_fact_sources(f, labels))} | {md(f.text)} |"
        )
    out += ["", "## Differences", ""]
    for d in c.differences:
        out.append(f"- **{d.kind}** ({d.grade}): {md(_diff_body(d, labels))}")
    out += ["", "## Framing", ""]
    for fr in c.framing:
        out.append(f"### {md(labels.get(fr.article, fr.article))}: {fr.tone}")
        if fr.headline:
            out.append(f"- headline: {md(fr.headline)}")
        for ch in fr.characterisations:
            out.append(f"- {ch.where}: “{md(ch.text)}” ({ch.tone})")
        if fr.hedges:
            out.append("- hedges: " + ", ".join(md(h.text) for h in fr.hedges))
        if fr.loaded_words:
            out.append("- loaded words: " + ", ".join(md(w.text) for w in fr.loaded_words))
        if fr.leads_with_text:
            out.append(f"- leads with: {md(fr.leads_with_text)}")
        out.append(f"- omits: {', '.join(fr.omits) or 'nothing'}")
        out.append("")
    out += ["## Timeline", ""]
    for e in c.timeline:
        mark = " (background)" if e.background else ""
        marks = "".join(notes.mark(x) for x in e.citations)
        out.append(f"- **{md(date_label(e.date))}**{mark}: {md(e.text)} {marks}".rstrip())
    if notes.order:
        out += ["", "## Citations", ""]
        for n, x in enumerate(notes.order, start=1):
            where = f"{x.field} " if x.field != "body" else ""
            out.append(
                f"[^{n}]: {md(labels.get(x.article, x.article))}, {where}characters "
                f"{x.start}–{x.end}: “{md(_snippet(x, 160))}”"
            )
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}
.shared{background:#e8f5e9}.single{background:#fff8e1}.conflict{background:#ffebee}
.compatible{background:#e3f2fd}.unclear{background:#f3e5f5}cite{color:#555;font-size:.85em}
.bg{color:#777}ol.cited li:target{background:#fff59d}small{color:#777}
"""


def render_html(c: Comparison) -> str:
    e = html.escape
    labels = _labels(c)
    position = {a.id: n for n, a in enumerate(c.articles, start=1)}
    cited: dict[str, Citation] = {}

    def link(x: Citation, text: str | None = None) -> str:
        """A link to the cited span's copy in the "Articles" section."""
        anchor = _anchor(x, position)
        cited.setdefault(anchor, x)
        label = labels.get(x.article, x.article) if text is None else text
        return f'<a href="#{anchor}" title="{e(_snippet(x))}">{e(label)}</a>'

    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>newsprism comparison of {len(c.articles)} articles</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Comparison of {len(c.articles)} article(s)</h1>",
        "<table><tr><th>#</th><th>outlet</th><th>published</th><th>title</th></tr>",
    ]
    for n, a in enumerate(c.articles, start=1):
        date = f"{a.published} ({a.published_source})" if a.published else "undated"
        parts.append(
            f"<tr><td>{n}</td><td>{e(a.outlet or '-')}</td><td>{e(date)}</td>"
            f"<td>{e(a.title or '(no title)')}</td></tr>"
        )
    parts.append("</table>")
    if c.notes or c.failures:
        parts.append("<ul>")
        parts.extend(f"<li>{e(n)}</li>" for n in c.notes)
        parts.extend(f"<li>failed: {e(str(f))}</li>" for f in c.failures)
        parts.append("</ul>")
    parts.append("<h2>Brief</h2><ul>")
    for s in c.brief.sentences:
        cites = ", ".join(link(x) for x in s.citations)
        parts.append(f"<li>{e(s.text)} <cite>{cites}</cite></li>")
    parts.append("</ul>")
    parts.append("<h2>Facts</h2><table><tr><th>id</th><th>origins</th>")
    parts.extend(f"<th>{e(labels[a.id])}</th>" for a in c.articles)
    parts.append("</tr>")
    for f in c.facts:
        by_article = {x.article: x for x in f.support}
        row = [f'<tr class="{f.status}"><td>{e(f.id)}</td><td>{f.origins}</td>']
        for a in c.articles:
            cite = by_article.get(a.id)
            if cite is not None and a.id in f.disputed_by:
                row.append(
                    f'<td class="disputes" title="another figure or date (see the differences)">'
                    f"{e(cite.text)} {link(cite, '↗')}</td>"
                )
                continue
            row.append(f"<td>{e(cite.text) + ' ' + link(cite, '↗') if cite else ''}</td>")
        row.append("</tr>")
        parts.append("".join(row))
    parts.append("</table><h2>Differences</h2><table>")
    parts.append("<tr><th>kind</th><th>grade</th><th>sides</th><th>explanation</th></tr>")
    for d in c.differences:
        sides = "<br>".join(f"{link(s)}: “{e(s.text)}”" for s in d.sides)
        parts.append(
            f'<tr class="{e(d.grade)}"><td>{e(d.kind)}</td><td>{e(d.grade)}</td>'
            f"<td>{sides}</td><td>{e(d.explanation)}</td></tr>"
        )
    parts.append("</table><h2>Framing</h2>")
    for fr in c.framing:
        parts.append(f"<h3>{e(labels.get(fr.article, fr.article))}: {e(fr.tone)}</h3><ul>")
        if fr.headline:
            parts.append(f"<li>headline: {e(fr.headline)}</li>")
        for ch in fr.characterisations:
            parts.append(f"<li>{e(ch.where)}: “{e(ch.text)}” ({e(ch.tone)})</li>")
        if fr.hedges:
            parts.append("<li>hedges: " + e(", ".join(h.text for h in fr.hedges)) + "</li>")
        if fr.loaded_words:
            parts.append(
                "<li>loaded words: " + e(", ".join(w.text for w in fr.loaded_words)) + "</li>"
            )
        if fr.leads_with_text:
            parts.append(f"<li>leads with: {e(fr.leads_with_text)}</li>")
        parts.append(f"<li>omits {len(fr.omits)} fact(s) that others carry</li></ul>")
    parts.append("<h2>Timeline</h2><ul>")
    for ev in c.timeline:
        cls = ' class="bg"' if ev.background else ""
        mark = " (background)" if ev.background else ""
        cites = ", ".join(link(x) for x in ev.citations)
        parts.append(
            f'<li{cls}><b><time datetime="{e(ev.date)}">{e(date_label(ev.date))}</time></b>'
            f"{mark}: {e(ev.text)} <cite>{cites}</cite></li>"
        )
    parts.append("</ul>")
    parts.extend(_articles_html(c, labels, cited))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _articles_html(c: Comparison, labels: dict[str, str], cited: dict[str, Citation]) -> list[str]:
    """The "Articles" section: an anchored, escaped copy of every cited span, by article."""
    e = html.escape
    parts = ['<h2 id="articles">Articles</h2>']
    for a in c.articles:
        spans = sorted(
            ((anchor, x) for anchor, x in cited.items() if x.article == a.id),
            key=lambda item: (item[1].field != "title", item[1].start, item[1].end),
        )
        title = f" — {e(a.title)}" if a.title else ""
        parts.append(f"<h3>{e(labels[a.id])}{title}</h3>")
        if not spans:
            parts.append("<p>nothing cited</p>")
            continue
        parts.append('<ol class="cited">')
        for anchor, x in spans:
            where = f"{x.field}, " if x.field != "body" else ""
            parts.append(
                f'<li id="{anchor}"><q>{e(x.text)}</q> '
                f"<small>{e(where)}characters {x.start}–{x.end}</small></li>"
            )
        parts.append("</ol>")
    return parts


def render(c: Comparison, fmt: Format) -> str:
    """The comparison as ``text``, ``md``, ``html`` or ``json``."""
    if fmt == "json":
        return json.dumps(comparison_to_dict(c), ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_md(c)
    if fmt == "html":
        return render_html(c)
    if fmt == "text":
        return render_text(c)
    raise ValueError(f"unknown format {fmt!r} (text, md, html, json)")
