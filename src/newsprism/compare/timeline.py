"""The timeline: dated events from the facts, resolved against the article dates, background
events ("last spoke in July 2022": more than a week before the story's date) included and marked;
the story's own coming events ("cuts start on July 1") are not background.

An event is a claim dated by a time expression of its own clause: one inside the claim and not
inside a smaller claim nested in it ("killed when the ferry hit … on Monday": Monday dates the
``when`` clause). With the parser, the expression must also modify the claim's main verb, through
prepositions, or through the object of "during"/"at"/"amid" ("met … during the November
summit"), or the subject of the main verb ("the Monday collision left …"); a date that modifies
another word ("warned X against meddling in the election in November") does not date the claim.
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
#: Prepositions whose object dates the verb it hangs on ("during the November summit").
_TEMPORAL_PREPS = frozenset({"during", "at", "amid", "amidst", "throughout"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
#: How a time expression attaches before a noun ("the 2024 election", "Tuesday's call").
_PRENOMINAL = frozenset({"compound", "nummod", "poss", "amod", "nmod"})
#: Subordinators of a clause that shares its head's time.
_WHEN = frozenset({"when", "as", "while"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: Links from a verb up to the main verb that keep it the same event ("is set to travel").
_SAME_EVENT = frozenset({"xcomp", "conj", "aux", "auxpass"})
_DAY_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")

#: How closely a time expression is tied to the claim's event (lower is closer).
VERB, SUBJECT = 0, 1

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


def _claim_times(
    units: Iterable[Unit],
) -> tuple[dict[ClaimKey, Claim], dict[ClaimKey, list[TimeExpr]], dict[ClaimKey, list[TimeExpr]]]:
    """Each claim; the calendar time expressions inside it; those of them not inside a smaller
    claim of the same article (its own)."""
    claims: dict[ClaimKey, Claim] = {}
    found: dict[tuple[str, SpanField], dict[int, TimeExpr]] = {}
    for u in units:
        if u.claim is None or u.headline:
            continue
        claims[_key(u, u.claim)] = u.claim
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
    return claims, inner, own


def _main_verbs(doc: Any) -> set[int]:
    """Token indexes of the main verb of each parsed sentence and its same-event chain. A
    clause parsed as a noun phrase ("The river bridge [reopened on Monday]": the verb as a
    clause on the noun) has that verb as its main verb."""
    roots: set[int] = set()
    for tok in doc:
        if tok.dep_ != "ROOT":
            continue
        roots.add(tok.i)
        if tok.pos_ not in ("VERB", "AUX"):
            roots.update(c.i for c in tok.children if c.dep_ == "acl" and c.pos_ == "VERB")
    out: set[int] = set()
    for tok in doc:
        node, steps = tok, 0
        while node.i not in roots and node.dep_ in _SAME_EVENT and steps < 8:
            node, steps = node.head, steps + 1
        if node.i in roots:
            out.add(tok.i)
    return out


def _tie(doc: Any, start: int, end: int) -> int | None:
    """How the time expression at characters [start, end) of ``doc`` is tied to the main
    event: ``VERB``, ``SUBJECT`` or None (it modifies some other word).

    A time after a noun ("a call on Tuesday", "their meeting last November") may belong to the
    noun or to the verb above it (the parse cannot tell): one such noun is passed over. A time
    before a noun ("the 2024 election", "Tuesday's call") belongs to the noun."""
    inside = [t for t in doc if t.idx < end and start < t.idx + len(t.text)]
    if not inside:
        return None
    ids = {t.i for t in inside}
    main = _main_verbs(doc)
    prev = next(t for t in inside if t.head.i not in ids or t.head.i == t.i)
    passed = 0
    for _ in range(len(doc)):
        if prev.head.i == prev.i:
            return VERB  # the expression is (part of) the root: a fragment
        node = prev.head
        prenominal = prev.i in ids and prev.dep_ in _PRENOMINAL
        prev = node
        if node.i in ids:
            continue
        if node.i in main and node.pos_ in ("VERB", "AUX"):
            return VERB
        if node.pos_ in ("VERB", "AUX"):
            if node.dep_ == "advcl" and any(
                c.lower_ in _WHEN and c.dep_ in ("advmod", "mark") for c in node.children
            ):
                continue  # "killed when the ferry hit … on Monday": the same time
            return None  # a subordinate verb: not the claim's event
        if node.dep_ == "ROOT":
            return VERB  # a verbless fragment
        if node.pos_ in _NOMINAL:
            if node.dep_ in _SUBJECTS and node.head.i in main:
                return SUBJECT
            if node.dep_ == "pobj" and node.head.lower_ in _TEMPORAL_PREPS:
                continue  # "during the November summit"
            if prenominal:
                return None
            if node.pos_ == "PROPN" and node.dep_ == "pobj":
                continue  # "in Munich in February": a place does not take a date
            if passed == 0:
                passed += 1
                continue
            return None
    return None


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
    """The date of each dated claim: its most specific time expression tied to its event."""
    claims, inner, own = _claim_times(units)
    parser = _parser(nlp) if parse and inner else None
    times = inner if parser is not None else own
    keys = list(times)
    docs: list[Any] = [None] * len(keys)
    if parser is not None:
        docs = list(parser.pipe([claims[k].text for k in keys], disable=["ner"]))
    out: dict[ClaimKey, _Date] = {}
    for k, doc in zip(keys, docs, strict=True):
        base = claims[k].start
        cands: list[_Date] = []
        for t in times[k]:
            cv = calendar_value(t)
            if cv is None:
                continue
            tie = VERB if doc is None else _tie(doc, t.start - base, t.end - base)
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
