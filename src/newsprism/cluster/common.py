"""Small helpers shared by the online and batch clusterers."""

from __future__ import annotations

import numpy as np

from newsprism.cluster.neighbors import UNDATED
from newsprism.features.docvec import DocFeatures

_EMPTY_SIG = 0xFFFFFFFF


def story_id_for(article_id: str) -> str:
    """The id of a story opened by ``article_id``."""
    return f"s-{article_id}"


def day_of(f: DocFeatures) -> int:
    """Publication day as an ordinal, or ``UNDATED``."""
    return f.published.toordinal() if f.published else UNDATED


def has_text(f: DocFeatures) -> bool:
    """False when the signature is empty (no words): such an article is nobody's copy."""
    return len(f.minhash) > 0 and not bool(np.all(f.minhash == _EMPTY_SIG))
