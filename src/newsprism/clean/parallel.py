"""Cleaning in worker processes: ``clean_many`` cleans a stream of documents in order.

Cleaning is pure Python and holds one core; reading and writing the store can go on beside it.
``clean_many(docs, settings, workers=2)`` hands documents to worker processes in chunks and
yields the results in the order of its input, with a bounded number of chunks in flight (so a
slow consumer never makes it read ahead without limit).

Each document gets the same boundary as in-process cleaning (``clean_or_failure``): a document
that cannot be cleaned becomes a one-line ``Failure``, never an exception. If a worker process
dies (a crash in a native library), the documents of the chunks in flight become failures, a
new pool takes over, and after ``_MAX_RESTARTS`` the rest is cleaned in this process.

Workers are started with ``spawn`` (nothing of the parent, such as an open SQLite connection,
is inherited) and load the language model and word lists before their first chunk. A pool
takes a few tenths of a second to start, so a short input (fewer than ``min_parallel``
documents) is cleaned in this process; once started, the pool is kept for later calls in the
same process (``shutdown_workers`` stops it).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from newsprism.config import Settings
from newsprism.errors import CleanError
from newsprism.models import Article, Failure, RawDoc
from newsprism.read.base import one_line, printable

logger = logging.getLogger(__name__)

CHUNK_SIZE = 32
"""Plain-text documents sent to a worker at a time (fewer HTML pages: ``HTML_WEIGHT``)."""
HTML_WEIGHT = 16
"""An HTML page takes about as long to clean as this many plain-text documents."""
IN_FLIGHT_PER_WORKER = 8
"""Chunks queued or being cleaned per worker: enough for the workers to go on while the
consumer writes a batch to the store (about 500 documents in flight with two workers)."""
MIN_PARALLEL = 128
"""Inputs shorter than this are cleaned in this process."""
_MAX_RESTARTS = 2

Item = RawDoc | Failure
Result = Article | Failure


def where_of(doc: RawDoc) -> str:
    """The file (and record) a document came from, as failures name it."""
    prov = doc.provenance
    return printable(f"{prov.path} {prov.locator}" if prov.locator else prov.path)


def clean_or_failure(doc: Item, settings: Settings) -> Result:
    """``clean_document``, with a document that cannot be cleaned turned into a ``Failure``
    (a ``Failure`` given is passed through)."""
    from newsprism.clean.pipeline import clean_document

    if isinstance(doc, Failure):
        return doc
    try:
        return clean_document(doc, settings)
    except CleanError as exc:
        return Failure(where_of(doc), one_line(exc))
    except Exception as exc:  # the boundary: one bad record must not stop the batch
        logger.exception("cleaning %s failed", where_of(doc))
        return Failure(where_of(doc), f"cleaning failed: {type(exc).__name__}: {one_line(exc)}")


def _clean_chunk(chunk: list[Item], settings: Settings) -> list[Result]:
    return [clean_or_failure(doc, settings) for doc in chunk]


def _warm_up() -> None:
    """Load what cleaning loads lazily (language model, word lists) before the first chunk."""
    from newsprism.clean.language import detect_language
    from newsprism.clean.wordlist import word_lists

    word_lists()
    detect_language("A short English sentence to load the language model with, once.")


def _weight(item: Item) -> int:
    return HTML_WEIGHT if isinstance(item, RawDoc) and item.html else 1


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    """Chunks of about ``size`` plain-text documents' worth of work (an HTML page counts as
    ``HTML_WEIGHT``: extracting its text costs that much more)."""
    chunk: list[Item] = []
    weight = 0
    for item in items:
        chunk.append(item)
        weight += _weight(item)
        if weight >= size:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def clean_many(
    docs: Iterable[Item],
    settings: Settings | None = None,
    workers: int = 2,
    *,
    chunk_size: int = CHUNK_SIZE,
    min_parallel: int = MIN_PARALLEL,
) -> Iterator[Result]:
    """Clean every document of ``docs`` with ``workers`` processes (1: in this process),
    yielding an ``Article`` or a ``Failure`` for each, in input order."""
    settings = settings or Settings()
    items = iter(docs)
    if workers <= 1:
        for doc in items:
            yield clean_or_failure(doc, settings)
        return
    head = list(islice(items, min_parallel))
    if len(head) < min_parallel:
        for doc in head:
            yield clean_or_failure(doc, settings)
        return
    yield from _clean_in_pool(_prepend(head, items), settings, workers, max(1, chunk_size))


def _prepend(head: list[Item], rest: Iterator[Item]) -> Iterator[Item]:
    yield from head
    yield from rest


_pools: dict[int, ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """The pool of ``workers`` processes, started on first use and kept for later calls."""
    import multiprocessing

    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up)
            _pools[workers] = pool
        return pool


def _discard(workers: int, pool: ProcessPoolExecutor) -> None:
    with _pools_lock:
        if _pools.get(workers) is pool:
            del _pools[workers]
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown_workers() -> None:
    """Stop the worker processes kept for later ``clean_many`` calls (Python stops them at
    exit too)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _clean_in_pool(
    items: Iterator[Item], settings: Settings, workers: int, chunk_size: int
) -> Iterator[Result]:
    chunks = _chunks(items, chunk_size)
    limit = workers * IN_FLIGHT_PER_WORKER
    restarts = 0
    while True:
        # A chunk stays in ``pending`` until its results are out, so a broken pool can
        # account for every document it took.
        pending: deque[list[Item]] = deque()
        futures: deque[Future[list[Result]]] = deque()
        pool = _pool(workers)
        try:
            for chunk in chunks:
                pending.append(chunk)
                futures.append(pool.submit(_clean_chunk, chunk, settings))
                while len(futures) >= limit:
                    yield from _next_results(pending, futures)
            while futures:
                yield from _next_results(pending, futures)
            return
        except BrokenProcessPool as exc:
            _discard(workers, pool)
            restarts += 1
            logger.error("a cleaning worker died (%s); %d chunks lost", exc, len(pending))
            for chunk in pending:
                for doc in chunk:
                    yield _lost(doc)
            if restarts > _MAX_RESTARTS:
                logger.error("cleaning workers keep dying: cleaning in this process")
                for chunk in chunks:
                    yield from _clean_chunk(chunk, settings)
                return
        finally:
            for future in futures:  # the caller stopped early: drop what is still queued
                future.cancel()


def _next_results(pending: deque[list[Item]], futures: deque[Future[list[Result]]]) -> list[Result]:
    """The results of the oldest chunk in flight (waiting for them), taken off both queues."""
    results = futures[0].result()
    futures.popleft()
    pending.popleft()
    return results


def _lost(doc: Item) -> Result:
    if isinstance(doc, Failure):
        return doc
    return Failure(where_of(doc), "cleaning failed: the worker process cleaning it died")
