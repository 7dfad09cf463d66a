"""What the story page shows, made ready for the templates: article text cut into sentences and
highlighted stretches, the agreement matrix, the brief with links, the differences.

Every piece of article text stays plain text here; the templates escape it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlparse

from newsprism.compare.model import ArticleInfo, Citation, Comparison, Fact
from newsprism.compare.render import date_label
from newsprism.models import Article, ArticleAnalysis


@dataclass(slots=True, frozen=True)
class Mark:
    """A highlighted stretch of one text: ``cls`` names why (shared, single, diff-…)."""

    start: int
    end: int
    cls: str
    fact: str | None = None
    anchor: str | None = None


@dataclass(slots=True)
class Piece:
    text: str
    classes: str = ""
    facts: str = ""
    anchors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """A sentence (``id`` set) or the text between sentences."""

    id: str | None
    pieces: list[Piece]


@dataclass(slots=True)
class Column:
    n: int
    info: ArticleInfo
    label: str
    url: str | None
    title: list[Block]
    body: list[Block]


@dataclass(slots=True)
class Link:
    label: str
    href: str
    hint: str = ""


@dataclass(slots=True)
class MatrixRow:
    fact: Fact
    cells: list[str | None]
    """Per column: the link to the fact in that article, or None when it does not carry it."""
    grades: list[str]
    disputes: list[bool]
    """Per column: whether that article gives another figure or date for it."""


@dataclass(slots=True)
class BriefItem:
    text: str
    links: list[Link]
    verified: bool


@dataclass(slots=True)
class DifferenceItem:
    kind: str
    grade: str
    explanation: str
    sides: list[tuple[Link, str]]


@dataclass(slots=True)
class TimelineItem:
    date: str
    text: str
    background: bool
    links: list[Link]


@dataclass(slots=True)
class StoryView:
    columns: list[Column]
    matrix: list[MatrixRow]
    brief: list[BriefItem]
    differences: list[DifferenceItem]
    timeline: list[TimelineItem]
    labels: dict[str, str]
    shared: int
    single: int


def safe_url(url: str | None) -> str | None:
    """The URL when it is an ordinary web address (never ``javascript:`` or ``data:``)."""
    if not url:
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return None
    if parsed.scheme.lower() in ("http", "https") and parsed.netloc:
        return url.strip()
    return None


def labels(infos: Sequence[ArticleInfo]) -> list[str]:
    """Column labels as the CLI's (``compare.story.article_labels``): the outlet, else the
    URL's host, else "Article n"; a repeated label is numbered by its occurrence ("X (2)")."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for n, a in enumerate(infos, start=1):
        url = safe_url(a.url)
        host = urlparse(url).hostname if url else None
        label: str = a.outlet or host or f"Article {n}"
        seen[label] = seen.get(label, 0) + 1
        out.append(f"{label} ({seen[label]})" if seen[label] > 1 else label)
    return out


def segment(
    text: str, sentences: Sequence[tuple[int, int, str]], marks: Sequence[Mark]
) -> list[Block]:
    """``text`` cut at every sentence and mark boundary into blocks (sentences) of pieces."""
    size = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= size]
    sents: list[tuple[int, int, str]] = []
    for start, end, name in sorted(sentences):
        if 0 <= start < end <= size and (not sents or start >= sents[-1][1]):
            sents.append((start, end, name))
    points = {0, size}
    for start, end, _ in sents:
        points.update((start, end))
    for m in marks:
        points.update((m.start, m.end))
    starts = [s[0] for s in sents]
    placed: set[str] = set()
    blocks: list[Block] = []
    for a, b in pairwise(sorted(points)):
        i = bisect.bisect_right(starts, a) - 1
        sid: str | None = sents[i][2] if i >= 0 and a < sents[i][1] else None
        covering = [m for m in marks if m.start <= a and b <= m.end]
        facts: list[str] = []
        for m in covering:
            if m.fact and m.fact not in facts:
                facts.append(m.fact)
        anchors = []
        for m in marks:
            if m.start == a and m.anchor and m.anchor not in placed:
                placed.add(m.anchor)
                anchors.append(m.anchor)
        piece = Piece(
            text[a:b], " ".join(sorted({m.cls for m in covering})), " ".join(facts), anchors
        )
        if blocks and blocks[-1].id == sid:
            blocks[-1].pieces.append(piece)
        else:
            blocks.append(Block(sid, [piece]))
    return blocks


class _Targets:
    """Where a citation links to: the sentence holding its start (or a mark placed for it)."""

    def __init__(self, n: int, analysis: ArticleAnalysis | None) -> None:
        self.n = n
        body = sorted(
            (s.start, s.end, s.index)
            for s in (analysis.sentences if analysis else ())
            if s.field == "body"
        )
        self.sentences = [(s, e, f"a{n}-s{i}") for s, e, i in body]
        self._starts = [s for s, _, _ in self.sentences]
        self.extra: list[Mark] = []

    def href(self, c: Citation) -> str:
        if c.field == "title":
            return f"#a{self.n}-title"
        i = bisect.bisect_right(self._starts, c.start) - 1
        if i >= 0 and c.start < self.sentences[i][1]:
            return "#" + self.sentences[i][2]
        anchor = f"a{self.n}-c{c.start}"
        self.extra.append(Mark(c.start, c.end, "cited", anchor=anchor))
        return "#" + anchor


def story_view(
    comparison: Comparison, articles: Sequence[Article], analyses: Sequence[ArticleAnalysis]
) -> StoryView:
    infos = comparison.articles
    names = labels(infos)
    index = {a.id: n for n, a in enumerate(infos, start=1)}
    by_id = {a.id: a for a in articles}
    analysis_of = {an.article_id: an for an in analyses}
    targets = {a.id: _Targets(index[a.id], analysis_of.get(a.id)) for a in infos}
    marks: dict[tuple[str, str], list[Mark]] = {}

    def add(c: Citation, mark: Mark) -> None:
        marks.setdefault((c.article, c.field), []).append(mark)

    def link(c: Citation) -> Link:
        n = index.get(c.article)
        if n is None:
            return Link("?", "#")
        return Link(str(n), targets[c.article].href(c), names[n - 1])

    ordered = [f for f in comparison.facts if f.status == "shared"]
    ordered += [f for f in comparison.facts if f.status != "shared"]
    grades: dict[str, list[str]] = {}
    for d in comparison.differences:
        if d.fact:
            grades.setdefault(d.fact, []).append(d.grade)
        for side in d.sides:
            add(side, Mark(side.start, side.end, f"diff diff-{d.grade}", d.fact))
    matrix: list[MatrixRow] = []
    for fact in ordered:
        cells: list[str | None] = [None] * len(infos)
        for c in fact.support:
            n = index.get(c.article)
            if n is None:
                continue
            anchor = f"a{n}-{fact.id}"
            cells[n - 1] = "#" + anchor
            add(c, Mark(c.start, c.end, fact.status, fact.id, anchor))
        disputes = [info.id in fact.disputed_by for info in infos]
        matrix.append(MatrixRow(fact, cells, sorted(set(grades.get(fact.id, []))), disputes))

    brief = [
        BriefItem(s.text, [link(c) for c in s.citations], s.verified)
        for s in comparison.brief.sentences
    ]
    differences = [
        DifferenceItem(d.kind, d.grade, d.explanation, [(link(s), s.text) for s in d.sides])
        for d in comparison.differences
    ]
    timeline = [
        TimelineItem(date_label(e.date), e.text, e.background, [link(c) for c in e.citations])
        for e in comparison.timeline
    ]
    columns: list[Column] = []
    for info in infos:
        n = index[info.id]
        article = by_id.get(info.id)
        t = targets[info.id]
        body_marks = marks.get((info.id, "body"), []) + t.extra
        title = article.title if article else info.title
        columns.append(
            Column(
                n=n,
                info=info,
                label=names[n - 1],
                url=safe_url(info.url),
                title=segment(title or "", [], marks.get((info.id, "title"), [])),
                body=segment(article.body, t.sentences, body_marks) if article else [],
            )
        )
    shared = sum(1 for f in comparison.facts if f.status == "shared")
    return StoryView(
        columns=columns,
        matrix=matrix,
        brief=brief,
        differences=differences,
        timeline=timeline,
        labels={info.id: names[n] for n, info in enumerate(infos)},
        shared=shared,
        single=len(comparison.facts) - shared,
    )


def flagged_text(article: Article) -> list[Block]:
    """An article's body with its quality flags marked (for the article page)."""
    marks = [
        Mark(f.start, f.end, "flag", anchor=f"flag-{i}")
        for i, f in enumerate(article.flags)
        if f.field == "body"
    ]
    return segment(article.body, [], marks)


def snippet_pieces(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet cut into (text, is_match) pieces; matches are between ``[`` and ``]``."""
    out: list[tuple[str, bool]] = []
    rest = snippet
    while rest:
        open_at = rest.find("[")
        close_at = rest.find("]", open_at + 1) if open_at >= 0 else -1
        if open_at < 0 or close_at < 0:
            out.append((rest, False))
            break
        if open_at:
            out.append((rest[:open_at], False))
        out.append((rest[open_at + 1 : close_at], True))
        rest = rest[close_at + 1 :]
    return out
