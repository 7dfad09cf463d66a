"""The analysis keeps what the compare stage used to parse again: each sentence's tags in context
(claims are cut into clauses and list items on them) and how each time expression of a claim is
tied to its event (the timeline dates claims with them). Analyses made before they were kept
(stored ones) are tagged and parsed again, as before."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from newsprism.models import Article, ArticleAnalysis
from tests.conftest import SEED_A, SEED_B, make_article

BODY = (
    "The minister said on Monday that the bridge reopened on Tuesday after repairs.\n\n"
    "Officials warned the group against meddling in the election in November.\n\n"
    "The ministers discussed the harbour's dredging plan and its rising costs, fishing quotas, "
    "coastal erosion, and flood defences.\n"
)
ITEMS = [
    "the harbour's dredging plan",
    "its rising costs",
    "fishing quotas",
    "coastal erosion",
    "flood defences",
]


@pytest.fixture(scope="module")
def analysed() -> tuple[Article, ArticleAnalysis]:
    from newsprism.analyze import analyze_article

    article = make_article(BODY, published="2025-03-05")
    return article, analyze_article(article)


def without_context(analysis: ArticleAnalysis) -> ArticleAnalysis:
    """The analysis as an analyzer that kept neither tags nor ties made it."""
    return replace(
        analysis,
        sentences=[replace(s, tokens=()) for s in analysis.sentences],
        claims=[replace(c, time_ties=()) for c in analysis.claims],
    )


def test_sentences_keep_their_tagged_tokens(analysed: tuple[Article, ArticleAnalysis]) -> None:
    from newsprism.serialize import analysis_from_dict, analysis_to_dict

    article, analysis = analysed
    for sentence in analysis.sentences:
        assert sentence.tokens
        starts = [s for s, _, _ in sentence.tokens]
        assert starts == sorted(starts)
        for start, end, tag in sentence.tokens:
            assert sentence.start <= start < end <= sentence.end
            assert tag
    first = analysis.sentences[0]
    words = {article.body[s:e]: tag for s, e, tag in first.tokens}
    assert words["said"] == "VBD" and words["bridge"] == "NN" and words["Tuesday"] == "NNP"
    # stored as JSON and read back: the same analysis (tuples again)
    again = analysis_from_dict(json.loads(json.dumps(analysis_to_dict(analysis))))
    assert again == analysis


def test_claims_keep_how_their_times_are_tied(analysed: tuple[Article, ArticleAnalysis]) -> None:
    from newsprism.analyze.time_ties import VERB

    _, analysis = analysed
    ties = {
        analysis.times[i].text: tie
        for claim in analysis.claims
        for i, tie in zip(claim.times, claim.time_ties, strict=True)
    }
    assert all(len(c.time_ties) == len(c.times) for c in analysis.claims)
    # the content clause of "said … that": its own verb is the event (in context, the sentence's
    # root is "said", outside the claim)
    assert ties["Tuesday"] == VERB
    # a date of another word ("meddling in the election in November") does not date the claim
    assert ties["November"] is None


def test_claims_are_cut_on_the_analysis_tags_without_a_tagger(
    analysed: tuple[Article, ArticleAnalysis],
) -> None:
    from newsprism.analyze.nlp import get_nlp
    from newsprism.compare.units import build_units

    article, analysis = analysed

    def items(an: ArticleAnalysis, nlp: Any) -> list[str]:
        return [u.text for u in build_units([article], [an], nlp) if u.kind == "item"]

    assert items(analysis, None) == ITEMS  # no tagger needed
    old = without_context(analysis)
    assert items(old, None) == []  # nothing to cut on, and no tagger: claims stay whole
    assert items(old, get_nlp()) == ITEMS  # tagged again


def test_cut_of_given_tags_is_the_cut_of_the_doc() -> None:
    from newsprism.analyze.nlp import get_nlp
    from newsprism.compare.enumerations import cut, cut_tagged

    text = (
        "Leaders agreed on new rules for ports, a fund for repairs and a shared coast guard, "
        "while the ministers said they would meet again in May."
    )
    doc = get_nlp()(text)
    base = 1000  # the text's offset in its article
    tokens = [(base + t.idx, base + t.idx + len(t.text), t.tag_) for t in doc]
    pieces = cut(doc)
    assert len(pieces) > 1
    assert cut_tagged(text, tokens, base) == pieces
    # tokens outside the text are ignored
    outside = [(0, 5, "NN"), *tokens, (base + len(text) + 1, base + len(text) + 4, "NN")]
    assert cut_tagged(text, outside, base) == pieces


@pytest.mark.parametrize(
    ("body", "ending"),
    [
        ("The former governor died at the federal prison in Springfield, Mo.", "Springfield, Mo"),
        ("The bill was backed by the House leader, Rep. Jane Doe (D-Md.)", "(D-Md"),
    ],
)
def test_a_claim_ending_in_an_abbreviation_keeps_its_last_word(body: str, ending: str) -> None:
    """The unit's text is trimmed of its final full stop, which spaCy keeps inside the token
    (``Mo.``): the token is cut to the text, not dropped with the word before it."""
    from newsprism.analyze import analyze_article
    from newsprism.analyze.nlp import get_nlp
    from newsprism.compare.units import build_units

    article = make_article(body)
    analysis = analyze_article(article)
    now = [u.text for u in build_units([article], [analysis], None)]
    alone = [u.text for u in build_units([article], [without_context(analysis)], get_nlp())]
    assert now == alone
    assert now[-1].endswith(ending), now


def test_the_timeline_uses_the_analysis_ties_without_parsing(
    analysed: tuple[Article, ArticleAnalysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsprism.compare.timeline as timeline
    from newsprism.analyze.nlp import get_nlp
    from newsprism.compare.units import build_units

    article, analysis = analysed
    nlp = get_nlp()
    units = build_units([article], [analysis], nlp)
    parsed: list[str] = []

    class CountingParser:
        def pipe(self, texts: Any, **kwargs: Any) -> Any:
            texts = list(texts)
            parsed.extend(texts)
            return nlp.pipe(texts, **kwargs)

    dated = timeline.claim_dates(units, nlp=CountingParser())
    assert parsed == []
    assert {d.value for d in dated.values()} == {"2025-03-04"}  # Tuesday; not November
    old_units = build_units([article], [without_context(analysis)], nlp)
    assert timeline.claim_dates(old_units, nlp=CountingParser()) == dated
    assert len(parsed) == 2  # the two claims with a date, parsed alone
    # a claim whose ties miss one of its times (one running past its end) is parsed alone
    parsed.clear()
    partial = [replace(u, time_ties={}) if u.time_ties else u for u in units]
    assert timeline.claim_dates(partial, nlp=CountingParser()) == dated
    assert len(parsed) == 2


@pytest.mark.slow
def test_analyses_without_tags_or_ties_compare_the_seeds_alike() -> None:
    """An analysis stored before tags and ties were kept gives the seeds' comparison unchanged
    (on these articles, tags and parses in context and alone agree where it matters)."""
    from newsprism.compare import compare_articles, comparison_to_dict
    from newsprism.compare.story import analyze_cached, clear_caches
    from newsprism.pipeline import read_articles

    articles = [a for a in read_articles([str(SEED_A), str(SEED_B)]) if isinstance(a, Article)]
    analyses = analyze_cached(articles)
    clear_caches()
    now = comparison_to_dict(compare_articles(articles, analyses))
    clear_caches()
    before = comparison_to_dict(compare_articles(articles, [without_context(a) for a in analyses]))
    assert now == before
    assert len([f for f in now["facts"] if f["status"] == "shared"]) >= 16
