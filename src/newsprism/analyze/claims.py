"""Claims: clause-level statements cut from sentences with the dependency parse.

A sentence is split at clause heads: its root; coordinated finite verbs (``…, and he raised …``);
adverbial clauses other than conditions (``while …``, ``…, marking …``); parataxis; and the
content clause of a speech verb (``X said [that …]``), whose bare attribution clause (``the
official said``) is then dropped: the content keeps the speaker as its ``attribution``.
Relative clauses, infinitives and conditions (``if …``) stay with their clause. Each clause
with at least a verb becomes a claim; a heading becomes one claim as a whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from newsprism.analyze.entities import MentionIndex
from newsprism.analyze.lexicon import (
    CONDITIONAL_MARKS,
    HEDGE_MODALS,
    HEDGE_PATTERNS,
    LIGHT_VERBS,
    NEGATIVE_WORDS,
    SPEECH_VERBS,
)
from newsprism.analyze.phrases import according_target, resolve_np, subject_of
from newsprism.analyze.sentences import ParsedSentence
from newsprism.analyze.time_ties import time_ties
from newsprism.models import Claim, Quantity, Quote, TimeExpr

_VERBAL = ("VERB", "AUX")
_FINITE = ("VBD", "VBZ", "VBP", "MD")
_TRIM_LEAD = ("punct", "cc", "mark")
#: Content words (beyond the subject) a speech clause needs to stand as a claim of its own.
_TRIVIAL_WORDS = 4


def claim_id(article_id: str, field: str, start: int, end: int) -> str:
    """Short content hash of the claim's place: stable across re-runs."""
    return hashlib.sha1(f"{article_id}|{field}|{start}|{end}".encode()).hexdigest()[:16]


def _is_speech(tok: Any) -> bool:
    return bool(tok.pos_ == "VERB" and str(tok.lemma_).lower() in SPEECH_VERBS)


def _splits(tok: Any, heads: dict[int, Any]) -> bool:
    if tok.pos_ not in _VERBAL:
        return False
    dep = tok.dep_
    if dep == "conj":
        if tok.head.i not in heads:
            return False
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        has_modal = any(c.tag_ == "MD" for c in tok.children)
        return bool(has_subject or has_modal or tok.tag_ in _FINITE)
    if dep == "advcl":
        marks = {c.lower_ for c in tok.children if c.dep_ == "mark"}
        infinitive = any(c.tag_ == "TO" for c in tok.children)
        return not (marks & CONDITIONAL_MARKS) and not infinitive
    if dep == "ccomp":
        return bool(tok.head.i in heads) and _is_speech(tok.head)
    return bool(dep == "parataxis")


def clause_heads(sent: Any) -> dict[int, Any]:
    """Token index → clause head token, for one sentence span."""
    base = sent.start
    parents = [tok.head.i - base for tok in sent]
    depths = [0] * len(parents)
    for pos in range(len(parents)):
        node, depth = pos, 0
        while parents[node] != node and depth < len(parents):
            node, depth = parents[node], depth + 1
        depths[pos] = depth
    heads = {sent.root.i: sent.root}
    for pos in sorted(range(len(parents)), key=depths.__getitem__):
        tok = sent[pos]
        if tok.i not in heads and _splits(tok, heads):
            heads[tok.i] = tok
    return heads


def _own_tokens(sent: Any, heads: dict[int, Any]) -> dict[int, list[Any]]:
    """Each token goes to its nearest clause head above it (itself included)."""
    base = sent.start
    tokens = list(sent)
    parents = [tok.head.i - base for tok in tokens]
    owner: list[int] = [-1] * len(tokens)
    for pos in range(len(tokens)):
        node, steps, path = pos, 0, []
        while owner[node] < 0 and node + base not in heads and steps < len(tokens):
            path.append(node)
            if parents[node] == node:
                break
            node, steps = parents[node], steps + 1
        found = owner[node] if owner[node] >= 0 else node + base
        if found not in heads:
            found = sent.root.i
        for item in [*path, node]:
            if owner[item] < 0 and item + base not in heads:
                owner[item] = found
    own: dict[int, list[Any]] = {i: [] for i in heads}
    for pos, tok in enumerate(tokens):
        own[tok.i if tok.i in heads else owner[pos]].append(tok)
    return own


#: Symbols spaCy marks as punctuation that belong to a number ("60%", "$5", "30°").
_NUMBER_SIGNS = frozenset({"%", "‰", "°", "$", "€", "£", "¥", "#"})


def _punct(tok: Any) -> bool:
    return bool(tok.is_punct) and tok.text not in _NUMBER_SIGNS


def _trimmed(tokens: list[Any]) -> list[Any]:
    tokens = sorted(tokens, key=lambda t: t.i)
    while tokens and (tokens[0].dep_ in _TRIM_LEAD or tokens[0].is_space or _punct(tokens[0])):
        tokens.pop(0)
    while tokens and (
        _punct(tokens[-1]) or tokens[-1].is_space or tokens[-1].dep_ in ("cc", "mark")
    ):
        tokens.pop()
    return tokens


def _predicate(head: Any, tokens: Sequence[Any]) -> str | None:
    tok = head
    if tok.pos_ not in _VERBAL:
        verbs = [t for t in tokens if t.pos_ in _VERBAL]
        if not verbs:
            return None
        tok = verbs[0]
    for _ in range(4):
        if tok.lemma_.lower() not in LIGHT_VERBS:
            break
        comps = [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ in _VERBAL]
        if not comps:
            break
        tok = comps[0]
    return str(tok.lemma_.lower())


def _negated(head: Any, tokens: Sequence[Any]) -> bool:
    ids = {t.i for t in tokens}
    for tok in tokens:
        if tok.dep_ == "neg":
            return True
        negative = tok.lower_ in NEGATIVE_WORDS and tok.head.i in ids
        if negative and head.i in (tok.head.i, tok.head.head.i):
            return True
    return False


def _hedges(text: str, tokens: Sequence[Any], sentence_according: bool) -> tuple[str, ...]:
    lowered = text.lower()
    found = [
        name
        for name, trigger, pattern in HEDGE_PATTERNS
        if trigger in lowered and pattern.search(lowered)
    ]
    for tok in tokens:
        if tok.tag_ == "MD" and tok.lower_ in HEDGE_MODALS and tok.lower_ not in found:
            found.append(tok.lower_)
    if sentence_according and "according to" not in found:
        found.append("according to")
    return tuple(found)


def _trivial_speech(head: Any, tokens: Sequence[Any], heads: dict[int, Any]) -> bool:
    if not _is_speech(head):
        return False
    if not any(c.i in heads and c.dep_ == "ccomp" for c in head.children):
        return False
    subj = subject_of(head)
    subject_ids = {t.i for t in subj.subtree} if subj is not None else set()
    words = [t for t in tokens if not t.is_punct and not t.is_space and t.i not in subject_ids]
    return len(words) <= _TRIVIAL_WORDS


def _according_in(ps: ParsedSentence, index: MentionIndex) -> str | None:
    """The ``X`` of an ``according to X`` in the sentence, resolved."""
    for tok in ps.span:
        if tok.lower_ == "according":
            target = according_target(tok)
            if target is not None:
                return resolve_np(target, ps, index)[0]
    return None


def _attribution(
    ps: ParsedSentence, start: int, end: int, quotes: Sequence[Quote], according: str | None
) -> tuple[str | None, bool]:
    """``according to X``, else the speaker of the innermost quote covering the claim."""
    if according:
        return according, True
    fld = ps.sentence.field
    best: Quote | None = None
    length = max(1, end - start)
    for quote in quotes:
        if quote.field != fld or quote.speaker is None:
            continue
        overlap = min(end, quote.end) - max(start, quote.start)
        if overlap >= 0.5 * length and (
            best is None or quote.end - quote.start < best.end - best.start
        ):
            best = quote
    return (best.speaker if best else None), False


def _make(
    article_id: str,
    ps: ParsedSentence,
    head: Any,
    tokens: list[Any],
    ctx: _Context,
) -> Claim | None:
    tokens = _trimmed(tokens)
    if not tokens:
        return None
    heading = ps.sentence.is_heading
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    if not heading and (len(words) < 3 or not any(t.pos_ in _VERBAL for t in tokens)):
        return None
    fld = ps.sentence.field
    start = ps.offset + tokens[0].idx
    end = ps.offset + tokens[-1].idx + len(tokens[-1].text)
    text = ctx.texts[fld][start:end]
    subj = subject_of(head) if head.pos_ in _VERBAL else None
    subject = resolve_np(subj, ps, ctx.index)[0] if subj is not None else None
    attribution, according = _attribution(ps, start, end, ctx.quotes, ctx.according)
    keys: list[str] = []
    for mention in ctx.index.within(fld, start, end):
        if mention.entity not in keys:
            keys.append(mention.entity)
    times = tuple(
        i for i, t in enumerate(ctx.times) if t.field == fld and start <= t.start and t.end <= end
    )
    span = tokens[0].doc[tokens[0].i : tokens[-1].i + 1]
    ties = time_ties(
        span, [(ctx.times[i].start - ps.offset, ctx.times[i].end - ps.offset) for i in times]
    )
    return Claim(
        id=claim_id(article_id, fld, start, end),
        sentence=ps.sentence.index,
        start=start,
        end=end,
        text=text,
        subject=subject,
        predicate=_predicate(head, tokens),
        entities=tuple(keys),
        quantities=tuple(
            i
            for i, q in enumerate(ctx.quantities)
            if q.field == fld and start <= q.start and q.end <= end
        ),
        times=times,
        time_ties=ties,
        attribution=attribution,
        hedges=_hedges(text, tokens, according),
        negated=_negated(head, tokens),
        is_headline=heading,
        field=fld,
    )


class _Context:
    def __init__(
        self,
        texts: dict[str, str],
        index: MentionIndex,
        quotes: Sequence[Quote],
        times: Sequence[TimeExpr],
        quantities: Sequence[Quantity],
    ) -> None:
        self.texts = texts
        self.index = index
        self.quotes = quotes
        self.times = times
        self.quantities = quantities
        self.according: str | None = None


def find_claims(
    article_id: str,
    sentences: Sequence[ParsedSentence],
    texts: dict[str, str],
    index: MentionIndex,
    quotes: Sequence[Quote],
    times: Sequence[TimeExpr],
    quantities: Sequence[Quantity],
) -> list[Claim]:
    """The claims of every sentence, in text order."""
    ctx = _Context(texts, index, quotes, times, quantities)
    claims: list[Claim] = []
    for ps in sentences:
        sent = ps.span
        ctx.according = _according_in(ps, index)
        if ps.sentence.is_heading:
            claim = _make(article_id, ps, sent.root, list(sent), ctx)
            if claim is not None:
                claims.append(claim)
            continue
        heads = clause_heads(sent)
        own = _own_tokens(sent, heads)
        for i in sorted(heads):
            head = heads[i]
            if _trivial_speech(head, own[i], heads):
                continue
            claim = _make(article_id, ps, head, own[i], ctx)
            if claim is not None:
                claims.append(claim)
    return claims
