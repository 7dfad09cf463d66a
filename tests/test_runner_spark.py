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
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from newsprism.cluster import bcubed
from newsprism.config import Settings
from newsprism.errors import ConfigError, MissingExtraError
from newsprism.pipeline import ingest
from newsprism.runners import SPARK_INSTALL, require_spark, run_ingest
from newsprism.serialize import analysis_to_dict
from newsprism.store import open_store

from .conftest import DATA

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


@pytest.mark.slow
def test_windowed_clustering_to_parquet(corpus: Path, spark: Any, tmp_path: Path) -> None:
    import pandas as pd

    from newsprism.runners.spark import run_spark_ingest

    settings = Settings()
    local = open_store(tmp_path / "local.db")
    ingest([str(corpus)], local, settings, analyze=False)
    out = tmp_path / "parquet"
    report = run_spark_ingest(
        [str(corpus)], out, settings, spark=spark, analyze=False, cluster_mode="windowed"
    )
    assert report.new == 40 and len(report.failed) == 2
    articles = pd.read_parquet(out / "articles")
    failures = pd.read_parquet(out / "failures")
    assert sorted(failures["where"]) == sorted(f"{corpus} line {n}" for n in CORRUPT)
    windowed = dict(zip(articles["article_id"], articles["story_id"], strict=True))
    score = bcubed(windowed, _stories(local))
    assert score.f1 >= 0.95, score


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


def test_window_blocks_overlap() -> None:
    """Two days at most ``window_days`` apart always share a block."""
    pytest.importorskip("pyspark")
    from newsprism.runners.spark import window_blocks

    for wd in (1, 3, 7):
        for d1 in range(700_000, 700_060):
            for d2 in range(d1, d1 + wd + 1):
                shared = set(window_blocks(d1, wd)) & set(window_blocks(d2, wd))
                assert shared, (wd, d1, d2)
            assert len(window_blocks(d1, wd)) <= 2


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
