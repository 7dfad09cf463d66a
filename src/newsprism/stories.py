"""Stories in the store: the online clusterer kept in step with what is stored.

The clusterer's state is rebuilt from the stored per-article features and story membership
when a store is opened for ingest; each batch's new memberships, origins and events are then
written in the same transaction as the batch's articles.

Several writers at once (two ingests into one store): each batch takes the store's *story
lock* before it assigns stories and keeps it until the batch is stored (``commit``) or
dropped (``rollback``). Under the lock the service checks whether anyone else has stored
stories since it last looked, and reloads the clusterer from the store if so; two ingests of
one story's articles therefore end in one story, with the id of the article that opened it.
PostgreSQL: a session advisory lock; SQLite: an exclusive ``flock`` on ``<db>.stories-lock``
beside the database (which also counts the story writes, so a change is seen cheaply).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class StoryLock:
    """The store-wide lock of story writers, and a cheap token of the stored story state."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._held = 0
        self._fd: int | None = None
        path = getattr(store, "path", None)
        self._file: Path | None = None
        if store.engine == "sqlite" and isinstance(path, Path) and str(path) != ":memory:":
            self._file = path.with_name(path.name + ".stories-lock")

    @property
    def held(self) -> bool:
        return self._held > 0

    def acquire(self) -> None:
        if self._held:
            self._held += 1
            return
        if self.store.read_only:
            pass
        elif self._file is not None:
            fd = os.open(self._file, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        elif callable(lock := getattr(self.store, "lock_stories", None)):
            lock()
        self._held = 1

    def release(self) -> None:
        if not self._held:
            return
        self._held -= 1
        if self._held:
            return
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        elif callable(unlock := getattr(self.store, "unlock_stories", None)):
            unlock()

    def _generation(self) -> int:
        if self._fd is None:
            return 0
        data = os.pread(self._fd, 32, 0).strip()
        return int(data) if data.isdigit() else 0

    def bump(self) -> None:
        """Record a story write (SQLite: the counter in the lock file; call while held)."""
        if self._fd is not None:
            text = str(self._generation() + 1).encode()
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, text, 0)

    def state(self) -> Any:
        """A value that changes whenever another writer stored articles or stories."""
        own = getattr(self.store, "story_state", None)
        if callable(own):
            return own()
        return (self.store.count_articles(), self._generation())


@contextlib.contextmanager
def story_lock(store: Store) -> Iterator[StoryLock]:
    """Hold the store's story lock for a whole re-clustering (``rebuild_stories``, the Spark
    runner); story writes inside count as one change for the other writers."""
    lock = StoryLock(store)
    lock.acquire()
    try:
        yield lock
        lock.bump()
    finally:
        lock.release()


class StoryService:
    """Assigns stories to each new batch of articles (online: attach, open or merge).

    ``add`` takes the story lock (reloading the clusterer if another writer stored stories
    since), ``commit`` or ``rollback`` releases it: call one of them after every ``add``."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._pending: tuple[dict[str, str], dict[str, str]] | None = None
        self._lock = StoryLock(store)
        self._lock.acquire()
        try:
            self._load()
            self._seen = self._lock.state()
        finally:
            self._lock.release()

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
        """Features for the new articles (set on the items) and the story changes they make.
        Holds the story lock until ``commit`` or ``rollback``."""
        features = compute_features([item.article for item in items])
        for item, feature in zip(items, features, strict=True):
            item.features = features_to_bytes(feature)
            item.features_version = FEATURES_VERSION
        if not self._lock.held:
            self._lock.acquire()
            try:
                state = self._lock.state()
                if state != self._seen:
                    log.info("stories changed by another writer: reloading")
                    self._load()
            except BaseException:
                self._lock.release()
                raise
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
        self._release(bump=True)

    def rollback(self) -> None:
        """The last update was not stored: start again from what the store holds."""
        self._pending = None
        try:
            self._load()
        finally:
            self._release(bump=False)

    def _release(self, bump: bool) -> None:
        if not self._lock.held:
            return
        try:
            if bump:
                self._lock.bump()
            self._seen = self._lock.state()
        finally:
            self._lock.release()

    def close(self) -> None:
        """Release the story lock if an ``add`` was neither committed nor rolled back."""
        self._pending = None
        self._lock.release()


@dataclass(slots=True, frozen=True)
class RebuildReport:
    articles: int
    stories: int
    moved: int
    featurised: int


def rebuild_stories(store: Store, settings: Settings | None = None) -> RebuildReport:
    """Re-cluster every stored article in batch mode, keeping story ids by overlap."""
    settings = settings or Settings()
    with story_lock(store):
        return _rebuild(store, settings)


def _rebuild(store: Store, settings: Settings) -> RebuildReport:
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
