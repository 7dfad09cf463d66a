"""``clean_document``: one ``RawDoc`` in, one ``Article`` out.

Steps, in order: main text (trafilatura for HTML, the text as is otherwise) → header lines →
page-furniture lines (``lines``) → date and byline lines → dateline → paragraphs → headings →
language → quality flags. Every line taken out is kept as a ``RemovedSpan`` with its reason and
its offsets into ``Article.source_text``; what is left, with whitespace normalised, is the body.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from itertools import islice
from typing import Literal

from newsprism.clean.dateline import find_dateline
from newsprism.clean.dates import date_line, normalise_date, other_reading
from newsprism.clean.guard import time_limit
from newsprism.clean.header import Header, header_from_metadata, take_header
from newsprism.clean.headings import find_headings, heading_like, same_text
from newsprism.clean.html import PageText, extract_page
from newsprism.clean.language import detect_language
from newsprism.clean.lines import byline_names, classify_line, is_teaser_header
from newsprism.clean.quality import quality_flags
from newsprism.clean.text import (
    Line,
    collapse_spaces,
    normalise_source,
    replace_controls,
    split_lines,
)
from newsprism.config import Settings
from newsprism.errors import CleanError
from newsprism.models import (
    Article,
    Dateline,
    Heading,
    Provenance,
    QualityFlag,
    RawDoc,
    RemovedSpan,
)

logger = logging.getLogger(__name__)

_BYLINE_ZONE = 6
_TEASER_LIST_MAX = 12


@dataclass(slots=True)
class _Lines:
    """The source split into lines, with what cleaning decided about each."""

    source: str
    lines: list[Line]
    reason: dict[int, str] = field(default_factory=dict)
    cut: dict[int, int] = field(default_factory=dict)
    """Line index → offset where the kept text starts (after a dateline prefix)."""

    def kept(self) -> list[Line]:
        return [ln for ln in self.lines if not ln.blank and ln.index not in self.reason]

    def removed(self) -> list[RemovedSpan]:
        spans = [
            RemovedSpan(ln.text, self.reason[ln.index], ln.start, ln.end)
            for ln in self.lines
            if ln.index in self.reason and not ln.blank
        ]
        spans.extend(
            RemovedSpan(self.source[ln.start : self.cut[ln.index]], "dateline", ln.start, cut)
            for ln in self.lines
            if (cut := self.cut.get(ln.index)) is not None
        )
        return sorted(spans, key=lambda s: s.start)


@dataclass(slots=True)
class _Found:
    """Fields found in the text itself."""

    published: str | None = None
    author: str | None = None
    dateline: Dateline | None = None


def _classify(state: _Lines, found: _Found) -> None:
    content_seen = 0
    teaser_list = 0
    for ln in state.lines:
        if ln.blank or ln.index in state.reason:
            continue
        content_seen += 1
        if teaser_list and teaser_list <= _TEASER_LIST_MAX and _teaser_item(ln.text):
            state.reason[ln.index] = "teaser"
            teaser_list += 1
            continue
        teaser_list = 0
        reason = classify_line(ln.text)
        if reason is None:
            when = date_line(ln.text)
            if when is not None:
                reason = "date_line"
                found.published = found.published or when
        if reason is None and content_seen <= _BYLINE_ZONE:
            names = byline_names(ln.text)
            if names is not None:
                reason = "byline"
                found.author = found.author or names
        if reason is not None:
            state.reason[ln.index] = reason
            if reason == "teaser" and is_teaser_header(ln.text):
                teaser_list = 1


def _teaser_item(text: str) -> bool:
    """A headline in a list of teasers: short, no sentence punctuation at the end."""
    return len(text.split()) <= 20 and (heading_like(text) or text[-1] not in '.!?"”')


def _apply_dateline(state: _Lines, found: _Found) -> None:
    candidates = list(
        islice(
            (
                ln
                for ln in state.lines
                if not ln.blank and state.reason.get(ln.index) in (None, "empty")
            ),
            10,
        )
    )
    match = find_dateline(candidates)
    if match is None:
        return
    found.dateline = match.dateline
    by_start = {ln.start: ln for ln in candidates}
    for start, end in match.spans:
        line = by_start[start]
        if end >= line.end:
            state.reason[line.index] = "dateline"
        else:
            state.cut[line.index] = end


def _wrapped_block(block: list[Line]) -> bool:
    """Whether a block of lines is one hard-wrapped paragraph (or several)."""
    if len(block) < 3:
        return False
    width = max(len(ln.text) for ln in block)
    if width > 100:
        return False
    inner = block[:-1]
    open_ends = sum(1 for ln in inner if ln.text[-1] not in ".!?:\"”'")
    full = sum(1 for ln in inner if len(ln.text) >= 0.6 * width)
    return open_ends * 2 >= len(inner) and full * 10 >= 8 * len(inner)


def _paragraphs(state: _Lines) -> list[list[tuple[int, int]]]:
    """Kept text as paragraphs, each a list of source spans joined by one space."""
    blocks: list[list[Line]] = [[]]
    for ln in state.lines:
        if ln.blank:
            if blocks[-1]:
                blocks.append([])
            continue
        if ln.index not in state.reason:
            blocks[-1].append(ln)
    paragraphs: list[list[tuple[int, int]]] = []
    for block in blocks:
        if not block:
            continue
        wrapped = _wrapped_block(block)
        width = max(len(ln.text) for ln in block)
        current: list[tuple[int, int]] = []
        for ln in block:
            start = state.cut.get(ln.index, ln.start)
            while start < ln.end and state.source[start].isspace():
                start += 1
            if start < ln.end:
                current.append((start, ln.end))
            if not wrapped or len(ln.text) < 0.6 * width:
                if current:
                    paragraphs.append(current)
                current = []
        if current:
            paragraphs.append(current)
    return paragraphs


def _record_source(doc: RawDoc) -> str:
    """Where ``RawDoc.published`` came from, from the reader that made the document."""
    given = doc.metadata.get("published_source")
    if given:
        return given
    if doc.metadata.get("header_lines"):
        return "header"
    reader = doc.provenance.reader.lower()
    for key, source in (
        ("warc", "warc"),
        ("rss", "feed"),
        ("atom", "feed"),
        ("feed", "feed"),
        ("jsonl", "record"),
        ("json", "record"),
        ("csv", "record"),
        ("html", "html_meta"),
        ("text", "header"),
        ("txt", "header"),
    ):
        if key in reader:
            return source
    return "record"


def _published(
    doc: RawDoc, header: dict[str, str], page: PageText | None, found: _Found
) -> tuple[str | None, str | None]:
    candidates = (
        (doc.published, _record_source(doc)),
        (header.get("published"), "header"),
        (page.date if page else None, "html_meta"),
        (found.published, "text"),
        (doc.metadata.get("warc_date"), "warc"),
    )
    for value, source in candidates:
        iso = normalise_date(value)
        if iso is not None:
            return iso, source
        if value:
            logger.debug("%s: unreadable date %r", doc.provenance.path, value)
    return None, None


def _date_flags(
    doc: RawDoc, header: dict[str, str], published: str | None, source_text: str
) -> list[QualityFlag]:
    """Flags for the publication date as given: ``unparsed_date`` when the document's own date
    (a header line, a record field) is no date (``2025-02-30``, ``next tuesday``) and
    ``date_ambiguous`` when the date used is numeric with both numbers ≤ 12 (``10/03/2025``,
    read month first). Offsets into ``source_text`` where the value is found there."""
    flags: list[QualityFlag] = []

    def flag(kind: str, value: str, detail: str) -> None:
        value = value.strip()
        start = source_text.find(value)
        span = (start, start + len(value)) if start >= 0 else (0, 0)
        flags.append(QualityFlag(kind, value, *span, field="source", detail=detail))

    given = doc.published
    if given and given.strip() and normalise_date(given) is None:
        instead = f"dated {published} from elsewhere" if published else "left undated"
        flag("unparsed_date", given, f"not a date ({_record_source(doc)}); {instead}")
    for value in (given, header.get("published")):
        alternative = other_reading(value)
        if value and alternative and normalise_date(value) == published:
            flag(
                "date_ambiguous",
                value,
                f"read month first as {published}; day first it would be {alternative}",
            )
            break
    return flags


def article_id(title: str | None, body: str) -> str:
    """First 16 hex digits of sha256 over the whitespace-collapsed title and body."""
    key = f"{collapse_spaces(title or '')}\n{collapse_spaces(body)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return collapse_spaces(value)
    return None


CONTROLS_KEY = "control_chars_replaced"
"""``Article.metadata`` key: how many control characters (NUL …) cleaning replaced by spaces
in the text and the fields of the record, when there were any."""


def _without_controls(doc: RawDoc) -> tuple[RawDoc, int]:
    """The document with control characters replaced in its text, HTML and every field, and
    how many were replaced (``source_text`` normalisation replaces them too; doing it here
    covers the title, metadata and the HTML before lxml, which refuses some of them)."""
    count = 0

    def fix(value: str | None) -> str | None:
        nonlocal count
        if value is None:
            return None
        fixed, n = replace_controls(value)
        count += n
        return fixed

    metadata = {fix(k) or "": fix(v) or "" for k, v in doc.metadata.items()}
    prov = doc.provenance
    url = fix(doc.url)
    fixed = RawDoc(
        provenance=Provenance(
            prov.path, prov.reader, prov.locator, url if prov.url == doc.url else fix(prov.url)
        ),
        text=fix(doc.text),
        html=fix(doc.html),
        title=fix(doc.title),
        url=url,
        published=fix(doc.published),
        outlet=fix(doc.outlet),
        author=fix(doc.author),
        record_id=fix(doc.record_id),
        metadata=metadata,
    )
    return (fixed, count) if count else (doc, 0)


def clean_document(doc: RawDoc, settings: Settings | None = None) -> Article:
    """Clean one document into an article.

    Raises CleanError (a one-line message) when the document has no usable text, and
    ``TooComplex`` (a CleanError, ``record too complex: …``) when it is over a limit of
    ``guard``, taking longer than ``settings.max_clean_seconds`` included.
    """
    settings = settings or Settings()
    with time_limit(settings.max_clean_seconds):
        return _clean(doc, settings)


def _clean(doc: RawDoc, settings: Settings) -> Article:
    doc, controls = _without_controls(doc)
    page: PageText | None = None
    if doc.html is not None and doc.html.strip():
        known = bool(doc.title and doc.published and doc.outlet)
        page = extract_page(doc.html, doc.url or doc.provenance.url, metadata=not known)
        raw = page.text
    elif doc.text is not None:
        raw = doc.text
        # Header lines a reader took off go back in front, so that they are recorded as removed
        # spans and the article is the same whether or not the reader consumed them.
        prefix = doc.metadata.get("header", "")
        if prefix and not raw.startswith(prefix):
            raw = prefix + raw
    else:
        raise CleanError("document has neither text nor HTML")

    source = normalise_source(raw)
    state = _Lines(source, split_lines(source))
    header = take_header(state.lines) if page is None else Header()
    for ln in header.lines:
        state.reason[ln.index] = "header"
    consumed = len(normalise_source(doc.metadata.get("header", ""))) if page is None else 0
    for ln in state.lines:
        if ln.end > consumed:
            break  # lines are in order: the rest lie after the consumed header
        if not ln.blank:
            state.reason[ln.index] = "header"
    fields = {**header.fields, **header_from_metadata(doc.metadata.get("header_lines"))}

    found = _Found()
    _classify(state, found)
    _apply_dateline(state, found)

    spans = _paragraphs(state)
    texts = [" ".join(source[s:e] for s, e in para) for para in spans]
    body = "\n\n".join(texts)
    if len(body) < settings.min_body_chars:
        raise CleanError(f"no article text after cleaning ({len(body)} chars)")

    title = _first(doc.title, fields.get("title"), page.title if page else None)
    offsets: list[int] = []
    pos = 0
    for text in texts:
        offsets.append(pos)
        pos += len(text) + 2
    headings: list[Heading] = []
    heading_at = set(find_headings(texts))
    for i, text in enumerate(texts):
        level: Literal["headline", "subheading"]
        if i in heading_at:
            if title is None:
                title = text
                level = "headline"
            else:
                level = "headline" if same_text(text, title) else "subheading"
        elif i < 3 and title is not None and same_text(text, title):
            level = "headline"
        else:
            continue
        headings.append(Heading(text, level, offsets[i], offsets[i] + len(text)))

    language, score = detect_language(body)
    flags: list[QualityFlag] = []
    if language in (None, "en"):
        flags = quality_flags(body)
    elif language is not None:
        first = texts[0]
        flags.append(
            QualityFlag("non_english", first, 0, len(first), detail=f"{language} ({score})")
        )

    published, published_source = _published(doc, fields, page, found)
    flags.extend(_date_flags(doc, fields, published, source))
    dateline = found.dateline
    metadata = dict(doc.metadata)
    if controls:
        metadata[CONTROLS_KEY] = str(controls)
    if page is not None and page.sitename:
        metadata.setdefault("sitename", page.sitename)
    return Article(
        id=article_id(title, body),
        body=body,
        provenance=doc.provenance,
        source_text=source,
        title=title,
        outlet=_first(
            doc.outlet,
            fields.get("outlet"),
            page.sitename if page else None,
            dateline.agency if dateline else None,
        ),
        url=_first(doc.url, doc.provenance.url, fields.get("url"), page.url if page else None),
        author=_first(
            doc.author, fields.get("author"), page.author if page else None, found.author
        ),
        published=published,
        published_source=published_source,
        dateline=dateline,
        language=language,
        language_score=score,
        headings=headings,
        removed=state.removed(),
        flags=flags,
        metadata=metadata,
    )
