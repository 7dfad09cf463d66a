"""What the web app asks of the library: stored stories, articles and search (read-only
connections, one per request), comparisons of stored stories (cached in memory by story id and
membership) and quick comparisons of uploaded text.

No new logic lives here: a stored story is compared the way ``newsprism show`` does it, an upload
the way ``newsprism compare`` does it, and storing an upload is ``newsprism ingest``.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsprism.compare import analyze_cached, compare_articles, load_stored_story
from newsprism.compare.model import Comparison
from newsprism.config import Settings
from newsprism.models import Article, ArticleAnalysis, Failure, Story
from newsprism.pipeline import IngestReport
from newsprism.store import SearchHit, SQLiteStore, Store, open_store

log = logging.getLogger(__name__)

#: Comparisons of stored stories kept in memory.
CACHE_SIZE = 64


class NotFound(LookupError):
    """No stored story or article has this id (or id prefix)."""


class Ambiguous(LookupError):
    """Several stored stories or articles start with this id prefix."""


@dataclass(slots=True)
class ComparedStory:
    """A comparison with the articles (and their analyses) it was made from."""

    comparison: Comparison
    articles: list[Article]
    analyses: list[ArticleAnalysis]
    story: Story | None = None


@dataclass(slots=True, frozen=True)
class Summary:
    """The figures the story list shows for a compared story."""

    facts: int
    shared: int
    single: int
    conflict: int
    differences: int

    @property
    def single_share(self) -> float:
        return self.single / self.facts if self.facts else 0.0

    @property
    def conflict_share(self) -> float:
        return self.conflict / self.facts if self.facts else 0.0


def summarise(comparison: Comparison) -> Summary:
    shared = sum(1 for f in comparison.facts if f.status == "shared")
    conflict_facts = {
        d.fact for d in comparison.differences if d.grade == "conflict" and d.fact is not None
    }
    return Summary(
        facts=len(comparison.facts),
        shared=shared,
        single=len(comparison.facts) - shared,
        conflict=len(conflict_facts),
        differences=len(comparison.differences),
    )


@dataclass(slots=True)
class UploadResult:
    compared: ComparedStory
    failures: list[Failure] = field(default_factory=list)
    stored: IngestReport | None = None


def membership_key(story: Story) -> tuple[str, tuple[str, ...]]:
    return story.id, tuple(sorted(story.article_ids))


class StoreService:
    """The store behind one web app: reads through read-only connections, one per request."""

    def __init__(self, db: str, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings or Settings(db=db)
        self._cache: OrderedDict[tuple[str, tuple[str, ...]], ComparedStory] = OrderedDict()
        self._cache_lock = threading.Lock()
        # One comparison at a time: the tagger and encoder are shared, and on a small machine
        # two comparisons at once are no faster than one after the other.
        self._compare_lock = threading.Lock()
        self._entities: dict[str, frozenset[str]] = {}

    # ------------------------------------------------------------------ reading

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A read-only store; on SQLite every read inside sees one snapshot (one transaction),
        so a page never mixes two states of a store that an ingest is writing."""
        store = open_store(self.db, read_only=True)
        try:
            if isinstance(store, SQLiteStore):
                with store.snapshot():
                    yield store
            else:
                yield store
        finally:
            store.close()

    def stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        entity: str | None = None,
    ) -> list[Story]:
        """Stories active on or after ``since`` and on or before ``until``; with ``entity``,
        only those whose articles name it (a part of a name, an alias or a key)."""
        with self.reader() as store:
            stories = store.stories(since=since)
            if until:
                stories = [s for s in stories if s.first_seen is None or s.first_seen <= until]
            if entity and entity.strip():
                needle = entity.strip().casefold()
                stories = [
                    s
                    for s in stories
                    if any(needle in name for a in s.article_ids for name in self._names(store, a))
                ]
        return stories

    def _names(self, store: Store, article_id: str) -> frozenset[str]:
        names = self._entities.get(article_id)
        if names is None:
            analysis = store.get_analysis(article_id)
            found: set[str] = set()
            for e in analysis.entities if analysis else ():
                found.update(x.casefold() for x in (e.key, e.name, *e.aliases))
            names = self._entities[article_id] = frozenset(found)
        return names

    def story(self, story_id: str) -> Story:
        with self.reader() as store:
            return _one_story(store.stories(), story_id)

    def articles(
        self, *, since: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[Article]:
        with self.reader() as store:
            out: list[Article] = []
            for n, article in enumerate(store.iter_articles(since=since)):
                if n < offset:
                    continue
                if limit is not None and len(out) >= limit:
                    break
                out.append(article)
            return out

    def article(self, article_id: str) -> tuple[Article, ArticleAnalysis | None, str | None]:
        """The article (an id prefix is enough), its analysis and its story id."""
        with self.reader() as store:
            ids = store.find_article_ids(article_id)
            if not ids:
                raise NotFound(f"{article_id}: no such article")
            if len(ids) > 1:
                raise Ambiguous(f"{article_id}: {len(ids)} articles match")
            article = store.get_article(ids[0])
            if article is None:  # deleted between the two reads: not on SQLite (one snapshot)
                raise NotFound(f"{article_id}: no such article")
            story = store.story_assignments().get(article.id)
            return article, store.get_analysis(article.id), story[0] if story else None

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        if not query.strip():
            return []
        with self.reader() as store:
            return store.search(query, limit=limit)

    def story_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Article id → story id for the given articles."""
        with self.reader() as store:
            assigned = store.story_assignments()
        return {a: assigned[a][0] for a in article_ids if a in assigned}

    # ------------------------------------------------------------------ comparing

    def cached_summary(self, story: Story) -> Summary | None:
        with self._cache_lock:
            hit = self._cache.get(membership_key(story))
        return summarise(hit.comparison) if hit else None

    def compare_story(self, story_id: str) -> ComparedStory:
        """The comparison of a stored story (an id prefix is enough), as ``newsprism show``
        makes it; cached by story id and membership."""
        with self.reader() as store:
            story = _one_story(store.stories(), story_id)
            key = membership_key(story)
            with self._cache_lock:
                hit = self._cache.get(key)
                if hit is not None:
                    self._cache.move_to_end(key)
                    return hit
            loaded = load_stored_story(store, story)
        with self._compare_lock:
            with self._cache_lock:  # another request may have made it meanwhile
                hit = self._cache.get(key)
            if hit is not None:
                return hit
            comparison = compare_articles(
                loaded.articles,
                loaded.analyses,
                origins=loaded.origins,
                stored_vectors=loaded.vectors,
            )
        articles, analyses = loaded.articles, loaded.analyses
        made = ComparedStory(comparison, articles, analyses, story)
        with self._cache_lock:
            self._cache[key] = made
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return made

    def warm(self) -> None:
        """Compare every stored story with more than one article (for the story list)."""
        try:
            for story in self.stories():
                if len(story.article_ids) > 1:
                    self.compare_story(story.id)
        except Exception:  # a background boundary: pages still compare on demand
            log.exception("comparing the stored stories in the background failed")

    def compare_upload(
        self, documents: Sequence[tuple[str, bytes]], *, store: bool = False
    ) -> UploadResult:
        """Compare uploaded or pasted documents (name, content) as ``newsprism compare`` does;
        with ``store``, also ingest them as ``newsprism ingest`` does.

        Raises ``CompareError`` when no document is a readable article."""
        from newsprism.compare import CompareError
        from newsprism.compare.inputs import select_story
        from newsprism.compare.story import read_inputs
        from newsprism.pipeline import ingest_articles

        with tempfile.TemporaryDirectory(prefix="newsprism-upload-") as tmp:
            paths = _write_documents(Path(tmp), documents)
            inputs = read_inputs([str(p) for p in paths], self.settings)
            articles = inputs.articles
            failures = [_public_failure(f, tmp) for f in inputs.failures]
            notes = inputs.notes
            if not articles:
                detail = f": {failures[0]}" if failures else ""
                raise CompareError(f"no readable article among {len(paths)} input(s){detail}")
            with self._compare_lock:
                # as `newsprism compare`: other stories and untranslatable texts are left out
                chosen = select_story(articles, analyze_cached, self.settings)
                comparison = compare_articles(
                    chosen.articles, chosen.analyses, origins=chosen.origins
                )
                notes = notes + chosen.notes
                report = None
                if store:  # every upload is stored; the store's stories keep them apart
                    uploaded = [_uploaded(a, tmp) for a in articles]
                    with open_store(self.db) as writable:
                        report = ingest_articles(uploaded, writable, self.settings)
                    report.failed = [_public_failure(f, tmp) for f in report.failed]
            comparison.failures = failures
            comparison.notes = [_public(n, tmp) for n in notes + comparison.notes]
            for info in comparison.articles:
                info.path = _public(info.path, tmp)
        compared = ComparedStory(comparison, chosen.articles, chosen.analyses)
        return UploadResult(compared, failures, report)


def _one_story(stories: Sequence[Story], story_id: str) -> Story:
    found = [s for s in stories if s.id == story_id] or [
        s for s in stories if s.id.startswith(story_id)
    ]
    if not found:
        raise NotFound(f"{story_id}: no such story")
    if len(found) > 1:
        raise Ambiguous(f"{story_id}: several stories match")
    return found[0]


_SAFE_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_KNOWN_SUFFIXES = frozenset(
    {".txt", ".html", ".htm", ".jsonl", ".json", ".gz", ".xml", ".rss", ".atom", ".warc"}
)


def _write_documents(folder: Path, documents: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Each document in its own file under ``folder`` (names made safe; never outside it)."""
    paths: list[Path] = []
    for n, (name, content) in enumerate(documents, start=1):
        base = "".join(c if c in _SAFE_NAME else "_" for c in Path(name or "").name)[-80:]
        base = base.lstrip(".") or "pasted.txt"
        if Path(base).suffix.lower() not in _KNOWN_SUFFIXES:
            base += ".txt"
        path = folder / f"{n:03d}_{base}"
        path.write_bytes(content)
        paths.append(path)
    return paths


def _public(text: str, tmp: str) -> str:
    """``text`` with the temporary folder and the file-number prefix taken out of the uploads'
    names (``/tmp/…/002_name.txt`` → ``name.txt``)."""
    return re.sub(re.escape(tmp) + r"[/\\]\d{3}_", "", text)


def _uploaded(article: Article, tmp: str) -> Article:
    """The article as stored from an upload: its provenance names the uploaded file
    (``upload:name.txt``), not the temporary folder it was read from."""
    where = replace(article.provenance, path="upload:" + _public(article.provenance.path, tmp))
    return replace(article, provenance=where)


def _public_failure(failure: Failure, tmp: str) -> Failure:
    return Failure(_public(failure.where, tmp), _public(failure.reason, tmp))
