"""Entity mentions and within-article name chains.

spaCy's entities are taken as candidates, then corrected by rules:

* a capitalised name after a title ("Secretary of Labor Jane Roe") is a PERSON even when the
  model missed it or tagged part of the title as an ORG; title words ("Finance Minister",
  "President", "Dr.") and possessive places ("Ruritania's President …") are never part of a name;
* a mention that starts with a full name found elsewhere in the article is cut to that name
  (title-case headlines glue verbs to names: "Jane Roe Talks …");
* a fused last name ("Roeis" = "Roe" + "is") is repaired when the bare surname occurs too;
* a multi-word name takes the label the model gave it most often (a person wins ties);
* surname-only mentions join the full-name chain they match, whatever label spaCy gave them
  (and proper nouns it left unlabelled); a bare first word ("Roe" of "Roe Jane", family name
  first) joins only when tagged PERSON or unlabelled; a chain whose mentions were mostly
  tagged as something else is not a person after all;
* the chain's canonical name is its most frequent full form.

Keys are shared across articles: ``person:jane roe``, ``org:central bank``, ``gpe:ruritania``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsprism.analyze.lexicon import (
    DETERMINERS,
    ENTITY_LABELS,
    FUSED_TAILS,
    NAME_ALIASES,
    NOT_NAME,
    TITLE_CORE,
    TITLE_QUALIFIERS,
    norm_word,
)
from newsprism.analyze.sentences import ParsedSentence
from newsprism.models import ArticleAnalysis, Entity, Mention, SpanField

_TITLE_WORDS = TITLE_CORE | TITLE_QUALIFIERS
_POSSESSIVE = {"'s", "’s", "'", "’"}
_KEY_CLEAN = re.compile(r"\.+|\s+")


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    label: str
    sentence: int
    field: SpanField
    words: list[str]
    heading: bool
    name: list[str] = dataclasses.field(default_factory=list)
    key: str = ""
    given: str = ""
    """The label the model gave (after the name vote), before chaining."""


def _is_cap(text: str) -> bool:
    return bool(text) and text[0].isupper()


def _name_token(tok: object) -> bool:
    text: str = tok.text  # type: ignore[attr-defined]
    core = text.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
    return (
        bool(core)
        and core.isalpha()
        and text[0].isupper()
        and text.lower() not in NOT_NAME
        and norm_word(text) not in _TITLE_WORDS
    )


def _titled_names(sent: object) -> list[tuple[int, int, int]]:
    """``(title_start, name_start, name_end)`` token indexes of names that follow a title."""
    toks = list(sent)  # type: ignore[call-overload]
    found: list[tuple[int, int, int]] = []
    n = len(toks)
    x = 0
    while x < n:
        tok = toks[x]
        if not (_is_cap(tok.text) and norm_word(tok.text) in TITLE_CORE):
            x += 1
            continue
        left = x
        while (
            left > 0
            and _is_cap(toks[left - 1].text)
            and (norm_word(toks[left - 1].text) in _TITLE_WORDS)
        ):
            left -= 1
        j = x + 1
        while j < n:
            word = norm_word(toks[j].text)
            if _is_cap(toks[j].text) and word in _TITLE_WORDS:
                j += 1
            elif word == "of" and j + 1 < n:
                k = j + 1
                if toks[k].lower_ == "the" and k + 1 < n:
                    k += 1
                if not (_is_cap(toks[k].text) and norm_word(toks[k].text) in _TITLE_WORDS):
                    break
                while k < n and _is_cap(toks[k].text) and norm_word(toks[k].text) in _TITLE_WORDS:
                    k += 1
                j = k
            else:
                break
        k = j
        while k < n and k - j < 4 and _name_token(toks[k]):
            k += 1
        if k > j:
            found.append((toks[left].i, toks[j].i, toks[k - 1].i + 1))
        x = max(k, x + 1)
    return found


def _candidates(ps: ParsedSentence) -> list[tuple[int, int, str]]:
    """Token ranges and labels of entity candidates in one sentence."""
    cands = [(e.start, e.end, e.label_) for e in ps.span.ents if e.label_ in ENTITY_LABELS]
    for left, j, k in _titled_names(ps.span):
        cands = [c for c in cands if c[2] == "PERSON" or not (left <= c[0] and c[1] <= j)]
        inside = [c for c in cands if c[2] == "PERSON" and j <= c[0] and c[1] <= k]
        if inside:
            cands = [c for c in cands if c in inside or c[1] <= j or c[0] >= k]
        else:
            cands = [c for c in cands if c[1] <= j or c[0] >= k]
            cands.append((j, k, "PERSON"))
    return sorted(cands)


def _clean(doc: object, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Token range without determiners, titles and possessives."""
    toks = doc[start:end]  # type: ignore[index]
    if label == "PERSON":
        for pos, tok in enumerate(toks):
            if tok.text in _POSSESSIVE and pos < len(toks) - 1:
                start = tok.i + 1
    while start < end:
        word = norm_word(doc[start].text)  # type: ignore[index]
        drop = word in DETERMINERS or (label == "PERSON" and word in _TITLE_WORDS)
        if not drop and not doc[start].is_punct:  # type: ignore[index]
            break
        start += 1
    while end > start:
        tok = doc[end - 1]  # type: ignore[index]
        junk = tok.text in _POSSESSIVE or tok.is_punct or tok.is_space
        if not (junk or (label == "PERSON" and not _is_cap(tok.text))):
            break
        end -= 1
    return (start, end) if end > start else None


def extract(sentences: Sequence[ParsedSentence], texts: dict[str, str]) -> list[_Raw]:
    """Raw mentions of every sentence, before chaining."""
    raws: list[_Raw] = []
    for ps in sentences:
        doc = ps.span.doc
        found = _candidates(ps)
        taken = {i for t_start, t_end, _ in found for i in range(t_start, t_end)}
        # proper nouns the model left unlabelled: kept only if they match a name chain later
        loose = [
            (tok.i, tok.i + 1, "")
            for tok in ps.span
            if tok.i not in taken and tok.pos_ == "PROPN" and tok.is_alpha and _is_cap(tok.text)
        ]
        for t_start, t_end, label in found + loose:
            cleaned = _clean(doc, t_start, t_end, label) if label else (t_start, t_end)
            if cleaned is None:
                continue
            first, last = doc[cleaned[0]], doc[cleaned[1] - 1]
            start = ps.offset + first.idx
            end = ps.offset + last.idx + len(last.text)
            words = texts[ps.sentence.field][start:end].split()
            raws.append(
                _Raw(
                    start,
                    end,
                    label,
                    ps.sentence.index,
                    ps.sentence.field,
                    words,
                    ps.sentence.is_heading,
                )
            )
    return raws


def _word_end(text: str, start: int, count: int) -> int:
    pos = start
    for _ in range(count):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        while pos < len(text) and not text[pos].isspace():
            pos += 1
    return pos


def _compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if a[-1] != b[-1]:
        return False
    fa, fb = a[0].rstrip("."), b[0].rstrip(".")
    return fa == fb or (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb))


def _order(raw: _Raw) -> tuple[int, int]:
    return (0 if raw.field == "title" else 1, raw.start)


def _norm_key(words: Iterable[str]) -> str:
    text = " ".join(_KEY_CLEAN.sub(lambda m: " " if m.group().isspace() else "", w) for w in words)
    text = text.replace("\u2019", "'")
    text = " ".join(text.lower().split())
    return NAME_ALIASES.get(text, text)


def _vote(raws: list[_Raw]) -> None:
    """One label per multi-word name: the one the model gave it most often (a person wins a
    tie), so a club tagged PERSON once and ORG four times stays an ORG."""
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for raw in raws:
        if raw.label and len(raw.words) >= 2:
            votes.setdefault(tuple(raw.words), Counter())[raw.label] += 1
    for raw in raws:
        counts = votes.get(tuple(raw.words))
        if counts is None or len(counts) < 2:
            continue
        top = max(counts, key=lambda lab: (counts[lab], lab == "PERSON"))
        raw.label = top


def chain(raws: list[_Raw], texts: dict[str, str]) -> tuple[list[Mention], list[Entity]]:
    """Link raw mentions into name chains; returns mentions and entities in text order."""
    raws.sort(key=_order)
    _vote(raws)
    persons = [r for r in raws if r.label == "PERSON" and len(r.words) >= 2]
    fulls = {tuple(r.words) for r in persons if not r.heading} or {tuple(r.words) for r in persons}
    # Cut mentions that start with a known full name; relabel exact full names as PERSON.
    for raw in raws:
        if not raw.label:
            continue
        for full in sorted(fulls, key=len, reverse=True):
            if tuple(raw.words[: len(full)]) == full:
                if len(raw.words) > len(full):
                    raw.end = _word_end(texts[raw.field], raw.start, len(full))
                    raw.words = list(full)
                raw.label = "PERSON"
                break
    singles = {r.words[0] for r in raws if len(r.words) == 1 and len(r.words[0]) >= 3}
    for raw in raws:
        raw.name = list(raw.words)
        if raw.label == "PERSON" and len(raw.words) >= 2 and raw.words[-1] not in singles:
            last = raw.words[-1]
            for single in singles:
                if last.startswith(single) and last[len(single) :].lower() in FUSED_TAILS:
                    raw.name = [*raw.words[:-1], single]
                    break
    # Full-name chains, merged when compatible ("J. Roe" / "Jane Roe").
    groups: dict[tuple[str, ...], list[_Raw]] = {}
    for raw in raws:
        if raw.label == "PERSON" and len(raw.name) >= 2:
            groups.setdefault(tuple(raw.name), []).append(raw)
    names = list(groups)
    parent = {name: name for name in names}

    def find(name: tuple[str, ...]) -> tuple[str, ...]:
        while parent[name] != name:
            name = parent[name]
        return name

    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if _compatible(a, b):
                parent[find(b)] = find(a)
    chains: dict[tuple[str, ...], list[_Raw]] = {}
    for name in names:
        chains.setdefault(find(name), []).extend(groups[name])
    # Surname-only (or family-name-first) mentions join the chain they match.
    by_last: dict[str, list[tuple[str, ...]]] = {}
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for root, members in chains.items():
        for word in {m.name[-1] for m in members}:
            by_last.setdefault(word, []).append(root)
        for word in {m.name[0] for m in members}:
            by_first.setdefault(word, []).append(root)
    for raw in raws:
        raw.given = raw.label
    for raw in raws:
        if len(raw.name) != 1 or not _is_cap(raw.name[0]):
            continue
        word = raw.name[0]
        options = by_last.get(word) or []
        if not options and raw.label in ("PERSON", ""):
            options = by_first.get(word) or []  # family name first, or a first name
        if not options:
            continue
        if len(options) > 1:
            before = [
                (
                    max(
                        (_order(m) for m in chains[c] if _order(m) < _order(raw)), default=(-1, -1)
                    ),
                    c,
                )
                for c in options
            ]
            options = [max(before)[1]]
        raw.label = "PERSON"
        chains[options[0]].append(raw)
    raws[:] = [r for r in raws if r.label]  # unlabelled proper nouns that matched no chain
    for members in chains.values():
        given = Counter(m.given for m in members if m.given)
        top = max(given, key=lambda lab: (given[lab], lab == "PERSON"))
        if top != "PERSON":  # mostly tagged as something else: not a person after all
            for member in members:
                member.label = top
            continue
        forms = Counter(tuple(m.name) for m in members if len(m.name) >= 2)
        best = max(forms, key=lambda f: (forms[f], -len(f)))
        for member in members:
            member.key = "person:" + _norm_key(best)
            member.name = list(best)
    # Everything else: one key per normalised name, the label most often given to it.
    by_name: dict[str, list[_Raw]] = {}
    for raw in raws:
        if not raw.key:
            by_name.setdefault(_norm_key(raw.name), []).append(raw)
    for norm, members in by_name.items():
        labels = Counter(m.label for m in members)
        label = max(labels, key=lambda lab: (labels[lab], lab == "PERSON", lab == "GPE"))
        for member in members:
            member.label = label
            member.key = f"{label.lower()}:{norm}"
    return _mentions(raws, texts), _entities(raws, texts)


def _mentions(raws: list[_Raw], texts: dict[str, str]) -> list[Mention]:
    out: list[Mention] = []
    for raw in sorted(raws, key=_order):
        if out and out[-1].field == raw.field and raw.start < out[-1].end:
            continue
        out.append(
            Mention(
                text=texts[raw.field][raw.start : raw.end],
                start=raw.start,
                end=raw.end,
                label=raw.label,
                entity=raw.key,
                sentence=raw.sentence,
                field=raw.field,
            )
        )
    return out


def _entities(raws: list[_Raw], texts: dict[str, str]) -> list[Entity]:
    members: dict[str, list[_Raw]] = {}
    for raw in sorted(raws, key=_order):
        members.setdefault(raw.key, []).append(raw)
    entities: list[Entity] = []
    for key, group in members.items():
        names = Counter(" ".join(m.name) for m in group)
        name = max(names, key=lambda n: (names[n], len(n)))
        aliases = sorted({texts[m.field][m.start : m.end] for m in group})
        entities.append(Entity(key, name, group[0].label, len(group), tuple(aliases)))
    return entities


class MentionIndex:
    """Look-ups over one article's mentions: by position, and the last person mentioned."""

    def __init__(self, mentions: Sequence[Mention], entities: Sequence[Entity]) -> None:
        self._by_field: dict[str, list[Mention]] = {}
        for mention in mentions:
            self._by_field.setdefault(mention.field, []).append(mention)
        self._starts = {f: [m.start for m in ms] for f, ms in self._by_field.items()}
        self.entities = {e.key: e for e in entities}

    def at(self, field: str, offset: int) -> Mention | None:
        """The mention covering character ``offset`` of ``field``."""
        items = self._by_field.get(field, [])
        pos = bisect.bisect_right(self._starts.get(field, []), offset) - 1
        if pos >= 0 and items[pos].start <= offset < items[pos].end:
            return items[pos]
        return None

    def within(self, field: str, start: int, end: int) -> list[Mention]:
        items = self._by_field.get(field, [])
        lo = bisect.bisect_left(self._starts.get(field, []), start)
        return [m for m in items[lo:] if m.end <= end and m.start < end]

    def last_person(self, field: str, offset: int, min_sentence: int) -> Mention | None:
        """The closest PERSON mention before ``offset`` in a sentence ≥ ``min_sentence``."""
        items = self._by_field.get(field, [])
        pos = bisect.bisect_left(self._starts.get(field, []), offset) - 1
        while pos >= 0 and items[pos].sentence >= min_sentence:
            if items[pos].label == "PERSON":
                return items[pos]
            pos -= 1
        return None

    def name(self, key: str) -> str:
        entity = self.entities.get(key)
        return entity.name if entity else key.split(":", 1)[-1]


def entity_keys(analysis: ArticleAnalysis, labels: Iterable[str] | None = None) -> set[str]:
    """Canonical entity keys of an analysis (``person:jane roe``, ``gpe:ruritania`` …).

    ``labels`` restricts them to some spaCy labels (``{"PERSON", "ORG"}``). These keys are what
    story clustering compares for entity overlap and what compare uses to align claims.
    """
    wanted = set(labels) if labels is not None else None
    return {e.key for e in analysis.entities if wanted is None or e.label in wanted}


def same_entity(key_a: str, key_b: str) -> bool:
    """Whether two keys, possibly from different articles, name one entity.

    Equal keys match; a surname-only person key matches a full name that ends with it
    (``person:roe`` ~ ``person:jane roe``); other labels match on the name alone, since the
    model sometimes calls one organisation an ORG in one article and a GPE in another.
    """
    if key_a == key_b:
        return True
    label_a, _, name_a = key_a.partition(":")
    label_b, _, name_b = key_b.partition(":")
    if label_a == "person" and label_b == "person":
        short, long_ = sorted((name_a.split(), name_b.split()), key=len)
        return len(short) == 1 and len(long_) > 1 and short[0] in (long_[0], long_[-1])
    if "person" in (label_a, label_b):
        return False
    return name_a == name_b
