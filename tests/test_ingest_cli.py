"""End to end through the CLI: ingest, articles, search, stories, show, cluster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.config import Settings
from newsprism.errors import StoreError
from newsprism.pipeline import ingest
from newsprism.store import SQLiteStore, open_store
from tests.conftest import EXAMPLES, SEED_B


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    code, out, err = run("ingest", str(EXAMPLES), "--db", str(db))
    assert code == 0, err
    assert "read 2, new 2, duplicate 0, failed 0" in out
    return db


def test_reingest_is_idempotent(seed_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(seed_db, db)
    code, out, _ = run("ingest", str(EXAMPLES), "--db", str(db), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert (report["read"], report["new"], report["duplicate"]) == (2, 0, 2)
    with open_store(db, read_only=True) as store:
        assert store.count_articles() == 2
        assert len(store.stories()) == 1


def test_articles_json_has_the_documented_fields(seed_db: Path) -> None:
    code, out, _ = run("articles", "--db", str(seed_db), "--format", "json")
    assert code == 0
    articles = {a["source"].split("/")[-1]: a for a in json.loads(out)}
    b = articles[SEED_B.name]
    for key in ("id", "outlet", "title", "published", "published_source", "dateline",
                "language", "source", "body", "removed", "flags"):  # fmt: skip
        assert key in b
    assert (b["published"], b["published_source"], b["outlet"]) == ("2024-04-02", "header", "CNN")
    assert b["dateline"]["place"] == "Washington"
    assert b["language"] == "en"
    assert {r["reason"] for r in b["removed"]} >= {"credit", "update_note"}
    assert {f["kind"] for f in b["flags"]} >= {"fused_words", "garbled_punctuation"}


def test_search_finds_words_with_snippets(seed_db: Path) -> None:
    code, out, _ = run("search", "denuclearization", "--db", str(seed_db), "--format", "json")
    assert code == 0
    hits = json.loads(out)
    assert len(hits) == 1
    assert "[denuclearization]" in hits[0]["snippet"]
    code, out, _ = run("search", "zzzznotaword", "--db", str(seed_db))
    assert code == 0 and "0 hit(s)" in out


def test_stories_show_and_rebuild(seed_db: Path, tmp_path: Path) -> None:
    code, out, _ = run("stories", "--db", str(seed_db), "--format", "json")
    assert code == 0
    [story] = json.loads(out)
    assert len(story["articles"]) == 2 and story["origins"] == 2
    assert story["first_seen"] == "2024-04-02"
    code, out, _ = run("show", story["id"][:6], "--db", str(seed_db), "--format", "json")
    assert code == 0
    comparison = json.loads(out)
    assert sum(1 for f in comparison["facts"] if f["status"] == "shared") >= 10
    db = tmp_path / "rebuild.db"
    shutil.copy(seed_db, db)
    code, out, _ = run("cluster", "--rebuild", "--db", str(db), "--format", "json")
    assert code == 0
    assert json.loads(out)["moved"] == 0
    with open_store(db, read_only=True) as store:
        assert [s.id for s in store.stories()] == [story["id"]]


def test_show_article_by_prefix(seed_db: Path) -> None:
    with open_store(seed_db, read_only=True) as store:
        article_id = next(store.iter_articles()).id
    code, out, _ = run("show-article", article_id[:8], "--db", str(seed_db), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == article_id
    assert data["analysis"]["sentences"]
    code, _, err = run("show-article", "ffffffffffff", "--db", str(seed_db))
    assert code == 2 and "no such article" in err


def test_a_batch_with_bad_records_stores_the_good_ones(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_B, inbox / "good.txt")
    (inbox / "empty.txt").write_text("", encoding="utf-8")
    (inbox / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (inbox / "dump.jsonl").write_text(
        '{"text": "A council in the north voted on Monday to close the old bridge for '
        'repairs, the mayor said, after engineers found cracks."}\n{"text": broken\n',
        encoding="utf-8",
    )
    db = tmp_path / "mixed.db"
    code, out, err = run("ingest", str(inbox), "--db", str(db), "--no-analyze")
    assert code == 1
    assert "new 2" in out and "failed 3" in out
    failures = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failures) == 3
    assert any("empty.txt" in line for line in failures)
    assert any("binary.txt" in line for line in failures)
    assert any("dump.jsonl line 2" in line for line in failures)


def test_nothing_readable_exits_2(tmp_path: Path) -> None:
    code, _, err = run("ingest", str(tmp_path / "missing.txt"), "--db", str(tmp_path / "x.db"))
    assert code == 2
    assert "missing.txt" in err


def test_interrupted_ingest_resumes_to_the_same_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(6):
        (inbox / f"{i}.txt").write_text(
            f"title: Storm report {i}\ndate: 2024-05-0{i + 1}\n\n"
            f"A storm number {i} hit the coastal town of Port Example on a stormy night, "
            f"flooding {i + 10} streets and closing the harbour, officials said.",
            encoding="utf-8",
        )
    settings = Settings(batch_size=2)
    reference = tmp_path / "reference.db"
    with open_store(reference) as store:
        ingest([str(inbox)], store, settings, analyze=False)

    db = tmp_path / "interrupted.db"
    real_write = SQLiteStore.write_batch
    calls = {"n": 0}

    def failing_write(self: SQLiteStore, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError("disk went away")
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SQLiteStore, "write_batch", failing_write)
    with open_store(db) as store:
        report = ingest([str(inbox)], store, settings, analyze=False)
    assert report.new == 4 and len(report.failed) == 2
    monkeypatch.setattr(SQLiteStore, "write_batch", real_write)
    with open_store(db) as store:
        again = ingest([str(inbox)], store, settings, analyze=False)
    assert (again.new, again.duplicate, again.failed) == (2, 4, [])

    def state(path: Path) -> tuple[object, ...]:
        with open_store(path, read_only=True) as store:
            ids = sorted(a.id for a in store.iter_articles())
            members = sorted(len(s.article_ids) for s in store.stories())
            return ids, members, store.conn.execute("PRAGMA integrity_check").fetchone()[0]

    assert state(db) == state(reference)
