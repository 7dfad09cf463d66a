"""The Spark runner gives the local runner's results on the same input (Spark local[2]).

Corpus: 40 ECB+ documents (8 stories, dated per story over two months) written as JSON lines
with two corrupt lines, or, without the data, 40 invented articles about 8 events. The file is
read in byte slices by several tasks, so failures must still carry the whole file's line
numbers.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from newsprism.cluster import ClusterParams, bcubed
from newsprism.config import Settings
from newsprism.errors import ConfigError, MissingExtraError
from newsprism.pipeline import ingest
from newsprism.runners import SPARK_INSTALL, require_spark, run_ingest
from newsprism.serialize import analysis_to_dict
from newsprism.store import open_store

from .conftest import DATA, require_data

pytest_plugins = ["tests.pg_cluster"]  # the throw-away PostgreSQL fixtures

ECBPLUS = DATA / "ecbplus" / "ecbplus_docs.jsonl.gz"
CORRUPT = {11: '{"id": "broken", "text": \n', 42: "not json at all\n"}


def _records() -> list[dict[str, Any]]:
    start = dt.date(2024, 3, 1)
    rng = random.Random(3)
    out: list[dict[str, Any]] = []
    if ECBPLUS.exists():
        by: dict[str, list[dict[str, Any]]] = defaultdict(list)
        with gzip.open(ECBPLUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                by[rec["subtopic"]].append(rec)
        for k, sub in enumerate(sorted(by)[:8]):
            for rec in by[sub][:5]:
                day = start + dt.timedelta(days=8 * k + rng.randint(0, 2))
                text = " ".join(rec["sentences"])
                out.append({"id": rec["doc_id"], "text": text, "date": day.isoformat()})
        return out
    places = ["Norvale", "Kestrin", "Ambery", "Tolsk", "Pirena", "Gaudet", "Wexmoor", "Ildar"]
    events = ["flood", "strike", "election", "fire", "merger", "trial", "storm", "summit"]
    for k, (place, event) in enumerate(zip(places, events, strict=True)):
        for j in range(5):
            day = start + dt.timedelta(days=8 * k + rng.randint(0, 2))
            text = (
                f"The {event} in {place} dominated the day. Officials in {place} said the "
                f"{event} affected {100 + 7 * k} people and the council of {place} met twice. "
                f"Report {j}: residents of {place} described the {event} to reporters, and "
                f"the {place} mayor promised a review of the {event} response by Friday."
            )
            out.append({"id": f"{event}-{j}", "text": text, "date": day.isoformat()})
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    lines = [json.dumps(r) + "\n" for r in _records()]
    for number in sorted(CORRUPT):
        lines.insert(number - 1, CORRUPT[number])
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def spark() -> Any:
    try:
        require_spark()
    except MissingExtraError as exc:
        pytest.skip(str(exc))
    if shutil.which("java") is None:
        pytest.skip("the Spark runner needs Java (17+) on PATH")
    from newsprism.runners.spark import spark_session

    session = spark_session("local[2]", driver_memory="1g")
    yield session
    session.stop()


def _stories(store: Any) -> dict[str, str]:
    return {a: s for a, (s, _) in store.story_assignments().items()}


@pytest.mark.slow
def test_spark_matches_local(corpus: Path, spark: Any, tmp_path: Path) -> None:
    from newsprism.runners.spark import run_spark_ingest

    settings = Settings()
    local = open_store(tmp_path / "local.db")
    on_spark = open_store(tmp_path / "spark.db")
    want = ingest([str(corpus)], local, settings)
    # small slices: the one file is read by several tasks
    got = run_spark_ingest([str(corpus)], on_spark, settings, spark=spark, split_bytes=16_000)
    assert (
        (got.read, got.new, got.duplicate) == (want.read, want.new, want.duplicate) == (40, 40, 0)
    )
    # the good records land; the bad ones are reported with their path and line
    assert [(f.where, f.reason) for f in got.failed] == [(f.where, f.reason) for f in want.failed]
    assert [f.where for f in got.failed] == [f"{corpus} line {n}" for n in sorted(CORRUPT)]
    # the same stories
    a, b = _stories(local), _stories(on_spark)
    assert set(a) == set(b) and len(a) == 40
    score = bcubed(b, a)
    assert score.f1 >= 0.99, score
    assert len(set(b.values())) >= 4
    # the same articles and facts (analysis: sentences, entities, quotes, times, claims ...)
    for article_id in want.new_ids:
        assert on_spark.get_article(article_id) == local.get_article(article_id)
        x, y = local.get_analysis(article_id), on_spark.get_analysis(article_id)
        assert x is not None and y is not None
        assert analysis_to_dict(y) == analysis_to_dict(x)
    # a second run stores nothing new (ids are content hashes)
    again = run_spark_ingest([str(corpus)], on_spark, settings, spark=spark)
    assert (again.new, again.duplicate) == (0, 40)
    assert _stories(on_spark) == b


def _origins(store: Any) -> dict[str, str]:
    return {a: o for a, (_, o) in store.story_assignments().items()}


@pytest.mark.slow
def test_windowed_matches_batch_rebuild(corpus: Path, spark: Any, tmp_path: Path) -> None:
    """Windowed mode = the local batch re-clustering (``cluster --rebuild``), computed on
    the cluster: the same stories, ids, origins and facts."""
    from newsprism.runners.spark import run_spark_ingest
    from newsprism.stories import rebuild_stories

    settings = Settings()
    local = open_store(tmp_path / "local.db")
    on_spark = open_store(tmp_path / "spark.db")
    ingest([str(corpus)], local, settings, cluster=False)
    rebuild_stories(local, settings)
    report = run_spark_ingest(
        [str(corpus)], on_spark, settings, spark=spark, cluster_mode="windowed", split_bytes=16_000
    )
    assert report.new == 40 and len(report.failed) == 2
    a, b = _stories(local), _stories(on_spark)
    assert bcubed(b, a).f1 >= 0.99
    assert b == a and _origins(on_spark) == _origins(local)
    # the facts of the largest story's articles are the local runner's
    members: dict[str, list[str]] = defaultdict(list)
    for article_id, story_id in a.items():
        members[story_id].append(article_id)
    biggest = max(members.values(), key=len)
    assert len(biggest) >= 3
    for article_id in biggest:
        x, y = local.get_analysis(article_id), on_spark.get_analysis(article_id)
        assert x is not None and y is not None
        assert analysis_to_dict(y) == analysis_to_dict(x)


@pytest.mark.slow
def test_windowed_clustering_to_parquet(corpus: Path, spark: Any, tmp_path: Path) -> None:
    import pandas as pd

    from newsprism.runners.spark import run_spark_ingest
    from newsprism.stories import rebuild_stories

    settings = Settings()
    local = open_store(tmp_path / "local.db")
    ingest([str(corpus)], local, settings, analyze=False, cluster=False)
    rebuild_stories(local, settings)
    out = tmp_path / "parquet"
    report = run_spark_ingest(
        [str(corpus)], out, settings, spark=spark, analyze=False, cluster_mode="windowed"
    )
    assert report.new == 40 and len(report.failed) == 2
    articles = pd.read_parquet(out / "articles")
    failures = pd.read_parquet(out / "failures")
    assert sorted(failures["where"]) == sorted(f"{corpus} line {n}" for n in CORRUPT)
    windowed = dict(zip(articles["article_id"], articles["story_id"], strict=True))
    assert bcubed(windowed, _stories(local)).f1 >= 0.99


def _synthetic(path: Path, n: int) -> Path:
    """``n`` synthetic articles (ECB+ sentences recombined into dated stories over two years,
    5 % undated, 15 % wire copies: ``benchmarks/synthetic_news.py``) as JSON lines."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        from synthetic_news import generate
    finally:
        sys.path.pop(0)
    articles, _ = generate(ECBPLUS, n, seed=7)
    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            rec = {"id": a.id, "text": a.body, "date": a.published, "outlet": a.outlet}
            fh.write(json.dumps(rec) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.data
def test_windowed_agrees_on_synthetic_corpus(spark: Any, tmp_path: Path) -> None:
    """2,000 synthetic articles over two years (blocks, overlaps, undated articles, wire
    copies): windowed Spark stories agree with the local batch rebuild (B³ F1 ≥ 0.99)."""
    from newsprism.runners.spark import run_spark_ingest
    from newsprism.stories import rebuild_stories

    require_data("ecbplus", "ecbplus_docs.jsonl.gz")
    corpus = _synthetic(tmp_path / "synthetic.jsonl", 2000)
    settings = Settings()
    local = open_store(tmp_path / "local.db")
    on_spark = open_store(tmp_path / "spark.db")
    ingest([str(corpus)], local, settings, analyze=False, cluster=False)
    rebuild_stories(local, settings)
    report = run_spark_ingest(
        [str(corpus)], on_spark, settings, spark=spark, analyze=False, cluster_mode="windowed"
    )
    assert report.read == 2000 and report.new == report.read - report.duplicate > 1900
    a, b = _stories(local), _stories(on_spark)
    assert len(set(a.values())) > 100
    score = bcubed(b, a)
    assert score.f1 >= 0.99, score
    assert _origins(on_spark) == _origins(local)


def _planted(path: Path) -> tuple[Path, int]:
    """The corpus records plus planted near-duplicates: wire copies with a tagline, copies
    with the last sentence dropped, and five copies of one report that differ only in their
    tagline. Every record gets its own day, in file order, so the online runner (file order)
    and the batch clusterer (date order) see the articles in the same order."""
    records = _records()
    out = [dict(r) for r in records]
    for k, rec in enumerate(records[:12]):
        text = rec["text"]
        text = text.rsplit(". ", 1)[0] + "." if k % 2 else f"{text} (Wire copy {k}.)"
        out.append({"id": f"copy-{k}", "text": text})
    out += [{"id": f"agency-{k}", "text": f"{records[0]['text']} (Agency {k}.)"} for k in range(5)]
    start = dt.date(2024, 1, 1)
    for i, rec in enumerate(out):
        rec["date"] = (start + dt.timedelta(days=i)).isoformat()
    path.write_text("".join(json.dumps(r) + "\n" for r in out), encoding="utf-8")
    return path, len(out)


@pytest.mark.slow
def test_near_duplicates_by_band_shuffle_match_local(spark: Any, tmp_path: Path) -> None:
    """Origins from the Spark band-key shuffle = the local near-duplicate index's (the online
    runner's ``NearDuplicateIndex``, and ``duplicate_origins`` of the batch rebuild)."""
    import numpy as np

    from newsprism.cluster import features_from_bytes
    from newsprism.features.minhash import NearDuplicateIndex, duplicate_origins
    from newsprism.runners.spark import run_spark_ingest

    corpus, n = _planted(tmp_path / "planted.jsonl")
    settings = Settings()
    online = open_store(tmp_path / "online.db")
    ingest([str(corpus)], online, settings, analyze=False)
    on_spark = open_store(tmp_path / "spark.db")
    report = run_spark_ingest(
        [str(corpus)], on_spark, settings, spark=spark, analyze=False, cluster_mode="windowed"
    )
    assert report.new == n
    got = _origins(on_spark)
    copies = {a: o for a, o in got.items() if a != o}
    assert len(copies) >= 15  # most planted copies are found ...
    assert len(set(copies.values())) >= 8
    assert got == _origins(online)  # ... and they are exactly the local runner's
    # the index fed in the batch clusterer's order, and the vectorised batch version
    feats = sorted(
        (features_from_bytes(blob) for _, _, blob, _ in on_spark.iter_features()),
        key=lambda f: (f.published is None, f.published, f.article_id),
    )
    threshold = ClusterParams().duplicate_threshold
    index = NearDuplicateIndex(threshold)
    assert index.assign_many((f.article_id, f.minhash) for f in feats) == [
        got[f.article_id] for f in feats
    ]
    rows = duplicate_origins(np.stack([f.minhash for f in feats]), threshold)
    assert [feats[r].article_id for r in rows.tolist()] == [got[f.article_id] for f in feats]


@pytest.mark.slow
def test_spark_into_postgres(corpus: Path, spark: Any, tmp_path: Path, pg_url: str) -> None:
    """Results to PostgreSQL: the same articles and stories as the local runner's SQLite."""
    from newsprism.runners.spark import run_spark_ingest

    pytest.importorskip("psycopg")
    settings = Settings()
    local = open_store(tmp_path / "local.db")
    ingest([str(corpus)], local, settings, analyze=False)
    with open_store(pg_url) as pg:
        report = run_spark_ingest([str(corpus)], pg, settings, spark=spark, analyze=False)
        assert report.new == 40 and len(report.failed) == 2
        assert pg.count_articles() == 40
        assert bcubed(_stories(pg), _stories(local)).f1 >= 0.99


def _pg_counts(url: str) -> dict[str, int]:
    import psycopg

    tables = ("articles", "analyses", "article_features", "story_members", "stories")
    with psycopg.connect(url) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        counts["distinct_ids"] = conn.execute("SELECT count(DISTINCT id) FROM articles").fetchone()[
            0
        ]
        counts["orphans"] = conn.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_features f "
            "WHERE f.article_id = a.id) OR NOT EXISTS (SELECT 1 FROM story_members m "
            "WHERE m.article_id = a.id)"
        ).fetchone()[0]
    return counts


@pytest.mark.slow
def test_partition_writers_survive_a_killed_task(
    corpus: Path, spark: Any, tmp_path: Path, pg_url: str
) -> None:
    """Each partition writes its own batches to PostgreSQL. The first attempt of one task is
    killed (its Python worker exits) in the middle of a batch transaction, after an earlier
    batch of the same partition was committed; Spark retries the task. The store ends with
    every article once, each with its features and story, and a re-run changes nothing."""
    pytest.importorskip("psycopg")
    from pyspark import TaskContext

    from newsprism.runners.spark import run_spark_ingest
    from newsprism.store.postgres import PostgresStore

    marker = tmp_path / "killed"

    class KilledOnce(PostgresStore):  # test-only: the store a partition writer opens
        def _insert_articles(self, cur: Any, articles: Any) -> list[bool]:
            new = super()._insert_articles(cur, articles)
            self.batches = getattr(self, "batches", 0) + 1
            ctx = TaskContext.get()
            first = ctx is not None and ctx.attemptNumber() == 0
            if first and self.batches == 2 and not marker.exists():
                marker.write_text("killed mid-batch")
                os._exit(1)  # the worker dies inside the open transaction
            return new

    settings = Settings(batch_size=6)
    local = open_store(tmp_path / "local.db")
    ingest([str(corpus)], local, settings, analyze=False)
    with open_store(pg_url) as pg:
        report = run_spark_ingest(
            [str(corpus)], pg, settings, spark=spark, analyze=False, partition_store=KilledOnce
        )
        assert marker.exists()  # the failure happened, and the job still finished
        assert (report.new, report.duplicate, len(report.failed)) == (40, 0, 2)
        counts = _pg_counts(pg_url)
        assert counts["articles"] == counts["distinct_ids"] == 40
        assert counts["analyses"] == 0 and counts["orphans"] == 0
        assert counts["article_features"] == counts["story_members"] == 40
        stories = _stories(pg)
        assert bcubed(stories, _stories(local)).f1 >= 0.99
        again = run_spark_ingest([str(corpus)], pg, settings, spark=spark, analyze=False)
        assert (again.new, again.duplicate) == (0, 40)
        assert _pg_counts(pg_url) == counts
        assert _stories(pg) == stories


@pytest.mark.slow
def test_spark_cluster_rebuilds_stored_stories(corpus: Path, spark: Any, tmp_path: Path) -> None:
    """``newsprism cluster --runner spark``: every stored article gets a story; close to the
    local batch re-clustering (``rebuild_stories``)."""
    from newsprism.runners.spark import run_spark_cluster
    from newsprism.stories import rebuild_stories

    settings = Settings()
    stores = [open_store(tmp_path / f"{name}.db") for name in ("local", "spark")]
    for store in stores:
        ingest([str(corpus)], store, settings, analyze=False, cluster=False)
        assert _stories(store) == {}
    want = rebuild_stories(stores[0], settings)
    got = run_spark_cluster(stores[1], settings, spark=spark)
    assert got.articles == want.articles == 40
    assert bcubed(_stories(stores[1]), _stories(stores[0])).f1 >= 0.95


def test_time_blocks_hold_every_neighbour() -> None:
    """Each origin is a query in one block; every strong origin within ``window_days`` of it
    (and every strong undated one) is a candidate in that block; weak origins only query."""
    pa = pytest.importorskip("pyarrow")
    from newsprism.runners.spark_blocks import UNDATED_DAY, block_members

    rng = random.Random(5)
    for wd, size in ((1, 28), (3, 28), (7, 28), (7, 10)):
        days = [700_000 + rng.randrange(120) for _ in range(300)]
        rows = [(f"a{i}", False, d, rng.random() > 0.2) for i, d in enumerate(days)]
        rows += [(f"u{i}", True, UNDATED_DAY, rng.random() > 0.2) for i in range(7)]
        dated = sorted({d // size for _, undated, d, _ in rows if not undated})
        frame = pa.RecordBatch.from_pylist(
            [
                {"article_id": a, "undated": u, "day": d, "strong": s, "features": b""}
                for a, u, d, s in rows
            ]
        )
        out = [
            r
            for batch in block_members(iter([frame]), size, wd, 2, dated)
            for r in batch.to_pylist()
        ]
        query_block = {r["article_id"]: r["block"] for r in out if r["is_query"]}
        assert len(query_block) == len(rows) == sum(1 for r in out if r["is_query"])
        present: dict[int, set[str]] = defaultdict(set)
        for r in out:
            present[r["block"]].add(r["article_id"])
        info = {a: (u, d, s) for a, u, d, s in rows}
        for q, (qu, qd, _) in info.items():
            for t, (tu, td, ts) in info.items():
                if not ts:
                    continue
                if qu or tu or abs(qd - td) <= wd:
                    assert t in present[query_block[q]], (wd, size, q, t)
        weak = [a for a, (_, _, s) in info.items() if not s]
        assert all(sum(a in m for m in present.values()) == 1 for a in weak)


def test_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'newsprism\[spark\]'"):
        require_spark()
    assert SPARK_INSTALL in str(MissingExtraError(SPARK_INSTALL))


def test_parquet_output_needs_spark(tmp_path: Path) -> None:
    store = open_store(tmp_path / "x.db")
    with pytest.raises(ConfigError, match="--runner spark"):
        run_ingest("local", [], store, Settings(), output_parquet=str(tmp_path / "p"))
    with pytest.raises(ConfigError, match="unknown runner"):
        run_ingest("dask", [], store, Settings())
