"""Stories in the store: the online clusterer kept in step with what is stored.

The clusterer's state is rebuilt from the stored per-article features and story membership
when a store is opened for ingest; each batch's new memberships, origins and events are then
written in the same transaction as the batch's articles.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.cluster import (
    StoryClusterer,
    cluster_batch,
    compute_features,
    features_from_bytes,
    features_to_bytes,
)
from newsprism.config import Settings
from newsprism.features.docvec import DocFeatures
from newsprism.store import Store, StoredItem, StoryUpdate

log = logging.getLogger(__name__)

FEATURES_VERSION = "docvec.v1"


class StoryService:
    """Assigns stories to each new batch of articles (online: attach, open or merge)."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._pending: tuple[dict[str, str], dict[str, str]] | None = None
        self._load()

    def _load(self) -> None:
        self.clusterer = StoryClusterer(self.settings)
        known: list[tuple[DocFeatures, str]] = []
        for _article_id, version, blob, story_id in self.store.iter_features():
            if story_id is not None and version == FEATURES_VERSION:
                known.append((features_from_bytes(blob), story_id))
        if known:
            self.clusterer.load(known)
        self._assigned = self.clusterer.assignments()
        self._origins = self.clusterer.origins()
        log.info("story clusterer loaded with %d stored articles", len(known))

    def add(self, items: Sequence[StoredItem]) -> StoryUpdate:
        """Features for the new articles (set on the items) and the story changes they make."""
        features = compute_features([item.article for item in items])
        for item, feature in zip(items, features, strict=True):
            item.features = features_to_bytes(feature)
            item.features_version = FEATURES_VERSION
        events = self.clusterer.add(features)
        assigned = self.clusterer.assignments()
        origins = self.clusterer.origins()
        self._pending = (assigned, origins)
        return StoryUpdate(
            assignments={a: s for a, s in assigned.items() if self._assigned.get(a) != s},
            origins={a: o for a, o in origins.items() if self._origins.get(a) != o},
            events=events,
        )

    def commit(self) -> None:
        """The last update was stored."""
        if self._pending is not None:
            self._assigned, self._origins = self._pending
            self._pending = None

    def rollback(self) -> None:
        """The last update was not stored: start again from what the store holds."""
        self._pending = None
        self._load()


@dataclass(slots=True, frozen=True)
class RebuildReport:
    articles: int
    stories: int
    moved: int
    featurised: int


def rebuild_stories(store: Store, settings: Settings | None = None) -> RebuildReport:
    """Re-cluster every stored article in batch mode, keeping story ids by overlap."""
    settings = settings or Settings()
    stored = {aid: (version, blob) for aid, version, blob, _ in store.iter_features()}
    missing = [
        a for a in store.iter_articles() if stored.get(a.id, ("", b""))[0] != FEATURES_VERSION
    ]
    items = [StoredItem(a) for a in missing]
    for item, feature in zip(items, compute_features([a for a in missing]), strict=True):
        item.features = features_to_bytes(feature)
        item.features_version = FEATURES_VERSION
        stored[item.article.id] = (FEATURES_VERSION, item.features)
    docs = [features_from_bytes(blob) for _, blob in stored.values()]
    previous = {a: s for a, (s, _) in store.story_assignments().items()}
    result = cluster_batch(docs, previous=previous, settings=settings)
    update = StoryUpdate(
        assignments=dict(result.assignments),
        origins=dict(result.origins),
        events=list(result.events),
    )
    store.write_batch(items, update)
    return RebuildReport(
        articles=len(docs),
        stories=len(set(result.assignments.values())),
        moved=result.moved,
        featurised=len(missing),
    )
