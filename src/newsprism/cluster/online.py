"""Online story clustering: each new article attaches to a story, opens one, or merges two.

Per article (see :mod:`newsprism.cluster.linkage` for the rule):

1. Near-duplicates: a copy of an earlier report (MinHash LSH) joins that report's *origin* and
   its story at once — thousands of copies cost a dict lookup each.
2. A new origin is weighed by the running IDF and its neighbours are found among date-compatible
   origins (:class:`~newsprism.cluster.neighbors.NeighborIndex`); it attaches to the story its
   neighbour links point to, or opens a new story. Its links, and the links of earlier articles
   that now count it among their k nearest, are added to the story graph; a story that now
   reaches the link rule with another story merges with it (the larger keeps its id; on a tie
   the older).
3. Weak (near-empty) articles may attach but are never linked into the graph, so they cannot
   seed a story or bridge two; one left alone joins a later story whose new article is similar.

Story ids come from the article that opened the story (``s-<article id>``) and never change
while the story lives; a merge logs the absorbed id so links to it can be redirected.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable, Sequence

import numpy as np

from newsprism.cluster.batch import cluster_groups, map_ids, relabel_events
from newsprism.cluster.common import day_of, has_text, story_id_for
from newsprism.cluster.linkage import Linkage
from newsprism.cluster.neighbors import NeighborIndex, knn_edges
from newsprism.cluster.params import ClusterParams
from newsprism.cluster.space import VectorSpace, Weighted
from newsprism.config import Settings
from newsprism.features.docvec import DocFeatures
from newsprism.features.minhash import NearDuplicateIndex
from newsprism.models import Story, StoryEvent

log = logging.getLogger(__name__)


class StoryClusterer:
    """Online clusterer; feed it :class:`DocFeatures` with :meth:`add`."""

    def __init__(
        self, settings: Settings | None = None, params: ClusterParams | None = None
    ) -> None:
        self.params = params or ClusterParams.from_settings(settings)
        p = self.params
        self._dups = NearDuplicateIndex(p.duplicate_threshold)
        self._space = VectorSpace(p.max_words, p.max_entities)
        self._weighed_at = 0
        self._consolidated_at = 0
        # nodes = origins
        self._feat: list[DocFeatures] = []
        self._vec: list[Weighted] = []
        self._weak: list[bool] = []
        self._top: list[list[float]] = []
        self._edges: set[tuple[int, int]] = set()
        self._node_of: dict[str, int] = {}  # origin article id → node
        self._origin: dict[str, str] = {}  # article id → origin article id
        self._meta: dict[str, tuple[str | None, str | None]] = {}  # article → outlet, date
        self._group: list[int] = []  # node → group at the time it was placed
        self.log: list[StoryEvent] = []
        self._reset_graph()

    def _reset_graph(self) -> None:
        p = self.params
        self._index = NeighborIndex(p.window_days, p.entity_weight_when_missing)
        self._weak_index = NeighborIndex(p.window_days, p.entity_weight_when_missing)
        self._link = Linkage(
            p.neighbors, p.link_threshold, p.cohesion_ratio, p.lone_ratio, p.pair_min
        )
        self._top = [[] for _ in self._feat]  # min-heaps of each strong node's k best sims
        self._edges = set()
        # stories = groups; a node's group is found through parent links
        self._parent: dict[int, int] = {}
        self._story: dict[int, str] = {}
        self._articles: dict[int, list[str]] = {}
        self._created: dict[int, int] = {}
        self._n_created = 0
        self._absorbed_weak: set[int] = set()

    # ------------------------------------------------------------------ queries

    def __len__(self) -> int:
        return len(self._origin)

    def _find(self, g: int) -> int:
        root = g
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[g] != root:
            self._parent[g], g = root, self._parent[g]
        return root

    def _group_of_article(self, article_id: str) -> int:
        return self._find(self._group[self._node_of[self._origin[article_id]]])

    def knows(self, article_id: str) -> bool:
        """Whether the article was clustered (added or loaded) already."""
        return article_id in self._origin

    def story_of(self, article_id: str) -> str:
        """The story id of a known article (``KeyError`` for an unknown one)."""
        return self._story[self._group_of_article(article_id)]

    def assignments(self) -> dict[str, str]:
        """Every article id → its story id."""
        return {a: self._story[self._group_of_article(a)] for a in self._origin}

    def origins(self) -> dict[str, str]:
        """Every article id → the article id of its origin (itself for an original report)."""
        return dict(self._origin)

    def stories(self) -> list[Story]:
        """Current stories, largest first: articles, outlets, origins, date span."""
        out = []
        by_origin: dict[str, list[str]] = {}
        for art, org in self._origin.items():
            by_origin.setdefault(org, []).append(art)
        for g, arts in self._articles.items():
            origins = sorted({self._origin[a] for a in arts})
            days = [d for d in (self._meta[a][1] for a in arts) if d]
            outlets = sorted({o for o in (self._meta[a][0] for a in arts) if o})
            out.append(
                Story(
                    id=self._story[g],
                    title=None,
                    article_ids=list(arts),
                    outlets=outlets,
                    origins=[sorted(by_origin[o]) for o in origins],
                    first_seen=min(days) if days else None,
                    last_seen=max(days) if days else None,
                )
            )
        out.sort(key=lambda s: (-len(s.article_ids), s.id))
        return out

    # ------------------------------------------------------------------ groups

    def _open(self, node: int, article_id: str, strong: bool) -> int:
        g = node
        self._parent[g] = g
        self._story[g] = story_id_for(article_id)
        self._articles[g] = []
        self._created[g] = self._n_created
        self._n_created += 1
        if strong:
            self._link.add_group(g, 1)
        else:
            self._link.add_group(g, 0)
        return g

    def _merge(
        self, a: int, b: int, detail: str, keep_first: bool = False
    ) -> tuple[int, StoryEvent]:
        """Merge two groups; the one with more articles keeps its id (the older on a tie), or
        ``a`` when ``keep_first``."""
        key_a = (len(self._articles[a]), -self._created[a])
        key_b = (len(self._articles[b]), -self._created[b])
        keep, drop = (a, b) if keep_first or key_a >= key_b else (b, a)
        self._link.merge(keep, drop)
        self._parent[drop] = keep
        self._articles[keep].extend(self._articles.pop(drop))
        gone = self._story.pop(drop)
        del self._created[drop]
        event = StoryEvent("merge", self._story[keep], other_story_id=gone, detail=detail)
        return keep, event

    # ------------------------------------------------------------------ adding

    def _refresh(self) -> None:
        """Re-weigh every vector when the corpus has doubled since the last weighing."""
        n = self._space.n_docs
        if n < 32 or n < 2 * self._weighed_at:
            return
        self._weighed_at = n
        self._vec = [self._space.weigh(f) for f in self._feat]
        strong = {i: v for i, v in enumerate(self._vec) if not self._weak[i]}
        weak = {i: v for i, v in enumerate(self._vec) if self._weak[i]}
        self._index.rebuild(strong)
        self._weak_index.rebuild(weak)
        log.debug("re-weighed %d article vectors at %d origins", len(self._vec), n)

    def _new_node(self, f: DocFeatures) -> int:
        node = len(self._feat)
        self._feat.append(f)
        self._vec.append(
            Weighted(
                np.zeros(0, np.int32),
                np.zeros(0, np.float32),
                np.zeros(0, np.int32),
                np.zeros(0, np.float32),
            )
        )
        self._weak.append(f.n_tokens < self.params.weak_min_tokens)
        self._top.append([])
        self._group.append(node)
        self._node_of[f.article_id] = node
        self._space.observe(f)
        return node

    def _origin_of(self, f: DocFeatures) -> str:
        self._meta[f.article_id] = (f.outlet, f.published.isoformat() if f.published else None)
        if not has_text(f):
            return f.article_id  # no text: never a copy of anything
        return self._dups.assign(f.article_id, f.minhash)

    def _note_top(self, node: int, sim: float) -> None:
        top = self._top[node]
        if len(top) < self.params.neighbors:
            heapq.heappush(top, sim)
        elif sim > top[0]:
            heapq.heapreplace(top, sim)

    def _add_edge(self, a: int, b: int, sim: float) -> None:
        pair = (a, b) if a < b else (b, a)
        if pair in self._edges:
            return
        self._edges.add(pair)
        self._link.add_edge(self._find(self._group[a]), self._find(self._group[b]), sim)

    def add(self, docs: Sequence[DocFeatures]) -> list[StoryEvent]:
        """Cluster new articles (in the given order); return what happened to the stories."""
        events: list[StoryEvent] = []
        fresh: list[DocFeatures | None] = []
        for f in docs:
            if f.article_id in self._origin:
                log.debug("%s: already clustered, skipped", f.article_id)
                fresh.append(None)
                continue
            origin = self._origin_of(f)
            self._origin[f.article_id] = origin
            if origin == f.article_id:
                self._new_node(f)
            fresh.append(f)
        self._refresh()
        for maybe in fresh:
            if maybe is None:
                continue
            f = maybe
            origin = self._origin[f.article_id]
            if origin != f.article_id:
                g = self._group_of_article(origin)
                self._articles[g].append(f.article_id)
                events.append(
                    StoryEvent("attach", self._story[g], f.article_id, detail=f"copy of {origin}")
                )
            else:
                events.extend(self._place(self._node_of[f.article_id]))
        grow = self.params.consolidate_growth
        n = len(self._feat)
        if (
            grow > 0
            and n >= 2 * self.params.neighbors
            and n <= self.params.consolidate_max
            and (n >= grow * self._consolidated_at)
        ):
            events.extend(self.consolidate())
        self.log.extend(events)
        return events

    def _place(self, node: int) -> list[StoryEvent]:
        p = self.params
        f = self._feat[node]
        vec = self._space.weigh(f)
        self._vec[node] = vec
        day = day_of(f)
        cand, sims = self._index.query(vec, day, p.edge_floor)
        order = np.lexsort((cand, -sims))[: p.neighbors]
        top_nodes, top_sims = cand[order].tolist(), sims[order].tolist()
        totals: dict[int, tuple[float, int]] = {}
        for j, s in zip(top_nodes, top_sims, strict=True):
            g = self._find(self._group[j])
            t, c = totals.get(g, (0.0, 0))
            totals[g] = (t + s, c + 1)
        best, best_v = -1, p.link_threshold
        for g in sorted(totals):
            v = self._link.external(totals[g][0], totals[g][1], 1, g)
            if v >= best_v and (best < 0 or v > best_v):
                best, best_v = g, v
        weak = self._weak[node]
        events: list[StoryEvent] = []
        if best >= 0:
            g = best
            self._group[node] = g
            events.append(
                StoryEvent("attach", self._story[g], f.article_id, detail=f"link {best_v:.3f}")
            )
            if not weak:
                self._link.grow(g)
        else:
            g = self._open(node, f.article_id, strong=not weak)
            events.append(StoryEvent("open", self._story[g], f.article_id))
        self._articles[g].append(f.article_id)
        if weak:
            if best < 0:
                self._weak_index.add(node, day, vec)
            return events
        # strong: link it into the graph, then absorb lone weak articles and merge stories
        for j, s in zip(top_nodes, top_sims, strict=True):
            self._add_edge(node, j, s)
            self._note_top(node, s)
        k = p.neighbors
        for j, s in zip(cand.tolist(), sims.tolist(), strict=True):
            top = self._top[j]
            if len(top) < k or s > top[0]:
                self._note_top(j, s)
                self._add_edge(node, j, s)
        self._index.add(node, day, vec)
        events.extend(self._absorb_weak(node, vec, day))
        events.extend(self._cascade(self._find(self._group[node])))
        return events

    def _absorb_weak(self, node: int, vec: Weighted, day: int) -> list[StoryEvent]:
        if not len(self._weak_index):
            return []
        cand, _ = self._weak_index.query(vec, day, self.params.weak_join_similarity)
        events: list[StoryEvent] = []
        g = self._find(self._group[node])
        for w in sorted(set(cand.tolist()) - self._absorbed_weak):
            wg = self._find(self._group[w])
            if wg == g or self._link.size.get(wg, 1) > 0:
                continue
            self._absorbed_weak.add(w)
            g, ev = self._merge(g, wg, "weak article joins", keep_first=True)
            events.append(ev)
        return events

    def _cascade(self, g: int) -> list[StoryEvent]:
        events: list[StoryEvent] = []
        while True:
            partner = self._link.best_partner(g)
            if partner is None:
                return events
            other, v = partner
            g, ev = self._merge(g, other, f"link {v:.3f}")
            events.append(ev)

    # ------------------------------------------------------------------ loading

    def load(self, docs: Iterable[tuple[DocFeatures, str]]) -> None:
        """Restore stored assignments (features, story id) without re-deciding them."""
        stored = self.assignments()
        for f, sid in docs:
            if f.article_id in self._origin:
                continue
            origin = self._origin_of(f)
            self._origin[f.article_id] = origin
            stored[f.article_id] = sid
            if origin == f.article_id:
                self._new_node(f)
        self._install(stored)
        self._consolidated_at = len(self._feat)

    def consolidate(self) -> list[StoryEvent]:
        """Re-cluster every origin in batch and keep ids by maximum overlap (splits, merges and
        moves are logged). Runs by itself as the collection grows by ``consolidate_growth``."""
        self._consolidated_at = len(self._feat)
        groups, _ = cluster_groups(self._feat, self.params, dedup=False)
        copies: dict[str, list[str]] = {}
        for art, org in self._origin.items():
            copies.setdefault(org, []).append(art)
        clusters = [[a for o in g for a in copies[o]] for g in groups]
        before = self.assignments()
        ids = map_ids(clusters, before)
        events, moved = relabel_events(clusters, ids, before)
        after = {a: sid for arts, sid in zip(clusters, ids, strict=True) for a in arts}
        self._install(after)
        log.debug("consolidated %d origins: %d articles moved", len(self._feat), moved)
        return events

    def _install(self, assignment: dict[str, str]) -> None:
        """Rebuild stories, graph and indexes for ``assignment`` (article → story id)."""
        self._reset_graph()
        self._weighed_at = self._space.n_docs
        self._vec = [self._space.weigh(f) for f in self._feat]
        group_of_sid: dict[str, int] = {}
        for node, f in enumerate(self._feat):
            sid = assignment.get(f.article_id) or story_id_for(f.article_id)
            g = group_of_sid.get(sid)
            if g is None:
                g = self._open(node, f.article_id, strong=False)
                self._story[g] = sid
                group_of_sid[sid] = g
            self._group[node] = g
            if not self._weak[node]:
                self._link.grow(g)
        for art, org in self._origin.items():
            g = self._group_of_article(org)
            self._articles[g].append(art)
            if assignment.get(art, self._story[g]) != self._story[g]:
                log.debug(
                    "%s: stored in %s, follows its origin into %s",
                    art,
                    assignment[art],
                    self._story[g],
                )
        self._link_loaded()

    def _link_loaded(self) -> None:
        p = self.params
        strong = np.array([not w for w in self._weak], dtype=bool)
        days = np.array([day_of(f) for f in self._feat], dtype=np.int64)
        q, nb, s = knn_edges(
            self._vec,
            days,
            strong,
            p.neighbors,
            p.edge_floor,
            p.window_days,
            p.entity_weight_when_missing,
        )
        for a, b, sim in zip(q.tolist(), nb.tolist(), s.tolist(), strict=True):
            if strong[a]:
                self._add_edge(a, b, sim)
                self._note_top(a, sim)
        for i, v in enumerate(self._vec):
            if self._weak[i]:
                g = self._find(self._group[i])
                if self._link.size.get(g, 0) == 0:
                    self._weak_index.add(i, int(days[i]), v)
            else:
                self._index.add(i, int(days[i]), v)
