"""The Spark runner's per-partition work: plain functions over pandas frames (no pyspark here).

They run in Spark's Python workers. Models load lazily once per worker process (spaCy in the
analyze stage keeps one pipeline per process; Spark reuses Python workers between tasks), never
per row.
"""

from __future__ import annotations

import importlib
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from newsprism.config import Settings
from newsprism.models import Article, Failure, RawDoc

log = logging.getLogger(__name__)

RECORDS_PER_FILE = 10**9
"""``seq = file_index * RECORDS_PER_FILE + record number``: the local runner's order."""

ROW_SCHEMA = (
    "kind string, seq long, article_id string, day long, article_json string, "
    "analysis_json string, features binary, where string, reason string"
)
TASK_SCHEMA = "file_index long, path string, start long, end long, lines long"
UNDATED_BLOCK = -(2**62)
_CHUNK = 64


def _rows_of(chunk: list[tuple[int, Article | Failure]], analyze: bool) -> list[dict[str, Any]]:
    from newsprism.cluster import compute_features, features_to_bytes
    from newsprism.cluster.common import day_of
    from newsprism.pipeline import where_of_article
    from newsprism.serialize import analysis_to_dict, article_to_dict

    articles = [(seq, a) for seq, a in chunk if isinstance(a, Article)]
    # by position, not by id: a chunk may hold one id twice (the same text under two dates)
    analyses: dict[int, str] = {}
    if analyze and articles:
        from newsprism.analyze import analyze_articles

        done = list(analyze_articles([a for _, a in articles]))
        for (seq, _), an in zip(articles, done, strict=True):
            analyses[seq] = json.dumps(analysis_to_dict(an), ensure_ascii=False)
    computed = compute_features([a for _, a in articles])
    feats = {seq: f for (seq, _), f in zip(articles, computed, strict=True)}
    out: list[dict[str, Any]] = []
    for seq, item in chunk:
        if isinstance(item, Failure):
            out.append({"kind": "failure", "seq": seq, "where": item.where, "reason": item.reason})
            continue
        f = feats[seq]
        out.append(
            {
                "kind": "article",
                "seq": seq,
                "article_id": item.id,
                "day": day_of(f) if f.published else UNDATED_BLOCK,
                "article_json": json.dumps(
                    article_to_dict(item, include_source_text=True), ensure_ascii=False
                ),
                "analysis_json": analyses.get(seq),
                "features": features_to_bytes(f),
                "where": where_of_article(item),
            }
        )
    return out


def _shift(item: RawDoc | Failure, path: str, lines: int) -> RawDoc | Failure:
    """A record read from a slice of a file, renumbered to its line in the whole file."""
    if isinstance(item, Failure):
        head, sep, rest = item.where.rpartition(" line ")
        if sep and head == path and rest.isdigit():
            return Failure(f"{path} line {int(rest) + lines}", item.reason)
        return item
    loc = item.provenance.locator or ""
    if loc.startswith("line ") and loc[5:].isdigit():
        prov = replace(item.provenance, locator=f"line {int(loc[5:]) + lines}")
        return replace(item, provenance=prov)
    return item


def read_slice(
    path: str, start: int, end: int, lines: int, settings: Settings
) -> Iterator[RawDoc | Failure]:
    """The JSON lines of ``path`` in bytes ``[start, end)`` (``lines`` lines before ``start``),
    read by the ``jsonl.v1`` reader's own line loop and numbered as in the whole file."""
    from newsprism.read.base import Source, one_line
    from newsprism.read.records import iter_lines

    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            data = fh.read(end - start)
    except OSError as exc:
        yield Failure(path, f"cannot read: {one_line(exc)}")
        return
    source = Source(path, lambda: io.BytesIO(data), len(data))
    for item in iter_lines(io.BytesIO(data), source, settings):
        yield _shift(item, path, lines)


def _documents(
    path: str, start: int, end: int, lines: int, settings: Settings
) -> Iterator[Article | Failure]:
    from newsprism.pipeline import clean_documents, read_articles

    if start < 0:
        return read_articles([path], settings)
    return clean_documents(read_slice(path, start, end, lines, settings), settings)


def process_files(frames: Iterator[Any], settings: Settings, analyze: bool) -> Iterator[Any]:
    """``mapInArrow`` body: record batches of input tasks (file_index, path, start, end, lines;
    start -1 for a whole file) → batches of one row per article or failure (read → clean →
    analyze → features, the library's own stage functions)."""
    pa = importlib.import_module("pyarrow")

    schema = pa.schema(
        [
            ("kind", pa.string()),
            ("seq", pa.int64()),
            ("article_id", pa.string()),
            ("day", pa.int64()),
            ("article_json", pa.large_string()),
            ("analysis_json", pa.large_string()),
            ("features", pa.large_binary()),
            ("where", pa.string()),
            ("reason", pa.string()),
        ]
    )

    def batch(rows: list[dict[str, Any]]) -> Any:
        return pa.RecordBatch.from_pylist(rows, schema=schema)

    for frame in frames:
        for task in frame.to_pylist():
            chunk: list[tuple[int, Article | Failure]] = []
            base = int(task["file_index"]) * RECORDS_PER_FILE + max(int(task["lines"]), 0)
            docs = _documents(
                str(task["path"]), task["start"], task["end"], task["lines"], settings
            )
            for n, item in enumerate(docs):
                chunk.append((base + n, item))
                if len(chunk) >= _CHUNK:
                    yield batch(_rows_of(chunk, analyze))
                    chunk = []
            if chunk:
                yield batch(_rows_of(chunk, analyze))
