"""Batch story clustering: re-cluster everything, then keep story ids stable.

Same features, graph and link rule as the online path, applied best-pair-first over the whole
collection (articles in a canonical order: date, then id, so the result does not depend on
input order). New clusters are mapped to previous story ids by maximum overlap (greedy, each
old id used once); ``moved`` counts the previously assigned articles whose id changed.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from newsprism.cluster.common import day_of, has_text, story_id_for
from newsprism.cluster.linkage import Linkage
from newsprism.cluster.neighbors import knn_edges
from newsprism.cluster.params import ClusterParams
from newsprism.cluster.space import weigh_all
from newsprism.config import Settings
from newsprism.features.docvec import DocFeatures
from newsprism.features.minhash import duplicate_origins
from newsprism.models import StoryEvent

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchResult:
    assignments: dict[str, str]
    """Article id → story id."""
    origins: dict[str, str]
    """Article id → origin article id (itself for an original report)."""
    moved: int
    """Articles of ``previous`` whose story id changed."""
    events: list[StoryEvent] = field(default_factory=list)


def _canonical(docs: Sequence[DocFeatures]) -> list[int]:
    return sorted(
        range(len(docs)), key=lambda i: (day_of(docs[i]) < 0, day_of(docs[i]), docs[i].article_id)
    )


def near_duplicate_origins(
    docs: Sequence[DocFeatures], params: ClusterParams, dedup: bool = True
) -> tuple[list[DocFeatures], dict[str, str]]:
    """The articles once each in canonical order, and the origin of each article id.

    ``dedup=False`` when ``docs`` are already one per origin."""
    order = _canonical(docs)
    uniq: list[DocFeatures] = []
    seen_ids: set[str] = set()
    for i in order:
        if docs[i].article_id not in seen_ids:
            seen_ids.add(docs[i].article_id)
            uniq.append(docs[i])
    texty = [f for f in uniq if has_text(f)] if dedup else []
    origin = {f.article_id: f.article_id for f in uniq}
    if texty:
        sigs = np.stack([f.minhash for f in texty])
        rows = duplicate_origins(sigs, params.duplicate_threshold)
        for f, r in zip(texty, rows.tolist(), strict=True):
            origin[f.article_id] = texty[r].article_id
    return uniq, origin


def is_strong(f: DocFeatures, params: ClusterParams) -> bool:
    """Whether an article has enough content words to seed or link stories."""
    return f.n_tokens >= params.weak_min_tokens


def groups_from_edges(
    n: int,
    strong: npt.NDArray[np.bool_],
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.floating[Any]]],
    params: ClusterParams,
) -> list[int]:
    """A group number per node from the k-nearest-neighbour ``edges`` (query, neighbour,
    similarity; each query's edges best first) of ``n`` nodes in canonical order: best-pair-first
    agglomeration of the strong nodes, then each weak node joins its best group or stays alone."""
    q, nb, s = edges
    link = Linkage(
        params.neighbors,
        params.link_threshold,
        params.cohesion_ratio,
        params.lone_ratio,
        params.pair_min,
    )
    for i in np.flatnonzero(strong).tolist():
        link.add_group(i, 1)
    weak_edges: dict[int, list[tuple[int, float]]] = {}
    from_weak = ~strong[q]
    for a, b, sim in zip(
        q[from_weak].tolist(), nb[from_weak].tolist(), s[from_weak].tolist(), strict=True
    ):
        weak_edges.setdefault(a, []).append((b, sim))
    # strong-strong edges, each unordered pair once (both directions carry the same similarity)
    lo = np.minimum(q[~from_weak], nb[~from_weak])
    hi = np.maximum(q[~from_weak], nb[~from_weak])
    _, first = np.unique(lo * n + hi, return_index=True)
    for a, b, sim in zip(
        lo[first].tolist(), hi[first].tolist(), s[~from_weak][first].tolist(), strict=True
    ):
        link.add_edge(a, b, sim)
    merged = link.agglomerate(range(n))
    parent = dict(merged)

    def root(g: int) -> int:
        while g in parent:
            g = parent[g]
        return g

    group = [root(i) if strong[i] else -1 for i in range(n)]
    for w, wedges in weak_edges.items():
        totals: dict[int, tuple[float, int]] = {}
        for j, sim in wedges:
            t, c = totals.get(group[j], (0.0, 0))
            totals[group[j]] = (t + sim, c + 1)
        best, best_v = -1, params.link_threshold
        for g in sorted(totals):
            v = link.external(totals[g][0], totals[g][1], 1, g)
            if v >= best_v and (best < 0 or v > best_v):
                best, best_v = g, v
        group[w] = best
    for i in range(n):
        if group[i] < 0:
            group[i] = n + i  # weak article alone
    return group


def clusters_of(
    article_ids: Sequence[str], origin: Mapping[str, str], node_group: Mapping[str, int]
) -> list[list[str]]:
    """Clusters (lists of article ids in the order of ``article_ids``) from the group of each
    origin's node."""
    members: dict[int, list[str]] = {}
    for a in article_ids:
        members.setdefault(node_group[origin[a]], []).append(a)
    return [list(dict.fromkeys(m)) for m in members.values()]


def cluster_groups(
    docs: Sequence[DocFeatures], params: ClusterParams, dedup: bool = True
) -> tuple[list[list[str]], dict[str, str]]:
    """Clusters (lists of article ids, canonical order inside) and the origin of each article.

    ``dedup=False`` when ``docs`` are already one per origin."""
    uniq, origin = near_duplicate_origins(docs, params, dedup)
    nodes = [f for f in uniq if origin[f.article_id] == f.article_id]
    vecs = weigh_all(nodes, params.max_words, params.max_entities)
    days = np.array([day_of(f) for f in nodes], dtype=np.int64)
    strong = np.array([is_strong(f, params) for f in nodes], dtype=bool)
    edges = knn_edges(
        vecs,
        days,
        strong,
        params.neighbors,
        params.edge_floor,
        params.window_days,
        params.entity_weight_when_missing,
    )
    group = groups_from_edges(len(nodes), strong, edges, params)
    node_group = {f.article_id: g for f, g in zip(nodes, group, strict=True)}
    return clusters_of([f.article_id for f in uniq], origin, node_group), origin


def map_ids(clusters: Sequence[Sequence[str]], previous: Mapping[str, str] | None) -> list[str]:
    """A story id per cluster: the previous id it overlaps most (each old id used once), else
    ``s-<first article id>``."""
    prev = previous or {}
    pairs = []
    for i, arts in enumerate(clusters):
        counts = Counter(prev[a] for a in arts if a in prev)
        for old, n in counts.items():
            pairs.append((-n, old, i))
    pairs.sort()
    ids: list[str | None] = [None] * len(clusters)
    used: set[str] = set()
    for _, old, i in pairs:
        if ids[i] is None and old not in used:
            ids[i] = old
            used.add(old)
    taken = used | set(prev.values())
    out = []
    for i, arts in enumerate(clusters):
        sid = ids[i]
        if sid is None:
            base = story_id_for(arts[0])
            sid, n = base, 1
            while sid in taken:
                n += 1
                sid = f"{base}-{n}"
            taken.add(sid)
        out.append(sid)
    return out


def relabel_events(
    clusters: Sequence[Sequence[str]], ids: Sequence[str], prev: Mapping[str, str]
) -> tuple[list[StoryEvent], int]:
    """Events that turn the ``prev`` assignment into ``clusters`` named ``ids``, and the
    number of moved articles."""
    events: list[StoryEvent] = []
    moved = 0
    old_ids = set(prev.values())
    new_ids = set(ids)
    for arts, sid in zip(clusters, ids, strict=True):
        if sid not in old_ids:
            events.append(StoryEvent("open", sid, arts[0]))
        sources = sorted({prev[a] for a in arts if a in prev} - {sid})
        for other in sources:
            if other not in new_ids:
                events.append(StoryEvent("merge", sid, other_story_id=other))
            else:
                events.append(
                    StoryEvent(
                        "split",
                        sid,
                        other_story_id=other,
                        detail="took articles of a story that lives on",
                    )
                )
        for a in arts:
            if a in prev and prev[a] != sid:
                moved += 1
                events.append(StoryEvent("move", sid, a, other_story_id=prev[a]))
    return events, moved


def cluster_batch(
    docs: Sequence[DocFeatures],
    previous: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    params: ClusterParams | None = None,
) -> BatchResult:
    """Re-cluster ``docs`` from scratch; keep ids of ``previous`` (article → story) stable."""
    p = params or ClusterParams.from_settings(settings)
    clusters, origin = cluster_groups(docs, p)
    ids = map_ids(clusters, previous)
    assignments = {a: sid for arts, sid in zip(clusters, ids, strict=True) for a in arts}
    events, moved = relabel_events(clusters, ids, previous or {})
    log.info(
        "batch clustering: %d articles, %d stories, %d moved",
        len(assignments),
        len(clusters),
        moved,
    )
    return BatchResult(assignments, origin, moved, events)
