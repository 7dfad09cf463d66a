"""Rules that find time expressions: one regex and one builder per rule.

A builder turns a match into a ``Draft`` (or rejects it). Spans follow TimeML extents:
determiners and modifiers are included (``the past two years``, ``early December``),
prepositions are not (``on Tuesday`` → ``Tuesday``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from .numwords import parse_number
from .temporal_draft import Draft, Rel, TimeKind
from .temporal_lexicon import (
    DAY_RE,
    MONTH_ABBR,
    MONTH_FULL_RE,
    MONTH_RE,
    MONTHS,
    WEEKDAY_ABBR,
    WEEKDAY_RE,
    WEEKDAYS,
    YEAR_RE,
)

Builder = Callable[[re.Match[str], str], Draft | None]
RULES: list[tuple[str, re.Pattern[str], Builder]] = []

_DIRECTIONS: dict[str, int] = {
    "this": 0,
    "current": 0,
    "present": 0,
    "same": 0,
    "last": -1,
    "past": -1,
    "previous": -1,
    "preceding": -1,
    "next": 1,
    "coming": 1,
    "following": 1,
}
_YEAR_PREPS = {
    "in", "since", "of", "from", "by", "until", "till", "through", "to", "during", "before",
    "after", "between", "and", "early", "late", "mid", "year", "fiscal", "around", "circa",
    "summer", "spring", "fall", "autumn", "winter", "'s", "end", "the", "that", "-", "or",
}  # fmt: skip
_NOT_PLURAL_NOUNS = {
    "was", "is", "has", "as", "this", "his", "its", "thus", "does", "less", "across", "unless",
    "whereas", "plus", "always", "perhaps", "hers", "ours", "yours", "theirs", "yes",
}  # fmt: skip
_NUMBERISH_BEFORE = {
    "about", "approximately", "roughly", "nearly", "almost", "some", "than", "over",
    "under", "least", "most", "another", "additional", "extra", "only", "just",
}  # fmt: skip
_CLOCK_ZONES = r"(?-i:GMT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|BST|CET|CEST)"


def _after_words(words: str) -> str:
    """A lookbehind for one of ``words`` followed by one space (fixed width per word)."""
    return "(?:" + "|".join(rf"(?<=\b{w}\s)" for w in words.split()) + ")"


def rule(name: str, pattern: str, priority: int = 0) -> Callable[[Builder], Builder]:
    compiled = re.compile(pattern, re.IGNORECASE)

    def add(builder: Builder) -> Builder:
        def wrapped(m: re.Match[str], text: str) -> Draft | None:
            draft = builder(m, text)
            if draft is not None:
                draft.rule = name
                draft.priority = priority
            return draft

        RULES.append((name, compiled, wrapped))
        return builder

    return add


def _span(m: re.Match[str]) -> tuple[int, int]:
    if "x" in m.re.groupindex and m.group("x") is not None:
        return m.start("x"), m.end("x")
    return m.span()


def _month(word: str) -> int:
    w = word.lower().rstrip(".")
    return MONTHS.get(w) or MONTH_ABBR[w]


def _weekday(word: str) -> int:
    w = word.lower().rstrip(".")
    return WEEKDAYS.get(w, WEEKDAY_ABBR.get(w, -1))


def _day(word: str) -> int:
    return int(re.sub(r"\D", "", word))


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z']+|-)\s*$", text[max(0, pos - 30) : pos])
    return m.group(1).lower() if m else ""


def _word_after(text: str, pos: int) -> str:
    m = re.match(r"\s+([A-Za-z]+)", text[pos : pos + 30])
    return m.group(1) if m else ""


def _draft(
    m: re.Match[str],
    kind: TimeKind = "date",
    *,
    value: str | None = None,
    rel: Rel | None = None,
    granularity: str | None = None,
    mod: str | None = None,
    dur: tuple[tuple[str, float | None], ...] = (),
) -> Draft:
    start, end = _span(m)
    return Draft(start, end, kind, "", value, rel, granularity, mod, dur)


# --------------------------------------------------------------------------- absolute dates


@rule("iso_date", r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})(?:T(?P<h>\d{2}):(?P<mi>\d{2}))?\b", 5)
def _iso_date(m: re.Match[str], text: str) -> Draft | None:
    value = _iso(int(m["y"]), int(m["mo"]), int(m["d"]))
    if value is None:
        return None
    if m["h"]:
        return _draft(m, "time", value=f"{value}T{m['h']}:{m['mi']}", granularity="time")
    return _draft(m, value=value, granularity="day")


@rule("numeric_date", r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])", 5)
def _numeric_date(m: re.Match[str], text: str) -> Draft | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if len(m["y"]) == 2:
        y += 2000 if y < 50 else 1900
    month, day = (b, a) if a > 12 else (a, b)  # US order unless the first cannot be a month
    value = _iso(y, month, day)
    return None if value is None else _draft(m, value=value, granularity="day")


_WD_PREFIX = rf"(?:(?P<wd>{WEEKDAY_RE}),?\s+)?"
_YEAR_REL = r"(?P<yrel>last|next|this)\s+year\b"


def _month_day(m: re.Match[str], text: str) -> Draft | None:
    month, day = _month(m["mon"]), _day(m["d"])
    if m["y"]:
        value = _iso(int(m["y"]), month, day)
        return None if value is None else _draft(m, value=value, granularity="day")
    if _iso(2000, month, day) is None:
        return None
    year_offset = _DIRECTIONS[m["yrel"].lower()] if m["yrel"] else None
    weekday = _weekday(m["wd"]) if m["wd"] else -1
    rel = Rel("monthday", month=month, day=day, year_offset=year_offset, weekday=weekday)
    return _draft(m, rel=rel, granularity="day")


rule(
    "month_day",
    rf"{_WD_PREFIX}(?P<mon>{MONTH_RE})\s*(?P<d>{DAY_RE})\b(?:(?:,\s*|\s+)(?:(?P<y>{YEAR_RE})"
    rf"|{_YEAR_REL}))?",
    4,
)(_month_day)
rule(
    "day_month",
    rf"{_WD_PREFIX}(?:the\s+)?(?P<d>{DAY_RE})(?:\s+of)?\s+(?P<mon>{MONTH_RE})(?:,?\s+(?:"
    rf"(?P<y>{YEAR_RE})|{_YEAR_REL}))?",
    4,
)(_month_day)


@rule("month_year", rf"(?P<mon>{MONTH_RE})(?:\s+of)?,?\s+(?:(?P<y>{YEAR_RE})|{_YEAR_REL})", 3)
def _month_year(m: re.Match[str], text: str) -> Draft | None:
    month = _month(m["mon"])
    if m["y"]:
        return _draft(m, value=f"{int(m['y']):04d}-{month:02d}", granularity="month")
    rel = Rel("month", month=month, year_offset=_DIRECTIONS[m["yrel"].lower()])
    return _draft(m, rel=rel, granularity="month")


@rule(
    "month",
    rf"(?:\b(?P<dir>last|next|this|past|coming)\s+)?(?P<mon>{MONTH_FULL_RE}|(?-i:Jan|Feb|Aug|Sept"
    rf"|Oct|Nov|Dec)\.)(?![\w-])",
    2,
)
def _month_only(m: re.Match[str], text: str) -> Draft | None:
    word = m["mon"].lower()
    if not m["dir"] and word in ("may", "march"):
        before = _word_before(text, m.start())
        if before not in _YEAR_PREPS - {"the", "that", "'s"} | {"last", "this", "next"}:
            return None
    direction = _DIRECTIONS[m["dir"].lower()] if m["dir"] else None
    rel = Rel("month", month=_month(m["mon"]), direction=direction)
    return _draft(m, rel=rel, granularity="month")


@rule("year", rf"(?<![\w$€£#.,/:])(?:(?P<fiscal>fiscal(?:\s+year)?)\s+)?(?P<y>{YEAR_RE})\b", 1)
def _year(m: re.Match[str], text: str) -> Draft | None:
    y = int(m["y"])
    before = _word_before(text, m.start())
    after = _word_after(text, m.end())
    hyphen = re.search(r"([A-Za-z]*)-$", text[max(0, m.start() - 6) : m.start()])
    if hyphen and hyphen.group(1).lower() not in ("", "mid", "pre", "post"):
        return None  # "COVID-2019", "Boeing-1990"
    if not m["fiscal"]:
        if y < 1800 and before not in _YEAR_PREPS:
            return None
        if re.match(rf"\s+(?:{_CLOCK_ZONES}|hours|hrs)\b", text[m.end() : m.end() + 8]):
            return None  # military clock time
        if before in _NUMBERISH_BEFORE:
            return None
        if (
            before not in _YEAR_PREPS
            and after.islower()
            and after.endswith("s")
            and len(after) > 3
            and after not in _NOT_PLURAL_NOUNS
        ):
            return None  # "2000 troops"
    return _draft(m, value=f"{y:04d}", granularity="year")


@rule(
    "decade",
    r"(?:\bthe\s+)?(?:(?P<c>1[0-9]|20)(?P<d>\d)0s|'(?P<s>\d)0s|(?<=the\s)(?P<w>twenties|thirties"
    r"|forties|fifties|sixties|seventies|eighties|nineties))\b",
    3,
)
def _decade(m: re.Match[str], text: str) -> Draft | None:
    words = ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties"]
    words.append("nineties")
    if m["c"]:
        value = m["c"] + m["d"]
    elif m["s"]:
        value = "19" + m["s"]
    else:
        value = "19" + str(words.index(m["w"].lower()) + 2)
    return _draft(m, value=value, granularity="decade")


@rule(
    "century",
    r"(?:\bthe\s+)?(?P<n>\d{1,2}(?:st|nd|rd|th)|(?:twenty-)?first|second|nineteenth|twentieth"
    r"|eighteenth)[\s-]+century\b",
    3,
)
def _century(m: re.Match[str], text: str) -> Draft | None:
    word = m["n"].lower()
    named = {"first": 1, "second": 2, "eighteenth": 18, "nineteenth": 19, "twentieth": 20}
    named["twenty-first"] = 21
    n = named.get(word) or _day(word)
    return _draft(m, value=f"{n - 1:02d}", granularity="century")


_TEENS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_ONES = "one|two|three|four|five|six|seven|eight|nine"


@rule(
    "spoken_year",
    rf"\b(?:the\s+year\s+)?(?:(?P<c>nineteen|twenty)[\s-](?P<r>hundred|{_TEENS}|(?:{_TENS_WORDS})"
    rf"(?:[\s-](?:{_ONES}))?|oh[\s-](?:{_ONES}))"
    rf"|(?P<k>(?<=\bthe\syear\s)|(?<=\bin\s)|(?<=\bby\s)|(?<=\buntil\s))two\s+thousand(?:\s+"
    rf"(?:and\s+)?(?P<kr>{_TEENS}|{_ONES}))?)\b",
    2,
)
def _spoken_year(m: re.Match[str], text: str) -> Draft | None:
    if m["c"]:
        rest = m["r"].lower().replace("oh", "").strip(" -")
        value = 0.0 if rest == "hundred" else parse_number(rest)
        if value is None:
            return None
        year = (19 if m["c"].lower() == "nineteen" else 20) * 100 + int(value)
    else:
        year = 2000 + int(parse_number(m["kr"]) or 0) if m["kr"] else 2000
    return _draft(m, value=f"{year:04d}", granularity="year")
