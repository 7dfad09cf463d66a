"""Resolving relative time expressions against the article date (the anchor).

Underspecified expressions (a weekday, a month without a year, a season, a quarter) are
placed before or after the anchor according to the tense around them: ``infer_tense`` looks
for the nearest cue in the sentence (``will``, ``is set to``, ``planned``, ``upcoming`` →
future; ``said``, ``was``, ``had``, ``-ed`` verbs, ``since``, ``last`` → past). A past or
future verb decides (``won the election on Sunday`` is the Sunday before); only without one
does a scheduled-event noun nearby (``election``, ``vote``) put it ahead. Without any cue,
news text mostly reports the past, so weekdays resolve to the most recent one on or before
the anchor.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .temporal_draft import Draft, Rel
from .temporal_lexicon import HOLIDAYS, SEASON_MONTHS

_FUTURE_CUES = {
    "will", "shall", "'ll", "won't", "wo", "upcoming", "next", "scheduled", "planned", "plans",
    "plan", "planning", "expected", "expects", "expect", "slated", "intends", "intend",
    "forthcoming", "until", "hopes", "hope", "aims", "would", "coming", "tomorrow", "soon",
    "later", "future", "await", "awaits", "awaiting", "ahead", "due", "begins", "starts",
    "may", "might", "should", "must",
}  # fmt: skip
_PAST_CUES = {
    "was", "were", "had", "did", "ago", "last", "since", "earlier", "former", "yesterday",
    "previously", "recently", "past",
}  # fmt: skip
_PRESENT_CUES = {"is", "are", "am", "says", "say", "has", "have"}
_IRREGULAR_PAST = {
    "said", "told", "met", "spoke", "went", "came", "took", "made", "gave", "saw", "held",
    "left", "began", "won", "lost", "fell", "rose", "paid", "sold", "bought", "brought", "got",
    "found", "felt", "kept", "knew", "led", "put", "ran", "sent", "set", "stood", "thought",
    "wrote", "became", "broke", "chose", "drew", "flew", "fought", "grew", "heard", "hit",
    "hung", "hurt", "laid", "lay", "meant", "quit", "read", "rode", "rang", "sat", "shot",
    "shut", "sought", "spent", "struck", "swore", "taught", "threw", "understood", "woke",
    "wore", "withdrew", "arose", "forgot", "overtook", "undertook", "slid", "spoken", "taken",
    "given", "seen", "gone", "done", "known", "shown", "written", "begun", "been",
}  # fmt: skip
_NOT_PAST_ED = {
    "need", "speed", "indeed", "hundred", "seed", "feed", "red", "bed", "proceed", "exceed",
    "succeed", "embed", "breed", "greed", "shed", "weed", "deed", "reed", "wed", "bred",
    "fled", "steed", "united", "based", "related", "limited", "expected", "scheduled",
    "planned", "advanced", "detailed", "sacred", "naked", "wicked", "beloved",
    "interested", "concerned", "supposed", "used", "alleged", "so-called", "armed",
}  # fmt: skip
_FUTURE_NOUNS = {"election", "elections", "vote", "referendum", "ballot", "inauguration", "polls"}
_BE = {"be", "been", "being", "is", "are", "am"}
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|'ll|,(?=\s)")
_SENTENCE_START = re.compile(r"(?:[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*)")


#: The day part of a time of day that names no day (TimeML's unknown date).
BARE_DAY = "XXXX-XX-XX"


@dataclass(slots=True, frozen=True)
class Ref:
    """The last date mentioned, for anaphoric expressions (``the next day``)."""

    date: dt.date
    granularity: str


def _sentence_window(text: str, start: int, end: int) -> tuple[str, str]:
    left_from = max(0, start - 160)
    left = text[left_from:start]
    cut = None
    for m in _SENTENCE_START.finditer(left):
        cut = m.end()
    if cut is not None:
        left = left[cut:]
    right = text[end : end + 100]
    stop = re.search(r"[.!?;](?:\s|$)|\n", right)
    if stop:
        right = right[: stop.start()]
    return left, right


def _classify(tokens: list[str], i: int) -> int | None:
    """Tense signalled by ``tokens[i]``: -1 past, +1 future, 0 present, None none."""
    w = tokens[i].lower()
    prev = tokens[i - 1].lower() if i > 0 else ""
    nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
    if w in _FUTURE_CUES:
        if w in ("plans", "plan", "hopes", "hope", "aims") and nxt != "to":
            return None
        if w == "due" and nxt != "to":
            return None
        return 1
    if w == "set" and nxt in ("to", "for"):
        return 1
    if w == "going" and nxt == "to":
        return 1
    if w in _PAST_CUES:
        return -1
    if w in _PRESENT_CUES:
        if w in ("is", "are", "am") and nxt == "to":
            return 1  # "is to visit"
        return 0
    if w in _IRREGULAR_PAST or (w.endswith("ed") and len(w) > 4 and w not in _NOT_PAST_ED):
        if prev in _BE:
            return None  # passive after a modal: "will be held" is decided by "will"
        return -1
    return None


MAX_CUE_DISTANCE = 8
"""Tokens either side of an expression searched for a tense cue (within its sentence)."""
_NEUTRAL_PREPS = {"until", "till", "through", "to", "by"}
_SCHEDULE_NOUNS = {"deadline", "deadlines"}


def infer_tense(text: str, start: int, end: int) -> int | None:
    """-1 past, +1 future, 0 present, None: no cue around ``text[start:end]``."""
    left, right = _sentence_window(text, start, end)
    lall, rall = _TOKEN.findall(left), _TOKEN.findall(right)
    ltoks = [t for t in lall if t != ","][-MAX_CUE_DISTANCE:]
    rtoks = [t for t in rall if t != ","][:MAX_CUE_DISTANCE]
    if ltoks and ltoks[-1].lower() in _NEUTRAL_PREPS:
        return 0  # "extended to Nov. 16": a deadline, whatever the verb's tense
    if rall and rall[0].lower() in _SCHEDULE_NOUNS:
        return 0  # "gave no reason for the Jan. 14 deadline": a date set, not a past one
    # the verb of the expression's own clause first: in "X, who lost the vote on Sunday,
    # has asked for a recount" Sunday goes with "lost", not "has"
    lclause = lall[len(lall) - lall[::-1].index(",") :] if "," in lall else lall
    rclause = rall[: rall.index(",")] if "," in rall else rall
    lclause, rclause = lclause[-MAX_CUE_DISTANCE:], rclause[:MAX_CUE_DISTANCE]
    tense = _nearest_cue([*lclause, "<X>", *rclause], len(lclause))
    if tense not in (-1, 1):
        tense = _nearest_cue([*ltoks, "<X>", *rtoks], len(ltoks))
    if tense in (-1, 1):
        return tense  # a tensed verb decides: "won the election on Sunday" is past
    # no past or future verb: a scheduled event ("the vote on Sunday", "the election is
    # on Sunday") is ahead
    near = [t.lower() for t in ltoks[-3:]] + [t.lower() for t in rtoks[:1]]
    if any(t in _FUTURE_NOUNS for t in near):
        return 1
    return tense


def _nearest_cue(tokens: list[str], here: int) -> int | None:
    """The tense of the cue nearest to ``tokens[here]`` (the expression), left first."""
    for dist in range(1, max(here, len(tokens) - here - 1) + 1):
        for i in (here - dist, here + dist):
            if 0 <= i < len(tokens) and i != here:
                tense = _classify(tokens, i)
                if tense is not None:
                    return tense
    return None


# --------------------------------------------------------------------------- calendar helpers


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # February 29 outside a leap year
        return None


def _add_months(d: dt.date, n: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _quarter_start(year: int, q: int) -> dt.date:
    return dt.date(year, 3 * (q - 1) + 1, 1)


def _pick(
    candidates: list[dt.date], anchor: dt.date, direction: int | None, strict: bool = False
) -> dt.date:
    """The candidate before (-1) / after (+1) the anchor, or the nearest one (None)."""
    if direction is not None and direction < 0:
        ok = [c for c in candidates if c < anchor or (c == anchor and not strict)]
        return max(ok) if ok else min(candidates)
    if direction is not None and direction > 0:
        ok = [c for c in candidates if c > anchor or (c == anchor and not strict)]
        return min(ok) if ok else max(candidates)
    return min(candidates, key=lambda c: (abs((c - anchor).days), c > anchor))


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = _add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def holiday_date(name: str, year: int) -> dt.date:
    if name.startswith("election"):  # US: the Tuesday after the first Monday of November
        return _nth_weekday(year, 11, 0, 1) + dt.timedelta(days=1)
    if name.startswith("thanksgiving"):
        return _nth_weekday(year, 11, 3, 4)
    if name.startswith("memorial"):
        return _nth_weekday(year, 5, 0, -1)
    if name.startswith("labor"):
        return _nth_weekday(year, 9, 0, 1)
    month, day = HOLIDAYS[name]
    return dt.date(year, month, day)


# --------------------------------------------------------------------------- resolution


def _offset(rel: Rel, base: dt.date, ref: Ref | None) -> tuple[str, str, dt.date]:
    n = int(rel.n)
    unit = rel.unit
    quarter_ref = ref is not None and ref.granularity == "quarter"
    if unit == "year" and rel.name == "ago" and quarter_ref and ref is not None and abs(n) == 1:
        unit, n, base = "quarter", 4 * n, ref.date  # "a year earlier" after "the third quarter"
    if unit == "day":
        d = base + dt.timedelta(days=n)
        return d.isoformat() + rel.part, "time" if rel.part else "day", d
    if unit in ("week", "weekend", "fortnight"):
        d = base + dt.timedelta(weeks=n * (2 if unit == "fortnight" else 1))
        return _week(d) + ("-WE" if unit == "weekend" else ""), "week", d
    if unit == "month":
        d = _add_months(base, n)
        return f"{d.year:04d}-{d.month:02d}", "month", d
    if unit == "quarter":
        q0 = (base.month - 1) // 3
        index = base.year * 4 + q0 + n
        d = _quarter_start(index // 4, index % 4 + 1)
        return f"{index // 4:04d}-Q{index % 4 + 1}", "quarter", d
    if unit == "decade":
        decade = base.year // 10 + n
        return f"{decade:03d}", "decade", dt.date(decade * 10, 1, 1)
    if unit == "century":
        century = base.year // 100 + n
        return f"{century:02d}", "century", dt.date(max(1, century * 100), 1, 1)
    year = base.year + n
    return f"{year:04d}", "year", dt.date(year, 1, 1)


DEFAULT_DIRECTION: dict[str, int | None] = {
    "weekday": -1,
    "month": None,
    "monthday": None,
    "season": -1,
}
"""Where an expression with no tense cue goes: -1 the latest one on or before the anchor,
None the nearest one (dates with a day: deadlines and schedules are common)."""


_TENSED = ("weekday", "month", "monthday", "season", "quarter", "half", "holiday")


def resolve_draft(
    draft: Draft, text: str, anchor: dt.date, ref: Ref | None
) -> tuple[str | None, str | None, Ref | None]:
    """(value, granularity, the date it denotes for later anaphora) of a relative draft."""
    rel = draft.rel
    if rel is None:
        return draft.value, draft.granularity, None
    direction = rel.direction
    if direction is None and rel.year_offset is None and rel.op in _TENSED:
        tense = infer_tense(text, draft.start, draft.end)
        # present tense or a deadline ("until Tuesday"): the nearest one
        direction = DEFAULT_DIRECTION.get(rel.op) if tense is None else (tense or None)
    if rel.op == "offset":
        base = ref.date if rel.anaphoric and ref is not None else anchor
        value, gran, d = _offset(rel, base, ref)
        return value, gran, Ref(d, gran)
    if rel.op == "weekday":
        week_start = anchor - dt.timedelta(days=anchor.weekday())
        same_week = week_start + dt.timedelta(days=rel.weekday)
        if rel.direction == 0:
            d = same_week
        else:
            cands = [same_week + dt.timedelta(weeks=k) for k in (-1, 0, 1)]
            d = _pick(cands, anchor, direction, rel.direction is not None)
        return d.isoformat() + rel.part, "time" if rel.part else "day", Ref(d, "day")
    if rel.op in ("month", "monthday"):
        day = rel.day or 1
        if rel.year_offset is not None:
            d = dt.date(anchor.year + rel.year_offset, rel.month, day)
        elif rel.direction == 0:
            d = dt.date(anchor.year, rel.month, day)
        else:
            cands = [c for k in (-1, 0, 1) if (c := _date(anchor.year + k, rel.month, day))]
            if not cands:
                return None, draft.granularity, None
            if rel.weekday >= 0 and any(c.weekday() == rel.weekday for c in cands):
                cands = [c for c in cands if c.weekday() == rel.weekday]  # "Saturday, April 25"
            point = anchor if rel.op == "monthday" else anchor.replace(day=1)
            d = _pick(cands, point, direction, rel.direction is not None)
        if rel.op == "monthday":
            return d.isoformat(), "day", Ref(d, "day")
        return f"{d.year:04d}-{d.month:02d}", "month", Ref(d, "month")
    if rel.op == "season":
        first = SEASON_MONTHS[rel.season][0]
        if rel.direction == 0:
            year = anchor.year - (1 if rel.season == "WI" and anchor.month <= 2 else 0)
        else:
            cands = [dt.date(anchor.year + k, first, 1) for k in (-1, 0, 1)]
            d = _pick(cands, anchor, direction, rel.direction is not None)
            year = d.year
        return f"{year:04d}-{rel.season}", "season", Ref(dt.date(year, first, 1), "season")
    if rel.op in ("quarter", "half"):
        size = 3 if rel.op == "quarter" else 6
        code = "Q" if rel.op == "quarter" else "H"
        current = (anchor.month - 1) // size + 1
        # results for a period are reported after it ends: "expects third-quarter profit"
        # written in the fourth quarter still means this year's third quarter
        if rel.year_offset is not None:
            year = anchor.year + rel.year_offset
        elif direction is not None and direction < 0:
            year = anchor.year - (1 if rel.quarter > current else 0)
        elif direction is not None and direction > 0:
            year = anchor.year + (1 if rel.quarter < current - 1 else 0)
        else:
            year = anchor.year - (1 if current == 1 and rel.quarter == 4 else 0)
        d = dt.date(year, size * (rel.quarter - 1) + 1, 1)
        return f"{year:04d}-{code}{rel.quarter}", rel.op, Ref(d, rel.op)
    if rel.op == "weekend":
        # the weekend just past, or the coming one when the tense says so
        tense = infer_tense(text, draft.start, draft.end)
        back = (anchor.weekday() - 5) % 7 if anchor.weekday() < 5 else 0
        d = anchor - dt.timedelta(days=back)
        if tense == 1 and anchor.weekday() < 5:
            d = anchor + dt.timedelta(days=5 - anchor.weekday())
        return _week(d) + "-WE", "week", Ref(d, "week")
    if rel.op == "latest":
        if ref is not None and ref.granularity == "quarter":
            base = ref.date
        else:
            base = anchor - dt.timedelta(days=60)
        value, gran, d = _offset(Rel("offset", unit="quarter", n=rel.n), base, None)
        return value, gran, Ref(d, gran)
    if rel.op == "holiday":
        cands = [holiday_date(rel.name, anchor.year + k) for k in (-1, 0, 1)]
        if rel.direction == 0:
            d = holiday_date(rel.name, anchor.year)
        else:
            d = _pick(cands, anchor, direction, rel.direction is not None)
        return d.isoformat(), "day", Ref(d, "day")
    if rel.op == "clock":
        if not rel.month and rel.weekday < 0:
            # a bare time of day ("shortly after 7 p.m.", "between midnight and 6 a.m.") names no
            # day: the article's date is not its day (see ``date_bare_clocks``)
            return BARE_DAY + rel.part, "time", None
        d = anchor
        if rel.month:
            md = Rel("monthday", month=rel.month, day=rel.day)
            _, _, r = resolve_draft(
                Draft(draft.start, draft.end, "date", "", rel=md), text, anchor, ref
            )
            d = r.date if r is not None else anchor
        elif rel.weekday >= 0:
            wd = Rel("weekday", weekday=rel.weekday)
            _, _, r = resolve_draft(
                Draft(draft.start, draft.end, "date", "", rel=wd), text, anchor, ref
            )
            d = r.date if r is not None else anchor
        return d.isoformat() + rel.part, "time", Ref(d, "day")
    return None, draft.granularity, None
