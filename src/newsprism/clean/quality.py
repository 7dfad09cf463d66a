"""Text-quality flags on the clean body, each with its span.

* ``fused_words``: a token that is no word but two words run together ("officialsthe"):
  unknown to the word lists, seen once, and splitting into two parts that are words, one a
  function word, or the first a name used elsewhere in the same article ("Smithis"), or two
  content words the first of which cannot head a compound (ends in ``-ity``, ``-ly``, ``-tion``…).
* ``stripped_apostrophe``: a contraction that lost its apostrophe and is no word ("dont").
* ``mistranslation``: a contraction that lost its apostrophe and became another word, read as a
  capitalised word in mid-sentence before a verb ("where Hell is going" for "He'll"); the detail
  names the likely contraction. Kept conservative: one mention, not part of a name.
* ``garbled_punctuation``: a sentence end followed by a lower-case word ("other. more"), a stray
  dash after a sentence end, doubled punctuation (". .").
* ``encoding``: mojibake from text decoded with the wrong character set ("â€™").
"""

from __future__ import annotations

import re

from newsprism.clean.text import word_set
from newsprism.clean.wordlist import (
    FUNCTION_WORDS,
    HEAD_WORDS,
    TAIL_WORDS,
    TWO_LETTER,
    WordLists,
    is_known,
    word_lists,
)
from newsprism.models import QualityFlag

_ALPHA_RUN = re.compile(r"[A-Za-z]+")
# Characters around a token that make it part of a URL, an address, a handle or a file name.
_URL_BEFORE = re.compile(r"[\w@/#.\\=&-]$")
_URL_AFTER = re.compile(r"(?:['’]s)?(?:[\w@/#\\=&-]|\.[A-Za-z0-9])")
# Content words ending like this are rarely the first part of an English compound.
_NON_HEAD = re.compile(r"(?:ity|ly|tion|sion|ness|ment|ence|ance|ous|ive|ful|less|ism|ed|ies)$")
_MAX_RANK_CONTENT = 20_000


def fused_words(
    body: str, lists: WordLists | None = None, words: list[str] | None = None
) -> list[QualityFlag]:
    """Tokens that look like two words with the space between them lost.

    ``words``: the alphabetic runs of ``body`` when the caller has them already."""
    lists = lists or word_lists()
    if not lists.known:
        return []
    words = words if words is not None else _ALPHA_RUN.findall(body)
    distinct = set(words)
    lowered = set(map(str.lower, distinct)).difference(lists.known)
    if not lowered:
        return []
    flags: list[QualityFlag] = []
    for core in distinct:
        if len(core) < 5 or core.lower() not in lowered or not core[1:].islower():
            continue
        if is_known(core.lower(), lists):
            continue
        split = _best_split(core, lists, distinct)
        if split is None:
            continue
        # Seen once only: a token repeated in one article is a real word or a name.
        seen = list(re.finditer(rf"\b{re.escape(core)}\b", body, re.IGNORECASE))
        if len(seen) != 1:
            continue
        start = seen[0].start()
        if _URL_BEFORE.search(body, max(0, start - 1), start) or _URL_AFTER.match(
            body, start + len(core)
        ):
            continue
        flags.append(
            QualityFlag(
                "fused_words", core, start, start + len(core), detail=f"{split[0]} {split[1]}?"
            )
        )
    return sorted(flags, key=lambda f: f.start)


def _common(word: str, lists: WordLists, limit: int = _MAX_RANK_CONTENT) -> bool:
    rank = lists.common.get(word)
    return rank is not None and rank < limit


def _part_ok(word: str, lists: WordLists) -> bool:
    if len(word) == 2:
        return word in TWO_LETTER
    if word in FUNCTION_WORDS:
        return True
    return len(word) >= 3 and (_common(word, lists) or (len(word) >= 5 and is_known(word, lists)))


LOOSE = 10000
_SAYS = word_set("says told added wrote noted asked stated")


def _best_split(core: str, lists: WordLists, standalone: set[str]) -> tuple[str, str] | None:
    low = core.lower()
    capitalised = core[0].isupper()
    for i in range(2, len(low) - 1):
        left, right = low[:i], low[i:]
        if capitalised:
            # A name run into the next word: the name must stand alone elsewhere in the text.
            if (
                core[:i] in standalone
                and len(left) >= 3
                and (right in TAIL_WORDS or right in _SAYS)
            ):
                return core[:i], right
            continue
        if not (_part_ok(left, lists) and _part_ok(right, lists)):
            continue
        if right in TAIL_WORDS or left in HEAD_WORDS:
            if max(len(left), len(right)) >= 3:
                return left, right
            continue
        if left in FUNCTION_WORDS or right in FUNCTION_WORDS:
            continue
        suffix = _NON_HEAD.search(left)
        if (
            suffix is not None
            and suffix.start() >= 4
            and len(right) >= 4
            and _common(left, lists)
            and is_known(right, lists)
        ):
            return left, right

    return None


# Contractions without their apostrophe that are not words themselves.
_NONWORD_CONTRACTIONS = {
    "dont": "don't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "arent": "aren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "mustnt": "mustn't",
    "neednt": "needn't",
    "youre": "you're",
    "youve": "you've",
    "youll": "you'll",
    "theyre": "they're",
    "theyve": "they've",
    "theyll": "they'll",
    "weve": "we've",
    "thats": "that's",
    "whats": "what's",
    "theres": "there's",
    "im": "I'm",
    "ive": "I've",
}
# Contractions without their apostrophe that read as another word.
_WORD_CONTRACTIONS = {
    "Shell": "She'll",
    "Hell": "He'll",
    "Ill": "I'll",
    "Wed": "We'd",
    "Well": "We'll",
    "Shed": "She'd",
    "Hed": "He'd",
    "Cant": "Can't",
    "Wont": "Won't",
}
_AUX = word_set(
    "is are was were be been being have has had will would not never also still just always "
    "probably likely definitely soon now then"
)
_NONWORD_RE = re.compile(
    r"\b(" + "|".join(_NONWORD_CONTRACTIONS) + r")\b(?=[ \t]+[a-z])", re.IGNORECASE
)
_WORD_RE = re.compile(r"\b(" + "|".join(_WORD_CONTRACTIONS) + r")\b[ \t]+([a-z]+)\b")
_PREVIOUS = re.compile(r"([A-Za-z]+|[.!?;:])[^A-Za-z.!?;:]*$")


def _previous(body: str, start: int) -> str:
    """The word or sentence punctuation before ``start`` (``.`` at the start of the text)."""
    m = _PREVIOUS.search(body, max(0, start - 60), start)
    return m.group(1) if m else "."


_NONWORD_KEYS = frozenset(_NONWORD_CONTRACTIONS)
_WORD_KEYS = frozenset(_WORD_CONTRACTIONS)


def apostrophes(body: str, words: set[str] | None = None) -> list[QualityFlag]:
    """Contractions that lost their apostrophe, as non-words or as other words.

    ``words``: the set of alphabetic runs of ``body`` when the caller has it already."""
    words = words if words is not None else set(_ALPHA_RUN.findall(body))
    flags: list[QualityFlag] = []
    if _NONWORD_KEYS.isdisjoint(map(str.lower, words)):
        nonword: list[re.Match[str]] = []
    else:
        nonword = list(_NONWORD_RE.finditer(body))
    for m in nonword:
        word = m.group(1)
        if word not in {word.lower(), word.capitalize()}:
            continue  # "IM", "DONT": all capitals are acronyms or shouting
        if word[0].isupper() and _previous(body, m.start())[:1].isupper():
            continue  # part of a name ("Jony Ive said")
        flags.append(
            QualityFlag(
                "stripped_apostrophe",
                word,
                m.start(),
                m.end(),
                detail=f"stripped apostrophe: {_NONWORD_CONTRACTIONS[word.lower()]}?",
            )
        )
    for m in _WORD_RE.finditer(body) if not _WORD_KEYS.isdisjoint(words) else ():
        word, nxt = m.group(1), m.group(2)
        prev = _previous(body, m.start())
        mid_sentence = prev[:1].islower()
        verbish = nxt in _AUX or (nxt.endswith(("ing", "ed")) and len(nxt) > 4)
        if not (mid_sentence and verbish):
            continue
        if len(re.findall(rf"\b{word}\b", body)) > 1:
            continue  # a name or a company mentioned again
        flags.append(
            QualityFlag(
                "mistranslation",
                m.group(0),
                m.start(),
                m.end(),
                detail=f"stripped apostrophe: {_WORD_CONTRACTIONS[word]}?",
            )
        )
    return flags


_ABBREVIATIONS = word_set(
    "mr mrs ms dr st vs etc eg ie inc co corp ltd jr sr gen sen rep gov lt col capt sgt maj cmdr "
    "adm prof rev hon no nos vol ch fig pp p approx est dept univ ave blvd rd mt ft jan feb mar "
    "apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun am pm al "
    "op cit ibid viz ca cf bros assn intl natl govt min max pt tsp tbsp oz lb lbs kg mg ml cm mm km "
    "mi hr hrs sec pic qt pkg"
)
_PERIOD_LOWER = re.compile(r"\.[ \t]+[a-z][a-z'’-]*\b(?![.@/:]\w|:/)")
_STRAY_DASH = re.compile(r"(?<=\w)\.[ \t]+[-–—]+[ \t]+[a-z][\w'’-]*")
_DOUBLED = re.compile(r"(?<=\w)(?:[.!?,;:][ \t]+[.,;:!?](?![.\w])|,[ \t]*,)")
_WORD_BEFORE = re.compile(r"[\w'’.-]+$")


def _word_before(body: str, end: int) -> int:
    """Start of the word that ends at ``end`` (``end`` itself when there is none)."""
    m = _WORD_BEFORE.search(body, max(0, end - 40), end)
    return m.start() if m else end


def garbled_punctuation(body: str) -> list[QualityFlag]:
    """Punctuation that breaks sentences in the wrong place."""
    spans: list[tuple[int, int]] = []
    for m in _PERIOD_LOWER.finditer(body):
        start = _word_before(body, m.start())
        before = body[start : m.start()]
        if (
            not before
            or before.lower() in _ABBREVIATIONS
            or len(before) == 1
            or before.isdigit()
            or "." in before
            or before.isupper()
        ):
            continue
        spans.append((start, m.end()))
    for m in _STRAY_DASH.finditer(body):
        spans.append((_word_before(body, m.start()), m.end()))
    for m in _DOUBLED.finditer(body):
        spans.append((_word_before(body, m.start()), m.end()))
    return [
        QualityFlag("garbled_punctuation", body[s:e], s, e, detail="sentence break out of place")
        for s, e in _merge(spans, body)
    ]


def _merge(spans: list[tuple[int, int]], body: str) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 2 and "\n" not in body[merged[-1][1] : start]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_MOJIBAKE = re.compile("(?:â€[\u0080-\u00bf™œ˜”“]|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf])+")


def encoding(body: str) -> list[QualityFlag]:
    """Mojibake: UTF-8 read as Latin-1 or Windows-1252."""
    return [
        QualityFlag("encoding", m.group(0), m.start(), m.end(), detail="mis-decoded characters")
        for m in _MOJIBAKE.finditer(body)
    ]


def quality_flags(body: str) -> list[QualityFlag]:
    """Every text-quality flag of ``body``, sorted by position."""
    words = _ALPHA_RUN.findall(body)
    flags = (
        fused_words(body, words=words)
        + apostrophes(body, set(words))
        + garbled_punctuation(body)
        + encoding(body)
    )
    return sorted(flags, key=lambda f: (f.start, f.end, f.kind))
