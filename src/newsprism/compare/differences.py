"""Differences between aligned claims: precise rules over normalised values.

Applied only to the claims of one fact (never to "any two numbers in the story"):

* ``number`` / ``duration``: quantities of one unit describing the same thing, compared as the
  intervals their approximation allows ("nearly two hours" and 105 minutes are compatible);
* ``date``: calendar dates compared at their granularity ("in April" holds "April 2");
* ``quote_wording``: words quoted from one speaker that one article reproduces differently,
  compared word by word (a drift in wording, not a contradiction, unless a negation flips);
* ``attribution``: the same quoted words given to two different speakers;
* ``negation``: one claim says what the other denies (same predicate and subject).

A difference is graded ``conflict`` only when the two values cannot both be true.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsprism.compare.model import Citation, Difference, DifferenceKind, Fact
from newsprism.compare.text import STOPWORDS, stem
from newsprism.compare.units import Unit
from newsprism.compare.values import (
    compare_dates,
    compare_quantities,
    date_range,
    describe_quantity,
    same_unit,
)
from newsprism.models import Quantity, Quote, TimeExpr

#: Share of a quote's words the other text must reproduce to count as the same quote.
QUOTE_MATCH = 0.6
#: Shortest quote (words) compared for wording.
MIN_QUOTE_WORDS = 4
#: Alignment score above which two different dates of one fact are a conflict, not unclear.
DATE_CONFLICT_SCORE = 0.6
NEGATORS = frozenset({"not", "no", "never", "n't", "without", "nothing", "none", "nor"})
_CALENDAR = frozenset({"day", "week", "month", "quarter", "year", "season", "half"})
_WORD = re.compile(r"[\w'’-]+")


@dataclass(slots=True, frozen=True)
class Side:
    unit: Unit
    start: int
    end: int


def _cite(unit: Unit, start: int, end: int, text: str) -> Citation:
    return Citation(unit.article_id, start, end, text[start:end], unit.field)


def unit_citation(unit: Unit) -> Citation:
    return Citation(unit.article_id, unit.start, unit.end, unit.text, unit.field)


# --------------------------------------------------------------------------- quantities


def _head(u: Unit, q: Quantity) -> set[str]:
    value = u.extra.get(f"qhead:{q.start}", ())
    return set(value) if isinstance(value, tuple) else set()


def _measured(u: Unit) -> tuple[Quantity, ...]:
    """The unit's quantities; for a unit without any, those of the rest of its sentence (the
    clause "when the ferry sank" is the event of "twelve people died" before it)."""
    if u.quantities:
        return u.quantities
    around = u.extra.get("sentence_quantities", ())
    return tuple(around) if isinstance(around, tuple) else ()


def _also_gives(quantities: Sequence[Quantity], q: Quantity) -> bool:
    """Whether an article states ``q``'s figure somewhere (the same unit and value)."""
    return any(same_unit(x, q) and compare_quantities(x, q) is None for x in quantities)


def quantity_differences(
    a: Unit,
    b: Unit,
    texts: dict[str, str],
    fact: str | None,
    elsewhere: Mapping[str, Sequence[Quantity]] | None = None,
) -> list[Difference]:
    """Figures of two aligned units that measure the same thing and differ; ``elsewhere``:
    every quantity of each article (a figure an article also states is not disputed by it)."""
    elsewhere = elsewhere or {}
    out: list[Difference] = []
    used: set[int] = set()
    a_quantities, b_quantities = _measured(a), _measured(b)
    for qa in a_quantities:
        candidates = [qb for qb in b_quantities if same_unit(qa, qb)]
        if not candidates:
            continue
        ha = _head(a, qa)
        same_head = [qb for qb in candidates if ha & _head(b, qb)]
        if same_head:
            pick = same_head[0]
        elif (
            len(candidates) == 1
            and sum(1 for q in a_quantities if same_unit(q, qa)) == 1
            and not _also_gives(elsewhere.get(b.article_id, ()), qa)
            and not _also_gives(elsewhere.get(a.article_id, ()), candidates[0])
        ):
            # the alignment says both units state one fact, and each holds one quantity of this
            # unit: the two measure the same thing ("twelve died" / "seventeen were killed").
            # Unless each article also gives the other's figure: then the two count different
            # things ("ran aground, injuring 12 people" / "ran aground with 84 passengers on
            # board", in articles that both give 12 injured and 84 passengers)
            pick = candidates[0]
        else:
            continue
        if id(pick) in used:
            continue
        used.add(id(pick))
        grade = compare_quantities(qa, pick)
        if grade is None:
            continue
        kind: DifferenceKind = "duration" if qa.kind == "duration" else "number"
        da, db = describe_quantity(qa), describe_quantity(pick)
        if grade == "compatible":
            why = f"{da} and {db} can both be true (the ranges overlap)"
        else:
            why = f"{da} and {db} cannot both be true"
        out.append(
            Difference(
                kind=kind,
                grade=grade,  # type: ignore[arg-type]
                fact=fact,
                sides=[
                    _cite(a, qa.start, qa.end, texts[a.article_id + a.field]),
                    _cite(b, pick.start, pick.end, texts[b.article_id + b.field]),
                ],
                explanation=f'"{qa.text}" vs "{pick.text}": {why}.',
            )
        )
    return out


# --------------------------------------------------------------------------- dates


def _calendar_dates(u: Unit) -> list[TimeExpr]:
    return [
        t
        for t in u.times
        if t.kind == "date"
        and t.value
        and t.granularity in _CALENDAR
        and date_range(t.value) is not None
    ]


def date_differences(
    a: Unit, b: Unit, score: float, texts: dict[str, str], fact: str | None
) -> list[Difference]:
    da, db = _calendar_dates(a), _calendar_dates(b)
    if len(da) != 1 or len(db) != 1:
        return []
    ta, tb = da[0], db[0]
    if (ta.mod or "") != (tb.mod or "") or ta.value is None or tb.value is None:
        return []
    grade = compare_dates(ta.value, tb.value)
    if grade is None:
        return []
    if grade == "conflict" and (
        score < DATE_CONFLICT_SCORE
        or ta.granularity not in ("day", "week", "month")
        or tb.granularity not in ("day", "week", "month")
    ):
        grade = "unclear"
    if grade == "compatible":
        why = f"{ta.value} and {tb.value} overlap (one is given more precisely)"
    elif grade == "conflict":
        why = f"{ta.value} and {tb.value} do not overlap: they cannot both be the date"
    else:
        why = f"{ta.value} and {tb.value} differ; the claims may date different things"
    return [
        Difference(
            kind="date",
            grade=grade,  # type: ignore[arg-type]
            fact=fact,
            sides=[
                _cite(a, ta.start, ta.end, texts[a.article_id + a.field]),
                _cite(b, tb.start, tb.end, texts[b.article_id + b.field]),
            ],
            explanation=f'"{ta.text}" vs "{tb.text}": {why}.',
        )
    ]


# --------------------------------------------------------------------------- quotes


def _tokens(text: str, offset: int) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), offset + m.start(), offset + m.end()) for m in _WORD.finditer(text)]


def _speaker(q: Quote) -> str | None:
    return (q.speaker_entity or q.speaker or "").lower() or None


def _same_speaker(a: str | None, b: str | None) -> bool | None:
    """True, False, or None when it cannot be told: a named speaker (an entity key such as
    ``person:ada vell``) and a bare phrase ("the governor", "police") may be one person."""
    if not a or not b:
        return None
    if a == b:
        return True
    na, nb = a.split(":")[-1], b.split(":")[-1]
    if na in nb or nb in na:
        return True
    if (":" in a) != (":" in b):
        return None
    return False


def _speaker_name(key: str | None) -> str:
    """How a speaker key reads in an explanation: ``person:ada vell`` → ``Ada Vell``."""
    if not key:
        return "someone"
    if ":" in key:
        return key.split(":", 1)[1].title()
    return key


def _unit_speaker(u: Unit, start: int, end: int, quotes: Sequence[Quote]) -> str | None:
    for q in quotes:
        if q.field == u.field and q.start <= start and end <= q.end + 1:
            return _speaker(q)
    return u.attribution.lower() if u.attribution else None


def quote_differences(
    a: Unit,
    b: Unit,
    texts: dict[str, str],
    all_quotes: dict[str, Sequence[Quote]],
    fact: str | None,
) -> list[Difference]:
    """Quotes of ``a`` that ``b`` reproduces with other words (and the reverse)."""
    out: list[Difference] = []
    for x, y in ((a, b), (b, a)):
        text_x = texts[x.article_id + x.field]
        text_y = texts[y.article_id + y.field]
        for q in x.quotes:
            # the part of the quote inside this unit: a long quote cut into two claims is
            # compared claim by claim, each with the counterpart its claim was aligned to
            qs, qe = (max(q.start, x.start), min(q.end, x.end)) if x.field == q.field else (0, 0)
            if qs >= qe:
                continue
            qtok = _tokens(text_x[qs:qe], qs)
            if len(qtok) < MIN_QUOTE_WORDS:
                continue
            ytok = _tokens(text_y[y.start : y.end], y.start)
            found = _best_window(qtok, ytok)
            if found is None:
                continue
            lo, hi, ratio, ops = found
            if ratio < QUOTE_MATCH:
                continue
            changes = [op for op in ops if op[0] != "equal"]
            sx = _speaker(q)
            sy = _unit_speaker(y, ytok[lo][1], ytok[hi - 1][2], all_quotes.get(y.article_id, ()))
            same = _same_speaker(sx, sy)
            if changes:
                first_a = min(op[1] for op in changes)
                last_a = max(op[2] for op in changes)
                first_b = min(op[3] for op in changes)
                last_b = max(op[4] for op in changes)
                xs, xe = _window(qtok, first_a, last_a)
                ys, ye = _window(ytok[lo:hi], first_b, last_b)
            else:
                xs, xe = qtok[0][1], qtok[-1][2]
                ys, ye = ytok[lo][1], ytok[hi - 1][2]
            sides = [_cite(x, xs, xe, text_x), _cite(y, ys, ye, text_y)]
            if x is b:
                sides.reverse()
            if changes:
                flip = _negation_flip(qtok, ytok[lo:hi], changes)
                steps = [
                    (_join(qtok, op[1], op[2]) or "—", _join(ytok[lo:hi], op[3], op[4]) or "—")
                    for op in changes[:4]
                ]
                if x is b:  # read in the order of the sides: first article's words first
                    steps = [(after, before) for before, after in steps]
                pairs = "; ".join(f'"{before}" → "{after}"' for before, after in steps)
                why = (
                    "a negation differs, so the two versions say opposite things"
                    if flip
                    else "the same statement in other words, not a contradiction"
                )
                out.append(
                    Difference(
                        kind="quote_wording",
                        grade="conflict" if flip else "compatible",
                        fact=fact,
                        sides=sides,
                        explanation=f"Quoted words reproduced differently: {pairs}; {why}.",
                    )
                )
            if same is False:
                out.append(
                    Difference(
                        kind="attribution",
                        grade="unclear",
                        fact=fact,
                        sides=sides,
                        explanation=(
                            f"The same words are attributed to {_speaker_name(sx)} in one "
                            f"article and to {_speaker_name(sy)} in the other; both may have "
                            "said them."
                        ),
                    )
                )
        if out:
            return out  # one direction is enough
    return out


def _join(tokens: Sequence[tuple[str, int, int]], lo: int, hi: int) -> str:
    return " ".join(t[0] for t in tokens[lo:hi])


def _window(tokens: Sequence[tuple[str, int, int]], lo: int, hi: int) -> tuple[int, int]:
    """Char span from token ``lo`` to ``hi`` (exclusive), widened by two words each side."""
    lo2 = max(0, lo - 2)
    hi2 = min(len(tokens), max(hi, lo + 1) + 2)
    return tokens[lo2][1], tokens[hi2 - 1][2]


def _best_window(
    qtok: Sequence[tuple[str, int, int]], ytok: Sequence[tuple[str, int, int]]
) -> tuple[int, int, float, list[tuple[str, int, int, int, int]]] | None:
    """The stretch of ``ytok`` that best reproduces ``qtok``, its match ratio and the edits."""
    if not ytok:
        return None
    qwords = [t[0] for t in qtok]
    ywords = [t[0] for t in ytok]
    sm = difflib.SequenceMatcher(None, qwords, ywords, autojunk=False)
    blocks = [b for b in sm.get_matching_blocks() if b.size > 0]
    if not blocks:
        return None
    matched = sum(b.size for b in blocks)
    lo = blocks[0].b
    hi = blocks[-1].b + blocks[-1].size
    # extend to cover quote words missing at the edges
    lo = max(0, lo - blocks[0].a)
    hi = min(len(ywords), hi + (len(qwords) - (blocks[-1].a + blocks[-1].size)))
    sub = difflib.SequenceMatcher(None, qwords, ywords[lo:hi], autojunk=False)
    ops: list[tuple[str, int, int, int, int]] = [
        (str(tag), i1, i2, j1, j2) for tag, i1, i2, j1, j2 in sub.get_opcodes()
    ]
    return lo, hi, matched / max(1, len(qwords)), ops


def _negation_flip(
    qtok: Sequence[tuple[str, int, int]],
    ytok: Sequence[tuple[str, int, int]],
    changes: Sequence[tuple[str, int, int, int, int]],
) -> bool:
    neg_a = sum(1 for t in qtok if t[0] in NEGATORS or t[0].endswith("n't"))
    neg_b = sum(1 for t in ytok if t[0] in NEGATORS or t[0].endswith("n't"))
    if neg_a == neg_b:
        return False
    changed = {t[0] for op in changes for t in (*qtok[op[1] : op[2]], *ytok[op[3] : op[4]])}
    return any(w in NEGATORS or w.endswith("n't") for w in changed)


# --------------------------------------------------------------------------- negation


def negation_differences(
    a: Unit, b: Unit, score: float, fact: str | None, min_score: float = 0.6
) -> list[Difference]:
    if a.kind not in ("claim", "quote") or b.kind not in ("claim", "quote"):
        return []
    if a.negated == b.negated or a.claim is None or b.claim is None or score < min_score:
        return []
    pa, pb = a.claim.predicate, b.claim.predicate
    if not pa or not pb or stem(pa) != stem(pb):
        return []
    sa, sb = (a.claim.subject or "").lower(), (b.claim.subject or "").lower()
    if sa and sb and not (sa in sb or sb in sa):
        return []
    grade = "unclear" if a.hedges or b.hedges else "conflict"
    yes, no = (b, a) if a.negated else (a, b)
    return [
        Difference(
            kind="negation",
            grade=grade,  # type: ignore[arg-type]
            fact=fact,
            sides=[unit_citation(a), unit_citation(b)],
            explanation=(
                f'One article says it ("{_short(yes.text)}"), the other says it did not '
                f'("{_short(no.text)}").'
            ),
        )
    ]


#: Unaligned claims are checked for a negation flip down to this alignment score (their subject
#: and predicate must still be the same).
CONTRADICTION_MIN_SCORE = 0.4


def unaligned_contradictions(
    units: Sequence[Unit],
    scores: Any,
    facts: Sequence[Fact],
    fact_of_unit: Mapping[int, str],
    members_of: Mapping[str, Sequence[Unit]],
) -> list[Difference]:
    """Negation flips between a single-source claim and a claim of another article.

    A claim that contradicts another ("X did not concede" / "X conceded") scores lower than a
    paraphrase and often stays unaligned, so the one-to-one alignment cannot put the two in one
    fact. Such a pair with the same subject and predicate is still reported, on the other claim's
    fact (each single claim at most once)."""
    status = {f.id: f.status for f in facts}
    out: list[Difference] = []
    for s in units:
        fid = fact_of_unit.get(s.index)
        if fid is None or status.get(fid) != "single" or s.headline:
            continue
        best: tuple[float, Unit] | None = None
        for u in units:
            if u.article == s.article or u.headline or u.index not in fact_of_unit:
                continue
            score = float(scores[s.index, u.index])
            better = score >= CONTRADICTION_MIN_SCORE and (best is None or score > best[0])
            if better and negation_differences(s, u, score, None, CONTRADICTION_MIN_SCORE):
                best = (score, u)
        if best is not None:
            score, u = best
            out.extend(
                negation_differences(u, s, score, fact_of_unit[u.index], CONTRADICTION_MIN_SCORE)
            )
    return out


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- all rules


def pair_differences(
    a: Unit,
    b: Unit,
    score: float,
    texts: dict[str, str],
    quotes: dict[str, Sequence[Quote]],
    fact: str | None,
    quantities: Mapping[str, Sequence[Quantity]] | None = None,
) -> list[Difference]:
    """Every rule applied to one aligned pair (``quantities``: every quantity of each
    article)."""
    out: list[Difference] = []
    out.extend(quantity_differences(a, b, texts, fact, quantities))
    out.extend(date_differences(a, b, score, texts, fact))
    out.extend(quote_differences(a, b, texts, quotes, fact))
    out.extend(negation_differences(a, b, score, fact))
    if not any(d.kind == "attribution" for d in out):
        out.extend(attribution_differences(a, b, fact))
    return _at_different_times(out, a, b)


def _dates_apart(a: Unit, b: Unit) -> tuple[TimeExpr, TimeExpr] | None:
    """A date of each unit when both give calendar dates and no date of one overlaps a date
    of the other."""
    da, db = _calendar_dates(a), _calendar_dates(b)
    if not da or not db:
        return None
    if any(compare_dates(x.value or "", y.value or "") != "conflict" for x in da for y in db):
        return None
    return da[0], db[0]


#: Main verbs of a state, or of a change in a figure: a figure stated with one may be measured
#: again later ("27 ships were waiting", "the toll rose to 35"); one stated with an event verb
#: ("sank with 27 passengers aboard") belongs to that one event.
_STATE_VERBS = frozenset(
    {
        "be",
        "remain",
        "stay",
        "stand",
        "wait",
        "total",
        "number",
        "reach",
        "rise",
        "climb",
        "grow",
        "increase",
        "fall",
        "drop",
        "decline",
        "jump",
        "top",
        "exceed",
        "hit",
    }
)
_PROGRESSIVE = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:still\s+)?[a-z]+ing\b", re.I)


def _measures_a_state(u: Unit) -> bool:
    """Whether the unit gives a figure of a state or a change (see :data:`_STATE_VERBS`), or
    in the progressive ("were waiting")."""
    predicate = (u.claim.predicate or "").lower() if u.claim is not None else ""
    return predicate in _STATE_VERBS or bool(_PROGRESSIVE.search(u.text))


def _at_different_times(differences: list[Difference], a: Unit, b: Unit) -> list[Difference]:
    """Figures of a state given for different dates ("27 ships were waiting on Tuesday" / "35
    ships were waiting on Wednesday") can both be true: the two may measure one thing at two
    moments. Such a pair's figure conflicts, and its date conflict, are graded unclear. Figures
    of one event ("sank on 3 March with 27 passengers" / "on 4 March with 35") still conflict,
    as do their dates."""
    figures = [d for d in differences if d.kind in ("number", "duration") and d.grade == "conflict"]
    state = bool(figures) and _measures_a_state(a) and _measures_a_state(b)
    apart = _dates_apart(a, b) if state else None
    if apart is None:
        return differences
    ta, tb = apart
    out: list[Difference] = []
    for d in differences:
        if d.grade == "conflict" and d.kind in ("number", "duration"):
            values = " vs ".join(f'"{c.text}"' for c in d.sides)
            why = (
                f'{values}: the figures are given for different dates ("{ta.text}" and '
                f'"{tb.text}"); both can be true if they measure two moments.'
            )
        elif d.grade == "conflict" and d.kind == "date":
            why = (
                f'"{ta.text}" vs "{tb.text}": the claims give different figures on different '
                "dates; they may report two moments rather than disagree on one."
            )
        else:
            out.append(d)
            continue
        out.append(replace(d, grade="unclear", explanation=why))
    return out


#: Sources too vague to tell two attributions apart ("officials said" / "the ministry said").
_VAGUE_SOURCES = frozenset(
    [
        "official",
        "officials",
        "source",
        "sources",
        "report",
        "reports",
        "statement",
        "people",
        "company",
        "companies",
        "firm",
        "firms",
        "group",
        "government",
        "ministry",
        "department",
        "agency",
        "authorities",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "he",
        "she",
        "they",
        "it",
        "we",
        "i",
        "both",
        "two",
        "who",
    ]
)


def _source_key(attribution: str | None) -> str | None:
    if not attribution:
        return None
    words = attribution.lower().replace("’", "'").split()
    while words and words[0] in ("the", "a", "an"):
        words.pop(0)
    if not words or words[-1] in _VAGUE_SOURCES:
        return None
    return " ".join(words)


def _names_someone(attribution: str | None) -> bool:
    """Whether a source is named ("Ada Vell", "Governor Vell"), not only described ("the
    governor", "police")."""
    tokens = (attribution or "").split()
    return any(t[:1].isupper() for t in tokens[1:]) or (
        len(tokens) == 1
        and tokens[0][:1].isupper()
        and not tokens[0].isupper()
        and tokens[0].lower() not in _VAGUE_SOURCES
        and tokens[0].lower() not in _ROLES
    )


#: Words that describe a source's role rather than name it.
_ROLES = frozenset(
    ["police", "governor", "mayor", "minister", "president", "chief", "officials", "premier"]
)


#: How a claim-level attribution difference begins (quote-level ones begin "The same words").
CREDITED_STATEMENT = "The same statement is attributed"


def attribution_differences(a: Unit, b: Unit, fact: str | None) -> list[Difference]:
    """The same statement credited to different sources ("…, the mayor said" / "…, police
    said"): both may have said it, so the grade is unclear, but the reader should know."""
    if a.kind != "claim" or b.kind != "claim":
        return []
    sa, sb = _source_key(a.attribution), _source_key(b.attribution)
    if sa is None or sb is None or sa == sb or sa in sb or sb in sa:
        return []
    if _names_someone(a.attribution) != _names_someone(b.attribution):
        return []  # "the governor" and "Ada Vell" may be one person
    if set(sa.split()) & set(sb.split()):
        return []  # "Korvane" / "Korvane Systems", "the city's mayor" / "mayor Venn"
    return [
        Difference(
            kind="attribution",
            grade="unclear",
            fact=fact,
            sides=[unit_citation(a), unit_citation(b)],
            explanation=(
                f'{CREDITED_STATEMENT} to "{a.attribution}" in one article and to '
                f'"{b.attribution}" in the other; both may have said it.'
            ),
        )
    ]


#: Kinds whose pairwise differences on one fact are merged into one, listing every outlet.
MERGED_KINDS = frozenset({"number", "duration", "date"})


def merge_pairwise(
    differences: Sequence[Difference], order: Mapping[str, int] | None = None
) -> list[Difference]:
    """One difference per fact, kind and grade for values (numbers, durations, dates): with three
    outlets, "A vs C" and "B vs C" become one difference citing A, B and C, instead of a list of
    pairs that says the same thing twice. Other kinds, and single pairs, are kept as they are."""
    groups: dict[tuple[str, str, str], list[Difference]] = {}
    sequence: list[tuple[str, str, str] | int] = []
    for n, d in enumerate(differences):
        if d.kind not in MERGED_KINDS or d.fact is None:
            sequence.append(n)
            continue
        key = (d.fact, d.kind, d.grade)
        if key not in groups:
            sequence.append(key)
        groups.setdefault(key, []).append(d)
    out: list[Difference] = []
    for item in sequence:
        if isinstance(item, int):
            out.append(differences[item])
            continue
        group = groups[item]
        if len(group) == 1:
            out.append(group[0])
            continue
        sides: list[Citation] = []
        for d in group:
            for s in d.sides:
                if not any(
                    (s.article, s.start, s.end) == (t.article, t.start, t.end) for t in sides
                ):
                    sides.append(s)
        if order is not None:
            sides.sort(key=lambda s: order.get(s.article, len(order)))
        values = "; ".join(f'"{s.text}"' for s in sides)
        verdict = {
            "conflict": "they cannot all be true",
            "compatible": "they can all be true",
        }.get(group[0].grade, "whether they say the same is unclear")
        out.append(
            Difference(
                kind=group[0].kind,
                grade=group[0].grade,
                fact=group[0].fact,
                sides=sides,
                explanation=f"{len(sides)} reports give {values}: {verdict}.",
            )
        )
    return out


# --------------------------------------------------------------------------- across facts

#: How many content words on each side of a figure say what it counts (``injuring 12 people``).
_CONTEXT_WORDS = 2

#: Words of time: they date a figure, they do not say what it counts.
_TIME_WORDS = frozenset(
    [
        "morning",
        "afternoon",
        "evening",
        "night",
        "tonight",
        "today",
        "yesterday",
        "tomorrow",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "hour",
        "hours",
        "minute",
        "minutes",
        "days",
        "weekend",
    ]
)


def _figure_context(text: str, q: Quantity) -> set[str]:
    """Stems of the content words next to a figure, within its clause: what it counts or what
    happened to it ("injuring 12 people", "12 people were injured" → ``injur``; "with 52% of
    the vote" → ``vote``). Names, stop words and words of time are left out."""
    before = re.split(r"[,.;!?]", text[max(0, q.start - 80) : q.start])[-1]
    after = re.split(r"[,.;!?]", text[q.end : q.end + 80])[0]

    def content(raw_words: list[str]) -> list[str]:
        out = []
        for raw in raw_words:
            w = raw.strip(":()\"'“”‘’")
            if w.isalpha() and w[0].islower() and w not in STOPWORDS and w not in _TIME_WORDS:
                out.append(stem(w))
        return out

    return set(content(before.split())[-_CONTEXT_WORDS:] + content(after.split())[:_CONTEXT_WORDS])


def _quantities_by_span(units: Sequence[Unit]) -> dict[tuple[str, int, int], Quantity]:
    found: dict[tuple[str, int, int], Quantity] = {}
    for u in units:
        for q in (*u.quantities, *_measured(u)):
            found.setdefault((u.article_id, q.start, q.end), q)
    return found


def mark_disputed(
    facts: Sequence[Fact],
    differences: Sequence[Difference],
    units: Sequence[Unit],
    order: Mapping[str, int] | None = None,
) -> None:
    """Set each fact's ``disputed_by``: the articles whose claim in it gives a figure or date
    that conflicts with one in the fact's own words (its representative claim), by the value
    conflicts found (on this fact or another: a conflict is recorded once)."""
    conflicts = [
        d for d in differences if d.grade == "conflict" and d.kind in ("number", "duration", "date")
    ]
    if not conflicts:
        return
    by_span = _quantities_by_span(units)
    times = {(u.article_id, t.start, t.end): t for u in units for t in u.times}
    for fact in facts:
        stated = fact.support[fact.representative]
        for d in conflicts:
            mine = next((s for s in d.sides if _within(s, stated)), None)
            if mine is None:
                continue  # the fact's own words do not give this value
            for claim in fact.support:
                if claim.article in (stated.article, *fact.disputed_by):
                    continue
                theirs = next((s for s in d.sides if _within(s, claim)), None)
                if theirs is not None and (
                    len(d.sides) == 2 or _conflicting(mine, theirs, by_span, times)
                ):
                    fact.disputed_by.append(claim.article)
        if order is not None:
            fact.disputed_by.sort(key=lambda a: order.get(a, len(order)))


def _within(side: Citation, claim: Citation) -> bool:
    return (
        side.article == claim.article
        and side.field == claim.field
        and claim.start <= side.start < side.end <= claim.end
    )


def _conflicting(
    a: Citation,
    b: Citation,
    by_span: Mapping[tuple[str, int, int], Quantity],
    times: Mapping[tuple[str, int, int], TimeExpr],
) -> bool:
    """Whether two sides of a conflict give values that cannot both be true (sides of a
    merged conflict may agree with each other)."""
    qa, qb = by_span.get(_key(a)), by_span.get(_key(b))
    if qa is not None and qb is not None:
        return compare_quantities(qa, qb) == "conflict"
    ta, tb = times.get(_key(a)), times.get(_key(b))
    if ta is not None and tb is not None and ta.value and tb.value:
        return compare_dates(ta.value, tb.value) == "conflict"
    return False


def _key(c: Citation) -> tuple[str, int, int]:
    return (c.article, c.start, c.end)


def consolidate_values(
    differences: Sequence[Difference],
    units: Sequence[Unit],
    texts: Mapping[str, str],
    order: Mapping[str, int] | None = None,
) -> list[Difference]:
    """Across facts, after :func:`merge_pairwise`:

    - a number conflict also cites the outlets that give one of its figures for the same
      thing in a sentence aligned elsewhere ("Twelve people were injured and taken to
      hospital" joins "injuring 12 people" / "Seventeen people were injured"), so that no
      outlet's disputed figure is read as undisputed;
    - a value difference whose sides are all cited by another of its kind and grade is
      dropped (the same conflict found through two facts);
    - the pairwise quote-wording differences of one fact become one, citing every outlet.
    """
    by_span = _quantities_by_span(units)
    out: list[Difference] = []
    for d in differences:
        if d.kind != "number" or d.grade != "conflict":
            out.append(d)
            continue
        sides = list(d.sides)
        known = []
        for side in sides:
            q = by_span.get(_key(side))
            if q is None:
                continue
            text = texts.get(side.article + q.field, "")
            known.append((q, _figure_context(text, q)))
        cited = {side.article for side in sides}
        for u in units:
            if u.article_id in cited:
                continue
            text = texts.get(u.article_id + u.field, "")
            for q in u.quantities:
                context = _figure_context(text, q)
                if any(
                    same_unit(q, kq) and compare_quantities(q, kq) is None and context & kc
                    for kq, kc in known
                ):
                    sides.append(_cite(u, q.start, q.end, text))
                    cited.add(u.article_id)
                    break
        if len(sides) > len(d.sides):
            if order is not None:
                sides.sort(key=lambda c: order.get(c.article, len(order)))
            values = "; ".join(f'"{c.text}"' for c in sides)
            d = Difference(
                kind=d.kind,
                grade=d.grade,
                fact=d.fact,
                sides=sides,
                explanation=f"{len(sides)} reports give {values}: they cannot all be true.",
            )
        out.append(d)
    # the same conflict reached through two facts: keep the one citing more outlets
    kept: list[Difference] = []
    for n, d in enumerate(out):
        if d.kind in MERGED_KINDS:
            mine = {_key(c) for c in d.sides}
            if any(
                m != n
                and e.kind == d.kind
                and e.grade == d.grade
                and mine <= {_key(c) for c in e.sides}
                and (len(e.sides) > len(d.sides) or m < n)
                for m, e in enumerate(out)
            ):
                continue
        kept.append(d)
    return _merge_credits(_merge_quotes(kept, order), order)


_CREDITED = re.compile(
    r'^(?P<what>.*?) (?:is|are) attributed to "?(?P<a>[^"]+?)"? in one article and to '
    r'"?(?P<b>[^"]+?)"? in the other'
)


def _merge_groups(
    differences: Sequence[Difference],
    key: Callable[[Difference], Hashable | None],
    merge: Callable[[list[Difference]], Difference | None],
) -> list[Difference]:
    """Differences with the same ``key`` (None: left alone) replaced by ``merge`` of them, in
    the place of the first; a group ``merge`` gives None for is kept as it was."""
    groups: dict[Hashable, list[int]] = {}
    for n, d in enumerate(differences):
        k = key(d)
        if k is not None:
            groups.setdefault(k, []).append(n)
    merged: dict[int, Difference] = {}
    dropped: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        one = merge([differences[n] for n in members])
        if one is not None:
            merged[members[0]] = one
            dropped.update(members[1:])
    return [merged.get(n, d) for n, d in enumerate(differences) if n not in dropped]


def _one_side_each(
    differences: Sequence[Difference], order: Mapping[str, int] | None
) -> list[Citation]:
    """The first side of each article among ``differences``, in article order."""
    sides: list[Citation] = []
    for d in differences:
        sides.extend(c for c in d.sides if all(c.article != t.article for t in sides))
    if order is not None:
        sides.sort(key=lambda c: order.get(c.article, len(order)))
    return sides


def _merge_credits(
    differences: Sequence[Difference], order: Mapping[str, int] | None
) -> list[Difference]:
    """The pairwise "same statement credited to different sources" differences of one fact
    become one, saying which source each outlet names ("A and C credit X; B and D credit Y"),
    instead of one entry per pair of outlets."""

    def key(d: Difference) -> Hashable | None:
        m = _CREDITED.match(d.explanation) if d.kind == "attribution" else None
        return (d.fact, m["what"]) if m is not None and d.fact and len(d.sides) == 2 else None

    def merge(group: list[Difference]) -> Difference:
        credit: dict[str, str] = {}  # article → the source it names
        what = ""
        for d in group:
            m = _CREDITED.match(d.explanation)
            assert m is not None  # (the key says so)
            what = m["what"]
            for side, source in zip(d.sides, (m["a"], m["b"]), strict=True):
                credit.setdefault(side.article, source)
        sides = _one_side_each(group, order)
        sources = list(dict.fromkeys(credit[c.article] for c in sides))
        counts = [sum(1 for c in sides if credit[c.article] == src) for src in sources]
        verb, pronoun = ("are", "them") if what.endswith("words") else ("is", "it")
        named = " and ".join(
            f'to "{src}" in {count} report{"s" if count > 1 else ""}'
            for src, count in zip(sources, counts, strict=True)
        )
        return Difference(
            kind="attribution",
            grade=group[0].grade,
            fact=group[0].fact,
            sides=sides,
            explanation=f"{what} {verb} attributed {named}; each may have said {pronoun}.",
        )

    return _merge_groups(differences, key, merge)


def _merge_quotes(
    differences: Sequence[Difference], order: Mapping[str, int] | None
) -> list[Difference]:
    """The pairwise quote-wording differences of one fact and grade become one."""

    def key(d: Difference) -> Hashable | None:
        return (d.fact, d.grade) if d.kind == "quote_wording" and d.fact is not None else None

    def merge(group: list[Difference]) -> Difference:
        sides = _one_side_each(group, order)
        changes = [
            d.explanation.removeprefix("Quoted words reproduced differently: ").split(";")[0]
            for d in group
        ]
        why = group[0].explanation.rsplit(";", 1)[-1].strip().rstrip(".")
        return Difference(
            kind="quote_wording",
            grade=group[0].grade,
            fact=group[0].fact,
            sides=sides,
            explanation=(
                f"Quoted words reproduced differently in {len(sides)} reports: "
                f"{'; '.join(changes)}; {why}."
            ),
        )

    return _merge_groups(differences, key, merge)
