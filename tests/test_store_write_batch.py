"""The store's batch write path: one ``executemany`` per batch, same rows as one insert each."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from newsprism.models import Dateline, Heading, QualityFlag, RemovedSpan
from newsprism.store import SQLiteStore, StoredItem
from tests.conftest import make_article


def test_new_and_duplicate_ids_within_and_across_batches(tmp_path: Path) -> None:
    first = make_article("The first article about the harbour.")
    second = make_article("The second article about the harbour.")
    third = make_article("The third article about the harbour.")
    with SQLiteStore(tmp_path / "s.db") as store:
        result = store.write_batch([StoredItem(first), StoredItem(second), StoredItem(first)])
        assert result.new == [first.id, second.id]
        assert result.duplicate == [first.id]
        result = store.write_batch([StoredItem(second), StoredItem(third)])
        assert result.new == [third.id]
        assert result.duplicate == [second.id]
        assert store.count_articles() == 3
        assert [h.article_id for h in store.search("third")] == [third.id]


def test_json_columns_are_the_dataclass_fields(tmp_path: Path) -> None:
    article = make_article(
        "LONDON (Reuters) - Officials said the werer bridge would close.",
        title="Bridge closes",
        dateline=Dateline("LONDON (Reuters) -", place="London", agency="Reuters"),
        headings=[Heading("Bridge closes", "headline", 0, 13)],
        removed=[RemovedSpan("Share this", "share", 0, 10)],
        flags=[QualityFlag("fused_words", "werer", 40, 45, detail="we rer?")],
        metadata={"encoding": "utf-8", "note": "ünïcode"},
    )
    with SQLiteStore(tmp_path / "s.db") as store:
        store.write_batch([StoredItem(article)])
        row = store.conn.execute(
            "SELECT headings, removed, flags, metadata, dateline_place FROM articles"
        ).fetchone()
        for column, values in zip(
            ("headings", "removed", "flags"),
            (article.headings, article.removed, article.flags),
            strict=True,
        ):
            expected = [dataclasses.asdict(v) for v in values]
            # compact JSON (no spaces after separators), non-ASCII kept
            assert row[column] == json.dumps(expected, ensure_ascii=False, separators=(",", ":"))
        assert json.loads(row["metadata"]) == article.metadata
        assert row["dateline_place"] == "London"
        assert store.get_article(article.id) == article
