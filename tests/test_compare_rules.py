"""Difference rules on invented pairs: durations, numbers, dates at their granularity, negation,
quote drift, attribution; list items; and two small end-to-end stories."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.compare.differences import (
    date_differences,
    negation_differences,
    quantity_differences,
    quote_differences,
)
from newsprism.compare.text import content_stems
from newsprism.compare.units import Unit, quantity_head
from newsprism.compare.values import compare_dates, compare_quantities, quantity_interval
from newsprism.models import Claim, Quantity, Quote, TimeExpr


def qty(
    text: str,
    sentence: str,
    value: float,
    *,
    kind: str = "duration",
    unit: str = "min",
    approx: bool = False,
    bound: str = "eq",
) -> Quantity:
    start = sentence.index(text)
    return Quantity(text, start, start + len(text), kind, value, unit, approx, bound)  # type: ignore[arg-type]


def time(text: str, sentence: str, value: str, granularity: str) -> TimeExpr:
    start = sentence.index(text)
    return TimeExpr(text, start, start + len(text), value, granularity, "date", "2024-04-02")


def make_unit(
    text: str,
    article: int,
    *,
    quantities: tuple[Quantity, ...] = (),
    times: tuple[TimeExpr, ...] = (),
    quotes: tuple[Quote, ...] = (),
    negated: bool = False,
    subject: str | None = None,
    predicate: str | None = None,
    hedges: tuple[str, ...] = (),
) -> Unit:
    claim = Claim(
        f"c{article}", 0, 0, len(text), text, subject, predicate, negated=negated, hedges=hedges
    )
    return Unit(
        index=article,
        article=article,
        article_id=f"a{article}",
        start=0,
        end=len(text),
        field="body",
        text=text,
        kind="claim",
        sentence=0,
        claim=claim,
        entities=frozenset(),
        times=times,
        quantities=quantities,
        quotes=quotes,
        attribution=None,
        negated=negated,
        hedges=hedges,
        headline=False,
        stems=tuple(content_stems(text)),
        extra={f"qhead:{q.start}": quantity_head(text, q.start, q.end) for q in quantities},
    )


def texts_of(*units: Unit) -> dict[str, str]:
    return {u.article_id + "body": u.text for u in units}


# --------------------------------------------------------------------------- values


def test_nearly_two_hours_holds_105_minutes() -> None:
    s = "The meeting lasted nearly two hours."
    nearly = qty("nearly two hours", s, 120, approx=True, bound="le")
    exact = qty("two hours", s, 105)
    assert compare_quantities(nearly, exact) == "compatible"
    lo_hi = quantity_interval(nearly)
    assert lo_hi.lo < 105 < lo_hi.hi == 120


def test_durations_that_cannot_both_be_true() -> None:
    s = "x 45 minutes y three hours"
    assert compare_quantities(qty("45 minutes", s, 45), qty("three hours", s, 180)) == "conflict"
    # "more than two hours" cannot be 90 minutes, can be 150
    more = qty("three hours", s, 120, bound="gt")
    assert compare_quantities(more, qty("45 minutes", s, 90)) == "conflict"
    assert compare_quantities(more, qty("45 minutes", s, 150)) == "compatible"
    assert compare_quantities(qty("45 minutes", s, 45), qty("45 minutes", s, 45)) is None


def test_approximate_numbers() -> None:
    s = "about 100 people 110 people"
    about = qty("about 100", s, 100, kind="count", unit="people", approx=True, bound="about")
    assert (
        compare_quantities(about, qty("110", s, 110, kind="count", unit="people")) == "compatible"
    )
    assert compare_quantities(about, qty("110", s, 150, kind="count", unit="people")) == "conflict"


def test_dates_at_their_granularity() -> None:
    assert compare_dates("2024-04", "2024-04-02") == "compatible"
    assert compare_dates("2024-W14", "2024-04-02") == "compatible"  # April 1–7, 2024
    assert compare_dates("2024", "2024-11") == "compatible"
    assert compare_dates("2024-04-02", "2024-04-02") is None
    assert compare_dates("2024-04-02", "2024-04-03") == "conflict"
    assert compare_dates("2023-11", "2024-11") == "conflict"
    assert compare_dates("2024-W14", "2024-04-09") == "conflict"
    assert compare_dates("PRESENT_REF", "2024-04-02") == "unclear"


# --------------------------------------------------------------------------- rules on units


def test_duration_rule_compatible_and_conflict() -> None:
    a_text = "The meeting lasted nearly two hours, officials said."
    b_text = "The 105-minute meeting ended without a statement."
    c_text = "The 45-minute meeting ended without a statement."
    a = make_unit(
        a_text, 0, quantities=(qty("nearly two hours", a_text, 120, approx=True, bound="le"),)
    )
    b = make_unit(b_text, 1, quantities=(qty("105-minute", b_text, 105),))
    c = make_unit(c_text, 1, quantities=(qty("45-minute", c_text, 45),))
    ab = quantity_differences(a, b, texts_of(a, b), "f1")
    assert [(d.kind, d.grade) for d in ab] == [("duration", "compatible")]
    assert [s.text for s in ab[0].sides] == ["nearly two hours", "105-minute"]
    ac = quantity_differences(a, c, texts_of(a, c), "f1")
    assert [(d.kind, d.grade) for d in ac] == [("duration", "conflict")]


def test_numbers_of_different_things_are_not_compared() -> None:
    a_text = "The council hired 40 teachers and bought 12 buses."
    b_text = "The council hired 40 teachers and opened 3 schools."
    a = make_unit(
        a_text,
        0,
        quantities=(
            qty("40 teachers", a_text, 40, kind="count", unit="teachers"),
            qty("12 buses", a_text, 12, kind="count", unit="buses"),
        ),
    )
    b = make_unit(
        b_text,
        1,
        quantities=(
            qty("40 teachers", b_text, 40, kind="count", unit="teachers"),
            qty("3 schools", b_text, 3, kind="count", unit="schools"),
        ),
    )
    assert quantity_differences(a, b, texts_of(a, b), "f1") == []


def test_money_conflict() -> None:
    a_text = "The council approved a budget of $25 million for the project."
    b_text = "The council approved a budget of $40 million for the project."
    a = make_unit(
        a_text, 0, quantities=(qty("$25 million", a_text, 25e6, kind="money", unit="USD"),)
    )
    b = make_unit(
        b_text, 1, quantities=(qty("$40 million", b_text, 40e6, kind="money", unit="USD"),)
    )
    diffs = quantity_differences(a, b, texts_of(a, b), "f1")
    assert [(d.kind, d.grade) for d in diffs] == [("number", "conflict")]


def test_date_rule_granularity_and_strength() -> None:
    a_text = "The talks took place in April."
    b_text = "The talks took place on April 2."
    c_text = "The talks took place on May 9."
    a = make_unit(a_text, 0, times=(time("April", a_text, "2024-04", "month"),))
    b = make_unit(b_text, 1, times=(time("April 2", b_text, "2024-04-02", "day"),))
    c = make_unit(c_text, 1, times=(time("May 9", c_text, "2024-05-09", "day"),))
    assert [d.grade for d in date_differences(a, b, 0.8, texts_of(a, b), "f1")] == ["compatible"]
    assert [d.grade for d in date_differences(a, c, 0.8, texts_of(a, c), "f1")] == ["conflict"]
    # a weak alignment only says the dates differ
    assert [d.grade for d in date_differences(a, c, 0.5, texts_of(a, c), "f1")] == ["unclear"]
    same = make_unit(a_text, 1, times=(time("April", a_text, "2024-04", "month"),))
    assert date_differences(a, same, 0.9, texts_of(a, same), "f1") == []


def test_negation_rule() -> None:
    a = make_unit("The minister signed the agreement.", 0, subject="minister", predicate="sign")
    b = make_unit(
        "The minister did not sign the agreement.", 1, negated=True, subject="minister",
        predicate="sign",
    )  # fmt: skip
    diffs = negation_differences(a, b, 0.8, "f1")
    assert [(d.kind, d.grade) for d in diffs] == [("negation", "conflict")]
    hedged = make_unit(
        "The minister reportedly did not sign the agreement.", 1, negated=True,
        subject="minister", predicate="sign", hedges=("reportedly",),
    )  # fmt: skip
    assert [d.grade for d in negation_differences(a, hedged, 0.8, "f1")] == ["unclear"]
    other = make_unit(
        "The minister did not attend the signing.", 1, negated=True, subject="minister",
        predicate="attend",
    )  # fmt: skip
    assert negation_differences(a, other, 0.8, "f1") == []
    assert negation_differences(a, b, 0.3, "f1") == []  # not aligned well enough


def _quote(text: str, words: str, speaker: str | None) -> Quote:
    start = text.index(words)
    return Quote(words, start, start + len(words), "direct", speaker, None, "say", 0)


def test_quote_drift_is_wording_not_conflict() -> None:
    a_text = (
        'She said the rules aim "to protect workers without unduly limiting trade and investment".'
    )
    b_text = (
        "She said the rules aim to protect workers without limiting unfairly trade and investment."
    )
    qa = _quote(
        a_text, "to protect workers without unduly limiting trade and investment", "Jane Roe"
    )
    a = make_unit(a_text, 0, quotes=(qa,))
    b = make_unit(b_text, 1)
    diffs = quote_differences(a, b, texts_of(a, b), {}, "f1")
    assert [(d.kind, d.grade) for d in diffs] == [("quote_wording", "compatible")]
    assert "unduly" in diffs[0].sides[0].text and "unfairly" in diffs[0].sides[1].text
    assert diffs[0].sides[0].article == "a0"


def test_quote_with_flipped_negation_conflicts() -> None:
    a_text = 'He said: "We will sign the treaty this year and honour it."'
    b_text = 'He said: "We will not sign the treaty this year and honour it."'
    a = make_unit(
        a_text,
        0,
        quotes=(_quote(a_text, "We will sign the treaty this year and honour it", "Sam Poe"),),
    )
    b = make_unit(
        b_text,
        1,
        quotes=(_quote(b_text, "We will not sign the treaty this year and honour it", "Sam Poe"),),
    )
    diffs = quote_differences(a, b, texts_of(a, b), {}, "f1")
    assert diffs and diffs[0].kind == "quote_wording" and diffs[0].grade == "conflict"


def test_identical_quotes_give_nothing_and_other_speaker_is_attribution() -> None:
    words = "We will sign the treaty this year"
    a_text = f'The minister said: "{words}."'
    b_text = f'The president said: "{words}."'
    a = make_unit(a_text, 0, quotes=(_quote(a_text, words, "person:ann lee"),))
    b = make_unit(b_text, 1, quotes=(_quote(b_text, words, "person:bo chan"),))
    same_words = quote_differences(a, b, texts_of(a, b), {"a1": b.quotes}, "f1")
    assert [(d.kind, d.grade) for d in same_words] == [("attribution", "unclear")]
    b1 = make_unit(b_text, 1, quotes=(_quote(b_text, words, "Ann Lee"),))
    assert quote_differences(a, b1, texts_of(a, b1), {"a1": b1.quotes}, "f1") == []
    drift = "We will sign the pact this year"
    b2_text = f'The president said: "{drift}."'
    b2 = make_unit(b2_text, 1, quotes=(_quote(b2_text, drift, "person:bo chan"),))
    kinds = {
        d.kind: d.grade for d in quote_differences(a, b2, texts_of(a, b2), {"a1": b2.quotes}, "f1")
    }
    assert kinds == {"quote_wording": "compatible", "attribution": "unclear"}


# --------------------------------------------------------------------------- list items


@pytest.mark.slow
def test_enumerations_are_cut_into_items() -> None:
    from newsprism.analyze.nlp import get_nlp
    from newsprism.compare.enumerations import cut_claims

    texts = [
        "The ministers discussed the harbour's dredging plan and its rising costs, fishing "
        "quotas, coastal erosion, and flood defences.",
        "The two mayors met in the town hall on Monday.",
        "The board praised the new treatment for wounds and burns.",
    ]
    pieces = cut_claims(get_nlp(), texts)
    items = [texts[0][p.start : p.end] for p in pieces[0] if p.role == "item"]
    assert items == [
        "the harbour's dredging plan",
        "its rising costs",
        "fishing quotas",
        "coastal erosion",
        "flood defences",
    ]
    assert [p.role for p in pieces[1]] == ["clause"]
    assert [p.role for p in pieces[2]] == ["clause"]  # "wounds and burns" is one idea


# --------------------------------------------------------------------------- end to end

STORY = """date 2025-03-04

The mayor of Springfield met the regional transport minister on Tuesday to discuss the new tram
line.

The meeting lasted {duration}, officials said. The city council approved a budget of {money} for
the project.
"""


@pytest.mark.slow
def test_invented_story_compatible_and_conflicting(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    def write(name: str, duration: str, money: str) -> str:
        path = tmp_path / name
        path.write_text(STORY.format(duration=duration, money=money), encoding="utf-8")
        return str(path)

    a = write("a.txt", "nearly two hours", "$40 million")
    b = write("b.txt", "105 minutes", "$40 million")
    c = write("c.txt", "45 minutes", "$25 million")
    ab, _ = compare_files([a, b])
    assert {(d.kind, d.grade) for d in ab.differences} == {("duration", "compatible")}
    ac, _ = compare_files([a, c])
    assert {(d.kind, d.grade) for d in ac.differences} == {
        ("duration", "conflict"),
        ("number", "conflict"),
    }
    assert all(s.verified for s in ac.brief.sentences)
    assert any("cannot be true" in s.text for s in ac.brief.sentences)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            'the firm would "cooperate fully with the inquiry". Next',
            'the firm would "cooperate fully with the inquiry"',
        ),
        ("The barge sank shortly after 7 a.m.", "The barge sank shortly after 7 a.m."),
        ("He said “no deal”.", "He said “no deal”"),
        ("the rate (2.5%) rose.", "the rate (2.5%) rose"),
        ("it rose by 5 percent.", "it rose by 5 percent"),
        ('"Quoted in full."', "Quoted in full"),
    ],
)
def test_trimmed_spans_keep_closing_quotes_and_abbreviation_dots(text: str, kept: str) -> None:
    from newsprism.compare.text import trim_span

    end = text.index(". Next") + 1 if ". Next" in text else len(text)
    start, stop = trim_span(text, 0, end)
    assert text[start:stop] == kept


def test_pairwise_value_differences_of_one_fact_are_merged() -> None:
    from newsprism.compare.differences import merge_pairwise
    from newsprism.compare.model import Citation, Difference

    a = Citation("A", 0, 12, "$2.1 billion")
    b = Citation("B", 5, 17, "$2.1 billion")
    c = Citation("C", 9, 21, "$1.8 billion")
    pairs = [
        Difference("number", "conflict", "f01", [a, c], "a vs c"),
        Difference("number", "conflict", "f01", [b, c], "b vs c"),
        Difference("quote_wording", "compatible", "f01", [a, b], "kept"),
        Difference("number", "conflict", "f02", [a, c], "another fact"),
    ]
    merged = merge_pairwise(pairs, {"A": 0, "B": 1, "C": 2})
    assert [d.kind for d in merged] == ["number", "quote_wording", "number"]
    first = merged[0]
    assert [s.article for s in first.sides] == ["A", "B", "C"]
    assert first.grade == "conflict" and "cannot all be true" in first.explanation
    assert merged[1].explanation == "kept" and merged[2].explanation == "another fact"
