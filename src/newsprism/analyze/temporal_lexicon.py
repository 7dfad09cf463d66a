"""Word lists and regex fragments for time expressions (English news text).

Names of months and weekdays only match when capitalised (``May`` the month, not ``may`` the
modal verb); everything else is case-insensitive. Fragments have no capturing groups.
"""

from __future__ import annotations

from .numwords import NUMBER_RE

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
MONTH_ABBR: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
WEEKDAY_ABBR: dict[str, int] = {
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
SEASONS: dict[str, str] = {
    "spring": "SP",
    "summer": "SU",
    "fall": "FA",
    "autumn": "FA",
    "winter": "WI",
}
SEASON_MONTHS: dict[str, tuple[int, int]] = {
    "SP": (3, 5),
    "SU": (6, 8),
    "FA": (9, 11),
    "WI": (12, 2),
}
PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "overnight": "NI",
}
UNITS: dict[str, str] = {
    "second": "second",
    "seconds": "second",
    "minute": "minute",
    "minutes": "minute",
    "hour": "hour",
    "hours": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "fortnight": "fortnight",
    "weekend": "weekend",
    "weekends": "weekend",
    "month": "month",
    "months": "month",
    "quarter": "quarter",
    "quarters": "quarter",
    "year": "year",
    "years": "year",
    "decade": "decade",
    "decades": "decade",
    "century": "century",
    "centuries": "century",
}
QUARTER_WORDS: dict[str, int] = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "final": 4,
}
APPROX_MODS: dict[str, str] = {
    "about": "approx",
    "around": "approx",
    "approximately": "approx",
    "roughly": "approx",
    "some": "approx",
    "nearly": "equal_or_less",
    "almost": "equal_or_less",
    "close to": "equal_or_less",
    "just under": "less_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "under": "less_than",
    "more than": "more_than",
    "over": "more_than",
    "just over": "more_than",
    "upwards of": "more_than",
    "at least": "equal_or_more",
    "at most": "equal_or_less",
    "up to": "equal_or_less",
    "no more than": "equal_or_less",
    "as many as": "equal_or_less",
    "as long as": "equal_or_less",
    "a mere": "approx",
    "only": "approx",
    "just": "approx",
    "barely": "equal_or_more",
}
HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "valentine's day": (2, 14),
    "halloween": (10, 31),
    "independence day": (7, 4),
    "veterans day": (11, 11),
    "boxing day": (12, 26),
}
"""Fixed-date holidays; Thanksgiving, Memorial Day and Labor Day are computed."""


def alternation(words: list[str] | dict[str, object]) -> str:
    """``a|b|c`` with the longest words first (so ``sept`` wins over ``sep``)."""
    return "|".join(sorted(words, key=len, reverse=True))


def _capitalised(words: list[str] | dict[str, object]) -> str:
    """Case-sensitive alternation of Title-case and UPPER-case forms (inline ``(?-i:…)``)."""
    forms = [w.title() for w in words] + [w.upper() for w in words]
    return "(?-i:" + alternation(forms) + ")"


MONTH_FULL_RE = _capitalised(list(MONTHS))
MONTH_ABBR_RE = _capitalised(list(MONTH_ABBR)) + r"(?:\.|\b(?=\s*\d))"
MONTH_RE = rf"(?:{MONTH_FULL_RE}\b|{MONTH_ABBR_RE})"
"""A month name: ``March``, ``Sept.``, ``Jan 5`` (abbreviations need a dot or a day)."""

WEEKDAY_RE = rf"(?:{_capitalised(list(WEEKDAYS))}\b|{_capitalised(list(WEEKDAY_ABBR))}\.)"
DAY_RE = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d%]|[:,.]\d)"
"""Day of month 1–31 with an optional ordinal suffix, not part of a larger number."""
YEAR_RE = r"(?:1[0-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d|-(?:[a-z]))"
"""A four-digit year 1000–2099 not followed by more digits or a hyphenated word."""
SEASON_RE = alternation(list(SEASONS))
PART_OF_DAY_RE = alternation(list(PARTS_OF_DAY))
UNIT_RE = rf"(?:{alternation(list(UNITS))})\b"
APPROX_RE = alternation(list(APPROX_MODS))

VAGUE_COUNT_RE = (
    r"(?:several|a\s+few|few|many|some|a\s+couple\s+of|couple\s+of|a\s+number\s+of|"
    r"dozens\s+of|hundreds\s+of|thousands\s+of|numerous|countless)"
)
COUNT_RE = rf"(?:{NUMBER_RE}|an?|a\s+single)"
"""A definite count: digits, number words, or ``a``/``an``."""

PAST_REF_WORDS = r"(?:recently|formerly|lately|the\s+past|recent)"
PRESENT_REF_WORDS = (
    r"(?:now|currently|nowadays|presently|at\s+present|these\s+days|at\s+the\s+moment|"
    r"the\s+present)"
)
FUTURE_REF_WORDS = (
    r"(?:the\s+(?:near\s+|distant\s+|foreseeable\s+)?future|the\s+(?:near|short|long)\s+term)"
)
