"""Rules for relative expressions: ``yesterday``, ``on Tuesday``, ``last fall``, ``the third
quarter``, ``two years ago``, ``now``, ``the coming weeks``, clock times. They register into
``temporal_rules.RULES``; their values are computed later against the anchor
(``temporal_resolve``)."""

from __future__ import annotations

import re

from .numwords import parse_number
from .temporal_draft import Draft, Rel
from .temporal_lexicon import (
    COUNT_RE,
    DAY_RE,
    FUTURE_REF_WORDS,
    HOLIDAYS,
    MONTH_RE,
    PART_OF_DAY_RE,
    PARTS_OF_DAY,
    PAST_REF_WORDS,
    PRESENT_REF_WORDS,
    QUARTER_WORDS,
    SEASON_RE,
    SEASONS,
    UNIT_RE,
    UNITS,
    VAGUE_COUNT_RE,
    WEEKDAY_RE,
    YEAR_RE,
)
from .temporal_rules import (
    _CLOCK_ZONES,
    _DIRECTIONS,
    _after_words,
    _day,
    _draft,
    _month,
    _weekday,
    rule,
)

# --------------------------------------------------------------------------- relative dates


@rule(
    "relative_day",
    rf"\b(?:(?P<w>today|tonight|yesterday|tomorrow)(?:\s+(?P<p>{PART_OF_DAY_RE}))?"
    r"|the\s+day\s+(?P<ba>before\s+yesterday|after\s+tomorrow)|(?P<ln>last\s+night)"
    rf"|this\s+(?P<tp>morning|afternoon|evening))\b",
    3,
)
def _relative_day(m: re.Match[str], text: str) -> Draft | None:
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    part = ""
    if m["w"]:
        n = offsets[m["w"].lower()]
        part = "NI" if m["w"].lower() == "tonight" else PARTS_OF_DAY.get((m["p"] or "").lower(), "")
    elif m["ba"]:
        n = -2 if m["ba"].lower().startswith("before") else 2
    elif m["ln"]:
        n, part = -1, "NI"
    else:
        n, part = 0, PARTS_OF_DAY[m["tp"].lower()]
    rel = Rel("offset", unit="day", n=n, part="T" + part if part else "")
    if part:
        return _draft(m, "time", rel=rel, granularity="time")
    return _draft(m, rel=rel, granularity="day")


@rule(
    "weekday",
    rf"(?:\b(?P<dir>last|next|this|past|coming)\s+)?(?P<wd>{WEEKDAY_RE})(?:,?\s+"
    rf"(?P<p>{PART_OF_DAY_RE})\b)?",
    2,
)
def _weekday_rule(m: re.Match[str], text: str) -> Draft | None:
    direction = _DIRECTIONS[m["dir"].lower()] if m["dir"] else None
    part = PARTS_OF_DAY.get((m["p"] or "").lower(), "")
    rel = Rel(
        "weekday", weekday=_weekday(m["wd"]), direction=direction, part="T" + part if part else ""
    )
    return _draft(m, "time" if part else "date", rel=rel, granularity="time" if part else "day")


@rule(
    "relative_unit",
    r"\b(?:(?P<pre>earlier|later|early|late)\s+(?:in\s+)?)?(?P<the>the\s+)?"
    r"(?:(?P<tp>this\s+past)|(?P<dir>this|last|next|past|previous|preceding|coming|current"
    r"|following|same|present))\s+"
    rf"(?P<u>week|weekend|month|quarter|year|decade|century|{SEASON_RE})\b(?!-)",
    2,
)
def _relative_unit(m: re.Match[str], text: str) -> Draft | None:
    word = "past" if m["tp"] else m["dir"].lower()
    unit = m["u"].lower()
    n = _DIRECTIONS[word]
    anaphoric = bool(m["the"]) and word in ("following", "previous", "preceding", "same")
    mod = {"early": "start", "late": "end"}.get((m["pre"] or "").lower())
    if unit in SEASONS:
        rel = Rel("season", season=SEASONS[unit], direction=n)
        return _draft(m, rel=rel, granularity="season", mod=mod)
    granularity = "week" if unit == "weekend" else unit
    rel = Rel("offset", unit=unit, n=n, anaphoric=anaphoric)
    return _draft(m, rel=rel, granularity=granularity, mod=mod)


@rule(
    "part_of_unit",
    r"\b(?:the\s+)?(?P<pos>end|beginning|start|middle|close|turn|rest|remainder|balance)\s+of\s+"
    r"(?:the\s+|this\s+|(?P<dir>last|next|current|previous)\s+)?(?P<u>year|month|week|decade"
    r"|century|quarter)\b(?!-|\s+(?:of|in)\b)",
    1,
)
def _part_of_unit(m: re.Match[str], text: str) -> Draft | None:
    mods = {"end": "end", "close": "end", "beginning": "start", "start": "start", "turn": "start"}
    mods["middle"] = "mid"
    n = _DIRECTIONS[m["dir"].lower()] if m["dir"] else 0
    rel = Rel("offset", unit=m["u"].lower(), n=n)
    return _draft(m, rel=rel, granularity=m["u"].lower(), mod=mods.get(m["pos"].lower()))


_QUARTER = r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final)"


@rule(
    "quarter",
    rf"\b(?:(?P<the>the\s+)|(?P<yp>{YEAR_RE})(?:'s)?\s+|(?P<ypr>this|last|next)\s+year's\s+)?"
    rf"(?:fiscal\s+)?{_QUARTER}(?:\s+|-)(?:fiscal\s+)?(?P<u>quarter|half)\b"
    rf"(?:\s+of\s+(?:fiscal\s+)?(?:(?P<y>{YEAR_RE})|(?P<yr>this|last|next)\s+year|"
    rf"(?P<ty>the\s+year)))?",
    3,
)
def _quarter(m: re.Match[str], text: str) -> Draft | None:
    unit = m["u"].lower()
    q = QUARTER_WORDS[m["q"].lower()]
    if unit == "half" and q > 2:
        return None
    code = "Q" if unit == "quarter" else "H"
    year = m["y"] or m["yp"]
    if year:
        return _draft(m, value=f"{year}-{code}{q}", granularity=unit)
    yrel = m["yr"] or m["ypr"]
    year_offset = _DIRECTIONS[yrel.lower()] if yrel else (0 if m["ty"] else None)
    rel = Rel(unit, quarter=q, year_offset=year_offset)
    return _draft(m, rel=rel, granularity=unit)


@rule("quarter_code", rf"\b(?-i:Q(?P<q>[1-4]))(?:\s+(?P<y>{YEAR_RE}))?\b", 3)
def _quarter_code(m: re.Match[str], text: str) -> Draft | None:
    q = int(m["q"])
    if m["y"]:
        return _draft(m, value=f"{m['y']}-Q{q}", granularity="quarter")
    return _draft(m, rel=Rel("quarter", quarter=q), granularity="quarter")


@rule(
    "latest_period",
    r"\b(?:the\s+)?(?:(?P<ago>year-(?:earlier|ago))(?:\s+(?:quarter|period)\b)?|(?:latest"
    r"|most\s+recent|recent)\s+(?:quarter|period)\b)"
    r"|\bthe\s+quarter\b(?!-|\s+(?:of|century|mile|point)\b)",
    1,
)
def _latest_period(m: re.Match[str], text: str) -> Draft | None:
    n = -4 if m["ago"] else 0
    return _draft(m, rel=Rel("latest", unit="quarter", n=n), granularity="quarter")


@rule(
    "ago",
    rf"\b(?P<cnt>{COUNT_RE}|{VAGUE_COUNT_RE})[\s-]+(?P<u>{UNIT_RE})\s+(?P<rel>ago|earlier|later"
    rf"|from\s+now|hence|back)\b",
    4,
)
def _ago(m: re.Match[str], text: str) -> Draft | None:
    unit = UNITS[m["u"].lower()]
    count = parse_number(m["cnt"])
    rel_word = m["rel"].lower()
    sign = -1 if rel_word in ("ago", "earlier", "back") else 1
    if count is None:
        value = "PAST_REF" if sign < 0 else "FUTURE_REF"
        return _draft(m, value=value)
    anaphoric = rel_word in ("earlier", "later")
    if unit == "decade":
        unit, count = "year", count * 10
    elif unit == "century":
        unit, count = "year", count * 100
    elif unit in ("hour", "minute", "second"):
        unit, count = "day", 0
    elif unit == "fortnight":
        unit, count = "week", count * 2
    rel = Rel("offset", unit=unit, n=sign * count, anaphoric=anaphoric, name="ago")
    return _draft(m, rel=rel, granularity=unit)


_COMPUTED_HOLIDAYS = ("thanksgiving", "memorial", "labor", "election")


@rule(
    "holiday",
    r"(?:\b(?P<dir>last|next|this)\s+)?(?P<h>(?-i:Christmas(?:\s+Day|\s+Eve)?|New\s+Year's(?:\s+Day"
    r"|\s+Eve)"
    r"|Thanksgiving(?:\s+Day)?|Memorial\s+Day|Labor\s+Day|Independence\s+Day|Veterans\s+Day"
    r"|Halloween|Valentine's\s+Day|Boxing\s+Day|Election\s+Day))\b",
    2,
)
def _holiday(m: re.Match[str], text: str) -> Draft | None:
    name = re.sub(r"\s+", " ", m["h"].lower())
    if name not in HOLIDAYS and name.split(" day")[0] not in _COMPUTED_HOLIDAYS:
        return None
    direction = _DIRECTIONS[m["dir"].lower()] if m["dir"] else None
    return _draft(m, rel=Rel("holiday", name=name, direction=direction), granularity="day")


_AFTER_SEASON_PREPS = _after_words("in during by until since through over")


@rule(
    "season",
    rf"(?:\b(?P<the>the\s+)?(?P<s>{SEASON_RE})(?:\s+of)?\s+(?P<y>{YEAR_RE})"
    rf"|{_AFTER_SEASON_PREPS}(?:the\s+)?(?P<s2>{SEASON_RE})\b(?!\s+(?:of|season|semester|term"
    rf"|months?)\b))",
    2,
)
def _season(m: re.Match[str], text: str) -> Draft | None:
    if m["s"]:
        return _draft(m, value=f"{m['y']}-{SEASONS[m['s'].lower()]}", granularity="season")
    rel = Rel("season", season=SEASONS[m["s2"].lower()])
    return _draft(m, rel=rel, granularity="season")


# --------------------------------------------------------------------------- vague references


@rule("present_ref", rf"\b(?<!-)(?P<x>{PRESENT_REF_WORDS})\b(?!-)", 1)
def _present_ref(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, value="PRESENT_REF")


@rule("past_ref", rf"\b(?P<x>{PAST_REF_WORDS})\b", 1)
def _past_ref(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, value="PAST_REF")


@rule("future_ref", rf"\b(?P<x>{FUTURE_REF_WORDS})\b", 1)
def _future_ref(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, value="FUTURE_REF")


@rule(
    "coming_period",
    r"\b(?:the\s+)?(?:coming|upcoming)\s+(?P<u>days|weeks|months|years)(?:\s+and\s+(?:days|weeks"
    r"|months|years))?\b"
    r"|\bthe\s+(?:days|weeks|months|years)(?:\s+and\s+(?:days|weeks|months|years))?\s+ahead\b",
    3,
)
def _coming_period(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, "interval", value="FUTURE_REF", granularity="interval", mod="future_open")


# --------------------------------------------------------------------------- clock times


@rule(
    "clock",
    r"\b(?:(?P<h>\d{1,2})(?::(?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.m\.|[ap]\.m\b|(?-i:[ap]m|[AP]M)\b"
    r"|(?:o'clock\s+)?in\s+the\s+(?:morning|afternoon|evening))"
    rf"|(?P<h2>[0-2]?\d):?(?P<mi2>[0-5]\d)(?=\s*(?:{_CLOCK_ZONES}|hours?\b|o'clock))"
    rf"|(?P<named>noon|midnight|midday))(?:\s+(?P<tz>{_CLOCK_ZONES})\b)?"
    rf"(?:,?\s+(?P<wd>{WEEKDAY_RE})|,?\s+(?:on\s+)?(?P<mon>{MONTH_RE})\s*(?P<d>{DAY_RE})\b)?",
    3,
)
def _clock(m: re.Match[str], text: str) -> Draft | None:
    if m["named"]:
        hour, minute = (0, 0) if m["named"].lower() == "midnight" else (12, 0)
    else:
        hour = int(m["h"] or m["h2"])
        minute = int(m["mi"] or m["mi2"] or 0)
        ap = (m["ap"] or "").lower()
        if ap.endswith(("afternoon", "evening")):
            ap = "pm"
        if ap.startswith("p") and hour < 12:
            hour += 12
        elif ap.startswith("a") and hour == 12:
            hour = 0
    if hour > 24:
        return None
    weekday = _weekday(m["wd"]) if m["wd"] else -1
    month, day = (_month(m["mon"]), _day(m["d"])) if m["mon"] else (0, 0)
    rel = Rel("clock", weekday=weekday, month=month, day=day, part=f"T{hour:02d}:{minute:02d}")
    return _draft(m, "time", rel=rel, granularity="time")


@rule(
    "anaphoric_unit",
    r"\b(?:(?P<pre>earlier|later)\s+)?(?:that|the\s+same)\s+(?P<u>day|week|month|quarter|year)\b"
    r"(?!-)",
    2,
)
def _anaphoric_unit(m: re.Match[str], text: str) -> Draft | None:
    unit = m["u"].lower()
    rel = Rel("offset", unit=unit, n=0, anaphoric=True)
    return _draft(m, rel=rel, granularity=unit)


@rule(
    "the_year",
    r"(?:\b(?P<x>the\s+(?:(?:full|current|present|fiscal|calendar)\s+)+year)\b"
    r"|(?:(?<=\bfor\s)|(?<=\bin\s))(?P<y>the\s+year)\b)(?!-|\s+(?:before|after|earlier|ago|of|to|in"
    r"|when)\b|')",
    1,
)
def _the_year(m: re.Match[str], text: str) -> Draft | None:
    if m["y"]:  # "for the year": a one-year period
        return _draft(m, "duration", value="P1Y", granularity="year", dur=(("year", 1.0),))
    return _draft(m, rel=Rel("offset", unit="year", n=0), granularity="year")


@rule(
    "year_end",
    r"\b(?:(?P<the>the\s+)?(?:year-end|year\s+end|year's\s+end))\b",
    1,
)
def _year_end(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, rel=Rel("offset", unit="year", n=0), granularity="year", mod="end")


@rule("weekend", r"\b(?P<x>the\s+weekend)\b(?!\s+of\b)", 1)
def _weekend(m: re.Match[str], text: str) -> Draft | None:
    return _draft(m, rel=Rel("weekend"), granularity="week")


@rule(
    "the_day",
    r"(?:(?<=\bend\s)|(?<=\bended\s)|(?<=\bending\s)|(?<=\bfinish\s)|(?<=\bfinished\s)"
    r"|(?<=\bclose\s)|(?<=\bclosed\s)|(?<=\bfor\s)|(?<=\bin\s)|(?<=\bduring\s))"
    r"the\s+(?P<u>day|week)\b(?!\s+(?:before|after|of|when|that|ahead)\b|-)",
    0,
)
def _the_day(m: re.Match[str], text: str) -> Draft | None:
    unit = m["u"].lower()
    return _draft(m, rel=Rel("offset", unit=unit, n=0, anaphoric=True), granularity=unit)
