"""Four outlets on one invented coach crash (``tests/fixtures/coach``): 9 injured in three
reports, 14 in one, 46 passengers in three; a quote worded three ways. Found by a new-user
review: the passenger count was compared with the injury count, an outlet giving the disputed
figure in another sentence was left out of the conflict (so the brief stated it as fact), and
one quote's wordings made three differences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsprism.compare.differences import _same_speaker
from newsprism.compare.model import Comparison
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "coach"
OUTLETS = ("lakeside", "upland", "ridge", "valley")
INJURED = re.compile(r"\b(?:9|Nine|Fourteen|14) people\b")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    from newsprism.compare import compare_files

    result, failures = compare_files([str(FIXTURES / f"{name}.txt") for name in OUTLETS])
    assert not failures
    return result


def _outlet(comparison: Comparison, article_id: str) -> str:
    return next(a.outlet or "" for a in comparison.articles if a.id == article_id)


def test_one_conflict_cites_every_outlet_and_no_other_count(comparison: Comparison) -> None:
    numbers = [d for d in comparison.differences if d.kind == "number"]
    assert len(numbers) == 1
    (conflict,) = numbers
    assert conflict.grade == "conflict"
    given = {_outlet(comparison, s.article): s.text for s in conflict.sides}
    assert given == {
        "Lakeside Gazette": "9 people",
        "Upland Courier": "Fourteen people",
        "Ridge Post": "Nine people",
        "Valley Star": "9 people",
    }


def test_the_brief_never_states_a_disputed_figure_as_fact(comparison: Comparison) -> None:
    said = [s.text for s in comparison.brief.sentences if INJURED.search(s.text)]
    assert len(said) >= 3
    for text in said:
        if text.startswith("The reports differ:"):
            continue
        assert " reports: " in text and "instead of" in text, text
    # an outlet's figure is set against the one that contradicts it, not one that agrees
    ridge = next(t for t in said if t.startswith("Ridge Post reports:"))
    assert ridge.endswith('Upland Courier gives "Fourteen people" instead of "Nine people".')


def test_the_wordings_of_one_quote_are_one_difference(comparison: Comparison) -> None:
    quotes = [d for d in comparison.differences if d.kind == "quote_wording"]
    three = [d for d in quotes if len(d.sides) == 3]
    assert len(three) == 1
    assert {_outlet(comparison, s.article) for s in three[0].sides} == {
        "Lakeside Gazette",
        "Upland Courier",
        "Valley Star",
    }
    assert "in 3 reports" in three[0].explanation
    brief = [s.text for s in comparison.brief.sentences if s.text.startswith("The quoted words")]
    assert len(brief) == 1


def test_quote_changes_read_in_the_order_of_the_sides(comparison: Comparison) -> None:
    for d in comparison.differences:
        if d.kind != "quote_wording" or len(d.sides) != 2:
            continue
        before, after = re.findall(r'"([^"]*)" → "([^"]*)"', d.explanation)[0]
        assert before == "—" or before in d.sides[0].text.lower()
        assert after == "—" or after in d.sides[1].text.lower()


def test_a_named_speaker_and_a_role_are_not_two_speakers(tmp_path: Path) -> None:
    assert _same_speaker("person:ada vell", "the governor") is None
    assert _same_speaker("person:ada vell", "person:tom orr") is False
    assert _same_speaker("the mayor", "police") is False
    assert _same_speaker("person:ada vell", "vell") is True


def test_an_attribution_names_speakers_as_people_read_them() -> None:
    """The same words credited to two named people: the explanation gives their names, not
    the analysis's entity keys (``person:…``)."""
    from newsprism.compare import compare_files

    result, _ = compare_files([str(FIXTURES / "quote_vell.txt"), str(FIXTURES / "quote_orr.txt")])
    (credited,) = [d for d in result.differences if d.kind == "attribution"]
    assert "to Ada Vell in one article and to Tom Orr in the other" in credited.explanation
    for d in result.differences:
        assert not re.search(r"\b(?:person|org|gpe|loc|fac|norp):", d.explanation), d


def test_a_single_fragment_does_not_pass_off_its_shared_sentence(comparison: Comparison) -> None:
    """Only Lakeside Gazette says when the coach left the road, but the whole sentence also
    gives the 46 passengers that others report: it is not "only Lakeside Gazette reports"."""
    single = [f for f in comparison.facts if f.status == "single" and "3 p.m." in f.text]
    assert single, [f.text for f in comparison.facts]
    for s in comparison.brief.sentences:
        assert not (s.text.startswith("Only ") and "46 passengers" in s.text), s.text


def test_one_statement_credited_two_ways_is_one_difference() -> None:
    """Three outlets, two of which credit the words to one person and one to another: one
    difference saying who credits whom, not one per pair of outlets."""
    from newsprism.compare import compare_files

    names = ("quote_vell.txt", "quote_orr.txt", "quote_vell_again.txt")
    result, _ = compare_files([str(FIXTURES / name) for name in names])
    credited = [d for d in result.differences if d.kind == "attribution"]
    assert len(credited) == 1
    assert len(credited[0].sides) == 3
    assert 'to "Ada Vell" in 2 reports and to "Tom Orr" in 1 report' in credited[0].explanation


def test_a_fact_names_the_outlets_whose_claim_gives_another_figure(
    comparison: Comparison,
) -> None:
    """ "Fourteen people were injured" is aligned with Valley Star's "9 people were hurt": the
    fact carries both claims, and says that Valley Star's gives another figure."""
    from newsprism.compare import render

    fourteen = next(f for f in comparison.facts if f.text.startswith("Fourteen people"))
    assert {_outlet(comparison, c.article) for c in fourteen.support} == {
        "Upland Courier",
        "Valley Star",
    }
    assert [_outlet(comparison, a) for a in fourteen.disputed_by] == ["Valley Star"]
    # a fact whose words give no figure, or whose claims agree, is not disputed
    disputed = {f.id for f in comparison.facts if f.disputed_by}
    assert disputed == {fourteen.id}
    text = render(comparison, "text")
    line = next(x for x in text.splitlines() if x.strip().startswith(fourteen.id + " "))
    assert "Upland Courier; another figure or date: [4] Valley Star]" in line
    assert 'class="disputes"' in render(comparison, "html")
    facts = {f["id"]: f for f in json.loads(render(comparison, "json"))["facts"]}
    assert facts[fourteen.id]["disputed_by"] == fourteen.disputed_by
