"""A weekday or a month without a year follows the tense of the verb it goes with: past → the
latest one not after the article date, future → the next one. A scheduled-event noun
("election", "vote") decides only when no past or future verb does. Invented sentences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsprism.analyze.temporal import find_time_expressions

MONDAY = dt.date(2025, 3, 10)


def value_of(text: str, needle: str, anchor: dt.date = MONDAY) -> str | None:
    start = text.index(needle)
    hits = [t for t in find_time_expressions(text, anchor) if t.start <= start < t.end]
    assert hits, f"no time expression at {needle!r} in {text!r}"
    return hits[0].value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # past verb: the Sunday before, whatever the noun
        ("Orla Venn won the Pellmark mayoral election on Sunday.", "2025-03-09"),
        ("Orla Venn won the Pellmark mayoral race on Sunday.", "2025-03-09"),
        ("The referendum on Sunday was close.", "2025-03-09"),
        ("Voters rejected the proposal in a vote on Sunday.", "2025-03-09"),
        ("Orla Venn was elected mayor on Sunday.", "2025-03-09"),
        # the verb of the expression's own clause, not the main clause's
        ("Brannoc Teel, who lost the election on Sunday, has asked for a recount.", "2025-03-09"),
        # future verb: the next one
        ("Orla Venn will contest the election on Sunday.", "2025-03-16"),
        ("The council is set to vote on Sunday.", "2025-03-16"),
        ("Brannoc Teel said the election on Sunday would be close.", "2025-03-16"),
        # no past or future verb: a scheduled event is ahead
        ("Voters go to the polls on Sunday.", "2025-03-16"),
        ("The election is on Sunday.", "2025-03-16"),
        # no cue at all: news reports the past
        ("Pellmark council meeting on Friday.", "2025-03-07"),
    ],
)
def test_a_weekday_follows_the_tense_of_its_verb(text: str, expected: str) -> None:
    assert value_of(text, "Sunday" if "Sunday" in text else "Friday") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # past and past perfect: the latest such month not after the article date
        ("Brannoc Teel had led in early opinion polls in January.", "2025-01"),
        ("Talks had stalled in January.", "2025-01"),
        ("The plant opened in November.", "2024-11"),
        ("The party has been polling well since January.", "2025-01"),
        ("Sales fell in March.", "2025-03"),  # the article's own month is not after it
        # future: the next one
        ("The council will vote in January.", "2026-01"),
        ("The plant will open in November.", "2025-11"),
        ("The referendum in April will decide the matter.", "2025-04"),
        # a date that names a deadline is the one set, whatever the verb's tense
        ("The regulator gave no reason for the March 20 deadline.", "2025-03-20"),
        # explicit direction words keep their meaning
        ("Sales were strong last January.", "2025-01"),
        ("Sales will rise next January.", "2026-01"),
        ("Sales rose this January.", "2025-01"),
    ],
)
def test_a_month_without_a_year_follows_the_tense(text: str, expected: str) -> None:
    month = next(m for m in ("January", "March", "April", "November") if m in text)
    assert value_of(text, month) == expected


def test_through_the_article_pipeline(tmp_path: Path) -> None:
    """The reviewer's case end to end: a file read and analysed like any other."""
    from newsprism.analyze import analyze_article
    from newsprism.pipeline import read_articles

    path = tmp_path / "pellmark.txt"
    path.write_text(
        "title: Venn wins Pellmark mayoral race\ndate: 2025-03-10\nsource: Pellmark Gazette\n\n"
        "Orla Venn won the Pellmark mayoral election on Sunday with 51% of the vote, according "
        "to official results released on Monday.\n\n"
        "Her opponent Brannoc Teel had led in early opinion polls in January.\n",
        encoding="utf-8",
    )
    (article,) = list(read_articles([str(path)]))
    times = {t.text: t.value for t in analyze_article(article).times}  # type: ignore[arg-type]
    assert times["Sunday"] == "2025-03-09"
    assert times["Monday"] == "2025-03-10"
    assert times["January"] == "2025-01"
