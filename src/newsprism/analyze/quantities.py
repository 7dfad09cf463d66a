"""Quantities in text, normalised: durations, money, percentages, measures and counts.

=========================  ==========  ===========  =========  ========  =======
text                       kind        value        unit       approx    bound
=========================  ==========  ===========  =========  ========  =======
nearly two-hour            duration    120          min        True      le
one-hour, 45-minute        duration    105          min        False     eq
about 90 minutes           duration    90           min        True      about
more than three hours      duration    180          min        False     gt
$1.5 Billion               money       1.5e9        USD        False     eq
£3bn / €20 million         money       3e9 / 2e7    GBP / EUR  False     eq
5% / 5 percent             percent     5            %          False     eq
12 people / three ships    count       12 / 3       people     False     eq
dozens of protesters       count       24           protesters True      ge
40 km                      measure     40           km         False     eq
=========================  ==========  ===========  =========  ========  =======

Durations come from the time-expression rules (``temporal``), so ``one-hour, 45-minute`` is
one duration and never a year; numbers inside dates and years are never counted.
``quantities_compatible`` compares two quantities with these tolerances:

* exact values (``eq``) allow 1 % for rounding (``$1.5 billion`` ~ ``$1.52 billion``);
* ``about``/``around``: ± ``ABOUT_TOLERANCE`` (15 %);
* ``nearly``/``almost`` (``le`` with approx): ``[v × (1 − NEARLY_TOLERANCE), v]`` (20 %):
  ``nearly two hours`` covers 96–120 minutes, so ``1 h 45 min`` is compatible;
* ``more than``/``over`` (``gt``), ``at least`` (``ge``), ``less than`` (``lt``),
  ``up to``/``at most`` (``le``): open intervals.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Literal

from ..models import Quantity, SpanField
from .numwords import DIGIT_NUMBER_RE, NUMBER_RE, parse_number
from .temporal import extract_drafts
from .temporal_draft import Draft, duration_minutes

__all__ = ["find_quantities", "quantities_compatible"]

Bound = Literal["eq", "le", "ge", "about", "lt", "gt"]
QuantityKind = Literal["duration", "money", "count", "percent", "measure"]

ABOUT_TOLERANCE = 0.15
NEARLY_TOLERANCE = 0.2
EXACT_TOLERANCE = 0.01

_MODIFIERS: dict[str, tuple[Bound, bool]] = {
    # modifier → (bound, approx)
    "about": ("about", True),
    "around": ("about", True),
    "approximately": ("about", True),
    "roughly": ("about", True),
    "some": ("about", True),
    "an estimated": ("about", True),
    "estimated": ("about", True),
    "close to": ("le", True),
    "nearly": ("le", True),
    "almost": ("le", True),
    "just under": ("le", True),
    "just over": ("gt", True),
    "more than": ("gt", False),
    "over": ("gt", False),
    "upwards of": ("gt", False),
    "in excess of": ("gt", False),
    "at least": ("ge", False),
    "no less than": ("ge", False),
    "no fewer than": ("ge", False),
    "less than": ("lt", False),
    "fewer than": ("lt", False),
    "under": ("lt", False),
    "below": ("lt", False),
    "up to": ("le", False),
    "at most": ("le", False),
    "no more than": ("le", False),
    "as many as": ("le", False),
    "as much as": ("le", False),
    "as long as": ("le", False),
}
_MOD_RE = "|".join(sorted(_MODIFIERS, key=len, reverse=True)).replace(" ", r"\s+")
_MOD = rf"(?:\b(?P<mod>{_MOD_RE})\s+)?"
_LEADING = re.compile(
    r"(?:the\s+)?(?:(?:past|last|next|first|previous|following|coming|final|remaining|latest|"
    r"initial|ensuing|preceding|other|full|entire|whole)\s+)?",
    re.IGNORECASE,
)
_MOD_AT_START = re.compile(rf"(?P<mod>{_MOD_RE})\s+", re.IGNORECASE)

_TIMEML_BOUNDS: dict[str, Bound] = {
    "approx": "about",
    "less_than": "lt",
    "more_than": "gt",
    "equal_or_less": "le",
    "equal_or_more": "ge",
}
_MULTIPLIERS: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_CURRENCY_SIGNS: dict[str, str] = {
    "us$": "USD",
    "$": "USD",
    "c$": "CAD",
    "a$": "AUD",
    "hk$": "HKD",
    "nz$": "NZD",
    "s$": "SGD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "usd": "USD",
    "eur": "EUR",
    "gbp": "GBP",
    "jpy": "JPY",
    "cny": "CNY",
    "rmb": "CNY",
    "rs": "INR",
    "rs.": "INR",
}
_CURRENCY_WORDS: dict[str, str] = {
    "dollars": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds sterling": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "swiss francs": "CHF",
}
_MEASURES: dict[str, str] = {
    "km": "km", "kilometers": "km", "kilometres": "km", "kilometer": "km", "kilometre": "km",
    "miles": "mi", "mile": "mi", "meters": "m", "metres": "m", "meter": "m", "metre": "m",
    "feet": "ft", "foot": "ft", "ft": "ft", "kg": "kg", "kilograms": "kg", "kilogram": "kg",
    "tons": "t", "tonnes": "t", "ton": "t", "tonne": "t", "pounds": "lb", "lbs": "lb",
    "barrels": "bbl", "barrel": "bbl", "acres": "acre", "hectares": "ha",
    "square miles": "sq mi", "square kilometers": "km2", "square kilometres": "km2",
    "degrees": "deg", "mph": "mph", "km/h": "km/h", "megawatts": "MW", "mw": "MW",
    "gigawatts": "GW", "gw": "GW", "gallons": "gal", "liters": "l", "litres": "l",
}  # fmt: skip
_VAGUE_COUNTS: dict[str, float] = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2000,
    "tens of thousands": 20000,
    "hundreds of thousands": 200000,
    "millions": 2e6,
    "billions": 2e9,
}
_FUNCTION_WORDS = {
    "of", "in", "on", "at", "to", "for", "and", "or", "with", "from", "by", "that", "who",
    "which", "were", "was", "are", "is", "have", "has", "had", "said", "says", "the", "a",
    "an", "as", "than", "per", "each", "more", "other", "times", "percent", "but", "be",
    "been", "will", "would", "can", "could", "may", "might", "this", "these", "those", "it",
    "its", "their", "his", "her", "they", "he", "she", "we", "so", "into", "about", "over",
    "after", "before", "when", "where", "if", "not", "no", "up", "down", "out", "also",
}  # fmt: skip
_IRREGULAR_PLURALS = {
    "people", "children", "men", "women", "police", "staff", "personnel", "sheep", "fish",
    "aircraft", "deer", "crew", "cattle", "livestock", "feet", "teeth", "mice", "geese",
}  # fmt: skip
_NUMBER_WORD = re.compile(rf"^(?:{NUMBER_RE})$", re.IGNORECASE)

_MONEY = re.compile(
    rf"{_MOD}(?:(?P<sign>\bUS\$|C\$|A\$|HK\$|NZ\$|S\$|(?-i:USD|EUR|GBP|JPY|CNY|RMB|Rs\.?)\s?)|"
    rf"(?<![\w$])(?P<sym>[$€£¥₹]))"
    rf"\s?(?P<num>{DIGIT_NUMBER_RE})(?:\s?(?P<mult>thousand|million|billion|trillion|bn|mn|mln|tn|"
    rf"(?-i:[mkb]))\b)?",
    re.IGNORECASE,
)
_MONEY_WORDS = re.compile(
    rf"{_MOD}\b(?P<num>{NUMBER_RE})(?:\s(?P<mult>thousand|million|billion|trillion))?\s+"
    rf"(?P<word>dollars|euros?|pounds\s+sterling|sterling|yen|yuan|renminbi|rupees|roubles|rubles"
    rf"|swiss\s+francs)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?<![\w.,])(?:{_MOD})?(?P<num>{NUMBER_RE})\s?(?P<u>%|percent\b|per\s+cent\b"
    rf"|percentage\s+points?\b)",
    re.IGNORECASE,
)
_MEASURE_UNITS = "|".join(sorted(_MEASURES, key=len, reverse=True)).replace(" ", r"\s+")
_MEASURE = re.compile(
    rf"(?<![\w.,])(?:{_MOD})?(?P<num>{DIGIT_NUMBER_RE}|{NUMBER_RE})[\s-]?"
    rf"(?P<u>{_MEASURE_UNITS})(?![\w/])",
    re.IGNORECASE,
)
_COUNT = re.compile(
    rf"(?<![\w.,/$€£¥#-])(?:{_MOD})?(?P<num>(?:a\s+)?dozen|tens\s+of\s+thousands"
    rf"|hundreds\s+of\s+thousands|"
    rf"dozens|scores|hundreds|thousands|millions|billions|{NUMBER_RE}(?:\s(?:thousand|million"
    rf"|billion))?)"
    r"(?![\d/]|[-:.,]\d)(?P<of>\s+of)?(?=(?P<rest>(?:\s+[A-Za-z][\w'-]*){1,3}))",
    re.IGNORECASE,
)


def _modifier(text: str) -> tuple[Bound, bool, int]:
    """(bound, approx, length) of a leading ``about``/``nearly``/``more than`` in ``text``."""
    m = _MOD_AT_START.match(text)
    if not m:
        return "eq", False, 0
    bound, approx = _MODIFIERS[re.sub(r"\s+", " ", m["mod"].lower())]
    return bound, approx, m.end()


def _bound(mod: str | None) -> tuple[Bound, bool]:
    return _MODIFIERS.get(re.sub(r"\s+", " ", (mod or "").lower()), ("eq", False))


def _scaled(num: str, mult: str | None) -> float | None:
    value = parse_number(num)
    if value is None:
        return None
    if mult:
        value *= _MULTIPLIERS.get(mult.lower(), 1)
    return value


@functools.lru_cache(maxsize=16)
def _drafts(text: str) -> tuple[Draft, ...]:
    return tuple(extract_drafts(text))


def _durations(text: str, field: SpanField) -> list[Quantity]:
    out: list[Quantity] = []
    for d in _drafts(text):
        if d.kind != "duration" or not d.dur:
            continue
        minutes = duration_minutes(d.dur)
        if minutes is None:
            continue
        lead = _LEADING.match(text, d.start, d.end)
        start = d.start + (len(lead.group(0)) if lead else 0)
        span = text[start : d.end]
        bound, approx, _ = _modifier(span)
        if bound == "eq" and d.mod in _TIMEML_BOUNDS:
            bound = _TIMEML_BOUNDS[d.mod]
        q = Quantity(span, start, d.end, "duration", minutes, "min", approx, bound, field=field)
        out.append(q)
    return out


def _count_unit(rest: str, value: float) -> str | None:
    """The counted noun among the (up to three) words after a number: the last plural-looking
    word before a function word (``a dozen police officers`` → ``officers``)."""
    words: list[str] = []
    for word in rest.split():
        w = word.lower().strip("'")
        if w in _FUNCTION_WORDS or _NUMBER_WORD.match(w):
            break
        words.append(w)
    if not words:
        return None
    plural = [
        w
        for w in words
        if w in _IRREGULAR_PLURALS or (w.endswith("s") and not w.endswith("ss") and len(w) > 2)
    ]
    if plural:
        return plural[-1]
    return words[0] if value == 1 and rest.split()[0].islower() else None


def find_quantities(text: str, *, field: SpanField = "body") -> list[Quantity]:
    """Durations, money, percentages, measures and counts in ``text``, in text order.

    ``sentence`` stays -1: the caller that knows the sentences fills it in.
    """
    found: list[Quantity] = _durations(text, field)
    taken = bytearray(len(text))
    for d in _drafts(text):  # dates, years and durations are not counts
        taken[d.start : d.end] = b"\x01" * (d.end - d.start)

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def add(q: Quantity) -> None:
        if free(q.start, q.end):
            found.append(q)
            taken[q.start : q.end] = b"\x01" * (q.end - q.start)

    def add_match(m: re.Match[str], kind: QuantityKind, value: float | None, unit: str) -> None:
        if value is not None:
            bound, approx = _bound(m["mod"])
            q = Quantity(
                m.group(0), m.start(), m.end(), kind, value, unit, approx, bound, field=field
            )
            add(q)

    for m in _MONEY.finditer(text):
        sign = (m["sign"] or m["sym"]).strip().lower()
        add_match(m, "money", _scaled(m["num"], m["mult"]), _CURRENCY_SIGNS[sign])
    for m in _MONEY_WORDS.finditer(text):
        unit = _CURRENCY_WORDS[re.sub(r"\s+", " ", m["word"].lower())]
        add_match(m, "money", _scaled(m["num"], m["mult"]), unit)
    for m in _PERCENT.finditer(text):
        unit = "pp" if m["u"].lower().startswith("percentage") else "%"
        add_match(m, "percent", parse_number(m["num"]), unit)
    for m in _MEASURE.finditer(text):
        add_match(
            m, "measure", parse_number(m["num"]), _MEASURES[re.sub(r"\s+", " ", m["u"].lower())]
        )
    for m in _COUNT.finditer(text):
        q = _count(m, field)
        if q is not None:
            add(q)
    found.sort(key=lambda q: q.start)
    return found


def _count(m: re.Match[str], field: SpanField) -> Quantity | None:
    num = re.sub(r"\s+", " ", m["num"].lower())
    bound, approx = _bound(m["mod"])
    if num in _VAGUE_COUNTS:
        if not m["of"]:
            return None  # "thousands" alone is not a count of something
        value: float | None = _VAGUE_COUNTS[num]
        approx, bound = True, "ge"
    elif num.endswith("dozen"):
        value = 12
    else:
        if m["of"]:
            return None  # "one of the ..."
        parts = num.rsplit(" ", 1)
        if len(parts) == 2 and parts[1] in ("thousand", "million", "billion"):
            value = _scaled(parts[0], parts[1])
        else:
            value = parse_number(num)
    if value is None or value in (0,):
        return None
    unit = _count_unit(m["rest"], value)
    if unit is None:
        return None
    end = m.start("rest") + _word_index(m["rest"].lower(), unit) + len(unit)
    text = m.string[m.start() : end]
    return Quantity(text, m.start(), end, "count", value, unit, approx, bound, field=field)


def _word_index(text: str, word: str) -> int:
    found = re.search(rf"\b{re.escape(word)}\b", text)
    return found.start() if found else text.index(word)


def _interval(q: Quantity) -> tuple[float, float, bool, bool]:
    """(low, high, low_open, high_open) of the values ``q`` allows."""
    v = q.value
    if q.bound == "about":
        return v * (1 - ABOUT_TOLERANCE), v * (1 + ABOUT_TOLERANCE), False, False
    if q.bound == "le":
        low = v * (1 - NEARLY_TOLERANCE) if q.approx else -math.inf
        return low, v, False, False
    if q.bound == "lt":
        return -math.inf, v, False, True
    if q.bound == "ge":
        return v, math.inf, False, False
    if q.bound == "gt":
        return v, math.inf, True, False
    if q.approx:
        return v * (1 - ABOUT_TOLERANCE), v * (1 + ABOUT_TOLERANCE), False, False
    return v * (1 - EXACT_TOLERANCE), v * (1 + EXACT_TOLERANCE), False, False


def _same_unit(a: Quantity, b: Quantity) -> bool:
    if a.kind == "count":
        return a.unit.rstrip("s") == b.unit.rstrip("s")
    return a.unit == b.unit


def quantities_compatible(a: Quantity, b: Quantity) -> bool | None:
    """Whether two reported quantities can both be true; None when they measure different
    things (other kinds, currencies, units or counted nouns)."""
    if a.kind != b.kind or not _same_unit(a, b):
        return None
    alo, ahi, alo_open, ahi_open = _interval(a)
    blo, bhi, blo_open, bhi_open = _interval(b)
    if ahi < blo or bhi < alo:
        return False
    if ahi == blo and (ahi_open or blo_open) and ahi != math.inf:
        return False
    return not (bhi == alo and (bhi_open or alo_open) and bhi != math.inf)
