"""The link rule that decides when two groups of articles are one story.

Articles are linked by the edges of a k-nearest-neighbour graph (one node per origin). For two
groups A and B (a group may be a single new article):

* ``value(A, B) = Σ sim(edges between A and B) / min(|A|·|B|, k·min(|A|, |B|))`` — how much of
  the smaller group's neighbour budget points into the other, weighted by similarity; the
  normaliser keeps the rule size-robust (a single article joins a 500-article story as easily
  as a 5-article one);
* ``mean(A, B) = Σ sim / #edges`` must reach ``ratio × cohesion`` of each group, where cohesion
  is the mean similarity of the edges inside it: two tight stories of the same kind (two
  earthquakes) whose cross links are much weaker than their inner links stay apart.

They join when ``value ≥ threshold`` and the cohesion test passes. The batch path merges the
best pair first (a heap, like average-link); the online path applies the same rule as articles
arrive, so both converge to similar partitions.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable


class Linkage:
    """Link sums between groups (integer ids) of strong articles."""

    def __init__(
        self, k: int, threshold: float, ratio: float, lone_ratio: float, pair_min: float
    ) -> None:
        self.k = k
        self.threshold = threshold
        self.ratio = ratio
        self.lone_ratio = lone_ratio
        self.pair_min = pair_min
        self.young = 2  # groups smaller than this use lone_ratio
        self.size: dict[int, int] = {}
        self.link: dict[int, dict[int, float]] = {}
        self.count: dict[int, dict[int, int]] = {}
        self.inner_sum: dict[int, float] = {}
        self.inner_count: dict[int, int] = {}

    def add_group(self, g: int, size: int = 1) -> None:
        self.size[g] = size
        self.link[g] = {}
        self.count[g] = {}
        self.inner_sum[g] = 0.0
        self.inner_count[g] = 0

    def grow(self, g: int, by: int = 1) -> None:
        self.size[g] += by

    def add_edge(self, a: int, b: int, sim: float) -> None:
        if a == b:
            self.inner_sum[a] += sim
            self.inner_count[a] += 1
            return
        la, lb = self.link[a], self.link[b]
        la[b] = la.get(b, 0.0) + sim
        lb[a] = lb.get(a, 0.0) + sim
        ca, cb = self.count[a], self.count[b]
        ca[b] = ca.get(b, 0) + 1
        cb[a] = cb.get(a, 0) + 1

    def _norm(self, x: int, y: int) -> float:
        return float(min(x * y, self.k * min(x, y)))

    def cohesion(self, g: int) -> float | None:
        n = self.inner_count[g]
        return self.inner_sum[g] / n if n else None

    def _passes(self, mean: float, a_size: int, b: int, a: int | None = None) -> bool:
        """The cohesion test for a link of mean similarity ``mean`` between a group of
        ``a_size`` (``a``, or a new article when None) and group ``b``."""
        lone = min(a_size, self.size[b]) < self.young
        ratio = self.lone_ratio if lone else self.ratio
        cohs = [c for c in (self.cohesion(b), None if a is None else self.cohesion(a)) if c]
        if not cohs:
            return mean >= self.pair_min
        return all(mean >= ratio * c for c in cohs)

    def external(self, total: float, edges: int, size: int, g: int) -> float:
        """Value of a new group of ``size`` with ``edges`` links summing ``total`` into ``g``,
        or -1 when the cohesion test fails."""
        if self.size[g] <= 0 or edges <= 0 or not self._passes(total / edges, size, g):
            return -1.0
        return total / self._norm(size, self.size[g])

    def value(self, a: int, b: int) -> float:
        """The join value of groups ``a`` and ``b`` (-1 when the cohesion test fails)."""
        total = self.link[a].get(b)
        if total is None:
            return -1.0
        sa, sb = self.size[a], self.size[b]
        if sa <= 0 or sb <= 0:
            return -1.0
        mean = total / self.count[a][b]
        ratio = self.lone_ratio if min(sa, sb) < self.young else self.ratio
        ca, cb = self.inner_count[a], self.inner_count[b]
        if ca or cb:
            if ca and mean < ratio * self.inner_sum[a] / ca:
                return -1.0
            if cb and mean < ratio * self.inner_sum[b] / cb:
                return -1.0
        elif mean < self.pair_min:
            return -1.0
        return total / min(sa * sb, self.k * min(sa, sb))

    def best_partner(self, g: int) -> tuple[int, float] | None:
        """The group that ``g`` should join now, if any."""
        best: tuple[int, float] | None = None
        for other in sorted(self.link[g]):
            v = self.value(g, other)
            if v >= self.threshold and (best is None or v > best[1]):
                best = (other, v)
        return best

    def merge(self, keep: int, drop: int) -> None:
        """Fold group ``drop`` into ``keep``."""
        cross = self.link[keep].pop(drop, 0.0)
        cross_n = self.count[keep].pop(drop, 0)
        self.link[drop].pop(keep, None)
        self.count[drop].pop(keep, None)
        self.inner_sum[keep] += self.inner_sum.pop(drop) + cross
        self.inner_count[keep] += self.inner_count.pop(drop) + cross_n
        self.size[keep] += self.size.pop(drop)
        for other, s in self.link.pop(drop).items():
            n = self.count[drop][other]
            lo, co = self.link[other], self.count[other]
            lo.pop(drop)
            co.pop(drop)
            lo[keep] = lo.get(keep, 0.0) + s
            co[keep] = co.get(keep, 0) + n
            self.link[keep][other] = self.link[keep].get(other, 0.0) + s
            self.count[keep][other] = self.count[keep].get(other, 0) + n
        self.count.pop(drop)

    def agglomerate(self, order: Iterable[int] = ()) -> dict[int, int]:
        """Greedy best-first merging until no pair reaches the threshold (batch mode).

        Returns drop → keep for every merge, in merge order; the group listed first in
        ``order`` (or the lower id) is kept on ties of size."""
        rank = {g: i for i, g in enumerate(order)}
        heap: list[tuple[float, int, int]] = []
        for a in self.link:
            for b in self.link[a]:
                if a < b:
                    v = self.value(a, b)
                    if v >= self.threshold:
                        heap.append((-v, a, b))
        heapq.heapify(heap)
        merged: dict[int, int] = {}
        while heap:
            neg, a, b = heapq.heappop(heap)
            if a not in self.size or b not in self.size or b not in self.link[a]:
                continue
            v = self.value(a, b)
            if abs(v + neg) > 1e-9:  # stale entry: re-queue with the current value
                if v >= self.threshold:
                    heapq.heappush(heap, (-v, a, b))
                continue
            keep, drop = (a, b)
            if (self.size[b], -rank.get(b, b)) > (self.size[a], -rank.get(a, a)):
                keep, drop = b, a
            self.merge(keep, drop)
            merged[drop] = keep
            for other in self.link[keep]:
                v2 = self.value(keep, other)
                if v2 >= self.threshold:
                    x, y = min(keep, other), max(keep, other)
                    heapq.heappush(heap, (-v2, x, y))
        return merged
