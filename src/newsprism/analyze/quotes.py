"""Quotes: direct and partial (inside quotation marks) and indirect (reported speech).

* direct/partial: text between paired quotation marks (“ ” « » or straight quotes paired in
  order), at least two words; *partial* when it starts in lower case or continues a clause
  (``will not "sit back and watch"``). The speaker comes from the speech verb that governs the
  quote in the parse, else ``according to X``, else the nearest speech verb in the sentence, else
  the previous quote of the paragraph (``"…," she said. "…"``).
* indirect: a speech verb with a clausal complement (``X told Y that …``), a trailing
  attribution (``…, the official said.``, with or without quotation marks), or
  ``according to X``.

Speakers are resolved through the name chains (``Roe`` → ``Jane Roe``); otherwise the noun
phrase without determiners (``a senior official who …`` → ``senior official``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from newsprism.analyze.entities import MentionIndex
from newsprism.analyze.lexicon import SPEECH_VERBS
from newsprism.analyze.phrases import according_target, agent_of, resolve_np, subject_of
from newsprism.analyze.sentences import ParsedSentence, Segment
from newsprism.models import Quote

_MARKS = re.compile(r"[\"“”«»]")
_OPENERS = {"“", "«"}
_CLOSERS = {"”", "»"}
_MAX_QUOTE_CHARS = 3_000
_CLAUSE_BREAK = set(":,—–-([")
_STRIP_TAIL = ",;:"


def _is_cue(tok: Any) -> bool:
    return bool(tok.pos_ == "VERB" and str(tok.lemma_).lower() in SPEECH_VERBS)


def _mark_pairs(text: str) -> list[tuple[int, int]]:
    """``(open, close)`` positions of paired quotation marks."""
    pairs: list[tuple[int, int]] = []
    open_at: int | None = None
    for match in _MARKS.finditer(text):
        mark, pos = match.group(), match.start()
        if mark in _OPENERS:
            open_at = pos
        elif mark in _CLOSERS:
            if open_at is not None:
                pairs.append((open_at, pos))
            open_at = None
        elif open_at is None:
            open_at = pos
        else:
            pairs.append((open_at, pos))
            open_at = None
    return pairs


def _is_title(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha()]
    return len(text.split()) <= 6 and bool(words) and all(w[0].isupper() for w in words)


def _trim_inner(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _STRIP_TAIL):
        end -= 1
    return start, end


class _Sentences:
    """Sentences of one field by position."""

    def __init__(self, sentences: Sequence[ParsedSentence]) -> None:
        self.items = sorted(sentences, key=lambda p: (p.sentence.field, p.sentence.start))

    def overlapping(self, field: str, start: int, end: int) -> list[ParsedSentence]:
        return [
            p
            for p in self.items
            if p.sentence.field == field and p.sentence.start < end and start < p.sentence.end
        ]


def _speaker(cue: Any, ps: ParsedSentence, index: MentionIndex) -> tuple[str | None, str | None]:
    target = (
        according_target(cue) if cue.lower_ == "according" else subject_of(cue) or agent_of(cue)
    )
    if target is None:
        return None, None
    return resolve_np(target, ps, index)


def _cue_name(cue: Any) -> str:
    return "according to" if cue.lower_ == "according" else str(cue.lemma_.lower())


def _find_cue(
    candidates: Sequence[ParsedSentence], start: int, end: int
) -> tuple[Any, ParsedSentence] | None:
    """The speech cue of a quote at ``[start, end)`` (offsets in the field)."""

    def inside(tok: Any, ps: ParsedSentence) -> bool:
        return bool(start <= ps.offset + tok.idx < end)

    best: tuple[int, Any, ParsedSentence] | None = None
    for ps in candidates:
        for tok in ps.span:
            if not inside(tok, ps):
                continue
            steps, head = 0, tok
            while head.head.i != head.i and steps < 12:
                head, steps = head.head, steps + 1
                if not inside(head, ps) and _is_cue(head):
                    if best is None or steps < best[0]:
                        best = (steps, head, ps)
                    break
    if best is not None:
        return best[1], best[2]
    nearest: tuple[int, Any, ParsedSentence] | None = None
    for ps in candidates:
        for tok in ps.span:
            if inside(tok, ps):
                continue
            if according_target(tok) is not None:
                return tok, ps
            if _is_cue(tok):
                pos = ps.offset + tok.idx
                distance = start - pos if pos < start else pos - end
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, tok, ps)
    return (nearest[1], nearest[2]) if nearest else None


def direct_quotes(
    segments: Sequence[Segment],
    sentences: Sequence[ParsedSentence],
    index: MentionIndex,
) -> list[Quote]:
    """Quotes in quotation marks, with speaker and cue."""
    table = _Sentences(sentences)
    quotes: list[Quote] = []
    for seg in segments:
        previous: Quote | None = None
        for open_at, close_at in _mark_pairs(seg.text):
            a, b = _trim_inner(seg.text, open_at + 1, close_at)
            inner = seg.text[a:b]
            if len(inner.split()) < 2 or len(inner) > _MAX_QUOTE_CHARS:
                continue
            start, end = seg.start + a, seg.start + b
            around = table.overlapping(seg.field, seg.start + open_at, seg.start + close_at + 1)
            if not around:
                continue
            before = seg.text[:open_at].rstrip()
            continues = bool(before) and before[-1] not in _CLAUSE_BREAK and before[-1] not in ".!?"
            kind: Literal["direct", "partial"] = (
                "partial" if (inner[0].islower() or continues) else "direct"
            )
            speaker, key, cue_name = None, None, None
            found = _find_cue(around, seg.start + open_at, seg.start + close_at + 1)
            if found is not None:
                speaker, key = _speaker(found[0], found[1], index)
                cue_name = _cue_name(found[0])
            elif _is_title(inner):
                continue  # a quoted title or name ("Star Wars"), not speech
            elif previous is not None:
                speaker, key, cue_name = previous.speaker, previous.speaker_entity, previous.cue
            quote = Quote(
                text=inner,
                start=start,
                end=end,
                kind=kind,
                speaker=speaker,
                speaker_entity=key,
                cue=cue_name,
                sentence=around[0].sentence.index,
                field=seg.field,
            )
            quotes.append(quote)
            previous = quote
    return quotes


def _content_span(ps: ParsedSentence, first: int, last: int) -> tuple[int, int] | None:
    """Field offsets of tokens ``first..last`` (inclusive), trimmed of marks and punctuation."""
    doc = ps.span.doc
    while first <= last and (
        doc[first].is_punct
        or doc[first].is_space
        or doc[first].dep_ == "mark"
        or doc[first].tag_ == "WDT"
    ):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    if last < first or last - first < 2:
        return None
    return ps.offset + doc[first].idx, ps.offset + doc[last].idx + len(doc[last].text)


_LINKS = ("ccomp", "parataxis", "conj", "advcl")


def _that_clauses(cue: Any) -> list[Any]:
    """Verbs of ``that``-clauses after ``cue`` in its subtree, for parses that hang the
    reported clause elsewhere (``told X when they met that …`` as an adverbial clause)."""
    for tok in cue.subtree:
        if tok.i <= cue.i or tok.pos_ not in ("VERB", "AUX"):
            continue
        if not any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children):
            continue
        head, verbal = tok.head, True
        while head.i != cue.i and head.head.i != head.i:
            verbal = verbal and head.pos_ in ("VERB", "AUX")
            head = head.head
        if verbal:
            return [tok]
    return []


def _clause_before(cue: Any, first: int, stop: int, according: bool) -> bool:
    """Whether tokens ``first..stop-1`` hold a clause that the attribution ``cue`` reports:
    its verb is the cue's complement, or the cue hangs off it (``…, the official said``)."""
    doc = cue.doc
    for tok in doc[first:stop]:
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if according:
            return True
        if tok.head.i == cue.i and tok.dep_ in _LINKS:
            return True
        if cue.head.i == tok.i and cue.dep_ in _LINKS:
            return True
    return False


def _covered(start: int, end: int, spans: Sequence[tuple[int, int]]) -> float:
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return inside / max(1, end - start)


def indirect_quotes(
    sentences: Sequence[ParsedSentence],
    direct: Sequence[Quote],
    index: MentionIndex,
    texts: dict[str, str],
) -> tuple[list[Quote], list[Quote]]:
    """Reported speech; also returns ``direct`` with missing speakers filled from the cues."""
    direct = list(direct)
    found: list[Quote] = []
    for ps in sentences:
        fld = ps.sentence.field
        marks = [(q.start - 1, q.end + 1) for q in direct if q.field == fld]
        sent = ps.span
        doc = sent.doc
        for tok in sent:
            target = according_target(tok)
            if target is None and not _is_cue(tok):
                continue
            if target is not None:
                phrase_start, phrase_end = tok.i, target.right_edge.i
            else:
                subj = subject_of(tok)
                if subj is None or (subj.i > tok.i + 3 and subj.head.i != tok.i):
                    continue
                phrase_start = min(subj.left_edge.i, tok.i) if subj.head.i == tok.i else tok.i
                phrase_end = tok.i
            prev = phrase_start - 1
            while prev > sent.start and doc[prev].text in {'"', "”", "’", "'"}:
                prev -= 1
            span: tuple[int, int] | None = None
            comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i]
            if target is None and not comps:
                comps = _that_clauses(tok)
            if target is None and comps:
                span = _content_span(ps, comps[0].left_edge.i, comps[0].right_edge.i)
            elif prev > sent.start + 1 and doc[prev].text in {",", "—", "–"}:
                if _clause_before(tok, sent.start, prev, target is not None):
                    span = _content_span(ps, sent.start, prev - 1)
            elif target is not None and tok.i <= sent.start + 1:
                span = _content_span(ps, phrase_end + 1, sent.end - 1)
            if span is None:
                continue
            cue_speaker = _speaker(tok, ps, index)
            if _covered(span[0], span[1], marks) >= 0.5:
                for pos, quote in enumerate(direct):
                    inside = quote.field == fld and span[0] <= quote.start <= span[1]
                    if inside and quote.speaker is None and cue_speaker[0] is not None:
                        direct[pos] = replace(
                            quote,
                            speaker=cue_speaker[0],
                            speaker_entity=cue_speaker[1],
                            cue=_cue_name(tok),
                        )
                continue
            if cue_speaker[0] is None:
                continue
            found.append(
                Quote(
                    text=texts[fld][span[0] : span[1]],
                    start=span[0],
                    end=span[1],
                    kind="indirect",
                    speaker=cue_speaker[0],
                    speaker_entity=cue_speaker[1],
                    cue=_cue_name(tok),
                    sentence=ps.sentence.index,
                    field=fld,
                )
            )
    return found, direct


def find_quotes(
    segments: Sequence[Segment],
    sentences: Sequence[ParsedSentence],
    index: MentionIndex,
    texts: dict[str, str],
) -> list[Quote]:
    """Every quote of an article, direct and indirect, in text order."""
    direct = direct_quotes(segments, sentences, index)
    indirect, direct = indirect_quotes(sentences, direct, index, texts)
    quotes = direct + indirect
    quotes.sort(key=lambda q: (q.field != "title", q.start, q.end))
    return quotes
