"""Worker-side bodies of the Spark runner's distributed batch clustering (no pyspark here).

Each function is a ``mapInArrow`` / ``applyInPandas`` body over the library's own clustering
pieces (:mod:`newsprism.cluster.batch`, :mod:`newsprism.cluster.neighbors`,
:mod:`newsprism.features.minhash`); :mod:`newsprism.runners.spark_cluster` wires them together.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

UNDATED_DAY = -(2**62)
"""``day`` of an undated article in the runner's frames (sorts apart from every real day)."""

META_SCHEMA = (
    "article_id string, undated boolean, day long, texty boolean, strong boolean, sig binary"
)
BAND_SCHEMA = "band int, key long, article_id string"
PAIR_SCHEMA = "a string, c string"
JACCARD_SCHEMA = "a string, c string, j double"
TERM_SCHEMA = "side int, fid long"
MEMBER_SCHEMA = "block long, article_id string, is_query boolean, features binary"
EDGE_SCHEMA = "q string, n string, s double"


def canonical_key(undated: bool, day: int, article_id: str) -> tuple[bool, int, str]:
    """The batch clusterer's order: dated articles by day, then undated; then id."""
    return (undated, day, article_id)


def feature_meta(frames: Iterator[Any], weak_min_tokens: int) -> Iterator[Any]:
    """``mapInArrow``: (article_id, day, features) → what blocking and de-duplication need."""
    pa = importlib.import_module("pyarrow")
    from newsprism.cluster.common import day_of, has_text
    from newsprism.features.docvec import features_from_bytes

    for frame in frames:
        rows = []
        for aid, blob in zip(
            frame.column("article_id").to_pylist(),
            frame.column("features").to_pylist(),
            strict=True,
        ):
            f = features_from_bytes(blob)
            rows.append(
                {
                    "article_id": aid,
                    "undated": f.published is None,
                    "day": day_of(f) if f.published else UNDATED_DAY,
                    "texty": has_text(f),
                    "strong": f.n_tokens >= weak_min_tokens,
                    "sig": np.ascontiguousarray(f.minhash, dtype=np.uint32).tobytes(),
                }
            )
        yield pa.RecordBatch.from_pylist(rows, schema=_arrow_schema(META_SCHEMA))


def band_rows(frames: Iterator[Any], threshold: float) -> Iterator[Any]:
    """``mapInArrow``: (article_id, sig) → one (band, key, article_id) row per LSH band."""
    pa = importlib.import_module("pyarrow")
    from newsprism.features.minhash import lsh_band_keys

    for frame in frames:
        ids = frame.column("article_id").to_pylist()
        if not ids:
            continue
        sigs = np.stack(
            [np.frombuffer(b, dtype=np.uint32) for b in frame.column("sig").to_pylist()]
        )
        keys = lsh_band_keys(sigs, threshold).view(np.int64)
        n, bands = keys.shape
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.tile(np.arange(bands, dtype=np.int32), n)),
                pa.array(keys.ravel()),
                pa.array(np.repeat(np.asarray(ids, dtype=object), bands).tolist(), pa.string()),
            ],
            schema=_arrow_schema(BAND_SCHEMA),
        )


def bucket_pairs(frames: Iterator[Any]) -> Iterator[Any]:
    """``mapInArrow`` over crowded LSH buckets (``ids``: the sorted article ids sharing one
    band key): every pair of them, ``a < c``."""
    pa = importlib.import_module("pyarrow")

    for frame in frames:
        out: dict[str, list[str]] = {"a": [], "c": []}
        for ids in frame.column("ids").to_pylist():
            for i, a in enumerate(ids):
                for c in ids[i + 1 :]:
                    out["a"].append(a)
                    out["c"].append(c)
        yield pa.RecordBatch.from_pydict(out, schema=_arrow_schema(PAIR_SCHEMA))


def pair_jaccard(frames: Iterator[Any], threshold: float) -> Iterator[Any]:
    """``mapInArrow``: candidate pairs with both signatures → the pairs at or above
    ``threshold``, with their estimated Jaccard similarity (the library's ``jaccard``)."""
    pa = importlib.import_module("pyarrow")
    from newsprism.features.minhash import jaccard

    for frame in frames:
        out: dict[str, list[Any]] = {"a": [], "c": [], "j": []}
        for a, c, sa, sc in zip(
            frame.column("a").to_pylist(),
            frame.column("c").to_pylist(),
            frame.column("sig_a").to_pylist(),
            frame.column("sig_c").to_pylist(),
            strict=True,
        ):
            j = jaccard(np.frombuffer(sa, dtype=np.uint32), np.frombuffer(sc, dtype=np.uint32))
            if j >= threshold:
                out["a"].append(a)
                out["c"].append(c)
                out["j"].append(j)
        yield pa.RecordBatch.from_pydict(out, schema=_arrow_schema(JACCARD_SCHEMA))


def feature_terms(frames: Iterator[Any]) -> Iterator[Any]:
    """``mapInArrow``: (features) of origins → one (side, feature id) row per distinct word
    (side 0) or entity feature (side 1) of each: summed, the document frequencies."""
    pa = importlib.import_module("pyarrow")
    from newsprism.features.docvec import features_from_bytes

    for frame in frames:
        sides: list[npt.NDArray[np.int32]] = []
        fids: list[npt.NDArray[np.int64]] = []
        for blob in frame.column("features").to_pylist():
            f = features_from_bytes(blob)
            for side, ids in ((0, np.unique(f.words)), (1, np.unique(f.ents))):
                sides.append(np.full(len(ids), side, dtype=np.int32))
                fids.append(ids.astype(np.int64))
        if sides:
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.concatenate(sides)), pa.array(np.concatenate(fids))],
                schema=_arrow_schema(TERM_SCHEMA),
            )


def block_members(
    frames: Iterator[Any],
    block_days: int,
    window_days: int,
    undated_chunks: int,
    dated_blocks: Sequence[int],
) -> Iterator[Any]:
    """``mapInArrow``: origins (article_id, undated, day, strong, features) → one row per time
    block the origin takes part in: as a query in its own block (dated: ``day // block_days``;
    undated: one of ``undated_chunks`` blocks numbered below every dated one), and, when
    strong, as a neighbour candidate in every block whose days it is within ``window_days``
    of (undated ones: in every block)."""
    pa = importlib.import_module("pyarrow")
    from newsprism.features.minhash import _crc

    every = [*dated_blocks, *(UNDATED_DAY + j for j in range(undated_chunks))]
    with_queries = set(dated_blocks)
    for frame in frames:
        out: dict[str, list[Any]] = {"block": [], "article_id": [], "is_query": [], "features": []}
        for aid, undated, day, strong, blob in zip(
            frame.column("article_id").to_pylist(),
            frame.column("undated").to_pylist(),
            frame.column("day").to_pylist(),
            frame.column("strong").to_pylist(),
            frame.column("features").to_pylist(),
            strict=True,
        ):
            undated_blocks = [UNDATED_DAY + j for j in range(undated_chunks)]
            if undated:
                own = UNDATED_DAY + _crc(aid) % max(undated_chunks, 1)
                blocks = every if strong else [own]
            else:
                own = day // block_days
                lo = (day - window_days) // block_days
                hi = (day + window_days) // block_days
                near = [b for b in range(lo, hi + 1) if b == own or b in with_queries]
                blocks = [*near, *undated_blocks] if strong else [own]
            for b in blocks:
                out["block"].append(b)
                out["article_id"].append(aid)
                out["is_query"].append(b == own)
                out["features"].append(blob)
        yield pa.RecordBatch.from_pydict(out, schema=_arrow_schema(MEMBER_SCHEMA))


def block_edges(
    key: tuple[Any, ...],
    frame: Any,
    params: Any,
    df: Any,
) -> Any:
    """``applyInPandas`` per time block: the k-nearest-neighbour edges of the block's query
    articles among its candidates, weighted by the whole collection's document frequencies
    (``df``, a broadcast of ``(words, entities)``) — the same edges as ``knn_edges`` over the
    whole collection gives these articles."""
    pd = importlib.import_module("pandas")
    from newsprism.cluster.batch import is_strong
    from newsprism.cluster.common import day_of
    from newsprism.cluster.neighbors import knn_edges
    from newsprism.cluster.space import weigh_all
    from newsprism.features.docvec import features_from_bytes

    docs = [features_from_bytes(bytes(b)) for b in frame["features"]]
    asked = dict(zip(frame["article_id"], frame["is_query"], strict=True))
    order = sorted(
        range(len(docs)),
        key=lambda i: canonical_key(docs[i].published is None, day_of(docs[i]), docs[i].article_id),
    )
    docs = [docs[i] for i in order]
    vecs = weigh_all(docs, params.max_words, params.max_entities, df.value)
    days = np.array([day_of(f) for f in docs], dtype=np.int64)
    strong = np.array([is_strong(f, params) for f in docs], dtype=bool)
    queries = np.array([bool(asked[f.article_id]) for f in docs], dtype=bool)
    q, nb, s = knn_edges(
        vecs,
        days,
        strong,
        params.neighbors,
        params.edge_floor,
        params.window_days,
        params.entity_weight_when_missing,
        queries=queries,
    )
    ids = [f.article_id for f in docs]
    return pd.DataFrame(
        {
            "q": [ids[i] for i in q.tolist()],
            "n": [ids[i] for i in nb.tolist()],
            "s": s.astype(np.float64),
        }
    )


def _arrow_schema(ddl: str) -> Any:
    pa = importlib.import_module("pyarrow")
    types = {
        "string": pa.string(),
        "boolean": pa.bool_(),
        "long": pa.int64(),
        "int": pa.int32(),
        "binary": pa.binary(),
        "double": pa.float64(),
    }
    fields = []
    for part in ddl.split(","):
        name, kind = part.split()
        fields.append((name, types[kind]))
    return pa.schema(fields)
