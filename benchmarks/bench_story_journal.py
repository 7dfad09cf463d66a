"""What the story journal costs: writing it with each batch, replaying it after a crash, and
catching up on another writer's batches (against the full reload it replaces).

Corpus: ``synthetic_news.generate`` (ECB+ sentences recombined into dated stories), analysis
off, stories on, 50 articles a batch, one SQLite file per case. All cases run in this one
process, one after another; ratios compare cases of the same run.

Usage: ``python benchmarks/bench_story_journal.py [--articles N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA, machine, peak_rss_mb, require, write_result
from newsprism.cluster import StoryClusterer
from newsprism.config import Settings
from newsprism.models import Article
from newsprism.store import Store, StoredItem, StoryUpdate, open_store
from newsprism.stories import StoryService
from synthetic_news import generate

BATCH = 50


def _store_batches(
    store: Store, service: StoryService, batches: list[list[Article]], journal: bool = True
) -> list[float]:
    """Store the batches with ``service``; the write time of each (journal record included,
    or left out when ``journal`` is False)."""
    times = []
    for batch in batches:
        items = [StoredItem(a) for a in batch]
        update = service.add(items)
        if not journal:  # the same write without the journal record (and its clear)
            update = StoryUpdate(update.assignments, update.origins, update.events, None)
        start = time.perf_counter()
        result = store.write_batch(items, update)
        times.append(time.perf_counter() - start)
        service.commit(result)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    args = parser.parse_args()
    ecb = require(DATA / "ecbplus" / "ecbplus_docs.jsonl.gz")
    articles, _ = generate(ecb, args.articles, seed=3)
    batches = [articles[i : i + BATCH] for i in range(0, len(articles), BATCH)]
    settings = Settings(batch_size=BATCH)
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        # 1. write cost: the same batches with and without the journal record
        with open_store(Path(tmp) / "plain.db") as store:
            service = StoryService(store, settings)
            plain = _store_batches(store, service, batches, journal=False)
            service.close()
        with open_store(Path(tmp) / "journal.db") as store:
            service = StoryService(store, settings)
            start = time.perf_counter()
            journaled = _store_batches(store, service, batches)
            ingest_wall = time.perf_counter() - start
            # the run "dies" here: no finish, the journal holds every batch (its locks go
            # with the process)
            service.close()
        write_ratio = statistics.median(journaled) / statistics.median(plain)
        rows.append(
            (
                "write_batch, median per batch of 50: with journal / without",
                f"{statistics.median(journaled) * 1000:.1f} ms / "
                f"{statistics.median(plain) * 1000:.1f} ms = {write_ratio:.2f}",
            )
        )
        # 2. opening after a crash: replay of the whole journal vs installing the memberships
        target = Path(tmp) / "journal.db"
        with open_store(target) as store:
            start = time.perf_counter()
            replaying = StoryService(store, settings)
            replay_s = time.perf_counter() - start
            assert replaying.replayed == len(batches)
            replaying.finish()  # clears the journal: the next open installs
            replaying.close()
            start = time.perf_counter()
            installing = StoryService(store, settings)
            install_s = time.perf_counter() - start
            assert installing.replayed == 0
            installing.close()
        rows.append(
            (
                f"open after a kill, {len(articles)} articles all in the journal: replay / install",
                f"{replay_s:.2f} s / {install_s:.2f} s = {replay_s / install_s:.2f} "
                f"(the killed ingest's own clustering took {ingest_wall:.2f} s incl. writes)",
            )
        )
        # 3. two writers taking turns: catching up on one batch vs the full reload of before
        target = Path(tmp) / "two.db"
        half = len(batches) // 2
        with open_store(target) as one:
            service = StoryService(one, settings)
            _store_batches(one, service, batches[:half])
            service.finish()
            service.close()
        catch_up: list[float] = []
        reload: list[float] = []
        with open_store(target) as one, open_store(target) as two:
            first, second = StoryService(one, settings), StoryService(two, settings)
            # each writer's first batch: the second starts the journal, the first (whose epoch
            # is unknown) reloads once; both then know the journal
            _store_batches(two, second, batches[half : half + 1])
            _store_batches(one, first, batches[half + 1 : half + 2])
            for number, batch in enumerate(batches[half + 2 : half + 12]):
                store, service = (one, first) if number % 2 == 0 else (two, second)
                service._lock.acquire()  # what ``add`` does first, timed apart
                start = time.perf_counter()
                if service._lock.state() != service._seen:
                    service._catch_up()
                catch_up.append(time.perf_counter() - start)
                items = [StoredItem(a) for a in batch]
                service.commit(store.write_batch(items, service.add(items)))
                start = time.perf_counter()  # what catching up replaces: the old full reload
                StoryClusterer(settings).load(service._stored_features())
                reload.append(time.perf_counter() - start)
            assert (first.replayed, second.replayed) == (1, 0)  # no reload while timed
        rows.append(
            (
                f"another writer's batch, store of ~{len(articles) // 2} articles: catch up / "
                "full reload (median of 10)",
                f"{statistics.median(catch_up) * 1000:.0f} ms / "
                f"{statistics.median(reload) * 1000:.0f} ms = "
                f"{statistics.median(catch_up) / statistics.median(reload):.3f}",
            )
        )
    load = os.getloadavg()[0]
    lines = [
        "## story journal",
        "",
        f"Machine: {machine()}; load average {load:.1f} at the end.",
        "",
        f"Corpus: {len(articles)} synthetic articles (ECB+ sentences, `synthetic_news.py`, "
        f"seed 3), analysis off, {BATCH} articles a batch, SQLite. One process, cases one "
        "after another.",
        "",
        "| case | result |",
        "|---|---|",
        *(f"| {case} | {result} |" for case, result in rows),
        "",
        f"Peak memory: {peak_rss_mb():.0f} MiB.",
    ]
    path = write_result("story_journal", "\n".join(lines))
    print("\n".join(lines))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
