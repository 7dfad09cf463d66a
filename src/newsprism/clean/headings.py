"""Headlines and subheadings that scraping left inside the text as lines of their own.

A heading line is short, has no sentence-final punctuation, and is written in title case
(nearly every word that is not a small function word starts with a capital). It must be
followed by article text: a run of three or more heading-like lines is a list (related links,
a menu), not a heading.
"""

from __future__ import annotations

import re
from itertools import zip_longest

from newsprism.clean.text import word_set

_SMALL = word_set(
    "a an the and but or nor for so yet of on in to at by up as from with into onto over per via "
    "vs v. vs. than off out is are be was were its it's his her their our your my about after "
    "amid among against before behind below between during near since through under until "
    "upon without within"
)
_WORD = re.compile(r"[\w'’.&-]+")
MAX_WORDS = 20


def heading_like(text: str) -> bool:
    """Whether one paragraph reads as a headline or subheading."""
    if not text or len(text) > 160 or "\n" in text:
        return False
    if text[-1] in ".,;:!\"'”’)…" or text[0] in "\"'“‘(-–—•*":
        return False
    words = _WORD.findall(text)
    if not 2 <= len(words) <= MAX_WORDS or not text[0].isupper():
        return False
    content = [w for w in words if w.lower() not in _SMALL]
    if len(content) < 2:
        return False
    capital = sum(1 for w in content if w[0].isupper() or w[0].isdigit())
    if capital < 2 or capital / len(content) < 0.8:
        return False
    # A sentence-like run of small words in lower case ("he said that it was") is not a title.
    lower_small = sum(1 for w in words if w.lower() in _SMALL and w[0].islower())
    return lower_small <= max(3, len(words) // 2)


_WORD_RUN = re.compile(r"\w+")


def same_text(a: str, b: str) -> bool:
    """Equal after case and whitespace folding (a heading repeating the title): the same
    words (runs of word characters), compared in lower case one by one."""
    for x, y in zip_longest(_WORD_RUN.finditer(a), _WORD_RUN.finditer(b)):
        if x is None or y is None or x.group().lower() != y.group().lower():
            return False
    return True


def find_headings(paragraphs: list[str]) -> list[int]:
    """Indexes of the paragraphs that are headings.

    A heading-like paragraph counts when text follows it; runs of three or more
    heading-like paragraphs in a row are lists and count as none.
    """
    like = [heading_like(p) for p in paragraphs]
    found: list[int] = []
    i = 0
    while i < len(paragraphs):
        if not like[i]:
            i += 1
            continue
        j = i
        while j < len(paragraphs) and like[j]:
            j += 1
        run = j - i
        if run <= 2 and j < len(paragraphs):
            found.extend(range(i, j))
        i = j
    return found
