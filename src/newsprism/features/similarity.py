"""Sentence-pair scores: MiniLM cosine plus lexical and syntactic evidence, combined by a tiny model.

Two scorers:

* ``pairscore.msrp.v1`` (:func:`pair_score`): text and cosine only, seven features, no parse;
* ``pairscore.msrp.v2`` (:func:`score_pairs`, :func:`sentence_score`): v1's features plus the
  MiniLM word-piece states (pieces of one sentence that nothing in the other matches) and a spaCy
  parse (overlap of lemmas, nouns, verbs, dependency triples; lemma edit distance; names), 23
  features in all, a standardised logistic regression stored in ``minilm/pairscore_v2.json``
  (loaded on first use). Better on MSRP (see ``benchmarks/results/alignment.md``), dearer: it
  needs the parse and the word-piece states of both sentences (:func:`describe`).

:func:`pair_score` is a logistic regression over seven features of two sentences, fitted on the
MSRP training set (4,076 news sentence pairs from different outlets, Dolan & Brockett 2005) by
``benchmarks/bench_alignment.py --fit``; its weights are the constants below. Scores are
probabilities that the two sentences say the same thing; :data:`THRESHOLD` is the cut that
maximised F1 over 5-fold cross-validated predictions on the training set.

What MSRP calls a paraphrase is stricter than "reports the same fact": extra content on one side
counts against a pair (hence the negative weight on one-sided trigram containment), and so do
numbers found on one side only. The compare stage, which must align sentences that differ in a
number in order to report the difference, can pass ``ignore_numbers=True``.

Measured numbers are in ``benchmarks/results/alignment.md``.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from newsprism.features.embed import SentenceEncoder

#: Registry-style name of this scorer; refitting or changing a feature makes a new version.
SCORER_NAME = "pairscore.msrp.v1"

FEATURES: tuple[str, ...] = (
    "cos",  # MiniLM cosine of the two sentences
    "unigram_min",  # min over both directions of clipped unigram precision (5-letter stems)
    "trigram_max",  # max over both directions of clipped trigram precision (containment)
    "number_diff",  # count of numbers found in one sentence only
    "negation_diff",  # 1 when exactly one sentence has a negation word
    "char4_jaccard",  # Jaccard of lowercased character 4-gram sets
    "word_lcs",  # 2 * longest common word subsequence / total words
)
#: Logistic-regression weights, in the order of :data:`FEATURES` (fitted, C=1).
WEIGHTS: tuple[float, ...] = (3.0648, 4.8887, -3.5277, -0.2196, -1.0861, 2.8453, 2.4420)
BIAS = -5.6260
#: Decision threshold on :func:`pair_score` (F1-optimal on cross-validated MSRP train).
THRESHOLD = 0.46
#: Threshold on the plain cosine alone (F1-optimal on MSRP train), for callers without text.
COSINE_THRESHOLD = 0.607

_STEM_CHARS = 5
_WORD = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)


def _normalise(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _precision(mine: Counter[tuple[str, ...]], theirs: Counter[tuple[str, ...]]) -> float:
    total = sum(mine.values())
    if total == 0:
        return 1.0
    return sum(min(count, theirs[gram]) for gram, count in mine.items()) / total


def _has_negation(words: Sequence[str]) -> bool:
    return any(w in _NEGATIONS or w.endswith("n't") for w in words)


def _char_grams(text: str, n: int = 4) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def _lcs_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """2 * (longest common subsequence length) / (len(a) + len(b)); 1.0 for two empty lists."""
    if not a and not b:
        return 1.0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return 2.0 * previous[-1] / (len(a) + len(b))


def pair_features(a_text: str, b_text: str, cos: float) -> tuple[float, ...]:
    """The feature values of :data:`FEATURES` for one sentence pair (symmetric in a and b)."""
    a_norm, b_norm = _normalise(a_text), _normalise(b_text)
    a_words, b_words = _words(a_norm), _words(b_norm)
    a_stems = [w[:_STEM_CHARS] for w in a_words]
    b_stems = [w[:_STEM_CHARS] for w in b_words]
    a1, b1 = _ngrams(a_stems, 1), _ngrams(b_stems, 1)
    a3, b3 = _ngrams(a_stems, 3), _ngrams(b_stems, 3)
    a_nums, b_nums = _numbers(a_norm), _numbers(b_norm)
    a_chars, b_chars = _char_grams(a_norm), _char_grams(b_norm)
    union = a_chars | b_chars
    char_jaccard = len(a_chars & b_chars) / len(union) if union else 1.0
    return (
        float(cos),
        min(_precision(a1, b1), _precision(b1, a1)),
        max(_precision(a3, b3), _precision(b3, a3)),
        float(len(a_nums ^ b_nums)),
        float(_has_negation(a_words) != _has_negation(b_words)),
        char_jaccard,
        _lcs_ratio(a_words, b_words),
    )


def score_features(values: Sequence[float]) -> float:
    """The combiner's probability for precomputed :func:`pair_features` values."""
    if len(values) != len(WEIGHTS):
        raise ValueError(f"expected {len(WEIGHTS)} feature values, got {len(values)}")
    z = BIAS + sum(w * v for w, v in zip(WEIGHTS, values, strict=True))
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def pair_score(a_text: str, b_text: str, cos: float, *, ignore_numbers: bool = False) -> float:
    """Probability that two sentences are paraphrases; compare with :data:`THRESHOLD`.

    ``cos`` is the MiniLM cosine of the pair (``features.embed``). With ``ignore_numbers`` the
    numbers on either side are treated as matching (for aligning facts whose numbers differ).
    """
    values = list(pair_features(a_text, b_text, cos))
    if ignore_numbers:
        values[FEATURES.index("number_diff")] = 0.0
    return score_features(values)


def is_paraphrase(a_text: str, b_text: str, cos: float, *, ignore_numbers: bool = False) -> bool:
    """``pair_score(...) >= THRESHOLD``."""
    return pair_score(a_text, b_text, cos, ignore_numbers=ignore_numbers) >= THRESHOLD


# --------------------------------------------------------------------------- v2

#: Registry-style name of the richer scorer; refitting or changing a feature makes a new version.
SCORER_NAME_V2 = "pairscore.msrp.v2"
#: The v2 features, in the order of the fitted model.
FEATURES_V2: tuple[str, ...] = (
    *FEATURES,
    "pieces_unmatched_max",  # content word pieces with no piece of the other sentence at cosine
    "pieces_unmatched_min",  # PIECE_MATCH or more (hidden states), max / min over the two sides
    "dep_min",  # clipped overlap of (lemma, dependency, head lemma) triples of content words,
    "dep_max",  # min / max of the two precisions
    "head_min",  # the same for (lemma, head lemma) pairs
    "head_max",
    "lemma_min",  # the same for content lemmas
    "lemma_max",
    "noun_min",  # the same for noun and proper-noun lemmas
    "noun_max",
    "verb_min",  # the same for verb lemmas
    "verb_max",
    "entity_diff",  # named-entity words found in one sentence only
    "subject_shared",  # 1 when both sentences have a subject lemma in common
    "edit_max",  # word-level edit distance of the lemma sequences / longer length
    "edit_min",  # ... / shorter length
)
#: Hidden-state cosine from which a word piece counts as matched by the other sentence.
PIECE_MATCH = 0.4
_MODEL_FILE = "pairscore_v2.json"
_PUNCT_PIECE = re.compile(r"^[^\w]+$")
#: Word pieces that carry no content (for the unmatched-pieces features).
_STOP_PIECES = frozenset(
    re.findall(
        r"\w+",
        "a an the and or but of to in on at by for with from as is are was were be been has have "
        "had it its he she they we i his her their that this which who will would said says also "
        "not",
    )
)


@dataclass(slots=True, frozen=True)
class Word:
    """What the v2 features read of one spaCy token (punctuation and spaces are left out)."""

    lemma: str
    dep: str
    head: str
    """The lemma of the token's syntactic head."""
    pos: str
    stop: bool
    entity: bool
    lower: str


@dataclass(slots=True)
class SentenceView:
    """One sentence as the v2 scorer sees it (built by :func:`describe`)."""

    text: str
    vector: np.ndarray
    """The MiniLM sentence vector (unit length)."""
    pieces: np.ndarray
    """Unit-length hidden states of the sentence's content word pieces, shape (n, 384)."""
    words: tuple[Word, ...]


def describe(
    texts: Sequence[str],
    *,
    encoder: SentenceEncoder | None = None,
    nlp: Any = None,
) -> list[SentenceView]:
    """Encode and parse ``texts`` for the v2 scorer (one model run and one parse per text).

    ``encoder`` defaults to the process-wide MiniLM encoder, ``nlp`` to the analysis pipeline
    (``newsprism.analyze.nlp``)."""
    if encoder is None:
        from newsprism.features.embed import get_encoder

        encoder = get_encoder()
    if nlp is None:
        from newsprism.analyze.nlp import get_nlp

        nlp = get_nlp()
    vectors, states = encoder.encode_tokens(texts)
    out: list[SentenceView] = []
    docs = nlp.pipe(list(texts), batch_size=128)
    for text, vector, token_states, doc in zip(texts, vectors, states, docs, strict=True):
        keep = [
            i
            for i, piece in enumerate(token_states.pieces)
            if not _PUNCT_PIECE.match(piece) and piece not in _STOP_PIECES
        ]
        pieces = token_states.states[keep]
        norms = np.linalg.norm(pieces, axis=1, keepdims=True)
        words = tuple(
            Word(
                t.lemma_.lower(),
                t.dep_,
                t.head.lemma_.lower(),
                t.pos_,
                bool(t.is_stop),
                bool(t.ent_type_),
                t.text.lower(),
            )
            for t in doc
            if not t.is_punct and not t.is_space
        )
        out.append(SentenceView(text, vector, pieces / np.maximum(norms, 1e-12), words))
    return out


def _overlap(a: Iterable[Hashable], b: Iterable[Hashable]) -> tuple[float, float]:
    """Min and max of the two clipped precisions of two bags (0 for an empty bag)."""
    ca, cb = Counter(a), Counter(b)
    shared = sum((ca & cb).values())
    pa = shared / max(1, sum(ca.values()))
    pb = shared / max(1, sum(cb.values()))
    return min(pa, pb), max(pa, pb)


def _edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def _unmatched_pieces(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    if not len(a) or not len(b):
        return 0.0, 0.0
    sims = a @ b.T
    ua = float(np.sum(sims.max(axis=1) < PIECE_MATCH))
    ub = float(np.sum(sims.max(axis=0) < PIECE_MATCH))
    return max(ua, ub), min(ua, ub)


def pair_features_v2(a: SentenceView, b: SentenceView) -> tuple[float, ...]:
    """The values of :data:`FEATURES_V2` for one pair (symmetric in ``a`` and ``b``)."""
    cos = float(np.clip(a.vector @ b.vector, -1.0, 1.0))
    wa, wb = a.words, b.words
    ca = [w for w in wa if not w.stop]
    cb = [w for w in wb if not w.stop]
    subjects_a = {w.lemma for w in wa if w.dep in ("nsubj", "nsubjpass")}
    subjects_b = {w.lemma for w in wb if w.dep in ("nsubj", "nsubjpass")}
    names_a = {w.lower for w in wa if w.entity}
    names_b = {w.lower for w in wb if w.entity}
    la, lb = [w.lemma for w in wa], [w.lemma for w in wb]
    edits = _edit_distance(la, lb)
    return (
        *pair_features(a.text, b.text, cos),
        *_unmatched_pieces(a.pieces, b.pieces),
        *_overlap(((w.lemma, w.dep, w.head) for w in ca), ((w.lemma, w.dep, w.head) for w in cb)),
        *_overlap(((w.lemma, w.head) for w in ca), ((w.lemma, w.head) for w in cb)),
        *_overlap((w.lemma for w in ca), (w.lemma for w in cb)),
        *_overlap(
            (w.lemma for w in wa if w.pos in ("NOUN", "PROPN")),
            (w.lemma for w in wb if w.pos in ("NOUN", "PROPN")),
        ),
        *_overlap(
            (w.lemma for w in wa if w.pos == "VERB"), (w.lemma for w in wb if w.pos == "VERB")
        ),
        float(len(names_a ^ names_b)),
        float(bool(subjects_a & subjects_b)),
        edits / max(1, len(la), len(lb)),
        edits / max(1, min(len(la), len(lb))),
    )


@dataclass(slots=True, frozen=True)
class LinearModel:
    """A standardised logistic regression: ``sigmoid(bias + sum(w * (x - mean) / scale))``."""

    name: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    """Decision threshold (F1-optimal on cross-validated training predictions)."""

    def probability(self, values: Sequence[float]) -> float:
        if len(values) != len(self.weights):
            raise ValueError(f"expected {len(self.weights)} feature values, got {len(values)}")
        z = self.bias + sum(
            w * (v - m) / s
            for w, v, m, s in zip(self.weights, values, self.mean, self.scale, strict=True)
        )
        return _sigmoid(z)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
        }


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def model_from_dict(data: dict[str, Any]) -> LinearModel:
    """Check and build a :class:`LinearModel` from its JSON form."""
    features = tuple(str(f) for f in data["features"])
    if features != FEATURES_V2:
        raise ValueError(f"model features {features} are not {FEATURES_V2}")
    columns = [tuple(float(x) for x in data[k]) for k in ("mean", "scale", "weights")]
    if any(len(c) != len(features) for c in columns):
        raise ValueError("model vectors do not match its feature list")
    if any(s <= 0 for s in columns[1]):
        raise ValueError("model scales must be positive")
    return LinearModel(
        str(data["name"]),
        features,
        columns[0],
        columns[1],
        columns[2],
        float(data["bias"]),
        float(data["threshold"]),
    )


@functools.cache
def model_v2() -> LinearModel:
    """The fitted v2 model (read once from the package)."""
    ref = resources.files("newsprism.features").joinpath("minilm", _MODEL_FILE)
    return model_from_dict(json.loads(ref.read_text(encoding="utf-8")))


def sentence_score(a: SentenceView, b: SentenceView, *, ignore_numbers: bool = False) -> float:
    """v2 probability that two described sentences are paraphrases; compare with
    ``model_v2().threshold``. ``ignore_numbers`` as for :func:`pair_score`."""
    values = list(pair_features_v2(a, b))
    if ignore_numbers:
        values[FEATURES_V2.index("number_diff")] = 0.0
    return model_v2().probability(values)


def score_pairs(
    pairs: Sequence[tuple[str, str]],
    *,
    ignore_numbers: bool = False,
    encoder: SentenceEncoder | None = None,
    nlp: Any = None,
) -> np.ndarray:
    """v2 probabilities for sentence pairs, float64, in order (each distinct text is encoded and
    parsed once)."""
    texts = list(dict.fromkeys(t for pair in pairs for t in pair))
    views = dict(zip(texts, describe(texts, encoder=encoder, nlp=nlp), strict=True))
    return np.array(
        [sentence_score(views[a], views[b], ignore_numbers=ignore_numbers) for a, b in pairs],
        dtype=np.float64,
    )
