"""Shared pieces of the web tests: a real SQLite store built by ingesting examples/ (and one
hostile article) once per session, and a real server (uvicorn) on a free loopback port.

The other ``test_web_*`` modules import the fixtures from here."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from newsprism.config import Settings
from newsprism.pipeline import ingest
from newsprism.store import open_store
from newsprism.web import create_app
from tests.conftest import EXAMPLES

PAYLOAD_SCRIPT = "<script>alert(1)</script>"
PAYLOAD_IMG = "<img src=x onerror=alert(1)>"
PAYLOAD_URL = "javascript:alert(1)"
HOSTILE_BODY = f"""The harbour authority of a small coastal town said on Thursday that {PAYLOAD_SCRIPT} the
new pier would open in May, after two years of building work and a long dispute over its cost.

A spokeswoman for the authority said {PAYLOAD_IMG} that the pier had cost 4 million euros,
more than planned, and that fishing boats would use it first. Read more at {PAYLOAD_URL} today.

Local fishermen welcomed the news and said the old pier had been too small for their boats
for many years."""
HOSTILE_RECORD = {
    "id": "hostile-1",
    "title": f"Harbour report {PAYLOAD_SCRIPT} {PAYLOAD_IMG}",
    "url": PAYLOAD_URL,
    "outlet": f"Evil Gazette {PAYLOAD_IMG}",
    "date": "2021-03-04",
    "text": HOSTILE_BODY,
}

_BUILT: dict[str, Path] = {}
_LOCK = threading.Lock()


def build_store(folder: Path) -> Path:
    """examples/ and one hostile article, ingested (read, clean, analyze, stories)."""
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE_RECORD) + "\n", encoding="utf-8")
    db = folder / "web.db"
    with open_store(db) as store:
        report = ingest([str(EXAMPLES), str(hostile)], store, Settings(db=str(db)))
    assert report.new == 3 and not report.failed, report
    return db


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared store (read only: tests that write take a ``copy_db``)."""
    with _LOCK:
        if "seed" not in _BUILT:
            _BUILT["seed"] = build_store(tmp_path_factory.mktemp("web-store"))
        return _BUILT["seed"]


@pytest.fixture
def copy_db(seed_db: Path, tmp_path: Path) -> Path:
    """A private copy of the shared store, for tests that write."""
    target = tmp_path / "copy.db"
    with open_store(seed_db) as store:  # fold the WAL in before copying the file
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[attr-defined]
    shutil.copyfile(seed_db, target)
    return target


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(app: FastAPI) -> LiveServer:
    """``app`` served by uvicorn on a free 127.0.0.1 port, in a background thread."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    return LiveServer(f"http://127.0.0.1:{port}", app, server, thread)


@pytest.fixture(scope="session")
def live_server(seed_db: Path) -> Iterator[LiveServer]:
    """The web app over the shared store, served for real."""
    live = start_server(create_app(seed_db))
    yield live
    live.stop()
