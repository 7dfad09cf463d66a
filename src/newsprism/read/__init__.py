"""The READ stage: files, folders, feeds, WARC archives and standard input to ``RawDoc``.

Readers are registered, versioned components (``readers``): ``text.v1`` (plain text with
optional header lines), ``html.v1`` (pages, decoded but not extracted), ``jsonl.v1`` and
``json.v1`` (records), ``feed.v1`` (RSS/Atom) and ``warc.v1`` (WARC response records).
``iter_documents`` picks one per file (``detect_reader``) and never raises: what cannot be read
is a one-line ``Failure`` naming the file and record.
"""

from __future__ import annotations

from newsprism.read import feed, html, records, text, warc
from newsprism.read.base import Reader, Source, readers
from newsprism.read.fetch import iter_documents  # walk.iter_documents, and URLs (--fetch)
from newsprism.read.sniff import detect_reader
from newsprism.read.text import split_header

__all__ = [
    "Reader",
    "Source",
    "detect_reader",
    "feed",
    "html",
    "iter_documents",
    "readers",
    "records",
    "split_header",
    "text",
    "warc",
]
