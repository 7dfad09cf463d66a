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
from tests.conftest import EXAMPLES, SEED_A, SEED_B


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


def test_a_run_that_can_read_nothing_creates_no_store(seed_db: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.txt")
    db = tmp_path / "new.db"
    code, out, err = run("ingest", missing, missing, "--db", str(db))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"failed: {missing}: no such file or directory",
        f"failed: {missing}: no such file or directory",
        "error: nothing to read; the store was not opened",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # an existing store is left exactly as it was
    copy = tmp_path / "copy.db"
    shutil.copy(seed_db, copy)
    before = copy.read_bytes()
    code, _, _ = run("ingest", missing, "--db", str(copy))
    assert code == 2
    assert copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.db"]


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


def test_an_empty_directory_is_an_error_but_only_duplicates_are_not(
    seed_db: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".hidden.txt").write_text("not read: hidden", encoding="utf-8")
    db = tmp_path / "e.db"
    code, out, err = run("ingest", str(empty), "--db", str(db))
    assert code == 2 and out == ""
    assert err.startswith(f"error: no files found under {empty} ")
    assert err.count("\n") == 1
    assert not db.exists()  # nothing to read: the store is not created
    copy = tmp_path / "copy.db"
    shutil.copy(seed_db, copy)
    code, out, _ = run("ingest", str(EXAMPLES), "--db", str(copy), "--no-analyze")
    assert code == 0 and "read 2, new 0, duplicate 2, failed 0" in out


@pytest.mark.parametrize("command", ["articles", "stories"])
@pytest.mark.parametrize("since", ["yesterday", "2025-13-45", "2024-02-30", "2024-4-2", "24"])
def test_since_must_be_a_date(seed_db: Path, command: str, since: str) -> None:
    code, out, err = run(command, "--db", str(seed_db), "--since", since)
    assert code == 2 and out == ""
    assert err.startswith("error: Invalid value for '--since': ") and err.count("\n") == 1
    assert "YYYY-MM-DD" in err


@pytest.mark.parametrize(
    ("since", "count"), [("2024-04-02", 1), ("2024-04", 1), ("2024", 1), ("2024-04-03", 0)]
)
def test_since_takes_a_day_a_month_or_a_year(seed_db: Path, since: str, count: int) -> None:
    code, out, _ = run("articles", "--db", str(seed_db), "--since", since, "--format", "json")
    assert code == 0 and len(json.loads(out)) == count
    code, out, _ = run("stories", "--db", str(seed_db), "--since", since, "--format", "json")
    assert code == 0 and len(json.loads(out)) == count


def test_search_hits_name_outlet_and_date_on_one_line(seed_db: Path) -> None:
    code, out, _ = run("search", "phone", "--db", str(seed_db))
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "2 hit(s)"
    heads, snippets = lines[:-1:2], lines[1:-1:2]
    assert any(h.split()[1:3] == ["2024-04-02", "CNN"] for h in heads), heads
    assert all(s.startswith("    ") and "  " not in s.strip() for s in snippets), snippets
    assert all("[" in s for s in snippets)


def test_show_article_text_lists_the_analysis(seed_db: Path) -> None:
    with open_store(seed_db, read_only=True) as store:
        article = next(a for a in store.iter_articles() if a.outlet == "CNN")
        analysis = store.get_analysis(article.id)
    assert analysis is not None
    code, out, _ = run("show-article", article.id[:8], "--db", str(seed_db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(article.id)
    assert (
        f"entities ({len(analysis.entities)}): name chain key, name, label, mentions, aliases"
        in lines
    )
    entity = analysis.entities[0]
    assert any(ln.split()[:1] == [entity.key.split()[0]] and entity.name in ln for ln in lines)
    speaker = next(q for q in analysis.quotes if q.speaker_entity)
    assert any(f"{speaker.speaker} [{speaker.speaker_entity}]: “" in ln for ln in lines)
    resolved = next(t for t in analysis.times if t.value and t.granularity == "day")
    assert any(ln.startswith(f"  {resolved.text!r} → {resolved.value} (") for ln in lines)
    minutes = next(q for q in analysis.quantities if q.unit == "min")
    assert any(f"→ {minutes.value:g} min (duration)" in ln for ln in lines)
    assert f"claims ({len(analysis.claims)}; first 5, all with --format json)" in lines
    assert any(ln.startswith("flag fused_words: ") and " — " in ln for ln in lines)
    code, json_out, _ = run(
        "show-article", article.id[:8], "--db", str(seed_db), "--format", "json"
    )
    assert code == 0 and len(json.loads(json_out)["analysis"]["claims"]) == len(analysis.claims)


def test_output_files_need_a_folder_and_a_known_suffix(seed_db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "x.md"
    for command in (["compare", str(SEED_A), str(SEED_B)], ["show", "s-", "--db", str(seed_db)]):
        code, _, err = run(*command, "-o", str(missing))
        assert code == 2
        assert err == f"error: cannot write {missing} (no such directory: {missing.parent})\n"
        code, _, err = run(*command, "-o", str(tmp_path / "out.pdf"))
        assert code == 2 and err.count("\n") == 1
        assert "unknown suffix '.pdf' (known: .html .htm .md .json .txt; or give --format)" in err
    assert not (tmp_path / "no").exists() and not (tmp_path / "out.pdf").exists()


def test_show_writes_the_format_its_suffix_or_format_names(seed_db: Path, tmp_path: Path) -> None:
    with open_store(seed_db, read_only=True) as store:
        [story] = store.stories()
    page, forced = tmp_path / "story.html", tmp_path / "story.pdf"
    code, _, err = run("show", story.id, "--db", str(seed_db), "-o", str(page))
    assert code == 0 and err == f"wrote {page}\n"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, _ = run("show", story.id, "--db", str(seed_db), "-o", str(forced), "--format", "json")
    assert code == 0 and json.loads(forced.read_text(encoding="utf-8"))["articles"]
