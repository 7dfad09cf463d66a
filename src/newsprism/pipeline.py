"""The local runner: read → clean → analyze → features → stories → store, batch by batch.

Each batch is written in one transaction (articles, analyses, features and story membership
together), so an interrupted ingest leaves whole batches only, and a re-run skips what is
already stored and finishes the job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsprism.config import Settings
from newsprism.errors import CleanError, NewsprismError, StoreUnavailableError
from newsprism.models import Article, ArticleAnalysis, Failure, RawDoc
from newsprism.read.base import one_line, printable

if TYPE_CHECKING:
    from newsprism.store import Store

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int], None]
"""Called as ``progress(event, n)`` with event ``read``, ``stored`` or ``failed``."""


@dataclass(slots=True)
class IngestReport:
    read: int = 0
    new: int = 0
    duplicate: int = 0
    failed: list[Failure] = field(default_factory=list)
    new_ids: list[str] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    unit_vectors: int = 0
    """Articles whose sentence vectors were stored (see ``newsprism.compare.vectors``)."""

    @property
    def ok(self) -> bool:
        return not self.failed


def where_of(doc: RawDoc) -> str:
    prov = doc.provenance
    return printable(f"{prov.path} {prov.locator}" if prov.locator else prov.path)


def clean_documents(
    docs: Iterable[RawDoc | Failure], settings: Settings
) -> Iterator[Article | Failure]:
    """Clean each document; a document that cannot be cleaned becomes a ``Failure``."""
    from newsprism.clean import clean_document

    for doc in docs:
        if isinstance(doc, Failure):
            yield doc
            continue
        try:
            yield clean_document(doc, settings)
        except CleanError as exc:
            yield Failure(where_of(doc), one_line(exc))
        except Exception as exc:  # a boundary: one bad record must not stop the batch
            log.exception("cleaning %s failed", where_of(doc))
            yield Failure(where_of(doc), f"cleaning failed: {type(exc).__name__}: {one_line(exc)}")


def read_articles(
    paths: Iterable[str], settings: Settings | None = None
) -> Iterator[Article | Failure]:
    """Read and clean every document under ``paths`` (no store needed)."""
    from newsprism.read import iter_documents

    settings = settings or Settings()
    docs = iter_documents(paths, settings)
    if settings.workers > 1:
        from newsprism.clean.parallel import clean_many

        yield from clean_many(docs, settings, workers=settings.workers)
    else:
        yield from clean_documents(docs, settings)


def _batches(items: Iterable[Article | Failure], size: int) -> Iterator[list[Article | Failure]]:
    batch: list[Article | Failure] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Analyzer:
    """Runs the analyze stage in this process, or in a pool of ``workers`` processes (each
    loads the models once)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._pool: Any = None

    def __enter__(self) -> Analyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def run(self, articles: list[Article]) -> list[ArticleAnalysis]:
        if self.workers == 1 or len(articles) < 2 * self.workers:
            return _analyze_chunk(articles)
        if self._pool is None:
            import multiprocessing

            self._pool = multiprocessing.get_context("spawn").Pool(self.workers)
        size = -(-len(articles) // (self.workers * 2))
        chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        results: list[ArticleAnalysis] = []
        for part in self._pool.map(_analyze_chunk, chunks):
            results.extend(part)
        return results


def _analyze_chunk(articles: list[Article]) -> list[ArticleAnalysis]:
    """The batch path of the analyze stage (spaCy ``pipe``); never raises for one article:
    a failure becomes an ``analysis_error`` flag on that article's analysis."""
    from newsprism.analyze import analyze_articles

    return list(analyze_articles(articles))


def ingest(
    paths: Iterable[str],
    store: Store,
    settings: Settings | None = None,
    *,
    analyze: bool = True,
    cluster: bool = True,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Read, clean, analyze and store everything under ``paths``; assign stories.

    Each batch (``settings.batch_size`` articles) is one transaction: its articles, analyses,
    features and story changes are stored together or not at all.
    """
    settings = settings or Settings()
    return ingest_articles(
        read_articles(paths, settings),
        store,
        settings,
        analyze=analyze,
        cluster=cluster,
        progress=progress,
    )


def ingest_articles(
    items: Iterable[Article | Failure],
    store: Store,
    settings: Settings | None = None,
    *,
    analyze: bool = True,
    cluster: bool = True,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Analyze and store articles that are already read and cleaned (failures are reported as
    they come); the rest of :func:`ingest`."""
    settings = settings or Settings()
    report = IngestReport()
    # the story service is made at the first batch with a new article (a run that stores
    # nothing does not load the stories; it only clears a journal no live writer keeps),
    # finished when every batch went through, and closed (its story lock released) however
    # the run ends
    services: list[StoryService] = []
    try:
        _ingest_batches(items, store, settings, report, analyze, cluster, progress, services)
        for service in services:
            service.finish()
        if cluster and not services:
            from newsprism.stories import clear_left_journal

            clear_left_journal(store)  # a killed run's, when no writer is live
    finally:
        for service in services:
            service.close()
    return report


def _ingest_batches(
    items: Iterable[Article | Failure],
    store: Store,
    settings: Settings,
    report: IngestReport,
    analyze: bool,
    cluster: bool,
    progress: ProgressCallback | None,
    services: list[StoryService],
) -> None:
    """The batch loop of :func:`ingest_articles`; the story service it makes is appended to
    ``services``."""
    from newsprism.store import StoredItem

    seen_in_run: set[str] = set()
    stories: StoryService | None = None
    vectors_wanted = settings.unit_vectors and analyze and cluster
    with Analyzer(settings.workers) if analyze else nullcontext() as analyzer:
        for batch in _batches(items, settings.batch_size):
            fresh: list[Article] = []
            for item in batch:
                if isinstance(item, Failure):
                    report.failed.append(item)
                    log.warning("%s", item)
                    if progress:
                        progress("failed", 1)
                    continue
                report.read += 1
                if item.id in seen_in_run or store.has_article(item.id):
                    report.duplicate += 1
                else:
                    seen_in_run.add(item.id)
                    fresh.append(item)
                if progress:
                    progress("read", 1)
            if not fresh:
                continue
            analyses: list[ArticleAnalysis | None] = [None] * len(fresh)
            if analyzer is not None:
                analyses = list(analyzer.run(fresh))
            to_store = [StoredItem(a, an) for a, an in zip(fresh, analyses, strict=True)]
            if cluster and stories is None:
                stories = _story_service(store, settings)
                services.append(stories)
            update = stories.add(to_store) if stories else None
            vectors: Sequence[tuple[str, str, bytes]] = ()
            if vectors_wanted and stories and update and update.assignments:
                made = {a.id: (a, an) for a, an in zip(fresh, analyses, strict=True)}
                try:
                    vectors = _unit_vectors(store, stories, update, made)
                except Exception as exc:  # a cache: never worth failing the ingest for
                    log.warning("sentence vectors not stored (%s); comparisons will encode", exc)
                    vectors_wanted = False
                except BaseException:
                    stories.rollback()
                    raise
            try:
                result = store.write_batch(to_store, update, vectors)
            except StoreUnavailableError:
                if stories:
                    stories.rollback()
                raise  # read-only store, full disk: no later batch could be stored either
            except NewsprismError as exc:
                if stories:
                    stories.rollback()
                for article in fresh:
                    report.failed.append(Failure(where_of_article(article), str(exc)))
                if progress:
                    progress("failed", len(fresh))
                continue
            if stories:
                stories.commit(result)
            report.new += len(result.new)
            report.duplicate += len(result.duplicate)
            report.new_ids.extend(result.new)
            report.unit_vectors += len(vectors)
            if update:
                report.stories_touched.update(update.assignments.values())
            if progress:
                progress("stored", len(result.new))


def _unit_vectors(
    store: Store,
    stories: StoryService,
    update: StoryUpdate,
    made: Mapping[str, tuple[Article, ArticleAnalysis | None]],
) -> Sequence[tuple[str, str, bytes]]:
    """Unit-vector records to store with a batch: for the analysed articles of the stories the
    batch changed that now have two articles or more, and no vectors of the current encoder yet
    (the batch's own, in ``made``, and earlier ones, read from the store). Written in the
    batch's transaction, so a re-run after a crash stores exactly what one run would."""
    from newsprism.compare.vectors import article_vectors, vectors_name

    members = stories.members(set(update.assignments.values()))
    wanted = [a for ids in members.values() if len(ids) > 1 for a in sorted(ids)]
    name = vectors_name()
    have = store.unit_vector_encoders(wanted)
    articles: list[Article] = []
    analyses: list[ArticleAnalysis] = []
    for article_id in wanted:
        if have.get(article_id) == name:
            continue
        article, analysis = made.get(article_id, (None, None))
        if article is None:
            article, analysis = store.get_article(article_id), store.get_analysis(article_id)
        if article is not None and analysis is not None:
            articles.append(article)
            analyses.append(analysis)
    return article_vectors(articles, analyses)


def where_of_article(article: Article) -> str:
    prov = article.provenance
    return f"{prov.path} {prov.locator}" if prov.locator else prov.path


def _story_service(store: Store, settings: Settings) -> StoryService:
    from newsprism.stories import StoryService

    return StoryService(store, settings)


if TYPE_CHECKING:
    from newsprism.store import StoryUpdate
    from newsprism.stories import StoryService
