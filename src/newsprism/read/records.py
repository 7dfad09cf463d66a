"""JSON records: JSON lines (``jsonl.v1``) and JSON arrays or single objects (``json.v1``).

A record is an object with ``text`` or ``html`` (aliases: ``maintext``, ``body`` for text;
``raw_html`` for html) and optionally ``title`` (``headline``), ``url`` (``link``), ``date``
(``published``, ``date_publish``, ``publish_date``, ``pubdate``), ``outlet`` (``source``,
``source_domain``, ``publisher``; an object's ``name``), ``author`` (``authors``, ``byline``;
lists joined with ``, ``) and ``id`` (``doc_id``). When both text and html are given, text is
kept: it is what the data's producer extracted. Other scalar fields go to ``metadata``.

Both readers stream: JSON lines are read one line at a time (a line over ``max_record_bytes``
is a failure for that line, skipped without loading it), arrays one element at a time. Lines
and records are numbered from 1.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, Provenance, RawDoc
from newsprism.read.base import Source, open_content, readers
from newsprism.read.decode import BINARY_SAMPLE, DecodeError, decode_bytes, looks_binary

JSONL = "jsonl.v1"
JSON = "json.v1"

_TEXT = ("text", "maintext", "body")
_HTML = ("html", "raw_html")
_TITLE = ("title", "headline")
_URL = ("url", "link")
_DATE = ("date", "published", "date_publish", "publish_date", "pubdate")
_OUTLET = ("outlet", "source", "source_domain", "publisher")
_AUTHOR = ("author", "authors", "byline")
_ID = ("id", "doc_id")
_USED = {*_TEXT, *_HTML, *_TITLE, *_URL, *_DATE, *_OUTLET, *_AUTHOR, *_ID}
_CHUNK = 1 << 20


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _scalar(value: Any, key: str) -> str | None:
    """A metadata value as a string; objects give their name, lists are joined."""
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
        return None if value is None else _scalar(value, key)
    if isinstance(value, list):
        parts = [_scalar(item, key) for item in value]
        return ", ".join(part for part in parts if part) or None
    text = str(value).strip()
    return text or None


def record_doc(record: Any, where: str, path: str, locator: str, reader: str) -> RawDoc | Failure:
    """A ``RawDoc`` from one parsed JSON record, or the ``Failure`` that says why not."""
    if not isinstance(record, dict):
        return Failure(where, f"record is a JSON {type(record).__name__}, not an object")
    text = _first(record, _TEXT)
    html = None if text is not None else _first(record, _HTML)
    body = text if text is not None else html
    if body is None:
        return Failure(where, "record has neither text nor html")
    if not isinstance(body, str):
        name = next(key for key in (*_TEXT, *_HTML) if record.get(key) is body)
        return Failure(where, f"field {name!r} is a JSON {type(body).__name__}, not a string")
    if not body.strip():
        return Failure(where, "record has neither text nor html")
    url = _scalar(_first(record, _URL), "url")
    metadata = {
        key: str(value)
        for key, value in record.items()
        if key not in _USED and isinstance(value, str | int | float | bool)
    }
    return RawDoc(
        provenance=Provenance(path, reader, locator, url),
        text=body if text is not None else None,
        html=body if text is None else None,
        title=_scalar(_first(record, _TITLE), "title"),
        url=url,
        published=_scalar(_first(record, _DATE), "date"),
        outlet=_scalar(_first(record, _OUTLET), "outlet"),
        author=_scalar(_first(record, _AUTHOR), "author"),
        record_id=_scalar(_first(record, _ID), "id"),
        metadata=metadata,
    )


def json_reason(exc: json.JSONDecodeError) -> str:
    """``Expecting ',' delimiter at column 20``; messages that already end in "at"
    (``Unterminated string starting at``) get the column without a second one."""
    msg = exc.msg.rstrip()
    joint = " " if msg.endswith(" at") else " at "
    return f"{msg}{joint}column {exc.colno}"


def _parse(data: bytes | str) -> Any:
    """``json.loads`` with one-line reasons (``ValueError``) for every way it can fail."""
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON: {json_reason(exc)}") from None
    except RecursionError:
        raise ValueError("malformed JSON: nested too deeply") from None


def iter_lines(
    stream: BinaryIO, source: Source, settings: Settings, reader: str = JSONL
) -> Iterator[RawDoc | Failure]:
    limit = settings.max_record_bytes
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        locator = f"line {number}"
        where = source.where(locator)
        if len(line) > limit and not line.endswith(b"\n"):
            yield Failure(where, f"too large: more than max_record_bytes ({limit} bytes)")
            while line and not line.endswith(b"\n"):  # skip the rest without keeping it
                line = stream.readline(_CHUNK)
            continue
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8") if line.isascii() else decode_bytes(line).text
            record = _parse(text.strip())
        except (ValueError, DecodeError) as exc:
            yield Failure(where, str(exc))
            continue
        yield record_doc(record, where, source.name, locator, reader)


@readers.register(JSONL)
def read_jsonl(source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """One document per line; blank lines are skipped."""
    with open_content(source, settings) as stream:
        _refuse_binary(stream, source)
        yield from iter_lines(stream, source, settings)


def _refuse_binary(stream: io.BufferedReader, source: Source) -> None:
    if looks_binary(stream.peek(BINARY_SAMPLE)[:BINARY_SAMPLE]):
        raise ReadError(source.name, "binary data, not text")


class _TooLarge(Exception):
    """A whole array element over the record limit: a failure for it alone."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"too large: more than max_record_bytes ({limit} bytes)")


class _Array:
    """Streams the elements of a top-level JSON array with ``raw_decode``."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="newsprism-cp1252")
        self._json = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False

    def fill(self, at_least: int = _CHUNK) -> None:
        data = self._stream.read(max(at_least, _CHUNK))
        if not data:
            self.eof = True
        self.buf = self.buf[self.pos :] + self._decoder.decode(data, final=not data)
        self.pos = 0

    def skip_space(self) -> str:
        """The next non-space character ('' at the end of the input)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos : self.pos + 1]
            self.fill()

    def element(self) -> Any:
        """The next element; ``ValueError`` with a reason when it cannot be parsed."""
        while True:
            try:
                value, end = self._json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof:
                    reason = exc.msg.removesuffix(" at").removesuffix(" starting")
                    raise ValueError(f"malformed JSON: {reason}") from None
                value, end = None, -1
            except RecursionError:
                raise ValueError("malformed JSON: nested too deeply") from None
            # an element that reaches the end of the buffer may continue in the next chunk
            if end != -1 and (end < len(self.buf) or self.eof):
                size, self.pos = end - self.pos, end
                if size > self._limit:
                    raise _TooLarge(self._limit)
                return value
            pending = len(self.buf) - self.pos
            if pending > self._limit:
                raise ValueError(f"too large: more than max_record_bytes ({self._limit} bytes)")
            self.fill(pending)


def _iter_array(stream: BinaryIO, source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    array = _Array(stream, settings.max_record_bytes)
    array.fill()
    array.buf = array.buf.removeprefix("\ufeff")
    array.skip_space()
    array.pos += 1  # the '['
    number = 0
    while True:
        char = array.skip_space()
        if char == "]":
            return
        if number and char == ",":
            array.pos += 1
            array.skip_space()
        elif number or char == "":
            reason = "unexpected end of data" if char == "" else f"expected ',' but found {char!r}"
            raise ReadError(source.where(f"record {number + 1}"), f"malformed JSON: {reason}")
        number += 1
        locator = f"record {number}"
        try:
            record = array.element()
        except _TooLarge as exc:
            yield Failure(source.where(locator), str(exc))
            continue
        except ValueError as exc:
            raise ReadError(
                source.where(locator), f"{exc}; the rest of the file was not read"
            ) from None
        yield record_doc(record, source.where(locator), source.name, locator, JSON)


@readers.register(JSON)
def read_json(source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """A JSON array of records, or one record; a ``.json`` file of JSON lines is read as such."""
    with open_content(source, settings) as stream:
        _refuse_binary(stream, source)
        first = stream.peek(4096)[:4096].removeprefix(codecs.BOM_UTF8).lstrip()
        if first.startswith(b"["):
            yield from _iter_array(stream, source, settings)
            return
        data = stream.read(settings.max_record_bytes + 1)
    if not data.strip():
        raise ReadError(source.name, "empty file")
    if len(data) > settings.max_record_bytes:
        raise ReadError(
            source.name,
            f"too large: more than max_record_bytes ({settings.max_record_bytes} bytes)",
        )
    try:
        text = decode_bytes(data).text
        record = _parse(text)
    except DecodeError as exc:
        raise ReadError(source.name, str(exc)) from None
    except ValueError as exc:
        if "Extra data" in str(exc):  # one object per line after all
            yield from iter_lines(io.BytesIO(data), source, settings, JSON)
            return
        raise ReadError(source.name, str(exc)) from None
    yield record_doc(record, source.where("record 1"), source.name, "record 1", JSON)
