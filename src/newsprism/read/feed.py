"""RSS and Atom feeds from local files, parsed by feedparser (given bytes, never a URL).

The DOCTYPE declaration is removed before parsing (``strip_doctype``): no entity a feed
declares is ever expanded, and no external entity or DTD is ever read.

Each entry is one document: its content (``content[0]``) when present, else its summary;
HTML content goes to ``RawDoc.html``, ``text/plain`` content to ``RawDoc.text``. The feed's
title is the outlet. ``published`` is the entry's published date as written (else its updated
date); ``metadata['published_parsed']`` holds feedparser's UTC reading of it (ISO 8601).
Entries are numbered from 1.
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, Provenance, RawDoc
from newsprism.read.base import (
    Source,
    check_size,
    expected_size,
    one_line,
    open_content,
    read_capped,
    readers,
)
from newsprism.read.decode import looks_binary

NAME = "feed.v1"

logger = logging.getLogger(__name__)
_DOCTYPE_END = re.compile(rb"\]\s*>")


def _body(entry: Any) -> tuple[str | None, str | None]:
    """``(text, html)`` of an entry: its first non-empty content, else its summary."""
    candidates = [*(entry.get("content") or []), entry.get("summary_detail")]
    for detail in candidates:
        if not detail:
            continue
        value = detail.get("value")
        if isinstance(value, str) and value.strip():
            if detail.get("type") == "text/plain":
                return value, None
            return None, value
    summary = entry.get("summary")
    if isinstance(summary, str) and summary.strip():
        return None, summary
    return None, None


def _iso(parsed: Any) -> str | None:
    if not parsed:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def entry_doc(entry: Any, outlet: str | None, source: Source, number: int) -> RawDoc | Failure:
    locator = f"entry {number}"
    text, html = _body(entry)
    if text is None and html is None:
        return Failure(source.where(locator), "entry has neither content nor summary")
    url = _text(entry.get("link"))
    published = _text(entry.get("published")) or _text(entry.get("updated"))
    parsed = _iso(entry.get("published_parsed") or entry.get("updated_parsed"))
    metadata: dict[str, str] = {}
    if parsed:
        metadata["published_parsed"] = parsed
    tags = [t.get("term") for t in entry.get("tags") or [] if isinstance(t.get("term"), str)]
    if tags:
        metadata["tags"] = ", ".join(tags)
    return RawDoc(
        provenance=Provenance(source.name, NAME, locator, url),
        text=text,
        html=html,
        title=_text(entry.get("title")),
        url=url,
        published=published,
        outlet=outlet,
        author=_text(entry.get("author")),
        record_id=_text(entry.get("id")),
        metadata=metadata,
    )


def strip_doctype(data: bytes) -> bytes:
    """The feed without the DOCTYPE declaration of its prolog, if it has one.

    Its internal subset is where entities are declared: nested ones ("billion laughs") and
    external ones (``SYSTEM "file:///…"``, XXE). feedparser already refuses to expand them;
    removing the declaration first means no parser ever sees one. A reference to a removed
    entity is then left as text. Feeds in UTF-16/32 are left to feedparser's own handling.
    """
    pos = len(data) - len(data.removeprefix(b"\xef\xbb\xbf"))
    while True:
        while pos < len(data) and data[pos] in b" \t\r\n":
            pos += 1
        if data.startswith(b"<?", pos):
            end = data.find(b"?>", pos)
        elif data.startswith(b"<!--", pos):
            end = data.find(b"-->", pos)
        elif data[pos : pos + 9].lower() == b"<!doctype":
            break
        else:
            return data
        if end < 0:
            return data
        pos = data.find(b">", end) + 1
    start = pos
    bracket, close = data.find(b"[", start), data.find(b">", start)
    if 0 <= bracket < close or (bracket >= 0 and close < 0):
        found = _DOCTYPE_END.search(data, bracket)
        end = found.end() if found else len(data)
    else:
        end = close + 1 if close >= 0 else len(data)
    logger.debug("feed DOCTYPE removed (%d bytes)", end - start)
    return data[:start] + data[end:]


@readers.register(NAME)
def read_feed(source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """One document per entry; an entry without content is a failure, the others still yield."""
    check_size(source, settings.max_record_bytes, "max_record_bytes")
    with open_content(source, settings) as stream:
        data = read_capped(stream, source.name, settings.max_record_bytes, expected_size(source))
    if not data.strip():
        raise ReadError(source.name, "empty file")
    if looks_binary(data):
        raise ReadError(source.name, "binary data, not text")

    import feedparser

    # A file object, never bytes or str: feedparser treats strings as URLs or file names.
    data = strip_doctype(data)
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo") and not parsed.get("version"):
            reason = one_line(parsed.get("bozo_exception") or "unknown error")
            raise ReadError(source.name, f"not a valid RSS/Atom feed: {reason}")
        raise ReadError(source.name, "feed has no entries")
    outlet = _text(parsed.get("feed", {}).get("title"))
    for number, entry in enumerate(entries, start=1):
        yield entry_doc(entry, outlet, source, number)
