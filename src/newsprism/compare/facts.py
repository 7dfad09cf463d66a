"""Facts from aligned units: shared (two or more articles) and single-source, with the number of
independent origins behind each, and the coverage table (entities and topics × articles)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from newsprism.compare.align import Alignment
from newsprism.compare.differences import unit_citation
from newsprism.compare.model import Citation, CoverageRow, Fact
from newsprism.compare.units import Unit
from newsprism.compare.values import date_range
from newsprism.models import Article, ArticleAnalysis, Sentence

_CALENDAR = frozenset({"day", "week", "month", "quarter", "year", "season", "half"})
#: Rows of the coverage table at most.
MAX_COVERAGE_ROWS = 40


def _representative(members: Sequence[Unit]) -> Unit:
    """The clearest wording: a whole claim of middling length, else the first."""
    claims = [u for u in members if u.kind == "claim"] or [u for u in members if u.kind == "quote"]
    pool = claims or list(members)
    pool = sorted(pool, key=lambda u: (abs(len(u.text.split()) - 18), u.article))
    return pool[0]


def _dates(members: Sequence[Unit]) -> list[str]:
    out: list[str] = []
    for u in members:
        for t in u.times:
            if (
                t.kind == "date"
                and t.value
                and t.granularity in _CALENDAR
                and date_range(t.value)
                and t.value not in out
            ):
                out.append(t.value)
    return out


def _sentence_of(
    u: Unit, sentences: Mapping[str, Sequence[Sentence]], text: str
) -> Citation | None:
    for s in sentences.get(u.article_id, ()):
        if s.field == u.field and s.start <= u.start < s.end:
            return Citation(u.article_id, s.start, s.end, text[s.start : s.end], s.field)
    return None


def build_facts(
    units: Sequence[Unit],
    alignment: Alignment,
    origin_of: Mapping[str, str],
    article_order: Mapping[str, int],
    *,
    shared_event: bool = True,
    sentences: Mapping[str, Sequence[Sentence]] | None = None,
    texts: Mapping[str, str] | None = None,
) -> tuple[list[Fact], dict[int, str], dict[str, list[Unit]]]:
    """Facts (shared first, by origins, then in text order), unit → fact id, fact id → units."""
    groups: list[tuple[list[Unit], float]] = []
    grouped: set[int] = set()
    if shared_event:
        for g, s in zip(alignment.groups, alignment.group_score, strict=True):
            groups.append(([units[i] for i in g], s))
            grouped.update(g)
    for u in units:
        if u.index not in grouped and not u.headline:
            groups.append(([u], 1.0))

    def sort_key(item: tuple[list[Unit], float]) -> tuple[int, int, float, float]:
        members, _ = item
        origins = len({origin_of[u.article_id] for u in members})
        first = min(members, key=lambda u: (article_order[u.article_id], u.start))
        return (-origins, article_order[first.article_id] if origins == 1 else 0, first.order, 0.0)

    groups.sort(key=sort_key)
    facts: list[Fact] = []
    fact_of_unit: dict[int, str] = {}
    members_of: dict[str, list[Unit]] = {}
    width = max(2, len(str(len(groups))))
    for n, (members, score) in enumerate(groups, start=1):
        members = sorted(members, key=lambda u: article_order[u.article_id])
        fid = f"f{n:0{width}d}"
        rep = _representative(members)
        origins = len({origin_of[u.article_id] for u in members})
        kinds = {u.kind for u in members}
        kind = "claim"
        if kinds == {"item"}:
            kind = "item"
        elif kinds == {"quote"}:
            kind = "quote"
        elif kinds == {"frame"}:
            kind = "frame"
        facts.append(
            Fact(
                id=fid,
                text=rep.text,
                # copies of one report are one source: shared needs two independent origins
                status="shared" if origins > 1 else "single",
                support=[unit_citation(u) for u in members],
                representative=members.index(rep),
                origins=origins,
                kind=kind,  # type: ignore[arg-type]
                score=round(float(score), 3),
                dates=_dates(members),
                entities=sorted({e for u in members for e in u.entities}),
                headline=all(u.headline for u in members),
                sentence=(
                    _sentence_of(rep, sentences, texts[rep.article_id + rep.field])
                    if sentences is not None and texts is not None
                    else None
                ),
            )
        )
        for u in members:
            fact_of_unit[u.index] = fid
        members_of[fid] = members
    return facts, fact_of_unit, members_of


def coverage(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis], facts: Sequence[Fact]
) -> list[CoverageRow]:
    """Entities (by cross-article key) and list topics × articles."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    names: dict[str, tuple[str, str]] = {}
    for article, analysis in zip(articles, analyses, strict=True):
        for e in analysis.entities:
            counts[e.key][article.id] = counts[e.key].get(article.id, 0) + e.mentions
            names.setdefault(e.key, (e.name, e.label))
    rows = [
        CoverageRow(key=k, label=names[k][1], name=names[k][0], counts=dict(v))
        for k, v in counts.items()
    ]
    rows.sort(key=lambda r: (-len(r.counts), -sum(r.counts.values()), r.key))
    rows = rows[:MAX_COVERAGE_ROWS]
    for f in facts:
        if f.kind != "item":
            continue
        topic_counts: dict[str, int] = {}
        for c in f.support:
            topic_counts[c.article] = topic_counts.get(c.article, 0) + 1
        rows.append(
            CoverageRow(key=f"topic:{f.id}", label="TOPIC", name=f.text, counts=topic_counts)
        )
    return rows
