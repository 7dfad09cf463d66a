"""The timeline: dated events from the facts, resolved against the article dates, background
events ("last spoke in July 2022": more than a week before the story's date) included and marked;
the story's own coming events ("cuts start on July 1") are not background.

An event is a claim dated by a time expression of its own clause: one inside the claim and not
inside a smaller claim nested in it ("killed when the ferry hit … on Monday": Monday dates the
``when`` clause). With the parse, the expression must also be tied to the claim's event (see
:mod:`newsprism.analyze.time_ties`): modify its main verb, through prepositions, or through the
object of "during"/"at"/"amid" ("met … during the November summit"), or the subject of the main
verb ("the Monday collision left …"); a date that modifies another word ("warned X against
meddling in the election in November") does not date the claim. The analysis keeps these ties
(``Claim.time_ties``, read on the sentence's parse); a claim of an analysis without them is
parsed again on its own.
Each claim gets its most specific date; claims of one fact (across articles) or of one sentence
on the same date are one event citing all of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.analyze.time_ties import VERB, time_ties
from newsprism.compare.align import BACKGROUND_DAYS
from newsprism.compare.model import Citation, Fact, TimelineEvent
from newsprism.compare.units import Unit
from newsprism.compare.values import DateRange, date_range, date_sort_key
from newsprism.errors import NewsprismError
from newsprism.models import Claim, SpanField, TimeExpr

log = logging.getLogger(__name__)

_CALENDAR = frozenset({"day", "week", "month", "quarter", "year", "season", "half"})
#: Finer granularities first: a claim is dated by its most specific expression.
_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "half": 4, "year": 5}
_DAY_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")

ClaimKey = tuple[str, SpanField, int, int]


@dataclass(slots=True, frozen=True)
class _Date:
    value: str
    granularity: str
    tie: int
    """``VERB`` or ``SUBJECT``."""
    start: int


def calendar_value(t: TimeExpr) -> tuple[str, str] | None:
    """The calendar value and granularity of a time expression, or None: dates at their
    granularity; a time of day gives its day (``2025-03-10T07:00`` → ``2025-03-10``) when it
    has one: a bare time ("shortly after 7 p.m.", ``XXXX-XX-XXT19:00``) dates nothing by
    itself; the analysis gives it a day only from a date of its own sentence."""
    if not t.value:
        return None
    if t.kind == "date" and t.granularity in _CALENDAR and date_range(t.value):
        return t.value, t.granularity
    if t.kind == "time" and (m := _DAY_PREFIX.match(t.value)) and date_range(m.group()):
        return m.group(), "day"
    return None


def is_background(r: DateRange, story: DateRange) -> bool:
    """Past context: a date ending more than ``BACKGROUND_DAYS`` before the story's range (the
    gap alignment uses: the election the day before a story is its news). A later date is the
    story's own coming event ("cuts start on July 1"), never background."""
    return r.end < story.start - dt.timedelta(days=BACKGROUND_DAYS)


def _key(u: Unit, claim: Claim) -> ClaimKey:
    return (u.article_id, claim.field, claim.start, claim.end)


@dataclass(slots=True)
class _ClaimTimes:
    claims: dict[ClaimKey, Claim]
    inner: dict[ClaimKey, list[TimeExpr]]
    """The calendar time expressions inside each claim."""
    own: dict[ClaimKey, list[TimeExpr]]
    """Those of them not inside a smaller claim of the same article."""
    ties: dict[ClaimKey, Mapping[int, int | None]]
    """The analysis's ties of the claim's time expressions, by start (where it has them)."""


def _claim_times(units: Iterable[Unit]) -> _ClaimTimes:
    claims: dict[ClaimKey, Claim] = {}
    ties: dict[ClaimKey, Mapping[int, int | None]] = {}
    found: dict[tuple[str, SpanField], dict[int, TimeExpr]] = {}
    for u in units:
        if u.claim is None or u.headline:
            continue
        key = _key(u, u.claim)
        claims[key] = u.claim
        if u.time_ties is not None:
            ties[key] = u.time_ties
        bucket = found.setdefault((u.article_id, u.field), {})
        for t in u.times:
            if calendar_value(t) is not None:
                bucket[t.start] = t
    spans: dict[tuple[str, SpanField], list[tuple[int, int]]] = {}
    for art, fld, s, e in claims:
        spans.setdefault((art, fld), []).append((s, e))
    inner: dict[ClaimKey, list[TimeExpr]] = {}
    own: dict[ClaimKey, list[TimeExpr]] = {}
    for k in claims:
        art, fld, s, e = k
        for t in sorted(found.get((art, fld), {}).values(), key=lambda t: t.start):
            if not s <= t.start < e:
                continue
            inner.setdefault(k, []).append(t)
            holders = [(a, b) for a, b in spans[(art, fld)] if a <= t.start < b]
            if min(holders, key=lambda x: (x[1] - x[0], -x[0])) == (s, e):
                own.setdefault(k, []).append(t)
    return _ClaimTimes(claims, inner, own, ties)


def _parser(nlp: Any | None) -> Any | None:
    if nlp is not None:
        return nlp
    try:
        from newsprism.analyze.nlp import get_nlp

        return get_nlp()
    except NewsprismError as exc:
        log.warning("timeline without the parser (%s): every time of a clause dates it", exc)
        return None


def claim_dates(
    units: Sequence[Unit], *, nlp: Any | None = None, parse: bool = True
) -> dict[ClaimKey, _Date]:
    """The date of each dated claim: its most specific time expression tied to its event
    (see :mod:`newsprism.analyze.time_ties`): as the analysis tied it, else parsing the
    claim's text (analyses made before ties were kept); with ``parse=False``, or without the
    parser, every time expression of the claim's own clause dates it."""
    found = _claim_times(units)
    ties: dict[ClaimKey, Mapping[int, int | None]] = {}
    if parse:
        ties = {
            k: found.ties[k]
            for k in found.inner
            if k in found.ties and all(t.start in found.ties[k] for t in found.inner[k])
        }  # (a time running past the claim's end has no tie of the analysis's)
        untied = [k for k in found.inner if k not in ties]
        parser = _parser(nlp) if untied else None
        if parser is not None:
            docs = parser.pipe([found.claims[k].text for k in untied], disable=["ner"])
            for k, doc in zip(untied, docs, strict=True):
                base = found.claims[k].start
                spans = [(t.start - base, t.end - base) for t in found.inner[k]]
                tied = time_ties(doc[:], spans)
                ties[k] = {t.start: tie for t, tie in zip(found.inner[k], tied, strict=True)}
    out: dict[ClaimKey, _Date] = {}
    for k in found.inner:
        claim_ties = ties.get(k)
        times = found.inner[k] if claim_ties is not None else found.own.get(k, [])
        cands: list[_Date] = []
        for t in times:
            cv = calendar_value(t)
            if cv is None:
                continue
            tie = VERB if claim_ties is None else claim_ties.get(t.start)
            if tie is not None:
                cands.append(_Date(cv[0], cv[1], tie, t.start))
        if cands:
            out[k] = min(cands, key=lambda d: (d.tie, _RANK.get(d.granularity, 9), d.start))
    return out


@dataclass(slots=True, frozen=True)
class ClaimDates:
    """:func:`claim_dates` of a set of units computed ahead of :func:`build_timeline` (while
    the sentence encoder runs): used only when the timeline's units are the same set."""

    units: frozenset[int]
    """Indexes of the units that date claims (see :func:`_dating_units`)."""
    parse: bool
    dates: dict[ClaimKey, _Date]


def _dating_units(units: Iterable[Unit]) -> frozenset[int]:
    """The units :func:`claim_dates` reads (the others do not change its result)."""
    return frozenset(u.index for u in units if u.claim is not None and not u.headline)


def date_claims(units: Sequence[Unit], *, nlp: Any | None = None, parse: bool = True) -> ClaimDates:
    """The dates of the units' claims, for :func:`build_timeline` (``ahead=``)."""
    return ClaimDates(_dating_units(units), parse, claim_dates(units, nlp=nlp, parse=parse))


class _Groups:
    """Union-find over (claim, date) events."""

    def __init__(self) -> None:
        self.parent: dict[tuple[ClaimKey, str], tuple[ClaimKey, str]] = {}

    def find(self, x: tuple[ClaimKey, str]) -> tuple[ClaimKey, str]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[ClaimKey, str], b: tuple[ClaimKey, str]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def build_timeline(
    facts: Sequence[Fact],
    members_of: Mapping[str, Sequence[Unit]],
    story_date: str | None,
    *,
    nlp: Any | None = None,
    parse: bool = True,
    ahead: ClaimDates | None = None,
) -> list[TimelineEvent]:
    """Dated events, oldest first. ``nlp``: the spaCy pipeline (loaded when not given);
    ``parse=False`` dates a claim by any time expression of its own clause; ``ahead``: the
    claims' dates computed ahead by :func:`date_claims`, used when they were computed with the
    same ``parse`` for exactly the units of the facts."""
    story = date_range(story_date) if story_date else None
    units = [u for f in facts if not f.headline for u in members_of.get(f.id, ())]
    if ahead is not None and ahead.parse == parse and ahead.units == _dating_units(units):
        dates = ahead.dates
    else:
        dates = claim_dates(units, nlp=nlp, parse=parse)
    groups = _Groups()
    cite_of: dict[ClaimKey, Citation] = {}
    facts_of: dict[tuple[ClaimKey, str], set[str]] = {}
    undated: dict[str, list[ClaimKey]] = {}
    sentence_of: dict[tuple[str, SpanField, int, str], tuple[ClaimKey, str]] = {}
    for fact in facts:
        if fact.headline:
            continue
        by_date: dict[str, tuple[ClaimKey, str]] = {}
        for u in members_of.get(fact.id, ()):
            claim = u.claim
            if claim is None:
                continue
            k = _key(u, claim)
            cite_of.setdefault(
                k, Citation(u.article_id, claim.start, claim.end, claim.text, claim.field)
            )
            d = dates.get(k)
            if d is None:
                undated.setdefault(fact.id, []).append(k)
                continue
            node = (k, d.value)
            groups.find(node)
            facts_of.setdefault(node, set()).add(fact.id)
            if d.value in by_date:  # one fact, one date: one event across articles
                groups.union(by_date[d.value], node)
            by_date[d.value] = node
            skey = (u.article_id, claim.field, claim.sentence, d.value)
            if skey in sentence_of:  # one sentence, one date: one event
                groups.union(sentence_of[skey], node)
            sentence_of[skey] = node
    members: dict[tuple[ClaimKey, str], list[tuple[ClaimKey, str]]] = {}
    for node in groups.parent:
        members.setdefault(groups.find(node), []).append(node)
    position = {u.article_id: u.article for u in units}
    events: list[TimelineEvent] = []
    for nodes in members.values():
        nodes.sort()
        keys = [k for k, _ in nodes]
        # the same fact's claims that give no date report the same event
        keys += [k for n in nodes for f in sorted(facts_of[n]) for k in undated.get(f, ())]
        cites: list[Citation] = []
        for k in keys:
            if cite_of[k] not in cites:
                cites.append(cite_of[k])
        dated = [cite_of[k] for k, _ in nodes]
        cites.sort(key=lambda c: (position[c.article], c.start))
        value = nodes[0][1]
        r = date_range(value)
        main = max(dated, key=lambda c: (c.end - c.start, -position[c.article]))
        events.append(
            TimelineEvent(
                date=value,
                text=main.text,
                citations=cites,
                background=story is not None and r is not None and is_background(r, story),
                granularity=dates[nodes[0][0]].granularity,
            )
        )
    return sorted(events, key=lambda e: (date_sort_key(e.date), e.text))
