"""The analyze stage on the two seed articles, checked against the gold reading."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest

from newsprism.analyze import (
    ANALYZER_NAME,
    ANALYZERS,
    analyze_article,
    analyze_articles,
    entity_keys,
    reanchor,
    same_entity,
)
from newsprism.models import Article, ArticleAnalysis, Heading
from tests.conftest import SEED_A, SEED_B, make_article, require_gold

STORY_DATE = datetime.date(2024, 4, 2)
HEADLINE_A = (
    "Joe Biden and China's Xi Jinping Phone Call Sparks Clash on US High-Tech Export Controls"
)
SUBHEADING_A = "Joe Biden and Xi Jinping Talk About US Election, Taiwan, Russia, and More"


def seed_a() -> Article:
    """Seed A with the two boilerplate lines removed by hand and its headings listed."""
    lines = SEED_A.read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if not line.startswith(("READ NEXT", "Join the Conversation"))]
    body = "\n".join(kept).strip()
    headings = [
        Heading(text, level, body.index(text), body.index(text) + len(text))
        for text, level in ((HEADLINE_A, "headline"), (SUBHEADING_A, "subheading"))
    ]
    return make_article(body, title=HEADLINE_A, headings=headings)


def seed_b() -> Article:
    """Seed B without its header line and its dateline paragraphs."""
    text = SEED_B.read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n", 1)[1].split("\n\n") if p.strip()]
    paragraphs = [p for p in paragraphs if p.strip() not in {"Washington", "CNN", "–"}]
    return make_article("\n\n".join(paragraphs), published="2024-04-02", outlet="CNN")


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(require_gold().read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def analyses() -> dict[str, tuple[Article, ArticleAnalysis]]:
    a, b = seed_a(), seed_b()
    return {
        "A": (a, analyze_article(a, reference_date=STORY_DATE)),
        "B": (b, analyze_article(b)),
    }


def occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    pattern = r"(?<!\w)" + re.escape(phrase) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def text_of(article: Article, field: str) -> str:
    return article.title or "" if field == "title" else article.body


def test_registered() -> None:
    spec = ANALYZERS.get("analyze.v1")
    assert spec.name == ANALYZER_NAME == "analyze.v1"
    assert spec.analyze is analyze_article
    assert spec.analyze_many is analyze_articles


def test_spans_point_into_the_text(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    for article, analysis in analyses.values():
        assert analysis.article_id == article.id
        assert analysis.analyzer == ANALYZER_NAME
        for sentence in analysis.sentences:
            assert text_of(article, sentence.field)[sentence.start : sentence.end] == sentence.text
        for mention in analysis.mentions:
            assert text_of(article, mention.field)[mention.start : mention.end] == mention.text
            assert analysis.sentences[mention.sentence].start <= mention.start
        for claim in analysis.claims:
            assert text_of(article, claim.field)[claim.start : claim.end] == claim.text
        for quote in analysis.quotes:
            assert text_of(article, quote.field)[quote.start : quote.end] == quote.text
        keys = entity_keys(analysis)
        assert {m.entity for m in analysis.mentions} == keys
        assert all(set(c.entities) <= keys for c in analysis.claims)
        ids = [c.id for c in analysis.claims]
        assert len(ids) == len(set(ids))


def test_sentences(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    _, analysis = analyses["A"]
    texts = [s.text for s in analysis.sentences]
    # headings have no final punctuation but stay sentences of their own
    assert HEADLINE_A in texts and SUBHEADING_A in texts
    headings = [s for s in analysis.sentences if s.is_heading]
    assert [s.text for s in headings] == [HEADLINE_A, SUBHEADING_A]
    # the title is the embedded headline: not analysed twice
    assert all(s.field == "body" for s in analysis.sentences)
    assert any(t.startswith("Joe Biden also reportedly warned Xi Jinping") for t in texts)
    _, analysis_b = analyses["B"]
    assert analysis_b.sentences[0].text.startswith("President Joe Biden spoke by phone")
    assert "Biden and Xi last spoke on the phone in July 2022." in [
        s.text for s in analysis_b.sentences
    ]
    assert all(any(ch.isalnum() for ch in s.text) for s in analysis_b.sentences)
    assert [s.index for s in analysis_b.sentences] == list(range(len(analysis_b.sentences)))


def test_same_person_groups_merged(
    analyses: dict[str, tuple[Article, ArticleAnalysis]], gold: dict[str, Any]
) -> None:
    for group in gold["entities"]["same_person"]:
        keys: set[str] = set()
        found = 0
        for article, analysis in analyses.values():
            for phrase in group:
                for start, end in occurrences(article.body, phrase):
                    names = [
                        m
                        for m in analysis.mentions
                        if start <= m.start and m.end == end and m.label == "PERSON"
                    ]
                    found += len(names)
                    keys.update(m.entity for m in names)
        assert found >= len(group), f"{group}: only {found} mentions found"
        assert len(keys) == 1, f"{group} split into {keys}"
        key = keys.pop()
        assert key.startswith("person:") and " " in key, key


def test_titles_and_possessives_stripped(
    analyses: dict[str, tuple[Article, ArticleAnalysis]],
) -> None:
    _, a = analyses["A"]
    _, b = analyses["B"]
    keys = entity_keys(a, {"PERSON"}) | entity_keys(b, {"PERSON"})
    for key in (
        "person:joe biden",
        "person:xi jinping",
        "person:janet yellen",
        "person:antony blinken",
        "person:jake sullivan",
    ):
        assert key in keys
    assert not any(word in key for key in keys for word in ("president", "secretary", "'s"))
    assert "org:white house" in entity_keys(a) & entity_keys(b)
    assert "gpe:china" in entity_keys(a) & entity_keys(b)
    # the title words before a name are not organisations of their own
    assert "org:state" not in entity_keys(a)


def test_gold_quotes(
    analyses: dict[str, tuple[Article, ArticleAnalysis]], gold: dict[str, Any]
) -> None:
    for item in gold["entities"]["quotes"]:
        _, analysis = analyses[item["article"]]
        matching = [q for q in analysis.quotes if item["quote"] in q.text]
        assert matching, f"quote not found: {item['quote']!r}"
        assert any(q.speaker == item["speaker"] for q in matching), [
            (q.speaker, q.text[:40]) for q in matching
        ]


def test_quote_kinds_and_cues(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    _, a = analyses["A"]
    sit_back = next(q for q in a.quotes if q.text == "sit back and watch")
    assert sit_back.kind == "partial"
    assert sit_back.cue == "warn"
    assert sit_back.speaker_entity == "person:xi jinping"
    readout = next(q for q in a.quotes if q.text.startswith("The two leaders welcomed"))
    assert readout.kind == "direct" and readout.cue == "say"
    told = next(q for q in a.quotes if q.text.startswith("these export restrictions prevented"))
    assert told.kind == "indirect" and told.cue == "tell" and told.speaker == "Xi Jinping"
    _, b = analyses["B"]
    hope = next(q for q in b.quotes if q.text.startswith("We would hope"))
    assert hope.kind == "indirect" and hope.cue == "say" and hope.speaker_entity is None
    assert hope.text.endswith("in the near future")
    kirby = next(q for q in b.quotes if q.speaker == "John Kirby")
    assert kirby.cue == "tell" and kirby.text.startswith("Biden discussed legislation")


def test_headline_claims(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    article, analysis = analyses["A"]
    headline = [c for c in analysis.claims if c.is_headline]
    assert {c.text for c in headline} == {HEADLINE_A, SUBHEADING_A}
    for claim in headline:
        assert "person:joe biden" in claim.entities
        assert "person:xi jinping" in claim.entities
    spans = [(h.start, h.end) for h in article.headings]
    for claim in analysis.claims:
        inside = any(s <= claim.start and claim.end <= e for s, e in spans)
        assert claim.is_headline == inside
    _, b = analyses["B"]
    assert not any(c.is_headline for c in b.claims)


def test_claims(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    _, a = analyses["A"]
    warned = next(c for c in a.claims if "reportedly warned Xi Jinping" in c.text)
    assert "reportedly" in warned.hedges
    assert warned.subject == "Joe Biden" and warned.predicate == "warn"
    assert {"person:joe biden", "person:xi jinping"} <= set(warned.entities)
    assert not warned.negated
    sit = next(c for c in a.claims if c.text.startswith("Beijing will not"))
    assert sit.negated and sit.attribution == "Xi Jinping" and sit.subject == "Beijing"
    travel = next(c for c in a.claims if "Janet Yellen is set to travel" in c.text)
    assert travel.predicate == "travel" and "set to" in travel.hedges
    discussed = next(c for c in a.claims if c.text.startswith("the two leaders also discussed"))
    assert discussed.attribution == "White House"
    interest = next(c for c in a.claims if "no interest in intervening" in c.text)
    assert interest.negated and interest.attribution == "Beijing"
    _, b = analyses["B"]
    # a clause split at "and": the pronoun subject resolves to the person
    raised = next(c for c in b.claims if c.text.startswith("he also raised his concerns"))
    assert raised.subject == "Joe Biden" and raised.attribution == "White House"
    hope = next(c for c in b.claims if c.text.startswith("We would hope"))
    assert hope.attribution == "senior administration official"
    # the bare attribution clause is not a claim of its own
    assert not any(c.text.endswith("the senior administration official said") for c in b.claims)
    expected = next(c for c in b.claims if "Lloyd Austin is expected to participate" in c.text)
    assert "expected to" in expected.hedges and expected.predicate == "participate"


def test_time_expressions(
    analyses: dict[str, tuple[Article, ArticleAnalysis]], gold: dict[str, Any]
) -> None:
    article, analysis = analyses["B"]
    assert analysis.times, "no time expressions found"
    for time in analysis.times:
        sentence = analysis.sentences[time.sentence]
        assert sentence.start <= time.start and time.end <= sentence.end
    for item in gold["time_expressions"]:
        if item["article"] != "B":
            continue
        start, end = occurrences(article.body, item["text"])[0]
        values = [t.value for t in analysis.times if t.start < end and start < t.end]
        assert item["value"] in values, f"{item['text']!r}: {values}"
    # claims point at the expressions inside them
    last = next(c for c in analysis.claims if c.text.startswith("Biden and Xi last spoke"))
    assert [analysis.times[i].value for i in last.times] == ["2022-07"]


def test_reanchor_resolves_an_undated_article() -> None:
    article = make_article(
        "The ministers met on Tuesday in the capital. They last met in July 2022."
    )
    undated = analyze_article(article)
    tuesday = next(t for t in undated.times if "Tuesday" in t.text)
    assert tuesday.value is None
    dated = reanchor(undated, article, STORY_DATE)
    assert [t.start for t in dated.times] == [t.start for t in undated.times]
    assert next(t for t in dated.times if "Tuesday" in t.text).value == "2024-04-02"
    direct = analyze_article(article, reference_date=STORY_DATE)
    assert [t.value for t in direct.times] == [t.value for t in dated.times]


def test_title_outside_the_body_is_analysed() -> None:
    article = make_article(
        "The central bank raised its main rate on Thursday, its governor Jane Roe said.",
        title="Jane Roe Warns Lenders as Rates Rise",
    )
    analysis = analyze_article(article)
    title_sentences = [s for s in analysis.sentences if s.field == "title"]
    assert [s.text for s in title_sentences] == [article.title]
    assert title_sentences[0].is_heading and title_sentences[0].index == 0
    title_claims = [c for c in analysis.claims if c.field == "title"]
    assert title_claims and all(c.is_headline for c in title_claims)
    assert not any(c.is_headline for c in analysis.claims if c.field == "body")
    assert any(m.field == "title" and m.entity == "person:jane roe" for m in analysis.mentions)


def test_batch_path_matches_single(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    b, single = analyses["B"]
    other = make_article("Officials in the capital said the talks would resume next month.")
    batch = list(analyze_articles([other, b, other], batch_size=2))
    assert [x.article_id for x in batch] == [other.id, b.id, other.id]
    assert batch[1] == single
    assert batch[0] == batch[2]


def test_same_entity() -> None:
    assert same_entity("person:jane roe", "person:jane roe")
    assert same_entity("person:roe", "person:jane roe")
    assert not same_entity("person:john roe", "person:jane roe")
    assert same_entity("org:ruritania", "gpe:ruritania")
    assert not same_entity("person:ruritania", "gpe:ruritania")


def test_quantities(analyses: dict[str, tuple[Article, ArticleAnalysis]]) -> None:
    for name, minutes in (("A", 120.0), ("B", 105.0)):
        _, analysis = analyses[name]
        durations = [q for q in analysis.quantities if q.kind == "duration"]
        assert any(q.value == minutes and q.unit == "min" for q in durations), durations
        for quantity in analysis.quantities:
            sentence = analysis.sentences[quantity.sentence]
            assert sentence.start <= quantity.start and quantity.end <= sentence.end
        index = next(i for i, q in enumerate(analysis.quantities) if q.value == minutes)
        holders = [c for c in analysis.claims if index in c.quantities]
        assert holders and all(c.start <= analysis.quantities[index].start < c.end for c in holders)
