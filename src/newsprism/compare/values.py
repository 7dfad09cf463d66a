"""Normalised values as intervals: what a quantity or a date can mean, so two can be compared.

A quantity becomes the closed interval of values it allows, from its approximation and bound
(``nearly two hours`` → 102–120 minutes; ``more than 50`` → (50, ∞)); a date becomes the days
it covers at its granularity (``2024-04`` → April 1–30, ``2024-W14`` → that ISO week). Two values
*conflict* only when their intervals are disjoint: then they cannot both be true.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from newsprism.models import Quantity

#: Relative slack of an approximate value ("about 100" covers 85–115).
APPROX_SLACK = 0.15
#: Relative slack of "nearly"/"almost" below its value, and of "just over" above it.
NEAR_SLACK = 0.15
#: Slack of an exact figure, for rounding in reporting (0.5 % either side).
EXACT_SLACK = 0.005


@dataclass(slots=True, frozen=True)
class Interval:
    lo: float
    hi: float

    def overlaps(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def contains(self, other: Interval) -> bool:
        return self.lo <= other.lo and other.hi <= self.hi


def quantity_interval(q: Quantity) -> Interval:
    """The values a quantity allows, from its value, approximation and bound."""
    v = q.value
    mag = abs(v)
    bound = q.bound
    if bound == "about" or (q.approx and bound == "eq"):
        return Interval(v - mag * APPROX_SLACK, v + mag * APPROX_SLACK)
    if bound in ("le", "lt"):
        if q.approx:  # "nearly", "almost", "just under"
            return Interval(v - mag * NEAR_SLACK, v)
        return Interval(-math.inf if v < 0 else 0.0, v)
    if bound in ("ge", "gt"):
        if q.approx:  # "just over", "a little more than"
            return Interval(v, v + mag * NEAR_SLACK)
        return Interval(v, math.inf)
    return Interval(v - mag * EXACT_SLACK, v + mag * EXACT_SLACK)


def same_unit(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities measure the same kind of thing in the same unit."""
    if a.kind != b.kind:
        return False
    if a.kind == "duration":
        return True  # normalised to minutes
    ua, ub = _unit_key(a.unit), _unit_key(b.unit)
    return ua == ub or (a.kind == "count" and (ua.endswith(ub) or ub.endswith(ua)))


#: Nouns that count people: "42,000 visitors" and "40,000 people" count the same crowd.
_PEOPLE = frozenset(
    [
        "people",
        "persons",
        "person",
        "visitors",
        "visitor",
        "residents",
        "voters",
        "passengers",
        "attendees",
        "spectators",
        "fans",
        "workers",
        "employees",
        "staff",
        "victims",
        "patients",
        "students",
        "children",
        "adults",
        "members",
        "participants",
        "protesters",
        "demonstrators",
        "tourists",
        "guests",
        "customers",
        "individuals",
    ]
)


def _unit_key(unit: str) -> str:
    u = unit.strip().lower()
    if u in _PEOPLE:
        return "person"
    if u.endswith("ies") and len(u) > 4:
        return u[:-3] + "y"
    if u.endswith("s") and not u.endswith("ss") and len(u) > 3:
        return u[:-1]
    return u


def compare_quantities(a: Quantity, b: Quantity) -> str | None:
    """``None`` when they say the same, else ``compatible`` or ``conflict``.

    Call only for quantities of the same unit that describe the same thing.
    """
    ia, ib = quantity_interval(a), quantity_interval(b)
    if _exactly_equal(a, b):
        return None
    return "compatible" if ia.overlaps(ib) else "conflict"


def _exactly_equal(a: Quantity, b: Quantity) -> bool:
    if a.bound != b.bound or a.approx != b.approx:
        return False
    scale = max(abs(a.value), abs(b.value), 1e-9)
    return abs(a.value - b.value) <= scale * 1e-6


def format_minutes(minutes: float) -> str:
    """``105`` → ``1 h 45 min``; ``90.0`` → ``1 h 30 min``; ``20`` → ``20 min``."""
    total = round(minutes)
    if total >= 60 * 48:
        days = minutes / (60 * 24)
        return f"{days:g} days"
    h, m = divmod(total, 60)
    if h and m:
        return f"{h} h {m} min"
    if h:
        return f"{h} h"
    return f"{m} min"


def describe_quantity(q: Quantity) -> str:
    words = {
        "eq": "",
        "about": "about ",
        "le": "at most ",
        "lt": "under ",
        "ge": "at least ",
        "gt": "over ",
    }
    prefix = words.get(q.bound, "")
    if q.approx and q.bound in ("le", "lt"):
        prefix = "just under "
    elif q.approx and q.bound in ("ge", "gt"):
        prefix = "just over "
    elif q.approx and q.bound == "eq":
        prefix = "about "
    if q.kind == "duration":
        return prefix + format_minutes(q.value)
    value = f"{q.value:,.2f}".rstrip("0").rstrip(".")
    return f"{prefix}{value} {q.unit}".strip()


# --------------------------------------------------------------------------- dates

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}


@dataclass(slots=True, frozen=True)
class DateRange:
    start: date
    end: date
    """Inclusive."""
    granularity: str

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: DateRange) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def date_range(value: str | None) -> DateRange | None:
    """The days an ISO value covers; None when it is not a calendar date (``PRESENT_REF``)."""
    if not value:
        return None
    v = value.strip()
    try:
        if m := _DAY.match(v):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return DateRange(d, d, "day")
        if m := _MONTH.match(v):
            y, mo = int(m[1]), int(m[2])
            last = calendar.monthrange(y, mo)[1]
            return DateRange(date(y, mo, 1), date(y, mo, last), "month")
        if m := _WEEK.match(v):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return DateRange(start, start + timedelta(days=6), "week")
        if m := _QUARTER.match(v):
            y, q = int(m[1]), int(m[2])
            first = 3 * (q - 1) + 1
            last = calendar.monthrange(y, first + 2)[1]
            return DateRange(date(y, first, 1), date(y, first + 2, last), "quarter")
        if m := _HALF.match(v):
            y, h = int(m[1]), int(m[2])
            return DateRange(
                date(y, 1 if h == 1 else 7, 1), date(y, 6 if h == 1 else 12, 31), "half"
            )
        if m := _SEASON.match(v):
            y = int(m[1])
            a, b = _SEASON_MONTHS[m[2]]
            end_y, end_m = (y + 1, b - 12) if b > 12 else (y, b)
            last = calendar.monthrange(end_y, end_m)[1]
            return DateRange(date(y, a, 1), date(end_y, end_m, last), "season")
        if m := _YEAR.match(v):
            y = int(m[1])
            return DateRange(date(y, 1, 1), date(y, 12, 31), "year")
    except ValueError:
        return None
    return None


def compare_dates(a: str, b: str) -> str | None:
    """``None`` (same), ``compatible`` (one within the other, or overlapping), ``conflict``
    (disjoint), or ``unclear`` when either is not a calendar value."""
    ra, rb = date_range(a), date_range(b)
    if ra is None or rb is None:
        return "unclear"
    if ra == rb:
        return None
    return "compatible" if ra.overlaps(rb) else "conflict"


def date_sort_key(value: str) -> tuple[date, int]:
    r = date_range(value)
    if r is None:
        return (date.max, 0)
    return (r.start, r.days)
