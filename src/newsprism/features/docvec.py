"""Cheap per-article features for near-duplicate detection and story clustering.

One :class:`DocFeatures` per article, computed from the article alone (no corpus-wide fit), so
it can be stored as a BLOB and never goes stale:

* ``words`` / ``word_tf``: hashed content words (stop words dropped) with sublinear term
  frequency ``1 + ln(tf)``; the clusterer weighs them by IDF from its own running
  document-frequency table, so adding articles never needs a refit.
* ``ents`` / ``ent_tf``: hashed entity features: entity keys from the analyze stage when given
  (``person:jane doe``), else a cheap proxy (runs of capitalised words), plus the single words of
  each name and every number (``n:2013``, ``n:6.1``), which tell apart two events of one kind.
* ``minhash``: MinHash signature of word 4-grams (:mod:`newsprism.features.minhash`).

Feature ids are crc32 hashes (stable across processes); entity ids have the top bit set.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import struct
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from newsprism.features import minhash as mh
from newsprism.models import Article

log = logging.getLogger(__name__)

#: Registry-style name of this feature recipe; stored with the features.
DOCVEC_NAME = "docvec.hash.v1"
#: Entity keys kept per article (by count); the rest only feed ``ents``.
MAX_ENTITY_KEYS = 64
_ENT_BIT = 0x80000000

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?|\d+(?:[.,:]\d+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_CAPS = re.compile(
    r"(?:[A-Z][\w'’\-]*\w|[A-Z])(?:\s+(?:(?:of|the|de|van|von|al|bin|la)\s+)?(?:[A-Z][\w'’\-]*\w))*"
)

# A compact English stop-word list (function words only; content words carry topic and event).
_STOP_TEXT = """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in into is
    it its itself just let me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own said same says she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up upon us very
    was we were what when where which while who whom why will with would you your yours yourself
    yourselves s t don didn doesn isn wasn weren won wouldn couldn shouldn hasn haven hadn also
    mr mrs ms one two new told say according"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(slots=True)
class DocFeatures:
    """What clustering needs to know about one article."""

    article_id: str
    published: dt.date | None
    words: npt.NDArray[np.uint32]
    """Sorted hashed ids of content words."""
    word_tf: npt.NDArray[np.float32]
    ents: npt.NDArray[np.uint32]
    """Sorted hashed ids of entity features (top bit set)."""
    ent_tf: npt.NDArray[np.float32]
    minhash: mh.Signature
    n_tokens: int
    """Content words in the article (stop words excluded)."""
    entities: frozenset[str] = frozenset()
    """Entity keys (up to ``MAX_ENTITY_KEYS``), for display and overlap checks."""
    outlet: str | None = None

    @property
    def vector(self) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.float32]]:
        """An unweighted L2-normalised sparse vector (ids, values) over words and entities."""
        ids = np.concatenate([self.words, self.ents])
        vals = np.concatenate([self.word_tf, self.ent_tf])
        norm = float(np.linalg.norm(vals))
        return ids, (vals / norm if norm else vals).astype(np.float32)


@lru_cache(maxsize=1 << 19)
def _hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & 0x7FFFFFFF


def content_tokens(text: str) -> list[str]:
    """Lower-cased words and numbers of ``text`` minus stop words."""
    stop = STOP_WORDS
    return [
        t
        for t in _TOKEN.findall(text.lower().replace("’", "'"))
        if (len(t) > 1 and t not in stop) or t.isdigit()
    ]


def entity_proxy(text: str) -> Counter[str]:
    """Entity-like features without a model: capitalised word runs, their words, numbers."""
    found: Counter[str] = Counter()
    for m in _CAPS.finditer(text):
        toks = [t for t in m.group(0).split()]
        while toks and toks[0].lower() in STOP_WORDS:
            toks = toks[1:]
        if not toks:
            continue
        found["c:" + " ".join(toks).lower()] += 1
        if len(toks) > 1:
            for t in toks:
                if t.lower() not in STOP_WORDS and len(t) > 2:
                    found["w:" + t.lower()] += 1
    return found


def _numbers(text: str) -> Counter[str]:
    return Counter("n:" + m.group(0).replace(",", "") for m in _NUMBER.finditer(text))


def _given_entities(keys: Iterable[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for key in keys:
        key = key.strip().lower()
        if not key:
            continue
        found["k:" + key] += 1
        name = key.split(":", 1)[-1]
        for t in name.split():
            if t not in STOP_WORDS and len(t) > 2:
                found["w:" + t] += 1
    return found


def _hashed(
    counts: Mapping[str, int], bit: int
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.float32]]:
    acc: dict[int, float] = {}
    log, hsh = math.log, _hash
    for key, tf in counts.items():
        if tf > 0:
            h = hsh(key) | bit
            acc[h] = acc.get(h, 0.0) + 1.0 + log(tf)
    ids = np.fromiter(acc.keys(), dtype=np.uint32, count=len(acc))
    vals = np.fromiter(acc.values(), dtype=np.float32, count=len(acc))
    order = np.argsort(ids)
    return ids[order], vals[order]


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def features_of(
    article_id: str,
    text: str,
    published: dt.date | str | None = None,
    entities: Iterable[str] | None = None,
    outlet: str | None = None,
) -> DocFeatures:
    """Features of one text (title and body joined)."""
    day = published if isinstance(published, dt.date) else _parse_date(published)
    tokens = content_tokens(text)
    words, word_tf = _hashed(Counter(tokens), 0)
    ent_counts = _given_entities(entities) if entities is not None else entity_proxy(text)
    keys = frozenset(k for k, _ in ent_counts.most_common(MAX_ENTITY_KEYS) if k[:2] in ("c:", "k:"))
    ent_counts.update(_numbers(text))
    ents, ent_tf = _hashed(ent_counts, _ENT_BIT)
    sig = mh.signature(text)
    names = frozenset(k[2:] for k in keys)
    return DocFeatures(
        article_id, day, words, word_tf, ents, ent_tf, sig, len(tokens), names, outlet
    )


def article_text(article: Article) -> str:
    """The text features are computed from: the title (when not already the body's start) and
    the body."""
    title = (article.title or "").strip()
    if title and not article.body.lstrip().startswith(title):
        return f"{title}\n\n{article.body}"
    return article.body


def compute_features(
    articles: Sequence[Article], entities: Mapping[str, Iterable[str]] | None = None
) -> list[DocFeatures]:
    """Features of each article, in order. ``entities`` maps article id → entity keys from the
    analyze stage (``person:jane doe``); articles without an entry use the capitalisation proxy."""
    out = []
    for art in articles:
        keys = entities.get(art.id) if entities is not None else None
        out.append(features_of(art.id, article_text(art), art.published, keys, art.outlet))
    return out


# --------------------------------------------------------------------------- serialisation

_MAGIC = b"NPF1"
_HEAD = struct.Struct("<4sIiIIII")


def _text_blob(value: str) -> bytes:
    raw = value.encode("utf-8")
    return struct.pack("<I", len(raw)) + raw


def features_to_bytes(f: DocFeatures) -> bytes:
    """A compact, versioned binary form of ``f`` (for one BLOB per article)."""
    day = f.published.toordinal() if f.published else -1
    head = _HEAD.pack(_MAGIC, len(f.words), day, len(f.ents), len(f.minhash), f.n_tokens, 0)
    parts = [
        head,
        _text_blob(f.article_id),
        _text_blob(f.outlet or ""),
        _text_blob("\x1f".join(sorted(f.entities))),
        f.words.astype("<u4").tobytes(),
        f.word_tf.astype("<f4").tobytes(),
        f.ents.astype("<u4").tobytes(),
        f.ent_tf.astype("<f4").tobytes(),
        f.minhash.astype("<u4").tobytes(),
    ]
    return b"".join(parts)


def features_from_bytes(b: bytes) -> DocFeatures:
    """Inverse of :func:`features_to_bytes`; raises ``ValueError`` on a damaged blob."""
    try:
        magic, nw, day, ne, nm, ntok, _ = _HEAD.unpack_from(b, 0)
        if magic != _MAGIC:
            raise ValueError(f"unknown feature format {magic!r}")
        pos = _HEAD.size
        texts = []
        for _ in range(3):
            (n,) = struct.unpack_from("<I", b, pos)
            texts.append(b[pos + 4 : pos + 4 + n].decode("utf-8"))
            pos += 4 + n

        def take(dtype: str, count: int) -> npt.NDArray[np.generic]:
            nonlocal pos
            arr = np.frombuffer(b, dtype=dtype, count=count, offset=pos).copy()
            pos += arr.nbytes
            return arr

        words = take("<u4", nw).astype(np.uint32)
        word_tf = take("<f4", nw).astype(np.float32)
        ents = take("<u4", ne).astype(np.uint32)
        ent_tf = take("<f4", ne).astype(np.float32)
        sig = take("<u4", nm).astype(np.uint32)
        if pos != len(b):
            raise ValueError(f"{len(b) - pos} trailing bytes")
    except (struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged feature blob: {exc}") from exc
    published = dt.date.fromordinal(day) if day > 0 else None
    entities = frozenset(t for t in texts[2].split("\x1f") if t)
    return DocFeatures(
        texts[0], published, words, word_tf, ents, ent_tf, sig, ntok, entities, texts[1] or None
    )
