"""Numbers written in digits or words: ``1,500``, ``2.5``, ``twenty-five``, ``a dozen``.

Shared by the time-expression and quantity finders. ``NUMBER_RE`` is a regex fragment (no
groups) that matches one number; ``parse_number`` turns the matched text into a float.
"""

from __future__ import annotations

import re

UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: dict[str, float] = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}
ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "twenty-first": 21,
}
SPECIAL: dict[str, float] = {"a": 1, "an": 1, "a single": 1, "a dozen": 12, "dozen": 12}

_BY_LENGTH = sorted([*UNITS, *TENS], key=len, reverse=True)
_SIMPLE = "|".join(_BY_LENGTH)
_TENS = "|".join(TENS)
_UNITS = "|".join(sorted(UNITS, key=len, reverse=True))
_SCALES = "|".join(SCALES)

WORD_NUMBER_RE = (
    rf"(?:(?:{_TENS})[- ](?:{_UNITS})|{_SIMPLE})"
    rf"(?:[ -](?:{_SCALES}))?"
    rf"(?:(?:,? and |[ -])(?:(?:{_TENS})[- ](?:{_UNITS})|{_SIMPLE}))?"
)
"""A number in words up to a few hundred thousand, e.g. ``twenty-five``, ``two hundred``."""

DIGIT_NUMBER_RE = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
"""``1,500``, ``2.5``, ``12``."""

NUMBER_RE = (
    rf"(?:{DIGIT_NUMBER_RE}|{WORD_NUMBER_RE})"
    rf"(?:(?: and)? (?:a half|one-half|a quarter|three-quarters)|\s?[½¼¾]|[ -][13]/[24])?"
)
"""Digits or words, optionally followed by a fraction: ``three and a half``, ``2½``."""

_FRACTIONS: dict[str, float] = {
    "a half": 0.5,
    "one-half": 0.5,
    "a quarter": 0.25,
    "three-quarters": 0.75,
    "½": 0.5,
    "¼": 0.25,
    "¾": 0.75,
    "1/2": 0.5,
    "1/4": 0.25,
    "3/4": 0.75,
}
_FRACTION_TAIL = re.compile(
    r"(?:\s*(?:and\s+)?(a half|one-half|a quarter|three-quarters)|\s?([½¼¾])|[ -]([13]/[24]))$",
    re.IGNORECASE,
)


def _words_value(text: str) -> float | None:
    """Value of a number written in words (``two hundred and five``), or None."""
    total = 0.0
    current = 0.0
    seen = False
    for raw in re.split(r"[\s-]+", text.lower().replace(",", " ")):
        word = raw.strip()
        if not word or word == "and":
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            scale = SCALES[word]
            if scale >= 1e3:
                total += (current or 1) * scale
                current = 0
            else:
                current = (current or 1) * scale
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(text: str) -> float | None:
    """The value of a number in digits or words; None when ``text`` is not one.

    >>> parse_number("1,500"), parse_number("twenty-five"), parse_number("three and a half")
    (1500.0, 25.0, 3.5)
    """
    t = text.strip().lower()
    if not t:
        return None
    if t in SPECIAL:
        return float(SPECIAL[t])
    frac = 0.0
    m = _FRACTION_TAIL.search(t)
    if m and m.start() > 0:
        frac = _FRACTIONS[(m.group(1) or m.group(2) or m.group(3)).lower()]
        t = t[: m.start()].strip()
    if re.fullmatch(DIGIT_NUMBER_RE, t):
        return float(t.replace(",", "")) + frac
    value = _words_value(t)
    if value is None:
        return None
    return value + frac
