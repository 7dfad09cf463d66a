"""Time expressions: extraction and resolution against the article date."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.analyze.temporal import _candidates, find_time_expressions, resolve_time_expressions
from newsprism.analyze.temporal_gate import TRIGGERS
from newsprism.analyze.temporal_rules import RULES
from newsprism.models import TimeExpr

from .conftest import SEED_A, SEED_B, require_gold

TUESDAY = dt.date(2024, 4, 2)  # the seed pair's date, a Tuesday


def one(text: str, anchor: dt.date | None, needle: str) -> TimeExpr:
    """The expression found inside ``needle`` (which must occur in ``text``)."""
    start = text.index(needle)
    end = start + len(needle)
    hits = [t for t in find_time_expressions(text, anchor) if t.start < end and start < t.end]
    assert hits, f"no time expression in {needle!r}"
    return max(hits, key=lambda t: t.end - t.start)


def value(text: str, anchor: dt.date | None, needle: str | None = None) -> str | None:
    return one(text, anchor, needle or text).value


# --------------------------------------------------------------------------- seeds


def test_seed_b_gold_time_expressions() -> None:
    gold = json.loads(require_gold().read_text(encoding="utf-8"))
    text = SEED_B.read_text(encoding="utf-8")
    items = [t for t in gold["time_expressions"] if t["article"] == "B"]
    assert len(items) >= 6
    for item in items:
        assert value(text, TUESDAY, item["text"]) == item["value"], item


def test_seed_a_resolves_once_the_story_date_is_known() -> None:
    text = SEED_A.read_text(encoding="utf-8")
    times = find_time_expressions(text, None)
    last_nov = one(text, None, "last November")
    election = one(text, None, "presidential election in November")
    assert last_nov.value is None and last_nov.anchor is None
    assert election.value is None
    resolved = {t.text: t for t in resolve_time_expressions(times, text, TUESDAY)}
    assert resolved["last November"].value == "2023-11"
    assert resolved["last November"].anchor == "2024-04-02"
    assert resolved["November"].value == "2024-11"  # the coming election
    assert resolved["Tuesday"].value == "2024-04-02"
    assert resolved["later this week"].value == "2024-W14"


def test_seed_durations_are_never_years() -> None:
    b = SEED_B.read_text(encoding="utf-8")
    a = SEED_A.read_text(encoding="utf-8")
    long_call = one(b, TUESDAY, "one-hour, 45-minute")
    assert (long_call.kind, long_call.value) == ("duration", "PT1H45M")
    short_call = one(a, TUESDAY, "nearly two-hour")
    assert (short_call.kind, short_call.value, short_call.mod) == (
        "duration",
        "PT2H",
        "equal_or_less",
    )
    for text in (a, b):
        for t in find_time_expressions(text, TUESDAY):
            assert t.text == text[t.start : t.end]
            assert t.value != "1945" and "1945" not in t.text


def test_coming_weeks_is_an_open_future_interval() -> None:
    t = one(SEED_B.read_text(encoding="utf-8"), TUESDAY, "in the coming weeks")
    assert (t.kind, t.value, t.mod) == ("interval", "FUTURE_REF", "future_open")


# --------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("sentence", "needle", "expected"),
    [
        ("The leaders spoke by phone on Tuesday.", "Tuesday", "2024-04-02"),  # the anchor day
        ("She met the minister on Monday.", "Monday", "2024-04-01"),
        ("He said on Friday that talks had stalled.", "Friday", "2024-03-29"),
        ("The minister will visit Paris on Friday.", "Friday", "2024-04-05"),
        ("Talks are scheduled for Thursday.", "Thursday", "2024-04-04"),
        ("They met last Tuesday.", "last Tuesday", "2024-03-26"),
        ("They meet next Monday.", "next Monday", "2024-04-08"),
        ("Protesters gathered on Sunday night.", "Sunday night", "2024-03-31TNI"),
    ],
)
def test_weekday_follows_tense(sentence: str, needle: str, expected: str) -> None:
    assert value(sentence, TUESDAY, needle) == expected


def test_weekday_with_other_anchor_dates() -> None:
    saturday = dt.date(2023, 9, 16)
    assert value("The vote was held on Wednesday.", saturday, "Wednesday") == "2023-09-13"
    assert value("The vote will be held on Wednesday.", saturday, "Wednesday") == "2023-09-20"


# --------------------------------------------------------------------------- months, years


@pytest.mark.parametrize(
    ("sentence", "needle", "expected"),
    [
        ("They last spoke on the phone in July 2022.", "July 2022", "2022-07"),
        ("In January, the adviser met his counterpart.", "January", "2024-01"),
        ("He met the official in Munich in February.", "February", "2024-02"),
        ("They first met last November.", "last November", "2023-11"),
        ("The summit took place in November.", "November", "2023-11"),
        ("He will run in the presidential election in November.", "November", "2024-11"),
        ("The upcoming vote in October worries officials.", "October", "2024-10"),
        ("The plant is set to reopen in June.", "June", "2024-06"),
        ("Sales rose last year.", "last year", "2023"),
        ("They met last fall.", "last fall", "2023-FA"),
        ("He called him earlier this year.", "earlier this year", "2024"),
        ("She is planned to visit later this week.", "later this week", "2024-W14"),
        ("The report comes out next week.", "next week", "2024-W15"),
        ("Profit fell in the first quarter.", "the first quarter", "2024-Q1"),
        ("Profit fell in the fourth quarter.", "the fourth quarter", "2023-Q4"),
        ("It grew in the 1990s.", "the 1990s", "199"),
        ("It happened yesterday.", "yesterday", "2024-04-01"),
        ("It happens today.", "today", "2024-04-02"),
        ("It happens tomorrow.", "tomorrow", "2024-04-03"),
        ("It happened two days ago.", "two days ago", "2024-03-31"),
        ("It happened a year ago.", "a year ago", "2023"),
        ("Prices are high now.", "now", "PRESENT_REF"),
        ("Prices rose recently.", "recently", "PAST_REF"),
    ],
)
def test_relative_expressions(sentence: str, needle: str, expected: str) -> None:
    assert value(sentence, TUESDAY, needle) == expected


def test_last_month_name_is_strictly_before_the_anchor() -> None:
    assert value("They met last November.", dt.date(2023, 12, 15), "November") == "2023-11"
    assert value("They met last December.", dt.date(2023, 12, 15), "December") == "2022-12"
    assert value("They meet next January.", dt.date(2023, 12, 15), "January") == "2024-01"


@pytest.mark.parametrize(
    "text",
    ["April 2, 2024", "Apr. 2, 2024", "2 April 2024", "2024-04-02", "4/2/2024", "Tuesday, April 2"],
)
def test_absolute_dates(text: str) -> None:
    assert value(f"It was signed on {text}.", dt.date(2024, 6, 1), text) == "2024-04-02"


def test_weekday_chooses_the_year_of_a_month_day() -> None:
    # April 2 was a Tuesday in 2024, not in 2025
    assert value("On Tuesday, April 2, they met.", dt.date(2025, 1, 10), "Tuesday, April 2") == (
        "2024-04-02"
    )


# ------------------------------------------------------------------ durations, sets, guards


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two hours", "PT2H"),
        ("a 45-minute meeting", "PT45M"),
        ("an hour and a half", "PT1H30M"),
        ("the past 18 months", "P18M"),
        ("several days", "PXD"),
        ("a decade", "P10Y"),
        ("2 1/2 years", "P2Y6M"),
    ],
)
def test_durations(text: str, expected: str) -> None:
    t = one(f"It lasted {text}.", TUESDAY, text)
    assert (t.kind, t.value) == ("duration", expected)


def test_sets() -> None:
    assert one("They meet every week.", TUESDAY, "every week").value == "P1W"
    assert one("It pays $5 million a year.", TUESDAY, "a year").kind == "set"


@pytest.mark.parametrize(
    "sentence",
    [
        "The 58-year-old senator spoke.",
        "A 1945-minute film is long.",
        "Police arrested 2000 protesters.",
        "The fund paid $2024 to each member.",
        "Officials counted 1,945 ballots.",
    ],
)
def test_numbers_that_are_not_time(sentence: str) -> None:
    assert find_time_expressions(sentence, TUESDAY) == []


def test_without_anchor_keeps_absolute_values_only() -> None:
    text = "They met on Tuesday, and last spoke in July 2022 for two hours."
    found = {t.text: t for t in find_time_expressions(text, None)}
    assert found["Tuesday"].value is None and found["Tuesday"].anchor is None
    assert found["July 2022"].value == "2022-07"
    assert found["two hours"].value == "PT2H"


def test_resolve_keeps_resolved_and_sentence_index() -> None:
    text = "They met on Tuesday in July 2022."
    times = [t if t.value else replace(t, sentence=4) for t in find_time_expressions(text, None)]
    out = resolve_time_expressions(times, text, TUESDAY)
    assert [t.value for t in out] == ["2024-04-02", "2022-07"]
    assert out[0].sentence == 4
    assert out[1] is times[1]


def test_title_field_is_kept() -> None:
    (t,) = find_time_expressions("Talks on Tuesday", TUESDAY, field="title")
    assert t.field == "title" and t.sentence == -1


def test_trigger_gate_finds_what_a_full_scan_finds() -> None:
    assert {name for name, _, _ in RULES} == set(TRIGGERS)
    mixed = (
        "On Tuesday, April 2, 2024 at 3 p.m. EDT, officials said profit in the third quarter "
        "rose 5%, up from a year earlier. Over the past two years, and in the 1990s, talks "
        "were held every week; later this month, in the coming weeks and the near future, "
        "the 20th century, nineteen ninety-six, Christmas, the weekend, year-end, recently."
    )
    for text in (SEED_A.read_text(encoding="utf-8"), SEED_B.read_text(encoding="utf-8"), mixed):
        full = sorted((d.start, d.end, d.rule) for d in _candidates(text, gated=False))
        gated = sorted((d.start, d.end, d.rule) for d in _candidates(text, gated=True))
        assert gated == full


_VOCAB = [
    "Feb.",
    "29",
    "February",
    "30",
    "31",
    "00",
    "99",
    "1999",
    "2024",
    "9999",
    "12:99",
    "25:00",
    "13/13/2024",
    "2/30/2023",
    "Q5",
    "Q4",
    "the",
    "last",
    "next",
    "this",
    "past",
    "fiscal",
    "quarter",
    "half",
    "first",
    "year",
    "years",
    "ago",
    "later",
    "earlier",
    "Monday",
    "Sunday",
    "night",
    "p.m.",
    "noon",
    "$",
    "€",
    "1.5",
    "billion",
    "%",
    "nearly",
    "about",
    "more",
    "than",
    "a",
    "one-hour",
    "45-minute",
    ",",
    ".",
    "-",
    "twenty-five",
    "nineteen",
    "ninety-six",
    "thousand",
    "dozens",
    "of",
    "people",
    "the",
    "1990s",
    "'90s",
    "20th",
    "century",
    "Christmas",
    "Election",
    "Day",
    "weekend",
    "today",
    "now",
    "every",
    "week",
    "twice",
    "coming",
    "weeks",
    "ahead",
    "in",
    "on",
    "by",
    "until",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*_VOCAB, "\n"]), max_size=30).map(" ".join),
    st.sampled_from([None, dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
)
def test_any_text_and_anchor_never_crash(text: str, anchor: dt.date | None) -> None:
    times = find_time_expressions(text, anchor)
    assert all(t.text == text[t.start : t.end] for t in times)
    assert all(a.end <= b.start for a, b in itertools.pairwise(times))
    if anchor is not None:
        resolved = resolve_time_expressions(find_time_expressions(text, None), text, anchor)
        assert [t.start for t in resolved] == [t.start for t in times]
