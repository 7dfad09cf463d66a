"""HTML pages: trafilatura's main text and metadata, then news cleaning (an invented page)."""

from __future__ import annotations

import pytest

from newsprism.clean import clean_document, cleaners
from newsprism.errors import CleanError
from newsprism.models import Provenance, RawDoc

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Harbour Bridge To Close For Repairs | The Coastal Courier</title>
  <meta property="og:title" content="Harbour bridge to close for two years of repairs">
  <meta property="og:site_name" content="The Coastal Courier">
  <meta name="author" content="Mira Okafor">
  <meta property="article:published_time" content="2023-09-14T08:30:00+01:00">
  <link rel="canonical" href="https://courier.example/news/harbour-bridge">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
  <li><a href="/sport">Sport</a></li></ul></nav>
  <article>
    <h1>Harbour bridge to close for two years of repairs</h1>
    <p>The harbour bridge will close to all traffic next month for repairs expected to last
    two years, the regional council said on Thursday after a vote by its members.</p>
    <p>Engineers found corrosion in the main cables during an inspection in the spring, and
    the council said it could no longer guarantee the safety of drivers using the crossing.</p>
    <p>Read more: Ferry operators prepare for a surge in passengers</p>
    <h2>Ferries And Buses Will Replace The Crossing</h2>
    <p>Extra ferries will run every fifteen minutes at peak times, and a free bus service will
    connect the two shores by way of the inland road, the council's transport chief said.</p>
    <p>Local businesses on the northern shore said they feared losing customers during the
    closure and asked the council for compensation.</p>
    <p>Sign up for our morning newsletter to get the latest local news in your inbox.</p>
  </article>
  <footer><p>Copyright 2023 The Coastal Courier. All rights reserved.</p></footer>
</body>
</html>"""


@pytest.fixture(scope="module")
def article():  # type: ignore[no-untyped-def]
    return clean_document(RawDoc(Provenance("page.html", "html.v1"), html=PAGE))


def test_main_text_and_metadata(article) -> None:  # type: ignore[no-untyped-def]
    assert article.title == "Harbour bridge to close for two years of repairs"
    assert article.outlet == "The Coastal Courier"
    assert article.author == "Mira Okafor"
    assert (article.published, article.published_source) == ("2023-09-14", "html_meta")
    assert article.url == "https://courier.example/news/harbour-bridge"
    assert article.language == "en"
    first, second = article.body.split("\n\n")[:2]
    assert first == article.title  # the page's h1, kept in place and listed as the headline
    assert article.headings[0].level == "headline" and article.headings[0].start == 0
    assert second.startswith("The harbour bridge will close")
    assert "Extra ferries will run" in article.body
    for junk in ("Home", "Sport", "Copyright 2023"):
        assert junk not in article.body


def test_news_cleaning_on_extracted_text(article) -> None:  # type: ignore[no-untyped-def]
    reasons = {r.text: r.reason for r in article.removed}
    assert reasons["Read more: Ferry operators prepare for a surge in passengers"] == "teaser"
    assert any(reason == "newsletter" for reason in reasons.values())
    assert "Read more" not in article.body and "newsletter" not in article.body
    for removed in article.removed:
        assert article.source_text[removed.start : removed.end] == removed.text


def test_subheading_kept_in_body(article) -> None:  # type: ignore[no-untyped-def]
    subs = [h for h in article.headings if h.level == "subheading"]
    assert [h.text for h in subs] == ["Ferries And Buses Will Replace The Crossing"]
    assert article.body[subs[0].start : subs[0].end] == subs[0].text
    paragraphs = article.body.split("\n\n")
    assert "Ferries And Buses Will Replace The Crossing" in paragraphs


def test_record_date_wins_over_page_date() -> None:
    doc = RawDoc(Provenance("r.jsonl", "jsonl.v1", "line 3"), html=PAGE, published="2023-09-15")
    article = clean_document(doc)
    assert (article.published, article.published_source) == ("2023-09-15", "record")


def test_page_without_text_is_a_clean_error() -> None:
    empty = "<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    with pytest.raises(CleanError):
        clean_document(RawDoc(Provenance("e.html", "html.v1"), html=empty))


def test_no_text_no_html_is_a_clean_error() -> None:
    with pytest.raises(CleanError, match="neither text nor HTML"):
        clean_document(RawDoc(Provenance("e", "text.v1")))


def test_registered_as_clean_v1() -> None:
    assert cleaners.get("clean.v1") is clean_document
    assert "clean.v1" in cleaners.names()
