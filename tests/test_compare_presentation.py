"""Framing cues, the timeline and the renderings on invented text: tone words count only when
they characterise an interaction between actors; events are dated by the time of their own
clause; citations are readable in text, Markdown and HTML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from newsprism.compare.render import date_label
from tests.conftest import make_article

# --------------------------------------------------------------------------- framing

POSITIVE = {
    "clash": (
        "Union leaders and the Ostrava rail operator clashed over pay on Friday.\n\n"
        "More talks are planned for next month.",
        "conflict",
    ),
    "quality": (
        "The two delegations held frank and cordial talks in Lisbon on Monday.\n\n"
        "They will meet again in June.",
        "cooperation",
    ),
    "described": (
        "Talks ended late on Tuesday.\n\n"
        "A spokeswoman for the port authority described the meeting as constructive and friendly.",
        "cooperation",
    ),
}
NEGATIVE = {
    "collision": (
        "A delivery van collided with a tram near the Orsolo bridge on Friday, "
        "according to the fire service.\n\nNobody was hurt.",
        "Delivery van collides with tram near Orsolo bridge",
    ),
    "crash": (
        "A bus crash on the coast road left four people injured, according to the fire "
        "service.\n\nThe road reopened at noon.",
        "Four hurt in coast road bus crash",
    ),
    "no_interaction": (
        "It was a tense finish to the regatta, with the boats only seconds apart.\n\n"
        "The winners celebrated on the quay.",
        None,
    ),
    "no_actors": (
        "Storm fronts clashed over the valley overnight, bringing hail to the farms.\n\n"
        "Several roads were closed.",
        None,
    ),
}


@pytest.fixture(scope="module")
def characterised() -> dict[str, list[Any]]:
    from newsprism.compare.framing import characterise
    from newsprism.compare.story import analyze_cached

    cases = {k: (body, None) for k, (body, _) in POSITIVE.items()}
    cases.update(NEGATIVE)
    articles = {
        k: make_article(body, title=title, published="2025-03-04")
        for k, (body, title) in cases.items()
    }
    analyses = analyze_cached(list(articles.values()))
    return {k: characterise(a, an) for (k, a), an in zip(articles.items(), analyses, strict=True)}


@pytest.mark.parametrize("case", sorted(POSITIVE))
def test_tone_words_about_an_interaction_between_actors_count(
    characterised: dict[str, list[Any]], case: str
) -> None:
    tone = POSITIVE[case][1]
    found = [c for c in characterised[case] if c.tone == tone]
    assert found, f"{case}: no {tone} characterisation in {characterised[case]}"


@pytest.mark.parametrize("case", sorted(NEGATIVE))
def test_physical_events_attribution_and_non_interactions_do_not_frame(
    characterised: dict[str, list[Any]], case: str
) -> None:
    assert [c for c in characterised[case] if c.tone != "neutral"] == []


def test_tone_difference_only_between_interactions(characterised: dict[str, list[Any]]) -> None:
    from newsprism.compare.framing import overall_tone

    assert overall_tone(characterised["clash"]) == "conflict"
    assert overall_tone(characterised["described"]) == "cooperation"
    for case in NEGATIVE:
        assert overall_tone(characterised[case]) == "neutral", case


# --------------------------------------------------------------------------- timeline


def test_date_labels() -> None:
    assert date_label("2023-FA") == "fall 2023"
    assert date_label("2024-WI") == "winter 2024"
    assert date_label("2024-Q1") == "Q1 2024"
    assert date_label("2024-H2") == "second half of 2024"
    assert date_label("2024-W14") == "week 14 of 2024"
    assert date_label("2024-04-02") == "2024-04-02"
    assert date_label("2022") == "2022"


STORY = {
    "a.txt": """title: Esk bridge reopens after repairs
date: 2025-03-04
source: Esk Valley Post

The Esk river bridge reopened to traffic on Monday after three weeks of repairs, county engineers said.

The minister warned the unions against striking during the festival in August.

Earlier this year, on February 3, the county council approved the repair budget.

The council had closed the bridge last fall after cracks were found. The <b>old</b> deck & rails were replaced.
""",
    "b.txt": """title: Esk river bridge open again
date: 2025-03-04
source: Riverside Daily

The bridge over the Esk river reopened to traffic on Monday after three weeks of repair work, according to county engineers.

Drivers had used a long detour through the hills while it was closed.
""",
    "c.txt": """title: Traffic flows again on Esk bridge
date: 2025-03-04
source: Dales Courier

Traffic is flowing again over the Esk river bridge, which reopened on Monday after repairs lasting three weeks.

Local shops welcomed the news.
""",
}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from newsprism.compare import compare_files

    folder: Path = tmp_path_factory.mktemp("story")
    paths = []
    for name, text in STORY.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    comparison, failures = compare_files(paths)
    assert failures == []
    return comparison


def test_one_event_per_fact_citing_every_article(story: Any) -> None:
    reopened = [e for e in story.timeline if e.date == "2025-03-03"]
    assert len(reopened) == 1, [(e.date, e.text) for e in story.timeline]
    assert {c.article for c in reopened[0].citations} == {a.id for a in story.articles}


def test_a_date_inside_another_clause_does_not_date_the_event(story: Any) -> None:
    assert [e.text for e in story.timeline if "warned" in e.text] == []
    assert not any(e.date.startswith("2025-08") for e in story.timeline)


def test_one_date_per_claim_the_most_specific(story: Any) -> None:
    budget = [e for e in story.timeline if "budget" in e.text]
    assert [e.date for e in budget] == ["2025-02-03"]


def test_seasons_are_rendered_readably(story: Any) -> None:
    from newsprism.compare import render

    assert any(e.date == "2024-FA" for e in story.timeline)
    for fmt in ("text", "md", "html"):
        out = render(story, fmt)
        assert "fall 2024" in out, fmt
        assert "2024-FA:" not in out and "**2024-FA**" not in out, fmt


def test_background_means_more_than_a_week_from_the_story(story: Any) -> None:
    """The reopening the day before the story is its news; the budget a month earlier and
    last fall's closure are background (the rule alignment uses: BACKGROUND_DAYS)."""
    marks = {e.date: e.background for e in story.timeline}
    assert marks["2025-03-03"] is False, marks
    assert marks["2025-02-03"] is True, marks
    assert marks["2024-FA"] is True, marks


@pytest.mark.parametrize(
    ("value", "background"),
    [
        ("2025-03-03", False),  # the day before
        ("2025-02-25", False),  # a week before
        ("2025-02-24", True),  # eight days before
        ("2025-03-11", False),  # a week after
        ("2025-03-12", False),  # eight days after: the story's coming event, not background
        ("2025-07-01", False),
        ("2025-02", False),  # the month reaches into the week before
        ("2025-01", True),
        ("2025", False),
        ("2009", True),
    ],
)
def test_background_is_past_context_only(value: str, background: bool) -> None:
    from newsprism.compare.timeline import is_background
    from newsprism.compare.values import date_range

    r, story = date_range(value), date_range("2025-03-04")
    assert r is not None and story is not None
    assert is_background(r, story) is background


def test_chart_axis_spans_the_story_not_a_far_background_date() -> None:
    from newsprism.compare.model import TimelineEvent
    from newsprism.web.timeline import LEFT, RIGHT, WIDTH, chart

    events = [
        TimelineEvent("2009", "Turnout was the highest since 2009", [], background=True),
        TimelineEvent("2025-03-09", "The vote was held", []),
        TimelineEvent("2025-03-10", "Results were released", []),
    ]
    c = chart(events, "2025-03-10")
    assert c is not None
    assert [r.n for r in c.rows] == [1, 2, 3]  # every event keeps its row and number
    assert all(t.label.startswith("2025-03") for t in c.ticks), c.ticks
    far, vote, results = c.rows
    assert far.background and far.x == LEFT  # drawn at the edge of the axis
    assert results.x - vote.x > 100  # one day apart, not squeezed by the 16 years
    assert all(r.x >= LEFT and r.x + r.width <= WIDTH - RIGHT for r in c.rows)


# --------------------------------------------------------------------------- rendering


def test_markdown_labels_once_and_footnotes_quote_the_cited_text(story: Any) -> None:
    from newsprism.compare import render

    md = render(story, "md")
    assert not re.search(r"\*\*(\w+)\*\* \((\w+)\): \1", md)
    marks = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.+)$", md, re.MULTILINE))
    assert marks and marks <= set(notes)
    assert any("reopened to traffic on Monday" in n for n in notes.values())
    assert not re.search(r"\d+–\d+</sub>", md)


def test_text_shows_the_cited_snippets(story: Any) -> None:
    from newsprism.compare import render

    text = render(story, "text")
    brief = text.split("Brief (")[1].split("Timeline (")[0]
    assert re.search(r'^\s+\[\d\] [^:]+: ".+"$', brief, re.MULTILINE)
    assert not re.search(r"\[\d\] [\w ]+:\d+-\d+", text)


def test_html_citations_link_to_escaped_copies(story: Any) -> None:
    from newsprism.compare import render

    html = render(story, "html")
    links = set(re.findall(r'href="#(cite-[^"]+)"', html))
    anchors = set(re.findall(r'id="(cite-[^"]+)"', html))
    assert links and links <= anchors
    articles = html.split('<h2 id="articles">Articles</h2>')[1]
    assert "reopened to traffic on Monday" in articles
    assert "&lt;b&gt;old&lt;/b&gt; deck &amp; rails" in html
    assert "<b>old</b>" not in html
