"""WARC files (plain or record-gzipped), read with warcio.

Only ``response`` records with HTTP status 200 and an HTML content type become documents; the
rest (requests, metadata, redirects, images …) are skipped and counted in the log. The locator
is ``offset N``, the record's byte offset in the stored file. The URL is ``WARC-Target-URI``.

Dates: ``WARC-Date`` is when the page was *captured*, not when it was published, so it is not
put in ``RawDoc.published``; it goes to ``metadata['warc_date']`` (and the HTTP
``Last-Modified`` header, when sent, to ``metadata['http_last_modified']``). Cleaning prefers
the page's own date (HTML metadata) and falls back to ``warc_date`` with
``published_source = "warc"``.

A malformed record is a failure at its offset; reading then resumes at the next record start
found after it (``WARC/1.`` at the start of a line, or the next gzip member).
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Generator, Iterator
from typing import Any, BinaryIO

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, Provenance, RawDoc
from newsprism.read.base import GZIP_MAGIC, Source, check_size, is_gzip, one_line, readers
from newsprism.read.decode import DecodeError, content_type_charset
from newsprism.read.html import decode_html

logger = logging.getLogger(__name__)

NAME = "warc.v1"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_SCAN = 1 << 20
_MAX_LINE = 1 << 16
_MAX_HEADER_BYTES = 1 << 20


def _header(headers: Any, name: str) -> str | None:
    value = headers.get_header(name) if headers is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _skip_reason(record: Any) -> str | None:
    """Why a record is not an article page, or None when it is one."""
    if record.rec_type != "response":
        return str(record.rec_type)
    if record.http_headers is None:
        return "response without HTTP headers"
    status = record.http_headers.get_statuscode()
    if status != "200":
        return f"HTTP status {status}"
    ctype = (_header(record.http_headers, "Content-Type") or "").lower()
    if not ctype.startswith(_HTML_TYPES):
        return f"content type {ctype.split(';')[0] or 'unknown'}"
    return None


def _record_doc(
    record: Any, payload: bytes, source: Source, offset: int, limit: int
) -> RawDoc | Failure:
    locator = f"offset {offset}"
    where = source.where(locator)
    if len(payload) > limit:
        return Failure(where, f"too large: more than max_record_bytes ({limit} bytes)")
    if not payload.strip():
        return Failure(where, "empty HTML payload")
    ctype = _header(record.http_headers, "Content-Type")
    try:
        page, metadata = decode_html(payload, content_type_charset(ctype))
    except DecodeError as exc:
        return Failure(where, str(exc))
    url = _header(record.rec_headers, "WARC-Target-URI")
    url = url.strip("<>") if url else None
    for key, headers, name in (
        ("warc_date", record.rec_headers, "WARC-Date"),
        ("http_last_modified", record.http_headers, "Last-Modified"),
        ("http_content_type", record.http_headers, "Content-Type"),
    ):
        value = _header(headers, name)
        if value:
            metadata[key] = value
    return RawDoc(
        provenance=Provenance(source.name, NAME, locator, url),
        html=page,
        url=url,
        record_id=_header(record.rec_headers, "WARC-Record-ID"),
        metadata=metadata,
    )


class _Guard:
    """Bounds what warcio reads through its decompressing reader: no line longer than
    ``_MAX_LINE`` is kept whole, header and separator lines between two body reads total at
    most ``_MAX_HEADER_BYTES`` (``ValueError``: a malformed record), and the decompressed
    data of the whole file at most ``max_file_bytes`` (``ReadError``: the rest is not read).

    Without it, a gzip member whose record lies about its length makes warcio keep the whole
    rest of the member as one line in memory (a 200 KB file took 860 MB)."""

    def __init__(self, reader: Any, source: Source, cap: int) -> None:
        self._read, self._readline = reader.read, reader.readline
        self._where = source.name
        self._cap = cap
        self.total = 0
        self._header_bytes = 0
        reader.read, reader.readline = self.read, self.readline

    def _count(self, data: bytes) -> bytes:
        self.total += len(data)
        if self.total > self._cap:
            raise ReadError(
                self._where,
                f"too large: decompressed data exceeds max_file_bytes ({self._cap} bytes)",
            )
        return data

    def read(self, length: int | None = None) -> bytes:
        self._header_bytes = 0
        if length is None:
            length = _SCAN
        return self._count(self._read(length))

    def readline(self, length: int | None = None) -> bytes:
        length = _MAX_LINE if length is None else min(length, _MAX_LINE)
        line = self._count(self._readline(length))
        self._header_bytes += len(line)
        if self._header_bytes > _MAX_HEADER_BYTES:
            raise ValueError(f"headers or blank lines longer than {_MAX_HEADER_BYTES} bytes")
        return line


def _next_start(raw: BinaryIO, start: int, gz: bool) -> int | None:
    """The offset of the next record start at or after ``start``, or None."""
    marker = GZIP_MAGIC + b"\x08" if gz else b"\nWARC/1."
    skip = 0 if gz else 1
    raw.seek(start)
    carry = b""
    base = start
    while True:
        chunk = raw.read(_SCAN)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(marker)
        if found >= 0:
            return base + found + skip
        keep = len(marker) - 1
        carry = data[-keep:]
        base += len(data) - len(carry)


def _skip_blank(raw: BinaryIO, offset: int) -> int:
    raw.seek(offset)
    data = raw.read(4096)
    return offset + len(data) - len(data.lstrip())


def _read_from(
    source: Source, settings: Settings, start: int, skipped: Counter[str]
) -> Generator[RawDoc | Failure, None, int | None]:
    """Yield the documents from ``start``; return where to resume after a bad record."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.statusandheaders import StatusAndHeadersParserException

    malformed = (
        ArchiveLoadFailed,
        StatusAndHeadersParserException,
        ValueError,
        EOFError,
        OSError,
        zlib.error,
        IndexError,
        KeyError,
        AttributeError,  # warcio on a record cut inside its headers
        TypeError,
    )
    limit = settings.max_record_bytes
    with source.open_raw() as raw:
        raw.seek(start)
        gz = is_gzip(raw)
        end = start
        iterator = ArchiveIterator(raw)
        iterator.INC_RECORD = ""  # warcio prints the junk after a bad record to stderr
        _Guard(iterator.reader, source, settings.max_file_bytes)
        records = iter(iterator)
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except malformed as exc:
                bad = _skip_blank(raw, end)
                yield Failure(source.where(f"offset {bad}"), f"malformed WARC record: {_why(exc)}")
                return _next_start(raw, bad + 1, gz)
            reason = _skip_reason(record)
            payload: bytes | Exception = b""
            if reason is None:
                try:
                    payload = record.content_stream().read(limit + 1)
                except malformed as exc:  # a bad chunked or compressed HTTP body
                    payload = exc
            try:
                offset = iterator.get_record_offset()  # reads the rest of the record
                length = iterator.get_record_length()
            except malformed as exc:
                bad = _skip_blank(raw, end)
                yield Failure(source.where(f"offset {bad}"), f"malformed WARC record: {_why(exc)}")
                return _next_start(raw, bad + 1, gz)
            if offset < end or length <= 0:  # warcio lost count: a length that does not fit
                bad = _skip_blank(raw, end)
                yield Failure(
                    source.where(f"offset {bad}"),
                    "malformed WARC record: its Content-Length does not match its data",
                )
                return _next_start(raw, bad + 1, gz)
            end = offset + length
            where = source.where(f"offset {offset}")
            missing = getattr(record.raw_stream, "limit", 0)
            if isinstance(missing, int) and missing > 0:
                yield Failure(where, f"truncated WARC record: {missing} bytes missing")
            elif reason is not None:
                skipped[reason] += 1
            elif isinstance(payload, Exception):
                yield Failure(where, f"unreadable HTTP payload: {_why(payload)}")
            else:
                yield _record_doc(record, payload, source, offset, limit)
        bad = _skip_blank(raw, end)
        raw.seek(0, 2)
        if bad < raw.tell():  # warcio stops quietly at a record it cannot parse
            yield Failure(
                source.where(f"offset {bad}"), "malformed or truncated WARC record: not parsed"
            )
            return _next_start(raw, bad + 1, gz)
    return None


def _why(exc: Exception) -> str:
    if isinstance(exc, AttributeError | TypeError):  # warcio on headers it could not read
        return "record headers cut short or invalid"
    return one_line(exc) or type(exc).__name__


@readers.register(NAME)
def read_warc(source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """One document per HTML response record."""
    check_size(source, settings.max_file_bytes, "max_file_bytes")
    skipped: Counter[str] = Counter()
    start: int | None = 0
    while start is not None:
        start = yield from _read_from(source, settings, start, skipped)
    if skipped:
        summary = ", ".join(f"{n} {reason}" for reason, n in skipped.most_common())
        logger.info("%s: skipped records that are not HTML pages: %s", source.name, summary)
