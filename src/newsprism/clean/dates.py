"""Publication dates: normalise what readers, headers and pages give to ``YYYY-MM-DD``, and
recognise lines that are nothing but a publication date (``Published: March 3, 2024``)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)

MIN_YEAR = 1900
MAX_YEAR = 2100

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|urday|sday)?\.?,?\s+)?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

_ISO = re.compile(r"^\s*(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:$|[T\s_])")
_COMPACT = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})(?P<month>\d{2})(?P<day>\d{2})(?:$|[T\s])")
_NUMERIC = re.compile(r"^\s*(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<year>\d{4})\b")
_MONTH_FIRST = re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE)
_DAY_FIRST = re.compile(rf"\b{_WEEKDAY}{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE)
_EPOCH = re.compile(r"^\s*(?P<ts>\d{9,10})(?:\.\d+)?\s*$")
_FOUR_DIGITS = re.compile(r"\d{4}")

# A line that is only a date with a publication keyword (and maybe a time and a zone).
_DATE_LINE_LEAD = re.compile(
    r"^(?:(?:first|originally|last)\s+)?(?:published|updated|posted|modified|date|dated|"
    r"publication date|last update)(?:\s+(?:on|at))?\s*[:|-]?\s*",
    re.IGNORECASE,
)
_TIME_BITS = re.compile(
    r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?|\b(?:[ap]\.m\.|[ap]m)\b|\b[A-Z]{2,4}T\b|"
    r"\b(?:GMT|UTC|BST|CET|CEST|EST|EDT|PST|PDT|CST|CDT|MST|MDT|IST|JST|AEST|AEDT)\b|"
    r"[+-]\d{2}:?\d{2}\b|\b(?:on|at|updated|published)\b|[,|•·()]",
    re.IGNORECASE,
)


def _valid(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key[:4] if key.startswith("sept") else key[:3], 0)


def normalise_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` for a date or datetime in any common form, else None.

    Accepts ISO dates and datetimes (the date as written, no time-zone shift), RFC 2822,
    ``March 3, 2024``, ``3 March 2024``, ``20240303``, epoch seconds and ``d/m/Y`` or ``m/d/Y``
    (read as day first only when the first number cannot be a month; US order otherwise).
    """
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    for pattern in (_ISO, _COMPACT):
        m = pattern.match(text)
        if m:
            return _valid(int(m["year"]), int(m["month"]), int(m["day"]))
    m = _EPOCH.match(text)
    if m:
        stamp = datetime.fromtimestamp(int(m["ts"]), tz=UTC)
        return _valid(stamp.year, stamp.month, stamp.day)
    m = _NUMERIC.match(text)
    if m:
        a, b = int(m["a"]), int(m["b"])
        month, day = (b, a) if a > 12 else (a, b)
        return _valid(int(m["year"]), month, day)
    if "," in text[:5] or re.match(r"^\s*\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d", text):
        try:
            parsed: datetime | None = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return _valid(parsed.year, parsed.month, parsed.day)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        m = pattern.search(text)
        if m:
            return _valid(int(m["year"]), _month_number(m["month"]), int(m["day"]))
    return _dateparser_fallback(text)


def other_reading(value: str | None) -> str | None:
    """The day-first reading of a numeric date that ``normalise_date`` reads month first
    (``10/03/2025``: 2025-10-03 as read, ``2025-03-10`` returned), None when the date has
    only one valid reading (``25/03/2025``, ``03/03/2025``, ISO, month names)."""
    if not value:
        return None
    m = _NUMERIC.match(value.strip())
    if m is None:
        return None
    a, b = int(m["a"]), int(m["b"])
    if a == b or a > 12 or b > 12:
        return None
    return _valid(int(m["year"]), b, a)  # month b, day a


def _dateparser_fallback(text: str) -> str | None:
    """Last resort for other languages and odd forms; only full dates (day, month, year)."""
    if len(text) > 60 or not re.search(r"\d{4}", text):
        return None
    try:
        import dateparser  # lazy: slow import
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        parsed = dateparser.parse(
            text,
            settings={
                "STRICT_PARSING": True,
                "REQUIRE_PARTS": ["day", "month", "year"],
                "PREFER_DAY_OF_MONTH": "first",
            },
        )
    except Exception as exc:  # dateparser raises assorted errors on odd input
        logger.debug("dateparser failed on %r: %s", text, exc)
        return None
    if parsed is None:
        return None
    return _valid(parsed.year, parsed.month, parsed.day)


_ISO_IN_LINE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_ALNUM_ASCII = re.compile(r"[A-Za-z0-9]")


def date_line(text: str) -> str | None:
    """The date of a line that says only when the article was published or updated.

    ``Published: March 3, 2024``, ``Updated 10:15 AM EDT, Tue April 2, 2024``,
    ``Posted on 2024-04-02``. A line with other words in it is not a date line.
    """
    if len(text) > 90 or len(text) < 6 or _FOUR_DIGITS.search(text) is None:
        return None  # every date form below has a four-digit year
    lead = _DATE_LINE_LEAD.match(text)
    rest = text[lead.end() :] if lead else text
    found = None
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        m = pattern.search(rest)
        if m:
            found = m
            break
    if found is None:
        iso = _ISO_IN_LINE.search(rest)
        if iso is None:
            return None
        value = normalise_date(iso.group(0))
        leftover = rest[: iso.start()] + " " + rest[iso.end() :]
    else:
        value = _valid(int(found["year"]), _month_number(found["month"]), int(found["day"]))
        leftover = rest[: found.start()] + " " + rest[found.end() :]
    if value is None:
        return None
    leftover = _TIME_BITS.sub(" ", leftover)
    # Without a keyword the line must be a bare date; with one, only times may remain.
    if _ALNUM_ASCII.search(leftover):
        return None
    return value
