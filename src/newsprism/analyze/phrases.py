"""Noun-phrase helpers over the dependency parse: subjects, speakers, compact phrases."""

from __future__ import annotations

from typing import Any

from newsprism.analyze.entities import MentionIndex
from newsprism.analyze.lexicon import DETERMINERS, PERSON_PRONOUNS, SOURCE_NOUNS
from newsprism.analyze.sentences import ParsedSentence

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_INHERIT = ("conj", "xcomp", "advcl", "acl", "relcl")
_NP_LEFT = ("amod", "compound", "nmod", "nummod", "poss", "quantmod", "npadvmod")
_FUNCTION_TAGS = ("WDT", "WP", "WP$", "PRP", "PRP$", "EX", "DT", "IN")
#: Sentences back that a he/she may reach for its person.
PRONOUN_REACH = 3


def subject_of(verb: Any) -> Any | None:
    """The subject token of a clause head, inherited through coordination and complements."""
    tok = verb
    for _ in range(4):
        for child in tok.children:
            if child.dep_ in _SUBJECTS:
                return child
        if tok.dep_ == "relcl" and tok.head.i != tok.i:
            return tok.head
        if tok.dep_ not in _INHERIT or tok.head.i == tok.i:
            return None
        tok = tok.head
    return None


def according_target(tok: Any) -> Any | None:
    """The ``X`` of ``according to X`` when ``tok`` is "according"."""
    if tok.lower_ != "according" or tok.i + 1 >= len(tok.doc):
        return None
    nxt = tok.doc[tok.i + 1]
    if nxt.lower_ != "to":
        return None
    for child in nxt.children:
        if child.dep_ == "pobj":
            return child
    return None


def agent_of(verb: Any) -> Any | None:
    """``by X`` of a passive verb."""
    for child in verb.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def compact_np(head: Any) -> str:
    """The head noun with its pre-modifiers, without determiners and relative clauses:
    ``"A senior administration official who spoke …"`` → ``"senior administration official"``."""
    doc = head.doc
    lefts = [c for c in head.lefts if c.dep_ in _NP_LEFT]
    first = min((c.left_edge.i for c in lefts), default=head.i)
    while first < head.i and (doc[first].lower_ in DETERMINERS or doc[first].is_punct):
        first += 1
    last = head.i
    # keep a flat name such as "Jane Roe" whole when the head is its first word
    while last + 1 < len(doc) and doc[last + 1].dep_ == "flat":
        last += 1
    return " ".join(doc[first : last + 1].text.split())


def resolve_np(head: Any, ps: ParsedSentence, index: MentionIndex) -> tuple[str | None, str | None]:
    """``(name, entity key)`` for the noun phrase headed by ``head``.

    The canonical name when the head (or its apposition, or the author of a source noun such as
    "readout"/"spokesman") is a chained entity; he/she → the last person mentioned; other
    pronouns → unknown; else the compact noun phrase with no key."""
    fld = ps.sentence.field
    mention = index.at(fld, ps.offset + head.idx)
    if mention is not None:
        return index.name(mention.entity), mention.entity
    if head.pos_ == "PRON" or head.tag_ in _FUNCTION_TAGS:
        if head.lower_ in PERSON_PRONOUNS:
            person = index.last_person(fld, ps.offset + head.idx, ps.sentence.index - PRONOUN_REACH)
            if person is not None:
                return index.name(person.entity), person.entity
        return None, None
    for child in head.children:
        if child.dep_ == "appos":
            found = index.at(fld, ps.offset + child.idx)
            if found is not None:
                return index.name(found.entity), found.entity
    if head.lemma_.lower() in SOURCE_NOUNS:
        for child in head.lefts:
            if child.dep_ in ("poss", "compound", "nmod", "amod"):
                for tok in child.subtree:
                    found = index.at(fld, ps.offset + tok.idx)
                    if found is not None and found.label in ("PERSON", "ORG", "GPE"):
                        return index.name(found.entity), found.entity
    text = compact_np(head)
    return (text or None), None
