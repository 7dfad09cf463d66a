"""Time expressions: find them in text and normalise them against the article date.

Values follow TIMEX3 (TimeML) conventions, at the granularity of the expression:

========================  =====================  ==========  ===========================
text                      value                  kind        granularity
========================  =====================  ==========  ===========================
April 2, 2024 / Tuesday   ``2024-04-02``         date        day
in July 2022 / November   ``2022-07``            date        month
later this week           ``2024-W14``           date        week
the third quarter         ``2024-Q3``            date        quarter
last year / 2023          ``2023``               date        year
last fall                 ``2023-FA``            date        season
the 1990s                 ``199``                date        decade
Friday morning / 3 p.m.   ``2024-04-05TMO``      time        time
now / recently / soon     ``PRESENT_REF`` …      date        None
the coming weeks          ``FUTURE_REF``         interval    interval (mod future_open)
one-hour, 45-minute       ``PT1H45M``            duration    smallest unit (``minute``)
every week / daily        ``P1W`` / ``P1D``      set         set
========================  =====================  ==========  ===========================

``mod`` carries TimeML modifiers in lower case: ``start``/``mid``/``end`` (``early
December``), ``approx``, ``less_than``, ``more_than``, ``equal_or_less``,
``equal_or_more`` (``nearly two years``), ``future_open`` (an open interval after the
anchor: ``in the coming weeks`` — its value is ``FUTURE_REF`` rather than an invented end).

Spans follow TimeML extents: determiners and modifiers in, prepositions out (``on Tuesday``
→ ``Tuesday``). Without an anchor, anchor-independent values (``2022-07``, ``PT2H``) are
kept and relative ones are left ``None`` for ``resolve_time_expressions`` to finish.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Sequence

from ..models import SpanField, TimeExpr
from . import temporal_durations as _durations  # noqa: F401  (registers its rules)
from . import temporal_relative as _relative  # noqa: F401  (registers its rules)
from .temporal_draft import UNIT_RANK, Draft, duration_value
from .temporal_gate import search_windows, windows
from .temporal_lexicon import APPROX_MODS, APPROX_RE
from .temporal_resolve import _SENTENCE_START, BARE_DAY, Ref, resolve_draft
from .temporal_rules import RULES

__all__ = ["extract_drafts", "find_time_expressions", "resolve_time_expressions"]

log = logging.getLogger(__name__)

_EXT_POSITION = re.compile(
    r"(?:\b(?:the\s+)?(?:very\s+)?(?P<a>early|late|mid|middle)(?:\s+|-)"
    r"|\b(?:the\s+)?(?:very\s+)?(?P<b>end|beginning|start|middle|close|turn|first\s+half|"
    r"second\s+half|last\s+half|latter\s+part|early\s+part|first\s+part|rest|remainder)\s+of\s+"
    r"(?:the\s+)?)$",
    re.IGNORECASE,
)
_EXT_APPROX = re.compile(rf"\b(?P<a>{APPROX_RE})\s+$", re.IGNORECASE)
_POSITION_MODS = {
    "early": "start",
    "late": "end",
    "mid": "mid",
    "middle": "mid",
    "end": "end",
    "close": "end",
    "beginning": "start",
    "start": "start",
    "turn": "start",
    "early part": "start",
    "first part": "start",
    "latter part": "end",
    "first half": "start",
    "second half": "end",
    "last half": "end",
}
_COMPOUND_GAP = re.compile(r"(?:,\s*|\s+and\s+|,\s+and\s+|\s+)", re.IGNORECASE)


def _candidates(text: str, gated: bool = True) -> list[Draft]:
    found: list[Draft] = []
    spans = windows(text) if gated else {}
    for name, pattern, builder in RULES:
        whole = [(0, len(text))]
        where = list(search_windows(text, spans.get(name, []) if gated else whole))
        for start, end in where:
            for m in pattern.finditer(text, start, end):
                try:
                    draft = builder(m, text)
                except (ValueError, KeyError) as exc:  # a malformed date such as "Feb. 30"
                    log.debug("rule %s rejected %r: %s", name, m.group(0), exc)
                    continue
                if draft is not None and draft.end > draft.start:
                    found.append(draft)
    return found


def _select(found: list[Draft], length: int) -> list[Draft]:
    """Longest match first, then rule priority, then the earlier one; no overlaps."""
    taken = bytearray(length)
    chosen: list[Draft] = []
    for d in sorted(found, key=lambda d: (-(d.end - d.start), -d.priority, d.start)):
        if any(taken[d.start : d.end]):
            continue
        taken[d.start : d.end] = b"\x01" * (d.end - d.start)
        chosen.append(d)
    chosen.sort(key=lambda d: d.start)
    return chosen


def _merge_durations(drafts: list[Draft], text: str) -> list[Draft]:
    """``one-hour, 45-minute`` → one duration PT1H45M (units must get smaller)."""
    out: list[Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "duration"
            and d.kind == "duration"
            and prev.dur
            and d.dur
            and all(c is not None for _, c in prev.dur + d.dur)
            and UNIT_RANK[prev.dur[-1][0]] > UNIT_RANK[d.dur[0][0]]
            and not text[d.start : d.end].lower().startswith("the ")
            and _COMPOUND_GAP.fullmatch(text[prev.end : d.start])
        ):
            parts = prev.dur + d.dur
            out[-1] = Draft(
                prev.start,
                d.end,
                "duration",
                "duration_compound",
                value=duration_value(parts),
                granularity=d.granularity,
                mod=prev.mod,
                dur=parts,
            )
            continue
        out.append(d)
    return out


def _extend(d: Draft, text: str, floor: int) -> Draft:
    """Take in a modifier just before the expression: ``early``, ``the end of``, ``nearly``."""
    before = text[max(floor, d.start - 40) : d.start]
    if d.kind in ("date", "time") and d.mod is None and d.value not in _REFS:
        m = _EXT_POSITION.search(before)
        if m:
            word = re.sub(r"\s+", " ", (m["a"] or m["b"]).lower())
            d.start -= len(before) - m.start()
            if word.endswith(" half") and d.value and re.fullmatch(r"\d{4}", d.value):
                d.value += "-H1" if word == "first half" else "-H2"
                d.granularity = "half"
            else:
                d.mod = _POSITION_MODS.get(word)
            return d
    starts_with_count = not text[d.start : d.end].lower().startswith(("the ", "a few", "several"))
    if (d.kind == "duration" or d.rule == "ago") and starts_with_count and d.mod is None:
        m = _EXT_APPROX.search(before)
        if m:
            d.start -= len(before) - m.start()
            d.mod = APPROX_MODS[re.sub(r"\s+", " ", m["a"].lower())]
    return d


_REFS = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")


def extract_drafts(text: str) -> list[Draft]:
    """Every time expression in ``text`` as an anchor-independent draft, in text order."""
    drafts = _merge_durations(_select(_candidates(text), len(text)), text)
    out: list[Draft] = []
    floor = 0
    for d in drafts:
        out.append(_extend(d, text, floor))
        floor = d.end
    return out


def _ref_of(value: str | None) -> Ref | None:
    """The date an absolute value denotes (its first day), for later anaphora."""
    if not value:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q([1-4]))?(?:T.*)?", value)
    if not m:
        return None
    year = int(m[1])
    try:
        if m[3]:
            return Ref(dt.date(year, int(m[2]), int(m[3])), "day")
        if m[2]:
            return Ref(dt.date(year, int(m[2]), 1), "month")
        if m[4]:
            return Ref(dt.date(year, 3 * int(m[4]) - 2, 1), "quarter")
        return Ref(dt.date(year, 1, 1), "year")
    except ValueError:
        return None


def _finish(
    drafts: list[Draft], text: str, anchor: dt.date | None, field: SpanField
) -> list[TimeExpr]:
    out: list[TimeExpr] = []
    ref: Ref | None = None
    for d in drafts:
        if anchor is None or d.rel is None:
            value, granularity, new_ref = (d.value if d.rel is None else None), d.granularity, None
            if d.rel is None and d.kind in ("date", "time"):
                new_ref = _ref_of(value)
            used = None
        else:
            try:
                value, granularity, new_ref = resolve_draft(d, text, anchor, ref)
            except (ValueError, OverflowError) as exc:  # a date outside the calendar
                log.debug("cannot resolve %r against %s: %s", text[d.start : d.end], anchor, exc)
                value, granularity, new_ref = None, d.granularity, None
            used = anchor.isoformat()
        # a shifted period ("a year ago", "the year-earlier quarter") is not the new reference
        shifted = d.rel is not None and (
            d.rel.name == "ago" or (d.rel.n != 0 and (d.rel.anaphoric or d.rel.op == "latest"))
        )
        if new_ref is not None and d.kind in ("date", "time") and not shifted:
            ref = new_ref
        out.append(
            TimeExpr(
                text=text[d.start : d.end],
                start=d.start,
                end=d.end,
                value=value,
                granularity=granularity,
                kind=d.kind,
                anchor=used,
                rule=d.rule,
                mod=d.mod,
                field=field,
            )
        )
    return date_bare_clocks(out, text)


_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}")


def date_bare_clocks(times: list[TimeExpr], text: str) -> list[TimeExpr]:
    """Give a bare time of day (``XXXX-XX-XXT19:00``: "shortly after 7 p.m.") the day of the
    nearest expression naming a day in the same sentence ("on Monday … at 7 p.m."); without
    one it keeps no day: the article's date is not the day of a time it mentions."""
    days = [
        (t, m.group())
        for t in times
        if t.value and t.kind in ("date", "time") and (m := _DAY_VALUE.match(t.value))
    ]
    if not days:
        return times
    out: list[TimeExpr] = []
    for t in times:
        if t.value and t.value.startswith(BARE_DAY + "T"):
            near = [
                (max(t.start - o.end, o.start - t.end), day)
                for o, day in days
                if not _SENTENCE_START.search(text, min(t.end, o.end), max(t.start, o.start))
            ]
            if near:
                day = min(near)[1]
                t = dataclasses.replace(t, value=day + t.value[len(BARE_DAY) :])
        out.append(t)
    return out


def find_time_expressions(
    text: str, anchor: dt.date | None, *, field: SpanField = "body"
) -> list[TimeExpr]:
    """Time expressions in ``text``, resolved against ``anchor`` (the article date) if given.

    ``sentence`` stays -1: the caller that knows the sentences fills it in.
    """
    return _finish(extract_drafts(text), text, anchor, field)


def resolve_time_expressions(
    times: Sequence[TimeExpr], text: str, anchor: dt.date
) -> list[TimeExpr]:
    """Resolve the still-unresolved expressions of ``times`` once a date is known.

    ``text`` is the string the offsets point into (the same one ``find_time_expressions``
    read). Expressions that already have a value are returned unchanged; so are the ones
    whose span is not found again (text changed).
    """
    fields = {t.field for t in times}
    by_span: dict[tuple[str, int, int], TimeExpr] = {}
    for f in fields:
        for t in find_time_expressions(text, anchor, field=f):
            by_span[(f, t.start, t.end)] = t
    out: list[TimeExpr] = []
    for t in times:
        fresh = by_span.get((t.field, t.start, t.end))
        if t.value is None and fresh is not None:
            t = dataclasses.replace(
                t,
                value=fresh.value,
                granularity=fresh.granularity,
                anchor=fresh.anchor,
                rule=fresh.rule,
                mod=fresh.mod,
            )
        out.append(t)
    return out
