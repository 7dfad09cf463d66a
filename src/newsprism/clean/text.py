"""Character-level helpers shared by the cleaning steps: normalising extracted text and
splitting it into lines that remember their offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Invisible characters that carry no text: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Line and paragraph separators other than "\n" (str.splitlines would split on these).
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Remaining C0/C1 control characters (tab and newline excepted) become spaces.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
# Any character one of the three patterns above replaces (one scan; most text has none).
_SPECIAL = re.compile(
    "[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029\u200b\u200c\u200d\u2060\ufeff\u00ad"
    "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]"
)


def normalise_source(text: str) -> str:
    """The extracted text as cleaning sees it: NFC, ``\\n`` line breaks only, no invisible or
    control characters. Every later offset refers to this string (``Article.source_text``)."""
    text = unicodedata.normalize("NFC", text)
    if _SPECIAL.search(text) is None:
        return text
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(" ", text)


def replace_controls(text: str) -> tuple[str, int]:
    """``text`` with every control character (NUL included; tab and line breaks kept) replaced
    by a space, and how many there were. Databases refuse NUL in text (PostgreSQL does)."""
    if _CONTROL.search(text) is None:
        return text, 0
    return _CONTROL.subn(" ", text)


def collapse_spaces(text: str) -> str:
    """Every whitespace run becomes one space; ends trimmed (``str.split`` and the regex
    ``\\s`` agree on what whitespace is)."""
    return " ".join(text.split())


@dataclass(slots=True, frozen=True)
class Line:
    """One line of the source, stripped; ``start``/``end`` locate the stripped text."""

    text: str
    start: int
    end: int
    index: int

    @property
    def blank(self) -> bool:
        return not self.text

    @property
    def words(self) -> int:
        return len(self.text.split())


def split_lines(source: str) -> list[Line]:
    """The lines of ``source`` (split on ``\\n``), each stripped, with exact offsets."""
    lines: list[Line] = []
    pos = 0
    for index, raw in enumerate(source.split("\n")):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = pos + lead if stripped else pos
        lines.append(Line(stripped, start, start + len(stripped), index))
        pos += len(raw) + 1
    return lines


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string."""
    return frozenset(words.split())


_ALNUM = re.compile(r"[^\W_]")  # \w is exactly str.isalnum() and "_"


def has_letters(text: str) -> bool:
    """Whether ``text`` has a letter or digit (``str.isalnum``) in it."""
    return _ALNUM.search(text) is not None
