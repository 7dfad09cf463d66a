"""How a time expression is tied to the event of the claim it sits in (read from the parse).

A claim is dated by a time expression that modifies its main verb, through prepositions, or
through the object of "during"/"at"/"amid" ("met … during the November summit"), or the subject
of the main verb ("the Monday collision left …"); a date that modifies another word ("warned X
against meddling in the election in November") does not date the claim.

The parse is that of a span: the claim within its sentence (the analysis, in context), or a doc
of the claim's text alone (the compare stage, for analyses made before ties were kept). The
span's roots are its tokens whose head lies outside it (or is the token itself): a claim cut
from ``X said [that …]`` has the content clause's verb as its main verb.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: How closely a time expression is tied to the claim's event (lower is closer).
VERB, SUBJECT = 0, 1

#: Prepositions whose object dates the verb it hangs on ("during the November summit").
_TEMPORAL_PREPS = frozenset({"during", "at", "amid", "amidst", "throughout"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})
#: How a time expression attaches before a noun ("the 2024 election", "Tuesday's call").
_PRENOMINAL = frozenset({"compound", "nummod", "poss", "amod", "nmod"})
#: Subordinators of a clause that shares its head's time.
_WHEN = frozenset({"when", "as", "while"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: Links from a verb up to the main verb that keep it the same event ("is set to travel").
_SAME_EVENT = frozenset({"xcomp", "conj", "aux", "auxpass"})


def _is_root(span: Any, tok: Any) -> bool:
    head = tok.head.i
    return bool(head == tok.i or not span.start <= head < span.end)


def _main_verbs(span: Any) -> set[int]:
    """Token indexes of the main verb of each root of ``span`` and its same-event chain. A
    clause parsed as a noun phrase ("The river bridge [reopened on Monday]": the verb as a
    clause on the noun) has that verb as its main verb."""
    roots: set[int] = set()
    for tok in span:
        if not _is_root(span, tok):
            continue
        roots.add(tok.i)
        if tok.pos_ not in ("VERB", "AUX"):
            roots.update(c.i for c in tok.children if c.dep_ == "acl" and c.pos_ == "VERB")
    out: set[int] = set()
    for tok in span:
        node, steps = tok, 0
        while node.i not in roots and node.dep_ in _SAME_EVENT and steps < 8:
            node, steps = node.head, steps + 1
        if node.i in roots:
            out.add(tok.i)
    return out


def _tie(span: Any, main: set[int], start: int, end: int) -> int | None:
    inside = [t for t in span if t.idx < end and start < t.idx + len(t.text)]
    if not inside:
        return None
    ids = {t.i for t in inside}
    prev = next(t for t in inside if t.head.i not in ids or t.head.i == t.i)
    passed = 0
    for _ in range(len(span)):
        if _is_root(span, prev):
            return VERB  # the expression is (part of) the root: a fragment
        node = prev.head
        prenominal = prev.i in ids and prev.dep_ in _PRENOMINAL
        prev = node
        if node.i in ids:
            continue
        if node.i in main and node.pos_ in ("VERB", "AUX"):
            return VERB
        if node.pos_ in ("VERB", "AUX"):
            if node.dep_ == "advcl" and any(
                c.lower_ in _WHEN and c.dep_ in ("advmod", "mark") for c in node.children
            ):
                continue  # "killed when the ferry hit … on Monday": the same time
            return None  # a subordinate verb: not the claim's event
        if _is_root(span, node):
            return VERB  # a verbless fragment
        if node.pos_ in _NOMINAL:
            if node.dep_ in _SUBJECTS and node.head.i in main:
                return SUBJECT
            if node.dep_ == "pobj" and node.head.lower_ in _TEMPORAL_PREPS:
                continue  # "during the November summit"
            if prenominal:
                return None
            if node.pos_ == "PROPN" and node.dep_ == "pobj":
                continue  # "in Munich in February": a place does not take a date
            if passed == 0:
                passed += 1
                continue
            return None
    return None


def time_ties(span: Any, times: Sequence[tuple[int, int]]) -> tuple[int | None, ...]:
    """How each time expression at characters ``[start, end)`` of the span's doc is tied to
    the span's event: ``VERB``, ``SUBJECT`` or None (it modifies some other word).

    A time after a noun ("a call on Tuesday", "their meeting last November") may belong to the
    noun or to the verb above it (the parse cannot tell): one such noun is passed over. A time
    before a noun ("the 2024 election", "Tuesday's call") belongs to the noun."""
    if not times:
        return ()
    main = _main_verbs(span)
    return tuple(_tie(span, main, start, end) for start, end in times)
