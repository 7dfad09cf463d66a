"""The Spark runner: the ingest stages distributed over an Apache Spark cluster (or local[N]).

Input files are listed on the driver and spread over partitions; a ``mapInPandas`` task runs
read → clean → analyze → features per partition with the library's own functions
(:mod:`newsprism.runners.spark_tasks`). Stories are then assigned either

* ``driver`` (default up to ``DRIVER_CLUSTER_LIMIT`` new articles): features are collected to
  the driver and fed, in the local runner's order and batches, to the same online clusterer:
  the stories are exactly the local runner's; or
* ``windowed``: articles are blocked by publication time into overlapping blocks (each
  ``block_days`` long, neighbours overlapping by ``window_days``, so two articles that may
  share a story always share a block; undated articles form one block of their own); each block is batch-clustered with ``applyInPandas``
  and clusters that share an article are joined on the driver.

Results are written from the driver, one store transaction per ``batch_size`` articles, only
after the Spark stage has finished: a task that dies is retried by Spark and can never leave
a partial batch in the store. ``target`` may instead be a Parquet directory.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.config import Settings
from newsprism.errors import ConfigError
from newsprism.models import Failure, StoryEvent
from newsprism.pipeline import IngestReport, ProgressCallback
from newsprism.runners import require_spark
from newsprism.runners.spark_tasks import (
    BLOCK_SCHEMA,
    ROW_SCHEMA,
    TASK_SCHEMA,
    UNDATED_BLOCK,
    cluster_block,
    process_files,
)

if TYPE_CHECKING:
    from newsprism.store import Store
    from newsprism.stories import RebuildReport

log = logging.getLogger(__name__)

DRIVER_CLUSTER_LIMIT = 50_000
"""Above this many new articles, ``auto`` clusters by time blocks on the cluster: the online
clusterer grows faster than linearly (10k articles 15 s, 30k 63 s in clustering.md)."""
SPLIT_BYTES = 4 << 20
FEATURES_VERSION = "docvec.v1"


def spark_session(master: str = "local[2]", driver_memory: str = "2g") -> Any:
    """A Spark session for the runner (reuses an active one)."""
    require_spark()
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


def block_days(window_days: int) -> int:
    """Length of a time block: four windows (and at least four weeks), so each block holds
    enough articles for its own term weights; neighbours overlap by ``window_days``."""
    return max(4 * max(1, window_days), 28)


def window_blocks(day: int, window_days: int, size: int | None = None) -> list[int]:
    """The time blocks (one or two) an article of ``day`` goes to."""
    if day == UNDATED_BLOCK:
        return [UNDATED_BLOCK]
    size = size or block_days(window_days)
    k = day // size
    return [k - 1, k] if day - k * size <= window_days else [k]


def windowed_clusters(
    spark: Any, feats: Any, settings: Settings, block_size: int | None = None
) -> tuple[list[list[str]], dict[str, str]]:
    """Clusters from ``feats`` (a DataFrame of article_id, day, features): blocks by time with
    ``applyInPandas``, joined across overlapping blocks by shared articles."""
    from pyspark.sql import functions as F

    wd = settings.window_days
    size = block_size or block_days(wd)
    k = F.floor(F.col("day") / size)
    blocks = (
        F.when(F.col("day") == UNDATED_BLOCK, F.array(F.lit(UNDATED_BLOCK)))
        .when(F.col("day") - k * size <= wd, F.array(k - 1, k))
        .otherwise(F.array(k))
    )
    parts = feats.withColumn("block", F.explode(blocks)).select("block", "article_id", "features")
    rows = (
        parts.groupBy("block")
        .applyInPandas(partial(cluster_block, window_days=wd), BLOCK_SCHEMA)
        .collect()
    )
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    by_cluster: dict[tuple[int, int], list[str]] = {}
    origins: dict[str, str] = {}
    for r in rows:
        by_cluster.setdefault((r["block"], r["cluster"]), []).append(r["article_id"])
        origins.setdefault(r["article_id"], r["origin"])
    for members in by_cluster.values():
        root = find(members[0])
        for m in members[1:]:
            other = find(m)
            if other != root:
                parent[other] = root
    groups: dict[str, list[str]] = {}
    for aid in sorted(parent):
        groups.setdefault(find(aid), []).append(aid)
    return list(groups.values()), origins


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
) -> IngestReport:
    """Ingest ``paths`` on Spark into ``target``: a ``Store`` (SQLite or PostgreSQL), or a
    directory path for Parquet output (``articles/`` and ``failures/``).

    ``cluster_mode``: ``driver`` (the local runner's online clustering, identical stories),
    ``windowed`` (time blocks on the cluster) or ``auto`` (driver up to
    ``DRIVER_CLUSTER_LIMIT`` articles). JSON lines files over ``split_bytes`` are read in
    slices by several tasks. ``timings``, when given, receives the seconds of each step
    (``session``, ``stages`` = read/clean/analyze/features on the cluster, ``cluster``,
    ``write``)."""
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
        assign, origins, events, before = _assign(
            spark, fresh, store, settings, cluster, cluster_mode, len(fresh_ids)
        )
        clock.lap("cluster")
        if store is None:
            _write_parquet(spark, Path(str(target)), fresh, assign, origins, report)
        else:
            _write_store(store, fresh, settings, assign, origins, events, before, report, progress)
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
) -> tuple[dict[str, str], dict[str, str], list[StoryEvent], dict[str, str]]:
    if not cluster:
        return {}, {}, [], {}
    if mode == "driver" or (mode == "auto" and n <= DRIVER_CLUSTER_LIMIT):
        feats = ((r["article_id"], bytes(r["features"])) for r in
                 fresh.orderBy("seq").select("article_id", "features").toLocalIterator())  # fmt: skip
        return _online(store, settings, feats)
    from newsprism.cluster import map_ids

    previous = {a: s for a, (s, _) in store.story_assignments().items()} if store else {}
    clusters, origins = windowed_clusters(
        spark, fresh.select("article_id", "day", "features"), settings
    )
    story_ids = map_ids(clusters, previous)
    assign = {a: sid for members, sid in zip(clusters, story_ids, strict=True) for a in members}
    return assign, origins, [], previous


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
    """Re-cluster every stored article on Spark (time blocks, ``windowed``), keeping story ids
    by overlap: the Spark counterpart of :func:`newsprism.stories.rebuild_stories`."""
    from newsprism.cluster import compute_features, features_from_bytes, features_to_bytes, map_ids
    from newsprism.cluster.common import day_of
    from newsprism.store import StoredItem, StoryUpdate
    from newsprism.stories import RebuildReport

    settings = settings or Settings()
    stored = {aid: (v, blob) for aid, v, blob, _ in store.iter_features()}
    missing = [
        a for a in store.iter_articles() if stored.get(a.id, ("", b""))[0] != FEATURES_VERSION
    ]
    items = []
    for article, feature in zip(missing, compute_features(missing), strict=True):
        blob = features_to_bytes(feature)
        items.append(StoredItem(article, None, blob, FEATURES_VERSION))
        stored[article.id] = (FEATURES_VERSION, blob)
    rows = []
    for aid, (_, blob) in stored.items():
        f = features_from_bytes(blob)
        rows.append((aid, day_of(f) if f.published else UNDATED_BLOCK, blob))
    previous = {a: s for a, (s, _) in store.story_assignments().items()}
    if not rows:
        return RebuildReport(0, 0, 0, 0)
    spark = spark or spark_session(master)
    feats = spark.createDataFrame(rows, "article_id string, day long, features binary")
    clusters, origins = windowed_clusters(spark, feats, settings)
    ids = map_ids(clusters, previous)
    assign = {a: sid for members, sid in zip(clusters, ids, strict=True) for a in members}
    moved = sum(1 for a, s in previous.items() if assign.get(a, s) != s)
    store.write_batch(items, StoryUpdate(assignments=assign, origins=origins))
    return RebuildReport(len(rows), len(set(assign.values())), moved, len(missing))
