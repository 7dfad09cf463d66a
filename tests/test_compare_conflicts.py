"""Conflicting and compatible numbers across outlets whose sentences are built differently.

An invented story (no real names): three outlets report one bridge collapse; two give different
death tolls, the durations of the search differ compatibly, and one sentence attributes its
claim to "local officials" in a clause of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.compare import compare_files, comparison_to_dict

DAILY = """title: Footbridge over the Arlen river collapses in Dunmore
date: 2025-06-02
source: Dunmore Daily

Nine people died when the old footbridge over the Arlen river collapsed in Dunmore on Monday evening, city officials said.

The bridge, built in 1931, was crowded with spectators watching a rowing regatta when its central span gave way.

Fire chief Orla Benning said the search for survivors lasted about four hours. Divers worked from the east bank until midnight.

The city council has closed two other bridges of the same design until inspectors have examined them.
"""

COURIER = """title: Fourteen dead in Dunmore bridge collapse
date: 2025-06-02
source: Valley Courier

Fourteen people were killed when the footbridge over the Arlen river gave way in Dunmore on Monday, according to the fire service.

Fire chief Orla Benning told reporters that the search took three and a half hours and that 22 people were treated in hospital.

Witnesses described a sharp crack before the span dropped into the water.
"""

TIMES = """title: Crowded footbridge falls into the Arlen
source: Arlen Times

A bridge collapse in Dunmore on Monday left nine people dead, local officials said, as crowds gathered for the regatta.

Fire chief Orla Benning said divers searched for nearly four hours.

Two other bridges of the same design are closed.
"""


@pytest.fixture(scope="module")
def bridge_story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder: Path = tmp_path_factory.mktemp("bridge")
    paths = []
    for name, text in (("daily.txt", DAILY), ("courier.txt", COURIER), ("times.txt", TIMES)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    comparison, failures = compare_files(paths)
    assert not failures
    return comparison_to_dict(comparison)


def _label(data: dict[str, object], article_id: str) -> str:
    articles = data["articles"]
    assert isinstance(articles, list)
    return str(next(a["outlet"] for a in articles if a["id"] == article_id))


@pytest.mark.slow
def test_different_death_tolls_are_a_conflict(bridge_story: dict[str, object]) -> None:
    differences = bridge_story["differences"]
    assert isinstance(differences, list)
    tolls = [d for d in differences if d["kind"] == "number"]
    assert tolls, "the 9 vs 14 death toll was not found"
    assert all(d["grade"] == "conflict" for d in tolls)
    for d in tolls:
        sides = {_label(bridge_story, s["article"]): s["text"].lower() for s in d["sides"]}
        assert "Valley Courier" in sides and sides["Valley Courier"] == "fourteen people"
        assert {v for k, v in sides.items() if k != "Valley Courier"} == {"nine people"}
    # the two outlets that agree on nine are never called a conflict with each other
    pairs = {frozenset(_label(bridge_story, s["article"]) for s in d["sides"]) for d in tolls}
    assert frozenset({"Dunmore Daily", "Arlen Times"}) not in pairs


@pytest.mark.slow
def test_search_durations_are_compatible_never_conflicting(
    bridge_story: dict[str, object],
) -> None:
    differences = bridge_story["differences"]
    assert isinstance(differences, list)
    durations = [d for d in differences if d["kind"] == "duration"]
    texts = {s["text"] for d in durations for s in d["sides"]}
    assert "about four hours" in texts and "nearly four hours" in texts
    about_vs_nearly = [
        d
        for d in durations
        if {s["text"] for s in d["sides"]} == {"about four hours", "nearly four hours"}
    ]
    assert about_vs_nearly and all(d["grade"] == "compatible" for d in about_vs_nearly)
    # "three and a half hours" cannot be "about four" only if "about" were exact: never a conflict
    assert all(
        d["grade"] != "conflict"
        for d in durations
        if "three and a half hours" not in {s["text"] for s in d["sides"]}
    )


@pytest.mark.slow
def test_an_attribution_clause_is_not_a_fact(bridge_story: dict[str, object]) -> None:
    facts = bridge_story["facts"]
    assert isinstance(facts, list)
    texts = [s["text"].strip().lower() for f in facts for s in f["support"]]
    assert "local officials said" not in texts
    assert not any(t in ("city officials said", "according to the fire service") for t in texts)


@pytest.mark.slow
def test_the_brief_never_asserts_a_disputed_toll_as_fact(bridge_story: dict[str, object]) -> None:
    brief = bridge_story["brief"]
    sentences = brief["sentences"] if isinstance(brief, dict) else brief
    assert isinstance(sentences, list)
    for s in sentences:
        text = s["text"]
        says_toll = "Nine people died" in text or "Fourteen people were killed" in text
        if says_toll:
            # said as one outlet's report, with the other outlet's figure beside it
            assert " reports: " in text and "instead of" in text, text
        assert s["verified"] is True


HERALD = """title: Venn wins Orlo mayoral race
date: 2025-05-12
source: Orlo Herald

Mara Venn won the Orlo mayoral election on Sunday with 52% of the vote, official results showed.

Turnout was about 61%, the electoral commission said.

Her rival, councillor Teo Brask, did not concede on Sunday night and asked for a recount.

Two polling stations in the harbour district opened late because of a flood, the mayor said.

"This town has chosen courage over fear," Venn told supporters at the old market hall.
"""

LEDGER = """title: Venn elected mayor of Orlo
date: 2025-05-12
source: Orlo Ledger

Mara Venn was elected mayor of Orlo on Sunday, taking 47.5% of the vote in a close race.

Turnout reached 60.8%, according to the electoral commission.

Teo Brask conceded on Sunday night in a short statement to reporters.

Two polling stations in the harbour district opened late because of a flood, police said.

"This town has chosen courage over fear," Venn said at the old market hall.
"""


@pytest.fixture(scope="module")
def election(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder: Path = tmp_path_factory.mktemp("election")
    paths = []
    for name, text in (("herald.txt", HERALD), ("ledger.txt", LEDGER)):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    comparison, failures = compare_files(paths)
    assert not failures
    return comparison_to_dict(comparison)


def _kinds(data: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    differences = data["differences"]
    assert isinstance(differences, list)
    for d in differences:
        out.setdefault(d["kind"], []).append(d)
    return out


@pytest.mark.slow
def test_vote_shares_conflict_and_turnouts_are_compatible(election: dict[str, object]) -> None:
    numbers = _kinds(election)["number"]
    graded = {frozenset(s["text"] for s in d["sides"]): d["grade"] for d in numbers}
    assert graded.get(frozenset({"52%", "47.5%"})) == "conflict"
    assert graded.get(frozenset({"about 61%", "60.8%"})) == "compatible"
    # the percent sign stays part of the facts' text
    facts = election["facts"]
    assert isinstance(facts, list)
    assert any("about 61%" in s["text"] for f in facts for s in f["support"])


@pytest.mark.slow
def test_conceded_and_did_not_concede_is_a_negation_conflict(
    election: dict[str, object],
) -> None:
    negations = _kinds(election).get("negation", [])
    assert [d["grade"] for d in negations] == ["conflict"]
    texts = " | ".join(s["text"] for s in negations[0]["sides"])
    assert "did not concede" in texts and "conceded on Sunday night" in texts


@pytest.mark.slow
def test_one_statement_credited_to_two_sources_is_reported(election: dict[str, object]) -> None:
    attributions = _kinds(election).get("attribution", [])
    assert len(attributions) == 1 and attributions[0]["grade"] == "unclear"
    assert "mayor" in attributions[0]["explanation"] and "police" in attributions[0]["explanation"]


@pytest.mark.slow
def test_the_brief_gives_quotes_with_their_marks_and_speaker(election: dict[str, object]) -> None:
    brief = election["brief"]
    sentences = brief["sentences"] if isinstance(brief, dict) else brief
    assert isinstance(sentences, list)
    quoted = [s["text"] for s in sentences if "chosen courage over fear" in s["text"]]
    assert quoted, "the shared quote is missing from the brief"
    assert all('"' in t and "Venn" in t for t in quoted), quoted


@pytest.mark.slow
def test_quote_drift_inside_a_long_quote_cut_into_two_claims(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    two = tmp_path / "two.txt"
    one.write_text(
        "title: A\ndate: 2025-05-12\nsource: Orlo Herald\n\n"
        '"This harbour has waited long enough for a bridge, and I will build it for every '
        'single family," Venn told supporters at the market hall.\n',
        encoding="utf-8",
    )
    two.write_text(
        "title: B\ndate: 2025-05-12\nsource: Orlo Ledger\n\n"
        '"The harbour has waited long enough for a bridge, and I will build it for every '
        'family," Venn said at the market hall.\n',
        encoding="utf-8",
    )
    comparison, _ = compare_files([str(one), str(two)])
    drift = [
        d for d in comparison_to_dict(comparison)["differences"] if d["kind"] == "quote_wording"
    ]
    assert drift and all(d["grade"] == "compatible" for d in drift)
    explained = " ".join(d["explanation"] for d in drift)
    assert '"single" → "—"' in explained or '"this" → "the"' in explained
