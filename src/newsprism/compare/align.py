"""Align units across articles into facts.

The score of two units from different articles combines

* the cosine of their MiniLM sentence vectors (paraphrase-aware),
* the overlap of their content words, weighted by rarity in the story (with suffix matches such as
  ``terrorism``/``counterterrorism`` and acronyms such as ``EU``/``European Union``),
* the overlap of their named entities, weighted the same way (names every claim of the story
  carries weigh little),
* their dates: a shared date raises the score, dates that cannot be the same lower it strongly,
* their quantities: two durations of the same thing (``…-hour conversation``) raise it,
* their sources: two reports of what the same source said raise it a little.

Units are then joined greedily, best pair first, into facts holding at most one unit per article;
two groups merge only when every cross pair clears a lower bar, so chains of weak links do not
glue unrelated claims together.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsprism.compare.text import acronyms, initials_of, stem
from newsprism.compare.units import Unit
from newsprism.compare.values import DateRange, date_range

#: Weights of the score components.
W_COS = 0.55
W_LEX = 0.30
W_ENT = 0.15
#: A pair must reach this score to be aligned.
ALIGN_THRESHOLD = 0.52
#: Every cross pair of two merging groups must reach this.
MERGE_FLOOR = 0.30
#: Pairs below this base score are not refined (speed).
CANDIDATE_FLOOR = 0.25
DATE_MATCH_BONUS = 0.08
DATE_CLASH_PENALTY = 0.25
#: A pair scoring this much before date checks is one event even when its dates disagree.
STRONG_MATCH = 0.75
BACKGROUND_PENALTY = 0.12
#: Dates further than this from the story's date are background.
BACKGROUND_DAYS = 7
QUANTITY_BONUS = 0.30
SOURCE_BONUS = 0.05
PHRASE_BONUS = 0.08
#: Shared names weigh (idf / max idf) to this power: the story's protagonists count little.
ENTITY_RARITY_POWER = 3
#: Second pass: mutually best pairs this good are aligned too.
MUTUAL_THRESHOLD = 0.33
#: Granularities precise enough to tell two events apart.
_FINE = frozenset({"day", "week", "month"})
_GENERIC_SOURCES = frozenset(
    {
        "official",
        "officials",
        "readout",
        "statement",
        "spokesman",
        "spokeswoman",
        "sources",
        "source",
        "report",
        "reports",
        "briefing",
        "president",
    }
)


@dataclass(slots=True)
class Alignment:
    groups: list[list[int]]
    """Unit indexes of each aligned group (two or more articles), best first."""
    scores: dict[tuple[int, int], float]
    """Scores of the pairs that joined groups."""
    group_score: list[float]


def _idf(docs: Sequence[Sequence[str]]) -> dict[str, float]:
    df: dict[str, int] = defaultdict(int)
    for d in docs:
        for w in set(d):
            df[w] += 1
    n = max(1, len(docs))
    return {w: math.log(1 + n / c) for w, c in df.items()}


def _weighted_matrix(
    docs: Sequence[Sequence[str]], idf: dict[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    vocab = {w: i for i, w in enumerate(idf)}
    m = np.zeros((len(docs), max(1, len(vocab))), dtype=np.float32)
    for r, d in enumerate(docs):
        for w in set(d):
            m[r, vocab[w]] = 1.0
    weights = np.array([idf[w] for w in vocab] or [0.0], dtype=np.float32)
    return m, weights


def _overlap_scores(docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Rarity-weighted Dice and containment of every pair of token sets."""
    idf = _idf(docs)
    m, w = _weighted_matrix(docs, idf)
    shared = (m * w) @ m.T
    total = m @ w
    denom_sum = total[:, None] + total[None, :]
    denom_min = np.minimum(total[:, None], total[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        dice = np.where(denom_sum > 0, 2 * shared / denom_sum, 0.0)
        cont = np.where(denom_min > 0, shared / denom_min, 0.0)
    return dice.astype(np.float32), cont.astype(np.float32)


def augmented_stems(units: Sequence[Unit]) -> list[list[str]]:
    """Each unit's stems plus the story's stems they contain (``counterterrorism`` also counts as
    ``terrorism``, ``reelection`` as ``election``) and the acronyms they spell out (``European
    Union`` also counts as ``eu`` when some unit says ``EU``)."""
    vocab = {w for u in units for w in u.stems if len(w) >= 5 and w.isalpha()}
    acros = {w for u in units for w in acronyms(u.text)}
    out: list[list[str]] = []
    for u in units:
        extra: list[str] = []
        for w in set(u.stems):
            if len(w) >= 6:
                extra.extend(_contained(w, vocab))
        if acros:
            spelled = initials_of(u.text) & acros
            extra.extend(a.lower() for a in spelled)
        out.append([*u.stems, *extra])
    return out


def _contained(word: str, vocab: set[str]) -> set[str]:
    """The words of ``vocab`` (five letters or more) found inside ``word``, ``word`` itself
    excepted: its substrings looked up in the set, not the set scanned."""
    n = len(word)
    found = {word[i:j] for i in range(n - 4) for j in range(i + 5, n + 1)} & vocab
    found.discard(word)
    return found


def embedding_texts(units: Sequence[Unit]) -> list[str]:
    """Unit texts prepared for the sentence encoder: compounds are split where their tail is a
    word of the story (``counterterrorism`` → ``counter terrorism`` when ``terrorism`` occurs),
    which the word-piece vocabulary of the encoder handles far better."""
    vocab: set[str] = set()
    for u in units:
        vocab.update(w.lower() for w in _WORDS.findall(u.text) if len(w) >= 5)

    def fix(m: re.Match[str]) -> str:
        w = m.group()
        lw = w.lower()
        if len(lw) >= 9:
            for cut in range(3, len(lw) - 4):
                if lw[cut:] in vocab:
                    return f"{w[:cut]} {w[cut:]}"
        return w

    return [_WORDS.sub(fix, u.text) for u in units]


_WORDS = re.compile(r"[A-Za-z]+")


def _quantity_adjust(a: Unit, b: Unit) -> float:
    for qa in a.quantities:
        for qb in b.quantities:
            measured = qa.kind == qb.kind and qa.kind in ("duration", "money", "percent", "measure")
            counted = qa.kind == qb.kind == "count" and qa.unit == qb.unit and qa.value >= 3
            if not (measured or counted):
                continue
            ha, hb = a.extra.get(f"qhead:{qa.start}", ()), b.extra.get(f"qhead:{qb.start}", ())
            if qa.kind == "duration":
                if set(ha) & set(hb):
                    return QUANTITY_BONUS
                continue
            if qa.value == qb.value:
                return QUANTITY_BONUS / 2
    return 0.0


def _norm_phrase(text: str) -> str:
    return " ".join(_ALNUM.findall(text.lower()))


_ALNUM = re.compile(r"[a-z0-9]+")


@dataclass(slots=True)
class _Facets:
    """What the pair adjustments read of one unit, computed once per unit (not once per pair)."""

    text: str
    """The unit's words, normalised (``_norm_phrase``)."""
    quotes: tuple[str, ...]
    """Its quotes of three words or more, normalised."""
    fine: tuple[DateRange, ...]
    """Ranges of its dates precise enough to tell events apart (day, week, month)."""
    phrases: frozenset[str]
    """Its date and interval phrases, normalised."""
    calendar: tuple[DateRange, ...]
    """Ranges of all its calendar dates."""
    has_times: bool
    source: str | None


def _facets(u: Unit) -> _Facets:
    quotes = tuple(q for q in (_norm_phrase(q.text) for q in u.quotes) if len(q.split()) >= 3)
    fine: list[DateRange] = []
    calendar: list[DateRange] = []
    for t in u.times:
        if t.kind == "date" and t.value:
            r = date_range(t.value)
            if r is not None:
                calendar.append(r)
                if t.granularity in _FINE:
                    fine.append(r)
    phrases = frozenset(_norm_phrase(t.text) for t in u.times if t.kind in ("date", "interval"))
    return _Facets(
        _norm_phrase(u.text),
        quotes,
        tuple(fine),
        phrases,
        tuple(calendar),
        bool(u.times),
        _source(u),
    )


def _phrase_adjust(a: _Facets, b: _Facets) -> float:
    """Words quoted in one and found verbatim in the other."""
    for x, y in ((a, b), (b, a)):
        if any(q in y.text for q in x.quotes):
            return PHRASE_BONUS
    return 0.0


def _time_adjust(a: _Facets, b: _Facets, story: DateRange | None) -> float:
    """Dates that agree raise the score; dates that cannot agree give NaN (the caller lowers
    the score unless the rest matches strongly); a far-off (background) date on one side and
    none on the other lowers it a little."""
    da, db = a.fine, b.fine
    if da and db:
        if any(rx.overlaps(ry) for rx in da for ry in db):
            return DATE_MATCH_BONUS
        return math.nan  # a clash: weighed by the caller
    if a.phrases & b.phrases:
        return DATE_MATCH_BONUS
    if story is not None and bool(da) != bool(db):
        dated, other = (a, b) if da else (b, a)
        if not other.has_times and _background(dated.fine, story):
            return -BACKGROUND_PENALTY
    for rx in a.calendar:
        for ry in b.calendar:
            if rx.overlaps(ry) and rx.granularity != ry.granularity:
                return DATE_MATCH_BONUS / 2
    return 0.0


def _background(ranges: Sequence[DateRange], story: DateRange) -> bool:
    """All of the unit's precise dates lie well before or after the story's date."""
    if not ranges:
        return False
    gap = dt.timedelta(days=BACKGROUND_DAYS)
    return all(r.end < story.start - gap or r.start > story.end + gap for r in ranges)


def _entity_evidence(docs: Sequence[Sequence[str]]) -> np.ndarray:
    """Shared names as evidence: each shared name weighs (idf / max idf)³, so one rare name
    counts fully and the story's ever-present protagonists count little; capped at 1."""
    idf = _idf(docs)
    if not idf:
        return np.zeros((len(docs), len(docs)), dtype=np.float32)
    top = max(idf.values())
    weights = {k: (v / top) ** ENTITY_RARITY_POWER for k, v in idf.items()}
    m, w = _weighted_matrix(docs, weights)
    shared = (m * w) @ m.T
    result: np.ndarray = np.minimum(shared, 1.0).astype(np.float32)
    return result


def augmented_entities(units: Sequence[Unit]) -> list[list[str]]:
    """Entity keys plus the story's keys whose name is contained in theirs (``Panama Canal``
    also counts as ``Panama``)."""
    names = {k: k.split(":", 1)[-1] for u in units for k in u.entities}
    patterns = {
        other: re.compile(rf"\b{re.escape(no)}\b") for other, no in names.items() if len(no) >= 4
    }
    inside: dict[str, list[str]] = {}
    for k, nk in names.items():
        inside[k] = [
            other
            for other, pattern in patterns.items()
            if other != k and names[other] in nk and pattern.search(nk)
        ]
    return [sorted({*u.entities, *(o for k in u.entities for o in inside[k])}) for u in units]


def _same_frame(a: Unit, b: Unit) -> bool:
    """Same predicate and subject (``the line`` / ``open``): one statement, whatever its date."""
    ca, cb = a.claim, b.claim
    if ca is None or cb is None or not ca.predicate or not cb.predicate:
        return False
    if stem(ca.predicate.lower()) != stem(cb.predicate.lower()):
        return False
    sa, sb = (ca.subject or "").lower().split(), (cb.subject or "").lower().split()
    return bool(sa and sb and stem(sa[-1]) == stem(sb[-1]))


def _source(u: Unit) -> str | None:
    if not u.attribution:
        return None
    s = u.attribution.lower().removeprefix("the ").strip()
    if s.split()[-1] in _GENERIC_SOURCES:
        return None
    return s


def _source_adjust(a: _Facets, b: _Facets) -> float:
    sa, sb = a.source, b.source
    if sa and sb and (sa == sb or sa in sb or sb in sa):
        return SOURCE_BONUS
    return 0.0


def score_matrix(
    units: Sequence[Unit], vectors: np.ndarray, story_date: str | None = None
) -> np.ndarray:
    """Alignment scores of every pair of units (−1 within one article, for headlines and for
    the words that introduce a list)."""
    story = date_range(story_date) if story_date else None
    n = len(units)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    cos = np.clip(vectors @ vectors.T, -1.0, 1.0) if len(vectors) else np.zeros((n, n))
    dice, cont = _overlap_scores(augmented_stems(units))
    lex = np.maximum(dice, 0.8 * cont)
    ent = _entity_evidence(augmented_entities(units))
    base = W_COS * cos + W_LEX * lex + W_ENT * ent
    arts = np.array([u.article for u in units])
    same = arts[:, None] == arts[None, :]
    heads = np.array([u.headline or u.kind == "frame" for u in units])
    blocked = same | heads[:, None] | heads[None, :]
    base = np.where(blocked, -1.0, base).astype(np.float32)
    rows, cols = np.nonzero(np.triu(base >= CANDIDATE_FLOOR - W_LEX * 0.5, k=1))
    facets: dict[int, _Facets] = {}
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = units[i], units[j]
        fa = facets.get(i) or facets.setdefault(i, _facets(a))
        fb = facets.get(j) or facets.setdefault(j, _facets(b))
        t_adj = _time_adjust(fa, fb, story)
        if math.isnan(t_adj):
            # dates that cannot agree: two different events, unless everything else matches
            # (then it is one event reported with a different date, a difference to report)
            strength = min(1.0, max(0.0, (STRONG_MATCH - float(base[i, j])) / 0.1))
            if _same_frame(a, b):
                strength *= 0.4
            t_adj = -DATE_CLASH_PENALTY * strength
        adj = t_adj + _quantity_adjust(a, b) + _source_adjust(fa, fb)
        adj += _phrase_adjust(fa, fb)
        base[i, j] = base[j, i] = base[i, j] + adj
    return base


def align(
    units: Sequence[Unit],
    scores: np.ndarray,
    threshold: float = ALIGN_THRESHOLD,
    mutual_threshold: float = MUTUAL_THRESHOLD,
) -> Alignment:
    """Greedy one-per-article grouping of units, best pair first. Below ``threshold``, down to
    ``mutual_threshold``, a list item joins a unit when each is the other's best match (short
    list items get low sentence-vector scores even when they name the same topic)."""
    n = len(units)
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    arts_of: dict[int, set[int]] = {i: {units[i].article} for i in range(n)}
    joined: dict[tuple[int, int], float] = {}

    def try_join(i: int, j: int, s: float) -> None:
        gi, gj = group_of[i], group_of[j]
        if gi == gj or arts_of[gi] & arts_of[gj]:
            return
        if any(
            scores[x, y] < MERGE_FLOOR
            for x in members[gi]
            for y in members[gj]
            if units[x].article != units[y].article
        ):
            return
        for x in members[gj]:
            group_of[x] = gi
        members[gi].extend(members.pop(gj))
        arts_of[gi] |= arts_of.pop(gj)
        joined[(i, j)] = s

    iu = np.triu_indices(n, k=1)
    flat = scores[iu]
    order = np.argsort(-flat, kind="stable")
    for k in order.tolist():
        s = float(flat[k])
        if s < mutual_threshold:
            break
        i, j = int(iu[0][k]), int(iu[1][k])
        listed = units[i].kind == "item" or units[j].kind == "item"
        if s >= threshold or (listed and _mutual_best(units, scores, i, j)):
            try_join(i, j, s)
    groups = [sorted(m) for m in members.values() if len(m) > 1]
    gscore = []
    for g in groups:
        inside = [v for (i, j), v in joined.items() if i in g and j in g]
        gscore.append(min(inside) if inside else 0.0)
    pairs = sorted(zip(groups, gscore, strict=True), key=lambda p: (-len(p[0]), -p[1]))
    return Alignment([p[0] for p in pairs], joined, [p[1] for p in pairs])


def _mutual_best(units: Sequence[Unit], scores: np.ndarray, i: int, j: int) -> bool:
    """Whether ``j`` is ``i``'s best match in ``j``'s article and the reverse."""
    ai, aj = units[i].article, units[j].article
    row = scores[i]
    col = scores[j]
    best_j = max((row[k] for k in range(len(units)) if units[k].article == aj), default=-1.0)
    best_i = max((col[k] for k in range(len(units)) if units[k].article == ai), default=-1.0)
    return bool(row[j] >= best_j and col[i] >= best_i)
