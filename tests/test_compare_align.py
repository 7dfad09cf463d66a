"""Alignment scoring helpers: their fast paths against the plain definitions, and the date,
phrase and source adjustments on invented units."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.compare import align
from newsprism.compare.text import initials_of
from newsprism.compare.values import date_range
from newsprism.models import Quote
from tests.test_compare_rules import make_unit, time

_WORD = st.text(alphabet="abcdeinorst", min_size=1, max_size=14)


@settings(max_examples=200, deadline=None)
@given(word=_WORD, vocab=st.sets(_WORD, max_size=30))
def test_contained_equals_the_plain_scan(word: str, vocab: set[str]) -> None:
    vocab = {v for v in vocab if len(v) >= 5} | ({word} if len(word) >= 5 else set())
    plain = {v for v in vocab if v != word and len(v) >= 5 and v in word}
    assert align._contained(word, vocab) == plain


def test_compounds_and_acronyms_count_as_their_parts() -> None:
    a = make_unit("Officials discussed counterterrorism cooperation in Brussels", 0)
    b = make_unit("The European Union pledged more terrorism funding", 1)
    c = make_unit("EU ministers met again", 2)
    stems = align.augmented_stems([a, b, c])
    assert "terrorism" in stems[0] and "terrorism" not in a.stems
    assert "eu" in stems[1]
    assert {"EU", "EUP", "UPTF"} <= initials_of(b.text)  # "more" is a stop word
    assert "TE" not in initials_of(b.text)  # "The" is a stop word


def test_augmented_entities_add_contained_names() -> None:
    a = make_unit("Ships crossed the canal", 0)
    b = make_unit("Panama said it would widen it", 1)
    a.entities = frozenset({"LOC:Panama Canal"})
    b.entities = frozenset({"GPE:Panama", "ORG:Canal Authority Panamax"})
    out = align.augmented_entities([a, b])
    assert out[0] == ["GPE:Panama", "LOC:Panama Canal"]
    # "Panama" inside "Panamax" is not a word of it
    assert out[1] == ["GPE:Panama", "ORG:Canal Authority Panamax"]


def test_time_adjustments() -> None:
    story = date_range("2024-04-02")
    s1 = "The two leaders spoke on Tuesday about trade."
    s2 = "The leaders held a call on Tuesday on trade."
    s3 = "The leaders met on March 3 about trade."
    s4 = "They last spoke in July 2022."
    same_a = align._facets(make_unit(s1, 0, times=(time("on Tuesday", s1, "2024-04-02", "day"),)))
    same_b = align._facets(make_unit(s2, 1, times=(time("on Tuesday", s2, "2024-04-02", "day"),)))
    other = align._facets(make_unit(s3, 1, times=(time("March 3", s3, "2024-03-03", "day"),)))
    old = align._facets(make_unit(s4, 1, times=(time("July 2022", s4, "2022-07", "month"),)))
    undated = align._facets(make_unit("Trade was the main topic.", 0))
    assert align._time_adjust(same_a, same_b, story) == align.DATE_MATCH_BONUS
    assert math.isnan(align._time_adjust(same_a, other, story))
    assert align._time_adjust(undated, old, story) == -align.BACKGROUND_PENALTY
    assert align._time_adjust(undated, old, None) == 0.0
    assert align._time_adjust(undated, same_b, story) == 0.0


def test_phrase_and_source_adjustments() -> None:
    said = 'He called the talks "frank and constructive" after the call.'
    start = said.index("frank")
    q = Quote("frank and constructive", start, start + 22, "direct", None, None, "called", 0)
    a = align._facets(make_unit(said, 0, quotes=(q,)))
    b = align._facets(make_unit("Officials described frank and constructive talks.", 1))
    c = align._facets(make_unit("The talks were tense.", 1))
    assert align._phrase_adjust(a, b) == align._phrase_adjust(b, a) == align.PHRASE_BONUS
    assert align._phrase_adjust(a, c) == 0.0
    ua, ub = make_unit("x y z", 0), make_unit("x y z", 1)

    def bonus(x: str, y: str) -> float:
        ua.attribution, ub.attribution = x, y
        return align._source_adjust(align._facets(ua), align._facets(ub))

    assert bonus("the foreign ministry", "China's foreign ministry") == align.SOURCE_BONUS
    assert bonus("the foreign ministry", "the finance ministry") == 0.0
    assert bonus("the spokesman", "the spokesman") == 0.0  # a generic source says nothing


def test_score_matrix_is_symmetric_and_blocks_one_article() -> None:
    s1 = "The two leaders spoke on Tuesday about trade."
    s2 = "The leaders held a call on Tuesday on trade."
    units = [
        make_unit(s1, 0, times=(time("on Tuesday", s1, "2024-04-02", "day"),)),
        make_unit(s2, 1, times=(time("on Tuesday", s2, "2024-04-02", "day"),)),
        make_unit("The museum reopened its east wing.", 1),
    ]
    for i, u in enumerate(units):
        u.index = i
    vectors = np.eye(3, 384, dtype=np.float32)
    scores = align.score_matrix(units, vectors, "2024-04-02")
    np.testing.assert_allclose(scores, scores.T)
    assert scores[1, 2] == -1.0  # same article
    assert scores[0, 1] > scores[0, 2]
