"""Rules for durations (``two hours``, ``the past 18 months``, ``several days``) and sets
(``every week``, ``daily``, ``twice a year``). They register into ``temporal_rules.RULES``."""

from __future__ import annotations

import re

from .numwords import NUMBER_RE, parse_number
from .temporal_draft import Draft, duration_value
from .temporal_lexicon import (
    COUNT_RE,
    PARTS_OF_DAY,
    SEASON_RE,
    SEASONS,
    UNIT_RE,
    UNITS,
    VAGUE_COUNT_RE,
    WEEKDAY_RE,
)
from .temporal_rules import _draft, _weekday, rule

_LEAD = (
    r"(?P<lead>the\s+(?:(?:past|last|next|first|previous|following|coming|final|remaining|"
    r"latest|initial|ensuing|preceding|other|full|entire|whole)\s+)?|"
    r"(?:past|last|next|first|previous|following|coming|final|remaining|latest)\s+)?"
)
_ORDINAL_SECOND = re.compile(r"\s+(?!(?:ago|later|earlier|before|after|or|and|of)\b)[a-z]")
_SPECIAL_COUNTS: dict[str, float] = {
    "half a": 0.5,
    "half an": 0.5,
    "a half": 0.5,
    "a couple of": 2,
    "a hundred": 100,
    "a thousand": 1000,
    "a dozen": 12,
}
_SET_BEFORE = re.compile(
    r"(?:\d|million|billion|trillion|percent|%|times|twice|once|cents?|dollars?|pounds|euros|"
    r"barrels|tons|people|hours|days)\s*$",
    re.IGNORECASE,
)
_SET_CODES: dict[str, str] = {
    "day": "P1D",
    "week": "P1W",
    "month": "P1M",
    "quarter": "P3M",
    "year": "P1Y",
    "hour": "PT1H",
    "minute": "PT1M",
    "weekend": "P1WE",
    "season": "XXXX",
    "decade": "P10Y",
}


def _count(word: str) -> float | None:
    w = re.sub(r"\s+", " ", word.lower())
    if w in _SPECIAL_COUNTS:
        return _SPECIAL_COUNTS[w]
    return parse_number(w)


@rule(
    "duration",
    rf"\b{_LEAD}(?P<cnt>{COUNT_RE}|half\s+an?|a\s+half|a\s+couple\s+of|a\s+hundred|a\s+thousand"
    rf"|a\s+dozen)"
    rf"(?:\s+|-)(?:(?:more|additional|extra|further|full|straight|consecutive|trading|business"
    rf"|working|calendar)\s+)?(?P<u>{UNIT_RE})(?P<half>\s+and\s+a\s+half)?(?P<tail>-long|\s+long"
    rf"|-olds?\b|\s+olds?\b)?",
    2,
)
def _duration(m: re.Match[str], text: str) -> Draft | None:
    tail = (m["tail"] or "").strip(" -").lower()
    if tail.startswith("old"):
        return None  # an age: "58-year-old"
    unit = UNITS[m["u"].lower()]
    count = _count(m["cnt"])
    if count is None or (count >= 1000 and not m["u"].lower().endswith("s")):
        return None  # "the 1988 quarter" is a year, not 1988 quarters
    if m["half"]:
        count += 0.5
    cnt_word = m["cnt"].lower()
    if unit == "second" and cnt_word in ("a", "the") and _ORDINAL_SECOND.match(text, m.end()):
        return None  # "a second consecutive day": an ordinal, not one second
    if cnt_word in ("a", "an") and not m["lead"]:
        before = text[max(0, m.start() - 25) : m.start()]
        if _SET_BEFORE.search(before):
            code = _SET_CODES.get(unit)  # "$5 million a year" → a set
            return None if code is None else _draft(m, "set", value=code, granularity=unit)
    parts: tuple[tuple[str, float | None], ...] = ((unit, count),)
    return _draft(m, "duration", value=duration_value(parts), granularity=unit, dur=parts)


@rule(
    "vague_duration",
    rf"\b{_LEAD}(?P<v>{VAGUE_COUNT_RE}|recent)\s+(?P<u>(?:seconds|minutes|hours|days|weeks|months"
    rf"|quarters|years|decades|centuries)\b)",
    1,
)
def _vague_duration(m: re.Match[str], text: str) -> Draft | None:
    unit = UNITS[m["u"].lower()]
    if m["v"].lower() == "recent" and unit == "year" and not m["lead"]:
        return _draft(m, value="PAST_REF")  # "in recent years"
    parts: tuple[tuple[str, float | None], ...] = ((unit, None),)
    return _draft(m, "duration", value=duration_value(parts), granularity=unit, dur=parts)


@rule(
    "bare_duration",
    r"(?:(?<=\bfor\s)|(?<=\bwithin\s)|(?<=\blasted\s)|(?<=\btook\s)|(?<=\bover\sthe\s))"
    r"(?P<u>years|decades|centuries|months|weeks|days|hours|minutes)\b(?!\s+(?:of|ago|later|earlier"
    r"|to)\b)",
    0,
)
def _bare_duration(m: re.Match[str], text: str) -> Draft | None:
    parts: tuple[tuple[str, float | None], ...] = ((UNITS[m["u"].lower()], None),)
    unit = parts[0][0]
    return _draft(m, "duration", value=duration_value(parts), granularity=unit, dur=parts)


@rule("long_duration", r"\b(?P<u>years|decades|months|weeks|days|hours)-long\b", 1)
def _long_duration(m: re.Match[str], text: str) -> Draft | None:
    parts: tuple[tuple[str, float | None], ...] = ((UNITS[m["u"].lower()], None),)
    unit = parts[0][0]
    return _draft(m, "duration", value=duration_value(parts), granularity=unit, dur=parts)


# --------------------------------------------------------------------------- sets


def _set_value(word: str) -> str:
    w = word.lower()
    if w in _SET_CODES:
        return _SET_CODES[w]
    if w in PARTS_OF_DAY:
        return f"XXXX-XX-XXT{PARTS_OF_DAY[w]}"
    if w in SEASONS:
        return f"XXXX-{SEASONS[w]}"
    return f"XXXX-WXX-{_weekday(word) + 1}"


@rule(
    "set_every",
    rf"\b(?:every|each)\s+(?:other\s+|single\s+)?(?P<u>day|week|month|year|quarter|hour|minute|"
    rf"morning|afternoon|evening|night|weekend|season|{SEASON_RE}|{WEEKDAY_RE})\b",
    2,
)
def _set_every(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, "set", value=_set_value(m["u"]), granularity="set")


@rule(
    "set_adverb",
    r"\b(?P<w>daily|weekly|monthly|yearly|hourly|nightly|biweekly)\b",
    1,
)
def _set_adverb(m: re.Match[str], text: str) -> Draft | None:
    codes = {"daily": "P1D", "nightly": "P1D", "weekly": "P1W", "biweekly": "P2W", "monthly": "P1M"}
    codes |= {"quarterly": "P3M", "annually": "P1Y", "yearly": "P1Y", "hourly": "PT1H"}
    value = codes.get(m["w"].lower(), "P6M")
    return _draft(m, "set", value=value, granularity="set")


@rule(
    "set_frequency",
    rf"\b(?:once|twice|thrice|{NUMBER_RE}\s+times)\s+(?:a|an|per|each|every)\s+(?P<u>{UNIT_RE})",
    3,
)
def _set_frequency(m: re.Match[str], text: str) -> Draft | None:
    value = _SET_CODES.get(UNITS[m["u"].lower()])
    return None if value is None else _draft(m, "set", value=value, granularity="set")


@rule("set_weekdays", r"(?-i:Mondays|Tuesdays|Wednesdays|Thursdays|Fridays|Saturdays|Sundays)\b", 1)
def _set_weekdays(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, "set", value=_set_value(m.group(0)[:-1]), granularity="set")
