"""Date filters as users type them: a day ``YYYY-MM-DD``, a month ``YYYY-MM`` or a year ``YYYY``.

Stored dates are ``YYYY-MM-DD`` strings compared as text, so a month or a year works as its
first day (``2024-04`` keeps ``2024-04-01`` and later). The CLI's ``--since`` and the web's
``since``/``until`` parameters take the same forms.
"""

from __future__ import annotations

import re
from datetime import date

_DAY = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?")

DAY_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY"


def day_prefix(text: str) -> str:
    """``text`` stripped, when it is a real day, month or year; ``ValueError`` otherwise
    (``2025-02-30`` and ``2025-13`` are not)."""
    value = text.strip()
    m = _DAY.fullmatch(value)
    if m is not None:
        try:
            date(int(m["year"]), int(m["month"] or 1), int(m["day"] or 1))
        except ValueError:
            m = None
    if m is None:
        raise ValueError(f"{value[:40]!r} is not a date ({DAY_FORMS})")
    return value
