"""Batch story clustering distributed over Spark: the same stories as ``cluster_batch``.

``cluster_batch`` (``newsprism cluster --rebuild``) is: near-duplicate origins (MinHash LSH),
TF-IDF vectors of the origins, the k-nearest-neighbour graph of date-compatible origins, then
best-pair-first agglomeration of that graph. The expensive steps run on the cluster, each
computing exactly what the one-process version computes:

1. **Near-duplicates by a shuffle on LSH band keys.** Identical signatures are grouped by a
   shuffle on the signature (the first article in canonical order represents them); the
   representatives' band keys (``lsh_band_keys``: datasketch's bands and rows for the
   threshold) are exploded to ``(band, key)`` rows and grouped; every pair sharing a bucket is
   a candidate, verified by the Jaccard estimate of the two signatures. The driver resolves
   the verified pairs in canonical order (``origins_from_pairs``, the last step of
   ``duplicate_origins``).
2. **Document frequencies** of the origins' words and entity features: an aggregation.
3. **Neighbours per time block.** Each origin is a query in its own block (``block_days``;
   undated origins in a few blocks of their own) and, when strong, a candidate in every block
   within ``window_days`` of it (undated ones: in every block). ``applyInPandas`` per block
   weighs the block's articles with the whole collection's document frequencies and runs
   ``knn_edges`` for the block's own queries: the edges are those of the whole collection.
4. **Agglomeration on the driver** over the collected graph (``k`` edges per origin; the
   step joins stories across block boundaries), with ``groups_from_edges``, the batch
   clusterer's own code.

So the partition equals the local batch re-clustering's (B³ F1 1.0 in the tests, not just close):
what is approximate in a per-block clustering — block-local IDF, neighbours cut off at a
block boundary, best-pair-first order — is global here. What stays on the driver: the article
ids with their days (canonical order), the verified near-duplicate pairs and the graph.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from functools import partial
from typing import Any

import numpy as np

from newsprism.cluster.batch import clusters_of, groups_from_edges
from newsprism.cluster.params import ClusterParams
from newsprism.config import Settings
from newsprism.features.minhash import origins_from_pairs
from newsprism.runners.spark_blocks import (
    BAND_SCHEMA,
    EDGE_SCHEMA,
    JACCARD_SCHEMA,
    MEMBER_SCHEMA,
    META_SCHEMA,
    PAIR_SCHEMA,
    TERM_SCHEMA,
    band_rows,
    block_edges,
    block_members,
    bucket_pairs,
    canonical_key,
    feature_meta,
    feature_terms,
    pair_jaccard,
)

log = logging.getLogger(__name__)

UNDATED_PER_BLOCK = 5_000
"""Undated origins are compared with every origin: they are spread over blocks of this many
queries (each block holds every strong origin as a candidate)."""


def block_days(window_days: int) -> int:
    """Length of a time block: four windows (and at least four weeks); each block also holds
    the strong articles within ``window_days`` of it as neighbour candidates."""
    return max(4 * max(1, window_days), 28)


def spark_near_duplicates(
    spark: Any, meta: Any, ids: list[str], texty: set[str], threshold: float
) -> dict[str, str]:
    """Origin of each article id (itself for an original report) from ``meta`` (article_id,
    undated, day, texty, sig): the band-key shuffle, the same result as ``duplicate_origins``
    over ``ids`` (canonical order)."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rows = meta.filter("texty").select("article_id", "undated", "day", "sig")
    first = Window.partitionBy("sig").orderBy("undated", "day", "article_id")
    ranked = rows.withColumn("rep", F.first("article_id").over(first))
    copies = {
        r["article_id"]: r["rep"]
        for r in ranked.filter("rep != article_id").select("article_id", "rep").collect()
    }
    reps = ranked.filter("rep = article_id").select("article_id", "sig")
    bands = reps.mapInArrow(partial(band_rows, threshold=threshold), BAND_SCHEMA)
    buckets = (
        bands.groupBy("band", "key")
        .agg(F.array_sort(F.collect_set("article_id")).alias("ids"))
        .filter(F.size("ids") > 1)
        .select("ids")
    )
    pairs = buckets.mapInArrow(bucket_pairs, PAIR_SCHEMA).distinct()
    sig_a = reps.select(F.col("article_id").alias("a"), F.col("sig").alias("sig_a"))
    sig_c = reps.select(F.col("article_id").alias("c"), F.col("sig").alias("sig_c"))
    verified = (
        pairs.join(sig_a, "a")
        .join(sig_c, "c")
        .select("a", "c", "sig_a", "sig_c")
        .mapInArrow(partial(pair_jaccard, threshold=threshold), JACCARD_SCHEMA)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    found = verified.collect()
    verified.unpersist()
    order = [a for a in ids if a in texty and a not in copies]
    index = {a: i for i, a in enumerate(order)}
    indexed = []
    for r in found:
        i, k = index[r["a"]], index[r["c"]]
        indexed.append((min(i, k), max(i, k), float(r["j"])))
    rows_origin = origins_from_pairs(len(order), indexed, threshold)
    origin = {a: a for a in ids}
    for a, o in zip(order, rows_origin.tolist(), strict=True):
        origin[a] = order[o]
    for copy, rep in copies.items():
        origin[copy] = origin[rep]
    return origin


def spark_batch_clusters(
    spark: Any,
    feats: Any,
    settings: Settings | None = None,
    *,
    block_size: int | None = None,
    undated_per_block: int = UNDATED_PER_BLOCK,
    timings: dict[str, float] | None = None,
) -> tuple[list[list[str]], dict[str, str]]:
    """Clusters (article ids, canonical order) and origins of ``feats`` (a DataFrame of
    article_id, features; one row per article): ``cluster_groups`` computed on Spark."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    params = ClusterParams.from_settings(settings)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    meta = feats.select("article_id", "features").mapInArrow(
        partial(feature_meta, weak_min_tokens=params.weak_min_tokens), META_SCHEMA
    )
    meta = meta.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        light = meta.select("article_id", "undated", "day", "texty", "strong").collect()
        light.sort(key=lambda r: canonical_key(r["undated"], r["day"], r["article_id"]))
        ids = [r["article_id"] for r in light]
        if not ids:
            return [], {}
        texty = {r["article_id"] for r in light if r["texty"]}
        lap("meta")
        origin = spark_near_duplicates(spark, meta, ids, texty, params.duplicate_threshold)
        lap("near_duplicates")
        nodes = [r for r in light if origin[r["article_id"]] == r["article_id"]]
        copies = [(a,) for a in ids if origin[a] != a]
        node_feats = feats.select("article_id", "features").join(
            meta.select("article_id", "undated", "day", "strong"), "article_id"
        )
        if copies:
            gone = spark.createDataFrame(copies, "article_id string")
            node_feats = node_feats.join(F.broadcast(gone), "article_id", "left_anti")
        df = _document_frequencies(node_feats, len(nodes))
        lap("document_frequencies")
        size = block_size or block_days(params.window_days)
        dated = sorted({r["day"] // size for r in nodes if not r["undated"]})
        undated = sum(1 for r in nodes if r["undated"])
        chunks = math.ceil(undated / max(1, undated_per_block))
        members = node_feats.select(
            "article_id", "undated", "day", "strong", "features"
        ).mapInArrow(
            partial(
                block_members,
                block_days=size,
                window_days=params.window_days,
                undated_chunks=chunks,
                dated_blocks=dated,
            ),
            MEMBER_SCHEMA,
        )
        shared = spark.sparkContext.broadcast(df)
        try:
            with warnings.catch_warnings():  # "cannot infer the eval type" of a partial
                warnings.simplefilter("ignore", UserWarning)
                grouped = members.groupBy("block").applyInPandas(
                    partial(block_edges, params=params, df=shared), EDGE_SCHEMA
                )
            edges = grouped.collect()
        finally:
            shared.unpersist()
        lap("neighbours")
        node_ids = [r["article_id"] for r in nodes]
        index = {a: i for i, a in enumerate(node_ids)}
        q = np.fromiter((index[r["q"]] for r in edges), np.int64, len(edges))
        nb = np.fromiter((index[r["n"]] for r in edges), np.int64, len(edges))
        s = np.fromiter((r["s"] for r in edges), np.float64, len(edges))
        order = np.lexsort((nb, -s, q))  # each query's edges best first, as knn_edges gives
        strong = np.array([bool(r["strong"]) for r in nodes], dtype=bool)
        group = groups_from_edges(len(nodes), strong, (q[order], nb[order], s[order]), params)
        clusters = clusters_of(ids, origin, dict(zip(node_ids, group, strict=True)))
        lap("agglomerate")
        log.info(
            "Spark batch clustering: %d articles, %d origins, %d edges, %d stories",
            len(ids),
            len(nodes),
            len(edges),
            len(clusters),
        )
        return clusters, origin
    finally:
        meta.unpersist()


def _document_frequencies(node_feats: Any, n: int) -> Any:
    """((word ids, counts, n), (entity ids, counts, n)) over the origins, sorted by id."""
    rows = (
        node_feats.select("features")
        .mapInArrow(feature_terms, TERM_SCHEMA)
        .groupBy("side", "fid")
        .count()
        .collect()
    )
    out = []
    for side in (0, 1):
        got = sorted((int(r["fid"]), int(r["count"])) for r in rows if r["side"] == side)
        keys = np.array([k for k, _ in got], dtype=np.uint32)
        counts = np.array([c for _, c in got], dtype=np.int64)
        out.append((keys, counts, n))
    return tuple(out)
