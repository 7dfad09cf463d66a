"""Output of a comparison: JSON (``comparison_to_dict``), plain text, Markdown and HTML.

HTML escapes every piece of article text (``html.escape``) and needs no script.
"""

from __future__ import annotations

import html
import json
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


def _fact_sources(f: Fact, labels: dict[str, str]) -> str:
    return ", ".join(labels.get(s.article, s.article) for s in f.support)


def _diff_line(d: Difference, labels: dict[str, str]) -> str:
    sides = " | ".join(
        f'{labels.get(s.article, s.article)} "{_one_line(s.text, 70)}"' for s in d.sides
    )
    return f"{d.kind} ({d.grade}): {sides} — {d.explanation}"


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
        cites = ", ".join(
            f"{labels.get(x.article, x.article)}:{x.start}-{x.end}" for x in s.citations
        )
        out.append(f"  {s.text} [{cites}]")
    out.append("")
    out.append(f"Timeline ({len(c.timeline)})")
    for e in c.timeline:
        mark = " (background)" if e.background else ""
        out.append(f"  {e.date}{mark}: {_one_line(e.text, 120)}")
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
    out += ["", "## Brief", ""]
    for s in c.brief.sentences:
        cites = ", ".join(
            f"{labels.get(x.article, x.article)} {x.start}–{x.end}" for x in s.citations
        )
        out.append(f"- {md(s.text)} <sub>{md(cites)}</sub>")
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
        out.append(f"- **{d.kind}** ({d.grade}): {md(_diff_line(d, labels))}")
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
        out.append(f"- **{e.date}**{mark}: {md(e.text)}")
    return "\n".join(out) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}
.shared{background:#e8f5e9}.single{background:#fff8e1}.conflict{background:#ffebee}
.compatible{background:#e3f2fd}.unclear{background:#f3e5f5}cite{color:#555;font-size:.85em}
.bg{color:#777}
"""


def render_html(c: Comparison) -> str:
    e = html.escape
    labels = _labels(c)
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
        cites = ", ".join(
            f"{labels.get(x.article, x.article)} {x.start}–{x.end}" for x in s.citations
        )
        parts.append(f"<li>{e(s.text)} <cite>{e(cites)}</cite></li>")
    parts.append("</ul>")
    parts.append("<h2>Facts</h2><table><tr><th>id</th><th>origins</th>")
    parts.extend(f"<th>{e(labels[a.id])}</th>" for a in c.articles)
    parts.append("</tr>")
    for f in c.facts:
        by_article = {x.article: x for x in f.support}
        row = [f'<tr class="{f.status}"><td>{e(f.id)}</td><td>{f.origins}</td>']
        for a in c.articles:
            cite = by_article.get(a.id)
            row.append(f"<td>{e(cite.text) if cite else ''}</td>")
        row.append("</tr>")
        parts.append("".join(row))
    parts.append("</table><h2>Differences</h2><table>")
    parts.append("<tr><th>kind</th><th>grade</th><th>sides</th><th>explanation</th></tr>")
    for d in c.differences:
        sides = "<br>".join(
            f"{e(labels.get(s.article, s.article))}: “{e(s.text)}”" for s in d.sides
        )
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
        parts.append(f"<li{cls}><b>{e(ev.date)}</b>{mark}: {e(ev.text)}</li>")
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"


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
