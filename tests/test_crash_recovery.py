"""Kill -9 an ingest at random points: the store stays whole and a re-run finishes the job.

A driver subprocess imports newsprism and loads the analysis models once, then forks one child
per ingest (``newsprism.pipeline.ingest`` with analysis and stories on, two articles per batch),
so that each run starts in milliseconds instead of seconds. The test times one uninterrupted
run (the reference), then, for 20 seeded random delays within that time, starts the same ingest
on a fresh store and sends the child SIGKILL. After each kill:

- ``PRAGMA integrity_check`` is ``ok``, foreign keys hold and the full-text index matches;
- every stored article is whole: its analysis, its entity rows (as many as its analysis
  lists), its features and its story membership are all there;
- re-running the same ingest on that store exits 0 and leaves exactly the reference's content
  (every table, timestamps aside).

Half of the kills are at a random delay; the other half wait until the child has started
writing to the store (the WAL grows) and then kill it after a random short delay, so that some
kills land inside a write transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.slow

KILLS = 20
SEED = 20_240_402
ARTICLES = 16
BATCH_SIZE = 2

# The driver: loads everything once, then forks a child per "ingest DB" line on stdin and
# answers "pid N" (when the child starts) and "exit STATUS SECONDS" (when it ends; STATUS is
# the negative signal number for a killed child).
DRIVER = r"""
import os, sys, time
from pathlib import Path
from newsprism.config import Settings
from newsprism.pipeline import ingest
from newsprism.store import open_store

corpus, batch_size, warm = sys.argv[1], int(sys.argv[2]), sys.argv[3]
settings = Settings(batch_size=batch_size)
with open_store(warm) as store:  # warm up: load the models before any fork
    ingest([corpus], store, settings)
print("ready", flush=True)
for line in sys.stdin:
    db = line.split(maxsplit=1)[1].strip()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            with open_store(db) as store:
                report = ingest([corpus], store, settings)
            code = 0 if report.new + report.duplicate == report.read else 4
        finally:
            os._exit(code)
    print(f"pid {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(f"exit {code} {time.monotonic() - start:.3f}", flush=True)
"""

PARTS = {"articles", "analyses", "article_entities", "article_features", "stories", "story_members"}
"""The tables that hold a part of an article."""

IGNORED_COLUMNS = {
    "articles": {"ingested_at"},
    "stories": {"created_at"},
    "story_events": {"at"},
    "_migrations": {"applied_at"},
}


def build_corpus(folder: Path, count: int, rng: random.Random) -> None:
    """Perturbed copies of the seed articles (lines dropped, shuffled, words swapped), and the
    reader fixtures (feeds, one of whose entries fail, which a re-run must fail again)."""
    folder.mkdir(parents=True)
    seeds = [path.read_text(encoding="utf-8").splitlines() for path in sorted(EXAMPLES.iterdir())]
    swaps = [("Tuesday", "Wednesday"), ("two", "three"), ("call", "conversation"), ("US", "U.S.")]
    for number in range(count):
        lines = [line for line in seeds[number % len(seeds)] if line.strip()]
        head, body = lines[:3], lines[3:]
        kept = [line for line in body if rng.random() < 0.5] or body[:2]
        rng.shuffle(kept)
        old, new = rng.choice(swaps)
        kept = [line.replace(old, new) for line in kept[:10]]
        text = "\n\n".join([*head, f"Report {number} of the day.", *kept]) + "\n"
        (folder / f"report_{number:03d}.txt").write_text(text, encoding="utf-8")
    for fixture in sorted((ROOT / "tests" / "fixtures" / "read").iterdir()):
        shutil.copy(fixture, folder / fixture.name)


class Driver:
    def __init__(self, corpus: Path, warm_db: Path, log: Path) -> None:
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", DRIVER, str(corpus), str(BATCH_SIZE), str(warm_db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=ROOT,
            env={k: v for k, v in os.environ.items() if not k.startswith("NEWSPRISM_")},
        )
        assert self._line(120) == "ready", self.stderr()

    def stderr(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")[-3000:]

    def _line(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        assert ready, f"driver silent for {timeout} s: {self.stderr()}"
        return self.proc.stdout.readline().strip()

    def start(self, db: Path) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"ingest {db}\n")
        self.proc.stdin.flush()
        kind, pid = self._line(60).split()
        assert kind == "pid"
        return int(pid)

    def wait(self) -> tuple[int, float]:
        kind, code, seconds = self._line(300).split()
        assert kind == "exit"
        return int(code), float(seconds)

    def run(self, db: Path) -> float:
        self.start(db)
        code, seconds = self.wait()
        assert code == 0, f"ingest into {db} exited {code}: {self.stderr()}"
        return seconds

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(30)
        self.log.close()


def connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (articles with their rowid, which the full-text index uses), sorted,
    without the columns that record when something was written."""
    conn = connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("articles_fts")
        ]
        result: dict[str, list[tuple[object, ...]]] = {}
        for table in sorted(tables):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            kept = [c for c in columns if c not in IGNORED_COLUMNS.get(table, set())]
            if table == "articles":
                kept.insert(0, "rowid")
            order = " ORDER BY seq" if table == "story_events" else ""
            rows = conn.execute(f"SELECT {', '.join(kept)} FROM {table}{order}").fetchall()
            result[table] = rows if table == "story_events" else sorted(rows, key=repr)
        return result
    finally:
        conn.close()


def check_whole(db: Path) -> int:
    """Integrity of the file, and no half-stored article; the number of articles stored."""
    conn = sqlite3.connect(db)  # read-write: the full-text index check needs it
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if not tables >= PARTS:  # killed before the migrations were all committed
            assert "articles" not in tables or not conn.execute("SELECT 1 FROM articles").fetchone()
            return 0
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        articles = [r[0] for r in conn.execute("SELECT id FROM articles")]
        analyses = dict(conn.execute("SELECT article_id, data FROM analyses").fetchall())
        features = {r[0] for r in conn.execute("SELECT article_id FROM article_features")}
        members = dict(conn.execute("SELECT article_id, story_id FROM story_members").fetchall())
        stories = {r[0] for r in conn.execute("SELECT id FROM stories")}
        entities: dict[str, int] = dict(
            conn.execute("SELECT article_id, count(*) FROM article_entities GROUP BY article_id")
        )
        for article_id in articles:
            assert article_id in analyses, f"{article_id}: stored without its analysis"
            data = json.loads(analyses[article_id])
            assert data["sentences"], f"{article_id}: analysis without sentences"
            assert entities.get(article_id, 0) == len(data["entities"]), (
                f"{article_id}: entity rows do not match its analysis"
            )
            assert article_id in features, f"{article_id}: stored without features"
            assert article_id in members, f"{article_id}: stored without a story"
            assert members[article_id] in stories
        assert set(analyses) <= set(articles) and features <= set(articles)
        assert set(members) <= set(articles) and set(entities) <= set(articles)
        assert stories == set(members.values())
        return len(articles)
    finally:
        conn.close()


def wal_size(db: Path) -> int:
    try:
        return (db.parent / (db.name + "-wal")).stat().st_size
    except FileNotFoundError:
        return 0


@dataclass(slots=True)
class KillPoint:
    delay: float
    at_write: bool
    exit_code: int
    stored_at_kill: int
    events_at_kill: list[tuple[object, ...]]
    after_rerun: dict[str, list[tuple[object, ...]]]


@dataclass(slots=True)
class Campaign:
    reference: dict[str, list[tuple[object, ...]]]
    total: int
    points: list[KillPoint] = field(default_factory=list)


def events(db: Path) -> list[tuple[object, ...]]:
    conn = connect(db)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_events'").fetchone():
            return []
        return conn.execute(
            "SELECT seq, kind, story_id, article_id, other_story_id, detail FROM story_events "
            "ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campaign]:
    """One reference run, then KILLS killed runs, each checked and re-run to the end."""
    base = tmp_path_factory.mktemp("crash")
    build_corpus(base / "corpus", ARTICLES, random.Random(SEED))
    drv = Driver(base / "corpus", base / "warm.db", base / "driver.log")
    try:
        reference = base / "reference.db"
        duration = drv.run(reference)
        result = Campaign(dump(reference), check_whole(reference))
        rng = random.Random(SEED)
        for number in range(KILLS):
            db = base / f"killed_{number:02d}.db"
            delay = rng.uniform(0.05, 0.95) * duration
            at_write = number % 2 == 1
            pid = drv.start(db)
            start = time.monotonic()
            time.sleep(delay)
            if at_write:  # then wait for the next write to the store, and kill a moment later
                baseline = wal_size(db)
                while wal_size(db) == baseline and time.monotonic() - start < duration:
                    time.sleep(0.0005)
                time.sleep(rng.uniform(0.0, 0.005))
            with contextlib.suppress(ProcessLookupError):  # it may have finished already
                os.kill(pid, signal.SIGKILL)
            code, _ = drv.wait()
            assert code in (-signal.SIGKILL, 0), drv.stderr()
            stored = check_whole(db)  # right after the kill: whole, or this fails here
            killed_events = events(db)
            drv.run(db)  # the same ingest again: it must finish the job
            check_whole(db)
            result.points.append(KillPoint(delay, at_write, code, stored, killed_events, dump(db)))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        yield result
    finally:
        drv.close()


def without_events(state: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
    return {table: rows for table, rows in state.items() if table != "story_events"}


def test_the_reference_run_spans_many_batches(campaign: Campaign) -> None:
    assert campaign.total >= ARTICLES  # ARTICLES / BATCH_SIZE batches at least
    assert len(campaign.reference["stories"]) >= 2
    assert len(campaign.reference["story_events"]) >= campaign.total


def test_kills_landed_midway(campaign: Campaign) -> None:
    assert len(campaign.points) == KILLS
    stored = [p.stored_at_kill for p in campaign.points if p.exit_code == -signal.SIGKILL]
    midway = [n for n in stored if 0 < n < campaign.total]
    print(f"articles stored at each kill (of {campaign.total}): {stored}")
    assert len(midway) >= KILLS // 2, f"articles stored at each kill: {stored}"


def test_rerun_after_kill_gives_the_uninterrupted_state(campaign: Campaign) -> None:
    """Articles, analyses, entities, features, stories, memberships and origins all equal the
    uninterrupted run's; the story log keeps what was logged before the kill and logs every
    article exactly once."""
    expected = without_events(campaign.reference)
    logged = sorted(e[3] for e in campaign.reference["story_events"] if e[3] is not None)
    articles = sorted(row[1] for row in campaign.reference["articles"])
    assert logged == articles
    for number, point in enumerate(campaign.points):
        where = f"kill point {number} ({point.delay:.2f} s, {point.stored_at_kill} stored)"
        assert without_events(point.after_rerun) == expected, where
        log = point.after_rerun["story_events"]
        assert log[: len(point.events_at_kill)] == point.events_at_kill, where
        assert sorted(e[3] for e in log if e[3] is not None) == logged, where


def test_rerun_after_kill_logs_the_same_story_events(campaign: Campaign) -> None:
    """The re-run replays the killed run's story journal, so it goes on where that run
    stopped: the story log, link similarities and merge moments included, equals the
    uninterrupted run's (without the journal the events after a restart differ)."""
    for point in campaign.points:
        assert point.after_rerun["story_events"] == campaign.reference["story_events"]
