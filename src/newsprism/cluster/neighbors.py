"""Nearest-neighbour search over weighted article vectors, blocked by publication time.

Articles live in time buckets of ``window_days`` (undated ones in a bucket of their own), so a
dated query only touches three buckets plus the undated one; an undated query touches all.
Inside a bucket, similarities come from posting lists (the transposed sparse matrix), so the
cost of a query is the length of the posting lists of its own terms, not the bucket size.

* :class:`NeighborIndex`: incremental, for online clustering (append, query one article).
* :func:`knn_edges`: all k-nearest-neighbour edges of a collection at once (batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from newsprism.cluster.space import F32, I32, Weighted, combine

if TYPE_CHECKING:  # imported where used: a one-shot compare of two files needs no scipy
    from scipy import sparse

UNDATED = -1
_NO_BUCKET = -(1 << 62)


def _bucket(day: int, width: int) -> int:
    return _NO_BUCKET if day == UNDATED else day // width


def _csr(rows: Sequence[tuple[I32, F32]], ncols: int) -> sparse.csr_matrix:
    from scipy import sparse

    lens = np.fromiter((len(c) for c, _ in rows), dtype=np.int64, count=len(rows))
    indptr = np.concatenate([[0], np.cumsum(lens)])
    cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int32)
    vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
    return sparse.csr_matrix((vals, cols, indptr), shape=(len(rows), ncols))


@dataclass(slots=True)
class _Side:
    """Posting lists of one feature family (words or entities) for one bucket."""

    indptr: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))
    indices: I32 = field(default_factory=lambda: np.zeros(0, np.int32))
    data: F32 = field(default_factory=lambda: np.zeros(0, np.float32))

    def build(self, rows: Sequence[tuple[I32, F32]]) -> None:
        ncols = max((int(c.max()) + 1 for c, _ in rows if len(c)), default=0)
        t = _csr(rows, ncols).T.tocsr()
        self.indptr = t.indptr.astype(np.int64)
        self.indices = t.indices.astype(np.int32)
        self.data = t.data.astype(np.float32)

    def scores(self, cols: I32, vals: F32, n: int) -> F32:
        nterms = len(self.indptr) - 1
        keep = cols < nterms
        cols, vals = cols[keep], vals[keep]
        starts = self.indptr[cols]
        lens = self.indptr[cols + 1] - starts
        total = int(lens.sum())
        if total == 0:
            return np.zeros(n, np.float32)
        offs = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(total)
        w = self.data[offs] * np.repeat(vals, lens)
        return np.bincount(self.indices[offs], weights=w, minlength=n).astype(np.float32)


class _Bucket:
    def __init__(self) -> None:
        self.nodes: list[int] = []
        self.days: list[int] = []
        self.vecs: list[Weighted] = []
        self.built = 0
        self.words = _Side()
        self.ents = _Side()
        self._tail: (
            tuple[I32, F32, I32, F32, npt.NDArray[np.int64], npt.NDArray[np.int64]] | None
        ) = None

    def add(self, node: int, day: int, vec: Weighted) -> None:
        self.nodes.append(node)
        self.days.append(day)
        self.vecs.append(vec)
        self._tail = None
        if len(self.nodes) - self.built > max(64, self.built // 2):
            self.rebuild()

    def rebuild(self) -> None:
        self.words.build([(v.wcols, v.wvals) for v in self.vecs])
        self.ents.build([(v.ecols, v.evals) for v in self.vecs])
        self.built = len(self.nodes)
        self._tail = None

    def _tail_arrays(
        self,
    ) -> tuple[I32, F32, I32, F32, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        if self._tail is None:
            vecs = self.vecs[self.built :]
            wl = np.fromiter((len(v.wcols) for v in vecs), np.int64, len(vecs))
            el = np.fromiter((len(v.ecols) for v in vecs), np.int64, len(vecs))
            self._tail = (
                np.concatenate([v.wcols for v in vecs]),
                np.concatenate([v.wvals for v in vecs]),
                np.concatenate([v.ecols for v in vecs]),
                np.concatenate([v.evals for v in vecs]),
                np.repeat(np.arange(len(vecs)), wl),
                np.repeat(np.arange(len(vecs)), el),
            )
        return self._tail

    def scores(self, q: Weighted, qw: F32, qe: F32) -> tuple[F32, F32]:
        """Word and entity cosines of ``q`` with every article in the bucket.

        ``qw`` / ``qe`` are dense scratch copies of the query (zero elsewhere)."""
        n = len(self.nodes)
        sw = np.zeros(n, np.float32)
        se = np.zeros(n, np.float32)
        if self.built:
            sw[: self.built] = self.words.scores(q.wcols, q.wvals, self.built)
            se[: self.built] = self.ents.scores(q.ecols, q.evals, self.built)
        if n > self.built:
            wc, wv, ec, ev, wrow, erow = self._tail_arrays()
            tail = n - self.built
            sw[self.built :] = np.bincount(wrow, weights=_pick(qw, wc) * wv, minlength=tail)
            se[self.built :] = np.bincount(erow, weights=_pick(qe, ec) * ev, minlength=tail)
        return sw, se


def _pick(dense: F32, cols: I32) -> F32:
    out = np.zeros(len(cols), np.float32)
    ok = cols < len(dense)
    out[ok] = dense[cols[ok]]
    return out


class NeighborIndex:
    """Incremental time-bucketed index of article vectors (node ids are caller's ints)."""

    def __init__(self, window_days: int, missing: float = 0.5) -> None:
        self.window = window_days
        self.width = max(window_days, 1)
        self.missing = missing
        self.buckets: dict[int, _Bucket] = {}
        self.has_e: dict[int, bool] = {}
        self._qw = np.zeros(0, np.float32)
        self._qe = np.zeros(0, np.float32)

    def __len__(self) -> int:
        return len(self.has_e)

    def add(self, node: int, day: int, vec: Weighted) -> None:
        self.buckets.setdefault(_bucket(day, self.width), _Bucket()).add(node, day, vec)
        self.has_e[node] = len(vec.ecols) > 0

    def rebuild(self, vectors: dict[int, Weighted]) -> None:
        """Replace every stored vector (after an IDF refresh)."""
        for b in self.buckets.values():
            b.vecs = [vectors[n] for n in b.nodes]
            b.rebuild()

    def _scratch(self, q: Weighted) -> tuple[F32, F32]:
        need_w = int(q.wcols.max()) + 1 if len(q.wcols) else 0
        need_e = int(q.ecols.max()) + 1 if len(q.ecols) else 0
        if need_w > len(self._qw):
            self._qw = np.zeros(max(need_w, 2 * len(self._qw)), np.float32)
        if need_e > len(self._qe):
            self._qe = np.zeros(max(need_e, 2 * len(self._qe)), np.float32)
        self._qw[q.wcols] = q.wvals
        self._qe[q.ecols] = q.evals
        return self._qw, self._qe

    def query(self, q: Weighted, day: int, floor: float) -> tuple[npt.NDArray[np.int64], F32]:
        """Nodes whose similarity with ``q`` is ≥ ``floor`` and whose date is compatible."""
        if day == UNDATED:
            keys = list(self.buckets)
        else:
            lo, hi = (day - self.window) // self.width, (day + self.window) // self.width
            keys = [k for k in range(lo, hi + 1) if k in self.buckets] + (
                [_NO_BUCKET] if _NO_BUCKET in self.buckets else []
            )
        qw, qe = self._scratch(q)
        has_eq = len(q.ecols) > 0
        nodes: list[npt.NDArray[np.int64]] = []
        sims: list[F32] = []
        try:
            for key in keys:
                b = self.buckets[key]
                sw, se = b.scores(q, qw, qe)
                node_arr = np.asarray(b.nodes, dtype=np.int64)
                has_e = np.fromiter((self.has_e[n] for n in b.nodes), bool, len(b.nodes))
                s = combine(sw, se, has_eq, has_e, self.missing)
                ok = s >= floor
                if day != UNDATED and key != _NO_BUCKET:
                    days = np.asarray(b.days, dtype=np.int64)
                    ok &= np.abs(days - day) <= self.window
                nodes.append(node_arr[ok])
                sims.append(s[ok])
        finally:
            qw[q.wcols] = 0.0
            qe[q.ecols] = 0.0
        if not nodes:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        return np.concatenate(nodes), np.concatenate(sims)


def _pruned(rows: Sequence[tuple[I32, F32]], top: int) -> list[tuple[I32, F32]]:
    out = []
    for c, v in rows:
        if len(v) > top:
            sel = np.sort(np.argpartition(-v, top - 1)[:top])
            c, v = c[sel], v[sel]
        out.append((c, v))
    return out


def _exact(W: sparse.csr_matrix, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> F32:
    return np.asarray(W[a].multiply(W[b]).sum(axis=1)).ravel().astype(np.float32)


def _best_per_query(
    qi: npt.NDArray[np.int64], ci: npt.NDArray[np.int64], s: F32, k: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], F32]:
    """The ``k`` most similar pairs of each query (ties: lower neighbour first), sorted."""
    if len(qi) == 0:
        return qi, ci, s
    # one float key: query major, similarity descending (s < 4), neighbour order kept stable
    pre = np.argsort(ci, kind="stable")
    key = qi[pre].astype(np.float64) * 4.0 - s[pre].astype(np.float64)
    order = pre[np.argsort(key, kind="stable")]
    qi, ci, s = qi[order], ci[order], s[order]
    rank = np.arange(len(qi)) - np.searchsorted(qi, qi, side="left")
    top = rank < k
    return qi[top], ci[top], s[top]


def knn_edges(
    vecs: Sequence[Weighted],
    days: npt.NDArray[np.int64],
    targets: npt.NDArray[np.bool_],
    k: int,
    floor: float,
    window_days: int,
    missing: float = 0.5,
    chunk: int = 256,
    query_terms: tuple[int, int] = (40, 30),
    queries: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], F32]:
    """Each article's ``k`` most similar *target* articles (date-compatible, sim ≥ floor).

    Candidates are found with each query cut to its ``query_terms`` (words, entities)
    highest-weighted features, which skips the long posting lists of common words; the
    similarities of the 2k best candidates are then computed exactly. Returns parallel arrays
    (query, neighbour, similarity), self-pairs excluded. ``queries`` (default: every article)
    limits the articles whose neighbours are searched; each query's result does not depend on
    the other queries, so a time block with its neighbouring days as targets gives exactly the
    edges of the whole collection for its own articles."""
    nw = max((int(v.wcols.max()) + 1 for v in vecs if len(v.wcols)), default=0)
    ne = max((int(v.ecols.max()) + 1 for v in vecs if len(v.ecols)), default=0)
    wrows = [(v.wcols, v.wvals) for v in vecs]
    erows = [(v.ecols, v.evals) for v in vecs]
    from scipy import sparse

    W, E = _csr(wrows, nw), _csr(erows, ne)
    # candidates: one product over words and entities side by side (cosine sum, an upper
    # bound of twice the geometric mean), with the queries cut to their top features
    X = sparse.hstack([W, E], format="csr")
    Xq = sparse.hstack(
        [_csr(_pruned(wrows, query_terms[0]), nw), _csr(_pruned(erows, query_terms[1]), ne)],
        format="csr",
    )
    has_e = np.diff(E.indptr) > 0
    width = max(window_days, 1)
    keys = np.where(days == UNDATED, _NO_BUCKET, days // width)
    out_q: list[npt.NDArray[np.int64]] = []
    out_n: list[npt.NDArray[np.int64]] = []
    out_s: list[F32] = []
    tgt_all = np.flatnonzero(targets)
    undated_tgt = tgt_all[keys[tgt_all] == _NO_BUCKET]
    span = window_days // width + 1
    asked = np.ones(len(vecs), dtype=bool) if queries is None else queries
    for key in np.unique(keys[asked]):
        rows_all = np.flatnonzero((keys == key) & asked)
        if key == _NO_BUCKET:
            cand = tgt_all
        else:
            near = (keys[tgt_all] >= key - span) & (keys[tgt_all] <= key + span)
            cand = np.union1d(tgt_all[near], undated_tgt)
        if len(cand) == 0:
            continue
        Xc = X[cand].T.tocsr()
        for start in range(0, len(rows_all), chunk):
            rows = rows_all[start : start + chunk]
            approx = (Xq[rows] @ Xc).tocoo()
            qi, ci = rows[approx.row], cand[approx.col]
            s = approx.data.astype(np.float32)
            ok = (s >= floor) & (qi != ci)
            d1, d2 = days[qi], days[ci]
            ok &= (d1 == UNDATED) | (d2 == UNDATED) | (np.abs(d1 - d2) <= window_days)
            qi, ci, s = qi[ok], ci[ok], s[ok]
            qi, ci, _ = _best_per_query(qi, ci, s, 2 * k)
            sw, se = _exact(W, qi, ci), _exact(E, qi, ci)
            both = has_e[qi] & has_e[ci]
            s = np.where(
                both, np.sqrt(np.clip(sw, 0, None) * np.clip(se, 0, None)), missing * sw
            ).astype(np.float32)
            ok = s >= floor
            qi, ci, s = _best_per_query(qi[ok], ci[ok], s[ok], k)
            out_q.append(qi)
            out_n.append(ci)
            out_s.append(s)
    if not out_q:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(out_q), np.concatenate(out_n), np.concatenate(out_s)
