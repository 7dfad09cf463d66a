"""The analyze stage on input it cannot fully analyse: flags, never a crash; batches go on."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.analyze import analyze_article, analyze_articles, pipeline, sentences
from newsprism.models import Article, ArticleAnalysis
from tests.conftest import make_article

ENGLISH = "The mayor of the city said on Monday that the bridge would reopen next month."
FRENCH = (
    "Le maire de la ville a déclaré lundi que le pont rouvrirait le mois prochain, après des "
    "travaux de réparation qui ont duré plus de deux ans."
)
GERMAN = (
    "Der Bürgermeister der Stadt sagte am Montag, dass die Brücke im nächsten Monat wieder "
    "geöffnet werde, nachdem die Reparaturarbeiten mehr als zwei Jahre gedauert hätten."
)


def kinds(analysis: ArticleAnalysis) -> list[str]:
    return [flag.kind for flag in analysis.flags]


def check_spans(article: Article, analysis: ArticleAnalysis) -> None:
    texts = {"body": article.body, "title": article.title or ""}
    for item in [*analysis.sentences, *analysis.mentions, *analysis.quotes, *analysis.claims]:
        assert texts[item.field][item.start : item.end] == item.text
    for flag in analysis.flags:
        assert 0 <= flag.start <= flag.end <= len(texts[flag.field])


def test_empty_article() -> None:
    for body in ("", "   \n\n  \n"):
        article = make_article(body)
        analysis = analyze_article(article)
        assert kinds(analysis) == ["empty"]
        assert analysis.sentences == [] and analysis.claims == [] and analysis.mentions == []


def test_empty_body_with_a_title() -> None:
    article = make_article("", title="Bridge to reopen next month, mayor says")
    analysis = analyze_article(article)
    assert "empty" in kinds(analysis)
    assert [s.field for s in analysis.sentences] == ["title"]


def test_one_megabyte_sentence_is_flagged_and_fast() -> None:
    junk = "word " * 200_000  # 1 MB without a sentence boundary
    article = make_article(f"{ENGLISH}\n\n{junk}\n\n{ENGLISH}")
    began = time.perf_counter()
    analysis = analyze_article(article)
    elapsed = time.perf_counter() - began
    assert elapsed < 60, f"took {elapsed:.1f} s"  # generous: a hang, not a timing test
    oversized = [f for f in analysis.flags if f.kind == "oversized"]
    assert len(oversized) == 1
    flag = oversized[0]
    assert flag.end - flag.start > 900_000
    assert len(flag.text) <= 201 and "shortened" in (flag.detail or "")
    # the readable paragraphs around it are still analysed
    assert [s.text for s in analysis.sentences] == [ENGLISH, ENGLISH]
    check_spans(article, analysis)


def test_article_beyond_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentences, "LIMITS", sentences.Limits(max_article_chars=2_000))
    article = make_article("\n\n".join([ENGLISH] * 100))
    analysis = analyze_article(article)
    oversized = [f for f in analysis.flags if f.kind == "oversized"]
    assert len(oversized) == 1 and oversized[0].end == len(article.body)
    assert all(s.end <= oversized[0].start for s in analysis.sentences)
    assert 20 <= len(analysis.sentences) <= 26


def test_long_paragraph_is_parsed_in_pieces() -> None:
    body = " ".join([ENGLISH] * 120)  # ~9,600 characters, one paragraph
    analysis = analyze_article(make_article(body))
    assert not analysis.flags
    assert len(analysis.sentences) == 120


def test_other_language() -> None:
    article = make_article(f"{FRENCH}\n\n{ENGLISH}\n\n{GERMAN}", language="fr")
    analysis = analyze_article(article)
    foreign = [f for f in analysis.flags if f.kind == "non_english"]
    assert len(foreign) == 2
    assert {f.text[:9] for f in foreign} == {FRENCH[:9], GERMAN[:9]}
    assert [s.text for s in analysis.sentences] == [ENGLISH]
    check_spans(article, analysis)


def test_whole_article_in_another_language_is_one_flag() -> None:
    article = make_article(f"{FRENCH}\n\n{FRENCH}\n\n{FRENCH}")
    analysis = analyze_article(article)
    assert kinds(analysis) == ["non_english"]
    assert analysis.flags[0].start == 0 and analysis.flags[0].end == len(article.body)
    assert analysis.sentences == [] and analysis.claims == []


def test_symbols() -> None:
    noise = "@#$%^&*()_+{}|:<>?~`" * 100
    article = make_article(f"{ENGLISH}\n\n{noise}\n\n=== *** ### ===")
    analysis = analyze_article(article)
    symbols = [f for f in analysis.flags if f.kind == "symbols"]
    assert len(symbols) == 1
    assert [s.text for s in analysis.sentences] == [ENGLISH]
    check_spans(article, analysis)


def test_a_failure_inside_one_article_does_not_stop_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = pipeline.find_claims

    def flaky(article_id: str, *args: object, **kwargs: object) -> object:
        if article_id == bad.id:
            raise RuntimeError("boom")
        return real(article_id, *args, **kwargs)  # type: ignore[arg-type]

    good = make_article(ENGLISH)
    bad = make_article(ENGLISH + " Again.")
    monkeypatch.setattr(pipeline, "find_claims", flaky)
    results = list(analyze_articles([bad, make_article(""), good]))
    assert [r.article_id for r in results] == [bad.id, make_article("").id, good.id]
    assert kinds(results[0]) == ["analysis_error"]
    assert "boom" in (results[0].flags[0].detail or "")
    assert kinds(results[1]) == ["empty"]
    assert results[2].claims and not results[2].flags


def test_odd_characters() -> None:
    body = (
        "The\u200b mayor\u00a0said \u201cthe bridge\u201d will reopen. 🚧🚧 \x00\x07 "
        'Unbalanced \u201cquote here. And "another one.'
    )
    article = make_article(body, title="\u202eMayor: bridge reopens")
    analysis = analyze_article(article)
    check_spans(article, analysis)
    assert analysis.sentences


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.text(
        alphabet=st.sampled_from(list("abc XYZ.,;:!?\"'“”()-\n\t0123456789é€$%")),
        max_size=400,
    )
)
def test_any_text_gives_consistent_spans(body: str) -> None:
    article = make_article(body, title="A Title")
    analysis = analyze_article(article)
    check_spans(article, analysis)
    for claim in analysis.claims:
        assert all(0 <= i < len(analysis.times) for i in claim.times)
        assert all(0 <= i < len(analysis.quantities) for i in claim.quantities)
