"""Two processes ingest articles of one story into one store at the same time (PostgreSQL and
SQLite): the story service reloads the stories under the store's story lock before it
assigns, so they end in one story, whose id is the id of the article that opened it.

Both processes load the (empty) stories first and only then start writing (a barrier), so
without the lock each would open its own story for the same event.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from newsprism.config import Settings
from newsprism.models import Article
from newsprism.store import StoredItem, open_store
from newsprism.stories import StoryService
from tests.conftest import make_article

pytest_plugins = ["tests.pg_cluster"]

if TYPE_CHECKING:
    from tests.pg_cluster import PgCluster  # noqa: F401

LEADS = [
    "Firefighters battled a large blaze at the Corvell chemical plant near Dunmore harbour",
    "A fire broke out on Tuesday at the Corvell chemical plant outside Dunmore",
    "Dunmore residents were told to stay indoors as the Corvell plant fire spread",
    "Smoke from the burning Corvell chemical works drifted over Dunmore harbour",
    "The blaze at Dunmore's Corvell chemical plant forced 300 workers to evacuate",
    "Officials in Dunmore said the Corvell plant fire was under control by evening",
    "An investigation began into the fire that tore through the Corvell plant in Dunmore",
    "Corvell chemical plant managers in Dunmore said no workers were hurt in the fire",
    "Dunmore harbour reopened after the Corvell chemical plant fire was contained",
    "Environmental officers tested the air in Dunmore after the Corvell plant blaze",
]
DETAILS = [
    "Fire chief Mara Velden said crews from three stations fought the flames at the plant.",
    "About 300 workers left the Corvell site, and the harbour road was closed for hours.",
    "Velden said the fire started in a storage hall where solvents were kept.",
    "The Corvell company said it would cooperate with the Dunmore fire investigation.",
    "Residents near the harbour reported a strong smell of burning plastic on Tuesday.",
]


def _story_articles() -> list[Article]:
    out = []
    for i, lead in enumerate(LEADS):
        picked = [DETAILS[(i + k) % len(DETAILS)] for k in range(3)]
        body = f"{lead}. " + " ".join(picked) + f" Report number {i} from the scene."
        out.append(make_article(body, published="2024-05-14", outlet=f"outlet{i}"))
    return out


def _ingest(target: str, articles: list[Article], batch: int, barrier: Any, results: Any) -> None:
    """One writer: loads the stories, waits for the other, then writes small batches the way
    the local runner does (``add`` → ``write_batch`` → ``commit``)."""
    try:
        with open_store(target) as store:
            service = StoryService(store, Settings())
            barrier.wait(timeout=120)
            for start in range(0, len(articles), batch):
                items = [StoredItem(a) for a in articles[start : start + batch]]
                update = service.add(items)
                try:
                    store.write_batch(items, update)
                except Exception:
                    service.rollback()
                    raise
                service.commit()
        results.put(None)
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def _run_two(target: str) -> None:
    articles = _story_articles()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    halves = [articles[0::2], articles[1::2]]
    procs = [
        ctx.Process(target=_ingest, args=(target, half, 2, barrier, results)) for half in halves
    ]
    for p in procs:
        p.start()
    errors = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert errors == [None, None]


def _check(target: str) -> None:
    ids = {a.id for a in _story_articles()}
    with open_store(target) as store:
        assigned = {a: s for a, (s, _) in store.story_assignments().items()}
        assert set(assigned) == ids
        stories = set(assigned.values())
        assert len(stories) == 1, stories
        (story,) = stories
        assert story in {f"s-{a}" for a in ids}
        opened = [e for e in store.story_events() if e.kind == "open"]
        assert [e.story_id for e in opened][:1] == [story]
        # a later writer loads the same stories and keeps the id
        service = StoryService(store, Settings())
        assert service.clusterer.assignments() == assigned


def test_sequential_baseline(tmp_path: Path) -> None:
    """The articles are one story when one writer stores them."""
    target = str(tmp_path / "one.db")
    with open_store(target) as store:
        service = StoryService(store, Settings())
        items = [StoredItem(a) for a in _story_articles()]
        store.write_batch(items, service.add(items))
        service.commit()
    _check(target)


@pytest.mark.slow
def test_two_processes_sqlite(tmp_path: Path) -> None:
    target = str(tmp_path / "shared.db")
    open_store(target).close()
    _run_two(target)
    _check(target)


@pytest.mark.slow
def test_two_processes_postgres(pg_url: str) -> None:
    pytest.importorskip("psycopg")
    open_store(pg_url).close()
    _run_two(pg_url)
    _check(pg_url)


def test_lock_is_released_after_rollback(tmp_path: Path) -> None:
    """A batch that was not stored releases the lock: another service can assign."""
    target = str(tmp_path / "r.db")
    with open_store(target) as store, open_store(target) as other_store:
        first = StoryService(store, Settings())
        items = [StoredItem(a) for a in _story_articles()[:2]]
        first.add(items)
        first.rollback()
        second = StoryService(other_store, Settings())
        more = [StoredItem(a) for a in _story_articles()[2:4]]
        other_store.write_batch(more, second.add(more))
        second.commit()
        assert len(other_store.story_assignments()) == 2
