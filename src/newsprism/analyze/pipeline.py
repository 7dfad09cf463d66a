"""The analyze stage: ``Article`` → ``ArticleAnalysis`` (registered as ``analyze.v1``).

Per article: segments (paragraphs, lines, headings; unparseable text flagged) → spaCy through
the batched ``nlp.pipe`` path → sentences → entity mentions and name chains → time expressions
and quantities (``temporal``/``quantities``, on the analysed text only) → quotes → claims.

The title is analysed too (field ``"title"``, as a heading) when the body does not already
contain it. A failure inside one article is logged and returned as an ``analysis_error`` flag;
the batch goes on.
"""

from __future__ import annotations

import bisect
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newsprism.analyze.claims import find_claims
from newsprism.analyze.entities import MentionIndex, chain, extract
from newsprism.analyze.nlp import parse
from newsprism.analyze.quotes import find_quotes
from newsprism.analyze.sentences import ParsedSentence, Segment, segment, sentences_of
from newsprism.errors import AnalyzeError
from newsprism.models import (
    Article,
    ArticleAnalysis,
    QualityFlag,
    Quantity,
    SpanField,
    TimeExpr,
)
from newsprism.registry import Registry

log = logging.getLogger(__name__)

#: Registry name of this analyzer; a behaviour change gets a new name.
ANALYZER_NAME = "analyze.v1"


@dataclass(slots=True, frozen=True)
class AnalyzerSpec:
    """A registered analyzer: the single-article and the batch entry points."""

    name: str
    analyze: Callable[..., ArticleAnalysis]
    analyze_many: Callable[..., Iterator[ArticleAnalysis]]
    needs: tuple[str, ...] = ("Article.body", "Article.title", "Article.headings")
    adds: tuple[str, ...] = (
        "sentences",
        "mentions",
        "entities",
        "quotes",
        "times",
        "quantities",
        "claims",
        "flags",
    )


#: Analyzers by versioned name.
ANALYZERS: Registry[AnalyzerSpec] = Registry("analyzer")


@dataclass(slots=True)
class _Job:
    article: Article
    anchor: datetime.date | None
    texts: dict[str, str]
    headings: list[tuple[int, int]]
    segments: list[Segment]
    flags: list[QualityFlag]
    docs: list[Any] = field(default_factory=list)


def _anchor(article: Article, reference_date: datetime.date | None) -> datetime.date | None:
    if article.published:
        try:
            return datetime.date.fromisoformat(article.published[:10])
        except ValueError:
            log.debug("%s: unreadable published date %r", article.id, article.published)
    return reference_date


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _prepare(article: Article, reference_date: datetime.date | None) -> _Job:
    body = article.body or ""
    texts: dict[str, str] = {"body": body}
    segments: list[Segment] = []
    flags: list[QualityFlag] = []
    title = article.title or ""
    if title.strip() and _squash(title) not in _squash(body):
        texts["title"] = title
        title_segments, title_flags = segment(
            title, "title", heading=True, language=article.language
        )
        segments.extend(title_segments)
        flags.extend(title_flags)
    headings = [(h.start, h.end) for h in article.headings if 0 <= h.start < h.end <= len(body)]
    if not body.strip():
        flags.append(QualityFlag("empty", "", 0, 0, "body", "no body text to analyse"))
    else:
        body_segments, body_flags = segment(
            body, "body", headings=headings, language=article.language
        )
        segments.extend(body_segments)
        flags.extend(body_flags)
    return _Job(article, _anchor(article, reference_date), texts, headings, segments, flags)


#: Parsed segments closer than this form one region for the time and quantity finders.
REGION_GAP_CHARS = 500


def _regions(text: str, segments: Sequence[Segment], fld: str) -> list[tuple[int, str]]:
    """``(offset, text)`` regions of parsed segments, with the short gaps between segments
    blanked (offsets kept): junk, foreign and oversized text never reach the pattern matchers,
    and a long skipped stretch splits the text in two regions."""
    regions: list[tuple[int, str]] = []
    start = end = -1
    parts: list[str] = []
    for seg in segments:
        if seg.field != fld:
            continue
        if parts and seg.start - end > REGION_GAP_CHARS:
            regions.append((start, "".join(parts)))
            parts = []
        if not parts:
            start = seg.start
        else:
            # Blank the gap but keep its line breaks: expressions never run across lines.
            parts.append("".join(c if c == "\n" else " " for c in text[end : seg.start]))
        parts.append(text[seg.start : seg.end])
        end = seg.end
    if parts:
        regions.append((start, "".join(parts)))
    return regions


def _shifted(items: Sequence[Any], offset: int) -> list[Any]:
    if not offset:
        return list(items)
    return [replace(x, start=x.start + offset, end=x.end + offset) for x in items]


def _with_sentences(items: Sequence[Any], sentences: Sequence[ParsedSentence]) -> list[Any]:
    starts = [p.sentence.start for p in sentences]
    out = []
    for item in items:
        pos = bisect.bisect_right(starts, item.start) - 1
        inside = pos >= 0 and item.start < sentences[pos].sentence.end
        out.append(replace(item, sentence=sentences[pos].sentence.index if inside else -1))
    return out


def _times_and_quantities(
    job: _Job, sentences: Sequence[ParsedSentence]
) -> tuple[list[TimeExpr], list[Quantity]]:
    from newsprism.analyze.quantities import find_quantities
    from newsprism.analyze.temporal import find_time_expressions

    times: list[TimeExpr] = []
    quantities: list[Quantity] = []
    for fld, text in job.texts.items():
        in_field = [p for p in sentences if p.sentence.field == fld]
        span_field: SpanField = "title" if fld == "title" else "body"
        for offset, region in _regions(text, job.segments, fld):
            found_times = find_time_expressions(region, job.anchor, field=span_field)
            times.extend(_with_sentences(_shifted(found_times, offset), in_field))
            found_quantities = find_quantities(region, field=span_field)
            quantities.extend(_with_sentences(_shifted(found_quantities, offset), in_field))
    return times, quantities


def _assemble(job: _Job) -> ArticleAnalysis:
    article = job.article
    sentences: list[ParsedSentence] = []
    ordered = sorted(zip(job.segments, job.docs, strict=True), key=lambda p: p[0].field != "title")
    for seg, doc in ordered:
        headings = job.headings if seg.field == "body" else ()
        sentences.extend(sentences_of(doc, seg, len(sentences), headings))
    mentions, entities = chain(extract(sentences, job.texts), job.texts)
    index = MentionIndex(mentions, entities)
    times, quantities = _times_and_quantities(job, sentences)
    quotes = find_quotes(job.segments, sentences, index, job.texts)
    claims = find_claims(article.id, sentences, job.texts, index, quotes, times, quantities)
    return ArticleAnalysis(
        article_id=article.id,
        analyzer=ANALYZER_NAME,
        sentences=[p.sentence for p in sentences],
        mentions=mentions,
        entities=entities,
        quotes=quotes,
        times=times,
        quantities=quantities,
        claims=claims,
        flags=job.flags,
    )


def _failed(article: Article, exc: Exception) -> ArticleAnalysis:
    log.warning("analyze %s: %s: %s", article.id, type(exc).__name__, exc)
    flag = QualityFlag("analysis_error", "", 0, 0, "body", f"{type(exc).__name__}: {exc}")
    return ArticleAnalysis(article_id=article.id, analyzer=ANALYZER_NAME, flags=[flag])


def _run(items: Sequence[tuple[Article, datetime.date | None]]) -> Iterator[ArticleAnalysis]:
    jobs: list[_Job | ArticleAnalysis] = []
    for article, reference_date in items:
        try:
            jobs.append(_prepare(article, reference_date))
        except Exception as exc:  # one bad article must not stop the batch
            jobs.append(_failed(article, exc))
    ready = [job for job in jobs if isinstance(job, _Job)]
    try:
        docs = iter(list(parse(seg.text for job in ready for seg in job.segments)))
        for job in ready:
            job.docs = [next(docs) for _ in job.segments]
    except AnalyzeError:
        raise
    except Exception as exc:  # parse one article at a time to isolate the bad one
        log.warning("batch parse failed (%s); parsing articles one by one", exc)
        for pos, pending in enumerate(jobs):
            if isinstance(pending, _Job):
                try:
                    pending.docs = list(parse(seg.text for seg in pending.segments))
                except AnalyzeError:
                    raise
                except Exception as one_exc:
                    jobs[pos] = _failed(pending.article, one_exc)
    for item in jobs:
        if isinstance(item, ArticleAnalysis):
            yield item
            continue
        try:
            yield _assemble(item)
        except AnalyzeError:
            raise
        except Exception as exc:  # boundary: log, flag, go on
            yield _failed(item.article, exc)


def load_analyzer() -> None:
    """Load now what the first analysis would load: spaCy and the time and quantity rules
    (compiled on import). A one-shot command calls it before forking children that analyse
    beside it, so that they share the loaded parser instead of each loading it.

    Raises :class:`AnalyzeError` when spaCy or its model cannot be loaded."""
    import newsprism.analyze.quantities
    import newsprism.analyze.temporal  # noqa: F401
    from newsprism.analyze.nlp import get_nlp

    get_nlp()


def analyze_article(
    article: Article, *, reference_date: datetime.date | None = None
) -> ArticleAnalysis:
    """Analyse one article. ``reference_date`` anchors relative dates when the article has no
    ``published`` date of its own (e.g. the story's date); otherwise ``published`` is used."""
    return next(_run([(article, reference_date)]))


def analyze_articles(
    articles: Iterable[Article], *, batch_size: int = 16
) -> Iterator[ArticleAnalysis]:
    """Analyse many articles, in order, parsing ``batch_size`` articles per ``nlp.pipe`` call."""
    batch: list[tuple[Article, datetime.date | None]] = []
    for article in articles:
        batch.append((article, None))
        if len(batch) >= max(1, batch_size):
            yield from _run(batch)
            batch = []
    if batch:
        yield from _run(batch)


def reanchor(
    analysis: ArticleAnalysis, article: Article, reference_date: datetime.date
) -> ArticleAnalysis:
    """Resolve the still-unresolved time expressions once an undated article gets a date (from
    its story), without parsing again. Spans and indexes stay as they were."""
    from newsprism.analyze.temporal import resolve_time_expressions

    job = _prepare(article, reference_date)
    if job.anchor is None or not analysis.times:
        return analysis
    resolved: dict[int, TimeExpr] = {}
    for fld, text in job.texts.items():
        for offset, region in _regions(text, job.segments, fld):
            positions = [
                i
                for i, t in enumerate(analysis.times)
                if t.field == fld and offset <= t.start and t.end <= offset + len(region)
            ]
            if not positions:
                continue
            local = _shifted([analysis.times[i] for i in positions], -offset)
            fresh = _shifted(resolve_time_expressions(local, region, job.anchor), offset)
            resolved.update(zip(positions, fresh, strict=True))
    times = [resolved.get(i, t) for i, t in enumerate(analysis.times)]
    return replace(analysis, times=times)


ANALYZERS.register(ANALYZER_NAME)(
    AnalyzerSpec(name=ANALYZER_NAME, analyze=analyze_article, analyze_many=analyze_articles)
)
