"""A read-only store file or folder, a full disk: a clear one-line error, nothing corrupted.

Read-only: as root (for whom permissions do not stop writes) the file or folder is bind-mounted
read-only onto itself; otherwise its permissions are taken away. Full disk: a real, tiny tmpfs
(root only), and SQLite's ``max_page_count`` (a size limit any process can set).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.config import Settings
from newsprism.errors import StoreFullError, StoreReadOnlyError, StoreUnavailableError
from newsprism.pipeline import ingest
from newsprism.store import SQLiteStore, open_store
from tests.conftest import EXAMPLES

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def make_corpus(folder: Path, count: int) -> Path:
    """``count`` different articles (numbered copies of the seed articles)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.iterdir())]
    for number in range(count):
        text = seeds[number % len(seeds)]
        (folder / f"copy_{number:03d}.txt").write_text(
            f"{text}\nFiled as copy {number} of {count}.\n", encoding="utf-8"
        )
    return folder


def seed_store(db: Path) -> None:
    """A store with the seed articles (no analysis: quick; stories on)."""
    with open_store(db) as store:
        report = ingest([str(EXAMPLES)], store, Settings(), analyze=False)
    assert report.new == 2


def content(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, read without writing anything (the file may be read-only)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        try:
            conn.execute("SELECT 1 FROM sqlite_master").fetchall()
        except sqlite3.OperationalError:  # a read-only folder: no shared-memory file
            conn.close()
            conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("articles_fts")
        ]
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        conn.close()


def assert_intact(db: Path, before: dict[str, list[tuple[object, ...]]]) -> None:
    """Integrity holds, everything stored before is still there, every article is whole."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        for table in ("article_features", "story_members"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == articles
    finally:
        conn.close()
    after = content(db)
    for table, rows in before.items():
        if table == "sqlite_sequence":  # a counter: it grows
            continue
        assert set(rows) <= set(after[table]), f"{table}: stored rows lost or changed"


def one_line_error(code: int, err: str, *needles: str) -> None:
    assert code in (1, 2)
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    for needle in needles:  # "a|b": either
        assert any(part in lines[0] for part in needle.split("|")), lines[0]


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or folder) read-only for this process."""
    if ROOT_USER:
        mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot bind-mount as root here: {mounted.stderr.decode().strip()}")
        try:
            subprocess.run(
                ["mount", "-o", "remount,bind,ro", str(path)], check=True, capture_output=True
            )
            yield
        finally:
            subprocess.run(["umount", "--lazy", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str) -> Iterator[Path]:
    if not ROOT_USER:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_read_only_store_file(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    seed_store(db)
    before = content(db)
    corpus = make_corpus(tmp_path / "more", 3)
    with read_only(db):
        code, _, err = run("ingest", str(corpus), "--db", str(db), "--no-analyze")
        one_line_error(code, err, str(db), "read-only")
        with pytest.raises(StoreReadOnlyError, match="read-only"):
            open_store(db)
        code, out, err = run("articles", "--db", str(db), "--format", "json")
        assert code == 0 and err == "" and out.count('"id"') == 2  # reading still works
    assert content(db) == before
    assert_intact(db, before)


def test_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "store.db"
    seed_store(db)
    before = content(db)
    files = sorted(p.name for p in folder.iterdir())
    corpus = make_corpus(tmp_path / "more", 3)
    with read_only(folder):
        code, _, err = run("ingest", str(corpus), "--db", str(db), "--no-analyze")
        one_line_error(code, err, str(db), "read-only|cannot open")
        code, _, err = run("ingest", str(corpus), "--db", str(folder / "new.db"), "--no-analyze")
        one_line_error(code, err, str(folder / "new.db"))
        code, out, err = run("search", "denuclearization", "--db", str(db), "--format", "json")
        assert code == 0 and err == "" and out.count('"article_id"') == 1  # read as immutable
    assert sorted(p.name for p in folder.iterdir()) == files
    assert content(db) == before
    assert_intact(db, before)


@pytest.mark.slow
def test_full_disk_stops_the_ingest_and_keeps_the_store(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk", "1m") as disk:
        db = disk / "store.db"
        seed_store(db)
        before = content(db)
        corpus = make_corpus(tmp_path / "more", 60)
        code, _, err = run("ingest", str(corpus), "--db", str(db), "--no-analyze")
        one_line_error(code, err, str(db), "disk full", "stored before")
        assert_intact(db, before)
        with open_store(db, read_only=True) as store:
            assert 2 <= store.count_articles() < 62


def test_size_limit_reached_mid_ingest(tmp_path: Path) -> None:
    """``PRAGMA max_page_count``: the batch that does not fit is not stored, the ingest stops
    with ``StoreFullError``; what was stored before (earlier batches too) stays whole."""
    db = tmp_path / "store.db"
    seed_store(db)
    before = content(db)
    corpus = make_corpus(tmp_path / "more", 40)
    with SQLiteStore(db) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 40}")
        with pytest.raises(StoreFullError, match="disk full or the store's size limit") as info:
            ingest([str(corpus)], store, Settings(batch_size=4), analyze=False)
        assert isinstance(info.value, StoreUnavailableError) and str(db) in str(info.value)
        stored = store.count_articles()
    assert 2 < stored < 42 and (stored - 2) % 4 == 0  # whole batches only
    assert_intact(db, before)
