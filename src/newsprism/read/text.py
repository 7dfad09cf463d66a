"""Plain text files, with optional header lines at the very top.

A header line is ``key value`` or ``key: value`` with a key among ``date``, ``title``, ``url``,
``source``, ``outlet``, ``author`` (any case). Only a run of such lines at the top of the file
is a header (blank lines may separate them); the first other line ends it. To keep ordinary
sentences ("Date night is back", "Source code leaked") in the body:

* ``date value`` needs a value that looks like a date (a year or d/m/y digits, and no words
  but month and weekday names, ``at``, am/pm, time-zone abbreviations);
* ``url value`` needs a URL (``http(s)://`` or ``www.``, no spaces);
* ``title``/``source``/``outlet``/``author`` without a colon count only in a header that also
  has a date or URL line, and only when short.

The consumed prefix is kept verbatim in ``metadata['header']`` (so ``header + text`` is the
decoded file, newlines normalised to ``\\n``) and the stripped lines, joined by ``\\n``, in
``metadata['header_lines']``: cleaning records them as removed spans with reason ``header``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsprism.config import Settings
from newsprism.errors import ReadError
from newsprism.models import Failure, Provenance, RawDoc
from newsprism.read.base import (
    Source,
    check_size,
    expected_size,
    open_content,
    read_capped,
    readers,
)
from newsprism.read.decode import DecodeError, decode_bytes

NAME = "text.v1"

_LINE = re.compile(
    r"[ \t]*(?P<key>date|title|url|source|outlet|author)[ \t]*(?P<sep>:|[ \t])[ \t]*"
    r"(?P<value>\S.*?)[ \t]*",
    re.IGNORECASE,
)
_FIELD = {"source": "outlet"}
_DATE_WORD = re.compile(
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?|mon(day)?|tue(s|sday)?|wed(nesday)?|thu(r|rs|rsday)?"
    r"|fri(day)?|sat(urday)?|sun(day)?|at|am|pm|a\.m|p\.m|t|z|utc|gmt|of|the",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|21\d\d)(?!\d)|\d{1,2}[/.]\d{1,2}[/.]\d{2}")
_WORD = re.compile(r"[A-Za-z][A-Za-z.]*")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MAX_WEAK_WORDS = {"title": 30, "source": 6, "outlet": 6, "author": 10}


@dataclass(slots=True)
class Header:
    fields: dict[str, str] = field(default_factory=dict)
    """``published``, ``title``, ``url``, ``outlet``, ``author`` (first occurrence wins)."""
    lines: list[str] = field(default_factory=list)
    prefix: str = ""
    """The consumed text, verbatim, including the blank lines up to the body."""


def _is_date(value: str) -> bool:
    if len(value) > 50 or not _YEAR.search(value):
        return False
    for word in _WORD.findall(value):
        bare = word.rstrip(".")
        if not _DATE_WORD.fullmatch(bare) and not (bare.isupper() and 2 <= len(bare) <= 5):
            return False
    return True


def _classify(line: str) -> tuple[str, str, bool] | None:
    """``(key, value, strong)`` for a header line, None for any other line."""
    match = _LINE.fullmatch(line)
    if match is None or len(line) > 300:
        return None
    key = match["key"].lower()
    value = match["value"]
    colon = match["sep"] == ":"
    if key == "date":
        if _is_date(value):
            return key, value, True
        return (key, value, True) if colon else None
    if key == "url":
        return (key, value, True) if _URL.fullmatch(value) else None
    if colon:
        return key, value, True
    if len(value.split()) > _MAX_WEAK_WORDS[key]:
        return None
    return key, value, False


def split_header(text: str) -> Header:
    """Find the header lines at the top of ``text`` (newlines already normalised)."""
    header = Header()
    found: list[tuple[str, str, bool, int]] = []  # key, value, strong, end offset of the line
    pos = 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        line = text[pos:end].rstrip("\n")
        if line.strip():
            kind = _classify(line)
            if kind is None:
                break
            found.append((*kind, end))
        pos = end
    if not any(strong for _, _, strong, _ in found):
        found = []
    if not found:
        return header
    # the prefix ends with the blank lines that follow the last header line
    pos = found[-1][3]
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end + 1
        if text[pos:end].strip():
            break
        pos = end
    header.prefix = text[:pos]
    for key, value, _, _ in found:
        name = {"date": "published"}.get(key, _FIELD.get(key, key))
        header.fields.setdefault(name, value)
    header.lines = [line.strip() for line in header.prefix.split("\n") if line.strip()]
    return header


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_doc(text: str, provenance: Provenance, metadata: dict[str, str]) -> RawDoc:
    """A ``RawDoc`` from decoded text, header lines consumed into its fields."""
    text = normalise_newlines(text)
    header = split_header(text)
    meta = dict(metadata)
    if header.prefix:
        meta["header"] = header.prefix
        meta["header_lines"] = "\n".join(header.lines)
    url = header.fields.get("url")
    if url and provenance.url is None:
        provenance = Provenance(provenance.path, provenance.reader, provenance.locator, url)
    return RawDoc(
        provenance=provenance,
        text=text[len(header.prefix) :],
        title=header.fields.get("title"),
        url=url,
        published=header.fields.get("published"),
        outlet=header.fields.get("outlet"),
        author=header.fields.get("author"),
        metadata=meta,
    )


@readers.register(NAME)
def read_text(source: Source, settings: Settings) -> Iterator[RawDoc | Failure]:
    """One document per file."""
    check_size(source, settings.max_record_bytes, "max_record_bytes")
    with open_content(source, settings) as stream:
        data = read_capped(stream, source.name, settings.max_record_bytes, expected_size(source))
    if not data:
        raise ReadError(source.name, "empty file")
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        raise ReadError(source.name, str(exc)) from None
    if not decoded.text.strip():
        raise ReadError(source.name, "no text: only whitespace")
    metadata = {"encoding": decoded.encoding}
    if decoded.note:
        metadata["encoding_note"] = decoded.note
    yield text_doc(decoded.text, Provenance(source.name, NAME), metadata)
