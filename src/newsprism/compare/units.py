"""Alignment units: the claims of each article, cut into clauses and list items, with what
they carry (entities, dates, quantities, quotes, attribution).

A claim that embeds a long direct quote becomes two units, the quote and the rest, so that one
sentence ("At the three-day meeting, A told B "…"") can support two facts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, Literal

from newsprism.compare.enumerations import Piece, cut_claims, cut_tagged, has_cue
from newsprism.compare.text import (
    REPORTING,
    SOURCE_WORDS,
    STOPWORDS,
    content_stems,
    stem,
    trim_span,
    words,
)
from newsprism.models import (
    Article,
    ArticleAnalysis,
    Claim,
    Quantity,
    Quote,
    Sentence,
    SpanField,
    TimeExpr,
)

log = logging.getLogger(__name__)

UnitKind = Literal["claim", "item", "quote", "frame"]

#: Quotes shorter than this (words) stay inside their claim.
MIN_QUOTE_WORDS = 6
#: A quote covering more than this share of its claim is the claim.
MAX_QUOTE_SHARE = 0.75
#: A list's introducing words become a unit only with this many content words of their own.
MIN_FRAME_CONTENT = 4
#: Units with fewer words than this are not aligned (but items may be shorter).
MIN_UNIT_WORDS = 3


@dataclass(slots=True)
class Unit:
    index: int
    article: int
    """Position of the article in the compared list."""
    article_id: str
    start: int
    end: int
    field: SpanField
    text: str
    kind: UnitKind
    sentence: int
    claim: Claim | None
    entities: frozenset[str]
    times: tuple[TimeExpr, ...]
    quantities: tuple[Quantity, ...]
    quotes: tuple[Quote, ...]
    attribution: str | None
    negated: bool
    hedges: tuple[str, ...]
    headline: bool
    stems: tuple[str, ...]
    context: str = ""
    """The whole claim a list item or quote was cut from."""
    order: float = 0.0
    """Relative position in the article (0 = start)."""
    time_ties: Mapping[int, int | None] | None = None
    """How each time expression of the claim is tied to its event, by start (the analysis's
    ``Claim.time_ties``); None when the analysis has none."""
    extra: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def _claims_of(article: Article, analysis: ArticleAnalysis) -> list[Claim]:
    if analysis.claims:
        return sorted(analysis.claims, key=lambda c: (c.field != "title", c.start))
    # no claims: every sentence is one
    return [
        Claim(
            id=f"s{s.index}",
            sentence=s.index,
            start=s.start,
            end=s.end,
            text=s.text,
            subject=None,
            predicate=None,
            is_headline=s.is_heading,
            field=s.field,
        )
        for s in analysis.sentences
    ]


def _text_of(article: Article, fld: SpanField) -> str:
    if fld == "title":
        return article.title or ""
    if fld == "source":
        return article.source_text
    return article.body


def _quote_split(claim: Claim, quotes: Sequence[Quote]) -> list[tuple[int, int, UnitKind]]:
    """Cut a claim around an embedded direct quote: the rest and the quote."""
    length = max(1, claim.end - claim.start)
    for q in quotes:
        if q.kind not in ("direct", "partial") or q.field != claim.field:
            continue
        if q.start < claim.start or q.end > claim.end:
            continue
        if len(words(q.text)) < MIN_QUOTE_WORDS or (q.end - q.start) / length > MAX_QUOTE_SHARE:
            continue
        before = (claim.start, q.start)
        after = (q.end, claim.end)
        rest = before if before[1] - before[0] >= after[1] - after[0] else after
        return [(rest[0], rest[1], "claim"), (q.start, q.end, "quote")]
    return [(claim.start, claim.end, "claim")]


_NUMBER = re.compile(r"\d")


def _attribution_only(text: str, entity_words: set[str]) -> bool:
    """Whether a clause only names a source and a reporting verb ("local officials said",
    "the ministry said in a statement")."""
    lowered = [w.lower() for w in words(text)]
    if not any(w in REPORTING for w in lowered):
        return False
    content = [
        w
        for w in lowered
        if w not in STOPWORDS and w not in REPORTING and w not in entity_words and w[0].isalpha()
    ]
    return all(w in SOURCE_WORDS for w in content)


def _frame_content(text: str, entity_words: set[str]) -> int:
    n = 0
    for w in words(text):
        lw = w.lower()
        if lw in STOPWORDS or lw in REPORTING or lw in entity_words or w[0].isdigit():
            continue
        n += 1
    return n


def build_units(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis], nlp: Any | None
) -> list[Unit]:
    """All units of all articles, in article order then text order."""
    raw: list[tuple[int, Claim, int, int, UnitKind, str]] = []
    for ai, (article, analysis) in enumerate(zip(articles, analyses, strict=True)):
        for claim in _claims_of(article, analysis):
            text = _text_of(article, claim.field)
            for start, end, kind in _quote_split(claim, analysis.quotes):
                s, e = trim_span(text, start, end)
                if s < e:
                    raw.append((ai, claim, s, e, kind, text))
    # cut clauses and lists (only claims outside headlines): on the tags the analysis gave
    # their sentences, else tagging the claims again (in one pass)
    texts = [r[5][r[2] : r[3]] for r in raw]
    cuttable = [i for i, r in enumerate(raw) if r[4] == "claim" and not _is_headline(r[1])]
    pieces: dict[int, list[Piece]] = {}
    sentences = [{x.index: x for x in analysis.sentences} for analysis in analyses]
    untagged: list[int] = []
    for i in cuttable:
        ai, claim, s, _, _, _ = raw[i]
        sentence = sentences[ai].get(claim.sentence)
        tokens = sentence.tokens if sentence is not None else ()
        if not tokens:
            untagged.append(i)
        elif has_cue(texts[i]):
            pieces[i] = cut_tagged(texts[i], tokens, s)
    if nlp is not None and untagged:
        cut = cut_claims(nlp, [texts[i] for i in untagged])
        pieces.update(zip(untagged, cut, strict=True))
    units: list[Unit] = []
    for ri, (ai, claim, s, e, kind, text) in enumerate(raw):
        article, analysis = articles[ai], analyses[ai]
        sentence = sentences[ai].get(claim.sentence)
        ties = _claim_ties(analysis, claim)
        entity_words = _entity_words(analysis, claim)
        parts = pieces.get(ri) or [Piece(0, e - s, "clause")]
        for p in parts:
            ps, pe = trim_span(text, s + p.start, s + p.end)
            if ps >= pe:
                continue
            ptext = text[ps:pe]
            if p.role == "frame" and _frame_content(ptext, entity_words) < MIN_FRAME_CONTENT:
                continue
            ukind: UnitKind = kind
            if p.role == "item":
                ukind = "item"
            elif p.role == "frame":
                ukind = "frame"
            if ukind not in ("item",) and len(words(ptext)) < MIN_UNIT_WORDS:
                continue
            if (
                ukind != "item"
                and _frame_content(ptext, entity_words) < 2
                and not _NUMBER.search(ptext)
            ):
                continue  # "Smith told Jones": names and a speech verb only ("Turnout was 60%" stays)
            if ukind != "item" and _attribution_only(ptext, entity_words):
                continue  # "local officials said": who said the rest, not a fact
            units.append(
                _make_unit(
                    len(units),
                    ai,
                    article,
                    analysis,
                    claim,
                    sentence,
                    ties,
                    ps,
                    pe,
                    ptext,
                    ukind,
                    len(parts),
                )
            )
    return units


def _is_headline(claim: Claim) -> bool:
    return claim.is_headline or claim.field == "title"


def _entity_words(analysis: ArticleAnalysis, claim: Claim) -> set[str]:
    out: set[str] = set()
    for m in analysis.mentions:
        if m.field == claim.field and claim.start <= m.start < claim.end:
            out.update(w.lower() for w in words(m.text))
    return out


def _make_unit(
    index: int,
    ai: int,
    article: Article,
    analysis: ArticleAnalysis,
    claim: Claim,
    sentence: Sentence | None,
    time_ties: Mapping[int, int | None] | None,
    start: int,
    end: int,
    text: str,
    kind: UnitKind,
    n_parts: int,
) -> Unit:
    """``sentence``: the claim's sentence; ``time_ties``: :func:`_claim_ties` of the claim."""
    fld = claim.field

    def inside(s: int, e: int, f: str) -> bool:
        return f == fld and start <= s and e <= end

    entities = frozenset(
        m.entity for m in analysis.mentions if inside(m.start, m.end, m.field) and m.entity
    )
    times = tuple(t for t in analysis.times if inside(t.start, t.end, t.field))
    quantities = tuple(q for q in analysis.quantities if inside(q.start, q.end, q.field))
    quotes = tuple(
        q
        for q in analysis.quotes
        if q.field == fld and q.start < end and start < q.end and q.kind in ("direct", "partial")
    )
    whole = n_parts == 1 and kind == "claim"
    body_len = max(1, len(article.body))
    full = _text_of(article, fld)
    # the quantities of the rest of the sentence: a clause cut from "Twelve people died when the
    # ferry sank" states the event whose toll the other clause gives
    around: tuple[Quantity, ...] = ()
    if sentence is not None:
        around = tuple(
            q
            for q in analysis.quantities
            if q.field == fld
            and sentence.field == fld
            and sentence.start <= q.start
            and q.end <= sentence.end
            and not inside(q.start, q.end, q.field)
        )
    extra: dict[str, Any] = {
        f"qhead:{q.start}": quantity_head(full, q.start, q.end, claim.subject)
        for q in (*quantities, *around)
    }
    extra["sentence_quantities"] = around
    return Unit(
        index=index,
        article=ai,
        article_id=article.id,
        start=start,
        end=end,
        field=fld,
        text=text,
        kind=kind,
        sentence=claim.sentence,
        claim=claim,
        entities=entities,
        times=times,
        quantities=quantities,
        quotes=quotes,
        attribution=claim.attribution,
        negated=claim.negated if whole or kind == "claim" else False,
        hedges=claim.hedges,
        headline=_is_headline(claim),
        stems=tuple(content_stems(text)),
        context=claim.text,
        order=(start / body_len) if fld == "body" else -0.01,
        time_ties=time_ties,
        extra=extra,
    )


def _claim_ties(analysis: ArticleAnalysis, claim: Claim) -> dict[int, int | None] | None:
    """The analysis's ties of the claim's time expressions, by start; None when it has none."""
    if not claim.times or len(claim.time_ties) != len(claim.times):
        return None
    if any(i >= len(analysis.times) for i in claim.times):
        return None
    return {
        analysis.times[i].start: tie for i, tie in zip(claim.times, claim.time_ties, strict=True)
    }


_LASTED = re.compile(
    r"([A-Za-z]+)\s+(?:lasted|lasting|last|lasts|took|takes|ran|runs|spanned|went on)"
    r"(?:\s+for)?(?:\s+(?:about|nearly|almost|around|some|just|over|under|roughly))?\s*$",
    re.IGNORECASE,
)


def quantity_head(text: str, start: int, end: int, subject: str | None = None) -> tuple[str, ...]:
    """Stems of the nouns a quantity may measure: ``three-day board meeting`` → (``board``,
    ``meeting``); ``the hearing lasted about an hour`` → (``hearing``,)."""
    tail = text[end : end + 40].split(",")[0].split(".")[0]
    run: list[str] = []
    for w in words(tail)[:2]:
        if w.lower() in STOPWORDS or w[0].isdigit():
            break
        run.append(stem(w.lower()))
    if run:
        return tuple(run)
    before = text[max(0, start - 60) : start]
    m = _LASTED.search(before)
    if m:
        return (stem(m.group(1).lower()),)
    return ()


_OFFSET_BEFORE = re.compile(
    r"\b(?:in|within|after|over the (?:past|last|next)|for the first time in|since)\s+"
    r"(?:(?:about|nearly|almost|around|some|just|over|under|roughly|more than|less than)\s+)?$",
    re.IGNORECASE,
)
_OFFSET_AFTER = re.compile(
    r"^\s*(?:ago|before|after|later|earlier|from now|since|into|early|late|prior)\b", re.IGNORECASE
)


def is_offset(text: str, start: int, end: int) -> bool:
    """Whether a duration places something in time ("in 30 days", "nine days before", "two
    years ago") rather than measuring how long something lasted."""
    return bool(
        _OFFSET_BEFORE.search(text[max(0, start - 40) : start])
        or _OFFSET_AFTER.match(text[end : end + 20])
    )
