"""TF-IDF weighting of hashed features with a running document-frequency table.

The table counts one document per *origin* (copies of one report count once). Weighted vectors
are L2-normalised separately for words and for entity features; the similarity of two articles
is the geometric mean of the two cosines (an event needs both the same topic words and the same
names and numbers), or ``entity_weight_when_missing`` × the word cosine when either article has
no entity features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newsprism.features.docvec import DocFeatures

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]


@dataclass(slots=True)
class Weighted:
    """One article's weighted vectors in the compact column space of a :class:`VectorSpace`."""

    wcols: I32
    wvals: F32
    ecols: I32
    evals: F32


class _Vocab:
    """hashed feature id → compact column, with document frequencies."""

    def __init__(self) -> None:
        self.col: dict[int, int] = {}
        self.df = np.zeros(1024, dtype=np.int32)

    def __len__(self) -> int:
        return len(self.col)

    def cols(self, ids: npt.NDArray[np.uint32], grow: bool) -> I32:
        col = self.col
        if grow:
            for h in ids.tolist():
                if h not in col:
                    col[h] = len(col)
            if len(col) > len(self.df):
                self.df = np.concatenate([self.df, np.zeros(len(self.df) * 2, dtype=np.int32)])
        return np.fromiter((col.get(h, -1) for h in ids.tolist()), dtype=np.int32, count=len(ids))

    def observe(self, cols: I32, sign: int = 1) -> None:
        self.df[cols[cols >= 0]] += sign


class VectorSpace:
    """Running IDF over origins and the weighting of :class:`DocFeatures`."""

    def __init__(self, max_words: int = 150, max_entities: int = 80) -> None:
        self.words = _Vocab()
        self.ents = _Vocab()
        self.n_docs = 0
        self.max_words = max_words
        self.max_entities = max_entities

    def observe(self, f: DocFeatures) -> None:
        """Count ``f`` in the document frequencies (call once per origin)."""
        self.words.observe(self.words.cols(f.words, grow=True))
        self.ents.observe(self.ents.cols(f.ents, grow=True))
        self.n_docs += 1

    def _idf(self, vocab: _Vocab, cols: I32) -> F32:
        df = vocab.df[np.maximum(cols, 0)].astype(np.float32)
        df[cols < 0] = 0.0
        n = float(self.n_docs)
        idf: F32 = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        return idf

    def _side(
        self, vocab: _Vocab, ids: npt.NDArray[np.uint32], tf: F32, top: int
    ) -> tuple[I32, F32]:
        cols = vocab.cols(ids, grow=False)
        vals = tf * self._idf(vocab, cols)
        keep = cols >= 0
        cols, vals = cols[keep], vals[keep]
        if len(vals) > top:
            sel = np.argpartition(-vals, top - 1)[:top]
            cols, vals = cols[sel], vals[sel]
        norm = float(np.linalg.norm(vals))
        if norm > 0:
            vals = vals / norm
        order = np.argsort(cols)
        return cols[order].astype(np.int32), vals[order].astype(np.float32)

    def weigh(self, f: DocFeatures) -> Weighted:
        """``f`` weighted by the current IDF (features never observed are dropped)."""
        wc, wv = self._side(self.words, f.words, f.word_tf, self.max_words)
        ec, ev = self._side(self.ents, f.ents, f.ent_tf, self.max_entities)
        return Weighted(wc, wv, ec, ev)


def combine(
    sw: F32, se: F32, has_e_query: bool, has_e: npt.NDArray[np.bool_], missing: float
) -> F32:
    """Article similarity from word cosines ``sw`` and entity cosines ``se``."""
    geo = np.sqrt(np.clip(sw, 0.0, None) * np.clip(se, 0.0, None))
    if not has_e_query:
        return (missing * sw).astype(np.float32)
    return np.where(has_e, geo, missing * sw).astype(np.float32)


def _weigh_side(
    ids: list[npt.NDArray[np.uint32]],
    tfs: list[F32],
    top: int,
    df_table: tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], int] | None = None,
) -> list[tuple[I32, F32]]:
    n = len(ids)
    lens = np.fromiter((len(x) for x in ids), dtype=np.int64, count=n)
    if lens.sum() == 0:
        return [(np.zeros(0, np.int32), np.zeros(0, np.float32)) for _ in ids]
    uniq, inv = np.unique(np.concatenate(ids), return_inverse=True)
    if df_table is None:
        df = np.bincount(inv, minlength=len(uniq)).astype(np.float32)
    else:  # document frequencies of a larger collection (of ``n`` documents)
        keys, counts, n = df_table
        at = np.minimum(np.searchsorted(keys, uniq), max(len(keys) - 1, 0))
        found = keys[at] == uniq if len(keys) else np.zeros(len(uniq), dtype=bool)
        df = np.where(found, counts[at] if len(keys) else 0, 0).astype(np.float32)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    vals = np.concatenate(tfs).astype(np.float32) * idf[inv]
    cols = inv.astype(np.int32)
    out = []
    ends = np.cumsum(lens)
    for end, ln in zip(ends.tolist(), lens.tolist(), strict=True):
        c, v = cols[end - ln : end], vals[end - ln : end]
        if ln > top:
            sel = np.sort(np.argpartition(-v, top - 1)[:top])
            c, v = c[sel], v[sel]
        norm = float(np.sqrt(np.dot(v, v)))
        out.append((c, v / norm if norm > 0 else v))
    return out


DocFrequencies = tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], int]
"""Sorted feature ids, the number of documents holding each, and the number of documents."""


def weigh_all(
    feats: list[DocFeatures],
    max_words: int,
    max_entities: int,
    df: tuple[DocFrequencies, DocFrequencies] | None = None,
) -> list[Weighted]:
    """TF-IDF vectors of a whole collection at once (IDF from the collection itself); the same
    weights a :class:`VectorSpace` that observed every item would give, computed vectorised.

    ``df`` (words, entities): document frequencies of a larger collection that ``feats`` is a
    part of (a time block of it). The weights are then that collection's, and the columns,
    numbered within ``feats``, keep the order of the feature ids, so similarities computed
    over a block are the same floats as over the whole collection."""
    dw, de = df if df is not None else (None, None)
    words = _weigh_side([f.words for f in feats], [f.word_tf for f in feats], max_words, dw)
    ents = _weigh_side([f.ents for f in feats], [f.ent_tf for f in feats], max_entities, de)
    return [Weighted(wc, wv, ec, ev) for (wc, wv), (ec, ev) in zip(words, ents, strict=True)]
