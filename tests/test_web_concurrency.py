"""Readers during a write: while `newsprism ingest` writes into the store in another process, the
web app answers every request, and never shows part of a batch."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from newsprism.config import Settings
from newsprism.pipeline import ingest
from newsprism.store import open_store
from newsprism.web import create_app
from tests.conftest import ROOT
from tests.test_web_fixtures import start_server

CLI = "from newsprism.cli import main; main()"
BATCH = 5
ARTICLES = 40
TOPICS = ["a new bridge", "the school roof", "bus lanes", "a flood wall", "street lights"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(i: int) -> str:
    topic = TOPICS[i % len(TOPICS)]
    return (
        f"title: Council vote number {i} on {topic}\n"
        f"date: 2024-05-{1 + i % 28:02d}\n\n"
        f"The council of district {i} voted on {DAYS[i % 5]} to spend {i * 3 + 7} thousand "
        f"euros on {topic}, its leader said. The plan, number {i * 11 + 5}, passed by "
        f"{i % 9 + 10} votes to {i % 7 + 2}.\n\n"
        f"Work on {topic} is due to start within {i % 6 + 2} weeks and last {i % 4 + 3} months, "
        f"the district's engineer told reporters after meeting {i + 100} residents."
    )


@pytest.mark.slow
def test_readers_never_fail_nor_see_part_of_a_batch(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    first = tmp_path / "first.txt"
    first.write_text(article(1000), encoding="utf-8")
    with open_store(db) as store:
        assert ingest([str(first)], store, Settings(db=str(db))).new == 1
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(ARTICLES):
        (folder / f"{i:03d}.txt").write_text(article(i), encoding="utf-8")

    live = start_server(create_app(db))
    writer = subprocess.Popen(
        [sys.executable, "-c", CLI, "ingest", str(folder), "--db", str(db)],
        cwd=ROOT,
        env={**os.environ, "NEWSPRISM_BATCH_SIZE": str(BATCH)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    errors: list[str] = []
    seen: dict[str, list[int]] = {}

    def reader(name: str, path: str) -> None:
        counts = seen.setdefault(name, [])
        with httpx.Client(base_url=live.url, timeout=60) as client:
            while True:
                done = writer.poll() is not None
                response = client.get(path)
                if response.status_code != 200:
                    errors.append(f"{path}: {response.status_code} {response.text[:200]}")
                elif path.startswith("/api/articles"):
                    counts.append(len(response.json()))
                elif path.startswith("/api/stories"):
                    counts.append(sum(len(s["articles"]) for s in response.json()))
                if done:
                    return

    paths = {
        "articles": "/api/articles?limit=10000",
        "stories": "/api/stories",
        "page": "/",
        "search": "/search?q=council",
    }
    threads = [threading.Thread(target=reader, args=item) for item in paths.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    live.stop()
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err.decode()
    assert errors == []
    total = 1 + ARTICLES
    for name in ("articles", "stories"):
        counts = seen[name]
        assert counts and counts[-1] == total, (name, counts)
        assert counts == sorted(counts), (name, counts)  # only ever grows
        assert all((c - 1) % BATCH == 0 for c in counts), (name, counts)  # whole batches
