"""Sentence-pair score: MiniLM cosine plus cheap lexical evidence, combined by a tiny model.

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

import math
import re
from collections import Counter
from collections.abc import Sequence

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
