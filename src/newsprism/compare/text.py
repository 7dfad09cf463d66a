"""Small text helpers shared by alignment, the brief checker and framing: content words,
a light stemmer, acronyms."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (for word lists)."""
    return frozenset(text.split())


def wordlist(text: str) -> list[str]:
    return text.split()


STOPWORDS = wordset("""
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves said says say told tell tells according one two s t also would could may might
    must shall upon amid among via per yet still even much many like well already
    """)

#: Verbs that only say that something was said or talked about: weak evidence of one fact.
REPORTING = wordset("""
    say said says tell told add added note noted stress stressed underscore underscored
    express expressed discuss discussed talk talked raise raised emerge emerged include
    included including mention mentioned report reported describe described announce
    announced state stated comment commented
    """)

#: Who a statement comes from, when named by role only ("local officials said"): a clause of
#: these words and a reporting verb attributes the rest of its sentence and states nothing.
SOURCE_WORDS = wordset("""
    official officials spokesman spokeswoman spokesperson sources source authorities police
    statement statements reporters reporter local senior government administration people
    witnesses witness residents experts analysts agency agencies ministry department office
    press briefing news conference interview
    """)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*|\d+(?:[.,]\d+)*")
_ACRONYM = re.compile(r"\b[A-Z]{2,5}s?\b")


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stemmer (enough to match ``talks``/``talked``/``talking``); a word's stem
    is remembered (stemming is most of the Python time of building a story's units)."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if len(w) <= 3:
        return w
    for suffix, repl in (
        ("ational", "ate"),
        ("ization", "ize"),
        ("isation", "ize"),
        ("iveness", "ive"),
        ("fulness", "ful"),
        ("ousness", "ous"),
        ("nesses", ""),
        ("ments", "ment"),
        ("ities", "ity"),
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("edly", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                return w
            base = w[: len(w) - len(suffix)] + repl
            if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2]:
                base = base[:-1]  # "stopped" → "stop"
            return base
    return w


def words(text: str) -> list[str]:
    """Word and number tokens, in order, as written."""
    return _TOKEN.findall(text)


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text`` (stop words dropped)."""
    out = []
    for w in words(text):
        lw = w.lower()
        if lw in STOPWORDS:
            continue
        out.append(stem(lw))
    return out


def acronyms(text: str) -> set[str]:
    return {a.rstrip("s") for a in _ACRONYM.findall(text)}


def initials_of(text: str) -> set[str]:
    """Upper-cased initials of every run of 2–5 consecutive content words."""
    heads = [w[0].upper() for w in words(text) if w[0].isalpha() and w.lower() not in STOPWORDS]
    out: set[str] = set()
    for n in range(2, 6):
        for i in range(len(heads) - n + 1):
            out.add("".join(heads[i : i + n]))
    return out


def acronym_matches(a: str, b: str) -> int:
    """How many acronyms of one text spell out words of the other (``EU`` ~ ``European
    Union``)."""
    n = 0
    ia, ib = initials_of(a), initials_of(b)
    n += len(acronyms(a) & ib)
    n += len(acronyms(b) & ia)
    return n


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def trim_span(
    text: str, start: int, end: int, chars: str = " \t\n,;:.-–—\"“”'‘’()"
) -> tuple[int, int]:
    """Shrink ``start:end`` of ``text`` past leading/trailing ``chars``."""
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    # keep a closing quote or bracket when its opening one is inside
    for opening, closing in _PAIRS:
        if end < len(text) and text[end] in closing and _unbalanced(text[start:end], opening):
            end += 1
    # and the final dot of an abbreviation ("7 a.m.", "the U.S.")
    if end < len(text) and text[end] == "." and _ABBREVIATION_END.search(text, start, end):
        end += 1
    return start, end


_PAIRS = (('"', '"'), ("“", "”"), ("(", ")"), ("‘", "’"))
_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.[A-Za-z]|\b(?:Inc|Ltd|Co|Corp|Jr|Sr|St))$")


def _unbalanced(span: str, opening: str) -> bool:
    """Whether ``span`` opens a quote or bracket that it does not close."""
    if opening == '"':
        return span.count('"') % 2 == 1
    closing = {"“": "”", "(": ")", "‘": "’"}[opening]
    return span.count(opening) > span.count(closing)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def any_in(needles: Iterable[str], hay: str) -> bool:
    return any(n in hay for n in needles)
