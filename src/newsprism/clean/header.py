"""Header lines at the top of plain-text files: ``date 2024-04-02``, ``title: …``, ``url: …``.

A reader may already have taken them off (and put them in ``RawDoc`` fields and in
``metadata["header_lines"]``); when they are still in the text, cleaning takes them off itself,
so the same file gives the same article either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsprism.clean.dates import normalise_date
from newsprism.clean.text import Line

# key → Article field. Only these keys make a line a header line.
_KEYS = {
    "date": "published",
    "published": "published",
    "pubdate": "published",
    "published_at": "published",
    "datetime": "published",
    "title": "title",
    "headline": "title",
    "url": "url",
    "link": "url",
    "source": "outlet",
    "outlet": "outlet",
    "publisher": "outlet",
    "site": "outlet",
    "author": "author",
    "authors": "author",
    "byline": "author",
}
_HEADER = re.compile(r"^(?P<key>[A-Za-z_]{3,12})\s*(?::|=|\s)\s*(?P<value>\S.*?)\s*$")
_MAX_HEADER_LINES = 8


@dataclass(slots=True)
class Header:
    """Fields found in header lines, and the lines they came from."""

    fields: dict[str, str] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)


def parse_header_line(text: str) -> tuple[str, str] | None:
    """``(field, value)`` when ``text`` is a header line with a plausible value."""
    m = _HEADER.match(text.strip())
    if m is None:
        return None
    name = _KEYS.get(m["key"].lower())
    value = m["value"]
    if name is None:
        return None
    if name == "published":
        return (name, value) if normalise_date(value) else None
    if name == "url":
        return (name, value) if re.match(r"^https?://\S+$", value) else None
    if len(value) > 300:
        return None
    return name, value


def take_header(lines: list[Line]) -> Header:
    """Header lines at the very start of the text (blank lines between them allowed).

    The first line that is not a header line ends the header. A lone ``title``-like line
    is not enough: at least one line must carry a date, a URL or two fields in all.
    """
    header = Header()
    for line in lines:
        if line.blank:
            continue
        if len(header.lines) >= _MAX_HEADER_LINES:
            break
        parsed = parse_header_line(line.text)
        if parsed is None:
            break
        name, value = parsed
        header.fields.setdefault(name, value)
        header.lines.append(line)
    strong = {"published", "url"} & header.fields.keys()
    if not strong and len(header.lines) < 2:
        return Header()
    return header


def header_from_metadata(text: str | None) -> dict[str, str]:
    """Fields from ``RawDoc.metadata["header_lines"]`` (the lines a reader consumed)."""
    found: dict[str, str] = {}
    if not text:
        return found
    for raw in text.splitlines():
        parsed = parse_header_line(raw)
        if parsed is not None:
            found.setdefault(parsed[0], parsed[1])
    return found
