"""Tuning knobs of story clustering, with the values measured on ECB+ (see benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass

from newsprism.config import Settings


@dataclass(slots=True, frozen=True)
class ClusterParams:
    window_days: int = 7
    """Two dated articles further apart than this are never neighbours (``Settings.window_days``).
    A story can run longer than the window through a chain of neighbours."""
    neighbors: int = 5
    """k of the k-nearest-neighbour graph that links articles (one report per origin)."""
    edge_floor: float = 0.05
    """Similarity below which two articles are not neighbours at all."""
    link_threshold: float = 0.1
    """Two stories (or an article and a story) join when the summed similarity of the
    neighbour links between them, divided by ``min(|A|·|B|, k·min(|A|, |B|))``, reaches this."""
    cohesion_ratio: float = 0.4
    """…and when the mean similarity of those links is at least this fraction of the mean
    similarity of the links inside each story: two tight stories of one kind stay apart."""
    lone_ratio: float = 0.4
    """The cohesion ratio when one side is a lone article: stricter, because the first article
    of a new event has only the older event's articles as neighbours."""
    pair_min: float = 0.2
    """When neither side has inner links yet (two lone articles), the mean link similarity
    must reach this."""
    weak_min_tokens: int = 10
    """Articles with fewer content words are weak: they may join a story but never link two
    stories, and nothing joins a story made only of weak articles."""
    weak_join_similarity: float = 0.2
    """A weak article left alone joins a later story whose new article is at least this similar."""
    duplicate_threshold: float = 0.5
    """Estimated Jaccard similarity of word 4-gram sets from which two texts are one origin."""
    consolidate_growth: float = 1.5
    """The online clusterer re-clusters everything (batch, ids kept by overlap) each time the
    number of origins has grown by this factor; 0 turns it off."""
    consolidate_max: int = 50_000
    """…but not beyond this many origins (run ``cluster_batch`` on a schedule instead)."""
    max_words: int = 150
    """Highest-weighted content words kept per article vector."""
    max_entities: int = 80
    """Highest-weighted entity features kept per article vector."""
    entity_weight_when_missing: float = 0.5
    """Similarity of two articles when either has no entity features: this × word cosine."""

    def __post_init__(self) -> None:
        if self.window_days < 0:
            raise ValueError(f"window_days must be ≥ 0, got {self.window_days}")
        if self.neighbors < 1:
            raise ValueError(f"neighbors must be ≥ 1, got {self.neighbors}")
        for name in (
            "edge_floor",
            "link_threshold",
            "cohesion_ratio",
            "lone_ratio",
            "pair_min",
            "duplicate_threshold",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")

    @classmethod
    def from_settings(cls, settings: Settings | None) -> ClusterParams:
        return cls(window_days=(settings or Settings()).window_days)
