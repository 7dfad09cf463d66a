from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsprism.errors import StoreError
from newsprism.models import ArticleAnalysis, Dateline, Entity, QualityFlag, RemovedSpan, StoryEvent
from newsprism.store import SQLiteStore, StoredItem, StoryUpdate, open_store
from newsprism.store.sqlite import migrations
from tests.conftest import make_article


def test_new_store_is_wal_and_records_every_migration(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert store.applied_migrations() == [name for name, _ in migrations()]
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    # Re-opening applies nothing twice.
    with open_store(db_path) as store:
        rows = store.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0]
        assert rows == len(migrations())


def test_articles_round_trip_with_all_fields(db_path: Path) -> None:
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
    )
    with open_store(db_path) as store:
        result = store.write_batch([StoredItem(article)])
        assert result.new == [article.id]
        back = store.get_article(article.id)
    assert back == article


def test_reingest_is_idempotent(db_path: Path) -> None:
    article = make_article("The bridge reopened after two years of repairs, officials said.")
    with open_store(db_path) as store:
        assert store.write_batch([StoredItem(article)]).new == [article.id]
        again = store.write_batch([StoredItem(article)])
        assert again.new == [] and again.duplicate == [article.id]
        assert store.count_articles() == 1
        fts_rows = store.conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert fts_rows == 1


def test_failed_batch_leaves_nothing_behind(db_path: Path) -> None:
    good = make_article("The council approved the new budget on Tuesday evening.")
    bad_analysis = ArticleAnalysis(article_id="no-such-article", analyzer="analyze.v1")
    with open_store(db_path) as store:
        store.write_batch([StoredItem(make_article("An earlier, already stored article."))])
        with pytest.raises(StoreError, match="batch not stored"):
            # The analysis points to an article that does not exist: a foreign-key failure
            # after the first article was inserted in the same transaction.
            store.write_batch([StoredItem(good), StoredItem(good, analysis=bad_analysis)])
        assert store.count_articles() == 1
        assert not store.has_article(good.id)


def test_full_text_search_with_snippets_and_bad_syntax(db_path: Path) -> None:
    first = make_article("Floods closed the main highway near the river port.", title="Floods")
    second = make_article("The central bank raised interest rates by half a point.")
    with open_store(db_path) as store:
        store.write_batch([StoredItem(first), StoredItem(second)])
        hits = store.search("highway")
        assert [h.article_id for h in hits] == [first.id]
        assert "[highway]" in hits[0].snippet
        # Porter stemming: "rate" finds "rates".
        assert [h.article_id for h in store.search("rate")] == [second.id]
        # Broken FTS syntax falls back to plain words instead of failing.
        assert [h.article_id for h in store.search('interest rates" (')] == [second.id]


def test_analysis_and_entities_are_stored(db_path: Path) -> None:
    article = make_article("Mayor Ana Lopez opened the library.")
    analysis = ArticleAnalysis(
        article_id=article.id,
        analyzer="analyze.v1",
        entities=[Entity("person:ana lopez", "Ana Lopez", "PERSON", 1)],
    )
    with open_store(db_path) as store:
        store.write_batch([StoredItem(article, analysis=analysis)])
        assert store.get_analysis(article.id) == analysis
        keys = store.conn.execute("SELECT entity_key FROM article_entities").fetchall()
        assert [k[0] for k in keys] == ["person:ana lopez"]


def test_story_membership_and_events(db_path: Path) -> None:
    a = make_article("First report of the storm.", published="2024-01-02", outlet="One")
    b = make_article("Second report of the storm.", published="2024-01-03", outlet="Two")
    update = StoryUpdate(
        assignments={a.id: "s1", b.id: "s1"},
        origins={a.id: a.id, b.id: a.id},
        events=[StoryEvent("open", "s1", a.id), StoryEvent("attach", "s1", b.id)],
    )
    with open_store(db_path) as store:
        store.write_batch([StoredItem(a), StoredItem(b)], update)
        [story] = store.stories()
        assert story.id == "s1"
        assert story.article_ids == [a.id, b.id]
        assert story.outlets == ["One", "Two"]
        assert story.origins == [[a.id, b.id]]
        assert (story.first_seen, story.last_seen) == ("2024-01-02", "2024-01-03")
        assert [e.kind for e in store.story_events("s1")] == ["open", "attach"]


def test_read_only_store_refuses_writes_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "missing.db", read_only=True)
    path = tmp_path / "x.db"
    SQLiteStore(path).close()
    with open_store(path, read_only=True) as store, pytest.raises(StoreError):
        store.write_batch([StoredItem(make_article("Some text for a read-only test."))])


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        open_store(path)


def test_concurrent_reader_sees_whole_batches(db_path: Path) -> None:
    with open_store(db_path) as writer:
        writer.write_batch([StoredItem(make_article("Warm-up article text for the store."))])
        reader = sqlite3.connect(db_path)
        writer.conn.execute("BEGIN IMMEDIATE")
        writer._insert_article(make_article("An article in a transaction not yet committed."))
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        writer.conn.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        reader.close()
