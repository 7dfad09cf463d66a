"""PostgreSQL-only store behaviour: several writers and readers at once, migrations raced by
two processes, the server restarted during an ingest, connection errors and the missing extra.
The shared behaviour of both engines is tested in ``test_store.py``."""

from __future__ import annotations

import json
import multiprocessing
import random
import sys
import threading
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from newsprism.config import Settings
from newsprism.errors import MissingExtraError, StoreError
from newsprism.models import Article, ArticleAnalysis, Entity, StoryEvent
from newsprism.store import StoredItem, StoryUpdate, open_store
from tests.conftest import EXAMPLES, make_article

pytest_plugins = ["tests.pg_cluster"]  # the throw-away cluster fixtures

if TYPE_CHECKING:
    from tests.pg_cluster import PgCluster

N_ARTICLES = 40
N_WRITERS = 4
BATCH = 8


def _articles(n: int, tag: str = "") -> list[Article]:
    return [
        make_article(f"Report {tag}{i}: the harbour authority counted {i * 7} ships on the quay.")
        for i in range(n)
    ]


def _story_of(article_id: str) -> str:
    return f"s{int(article_id, 16) % 5}"


def _items(batch: list[Article]) -> tuple[list[StoredItem], StoryUpdate]:
    items = [
        StoredItem(
            a,
            analysis=ArticleAnalysis(
                a.id, "t", entities=[Entity("org:harbour", "Harbour", "ORG", 1)]
            ),
            features=a.id.encode(),
            features_version="t",
        )
        for a in batch
    ]
    update = StoryUpdate(
        assignments={a.id: _story_of(a.id) for a in batch},
        origins={a.id: a.id for a in batch},
        events=[StoryEvent("attach", _story_of(a.id), a.id) for a in batch],
    )
    return items, update


def _writer(url: str, worker: int, barrier: Any, results: Any) -> None:
    """One writer process: all articles, shuffled, in batches that overlap the other writers'."""
    try:
        order = _articles(N_ARTICLES)
        random.Random(worker).shuffle(order)
        new = duplicate = 0
        with open_store(url) as store:
            barrier.wait(timeout=60)
            for start in range(0, len(order), BATCH):
                result = store.write_batch(*_items(order[start : start + BATCH]))
                new += len(result.new)
                duplicate += len(result.duplicate)
        results.put((worker, new, duplicate, None))
    except Exception as exc:
        results.put((worker, 0, 0, f"{type(exc).__name__}: {exc}"))


def _opener(url: str, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=60)
        with open_store(url) as store:
            results.put(store.applied_migrations())
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def _run_processes(target: Any, args_of: list[tuple[Any, ...]], n: int) -> list[Any]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in args_of]
    for p in procs:
        p.start()
    out = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    return out


def test_missing_psycopg_is_a_missing_extra_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    monkeypatch.delitem(sys.modules, "newsprism.store.postgres", raising=False)
    with pytest.raises(MissingExtraError, match=r"pip install 'newsprism\[postgres\]'"):
        open_store("postgresql://someone@127.0.0.1:5432/news")


def test_unreachable_server_and_bad_url_are_one_line_errors() -> None:
    pytest.importorskip("psycopg", reason="psycopg not installed")
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(StoreError) as caught:
        open_store(f"postgresql://news:s3cret@127.0.0.1:{port}/news")
    message = str(caught.value)
    assert message.startswith(f"postgresql://127.0.0.1:{port}/news: cannot connect")
    assert "\n" not in message and "s3cret" not in message
    with pytest.raises(StoreError, match="not a valid PostgreSQL URL") as caught:
        open_store("postgresql://news:s3cret@[broken/news")
    assert "s3cret" not in str(caught.value)


def test_processes_opening_a_fresh_database_at_once_migrate_it_once(pg_url: str) -> None:
    got = _run_processes(_opener, [(pg_url,)] * 3, 3)
    assert all(isinstance(g, list) for g in got), got
    with open_store(pg_url) as store:
        names = store.applied_migrations()
        rows = store.conn.execute("SELECT count(*) FROM _migrations").fetchone()  # type: ignore[attr-defined]
    from newsprism.store.postgres import migrations

    assert got == [names] * 3
    assert rows[0] == len(names) == len(migrations()) == 5


def test_concurrent_writers_store_each_article_exactly_once(pg_url: str) -> None:
    got = _run_processes(_writer, [(pg_url, w) for w in range(N_WRITERS)], N_WRITERS)
    assert [g[3] for g in got] == [None] * N_WRITERS  # no writer failed (no deadlock)
    assert sum(g[1] for g in got) == N_ARTICLES
    assert sum(g[2] for g in got) == N_ARTICLES * (N_WRITERS - 1)
    expected = {a.id: _story_of(a.id) for a in _articles(N_ARTICLES)}
    with open_store(pg_url, read_only=True) as store:
        conn = store.conn  # type: ignore[attr-defined]
        assert conn.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (
            N_ARTICLES,
            N_ARTICLES,
        )
        for table in ("analyses", "article_entities", "article_features", "story_members"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == N_ARTICLES
        # Story ids are the ones every writer computed; no story is left empty.
        assert {a: s for a, (s, _) in store.story_assignments().items()} == expected
        assert sorted(s.id for s in store.stories()) == sorted(set(expected.values()))
        assert len(store.story_events()) == N_ARTICLES * N_WRITERS


def test_readers_during_writes_see_whole_batches_only(pg_url: str) -> None:
    size, batches = 5, 12
    open_store(pg_url).close()
    errors: list[BaseException] = []

    def write(tag: str) -> None:
        try:
            with open_store(pg_url) as store:
                articles = _articles(size * batches, tag)
                for start in range(0, len(articles), size):
                    store.write_batch(_items(articles[start : start + size])[0])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(tag,)) for tag in ("a", "b")]
    seen: list[tuple[int, int]] = []
    with open_store(pg_url, read_only=True) as reader:
        for t in writers:
            t.start()
        while any(t.is_alive() for t in writers) or not seen:
            row = reader.conn.execute(  # type: ignore[attr-defined]
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM analyses)"
            ).fetchone()
            seen.append((row[0], row[1]))
            assert reader.count_articles() % size == 0
        for t in writers:
            t.join()
        final = reader.count_articles()
    assert not errors, errors
    assert final == 2 * size * batches
    assert all(articles == analyses and articles % size == 0 for articles, analyses in seen)
    assert [a for a, _ in seen] == sorted(a for a, _ in seen)


def test_server_stopped_inside_a_batch_rolls_it_back_and_a_rerun_completes(
    pg_cluster: PgCluster,
    pg_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsprism.store import postgres

    first = make_article("The ferry service resumed on Friday after the strike ended.")
    batch = _articles(6, "restart")
    original = postgres._apply_stories

    def stop_then_apply(cur: Any, update: StoryUpdate) -> None:
        pg_cluster.stop("fast")  # the batch's articles are inserted, not committed
        original(cur, update)

    with open_store(pg_url) as store:
        store.write_batch([StoredItem(first)])
        monkeypatch.setattr(postgres, "_apply_stories", stop_then_apply)
        try:
            with pytest.raises(StoreError) as caught:
                store.write_batch(*_items(batch))
        finally:
            pg_cluster.start()
        monkeypatch.setattr(postgres, "_apply_stories", original)
        message = str(caught.value)
        assert "batch not stored" in message and "connection to the server lost" in message
        assert "run again" in message and "\n" not in message
        # Nothing half-written; the same store object reconnects and the re-run completes.
        assert store.count_articles() == 1
        assert store.story_assignments() == {}
        result = store.write_batch(*_items(batch))
        assert result.new == [a.id for a in batch] and result.duplicate == []
        assert store.count_articles() == 7
        assert len(store.story_assignments()) == 6


def test_server_restarted_between_batches_of_an_ingest_then_resumed(
    pg_cluster: PgCluster,
    pg_url: str,
) -> None:
    from newsprism.pipeline import ingest

    settings = Settings(db=pg_url, batch_size=1)
    with open_store(pg_url) as store:
        real_write = store.write_batch
        calls = 0

        def write_batch(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                pg_cluster.stop("fast")
            return real_write(*args, **kwargs)

        store.write_batch = write_batch  # type: ignore[method-assign]
        try:
            with pytest.raises(StoreError, match=r"connection|connect"):
                ingest([str(EXAMPLES)], store, settings, analyze=False)
        finally:
            pg_cluster.start()
        assert store.count_articles() == 1  # the first batch, whole; the second, nothing
        store.write_batch = real_write  # type: ignore[method-assign]
        report = ingest([str(EXAMPLES)], store, settings, analyze=False)
        assert (report.read, report.new, report.duplicate, report.failed) == (2, 1, 1, [])
        assert store.count_articles() == 2
        assert set(store.story_assignments()) == {a.id for a in store.iter_articles()}


def test_cli_ingest_and_read_back_through_a_postgresql_url(pg_url: str) -> None:
    from newsprism.cli import main

    runner = CliRunner()
    done = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", pg_url, "--no-analyze"])
    assert done.exit_code == 0, done.output
    assert "read 2, new 2, duplicate 0, failed 0" in done.stdout
    again = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", pg_url, "--format", "json"])
    assert json.loads(again.stdout)["duplicate"] == 2
    listed = runner.invoke(main, ["articles", "--db", pg_url, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 2


def test_pgvector_is_enabled_when_the_server_has_it(pg_url: str) -> None:
    # scripts/build-pgvector.sh installs it; without it, vectors stay bytea and nothing fails.
    with open_store(pg_url) as store:
        conn = store.conn  # type: ignore[attr-defined]
        available = conn.execute(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'"
        ).fetchone()[0]
        assert store.has_pgvector() is bool(available)  # type: ignore[attr-defined]
        if available:
            distance = conn.execute("SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector").fetchone()
            assert distance[0] == pytest.approx(1.0)
