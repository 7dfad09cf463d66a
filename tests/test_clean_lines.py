"""Line rules, dates, header lines, datelines and headings on invented text (not the seeds),
so the rules are shown to generalise."""

from __future__ import annotations

import pytest

from newsprism.clean import clean_document
from newsprism.clean.dateline import find_dateline, match_inline
from newsprism.clean.dates import date_line, normalise_date
from newsprism.clean.header import take_header
from newsprism.clean.headings import find_headings, heading_like
from newsprism.clean.lines import byline_names, classify_line
from newsprism.clean.text import Line, split_lines
from newsprism.config import Settings
from newsprism.errors import CleanError
from newsprism.models import Provenance, RawDoc


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Read more: Floods force thousands from homes in the north", "teaser"),
        ("SEE ALSO | Central bank holds rates for a third month", "teaser"),
        ("Related Articles", "teaser"),
        ("Watch: Drone footage shows the damaged bridge", "teaser"),
        ("You may also like", "teaser"),
        ("MORE FROM THE TIMES: Why the port strike matters", "teaser"),
        ("Start the discussion", "community"),
        ("Join the debate", "community"),
        ("12 comments", "community"),
        ("View all comments", "community"),
        ("Share this article", "share"),
        ("Facebook Twitter LinkedIn Email", "share"),
        ("Follow us on Instagram", "social"),
        ("Follow Jane Roe on X", "social"),
        ("Sign up for our free morning briefing", "newsletter"),
        ("Get the best of our coverage delivered to your inbox every week.", "newsletter"),
        ("Subscribe now", "newsletter"),
        ("ADVERTISEMENT", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Click here to see the full list", "navigation"),
        ("Skip to main content", "navigation"),
        ("4 min read", "navigation"),
        ("Reporting by Ann Smith in Lagos; Editing by Peter Jones", "credit"),
        ("(Additional reporting by Marta Lopez)", "credit"),
        ("Associated Press writer Omar Haddad in Cairo contributed to this report.", "credit"),
        ("Staff writers Li Wei and Sara Kim contributed.", "credit"),
        ("This article has been updated to include a statement from the ministry.", "update_note"),
        ("Editor's note: An earlier headline misstated the vote count.", "update_note"),
        ("Correction: The minister's name was misspelled in an earlier version.", "correction"),
        ("An earlier version of this story gave the wrong date for the vote.", "correction"),
        ("© 2023 Example Media Group. All rights reserved.", "copyright"),
        ("Copyright Example News 2022", "copyright"),
        ("Rescuers search the rubble on Monday. (AP Photo/John Doe)", "caption"),
        ("Maria Silva/Getty Images", "caption"),
        ("Photo: Handout", "caption"),
        ("—", "empty"),
        ("* * *", "empty"),
    ],
)
def test_boilerplate_lines(line: str, reason: str) -> None:
    assert classify_line(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        "Read the statement carefully, the lawyer said, because every word matters.",
        "More than 300 people were evacuated from the coastal villages on Sunday.",
        "Related talks between the two unions collapsed last year, officials said.",
        "Shareholders said the funds they contributed had vanished by the spring.",
        "Sign up for the draft closes on Friday, the league said in a statement.",
        "Share prices fell 3% in early trading after the announcement.",
        "Reporting by the newspaper showed that the contract had been rewritten twice.",
        "Comments from the minister angered opposition lawmakers on Tuesday.",
        "The names may not be published under a court order, the judge said.",
        "Follow-up inspections found no further damage to the dam.",
        "This story began in a small town in the north of the country.",
        "Photographers gathered outside the court before dawn.",
    ],
)
def test_article_sentences_are_kept(line: str) -> None:
    assert classify_line(line) is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-04-02", "2024-04-02"),
        ("2024-04-02T23:30:00-05:00", "2024-04-02"),
        ("2024-04-02T10:00:00Z", "2024-04-02"),
        ("Tue, 02 Apr 2024 14:05:00 GMT", "2024-04-02"),
        ("April 2, 2024", "2024-04-02"),
        ("2 April 2024", "2024-04-02"),
        ("Tuesday, April 2nd, 2024", "2024-04-02"),
        ("20240402", "2024-04-02"),
        ("31/03/2024", "2024-03-31"),
        ("1712066400", "2024-04-02"),
        ("not a date", None),
        ("2024-02-30", None),
        ("", None),
    ],
)
def test_normalise_date(value: str, iso: str | None) -> None:
    assert normalise_date(value) == iso


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Published: March 3, 2024", "2024-03-03"),
        ("Updated 10:15 AM EDT, Tue April 2, 2024", "2024-04-02"),
        ("Posted on 2023-11-15", "2023-11-15"),
        ("June 5, 2022", "2022-06-05"),
        ("Published: March 3, 2024, when the talks resumed", None),
        ("The talks resumed on March 3, 2024 in Geneva.", None),
    ],
)
def test_date_lines(line: str, iso: str | None) -> None:
    assert date_line(line) == iso


def test_header_lines_at_the_top() -> None:
    lines = split_lines("Title: Port strike ends\ndate: 2023-06-01\n\nThe strike ended.")
    header = take_header(lines)
    assert header.fields == {"title": "Port strike ends", "published": "2023-06-01"}
    assert [ln.index for ln in header.lines] == [0, 1]


def test_sentence_is_not_a_header() -> None:
    assert take_header(split_lines("Date night is back in the city.\nMore text.")).lines == []
    assert take_header(split_lines("Source code leaked online.\nMore text.")).lines == []


def _line(text: str) -> Line:
    return Line(text, 0, len(text), 0)


@pytest.mark.parametrize(
    ("text", "place", "agency"),
    [
        ("NAIROBI (Reuters) - Kenya's parliament voted on Tuesday.", "Nairobi", "Reuters"),
        ("LONDON, March 3 (AP) — Britain's economy grew.", "London", "AP"),
        ("Paris (AFP) – French unions called a strike.", "Paris", "AFP"),
        ("SAO PAULO, Brazil (Bloomberg) -- Shares rose.", "Sao Paulo, Brazil", "Bloomberg"),
        ("(Reuters) - Oil prices rose on Monday.", None, "Reuters"),
        ("NEW DELHI — India's election commission said.", "New Delhi", None),
    ],
)
def test_inline_datelines(text: str, place: str | None, agency: str | None) -> None:
    found = match_inline(_line(text))
    assert found is not None
    assert found.dateline.place == place
    assert found.dateline.agency == agency
    start, end = found.spans[0]
    assert text[start:end].rstrip().endswith(("-", "—", "–"))


@pytest.mark.parametrize(
    "text",
    [
        "Officials said — after a long pause — that the talks would resume.",
        "The minister (who was absent) - said nothing.",
        "Smith (R-Texas) - said the vote was close.",
    ],
)
def test_not_datelines(text: str) -> None:
    assert match_inline(_line(text)) is None


def test_split_dateline_lines() -> None:
    lines = split_lines("Tokyo\n\nBBC\n\n—\n\nJapan's cabinet approved the budget on Friday.")
    found = find_dateline([ln for ln in lines if not ln.blank])
    assert found is not None
    assert (found.dateline.place, found.dateline.agency) == ("Tokyo", "BBC")
    assert len(found.spans) == 3


def test_byline() -> None:
    assert byline_names("By Jane Doe and John Roe, Reuters") == "Jane Doe and John Roe"
    assert byline_names("By Tuesday, the ministry had approved the plan.") is None
    assert byline_names("By the end of the year") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ministers Reject Plan to Raise Fuel Taxes After Protests", True),
        ("What Comes Next for the Port Workers", True),
        ("The ministers rejected the plan after protests.", False),
        ("the plan was rejected by ministers", False),
        ("Ministers reject plan to raise fuel taxes", False),
        ("Protests", False),
    ],
)
def test_heading_like(text: str, expected: bool) -> None:
    assert heading_like(text) is expected


def test_lists_of_title_lines_are_not_headings() -> None:
    paras = [
        "Body text that is a sentence.",
        "First Linked Story Title Here",
        "Second Linked Story Title Here",
        "Third Linked Story Title Here",
        "More body text.",
        "A Real Subheading Right Here",
        "Text under it.",
    ]
    assert find_headings(paras) == [5]


def _clean(text: str, **fields: object) -> object:
    return clean_document(RawDoc(Provenance("x.txt", "text.v1"), text=text, **fields))  # type: ignore[arg-type]


def test_invented_wire_story_end_to_end() -> None:
    text = (
        "By Ana Costa\n"
        "LISBON, May 9 (Reuters) - Portugal's government approved a plan on Thursday to "
        "expand rail links to Spain, the transport minister said.\n"
        "Read more: Spain and Portugal agree on power grid link\n"
        "The plan, worth 2 billion euros, will be financed partly by the European Union.\n"
        "What Happens Next With the Rail Plan\n"
        "Construction is expected to begin in 2026, the minister told reporters.\n"
        "Sign up here for our weekly transport newsletter.\n"
        "(Reporting by Ana Costa; Editing by Mark Heinrich)\n"
    )
    article = _clean(text)
    assert article.dateline is not None  # type: ignore[attr-defined]
    assert article.dateline.place == "Lisbon"  # type: ignore[attr-defined]
    assert article.outlet == "Reuters"  # type: ignore[attr-defined]
    assert article.author == "Ana Costa"  # type: ignore[attr-defined]
    assert article.body.startswith("Portugal's government approved")  # type: ignore[attr-defined]
    reasons = {r.reason for r in article.removed}  # type: ignore[attr-defined]
    assert {"byline", "dateline", "teaser", "newsletter", "credit"} <= reasons
    assert [h.text for h in article.headings] == ["What Happens Next With the Rail Plan"]  # type: ignore[attr-defined]
    assert article.headings[0].level == "headline"  # type: ignore[attr-defined]


def test_outlet_from_reader_wins_over_agency() -> None:
    text = "BERLIN (dpa) - Germany's parliament passed the budget on Friday after a long debate."
    article = _clean(text, outlet="Example Daily")
    assert article.outlet == "Example Daily"  # type: ignore[attr-defined]
    assert article.dateline.agency == "dpa"  # type: ignore[attr-defined]


def test_text_date_line_gives_the_date() -> None:
    text = (
        "Council Closes Old Bridge\nPublished: March 3, 2024\n\nThe council voted to close the old bridge to traffic, "
        "citing safety concerns raised by engineers last year."
    )
    article = _clean(text)
    assert article.published == "2024-03-03"  # type: ignore[attr-defined]
    assert article.published_source == "text"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("reader", "source"),
    [("jsonl.v1", "record"), ("feed.v1", "feed"), ("text.v1", "header"), ("warc.v1", "warc")],
)
def test_published_source_follows_the_reader(reader: str, source: str) -> None:
    doc = RawDoc(
        Provenance("x", reader),
        text="The council voted to close the old bridge to traffic on Monday night.",
        published="Mon, 04 Mar 2024 18:00:00 +0000",
    )
    article = clean_document(doc)
    assert (article.published, article.published_source) == ("2024-03-04", source)


def test_hard_wrapped_text_becomes_paragraphs() -> None:
    text = (
        "The regional council voted on Monday to close the old bridge over the\n"
        "river to all traffic, citing safety concerns raised by engineers in a\n"
        "report published last year.\n\n"
        "Repairs are expected to take at least eighteen months and will cost an\n"
        "estimated 40 million euros, the council said in a statement issued\n"
        "after the vote.\n"
    )
    article = _clean(text)
    paragraphs = article.body.split("\n\n")  # type: ignore[attr-defined]
    assert len(paragraphs) == 2
    assert "over the river" in paragraphs[0]


def test_empty_after_cleaning_is_an_error() -> None:
    with pytest.raises(CleanError, match=r"no article text after cleaning \(\d+ chars\)"):
        _clean("Share this article\nAdvertisement\n—\n")


def test_min_body_chars_setting() -> None:
    text = "A short but real sentence about the harbour."
    assert _clean(text).body == text  # type: ignore[attr-defined]
    with pytest.raises(CleanError):
        clean_document(RawDoc(Provenance("x", "text.v1"), text=text), Settings(min_body_chars=1000))


def test_non_english_is_flagged_and_not_checked_for_english_errors() -> None:
    text = (
        "Die Regierung hat am Dienstag einen neuen Haushaltsplan vorgelegt. Die Opposition "
        "kritisierte den Entwurf scharf und kündigte Widerstand im Parlament an."
    )
    article = _clean(text)
    assert article.language == "de"  # type: ignore[attr-defined]
    assert [f.kind for f in article.flags] == ["non_english"]  # type: ignore[attr-defined]


def test_quality_flags_on_invented_text() -> None:
    text = (
        "The mayor said the budget would pass. Officials expect the vote to take place next "
        "week, and the council hopes the plan wins supportfrom the unions. Critics dont agree "
        "with that view. The deal was signed. and then it was forgotten by most residents."
    )
    article = _clean(text)
    kinds = {(f.kind, f.text) for f in article.flags}  # type: ignore[attr-defined]
    assert ("fused_words", "supportfrom") in kinds
    assert ("stripped_apostrophe", "dont") in kinds
    assert any(k == "garbled_punctuation" and "signed. and" in t for k, t in kinds)
