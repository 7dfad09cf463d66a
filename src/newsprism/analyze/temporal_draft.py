"""Intermediate, anchor-independent form of a time expression found in text.

A rule produces a ``Draft``: its span, its kind and either an absolute value (``2022-07``,
``PT1H45M``, ``PRESENT_REF``) or a ``Rel`` that says how to compute the value once the
article date (the anchor) and the tense around the expression are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TimeKind = Literal["date", "time", "duration", "set", "interval"]

DURATION_CODES: dict[str, tuple[str, float]] = {
    # unit → (ISO 8601 designator, multiplier); decades and centuries become years
    "second": ("TS", 1),
    "minute": ("TM", 1),
    "hour": ("TH", 1),
    "day": ("D", 1),
    "week": ("W", 1),
    "fortnight": ("W", 2),
    "weekend": ("WE", 1),
    "month": ("M", 1),
    "quarter": ("Q", 1),
    "year": ("Y", 1),
    "decade": ("Y", 10),
    "century": ("Y", 100),
}
_ORDER = ["Y", "Q", "M", "W", "WE", "D", "TH", "TM", "TS"]
_FINER: dict[str, tuple[str, float]] = {
    "Y": ("M", 12),
    "M": ("D", 30),
    "W": ("D", 7),
    "D": ("TH", 24),
    "TH": ("TM", 60),
    "TM": ("TS", 60),
}
UNIT_RANK: dict[str, int] = {
    "century": 9,
    "decade": 8,
    "year": 7,
    "quarter": 6,
    "month": 5,
    "fortnight": 4,
    "week": 4,
    "weekend": 4,
    "day": 3,
    "hour": 2,
    "minute": 1,
    "second": 0,
}


@dataclass(slots=True, frozen=True)
class Rel:
    """How to compute a value from the anchor date.

    ``op`` is one of ``offset`` (``n`` units of ``unit`` from the anchor, or from the last
    date mentioned when ``anaphoric``), ``weekday``, ``month``, ``monthday``, ``season``,
    ``quarter``, ``half``, ``latest`` (the latest complete ``unit``), ``holiday``, ``clock``.
    ``direction``: -1 past, +1 future, 0 this one, None = decide from the tense around it.
    """

    op: str
    unit: str = ""
    n: float = 0.0
    direction: int | None = None
    month: int = 0
    day: int = 0
    weekday: int = -1
    part: str = ""
    season: str = ""
    quarter: int = 0
    year_offset: int | None = None
    anaphoric: bool = False
    name: str = ""


@dataclass(slots=True)
class Draft:
    start: int
    end: int
    kind: TimeKind
    rule: str
    value: str | None = None
    rel: Rel | None = None
    granularity: str | None = None
    mod: str | None = None
    dur: tuple[tuple[str, float | None], ...] = ()
    """Duration parts ``(unit, count)``; a None count is vague (``several days`` → PXD)."""
    priority: int = 0


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:.2f}".rstrip("0").rstrip(".")


def duration_value(parts: tuple[tuple[str, float | None], ...]) -> str:
    """ISO 8601 duration for parts such as ``(("hour", 1), ("minute", 45))`` → ``PT1H45M``."""
    amounts: dict[str, float | None] = {}
    for unit, count in parts:
        code, mult = DURATION_CODES[unit]
        if count is None:
            amounts[code] = None
            continue
        value = count * mult
        whole = float(int(value))
        # 1.5 hours → 1 hour 30 minutes, 2.5 years → 2 years 6 months
        if value != whole and code in _FINER:
            finer, factor = _FINER[code]
            rest = (value - whole) * factor
            if abs(rest - round(rest)) < 1e-6:
                prev = amounts.get(finer) or 0.0
                amounts[finer] = prev + round(rest)
                value = whole
        amounts[code] = (amounts.get(code) or 0.0) + value
    date_part = ""
    time_part = ""
    for code in _ORDER:
        if code not in amounts:
            continue
        amount = amounts[code]
        text = "X" if amount is None else _fmt(amount)
        if code.startswith("T"):
            time_part += text + code[1:]
        else:
            date_part += text + code
    return "P" + date_part + ("T" + time_part if time_part else "")


def duration_minutes(parts: tuple[tuple[str, float | None], ...]) -> float | None:
    """Total length in minutes (months = 30 days, years = 365 days); None when vague."""
    minutes = {
        "second": 1 / 60,
        "minute": 1,
        "hour": 60,
        "day": 1440,
        "week": 10080,
        "fortnight": 20160,
        "weekend": 2880,
        "month": 43200,
        "quarter": 129600,
        "year": 525600,
        "decade": 5256000,
        "century": 52560000,
    }
    total = 0.0
    for unit, count in parts:
        if count is None:
            return None
        total += count * minutes[unit]
    return total
