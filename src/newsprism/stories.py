"""Stories in the store: the online clusterer kept in step with what is stored.

Each batch's new memberships, origins and events are written in the same transaction as the
batch's articles, together with a *journal* record of the batch: the article ids the
clusterer took, in order, and the story each changed article had before.

Online clustering is path dependent (the vector weights, the neighbour graph and the moment of
each merge depend on the order in which articles came), so the clusterer's state is not a
function of the stored memberships alone. It is a function of the store, though: the
memberships as of the journal's start, installed (``StoryClusterer.load``), plus the
journal's batches replayed through ``StoryClusterer.add`` in order. A writer that opens the
store rebuilds exactly that state:

- journal empty: install the stored memberships (the usual start);
- journal not empty (an ingest was killed, or another writer is running): undo the journal's
  batches on the stored memberships, install those, replay the batches, and check that the
  replay gives the stored memberships and origins (if not, say a different version or
  setting wrote them: install the stored memberships and start a new journal with the next
  batch).

So an ingest killed at any point and run again goes on exactly where it stopped: the same
events, the same stories. The normal end of an ingest clears the journal (the next writer
installs) unless another story writer is live (each holds a shared lock on
``<db>.stories-writers``, or a shared advisory lock on PostgreSQL, for its lifetime); a batch
re-clustering or the Spark runner clears it with their own writes. The replay check looks at
the articles the journal clustered or moved: installed articles take their stories from the
store, and their origins may legitimately differ (a batch re-clustering orders copies its own
way).

Several writers at once (two ingests into one store): each batch takes the store's *story
lock* before it assigns stories and keeps it until the batch is stored (``commit``) or
dropped (``rollback``). Under the lock the service checks whether anyone else has stored
stories since it last looked; if so it replays the other writers' journal batches on its
own state (or, when the journal was cleared meanwhile, reloads). Two ingests of one story's
articles therefore end in one story, with the id of the article that opened it.
PostgreSQL: a session advisory lock; SQLite: an exclusive ``flock`` on ``<db>.stories-lock``
beside the database (which also counts the story writes, so a change is seen cheaply).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
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
from newsprism.store import BatchResult, JournalBatch, JournalRecord, Store, StoredItem, StoryUpdate

log = logging.getLogger(__name__)

FEATURES_VERSION = "docvec.v1"


def _lock_file(path: Path, mode: int) -> int:
    """Open (creating) ``path`` and wait for an ``flock`` of ``mode`` on it: the descriptor."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _unlock_file(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


class StoryLock:
    """The store-wide lock of story writers, and a cheap token of the stored story state."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._held = 0
        self._fd: int | None = None
        self._writers_fd: int | None = None
        self._joined = False
        path = getattr(store, "path", None)
        self._file: Path | None = None
        self._writers_file: Path | None = None
        if store.engine == "sqlite" and isinstance(path, Path) and str(path) != ":memory:":
            self._file = path.with_name(path.name + ".stories-lock")
            self._writers_file = path.with_name(path.name + ".stories-writers")

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
            self._fd = _lock_file(self._file, fcntl.LOCK_EX)
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
            _unlock_file(fd)
        elif callable(unlock := getattr(self.store, "unlock_stories", None)):
            unlock()

    # Live writers: each story service holds a shared lock for its lifetime, so that the one
    # that finishes can tell whether another is still running (and then leaves the journal).

    def join_writers(self) -> None:
        """Count this service among the store's live story writers."""
        if self.store.read_only or self._writers_fd is not None or self._joined:
            return
        if self._writers_file is not None:
            self._writers_fd = _lock_file(self._writers_file, fcntl.LOCK_SH)
        elif callable(join := getattr(self.store, "join_story_writers", None)):
            join()
            self._joined = True

    def leave_writers(self) -> None:
        if self._writers_fd is not None:
            fd, self._writers_fd = self._writers_fd, None
            _unlock_file(fd)
        elif self._joined:
            self._joined = False
            leave = getattr(self.store, "leave_story_writers", None)
            if callable(leave):
                leave()

    def alone(self) -> bool:
        """Whether no other story writer is live (this one may be)."""
        if self._writers_fd is not None:
            try:
                fcntl.flock(self._writers_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            finally:  # back to shared (a failed conversion may have dropped the lock)
                fcntl.flock(self._writers_fd, fcntl.LOCK_SH)
            return True
        only = getattr(self.store, "only_story_writer", None)
        return bool(only()) if callable(only) else True

    def _generation(self) -> int:
        if self._fd is None:
            return 0
        data = os.pread(self._fd, 32, 0).strip()
        return int(data) if data.isdigit() else 0

    def clear_journal(self) -> bool:
        """Clear the story journal unless another writer is live (its journal stays: it would
        otherwise have to reload); call while held. Returns whether it was cleared."""
        if not self.alone():
            return False
        self.store.clear_story_journal()
        self.bump()
        return True

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


def clear_left_journal(store: Store) -> bool:
    """Clear a story journal that no live writer keeps: one left by a writer that stopped
    before its normal end (killed) when no other writer is live, as that writer's
    :meth:`StoryService.finish` would have. For an ingest that stored nothing, and so made no
    story service: the store then equals what the uninterrupted run left. Returns whether a
    journal was cleared."""
    if store.read_only or not store.story_journal():
        return False
    lock = StoryLock(store)
    lock.join_writers()
    lock.acquire()
    try:
        cleared = lock.clear_journal()
    finally:
        lock.release()
        lock.leave_writers()
    if cleared:
        log.info("cleared the story journal of a writer that did not finish")
    return cleared


class StoryService:
    """Assigns stories to each new batch of articles (online: attach, open or merge).

    ``add`` takes the story lock (catching up with other writers' batches if any),
    ``commit`` or ``rollback`` releases it: call one of them after every ``add``; call
    ``finish`` when the ingest ends normally."""

    def __init__(self, store: Store, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._pending: tuple[dict[str, str], dict[str, str]] | None = None
        self._epoch: int | None = None  # the journal epoch the clusterer's state includes
        self._last_batch = 0  # ... and the last journal batch of it
        self._reset_journal = False  # the next batch starts a new journal
        self._stale = False  # reload before the next batch (after ``finish``)
        self.replayed = 0
        """Journal batches replayed at the last load (0: the stored memberships installed)."""
        self._lock = StoryLock(store)
        self._lock.join_writers()
        self._lock.acquire()
        try:
            self._load()
            self._seen = self._lock.state()
        except BaseException:
            self._lock.leave_writers()
            raise
        finally:
            self._lock.release()

    # ------------------------------------------------------------------ loading

    def _stored_features(self) -> list[tuple[DocFeatures, str]]:
        known: list[tuple[DocFeatures, str]] = []
        for _article_id, version, blob, story_id in self.store.iter_features():
            if story_id is not None and version == FEATURES_VERSION:
                known.append((features_from_bytes(blob), story_id))
        return known

    def _load(self) -> None:
        """The clusterer's state from the store: installed memberships plus the journal."""
        known = self._stored_features()
        journal = self.store.story_journal()
        self._epoch, self._last_batch, self.replayed = None, 0, 0
        clusterer = self._replay(known, journal) if journal else None
        if clusterer is None:
            clusterer = StoryClusterer(self.settings)
            if known:
                clusterer.load(known)
            self._reset_journal = bool(journal)
        else:
            self._epoch, self._last_batch = journal[0].epoch, journal[-1].batch
            self.replayed = len(journal)
            self._reset_journal = False
        self.clusterer = clusterer
        self._assigned = clusterer.assignments()
        self._origins = clusterer.origins()
        self._stale = False
        log.info(
            "story clusterer loaded with %d stored articles (%d journal batches replayed)",
            len(known),
            self.replayed,
        )

    def _replay(
        self, known: list[tuple[DocFeatures, str]], journal: list[JournalRecord]
    ) -> StoryClusterer | None:
        """Install the memberships as of the journal's start and replay its batches; None when
        the journal does not lead to what is stored."""
        by_id = {f.article_id: f for f, _ in known}
        base = {f.article_id: sid for f, sid in known}
        for record in reversed(journal):
            for article_id, before in record.before.items():
                if before is None:
                    base.pop(article_id, None)
                else:
                    base[article_id] = before
        replayed = {a for record in journal for a in record.articles}
        if not replayed <= by_id.keys():
            log.warning("story journal names articles without features: not replayed")
            return None
        clusterer = StoryClusterer(self.settings)
        installed = [(f, base[f.article_id]) for f, _ in known if f.article_id not in replayed]
        if any(f.article_id not in base for f, _ in known if f.article_id not in replayed):
            log.warning("story journal does not undo to a whole story state: not replayed")
            return None
        if installed:
            clusterer.load(installed)
        for record in journal:
            clusterer.add([by_id[a] for a in record.articles])
        if not self._matches_store(clusterer, journal):
            log.warning(
                "story journal replay does not give the stored stories (written by another "
                "version or with other settings?): stored memberships installed instead"
            )
            return None
        return clusterer

    def _matches_store(self, clusterer: StoryClusterer, records: list[JournalRecord]) -> bool:
        """Whether replaying ``records`` gave what they stored: the story and origin of every
        article they clustered or moved. (The installed articles' stories come from the store;
        their origins may not, as a batch re-clustering picks copies' origins in its own
        order, and the journal's writer worked with the same installed ones.)"""
        touched = {a for r in records for a in (*r.articles, *r.before)}
        stored = self.store.story_assignments()
        origins = clusterer.origins()
        assigned = clusterer.assignments()
        return all(
            stored.get(a) == ((assigned[a], origins[a]) if a in assigned else None) for a in touched
        )

    def _catch_up(self) -> None:
        """Another writer stored stories since we last looked (we hold the lock): replay its
        journal batches on our state, or reload when that is not possible."""
        journal = self.store.story_journal(self._last_batch) if self._epoch is not None else []
        newer = journal[1:]
        if (
            self._stale
            or not journal
            or journal[0].batch != self._last_batch
            or any(r.epoch != self._epoch for r in journal)
        ):
            log.info("stories changed by another writer: reloading")
            self._load()
            return
        wanted = sorted({a for r in newer for a in r.articles})
        blobs = self.store.features_of(wanted)
        if set(blobs) != set(wanted):
            self._load()
            return
        features = {a: features_from_bytes(blob) for a, (_, blob) in blobs.items()}
        for record in newer:
            self.clusterer.add([features[a] for a in record.articles])
        if newer:
            self._last_batch = newer[-1].batch
        if not self._matches_store(self.clusterer, newer):
            log.info("stories changed by another writer: reloading")
            self._load()
            return
        self._assigned = self.clusterer.assignments()
        self._origins = self.clusterer.origins()
        log.info("caught up with %d journal batches of another writer", len(newer))

    # ------------------------------------------------------------------ batches

    def add(self, items: Sequence[StoredItem]) -> StoryUpdate:
        """Features for the new articles (set on the items) and the story changes they make.
        Holds the story lock until ``commit`` or ``rollback``."""
        for item, feature in zip(
            items, compute_features([item.article for item in items]), strict=True
        ):
            item.features = features_to_bytes(feature)
            item.features_version = FEATURES_VERSION
        # cluster what a replay will read back, byte for byte
        features = [features_from_bytes(item.features or b"") for item in items]
        if not self._lock.held:
            self._lock.acquire()
            try:
                if self._stale or self._lock.state() != self._seen:
                    self._catch_up()
            except BaseException:
                self._lock.release()
                raise
        fresh: list[str] = []
        for f in features:
            if not self.clusterer.knows(f.article_id) and f.article_id not in fresh:
                fresh.append(f.article_id)
        try:
            events = self.clusterer.add(features)
        except BaseException:  # the clusterer may be half-changed: start again from the store
            self.rollback()
            raise
        assigned = self.clusterer.assignments()
        origins = self.clusterer.origins()
        self._pending = (assigned, origins)
        changed = {a: s for a, s in assigned.items() if self._assigned.get(a) != s}
        journal = JournalBatch(
            articles=fresh,
            before={a: self._assigned.get(a) for a in changed},
            reset=self._reset_journal,
        )
        return StoryUpdate(
            assignments=changed,
            # every moved article's origin too: the store writes both together
            origins={a: o for a, o in origins.items() if a in changed or self._origins.get(a) != o},
            events=events,
            journal=journal,
        )

    def members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        """The articles of each of ``story_ids`` with the last update applied (stored or not
        yet), in no particular order."""
        wanted = set(story_ids)
        assigned = self._pending[0] if self._pending is not None else self._assigned
        out: dict[str, list[str]] = {s: [] for s in wanted}
        for article_id, story_id in assigned.items():
            if story_id in wanted:
                out[story_id].append(article_id)
        return out

    def commit(self, result: BatchResult | None = None) -> None:
        """The last update was stored (``result``: what ``write_batch`` returned)."""
        if self._pending is not None:
            self._assigned, self._origins = self._pending
            self._pending = None
        if result is not None and result.journal is not None:
            self._last_batch, self._epoch = result.journal
            self._reset_journal = False
        elif result is None:
            self._epoch = None  # the batch's journal number is unknown: reload on a change
        self._release(bump=True)

    def rollback(self) -> None:
        """The last update was not stored: start again from what the store holds."""
        self._pending = None
        try:
            self._load()
        finally:
            self._release(bump=False)

    def finish(self) -> None:
        """The ingest ended normally: clear the journal, so that the next writer installs the
        stored memberships instead of replaying. Nothing to do when this writer added no
        batch and replayed none, or while another writer is live (its journal stays: it would
        otherwise have to reload)."""
        if self._epoch is None and not self._reset_journal:
            return
        if self.store.read_only:
            return
        self._lock.acquire()
        try:
            if not self._lock.clear_journal():
                log.info("another story writer is live: the story journal is kept")
                return
            self._seen = self._lock.state()
            self._epoch, self._last_batch, self._stale = None, 0, True
        finally:
            self._lock.release()

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
        """Release the story lock if an ``add`` was neither committed nor rolled back, and
        leave the live writers."""
        self._pending = None
        try:
            self._lock.release()
        finally:
            self._lock.leave_writers()


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
