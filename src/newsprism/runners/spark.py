"""The Spark runner: the ingest stages distributed over an Apache Spark cluster (or local[N]).

Input files are listed on the driver and spread over partitions; a ``mapInArrow`` task runs
read → clean → analyze → features per partition with the library's own functions
(:mod:`newsprism.runners.spark_tasks`). Stories are then assigned either

* ``driver`` (default up to ``DRIVER_CLUSTER_LIMIT`` new articles): features are collected to
  the driver and fed, in the local runner's order and batches, to the same online clusterer:
  the stories are exactly the local runner's; or
* ``windowed``: the local *batch* clustering (``cluster --rebuild``) of the stored and the new
  articles, computed on the cluster (:mod:`newsprism.runners.spark_cluster`: near-duplicates
  by a shuffle on MinHash LSH band keys, neighbours per overlapping time block, agglomeration
  of the graph on the driver): the stories are exactly the batch rebuild's.

Results go to a PostgreSQL store from the partitions themselves, one connection per
partition and one transaction per batch (:mod:`newsprism.runners.spark_write`; idempotent, so
a retried task leaves no partial batch and no duplicate), to an SQLite store from the driver
(one transaction per ``batch_size`` articles, after the Spark stages have finished), or to a
Parquet directory.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.config import Settings
from newsprism.errors import ConfigError
from newsprism.models import Failure, StoryEvent
from newsprism.pipeline import IngestReport, ProgressCallback
from newsprism.runners import require_spark
from newsprism.runners.spark_tasks import ROW_SCHEMA, TASK_SCHEMA, process_files
from newsprism.runners.spark_write import WRITE_SCHEMA, StoreOpener, write_partition
from newsprism.stories import story_lock

if TYPE_CHECKING:
    from newsprism.store import Store
    from newsprism.stories import RebuildReport

log = logging.getLogger(__name__)

DRIVER_CLUSTER_LIMIT = 50_000
"""Above this many new articles, ``auto`` uses ``windowed`` (batch clustering on the cluster):
the online clusterer grows faster than linearly (10k articles 15 s, 30k 63 s in
clustering.md)."""
SPLIT_BYTES = 4 << 20
FEATURES_VERSION = "docvec.v1"


def spark_session(master: str = "local[2]", driver_memory: str = "2g") -> Any:
    """A Spark session for the runner (reuses an active one). ``local[N]`` becomes
    ``local[N,4]``: local mode then retries a failed task as a cluster does."""
    require_spark()
    local = re.fullmatch(r"local\[(\d+|\*)\]", master)
    if local:
        master = f"local[{local.group(1)},4]"
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("newsprism")
        .config("spark.driver.memory", driver_memory)
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.python.worker.reuse", "true")
        .config("spark.task.maxFailures", "4")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    return builder.getOrCreate()


def list_inputs(paths: Iterable[str]) -> list[str]:
    """Every input file under ``paths`` in the local runner's order (directories recursively in
    name order, hidden names skipped, files of no known extension skipped)."""
    from newsprism.read.sniff import EXTENSIONS, extension

    out: list[str] = []
    for given in paths:
        if given == "-":
            raise ConfigError("the Spark runner cannot read standard input; give files")
        if not os.path.isdir(given):
            out.append(given)
            continue
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                ext = extension(Path(name))
                if not name.startswith(".") and (not ext or ext in EXTENSIONS):
                    out.append(os.path.join(root, name))
    return out


def split_inputs(files: Sequence[str], split_bytes: int = SPLIT_BYTES) -> list[tuple[Any, ...]]:
    """Input tasks ``(file_index, path, start, end, lines)``: an uncompressed ``.jsonl`` file
    over ``split_bytes`` is cut at line ends into slices (``lines`` = lines before ``start``, for
    line numbers in failures and provenance); any other file is one task (``start`` = -1)."""
    tasks: list[tuple[Any, ...]] = []
    for i, path in enumerate(files):
        try:
            size = os.path.getsize(path)
            with open(path, "rb") as fh:
                gz = fh.read(2) == b"\x1f\x8b"
        except OSError:
            size, gz = 0, True
        if gz or size <= split_bytes or not path.lower().endswith((".jsonl", ".ndjson")):
            tasks.append((i, path, -1, -1, -1))
            continue
        start = lines = 0
        with open(path, "rb") as fh:
            while start < size:
                fh.seek(start)
                data = fh.read(split_bytes)
                cut = data.rfind(b"\n") + 1 if len(data) == split_bytes else len(data)
                if cut == 0:  # one line longer than a slice: extend to its end
                    rest = fh.readline()
                    data, cut = data + rest, len(data) + len(rest)
                tasks.append((i, path, start, start + cut, lines))
                lines += data.count(b"\n", 0, cut)
                start += cut
    return tasks


def windowed_clusters(
    spark: Any,
    feats: Any,
    settings: Settings,
    block_size: int | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[list[list[str]], dict[str, str]]:
    """Clusters and origins of ``feats`` (a DataFrame of article_id, features): the local batch
    clustering computed on the cluster (:mod:`newsprism.runners.spark_cluster`)."""
    from newsprism.runners.spark_cluster import spark_batch_clusters

    return spark_batch_clusters(spark, feats, settings, block_size=block_size, timings=timings)


def _online(
    store: Store | None, settings: Settings, features: Iterator[tuple[str, bytes]]
) -> tuple[dict[str, str], dict[str, str], list[StoryEvent], dict[str, str]]:
    """The local runner's clustering: the online clusterer in batches of ``batch_size``."""
    from newsprism.cluster import StoryClusterer, features_from_bytes

    clusterer = StoryClusterer(settings)
    if store is not None:
        known = [
            (features_from_bytes(blob), sid)
            for _, version, blob, sid in store.iter_features()
            if sid is not None and version == FEATURES_VERSION
        ]
        if known:
            clusterer.load(known)
    before = clusterer.assignments()
    events: list[StoryEvent] = []
    batch: list[Any] = []
    for _aid, blob in features:
        batch.append(features_from_bytes(blob))
        if len(batch) >= settings.batch_size:
            events.extend(clusterer.add(batch))
            batch = []
    if batch:
        events.extend(clusterer.add(batch))
    return clusterer.assignments(), clusterer.origins(), events, before


def run_spark_ingest(
    paths: Sequence[str],
    target: Store | str | Path,
    settings: Settings | None = None,
    *,
    master: str = "local[2]",
    analyze: bool = True,
    cluster: bool = True,
    cluster_mode: str = "auto",
    progress: ProgressCallback | None = None,
    spark: Any = None,
    split_bytes: int = SPLIT_BYTES,
    timings: dict[str, float] | None = None,
    partition_writers: bool | None = None,
    partition_store: StoreOpener | None = None,
) -> IngestReport:
    """Ingest ``paths`` on Spark into ``target``: a ``Store`` (SQLite or PostgreSQL), or a
    directory path for Parquet output (``articles/`` and ``failures/``).

    ``cluster_mode``: ``driver`` (the local runner's online clustering, identical stories),
    ``windowed`` (time blocks on the cluster) or ``auto`` (driver up to
    ``DRIVER_CLUSTER_LIMIT`` articles). JSON lines files over ``split_bytes`` are read in
    slices by several tasks. ``timings``, when given, receives the seconds of each step
    (``session``, ``stages`` = read/clean/analyze/features on the cluster, ``cluster``,
    ``write``).

    ``partition_writers`` (default: on for a PostgreSQL store): each partition writes its own
    batches to the store over its own connection (:mod:`newsprism.runners.spark_write`)
    instead of the driver writing them all; story changes of previously stored articles and
    the story events follow from the driver in one last transaction. ``partition_store``:
    how a partition opens the store from its URL (default ``open_store``; tests pass one that
    fails on purpose)."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    settings = settings or Settings()
    if cluster_mode not in ("auto", "driver", "windowed"):
        raise ConfigError(f"unknown cluster mode {cluster_mode!r}")
    store: Store | None = None if isinstance(target, str | Path) else target
    report = IngestReport()
    files = list_inputs(paths)
    if not files:
        return report
    clock = _Clock(timings)
    spark = spark or spark_session(master)
    clock.lap("session")
    sc = spark.sparkContext
    tasks = split_inputs(files, split_bytes)
    slices = max(1, min(len(tasks), sc.defaultParallelism * 4))
    inputs = sc.parallelize(tasks, slices).toDF(TASK_SCHEMA)
    rows = inputs.mapInArrow(
        partial(process_files, settings=settings, analyze=analyze), ROW_SCHEMA
    ).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        for r in rows.filter("kind = 'failure'").orderBy("seq").select("where", "reason").collect():
            report.failed.append(Failure(r["where"], r["reason"]))
            log.warning("%s: %s", r["where"], r["reason"])
        if progress and report.failed:
            progress("failed", len(report.failed))
        arts = rows.filter("kind = 'article'")
        report.read = arts.count()
        clock.lap("stages")
        first = Window.partitionBy("article_id").orderBy("seq")
        unique = arts.withColumn("_n", F.row_number().over(first)).filter("_n = 1").drop("_n")
        ids = [r["article_id"] for r in unique.orderBy("seq").select("article_id").collect()]
        stored = {a for a in ids if store is not None and store.has_article(a)}
        report.duplicate = report.read - len(ids) + len(stored)
        fresh_ids = [a for a in ids if a not in stored]
        if progress:
            progress("read", report.read)
        fresh = unique
        if stored:
            known = spark.createDataFrame([(a,) for a in stored], "article_id string")
            fresh = unique.join(F.broadcast(known), "article_id", "left_anti")
        # stories are computed from the stored ones and written under the store's story
        # lock, so a concurrent ingest never assigns from a state this run is changing
        locked = story_lock(store) if store is not None and cluster else nullcontext()
        with locked:
            assign, origins, events, before = _assign(
                spark, fresh, store, settings, cluster, cluster_mode, len(fresh_ids), timings
            )
            clock.lap("cluster")
            url = getattr(store, "url", None) if store is not None else None
            if partition_writers is None:
                partition_writers = store is not None and store.engine == "postgresql"
            if store is None:
                _write_parquet(spark, Path(str(target)), fresh, assign, origins, report)
            elif partition_writers:
                if not isinstance(url, str):
                    raise ConfigError("per-partition writers need a store reachable by URL")
                _write_partitions(
                    spark, store, url, fresh, settings, (assign, origins, events, before),
                    report, progress, partition_store,
                )  # fmt: skip
            else:
                _write_store(
                    store, fresh, settings, assign, origins, events, before, report, progress
                )
        clock.lap("write")
        new_set = set(fresh_ids)
        report.stories_touched.update(
            s for a, s in assign.items() if a in new_set or before.get(a) != s
        )
    finally:
        rows.unpersist()
    return report


class _Clock:
    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[name] = self.into.get(name, 0.0) + now - self.last
        self.last = now


def _assign(
    spark: Any,
    fresh: Any,
    store: Store | None,
    settings: Settings,
    cluster: bool,
    mode: str,
    n: int,
    timings: dict[str, float] | None = None,
) -> tuple[dict[str, str], dict[str, str], list[StoryEvent], dict[str, str]]:
    if not cluster:
        return {}, {}, [], {}
    if mode == "driver" or (mode == "auto" and n <= DRIVER_CLUSTER_LIMIT):
        feats = ((r["article_id"], bytes(r["features"])) for r in
                 fresh.orderBy("seq").select("article_id", "features").toLocalIterator())  # fmt: skip
        return _online(store, settings, feats)
    # windowed: the local batch re-clustering of everything stored plus the new articles
    # (``ingest`` without stories, then ``cluster --rebuild``), computed on the cluster
    from newsprism.cluster.batch import map_ids, relabel_events

    previous = {a: s for a, (s, _) in store.story_assignments().items()} if store else {}
    feats = fresh.select("article_id", "features")
    if store is not None:
        known = [
            (aid, blob)
            for aid, version, blob, _ in store.iter_features()
            if version == FEATURES_VERSION
        ]
        if known:
            feats = feats.unionByName(
                spark.createDataFrame(known, "article_id string, features binary")
            )
    steps: dict[str, float] = {}
    clusters, origins = windowed_clusters(spark, feats, settings, timings=steps)
    if timings is not None:
        timings.update({f"cluster.{k}": v for k, v in steps.items()})
    story_ids = map_ids(clusters, previous)
    assign = {a: sid for members, sid in zip(clusters, story_ids, strict=True) for a in members}
    events, _ = relabel_events(clusters, story_ids, previous)
    return assign, origins, events, previous


def _batches(frame: Any, size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in frame.orderBy("seq").toLocalIterator():
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_store(
    store: Store,
    fresh: Any,
    settings: Settings,
    assign: dict[str, str],
    origins: dict[str, str],
    events: list[StoryEvent],
    before: dict[str, str],
    report: IngestReport,
    progress: ProgressCallback | None,
) -> None:
    """One transaction per batch; story changes of earlier articles go with the last batch."""
    from newsprism.errors import NewsprismError
    from newsprism.serialize import analysis_from_dict, article_from_dict
    from newsprism.store import StoredItem, StoryUpdate

    cols = ["seq", "article_id", "article_json", "analysis_json", "features", "where"]
    pending = _batches(fresh.select(*cols), settings.batch_size)
    current = next(pending, None)
    while current is not None:
        following = next(pending, None)
        items = []
        for r in current:
            an = r["analysis_json"]
            items.append(
                StoredItem(
                    article_from_dict(json.loads(r["article_json"])),
                    analysis_from_dict(json.loads(an)) if an else None,
                    bytes(r["features"]),
                    FEATURES_VERSION,
                )
            )
        ids = [it.article.id for it in items]
        update = None
        if assign:
            last = following is None
            changed = (
                {a: s for a, s in assign.items() if before.get(a) != s and a not in set(ids)}
                if last
                else {}
            )
            update = StoryUpdate(
                assignments={**{a: assign[a] for a in ids if a in assign}, **changed},
                origins={a: origins[a] for a in [*ids, *changed] if a in origins},
                events=events if last else (),
            )
        try:
            result = store.write_batch(items, update)
        except NewsprismError as exc:
            report.failed.extend(Failure(r["where"], str(exc)) for r in current)
            current = following
            continue
        report.new += len(result.new)
        report.duplicate += len(result.duplicate)
        report.new_ids.extend(result.new)
        if progress:
            progress("stored", len(result.new))
        current = following


def _write_partitions(
    spark: Any,
    store: Store,
    url: str,
    fresh: Any,
    settings: Settings,
    stories: tuple[dict[str, str], dict[str, str], list[StoryEvent], dict[str, str]],
    report: IngestReport,
    progress: ProgressCallback | None,
    opener: StoreOpener | None,
) -> None:
    """Each partition writes its own batches (one connection per partition); the driver then
    writes the story changes of earlier articles and the events in one transaction."""
    from pyspark.sql import functions as F

    from newsprism.store import StoryUpdate

    assign, origins, events, before = stories
    cols = ["seq", "article_id", "article_json", "analysis_json", "features", "where"]
    frame = fresh.select(*cols)
    if assign:
        story_rows = spark.createDataFrame(
            [(a, s, origins.get(a, a)) for a, s in assign.items()],
            "article_id string, story_id string, origin_id string",
        )
        frame = frame.join(story_rows, "article_id", "left")
    else:
        frame = frame.withColumn("story_id", F.lit(None).cast("string")).withColumn(
            "origin_id", F.lit(None).cast("string")
        )
    body = partial(
        write_partition,
        url=url,
        batch_size=settings.batch_size,
        features_version=FEATURES_VERSION,
        opener=opener,
    )
    rows = (
        frame.sortWithinPartitions("seq")
        .select(*cols[1:], "story_id", "origin_id")
        .mapInArrow(body, WRITE_SCHEMA)
        .collect()
    )
    written = 0
    for r in rows:
        if r["status"] == "failed":
            report.failed.append(Failure(r["where"], r["reason"]))
            continue
        # new to this run: the driver found it absent before the run (a batch that a killed
        # attempt had committed reads as a duplicate to the retry, and is counted here)
        written += 1
        report.new_ids.append(r["article_id"])
    report.new += written
    if progress:
        progress("stored", written)
    changed = {a: s for a, s in assign.items() if a in before and before[a] != s}
    if changed or events:
        store.write_batch(
            [],
            StoryUpdate(
                assignments=changed,
                origins={a: origins[a] for a in changed if a in origins},
                events=events,
            ),
        )


def _write_parquet(
    spark: Any,
    out: Path,
    fresh: Any,
    assign: dict[str, str],
    origins: dict[str, str],
    report: IngestReport,
) -> None:
    stories = spark.createDataFrame(
        [(a, s, origins.get(a, a)) for a, s in assign.items()],
        "article_id string, story_id string, origin_id string",
    )
    (
        fresh.drop("kind", "reason")
        .join(stories, "article_id", "left")
        .write.mode("overwrite")
        .parquet(str(out / "articles"))
    )
    failed = [(f.where, f.reason) for f in report.failed]
    spark.createDataFrame(failed, "where string, reason string").write.mode("overwrite").parquet(
        str(out / "failures")
    )
    report.new = fresh.count()


def run_spark_cluster(
    store: Store,
    settings: Settings | None = None,
    *,
    master: str = "local[2]",
    spark: Any = None,
) -> RebuildReport:
    """Re-cluster every stored article on Spark, keeping story ids by overlap: the Spark
    counterpart of :func:`newsprism.stories.rebuild_stories`, with the same stories."""
    from newsprism.cluster import compute_features, features_to_bytes
    from newsprism.cluster.batch import map_ids, relabel_events
    from newsprism.store import StoredItem, StoryUpdate
    from newsprism.stories import RebuildReport, story_lock

    settings = settings or Settings()
    with story_lock(store):
        stored = {aid: (v, blob) for aid, v, blob, _ in store.iter_features()}
        missing = [
            a for a in store.iter_articles() if stored.get(a.id, ("", b""))[0] != FEATURES_VERSION
        ]
        items = []
        for article, feature in zip(missing, compute_features(missing), strict=True):
            blob = features_to_bytes(feature)
            items.append(StoredItem(article, None, blob, FEATURES_VERSION))
            stored[article.id] = (FEATURES_VERSION, blob)
        rows = [(aid, blob) for aid, (_, blob) in stored.items()]
        previous = {a: s for a, (s, _) in store.story_assignments().items()}
        if not rows:
            return RebuildReport(0, 0, 0, 0)
        spark = spark or spark_session(master)
        feats = spark.createDataFrame(rows, "article_id string, features binary")
        clusters, origins = windowed_clusters(spark, feats, settings)
        ids = map_ids(clusters, previous)
        assign = {a: sid for members, sid in zip(clusters, ids, strict=True) for a in members}
        events, moved = relabel_events(clusters, ids, previous)
        store.write_batch(items, StoryUpdate(assignments=assign, origins=origins, events=events))
    return RebuildReport(len(rows), len(set(assign.values())), moved, len(missing))
