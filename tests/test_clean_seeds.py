"""The clean stage on the two seed articles, checked against the gold reading."""

from __future__ import annotations

import json

import pytest

from newsprism.clean import clean_document
from newsprism.models import Article, Provenance, RawDoc
from tests.conftest import SEED_A, SEED_B, require_gold


def _gold() -> dict[str, object]:
    return json.loads(require_gold().read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _doc(path: str, text: str, **fields: object) -> RawDoc:
    return RawDoc(Provenance(path, "text.v1"), text=text, **fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def article_a() -> Article:
    return clean_document(_doc(SEED_A.name, SEED_A.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def article_b() -> Article:
    """B as a reader hands it over: the ``date`` header line taken into ``published``."""
    text = SEED_B.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    assert first.strip().startswith("date ")
    return clean_document(
        _doc(SEED_B.name, rest, published=first.split()[1], metadata={"header_lines": first})
    )


def test_a_headline_and_subheading(article_a: Article) -> None:
    gold = _gold()["articles"]["A"]  # type: ignore[index]
    headline = [h for h in article_a.headings if h.level == "headline"]
    assert [h.text for h in headline] == [gold["headline"]]
    assert article_a.title == gold["headline"]
    subs = [h.text for h in article_a.headings if h.level == "subheading"]
    assert subs == gold["subheadings"]
    for h in article_a.headings:
        assert article_a.body[h.start : h.end] == h.text


def test_a_boilerplate_removed_and_no_date(article_a: Article) -> None:
    gold = _gold()["articles"]["A"]  # type: ignore[index]
    removed = {r.text: r.reason for r in article_a.removed}
    for line in gold["boilerplate"]:
        assert line in removed, line
        assert line not in article_a.body
    assert removed[gold["boilerplate"][0]] == "teaser"
    assert article_a.published is None and article_a.published_source is None
    assert article_a.dateline is None
    assert article_a.language == "en"


def test_b_date_dateline_outlet(article_b: Article) -> None:
    gold = _gold()["articles"]["B"]  # type: ignore[index]
    assert article_b.published == gold["published"]
    assert article_b.published_source == "header"
    assert article_b.dateline is not None
    assert article_b.dateline.place == gold["dateline"]
    assert article_b.dateline.agency == gold["outlet"]
    assert article_b.outlet == gold["outlet"]
    assert article_b.body.startswith("President Joe Biden spoke by phone")
    reasons = [r.reason for r in article_b.removed]
    assert reasons.count("dateline") == 3


def test_b_boilerplate_removed(article_b: Article) -> None:
    gold = _gold()["articles"]["B"]  # type: ignore[index]
    removed = {r.text: r.reason for r in article_b.removed}
    assert removed[gold["boilerplate"][0]] == "update_note"
    assert removed[gold["boilerplate"][1]] == "credit"
    for line in gold["boilerplate"]:
        assert line not in article_b.body


def test_b_quality_flags_match_gold(article_b: Article) -> None:
    gold = _gold()["articles"]["B"]  # type: ignore[index]
    for item in gold["text_quality_flags"]:
        start = article_b.body.find(item["b"])
        assert start >= 0, item["b"]
        end = start + len(item["b"])
        hits = [
            f for f in article_b.flags if f.kind == item["kind"] and f.start < end and f.end > start
        ]
        assert hits, f"no {item['kind']} flag over {item['b']!r}"
    for flag in article_b.flags:
        assert article_b.body[flag.start : flag.end] == flag.text
    kinds = {f.kind for f in article_b.flags}
    assert "mistranslation" in kinds and "fused_words" in kinds


def test_a_has_no_quality_flags(article_a: Article) -> None:
    """A is clean text: no flag may fire on it (false-positive guard)."""
    assert article_a.flags == []


def test_header_left_in_text_gives_the_same_article(article_b: Article) -> None:
    whole = clean_document(_doc(SEED_B.name, SEED_B.read_text(encoding="utf-8")))
    assert whole.body == article_b.body
    assert whole.id == article_b.id
    assert whole.published == "2024-04-02" and whole.published_source == "header"
    assert whole.removed[0].reason == "header"


def test_reader_consumed_header_is_restored_as_removed_span() -> None:
    text = SEED_B.read_text(encoding="utf-8")
    prefix, rest = text[: text.index("Washington")], text[text.index("Washington") :]
    doc = _doc(
        SEED_B.name,
        rest,
        published="2024-04-02",
        metadata={"header": prefix, "header_lines": prefix.strip()},
    )
    article = clean_document(doc)
    assert article.source_text.startswith(prefix)
    header = [r for r in article.removed if r.reason == "header"]
    assert [r.text for r in header] == ["date 2024-04-02"]
    assert article.source_text[header[0].start : header[0].end] == header[0].text


def test_ids_are_content_hashes(article_a: Article) -> None:
    again = clean_document(_doc("elsewhere.txt", SEED_A.read_text(encoding="utf-8")))
    assert again.id == article_a.id
    assert len(article_a.id) == 16 and int(article_a.id, 16) >= 0
