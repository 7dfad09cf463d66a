"""Claims cut into the pieces that get aligned: coordinated clauses and list items.

Many facts that two outlets share are single items of an enumeration in one ("discussed A, B,
C and D") and a sentence of their own in the other, so claims are aligned at item level. The
cutting works on part-of-speech tags (the dependency parse of the small English model is too
unreliable on long lists) and runs only on claims with a comma or a coordinating cue:

* clauses: ``…, and she also said …`` / ``…, while …`` / ``…, ending …`` split where the right
  side has its own verb (or a gapped ``X "…" to do Y``);
* comma lists: ``… discussed A, B, C(,) and D`` / ``including A, B and C`` / ``A, as well as B``,
  items being short noun phrases; the first and last items are split once more on an ``and``
  that starts a new noun phrase (``A's plan for X and its cost to Y``);
* two-item lists without commas: ``protecting A of B and the C of D`` (both sides three words
  or more, the second starting with a determiner or a possessive).

A piece is ``(start, end, role)`` with role ``clause``, ``item`` or ``frame`` (the words that
introduce a list: kept only when they carry content of their own).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from newsprism.compare.caches import LRUCache
from newsprism.models import TaggedToken

Role = Literal["clause", "item", "frame"]

_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_VERBISH = frozenset({"VBD", "VBZ", "VBP", "MD", "VB", "VBG", "VBN"})
_LIST_CUES = frozenset({"including", "include", "includes", "being", "like", ":", "notably"})
_CLAUSE_CONJ = frozenset({"and", "but", "while", "whereas", "although", "though", "yet"})
_NP_START = frozenset({"DT", "PRP$", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "CD", "PDT"})
_DET = frozenset({"DT", "PRP$", "PDT"})
_MAX_MIDDLE_ITEM = 10


@dataclass(slots=True, frozen=True)
class Piece:
    start: int
    end: int
    role: Role


def has_cue(text: str) -> bool:
    return "," in text or " and " in text or ";" in text


class _Tokens:
    """The tagged tokens of one text, with helpers over index ranges."""

    def __init__(self, text: list[str], tag: list[str], idx: list[int]) -> None:
        self.text = text
        self.lower: list[str] = [t.lower() for t in text]
        self.tag = tag
        self.idx = idx
        self.n = len(self.text)

    @classmethod
    def of_doc(cls, doc: Any) -> _Tokens:
        return cls([t.text for t in doc], [t.tag_ for t in doc], [t.idx for t in doc])

    def start_char(self, i: int) -> int:
        return self.idx[i]

    def end_char(self, i: int) -> int:
        return self.idx[i] + len(self.text[i])

    def is_finite(self, i: int) -> bool:
        return self.tag[i] in _FINITE

    def attributive(self, i: int) -> bool:
        """A VBG/VBN used as an adjective: "its continued growth", "the rapidly changing"."""
        if self.tag[i] not in ("VBG", "VBN"):
            return False
        if i > 0 and self.tag[i - 1] == "HYPH":
            return True  # "EU-wide rules"
        if i + 1 >= self.n or self.tag[i + 1][:2] not in ("NN", "JJ"):
            return False
        j = i - 1
        while j >= 0 and self.tag[j] in ("RB", "RBR", "HYPH"):
            j -= 1
        return j >= 0 and (self.tag[j] in _DET or self.tag[j] in ("JJ", "POS", "CC", ","))

    def boundary(self, i: int) -> bool:
        """A token after which a noun phrase (a list's first item) starts."""
        if self.lower[i] in _LIST_CUES:
            return True
        return self.tag[i] in _VERBISH and not self.attributive(i)

    def has_verb(self, lo: int, hi: int) -> bool:
        return any(self.is_finite(i) or self.tag[i] == "VB" for i in range(lo, hi + 1))

    def content(self, lo: int, hi: int) -> int:
        return sum(1 for i in range(lo, hi + 1) if self.tag[i][:2] in ("NN", "JJ", "VB", "CD"))


def _trim(tk: _Tokens, lo: int, hi: int) -> tuple[int, int]:
    while lo <= hi and (
        tk.tag[lo] in (",", ":", "CC", "HYPH", "``", "''", ".") or tk.lower[lo] in ("as", "well")
    ):
        lo += 1
    while hi >= lo and tk.tag[hi] in (",", ":", "CC", ".", "HYPH"):
        hi -= 1
    return lo, hi


def _clause_cuts(tk: _Tokens) -> list[int]:
    """Token indexes where a new clause starts (after a comma or semicolon)."""
    cuts: list[int] = []
    seen_finite = False
    for i in range(tk.n):
        if tk.is_finite(i):
            seen_finite = True
        if tk.text[i] not in (",", ";") or not seen_finite or i + 3 >= tk.n:
            continue
        j = i + 1
        if tk.text[i] == ";":
            cuts.append(j)
            seen_finite = False
            continue
        if tk.lower[j] in _CLAUSE_CONJ:
            rest_end = _next_comma(tk, j + 1)
            if tk.has_verb(j + 1, rest_end) and tk.tag[j + 1] in (
                "PRP",
                "NNP",
                "NNPS",
                "DT",
                "NN",
                "NNS",
                "EX",
                "IN",
                "RB",
            ):
                if tk.tag[j + 1] in ("DT", "NN", "NNS") and not any(
                    tk.is_finite(k) for k in range(j + 1, rest_end + 1)
                ):
                    continue  # ", and the opening of …" is a list item, not a clause
                cuts.append(j)
                seen_finite = False
        elif (
            tk.tag[j] == "VBG"
            and not tk.attributive(j)
            and tk.lower[j] not in _LIST_CUES
            and tk.lower[j] != "according"
        ):
            cuts.append(j)  # ", ending the first …"
            seen_finite = False
    return cuts


def _next_comma(tk: _Tokens, i: int) -> int:
    while i < tk.n and tk.text[i] not in (",", ";"):
        i += 1
    return i - 1


def _split_and(tk: _Tokens, lo: int, hi: int, *, loose: bool) -> list[tuple[int, int]]:
    """Split ``lo..hi`` once on an ``and`` that starts a new noun phrase."""
    for k in range(lo + 1, hi):
        if tk.lower[k] not in ("and", "or") or tk.tag[k] != "CC":
            continue
        left = (lo, k - 1)
        right = (k + 1, hi)
        nl, nr = left[1] - left[0] + 1, right[1] - right[0] + 1
        starts_np = tk.tag[k + 1] in _DET or (
            k + 2 <= hi and tk.tag[k + 1] in ("NNP", "NNPS") and tk.tag[k + 2] == "POS"
        )
        if starts_np and nl >= 3 and nr >= 3:
            return [left, right]
        common = ("NN", "NNS", "JJ", "HYPH")
        if loose and nl >= 2 and nr >= 2 and all(tk.tag[x] in common for x in range(k + 1, hi + 1)):
            return [left, right]
    return [(lo, hi)]


def _list_pieces(tk: _Tokens, lo: int, hi: int) -> list[Piece] | None:
    """Items (and frame) of a list inside the clause ``lo..hi``, or None."""
    commas = [i for i in range(lo, hi + 1) if tk.text[i] == ","]
    segs: list[tuple[int, int]] = []
    prev = lo
    for c in commas:
        segs.append((prev, c - 1))
        prev = c + 1
    segs.append((prev, hi))
    segs = [(a, b) for a, b in segs if a <= b]
    # drop an attribution tail: ", according to …", ", the ministry said"
    while len(segs) > 1:
        a, b = segs[-1]
        if tk.lower[a] == "according" or (
            tk.has_verb(a, b) and b - a < 8 and not _starts_conj(tk, a)
        ):
            segs.pop()
            continue
        break
    hi = segs[-1][1]
    items: list[tuple[int, int]] = []
    if len(segs) >= 2:
        last = segs[-1]
        oxford = _starts_conj(tk, last[0])
        middle: list[tuple[int, int]] = []
        k = len(segs) - 2
        while k >= 1:
            a, b = segs[k]
            if (
                tk.tag[a] in _NP_START
                and not tk.has_verb(a, b)
                and b - a + 1 <= _MAX_MIDDLE_ITEM
                and not any(tk.boundary(x) for x in range(a, b + 1))
            ):
                middle.insert(0, (a, b))
                k -= 1
                continue
            break
        head = segs[k]
        first = _first_item(tk, head)
        bnds = [x for x in range(head[0], head[1] + 1) if tk.boundary(x)]
        cued = bool(bnds) and tk.lower[bnds[-1]] in _LIST_CUES
        last_ok = tk.tag[last[0]] in _NP_START or oxford
        if first is not None and last_ok and (middle or oxford or cued):
            last_items = (
                [_trim(tk, *last)] if oxford else _split_and(tk, last[0], last[1], loose=True)
            )
            if oxford or len(last_items) == 2:
                items = [
                    *_split_and(tk, first[0], first[1], loose=False),
                    *middle,
                    *last_items,
                ]
    if not items:
        # a two-item list without commas, in object position
        for a, b in segs:
            for k in range(a + 1, b):
                if tk.lower[k] != "and":
                    continue
                bnd = [x for x in range(a, k) if tk.boundary(x)]
                if not bnd:
                    continue
                parts = _split_and(tk, bnd[-1] + 1, b, loose=False)
                if len(parts) == 2 and not tk.has_verb(parts[0][0], parts[0][1]):
                    items = parts
                    break
            if items:
                break
    items = [_trim(tk, a, b) for a, b in items]
    items = [(a, b) for a, b in items if a <= b]
    if len(items) < 2 or sum(1 for a, b in items if b - a + 1 >= 2) < 2:
        return None
    pieces = [Piece(tk.start_char(a), tk.end_char(b), "item") for a, b in items]
    first_tok = items[0][0]
    if first_tok > lo:
        fa, fb = _trim(tk, lo, first_tok - 1)
        if fa <= fb:
            pieces.insert(0, Piece(tk.start_char(fa), tk.end_char(fb), "frame"))
    return pieces


def _starts_conj(tk: _Tokens, i: int) -> bool:
    return tk.lower[i] in ("and", "or", "plus") or (
        tk.lower[i] == "as" and i + 2 < tk.n and tk.lower[i + 1] == "well"
    )


def _first_item(tk: _Tokens, seg: tuple[int, int]) -> tuple[int, int] | None:
    a, b = seg
    bnd = [x for x in range(a, b + 1) if tk.boundary(x)]
    if bnd:
        start = bnd[-1] + 1
    else:
        preps = [x for x in range(a, b + 1) if tk.tag[x] == "IN"]
        start = preps[-1] + 1 if preps else a
    if start > b:
        return None
    return start, b


def cut(doc: Any) -> list[Piece]:
    """The clauses and list items of one tagged claim (offsets into the claim's text)."""
    return _cut(_Tokens.of_doc(doc))


def cut_tagged(text: str, tokens: Sequence[TaggedToken], base: int) -> list[Piece]:
    """:func:`cut` of ``text`` (which starts at offset ``base``) from tokens tagged elsewhere:
    the analysis's tags of its sentence, in context (see ``Sentence.tokens``). A token that
    runs past either end of the text is cut to it: a claim trimmed of its final full stop ends
    inside ``Mo.`` or ``Md.``, and keeps ``Mo`` as the text alone tagged would."""
    end = base + len(text)
    kept = [(max(s, base), min(e, end), tag) for s, e, tag in tokens if s < end and base < e]
    return _cut(
        _Tokens(
            [text[s - base : e - base] for s, e, _ in kept],
            [tag for _, _, tag in kept],
            [s - base for s, _, _ in kept],
        )
    )


def _cut(tk: _Tokens) -> list[Piece]:
    if tk.n == 0:
        return []
    cuts = _clause_cuts(tk)
    bounds = [0, *cuts, tk.n]
    out: list[Piece] = []
    for lo, nxt in itertools.pairwise(bounds):
        a, b = _trim(tk, lo, nxt - 1)
        if a > b:
            continue
        listed = _list_pieces(tk, a, b)
        if listed:
            out.extend(listed)
        else:
            out.append(Piece(tk.start_char(a), tk.end_char(b), "clause"))
    return out


#: Cuts of sentences already seen in this process, by text (they depend on the text only).
claim_cut_cache: LRUCache[str, list[Piece]] = LRUCache(20_000)


def cut_claims(nlp: Any, texts: Sequence[str]) -> list[list[Piece]]:
    """Pieces of every text; texts without a cue are one clause."""
    out: list[list[Piece]] = [[Piece(0, len(t.rstrip()), "clause")] for t in texts]
    todo: list[int] = []
    for i, t in enumerate(texts):
        if not has_cue(t):
            continue
        hit = claim_cut_cache.get(t)
        if hit is None:
            todo.append(i)
        elif hit:
            out[i] = list(hit)
    if not todo:
        return out
    docs = nlp.pipe(
        [texts[i] for i in todo], disable=["parser", "ner", "lemmatizer"], batch_size=64
    )
    for i, doc in zip(todo, docs, strict=True):
        pieces = cut(doc)
        claim_cut_cache.put(texts[i], list(pieces))
        if pieces:
            out[i] = pieces
    return out
