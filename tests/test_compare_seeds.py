"""The seed pair against its reference reading (shared/eval/seed_pair_gold.json): floors.

Every gold 'a'/'b' text is a substring of the seed files; our spans point into the cleaned body,
so a gold text is matched to a cited span by text overlap.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from newsprism.eval.seeds import overlaps
from tests.conftest import SEED_A, SEED_B, require_gold

pytestmark = pytest.mark.slow

SHARED_FLOOR = 16
SINGLE_FLOOR = 15


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return json.loads(require_gold().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    from newsprism.compare import compare_files, comparison_to_dict

    comparison, failures = compare_files([str(SEED_A), str(SEED_B)])
    assert failures == []
    data = comparison_to_dict(comparison)
    data["_comparison"] = comparison
    return data


def _ids(result: dict[str, Any]) -> tuple[str, str]:
    paths = {a["path"]: a["id"] for a in result["articles"]}
    return paths[str(SEED_A)], paths[str(SEED_B)]


def _support(fact: dict[str, Any], article: str) -> list[str]:
    return [s["text"] for s in fact["support"] if s["article"] == article]


def test_shared_facts_floor(result: dict[str, Any], gold: dict[str, Any]) -> None:
    a, b = _ids(result)
    found = []
    for g in gold["shared_facts"]:
        hit = any(
            f["status"] == "shared"
            and any(overlaps(g["a"], t) for t in _support(f, a))
            and any(overlaps(g["b"], t) for t in _support(f, b))
            for f in result["facts"]
        )
        if hit:
            found.append(g["id"])
    assert len(found) >= SHARED_FLOOR, f"found {len(found)}: {found}"


def test_single_source_facts_floor(result: dict[str, Any], gold: dict[str, Any]) -> None:
    a, b = _ids(result)
    correct = []
    for key, article, side in (("only_in_A", a, "a"), ("only_in_B", b, "b")):
        for g in gold[key]:
            facts = [
                f
                for f in result["facts"]
                if any(overlaps(g[side], t) for t in _support(f, article))
            ]
            if facts and all(f["status"] == "single" for f in facts):
                correct.append(g["id"])
    assert len(correct) >= SINGLE_FLOOR, f"correct {len(correct)}: {correct}"


def _find_difference(
    result: dict[str, Any], kind: str, gold_a: str, gold_b: str
) -> list[dict[str, Any]]:
    a, b = _ids(result)
    out = []
    for d in result["differences"]:
        if d["kind"] != kind:
            continue
        sa = [s["text"] for s in d["sides"] if s["article"] == a]
        sb = [s["text"] for s in d["sides"] if s["article"] == b]
        if any(overlaps(gold_a, t) for t in sa) and any(overlaps(gold_b, t) for t in sb):
            out.append(d)
    return out


def test_quote_wording_difference(result: dict[str, Any], gold: dict[str, Any]) -> None:
    g = next(d for d in gold["differences"] if d["kind"] == "quote_wording")
    found = _find_difference(result, "quote_wording", g["a"], g["b"])
    assert found, "the quote drift was not reported"
    assert all(d["grade"] != "conflict" for d in found)


def test_duration_is_compatible_never_conflict(
    result: dict[str, Any], gold: dict[str, Any]
) -> None:
    g = next(d for d in gold["differences"] if d["kind"] == "compatible_numbers")
    found = _find_difference(result, "duration", g["a"], g["b"])
    assert found, "the duration pair was not compared"
    assert {d["grade"] for d in found} == {"compatible"}


def test_both_framing_differences(result: dict[str, Any], gold: dict[str, Any]) -> None:
    for g in (d for d in gold["differences"] if d["kind"] == "framing"):
        found = _find_difference(result, "framing", g["a"], g["b"])
        assert found, f"framing difference not reported: {g['what']}"
        assert all(d["grade"] in ("unclear", "compatible") for d in found)


def test_no_conflicts(result: dict[str, Any]) -> None:
    assert [d for d in result["differences"] if d["grade"] == "conflict"] == []


def test_no_boilerplate_in_facts(result: dict[str, Any], gold: dict[str, Any]) -> None:
    junk = gold["articles"]["A"]["boilerplate"] + gold["articles"]["B"]["boilerplate"]
    for f in result["facts"]:
        for s in f["support"]:
            for j in junk:
                assert not overlaps(j, s["text"]), f"boilerplate in fact {f['id']}: {j}"


def test_article_a_dated_from_story(result: dict[str, Any], gold: dict[str, Any]) -> None:
    a, _ = _ids(result)
    info = next(x for x in result["articles"] if x["id"] == a)
    assert info["published"] == gold["articles"]["A"]["published_inferable_from_story"]
    assert info["published_source"] == "story"


def test_brief_is_cited_and_verified(result: dict[str, Any]) -> None:
    brief = result["brief"]
    assert len(brief) >= 5
    bodies = {}
    comparison = result["_comparison"]
    for info in comparison.articles:
        bodies[info.id] = info
    for sentence in brief:
        assert sentence["verified"] is True
        assert sentence["citations"], sentence["text"]
    # shared facts come first, differences last
    sources = [s["source"] for s in brief]
    assert sources[0].startswith("fact:")
    assert sources[-1].startswith("difference:")


def test_timeline_has_background_event(result: dict[str, Any]) -> None:
    events = {(e["date"], e["background"]) for e in result["timeline"]}
    assert ("2022-07", True) in events
    assert any(d == "2024-04-02" and not bg for d, bg in events)


def test_spans_point_into_the_text(result: dict[str, Any]) -> None:
    comparison = result["_comparison"]
    from newsprism.pipeline import read_articles

    bodies = {a.id: a.body for a in read_articles([str(SEED_A), str(SEED_B)]) if hasattr(a, "body")}
    for f in comparison.facts:
        for c in f.support:
            assert c.field == "body"
            assert bodies[c.article][c.start : c.end] == c.text


def test_renderings(result: dict[str, Any]) -> None:
    from newsprism.compare import render

    comparison = result["_comparison"]
    html = render(comparison, "html")
    assert "<script" not in html.lower()
    assert "China&#x27;s" in html  # article text is escaped
    md = render(comparison, "md")
    assert md.startswith("# Comparison of 2 article(s)")
    text = render(comparison, "text")
    assert "Shared facts" in text
    data = json.loads(render(comparison, "json"))
    assert {"articles", "facts", "differences", "framing", "coverage", "brief", "timeline"} <= set(
        data
    )
