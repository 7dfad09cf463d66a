"""Properties of cleaning on generated text: nothing is dropped silently, offsets are exact."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.clean import clean_document
from newsprism.errors import CleanError
from newsprism.models import Article, Provenance, RawDoc

SENTENCES = [
    "The council voted on Monday to close the old bridge to traffic.",
    "Engineers found corrosion in the main cables during an inspection.",
    "Repairs will cost an estimated 40 million euros, officials said.",
    "Critics said the decision came too late for local businesses.",
    "Ferries And Buses Will Replace The Crossing",
    "the vote was close. and the mayor said nothing about it",
    "Residents dont agree with the plan, a survey found.",
]
FURNITURE = [
    "Read more: Another story about the harbour",
    "Share this article",
    "Advertisement",
    "Sign up for our daily newsletter",
    "Jane Doe and John Roe contributed to this report.",
    "This story has been updated with new figures.",
    "Correction: An earlier version misstated the cost.",
    "© 2024 Example News. All rights reserved.",
    "—",
    "Published: March 3, 2024",
    "By Jane Doe",
    "date 2024-04-02",
    "title: Bridge closes",
    "LONDON (Reuters) - The bridge closed on Monday after the vote.",
    "Washington",
    "CNN",
]
LINE = st.one_of(
    st.sampled_from(SENTENCES),
    st.sampled_from(FURNITURE),
    st.just(""),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"),
        max_size=60,
    ),
)
TEXT = st.lists(LINE, min_size=1, max_size=25).map(lambda lines: "\n".join(lines)) | st.text(
    max_size=400
)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _check(article: Article) -> None:
    source = article.source_text
    previous_end = 0
    for span in sorted(article.removed, key=lambda s: s.start):
        assert source[span.start : span.end] == span.text
        assert span.text.strip() == span.text and span.text
        assert span.start >= previous_end, "removed spans overlap"
        previous_end = span.end
    # Every non-space character of the source is in the body or in a removed span, in order.
    kept = []
    pos = 0
    for span in sorted(article.removed, key=lambda s: s.start):
        kept.append(source[pos : span.start])
        pos = span.end
    kept.append(source[pos:])
    assert _squeeze("".join(kept)) == _squeeze(article.body)
    assert article.body == article.body.strip()
    assert "\n\n\n" not in article.body
    for heading in article.headings:
        assert article.body[heading.start : heading.end] == heading.text
    for flag in article.flags:
        assert flag.field == "body"
        assert article.body[flag.start : flag.end] == flag.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_nothing_dropped_silently(text: str) -> None:
    doc = RawDoc(Provenance("gen.txt", "text.v1"), text=text)
    try:
        article = clean_document(doc)
    except CleanError as exc:
        message = str(exc)
        assert "\n" not in message
        assert re.fullmatch(r"no article text after cleaning \(\d+ chars\)", message)
        return
    _check(article)
    again = clean_document(RawDoc(Provenance("other.txt", "text.v1"), text=text))
    assert again.id == article.id and again.body == article.body


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(SENTENCES), min_size=2, max_size=8),
    st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]),
)
def test_id_ignores_layout_whitespace(lines: list[str], sep: str) -> None:
    one = clean_document(RawDoc(Provenance("a", "text.v1"), text="\n".join(lines)))
    two = clean_document(RawDoc(Provenance("b", "text.v1"), text=sep.join(lines) + "\n"))
    if sep in ("\n", "\r\n"):
        assert one.id == two.id
    assert _squeeze(one.body) == _squeeze(two.body)
