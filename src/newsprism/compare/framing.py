"""Framing: how each article presents the story, and where two articles frame one event
differently.

Per article: the headline and lead, the words with which they (and any explicit "described …
as …") characterise the event and their tone (conflict / cooperation), hedges, loaded words, the
fact it leads with and the facts others carry that it omits.

Framing differences (never graded ``conflict``: both framings can be partly true):

* the tone of two articles' characterisations of the event differs ("a bitter row" vs "a warm and
  productive meeting");
* on one fact (or two closely related claims sharing a rare word), one article casts a side as
  warning or pressing and the other as promising or reassuring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from newsprism.compare.lexicon import (
    ACTORS,
    COMMITTING_ACTS,
    CONFLICT,
    COOPERATION,
    DESCRIBE,
    EASING,
    HEDGES,
    INTERACTIONS,
    LOADED,
    LOCATIVE,
    NOT_FRAMING,
    PRESSING_ACTS,
    QUALITIES,
)
from newsprism.compare.model import Characterisation, Citation, Difference, Fact, Framing
from newsprism.compare.text import STOPWORDS, stem
from newsprism.compare.units import Unit
from newsprism.models import Article, ArticleAnalysis, SpanField

Tone = Literal["conflict", "cooperation", "neutral"]
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
#: Claims this closely related (alignment score) may be compared for framing without being one fact.
RELATED_SCORE = 0.40
#: A shared word must be this rare (share of units holding it) to tie two claims to one topic.
RARE_SHARE = 0.08
_MAX_CITES = 12
_WEIGHT = {"describe": 3.0, "lead": 2.0, "headline": 1.5}
#: Named-entity labels of actors (people, organisations, peoples, countries).
_ACTOR_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Words either side of a quality word ("tense") in which the interaction it qualifies is found.
_AFTER_WORDS, _BEFORE_WORDS = 4, 6


@dataclass(slots=True)
class _Cue:
    start: int
    end: int
    tone: Tone
    word: str
    quality: bool = False
    """A word that qualifies an interaction ("tense") rather than naming one ("clashed")."""


def _word_tone(word: str) -> Tone:
    s = stem(word.lower())
    w = word.lower()
    if w in NOT_FRAMING or s in NOT_FRAMING:
        return "neutral"
    if w in CONFLICT or s in CONFLICT:
        return "conflict"
    if w in COOPERATION or s in COOPERATION:
        return "cooperation"
    return "neutral"


def tone_cues(text: str, offset: int = 0) -> list[_Cue]:
    """Tone words in ``text`` (easing phrases such as "defuse the dispute" count as cooperation)."""
    cues: list[_Cue] = []
    eased: list[tuple[int, int]] = []
    for m in EASING.finditer(text):
        eased.append((m.start(), m.end()))
        cues.append(_Cue(offset + m.start(), offset + m.end(), "cooperation", m.group()))
    for m in _WORD.finditer(text):
        if any(a <= m.start() < b for a, b in eased):
            continue
        tone = _word_tone(m.group())
        if tone != "neutral":
            w = m.group().lower()
            quality = w in QUALITIES or stem(w) in QUALITIES
            cues.append(_Cue(offset + m.start(), offset + m.end(), tone, m.group(), quality))
    cues.sort(key=lambda c: c.start)
    return cues


@dataclass(slots=True)
class Scene:
    """One article's text with what its analysis found there: the clauses (claims and
    sentences) and the actors named (people, organisations, peoples, countries not used as
    places). Tells whether a tone word characterises an interaction between actors."""

    texts: dict[str, str]
    clauses: list[tuple[SpanField, int, int]]
    actors: list[tuple[SpanField, int, int]]
    names: list[tuple[str, bool]]
    """Names (and aliases) of the actors' name chains; True for people and peoples, which are
    actors even after "in" or "at"."""

    @classmethod
    def of(cls, article: Article, analysis: ArticleAnalysis) -> Scene:
        texts = {"body": article.body, "title": article.title or ""}
        clauses = [(c.field, c.start, c.end) for c in analysis.claims]
        clauses += [(x.field, x.start, x.end) for x in analysis.sentences]
        actors = []
        for m in analysis.mentions:
            if m.label not in _ACTOR_LABELS:
                continue
            personal = m.label in ("PERSON", "NORP")
            if not personal and _placed(texts.get(m.field, ""), m.start):
                continue  # "off Port X", "in Paris": a place
            actors.append((m.field, m.start, m.end))
        names = [
            (n, e.label in ("PERSON", "NORP"))
            for e in analysis.entities
            if e.label in _ACTOR_LABELS
            for n in {e.name, *e.aliases}
            if len(n) > 1
        ]
        return cls(texts, clauses, actors, names)

    def clause(self, fld: SpanField, start: int, end: int) -> tuple[int, int]:
        """The smallest claim (else sentence, else the whole text) holding [start, end)."""
        holders = [(s, e) for f, s, e in self.clauses if f == fld and s <= start and end <= e]
        if holders:
            return min(holders, key=lambda x: x[1] - x[0])
        return 0, len(self.texts.get(fld, ""))

    def has_actors(self, fld: SpanField, start: int, end: int) -> bool:
        """Whether actors are named in [start, end): by name, or by role ("the two leaders")."""
        if any(f == fld and start <= s and e <= end for f, s, e in self.actors):
            return True
        full = self.texts.get(fld, "")
        text = full[start:end]
        if any(_listed(w, ACTORS) for w in _WORD.findall(text)):
            return True
        for name, personal in self.names:  # names the analysis did not mark here (a title)
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                if personal or not _placed(full, start + m.start()):
                    return True
        return False

    def frames(self, fld: SpanField, cue: _Cue) -> bool:
        """Whether a tone word characterises an interaction between actors: a word naming an
        interaction ("clashed", "a row") needs actors in its clause; a quality word ("tense")
        needs the interaction it qualifies close by ("tense talks", "relations were tense")."""
        start, end = self.clause(fld, cue.start, cue.end)
        if not cue.quality:
            return self.has_actors(fld, start, end)
        text = self.texts.get(fld, "")
        after = _WORD.findall(text[cue.end : end])[:_AFTER_WORDS]
        before = _WORD.findall(text[start : cue.start])[-_BEFORE_WORDS:]
        return any(_listed(w, INTERACTIONS) for w in after + before)


def _phrase(text: str, start: int, end: int, max_words: int = 6) -> tuple[int, int]:
    """Widen a cue to a short phrase: the cue and up to ``max_words`` following words."""
    stop = re.compile(r"[.;:!?,\n]")
    m = stop.search(text, end)
    limit = m.start() if m else len(text)
    pos = end
    for _ in range(max_words - 1):
        w = _WORD.search(text, pos, limit)
        if w is None:
            break
        pos = w.end()
    return start, pos


def _describe(text: str) -> list[tuple[int, int, str, str]]:
    """Explicit characterisations: (start, end, words, what) of "described <what> as <words>"."""
    out = []
    for m in DESCRIBE.finditer(text):
        desc_start = m.start("desc")
        words = list(_WORD.finditer(m.group("desc")))
        kept = []
        for w in words:
            lw = w.group().lower()
            if lw in STOPWORDS and lw not in ("and", "but", "yet"):
                break
            kept.append(w)
        if not kept:
            continue
        while kept and kept[-1].group().lower() in ("and", "but", "yet"):
            kept.pop()
        if not kept:
            continue
        s = desc_start + kept[0].start()
        e = desc_start + kept[-1].end()
        out.append((s, e, text[s:e], m.group("obj")))
    return out


def _listed(word: str, words: frozenset[str]) -> bool:
    w = word.lower()
    return w in words or stem(w) in words


def _placed(text: str, start: int) -> bool:
    """Whether the name at ``start`` follows a locative preposition ("off the Port X")."""
    before = _WORD.findall(text[max(0, start - 24) : start])
    while before and before[-1].lower() in ("the", "a", "an"):
        before.pop()
    return bool(before) and before[-1].lower() in LOCATIVE


def _describes(scene: Scene, cue: _Cue, what: str) -> bool:
    """Whether a tone word of "described <what> as <words>" characterises an interaction: the
    thing described is one ("the call"), or the word names one and actors take part."""
    if any(_listed(w, INTERACTIONS) for w in _WORD.findall(what)):
        return True
    return not cue.quality and scene.frames("body", cue)


def _lead_sentences(analysis: ArticleAnalysis, article: Article) -> list[tuple[int, int]]:
    """The first paragraph's sentences (at most two) outside headings."""
    body = [s for s in analysis.sentences if s.field == "body" and not s.is_heading]
    if not body:
        return []
    first = body[0]
    out = [(first.start, first.end)]
    if len(body) > 1:
        second = body[1]
        between = article.body[first.end : second.start]
        if (
            "\n\n" not in between
            and len(out) < 2
            and len(article.body[first.start : first.end]) < 120
        ):
            out.append((second.start, second.end))
    return out


def _headline(article: Article) -> tuple[str | None, Citation | None]:
    if article.title:
        t = article.title
        return t, Citation(article.id, 0, len(t), t, "title")
    for h in article.headings:
        if h.level == "headline":
            return h.text, Citation(article.id, h.start, h.end, h.text, "body")
    return None, None


def characterise(article: Article, analysis: ArticleAnalysis) -> list[Characterisation]:
    """The tone words of the headline, the lead and explicit characterisations."""
    out: list[Characterisation] = []
    scene = Scene.of(article, analysis)
    head, cite = _headline(article)
    if head and cite:
        src = article.title if cite.field == "title" else article.body
        for c in tone_cues(head, cite.start):
            if not scene.frames(cite.field, c):
                continue
            s, e = _phrase(src or "", c.start, c.end, 3)
            out.append(
                Characterisation(
                    src[s:e] if src else c.word,
                    c.tone,
                    Citation(article.id, s, e, (src or "")[s:e], cite.field),
                    "headline",
                )
            )
    body = article.body
    for s0, e0 in _lead_sentences(analysis, article):
        for c in tone_cues(body[s0:e0], s0):
            if not scene.frames("body", c):
                continue
            s, e = _phrase(body, c.start, c.end, 5)
            out.append(
                Characterisation(body[s:e], c.tone, Citation(article.id, s, e, body[s:e]), "lead")
            )
    for s, e, words, what in _describe(body):
        tones = [c.tone for c in tone_cues(words, s) if _describes(scene, c, what)]
        tone: Tone = "neutral"
        if tones:
            tone = max(set(tones), key=tones.count)
        out.append(Characterisation(words, tone, Citation(article.id, s, e, body[s:e]), "body"))
    return out


def overall_tone(chars: Sequence[Characterisation]) -> str:
    score = {"conflict": 0.0, "cooperation": 0.0}
    for c in chars:
        if c.tone == "neutral":
            continue
        w = _WEIGHT["describe"] if c.where == "body" else _WEIGHT[c.where]
        score[c.tone] += w
    if not score["conflict"] and not score["cooperation"]:
        return "neutral"
    if score["conflict"] >= 2 * score["cooperation"] and score["conflict"] > 0:
        return "conflict"
    if score["cooperation"] >= 2 * score["conflict"] and score["cooperation"] > 0:
        return "cooperation"
    return "mixed"


def _find_terms(
    article: Article, terms: Sequence[str] | frozenset[str], limit: int
) -> list[Citation]:
    body = article.body
    out: list[Citation] = []
    if isinstance(terms, frozenset):
        for m in _WORD.finditer(body):
            if m.group().lower() in terms:
                out.append(Citation(article.id, m.start(), m.end(), m.group()))
    else:
        for t in terms:
            for m in re.finditer(rf"\b{re.escape(t)}\b", body, re.IGNORECASE):
                out.append(Citation(article.id, m.start(), m.end(), m.group()))
    out.sort(key=lambda c: c.start)
    return out[:limit]


def article_framing(
    article: Article,
    analysis: ArticleAnalysis,
    units: Sequence[Unit],
    facts: Sequence[Fact],
    fact_of_unit: dict[int, str],
) -> Framing:
    chars = characterise(article, analysis)
    head, _ = _headline(article)
    leads = _lead_sentences(analysis, article)
    lead = None
    leads_with = leads_with_text = None
    if leads:
        s, e = leads[0]
        lead = Citation(article.id, s, e, article.body[s:e])
        first_units = [
            u
            for u in units
            if u.article_id == article.id and u.field == "body" and s <= u.start < e
        ]
        for u in first_units:
            if u.index in fact_of_unit:
                leads_with = fact_of_unit[u.index]
                leads_with_text = u.text
                break
    mine = {f.id for f in facts if any(c.article == article.id for c in f.support)}
    omits = [f.id for f in facts if f.id not in mine and not f.headline]
    return Framing(
        article=article.id,
        headline=head,
        lead=lead,
        characterisations=chars,
        tone=overall_tone(chars),  # type: ignore[arg-type]
        hedges=_find_terms(article, HEDGES, _MAX_CITES),
        loaded_words=_find_terms(article, LOADED, _MAX_CITES),
        leads_with=leads_with,
        leads_with_text=leads_with_text,
        omits=omits,
    )


def _strongest(chars: Sequence[Characterisation], tone: str) -> Characterisation | None:
    rank = {"body": 0, "lead": 1, "headline": 2}
    cands = [c for c in chars if c.tone == tone]
    if not cands:
        return None
    return min(cands, key=lambda c: (rank[c.where], c.cite.start))


def tone_differences(
    framings: Sequence[Framing], labels: dict[str, str], main_fact: str | None
) -> list[Difference]:
    """One framing difference when some articles frame the event as conflict and others as
    cooperation."""
    conflict = [f for f in framings if f.tone == "conflict"]
    coop = [f for f in framings if f.tone == "cooperation"]
    if not conflict or not coop:
        return []
    sides: list[Citation] = []
    words_a: list[str] = []
    words_b: list[str] = []
    for f in conflict:
        c = _strongest(f.characterisations, "conflict")
        if c:
            sides.append(c.cite)
            words_a.append(f'{labels.get(f.article, f.article)}: "{c.text}"')
    for f in coop:
        c = _strongest(f.characterisations, "cooperation")
        if c:
            sides.append(c.cite)
            words_b.append(f'{labels.get(f.article, f.article)}: "{c.text}"')
    return [
        Difference(
            kind="framing",
            grade="unclear",
            fact=main_fact,
            sides=sides,
            explanation=(
                "The event is framed as a confrontation by "
                + "; ".join(words_a)
                + " and as cooperative by "
                + "; ".join(words_b)
                + ". Both can be partly true."
            ),
        )
    ]


def _acts(u: Unit, text: str) -> list[tuple[int, int, str]]:
    """Speech-act cues in a unit: (start, end, "pressing"|"committing")."""
    out = []
    seg = text[u.start : u.end]
    for m in _WORD.finditer(seg):
        s = stem(m.group().lower())
        w = m.group().lower()
        if s in PRESSING_ACTS or w in PRESSING_ACTS:
            out.append((u.start + m.start(), u.start + m.end(), "pressing"))
        elif s in COMMITTING_ACTS or w in COMMITTING_ACTS:
            out.append((u.start + m.start(), u.start + m.end(), "committing"))
    return out


def act_differences(
    units: Sequence[Unit],
    scores: np.ndarray,
    texts: dict[str, str],
    fact_of_unit: dict[int, str],
    labels: dict[str, str],
) -> list[Difference]:
    """Warning vs promise framings of one fact (or of two closely related claims)."""
    df: dict[str, int] = {}
    for u in units:
        for w in set(u.stems):
            df[w] = df.get(w, 0) + 1
    rare_limit = max(2, int(RARE_SHARE * len(units)))
    acts = {u.index: _acts(u, texts[u.article_id + u.field]) for u in units if not u.headline}
    out: list[Difference] = []
    seen: set[tuple[int, int]] = set()
    for u in units:
        for a_start, a_end, kind_a in acts.get(u.index, []):
            if kind_a != "pressing":
                continue
            for v in units:
                if v.article == u.article or v.headline:
                    continue
                same_fact = fact_of_unit.get(u.index) is not None and fact_of_unit.get(
                    u.index
                ) == fact_of_unit.get(v.index)
                shared = {w for w in set(u.stems) & set(v.stems) if df.get(w, 0) <= rare_limit}
                if not same_fact and (scores[u.index, v.index] < RELATED_SCORE or not shared):
                    continue
                for b_start, b_end, kind_b in acts.get(v.index, []):
                    if kind_b != "committing" or (u.index, v.index) in seen:
                        continue
                    seen.add((u.index, v.index))
                    tu, tv = texts[u.article_id + u.field], texts[v.article_id + v.field]
                    s1, e1 = _phrase(tu, a_start, a_end, 6)
                    s2, e2 = _phrase(tv, _np_start(tv, b_start, v.start), b_end, 7)
                    out.append(
                        Difference(
                            kind="framing",
                            grade="unclear",
                            fact=fact_of_unit.get(u.index) or fact_of_unit.get(v.index),
                            sides=[
                                Citation(u.article_id, s1, e1, tu[s1:e1], u.field),
                                Citation(v.article_id, s2, e2, tv[s2:e2], v.field),
                            ],
                            explanation=(
                                f"{labels.get(u.article_id, u.article_id)} presents it as a "
                                f'warning ("{tu[s1:e1]}"); '
                                f"{labels.get(v.article_id, v.article_id)} as a promise "
                                f'("{tv[s2:e2]}").'
                            ),
                        )
                    )
    return out


def _np_start(text: str, cue_start: int, floor: int) -> int:
    """Include a possessor before a nominal cue: "X's promise" starts at X."""
    before = text[max(floor, cue_start - 40) : cue_start]
    m = re.search(r"([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)['’]s\s+$", before)
    if m:
        return cue_start - len(before) + m.start(1)
    return cue_start
