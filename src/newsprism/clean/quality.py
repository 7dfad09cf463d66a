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
from collections.abc import Collection
from typing import Any

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

# Every byte that is not an ASCII letter (UTF-8 continuation and lead bytes included) → space.
_NOT_LETTER = bytes(c if (65 <= c <= 90 or 97 <= c <= 122) else 32 for c in range(256))


def alpha_runs(body: str) -> list[str]:
    """The runs of ASCII letters in ``body``, in order (``re.findall("[A-Za-z]+", body)``,
    computed on the UTF-8 bytes, where no letter byte is part of another character)."""
    return body.encode("utf-8", "surrogatepass").translate(_NOT_LETTER).decode("ascii").split()


# Characters around a token that make it part of a URL, an address, a handle or a file name.
_URL_BEFORE = re.compile(r"[\w@/#.\\=&-]$")
_URL_AFTER = re.compile(r"(?:['’]s)?(?:[\w@/#\\=&-]|\.[A-Za-z0-9])")
# Content words ending like this are rarely the first part of an English compound.
_NON_HEAD = re.compile(r"(?:ity|ly|tion|sion|ness|ment|ence|ance|ous|ive|ful|less|ism|ed|ies)$")
_MAX_RANK_CONTENT = 20_000


def fused_words(
    body: str, lists: WordLists | None = None, words: Collection[str] | None = None
) -> list[QualityFlag]:
    """Tokens that look like two words with the space between them lost.

    ``words``: the alphabetic runs of ``body`` when the caller has them already."""
    lists = lists or word_lists()
    distinct = set(words if words is not None else alpha_runs(body))
    return _fused_words(body, lists, distinct, distinct.difference(lists.known))


def _fused_words(
    body: str, lists: WordLists, distinct: set[str], unknown: set[str]
) -> list[QualityFlag]:
    """``fused_words`` given the distinct words and those not in ``lists.known`` (``unknown``:
    the word lists are lower case, so a token in them is known and cannot be flagged)."""
    if not lists.known:
        return []
    lowered = set(map(str.lower, unknown)).difference(lists.known)
    if not lowered:
        return []
    memo = _memo(lists)
    flags: list[QualityFlag] = []
    for core in unknown:
        if len(core) < 5 or not core[1:].islower():
            continue
        low = core.lower()
        if low not in lowered:
            continue
        if core[0].isupper():
            known = memo.known.get(low)
            if known is None:
                known = memo.known[low] = is_known(low, lists)
            # A capitalised split depends on the other words of this text: not memoised.
            split = None if known else _best_split(core, lists, distinct)
        else:
            split = memo.split.get(core, _UNSEEN)
            if split is _UNSEEN:
                split = None if is_known(low, lists) else _best_split(core, lists, distinct)
                memo.split[core] = split
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


_UNSEEN: Any = object()
_MEMO_MAX = 100_000


class _Memo:
    """Word checks already made against one word list (news vocabulary repeats from article to
    article): ``is_known`` of lower-case words, and the split verdict of lower-case tokens."""

    def __init__(self, lists: WordLists) -> None:
        self.lists = lists
        self.known: dict[str, bool] = {}
        self.split: dict[str, tuple[str, str] | None] = {}

    def size(self) -> int:
        return len(self.known) + len(self.split)


_memos: list[_Memo] = []


def _memo(lists: WordLists) -> _Memo:
    if not _memos or _memos[0].lists is not lists or _memos[0].size() > _MEMO_MAX:
        _memos[:] = [_Memo(lists)]
    return _memos[0]


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
    words = words if words is not None else set(alpha_runs(body))
    return _apostrophes(body, words, not _NONWORD_KEYS.isdisjoint(map(str.lower, words)))


def _apostrophes(body: str, words: set[str], nonword_key: bool) -> list[QualityFlag]:
    """``apostrophes``, told whether one of ``words`` in lower case is a contraction without
    its apostrophe (``nonword_key``)."""
    flags: list[QualityFlag] = []
    if not nonword_key:
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
# The punctuation comes first and the word character before it is a look-behind after it, so
# that the regex engine can skip ahead to candidate punctuation instead of trying every place.
_STRAY_DASH = re.compile(r"\.(?<=\w\.)[ \t]+[-–—]+[ \t]+[a-z][\w'’-]*")
_DOUBLED = re.compile(r"[.!?,;:](?<=\w[.!?,;:])(?:[ \t]+[.,;:!?](?![.\w])|(?<=,)[ \t]*,)")
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
    if "â" not in body and "Ã" not in body and "Â" not in body:
        return []  # every pattern starts with one of these
    return [
        QualityFlag("encoding", m.group(0), m.start(), m.end(), detail="mis-decoded characters")
        for m in _MOJIBAKE.finditer(body)
    ]


def quality_flags(body: str) -> list[QualityFlag]:
    """Every text-quality flag of ``body``, sorted by position."""
    lists = word_lists()
    words = set(alpha_runs(body))
    # The word lists are lower case: every word with a capital letter is among ``unknown``.
    unknown = words.difference(lists.known)
    nonword_key = not (
        _NONWORD_KEYS.isdisjoint(words) and _NONWORD_KEYS.isdisjoint(map(str.lower, unknown))
    )
    flags = (
        _fused_words(body, lists, words, unknown)
        + _apostrophes(body, words, nonword_key)
        + garbled_punctuation(body)
        + encoding(body)
    )
    return sorted(flags, key=lambda f: (f.start, f.end, f.kind))
