"""Stored sentence vectors: the encoder's vectors of an article's alignment units, computed once
(at ingest, for the articles of stories that have two or more) and reused by every later
comparison of a story, in any process.

Encoding the units is most of a comparison's cost (about 60% on two short articles), and it
depends on the unit's text only, so the vectors are a cache that cannot go stale: each is keyed
by a digest of the exact text the encoder read (:func:`text_key`). A comparison looks a unit up
by its text and encodes only what it does not find, so a story that gained one article encodes
that article's units alone, and a unit whose text the story changed (compound splitting reads
the whole story's words, see :func:`newsprism.compare.align.embedding_texts`) is encoded again.

The stored form (one BLOB per article, with the encoder's name beside it) is
``b"NPUV1" | count (uint32, little-endian) | count × 16-byte keys | count × 384 float32``.
A BLOB that does not parse, or that another encoder made, is ignored (and reported in the log):
the comparison then encodes, as if nothing were stored.
"""

from __future__ import annotations

import hashlib
import logging
import struct
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from newsprism.models import Article, ArticleAnalysis

log = logging.getLogger(__name__)

#: Length of a vector (MiniLM).
DIMENSIONS = 384
_MAGIC = b"NPUV1"
_KEY_BYTES = 16
_HEAD = struct.Struct("<5sI")


def text_key(text: str) -> bytes:
    """The digest a unit's vector is stored under."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY_BYTES).digest()


def vectors_name() -> str:
    """The name stored with the vectors: the sentence encoder's registry name."""
    from newsprism.features.embed import ENCODER_NAME

    return ENCODER_NAME


def pack(texts: Sequence[str], vectors: np.ndarray) -> bytes:
    """One article's unit vectors as a BLOB (``vectors[i]`` is the vector of ``texts[i]``)."""
    if vectors.shape != (len(texts), DIMENSIONS):
        raise ValueError(f"expected {len(texts)} x {DIMENSIONS} vectors, got {vectors.shape}")
    keys = b"".join(text_key(t) for t in texts)
    body = np.ascontiguousarray(vectors, dtype="<f4").tobytes()
    return _HEAD.pack(_MAGIC, len(texts)) + keys + body


def unpack(blob: bytes) -> dict[bytes, np.ndarray]:
    """The vectors of a BLOB made by :func:`pack`, by text key; ``ValueError`` if malformed."""
    if len(blob) < _HEAD.size:
        raise ValueError("truncated header")
    magic, count = _HEAD.unpack_from(blob)
    if magic != _MAGIC:
        raise ValueError("not a unit-vector record")
    keys_end = _HEAD.size + count * _KEY_BYTES
    if len(blob) != keys_end + count * DIMENSIONS * 4:
        raise ValueError(f"{len(blob)} bytes for {count} vectors")
    matrix = np.frombuffer(blob, dtype="<f4", offset=keys_end).reshape(count, DIMENSIONS)
    matrix = matrix.astype(np.float32)  # a writable, native-order copy
    return {
        blob[_HEAD.size + i * _KEY_BYTES : _HEAD.size + (i + 1) * _KEY_BYTES]: matrix[i]
        for i in range(count)
    }


class ArticleVectors(NamedTuple):
    """One article's unit vectors, as the store writes them (``write_batch(vectors=…)``)."""

    article_id: str
    name: str
    data: bytes


def article_vectors(
    articles: Sequence[Article], analyses: Sequence[ArticleAnalysis]
) -> list[ArticleVectors]:
    """Encode the alignment units of each article (as a comparison would, the article alone)
    and pack them, one record per article. Each article is encoded on its own, its texts in
    sorted order, so its record is the same bytes whatever else is encoded with it. Raises
    ``NewsprismError`` when the encoder cannot load."""
    from newsprism.compare.align import embedding_texts
    from newsprism.compare.story import encodable, nlp_or_none
    from newsprism.compare.units import build_units
    from newsprism.features.embed import get_encoder

    if len(articles) != len(analyses):
        raise ValueError(f"{len(articles)} articles but {len(analyses)} analyses")
    nlp = nlp_or_none() if articles else None
    name = vectors_name()
    out: list[ArticleVectors] = []
    for article, analysis in zip(articles, analyses, strict=True):
        units = build_units([article], [analysis], nlp)
        prepared = embedding_texts(units)
        texts = sorted({prepared[i] for i in encodable(units)})
        matrix = get_encoder().encode(texts) if texts else np.zeros((0, DIMENSIONS), np.float32)
        out.append(ArticleVectors(article.id, name, pack(texts, matrix)))
    return out


def read_vectors(records: Mapping[str, tuple[str, bytes]]) -> dict[bytes, np.ndarray]:
    """The stored vectors of several articles (article id → ``(name, BLOB)``), merged; records
    of another encoder, or that do not parse, are left out (and logged)."""
    name = vectors_name()
    out: dict[bytes, np.ndarray] = {}
    for article_id, (made_by, blob) in records.items():
        if made_by != name:
            log.info("%s: stored vectors of %s, not %s: not used", article_id, made_by, name)
            continue
        try:
            out.update(unpack(blob))
        except ValueError as exc:
            log.warning("%s: stored unit vectors unreadable (%s): not used", article_id, exc)
    return out
