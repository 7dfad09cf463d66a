"""Choosing a reader from a file's name and its first bytes."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

from newsprism.read.decode import looks_binary

EXTENSIONS: dict[str, str | None] = {
    ".txt": "text.v1",
    ".text": "text.v1",
    ".html": "html.v1",
    ".htm": "html.v1",
    ".xhtml": "html.v1",
    ".shtml": "html.v1",
    ".jsonl": "jsonl.v1",
    ".ndjson": "jsonl.v1",
    ".json": None,  # an array, one object, or JSON lines: decided by content
    ".rss": "feed.v1",
    ".atom": "feed.v1",
    ".xml": None,  # a feed or XHTML: decided by content
    ".warc": "warc.v1",
}
"""Known extensions (after an optional ``.gz``); ``None``: known, but the content decides."""

_EXT = re.compile(r"\.[a-z][a-z0-9]{0,7}")
_FEED = re.compile(rb"<(?:rss|feed|rdf:rdf|channel)[\s>/]")
_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|article|div|p|h[1-6]|meta|title|span|section)[\s>/]"
)


def extension(path: Path) -> str:
    """The format extension, lower case, without a trailing ``.gz``; ``""`` when there is none
    (``notes.v2`` or ``Dr. Smith`` have none)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = Path(name).suffix
    return suffix if _EXT.fullmatch(suffix) else ""


def _text_head(head: bytes) -> bytes:
    """The head as lower-case ASCII-ish bytes for pattern matching (BOMs and UTF-16 handled)."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            text = head[len(bom) :].decode(name, errors="ignore")
            return text.encode("utf-8", errors="ignore").lstrip().lower()
    return head.removeprefix(codecs.BOM_UTF8).lstrip().lower()


def _json_kind(text: bytes) -> str:
    """``jsonl.v1`` when the first line is a whole JSON object, else ``json.v1``."""
    if text.startswith(b"["):
        return "json.v1"
    first, newline, _ = text.partition(b"\n")
    if newline:
        try:
            return "jsonl.v1" if isinstance(json.loads(first), dict) else "json.v1"
        except (ValueError, RecursionError):
            return "json.v1"
    return "json.v1"


def _markup_kind(text: bytes) -> str | None:
    sample = text[:8192]
    feed = _FEED.search(sample)
    page = _HTML.search(sample)
    if feed and (page is None or feed.start() < page.start()):
        return "feed.v1"
    return "html.v1" if page else None


def sniff(head: bytes) -> str | None:
    """The reader for content alone, or None when it is binary or no known kind."""
    if head.startswith(b"WARC/"):
        return "warc.v1"
    if looks_binary(head):
        return None
    text = _text_head(head)
    if not text:
        return None
    if text.startswith(b"<"):
        return _markup_kind(text)
    if text.startswith((b"[", b"{")):
        return _json_kind(text)
    return "text.v1"


def detect_reader(path: Path, head: bytes) -> str | None:
    """The registered reader name for a file, from its extension and its first bytes.

    ``head`` is the start of the content, decompressed when the file is gzip. A known
    extension decides (``.txt`` is read as text even when it holds markup); ``.json`` and
    ``.xml`` look at the content; an unknown or missing extension is sniffed. Returns None for
    binary data and for content of no known kind.
    """
    if head.startswith(b"WARC/"):
        return "warc.v1"
    ext = extension(path)
    if ext in EXTENSIONS:
        named = EXTENSIONS[ext]
        if named is not None:
            return named
        text = _text_head(head)
        if ext == ".json":
            return _json_kind(text) if text.startswith((b"[", b"{")) else "json.v1"
        return _markup_kind(text) if text.startswith(b"<") else None
    return sniff(head)
