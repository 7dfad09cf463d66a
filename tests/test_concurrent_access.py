"""Several readers while one ingest writes: no errors, and no reader sees a partial batch.

The writer is ``newsprism ingest`` (a subprocess, three articles per batch, analysis and stories
on) over a corpus where every file is a new article, so the store only ever holds a multiple
of three articles. Readers run until the writer is done:

- threads with the library's read-only store, each read inside one ``snapshot()``: articles,
  analyses, features and story memberships always number the same, a multiple of three, and
  ``stories()`` accounts for every article;
- threads that run the CLI (``articles``, ``stories``, ``search``, ``show-article`` with
  ``--format json``) in subprocesses: each exits 0 with no error output, and lists a multiple
  of three articles; an article listed can be shown with its analysis.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsprism.store import SQLiteStore, open_store
from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

BATCH = 3
ARTICLES = 30
LIBRARY_READERS = 3
CLI_READERS = 2
NEWSPRISM = str(Path(sys.executable).with_name("newsprism"))
MARKER = "bulletin"
"""A word every article of the corpus has (the CLI readers search for it)."""


def build_corpus(folder: Path) -> None:
    """ARTICLES different articles (perturbed copies of the seed articles): no failures, no
    duplicates, so every batch stores exactly BATCH new articles."""
    folder.mkdir(parents=True)
    rng = random.Random(8)
    seeds = [p.read_text(encoding="utf-8").splitlines() for p in sorted(EXAMPLES.iterdir())]
    for number in range(ARTICLES):
        lines = [line for line in seeds[number % len(seeds)] if line.strip()]
        head, body = lines[:3], lines[3:]
        kept = [line for line in body if rng.random() < 0.5] or body[:2]
        rng.shuffle(kept)
        text = "\n\n".join([*head, f"Morning {MARKER} number {number}.", *kept[:8]]) + "\n"
        (folder / f"item_{number:03d}.txt").write_text(text, encoding="utf-8")


@dataclass(slots=True)
class Reads:
    ok: dict[str, int] = field(default_factory=dict)
    counts: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, count: int | None = None, error: str | None = None) -> None:
        with self.lock:
            if error is not None:
                self.errors.append(f"{kind}: {error}")
                return
            self.ok[kind] = self.ok.get(kind, 0) + 1
            if count is not None:
                self.counts.add(count)
                if count % BATCH:
                    self.errors.append(f"{kind}: saw {count} articles, a partial batch")


def library_reader(db: Path, reads: Reads, done: threading.Event) -> None:
    while not done.is_set():
        try:
            store = open_store(db, read_only=True)
            assert isinstance(store, SQLiteStore)
            with store, store.snapshot():
                articles = store.count_articles()
                counts = {
                    table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    for table in ("analyses", "article_features", "story_members")
                }
                in_stories = sum(len(s.article_ids) for s in store.stories())
                features = sum(1 for _ in store.iter_features())
            if set(counts.values()) != {articles} or in_stories != articles:
                reads.record("library", error=f"{articles} articles but {counts}, {in_stories}")
            elif features != articles:
                reads.record("library", error=f"{articles} articles, {features} features")
            else:
                reads.record("library", articles)
        except Exception as exc:  # every error is a finding: keep reading, report them all
            reads.record("library", error=f"{type(exc).__name__}: {exc}")
        time.sleep(0.01)


def cli(db: Path, *args: str) -> object:
    result = subprocess.run(
        [NEWSPRISM, *args, "--db", str(db), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEWSPRISM_")},
    )
    if result.returncode != 0 or result.stderr.strip():
        raise RuntimeError(f"exit {result.returncode}: {result.stderr.strip()[-500:]}")
    return json.loads(result.stdout)


def cli_reader(db: Path, reads: Reads, done: threading.Event, number: int) -> None:
    commands: list[tuple[str, Callable[[], int | None]]] = [
        ("articles", lambda: len(cli(db, "articles"))),  # type: ignore[arg-type]
        ("stories", lambda: sum(len(s["articles"]) for s in cli(db, "stories"))),  # type: ignore[attr-defined]
        ("search", lambda: len(cli(db, "search", MARKER, "--limit", "1000"))),  # type: ignore[arg-type]
        ("show-article", lambda: show_last_article(db)),
    ]
    turn = number
    while not done.is_set():
        kind, command = commands[turn % len(commands)]
        turn += 1
        try:
            reads.record(kind, command())
        except Exception as exc:
            reads.record(kind, error=f"{type(exc).__name__}: {exc}")


def show_last_article(db: Path) -> None:
    articles = cli(db, "articles")
    assert isinstance(articles, list) and articles
    shown = cli(db, "show-article", articles[-1]["id"])
    assert isinstance(shown, dict)
    assert shown.get("analysis"), f"{articles[-1]['id']} shown without its analysis"


def wait_for_first_batch(db: Path, writer: subprocess.Popen[str]) -> None:
    while writer.poll() is None:
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                if conn.execute("SELECT count(*) FROM story_members").fetchone()[0]:
                    return
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # not created or not migrated yet
        time.sleep(0.05)


def test_readers_while_an_ingest_writes(tmp_path: Path) -> None:
    build_corpus(tmp_path / "corpus")
    db = tmp_path / "shared.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSPRISM_")}
    writer = subprocess.Popen(
        [NEWSPRISM, "ingest", str(tmp_path / "corpus"), "--db", str(db)],
        env={**env, "NEWSPRISM_BATCH_SIZE": str(BATCH)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads = Reads()
    done = threading.Event()
    try:
        wait_for_first_batch(db, writer)
        threads = [
            threading.Thread(target=library_reader, args=(db, reads, done))
            for _ in range(LIBRARY_READERS)
        ] + [
            threading.Thread(target=cli_reader, args=(db, reads, done, n))
            for n in range(CLI_READERS)
        ]
        for thread in threads:
            thread.start()
        out, err = writer.communicate(timeout=300)
    finally:
        done.set()
        if writer.poll() is None:
            writer.kill()
    for thread in threads:
        thread.join(120)
    assert writer.returncode == 0, err
    assert f"new {ARTICLES}, duplicate 0, failed 0" in out

    assert reads.errors == []
    assert reads.ok.get("library", 0) >= 10 and sum(reads.ok.values()) > reads.ok["library"]
    assert len(reads.counts) >= 3, f"readers saw too few states of the store: {reads.counts}"
    with open_store(db, read_only=True) as store:
        assert store.count_articles() == ARTICLES
