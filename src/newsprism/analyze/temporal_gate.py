"""Run each time-expression rule only near the words it needs (its triggers).

Scanning every rule's regex over a whole article costs more than everything else together.
Every match of a rule contains one of its trigger words (``#d``: any number in digits), so
the rule only runs in windows around those words, which gives the same matches several
times faster. ``TRIGGERS`` must name every rule (a test checks it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .temporal_lexicon import MONTH_ABBR, MONTHS, SEASONS, UNITS, WEEKDAY_ABBR, WEEKDAYS

_MONTHS = " ".join([*MONTHS, *MONTH_ABBR])
_WEEKDAYS = " ".join([*WEEKDAYS, *WEEKDAY_ABBR])
_UNITS = " ".join(UNITS)
_PLURAL_UNITS = " ".join(u for u in UNITS if u.endswith("s"))
_SEASONS = " ".join(SEASONS)

TRIGGERS: dict[str, str] = {
    "iso_date": "#d",
    "numeric_date": "#d",
    "month_day": _MONTHS,
    "day_month": _MONTHS,
    "month_year": _MONTHS,
    "month": _MONTHS,
    "year": "#d",
    "decade": "#d s twenties thirties forties fifties sixties seventies eighties nineties",
    "century": "century",
    "spoken_year": "nineteen twenty thousand",
    "relative_day": "today tonight yesterday tomorrow night morning afternoon evening",
    "weekday": _WEEKDAYS,
    "relative_unit": f"{_UNITS} {_SEASONS}",
    "part_of_unit": _UNITS,
    "quarter": "quarter half",
    "quarter_code": "#d",
    "latest_period": "quarter period earlier ago",
    "ago": "ago earlier later now hence back",
    "holiday": "christmas year thanksgiving day halloween",
    "season": _SEASONS,
    "present_ref": "now currently nowadays presently present days moment",
    "past_ref": "recently formerly lately past recent",
    "future_ref": "future term",
    "coming_period": "coming upcoming ahead",
    "clock": "#d noon midnight midday",
    "anaphoric_unit": "that same",
    "the_year": "year",
    "year_end": "year end",
    "weekend": "weekend",
    "the_day": "day week",
    "duration": _UNITS,
    "vague_duration": _PLURAL_UNITS,
    "bare_duration": _PLURAL_UNITS,
    "long_duration": _PLURAL_UNITS,
    "set_every": "every each",
    "set_adverb": "daily weekly monthly yearly hourly nightly biweekly",
    "set_frequency": "once twice thrice times",
    "set_weekdays": "mondays tuesdays wednesdays thursdays fridays saturdays sundays",
}
MARGIN = 80
"""Characters searched either side of a trigger word (longer than any expression)."""
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_LOOKUP: dict[str, list[str]] = {}
for _rule, _words in TRIGGERS.items():
    for _word in _words.split():
        _LOOKUP.setdefault(_word, []).append(_rule)


def windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """For each rule with a trigger in ``text``: merged (start, end) windows to search."""
    spans: dict[str, list[tuple[int, int]]] = {}
    size = len(text)
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        key = "#d" if word[0].isdigit() else word.lower()
        rules = _LOOKUP.get(key)
        if not rules:
            continue
        start, end = max(0, m.start() - MARGIN), min(size, m.end() + MARGIN)
        for name in rules:
            merged = spans.setdefault(name, [])
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
    return spans


def search_windows(text: str, found: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Windows widened to whitespace so no word is cut at either edge, and cut at line
    breaks: an expression never runs from one line (paragraph, heading) into the next."""
    size = len(text)
    for start, end in found:
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        while end < size and not text[end].isspace():
            end += 1
        while (newline := text.find("\n", start, end)) >= 0:
            if newline > start:
                yield start, newline
            start = newline + 1
        if end > start:
            yield start, end
