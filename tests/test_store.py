"""The store, one suite over both engines: SQLite (a file) and PostgreSQL (a throw-away cluster
started by ``tests.pg_cluster``; skipped with the reason when PostgreSQL or psycopg is missing).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from newsprism.errors import StoreError
from newsprism.models import ArticleAnalysis, Dateline, Entity, QualityFlag, RemovedSpan, StoryEvent
from newsprism.store import SQLiteStore, Store, StoredItem, StoryUpdate, open_store
from newsprism.store.sqlite import migrations
from tests.conftest import make_article

pytest_plugins = ["tests.pg_cluster"]  # the throw-away cluster fixtures


@dataclass
class StoreFactory:
    """Opens the test's store (the same one each time) on one engine."""

    engine: str
    target: str

    def __call__(self, *, read_only: bool = False) -> Store:
        return open_store(self.target, read_only=read_only)

    def migration_names(self) -> list[str]:
        if self.engine == "sqlite":
            return [name for name, _ in migrations()]
        from newsprism.store import postgres

        return [name for name, _ in postgres.migrations()]


@pytest.fixture(params=["sqlite", "postgres"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    if request.param == "sqlite":
        return StoreFactory("sqlite", str(tmp_path / "test.db"))
    return StoreFactory("postgresql", request.getfixturevalue("pg_url"))


def test_new_store_records_every_migration_once(store_factory: StoreFactory) -> None:
    with store_factory() as store:
        assert store.applied_migrations() == store_factory.migration_names()
        if store_factory.engine == "sqlite":
            assert isinstance(store, SQLiteStore)
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Re-opening applies nothing twice.
    with store_factory() as store:
        rows = store.conn.execute("SELECT count(*) FROM _migrations").fetchone()  # type: ignore[attr-defined]
        assert rows[0] == len(store_factory.migration_names())


def test_both_engines_have_the_same_migration_names() -> None:
    postgres = pytest.importorskip("newsprism.store.postgres", reason="psycopg not installed")
    assert [n for n, _ in postgres.migrations()] == [n for n, _ in migrations()]


def test_articles_round_trip_with_all_fields(store_factory: StoreFactory) -> None:
    article = make_article(
        "A ferry sank off the coast on Monday. Twelve people were rescued.",
        title="Ferry sinks",
        outlet="Example Times",
        published="2024-03-04",
        published_source="header",
        dateline=Dateline(text="ATHENS (AP) —", place="Athens", agency="AP"),
        language="en",
        language_score=0.98,
        removed=[RemovedSpan("Sign up for our newsletter", "newsletter", 70, 96)],
        flags=[QualityFlag("fused_words", "werer", 10, 15)],
        metadata={"section": "World", "note": "quote ' and \" and \\ and 100%"},
    )
    with store_factory() as store:
        result = store.write_batch([StoredItem(article)])
        assert result.new == [article.id]
        back = store.get_article(article.id)
        assert store.get_article("0000000000000000") is None
    assert back == article


def test_reingest_is_idempotent(store_factory: StoreFactory) -> None:
    article = make_article("The bridge reopened after two years of repairs, officials said.")
    with store_factory() as store:
        assert store.write_batch([StoredItem(article)]).new == [article.id]
        again = store.write_batch([StoredItem(article)])
        assert again.new == [] and again.duplicate == [article.id]
        assert store.count_articles() == 1
        assert [h.article_id for h in store.search("bridge")] == [article.id]
        if isinstance(store, SQLiteStore):
            fts_rows = store.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
            assert fts_rows == 1


def test_failed_batch_leaves_nothing_behind(store_factory: StoreFactory) -> None:
    good = make_article("The council approved the new budget on Tuesday evening.")
    bad_analysis = ArticleAnalysis(article_id="no-such-article", analyzer="analyze.v1")
    with store_factory() as store:
        store.write_batch([StoredItem(make_article("An earlier, already stored article."))])
        with pytest.raises(StoreError, match="batch not stored"):
            # The analysis points to an article that does not exist: a foreign-key failure
            # after the first article was inserted in the same transaction.
            store.write_batch([StoredItem(good), StoredItem(good, analysis=bad_analysis)])
        assert store.count_articles() == 1
        assert not store.has_article(good.id)
        # The store is still usable after the failure.
        assert store.write_batch([StoredItem(good)]).new == [good.id]


def test_full_text_search_with_snippets_and_bad_syntax(store_factory: StoreFactory) -> None:
    first = make_article("Floods closed the main highway near the river port.", title="Floods")
    second = make_article("The central bank raised interest rates by half a point.")
    with store_factory() as store:
        store.write_batch([StoredItem(first), StoredItem(second)])
        hits = store.search("highway")
        assert [h.article_id for h in hits] == [first.id]
        assert "[highway]" in hits[0].snippet
        assert (hits[0].title, hits[0].outlet) == ("Floods", None)
        # Stemming: "rate" finds "rates".
        assert [h.article_id for h in store.search("rate")] == [second.id]
        # Broken query syntax falls back to plain words instead of failing.
        assert [h.article_id for h in store.search('interest rates" (')] == [second.id]
        # Query text is never SQL.
        assert store.search("x'); DROP TABLE articles; --") == []
        assert store.count_articles() == 2
        assert store.search("zeppelin") == []


def test_search_ranks_the_better_match_first(store_factory: StoreFactory) -> None:
    strong = make_article("Wildfire crews fought the wildfire as the wildfire spread north.")
    weak = make_article("Officials met on Tuesday; a wildfire was mentioned once among topics.")
    with store_factory() as store:
        store.write_batch([StoredItem(weak), StoredItem(strong)])
        hits = store.search("wildfire")
        assert [h.article_id for h in hits] == [strong.id, weak.id]
        assert hits[0].score <= hits[1].score  # lower is better on both engines
        assert len(store.search("wildfire", limit=1)) == 1


def test_find_ids_and_iterate_in_date_order(store_factory: StoreFactory) -> None:
    late = make_article("A late report on the harbour.", published="2024-05-02")
    undated = make_article("An undated note about the harbour.")
    early = make_article("An early report on the harbour.", published="2024-05-01")
    with store_factory() as store:
        store.write_batch([StoredItem(late), StoredItem(undated), StoredItem(early)])
        assert [a.id for a in store.iter_articles()] == [undated.id, early.id, late.id]
        assert [a.id for a in store.iter_articles(since="2024-05-02")] == [late.id]
        assert [a.id for a in store.iter_articles(ids=[late.id, undated.id])] == [
            undated.id,
            late.id,
        ]
        assert list(store.iter_articles(ids=[])) == []
        assert store.find_article_ids(late.id[:6]) == [late.id]
        assert store.find_article_ids("%") == []  # LIKE wildcards are literal
        assert store.find_article_ids("") == sorted([late.id, undated.id, early.id])
        store.set_article_date(undated.id, "2024-05-03", "story")
        store.set_article_date(early.id, "1999-01-01", "story")  # never overwrites
        assert [a.id for a in store.iter_articles()] == [early.id, late.id, undated.id]
        got = store.get_article(undated.id)
        assert got is not None and (got.published, got.published_source) == (
            "2024-05-03",
            "story",
        )


def test_analysis_features_and_entities_are_stored(store_factory: StoreFactory) -> None:
    article = make_article("Mayor Ana Lopez opened the library.")
    analysis = ArticleAnalysis(
        article_id=article.id,
        analyzer="analyze.v1",
        entities=[Entity("person:ana lopez", "Ana Lopez", "PERSON", 1)],
    )
    blob = bytes(range(256)) * 3
    with store_factory() as store:
        store.write_batch([StoredItem(article, analysis=analysis, features=blob)])
        assert store.get_analysis(article.id) == analysis
        assert store.get_analysis("missing") is None
        keys = store.conn.execute("SELECT entity_key FROM article_entities").fetchall()  # type: ignore[attr-defined]
        assert [k[0] for k in keys] == ["person:ana lopez"]
        assert list(store.iter_features()) == [(article.id, "", blob, None)]
        # A new analysis and features replace the old ones.
        renamed = ArticleAnalysis(article.id, "analyze.v2", entities=[])
        store.write_batch(
            [StoredItem(article, analysis=renamed, features=b"x", features_version="v")]
        )
        assert store.get_analysis(article.id) == renamed
        assert store.conn.execute("SELECT count(*) FROM article_entities").fetchone()[0] == 0  # type: ignore[attr-defined]
        assert list(store.iter_features()) == [(article.id, "v", b"x", None)]


def test_story_membership_and_events(store_factory: StoreFactory) -> None:
    a = make_article("First report of the storm.", published="2024-01-02", outlet="One")
    b = make_article("Second report of the storm.", published="2024-01-03", outlet="Two")
    update = StoryUpdate(
        assignments={a.id: "s1", b.id: "s1"},
        origins={a.id: a.id, b.id: a.id},
        events=[StoryEvent("open", "s1", a.id), StoryEvent("attach", "s1", b.id)],
    )
    with store_factory() as store:
        store.write_batch([StoredItem(a, features=b"a"), StoredItem(b, features=b"b")], update)
        [story] = store.stories()
        assert story.id == "s1"
        assert story.article_ids == [a.id, b.id]
        assert story.outlets == ["One", "Two"]
        assert story.origins == [[a.id, b.id]]
        assert (story.first_seen, story.last_seen) == ("2024-01-02", "2024-01-03")
        assert [e.kind for e in store.story_events("s1")] == ["open", "attach"]
        assert store.story_assignments() == {a.id: ("s1", a.id), b.id: ("s1", a.id)}
        assert [(f[0], f[3]) for f in store.iter_features()] == [(a.id, "s1"), (b.id, "s1")]
        assert store.stories(since="2024-02-01") == []
        # Moving b to its own story: s1 keeps a, s2 opens; b's origin changes.
        move = StoryUpdate(
            assignments={b.id: "s2"},
            origins={b.id: b.id},
            events=[StoryEvent("split", "s2", b.id, other_story_id="s1")],
        )
        store.write_batch([], move)
        assert sorted(s.id for s in store.stories()) == ["s1", "s2"]
        assert [e.kind for e in store.story_events("s1")] == ["open", "attach", "split"]
        # Moving a too leaves s1 empty: it is removed.
        store.write_batch([], StoryUpdate(assignments={a.id: "s2"}))
        assert [s.id for s in store.stories()] == ["s2"]
        assert len(store.story_events()) == 3


def test_read_only_store_refuses_writes_and_missing_store(
    store_factory: StoreFactory, tmp_path: Path
) -> None:
    missing = str(tmp_path / "missing.db") if store_factory.engine == "sqlite" else None
    if missing is None:  # PostgreSQL: a database without the schema is not a store
        missing = store_factory.target
    with pytest.raises(StoreError, match="no such store"):
        open_store(missing, read_only=True)
    store_factory().close()
    with store_factory(read_only=True) as store, pytest.raises(StoreError):
        store.write_batch([StoredItem(make_article("Some text for a read-only test."))])


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        open_store(path)


def test_concurrent_reader_sees_whole_batches(store_factory: StoreFactory) -> None:
    with store_factory() as writer, store_factory(read_only=True) as reader:
        writer.write_batch([StoredItem(make_article("Warm-up article text for the store."))])
        pending = make_article("An article in a transaction not yet committed.")
        if isinstance(writer, SQLiteStore):
            writer.conn.execute("BEGIN IMMEDIATE")
            writer._insert_article(pending)
            assert reader.count_articles() == 1
            writer.conn.execute("COMMIT")
        else:
            from newsprism.store.postgres import PostgresStore

            assert isinstance(writer, PostgresStore)
            with writer.conn.transaction(), writer.conn.cursor() as cur:
                writer._insert_article(cur, pending)
                assert reader.count_articles() == 1
                assert not reader.has_article(pending.id)
        assert reader.count_articles() == 2
