"""A time of day names no day, and the story's coming events are not background.

Invented reports of a depot fire, dated Monday 2025-09-15: the fire was on Sunday evening;
"shortly after 9 p.m." and "between midnight and 5 a.m." (a nightly schedule) must not be dated
to the day the articles were published; the reopening on October 1 is the story's own coming
event, the depot's construction in 1987 its background.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from newsprism.analyze.temporal import find_time_expressions, resolve_time_expressions

MONDAY = dt.date(2025, 9, 15)


def values(text: str, anchor: dt.date | None = MONDAY) -> dict[str, str | None]:
    return {t.text: t.value for t in find_time_expressions(text, anchor)}


# --------------------------------------------------------------------------- the analysis


def test_a_bare_time_of_day_is_not_the_article_date() -> None:
    text = (
        "The fire broke out on Sunday evening. Firefighters arrived shortly after 9 p.m. "
        "Night trams will not run between midnight and 5 a.m."
    )
    got = values(text)
    assert got["Sunday evening"] == "2025-09-14TEV"
    assert got["9 p.m."] == "XXXX-XX-XXT21:00"
    assert got["midnight"] == "XXXX-XX-XXT00:00"
    assert got["5 a.m."] == "XXXX-XX-XXT05:00"


def test_a_time_takes_the_day_of_its_own_sentence() -> None:
    assert values("Crews were called on Sunday at 9 p.m.")["9 p.m."] == "2025-09-14T21:00"
    assert values("Crews left at 2 a.m., hours before dawn on Sunday, they said.")["2 a.m."] == (
        "2025-09-14T02:00"
    )
    assert values("The alarm sounded at 9 p.m. Sunday.")["9 p.m. Sunday"] == "2025-09-14T21:00"


def test_a_bare_time_does_not_move_the_reference_day() -> None:
    text = "Inspectors visited the depot on September 3. The alarm sounded at 9 p.m. the same day."
    got = values(text)
    assert got["the same day"] == "2025-09-03"
    assert got["9 p.m."] == "2025-09-03T21:00"  # "the same day" names its day, in its sentence


def test_a_bare_time_resolved_later_gets_no_day_either() -> None:
    text = "Firefighters arrived shortly after 9 p.m. on Sunday. Trams stop at midnight."
    times = find_time_expressions(text, None)
    got = {t.text: t.value for t in resolve_time_expressions(times, text, MONDAY)}
    assert got["midnight"] == "XXXX-XX-XXT00:00"
    assert got["Sunday"] == "2025-09-14"


# --------------------------------------------------------------------------- the timeline

STORY = {
    "post.txt": """title: Fire damages tram depot in Velmora
date: 2025-09-15
source: Velmora Post

A fire broke out at the tram depot in Velmora on Sunday evening, the city transport office said.

Firefighters arrived shortly after 9 p.m. and fought the blaze for three hours.

Night trams will not run between midnight and 5 a.m. while the repairs go on.

The depot will reopen to trams on October 1, the transport office said.

The depot was built in 1987.
""",
    "herald.txt": """title: Twelve trams damaged in Velmora depot blaze
date: 2025-09-15
source: Lakeside Herald

Fire swept through the Velmora tram depot on Sunday evening, damaging twelve trams, according to the city transport office.

Crews brought the fire under control before 1 a.m., a fire service spokeswoman said.

The office said the depot would reopen on October 1.

Night services between midnight and 5 a.m. are suspended.
""",
}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from newsprism.compare import compare_files

    folder: Path = tmp_path_factory.mktemp("depot")
    for name, text in STORY.items():
        (folder / name).write_text(text, encoding="utf-8")
    comparison, failures = compare_files([str(folder / n) for n in STORY])
    assert failures == []
    assert comparison.story_date == "2025-09-15"
    return comparison


def test_times_of_day_do_not_date_timeline_events(story: Any) -> None:
    events = [(e.date, e.text) for e in story.timeline]
    assert not [e for e in events if e[0] == "2025-09-15"], events
    for clock in ("9 p.m.", "1 a.m.", "midnight"):
        assert not [e for e in events if clock in e[1]], events
    assert [d for d, t in events if "Sunday evening" in t] == ["2025-09-14"]


def test_the_story_s_coming_events_are_not_background(story: Any) -> None:
    marks = {e.date: e.background for e in story.timeline}
    assert marks["2025-10-01"] is False, marks
    assert marks["1987"] is True, marks
    assert marks["2025-09-14"] is False, marks


def test_dates_computed_ahead_are_used_for_the_same_units_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``compare_articles`` dates the claims while the encoder runs (one parse); the timeline
    uses those dates only when they cover its own units, and otherwise dates them itself."""
    import newsprism.compare.story as story_module
    import newsprism.compare.timeline as timeline_module
    from newsprism.compare import compare_files
    from newsprism.compare.story import clear_caches
    from newsprism.compare.timeline import ClaimDates, date_claims

    for name, text in STORY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in STORY]

    def timeline() -> list[tuple[str, str]]:
        clear_caches()
        comparison, _ = compare_files(paths)
        return [(e.date, e.text) for e in comparison.timeline]

    parses: list[int] = []
    real_claim_dates = timeline_module.claim_dates

    def counted(*args: Any, **kwargs: Any) -> Any:
        parses.append(1)
        return real_claim_dates(*args, **kwargs)

    monkeypatch.setattr(timeline_module, "claim_dates", counted)
    expected = timeline()
    assert "2025-10-01" in dict(expected)
    assert len(parses) == 1  # dated once, ahead

    def other_units(units: Any, **kwargs: Any) -> ClaimDates:
        return ClaimDates(frozenset({-1}), True, {})

    monkeypatch.setattr(story_module, "date_claims", other_units)
    parses.clear()
    assert timeline() == expected  # not the timeline's units: dated again
    assert len(parses) == 1

    def no_dates(units: Any, **kwargs: Any) -> ClaimDates:
        return ClaimDates(date_claims(units, **kwargs).units, True, {})

    monkeypatch.setattr(story_module, "date_claims", no_dates)
    assert timeline() == []  # the same units: the dates given are used

    def unparsed(units: Any, **kwargs: Any) -> ClaimDates:
        return ClaimDates(date_claims(units, **kwargs).units, False, {})

    monkeypatch.setattr(story_module, "date_claims", unparsed)
    assert timeline() == expected  # dated without the parser: dated again, with it
