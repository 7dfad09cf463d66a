"""The story journal: a writer that starts where another stopped goes on exactly as that one
would have (same events, same stories), on both engines.

Online clustering is path dependent, so rebuilding the clusterer from the stored memberships
alone logs different link similarities after a restart (checked below: without the replay the
events differ). The journal lets the next writer replay the batches since the last clear.
"""

from __future__ import annotations

import fcntl
import logging
import os
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from newsprism.config import Settings
from newsprism.models import Article
from newsprism.pipeline import ingest_articles
from newsprism.store import Store, StoredItem, StoryUpdate, open_store
from newsprism.stories import StoryService, rebuild_stories
from tests.conftest import EXAMPLES, ROOT, make_article, require_data

pytest_plugins = ["tests.pg_cluster"]

Event = tuple[str, str, str | None, str | None, str | None]
BATCH = 2

EVENTS = [
    (
        "A storm flooded the river port of Kellhaven on Sunday night",
        [
            "Harbour master Ilse Brandt said the water rose two metres in four hours.",
            "About 40 boats broke loose and three warehouses were flooded.",
            "Brandt said the port would stay closed until Wednesday.",
            "Residents of the old town were moved to the Kellhaven sports hall.",
            "The regional weather office had warned of the storm on Friday.",
        ],
        "2024-03-10",
    ),
    (
        "The Tarsa city council approved a new tram line on Monday",
        [
            "Mayor Otto Wendel said the line would link the station and the university.",
            "The council voted 31 to 12 for the plan, which costs 240 million euros.",
            "Work on the Tarsa tram line is due to start next spring.",
            "Opponents in the council said the money should go to buses instead.",
            "Wendel said the first trams would run in 2027.",
        ],
        "2024-03-11",
    ),
]


def _articles() -> list[Article]:
    """Perturbed copies of the two example reports and of two invented events, interleaved,
    so that stories open, grow and sometimes merge across batches."""
    rng = random.Random(20_240_402)
    pools: list[tuple[str, list[str], str]] = []
    for path in sorted(EXAMPLES.iterdir()):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        pools.append((lines[0], lines[3:], "2024-04-02"))
    pools.extend((lead, list(details), day) for lead, details, day in EVENTS)
    out: list[Article] = []
    for number in range(24):
        if number % 6 == 5:  # a wire copy of an earlier report, run by another outlet
            copied = out[rng.randrange(len(out))]
            text = f"{copied.body} (Wire copy.)"
            out.append(make_article(text, published=copied.published, outlet=f"wire{number}"))
            continue
        lead, body, day = pools[number % len(pools)]
        kept = [line for line in body if rng.random() < 0.6] or body[:2]
        rng.shuffle(kept)
        text = " ".join([f"{lead}.", f"Report {number} of the day.", *kept[:8]])
        out.append(make_article(text, published=day, outlet=f"outlet{number % 5}"))
    return out


def _batches() -> list[list[Article]]:
    articles = _articles()
    return [articles[i : i + BATCH] for i in range(0, len(articles), BATCH)]


def _events(update_events: object) -> list[Event]:
    return [
        (e.kind, e.story_id, e.article_id, e.other_story_id, e.detail)
        for e in update_events  # type: ignore[attr-defined]
    ]


def _write(store: Store, service: StoryService, batch: list[Article]) -> list[Event]:
    items = [StoredItem(a) for a in batch]
    update = service.add(items)
    result = store.write_batch(items, update)
    service.commit(result)
    return _events(update.events)


def _run(target: str, batches: list[list[Article]], *, finish: bool) -> tuple[int, list[Event]]:
    """One writer: opens the store, stores ``batches``, and either finishes normally or just
    stops (as a killed ingest does): ``(journal batches replayed at start, events)``."""
    events: list[Event] = []
    with open_store(target) as store:
        service = StoryService(store, Settings())
        for batch in batches:
            events.extend(_write(store, service, batch))
        if finish:
            service.finish()
        service.close()
    return service.replayed, events


def _stored(target: str) -> tuple[dict[str, tuple[str, str]], list[Event]]:
    with open_store(target) as store:
        return store.story_assignments(), _events(store.story_events())


@pytest.fixture(params=["sqlite", "postgresql"])
def new_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes fresh empty stores of one engine."""
    made: list[str] = []
    if request.param == "sqlite":

        def make() -> str:
            made.append(str(tmp_path / f"store{len(made)}.db"))
            return made[-1]

        yield make
        return
    pytest.importorskip("psycopg")
    cluster = request.getfixturevalue("pg_cluster")

    def make_pg() -> str:
        made.append(cluster.create_database())
        return made[-1]

    yield make_pg
    for url in made:
        cluster.drop_database(url)


def test_a_stopped_writer_is_continued_exactly(new_target: Callable[[], str]) -> None:
    """For every stop point: the next writer replays the stopped one's batches and then logs
    the events and stores the stories of an uninterrupted run."""
    batches = _batches()
    reference = new_target()
    _, expected = _run(reference, batches, finish=True)
    expected_state = _stored(reference)
    assert len({e[1] for e in expected}) >= 3  # several stories were opened
    assert any(e[0] == "merge" for e in expected)
    assert any(a != o for a, (_, o) in expected_state[0].items())  # copies keep their origin
    for stop in (1, 3, len(batches) // 2, len(batches) - 1):
        target = new_target()
        replayed_first, first = _run(target, batches[:stop], finish=False)
        replayed, rest = _run(target, batches[stop:], finish=True)
        assert (replayed_first, replayed) == (0, stop)
        assert first + rest == expected, f"stopped after {stop} batches"
        assert _stored(target) == expected_state, f"stopped after {stop} batches"
        with open_store(target) as store:
            assert store.story_journal() == []  # the normal end cleared it


def test_without_the_replay_the_events_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus above is path dependent: installing the stored memberships after a stop
    (what the replay replaces) logs other link similarities for some stop point."""
    batches = _batches()
    _, expected = _run(str(tmp_path / "reference.db"), batches, finish=True)
    monkeypatch.setattr(StoryService, "_replay", lambda self, known, journal: None)
    differ = []
    for stop in range(1, len(batches)):
        target = str(tmp_path / f"stopped{stop}.db")
        _, first = _run(target, batches[:stop], finish=False)
        _, rest = _run(target, batches[stop:], finish=True)
        differ.append(first + rest != expected)
    assert any(differ)


def test_the_journal_records_each_batch(tmp_path: Path) -> None:
    batches = _batches()[:3]
    target = str(tmp_path / "j.db")
    _run(target, batches, finish=False)
    with open_store(target) as store:
        journal = store.story_journal()
        stored = store.story_assignments()
    assert [r.articles for r in journal] == [[a.id for a in b] for b in batches]
    assert len({r.epoch for r in journal}) == 1
    assert journal[0].epoch == journal[0].batch
    first = journal[0]
    assert set(first.before) == {a.id for a in batches[0]}  # new articles: no story before
    assert all(before is None for before in first.before.values())
    assert {a for r in journal for a in r.articles} == set(stored)


def test_a_journal_that_does_not_replay_to_the_store_is_not_trusted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Memberships changed behind the journal's back (here by hand): the writer installs the
    stored memberships, says so, and starts a new journal with its next batch."""
    batches = _batches()
    target = str(tmp_path / "t.db")
    _run(target, batches[:3], finish=False)
    with open_store(target) as store:
        article = batches[0][0].id
        store.conn.execute(  # type: ignore[attr-defined]
            "UPDATE story_members SET origin_id = ? WHERE article_id = ?", ("elsewhere", article)
        )
        stored = store.story_assignments()
    with (
        caplog.at_level(logging.WARNING, logger="newsprism.stories"),
        open_store(target) as store,
    ):
        service = StoryService(store, Settings())
        assert service.replayed == 0
        assert service.clusterer.assignments() == {a: s for a, (s, _) in stored.items()}
        _write(store, service, batches[3])
        journal = store.story_journal()
        service.close()
    assert "does not give the stored stories" in caplog.text
    assert len(journal) == 1 and journal[0].epoch == journal[0].batch


def test_two_writers_catch_up_on_each_other(new_target: Callable[[], str]) -> None:
    """Two writers taking turns (each sees the other's batches through the journal) end with
    the events and stories of one writer storing the same batches in the same order."""
    batches = _batches()
    reference = new_target()
    _, expected = _run(reference, batches, finish=True)
    target = new_target()
    events: list[Event] = []
    with open_store(target) as one, open_store(target) as two:
        first, second = StoryService(one, Settings()), StoryService(two, Settings())
        for number, batch in enumerate(batches):
            store, service = (one, first) if number % 2 == 0 else (two, second)
            events.extend(_write(store, service, batch))
        # the second writer reloaded once, at its first batch (replaying the first writer's
        # one batch); after that both caught up batch by batch and never reloaded
        assert (first.replayed, second.replayed) == (0, 1)
        first.finish()
        first.close()
        second.close()
    assert events == expected
    assert _stored(target) == _stored(reference)


def test_ingest_clears_the_journal_and_a_rebuild_too(tmp_path: Path) -> None:
    batches = _batches()
    target = str(tmp_path / "i.db")
    settings = Settings(batch_size=BATCH)
    with open_store(target) as store:
        ingest_articles(
            [a for b in batches[:4] for a in b], store, settings, analyze=False, cluster=True
        )
        assert store.story_journal() == []
    _run(target, batches[4:6], finish=False)
    with open_store(target) as store:
        assert len(store.story_journal()) == 2
        rebuild_stories(store, settings)
        assert store.story_journal() == []


def _synthetic(n: int) -> list[Article]:
    """``n`` synthetic articles (ECB+ sentences recombined into dated stories, 15 % wire
    copies: ``benchmarks/synthetic_news.py``)."""
    ecbplus = require_data("ecbplus", "ecbplus_docs.jsonl.gz")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synthetic_news import generate
    finally:
        sys.path.pop(0)
    articles, _ = generate(ecbplus, n, seed=3)
    return articles


@pytest.mark.data
def test_merged_copies_keep_their_origin_and_the_journal_replays(tmp_path: Path) -> None:
    """A story merge moves wire copies along with their origin: the stored origin stays the
    original report (it used to be overwritten with the copy's own id, counting the copy as
    an independent source), and a writer stopped midway is continued exactly."""
    articles = _synthetic(100)
    batches = [articles[i : i + 10] for i in range(0, len(articles), 10)]
    reference = str(tmp_path / "reference.db")
    _, expected = _run(reference, batches, finish=True)
    assigned, _ = _stored(reference)
    with open_store(reference) as store:
        service = StoryService(store, Settings())
        origins = service.clusterer.origins()
        service.close()
    copies = {a for a, o in origins.items() if a != o}
    assert len(copies) >= 10
    assert any(e[0] == "merge" for e in expected)
    assert {a: o for a, (_, o) in assigned.items()} == origins
    target = str(tmp_path / "stopped.db")
    _, first = _run(target, batches[:5], finish=False)
    replayed, rest = _run(target, batches[5:], finish=True)
    assert replayed == 5
    assert first + rest == expected
    assert _stored(target) == _stored(reference)


# ------------------------------------------------------------------ found by a code review


@pytest.mark.data
def test_a_killed_ingest_after_a_rebuild_still_replays(tmp_path: Path) -> None:
    """A batch re-clustering picks copies' origins in its own order, which installing does
    not reproduce: the replay check looks only at what the journal touched."""
    articles = _synthetic(120)
    batches = [articles[i : i + 10] for i in range(0, len(articles), 10)]
    target = str(tmp_path / "r.db")
    _run(target, batches[:6], finish=True)
    with open_store(target) as store:
        rebuild_stories(store, Settings())
    _run(target, batches[6:9], finish=False)
    replayed, _ = _run(target, batches[9:10], finish=False)
    assert replayed == 3


def test_a_run_beside_a_live_writer_leaves_its_journal(new_target: Callable[[], str]) -> None:
    """A second ingest while a writer is live (a web upload, say): one that stores nothing
    makes no story service at all, and one that stores a batch does not clear the journal
    when it finishes, so the live writer catches up instead of reloading and ends as one
    writer storing the same batches in the same order would."""
    batches = _batches()
    reference = new_target()
    extra = make_article(
        "A storm flooded the river port of Kellhaven on Sunday night. Report 99 of the day. "
        "About 40 boats broke loose and three warehouses were flooded.",
        published="2024-03-10",
        outlet="latecomer",
    )
    stop = 4
    _run(reference, [*batches[:stop], [extra], *batches[stop:]], finish=True)
    target = new_target()
    events: list[Event] = []
    with open_store(target) as one:
        live = StoryService(one, Settings())
        for batch in batches[:stop]:
            events.extend(_write(one, live, batch))
        with open_store(target) as other:
            nothing = ingest_articles([batches[0][0]], other, Settings(), analyze=False)
            assert (nothing.new, nothing.duplicate) == (0, 1)
            assert len(other.story_journal()) == stop
            ingest_articles([extra], other, Settings(), analyze=False)
            assert len(other.story_journal()) == stop + 1  # kept: a writer is live
        for batch in batches[stop:]:
            events.extend(_write(one, live, batch))
        assert live.replayed == 0  # caught up, never reloaded
        live.finish()
        assert one.story_journal() == []  # the last writer clears it
        live.close()
    assert _stored(target) == _stored(reference)


def test_restoring_an_article_keeps_its_clustering_order(tmp_path: Path) -> None:
    """A batch that carries an already stored article (two writers read it as new) rewrites
    its features in place: the order the clusterer installs articles in stays the same."""
    batches = _batches()
    target = str(tmp_path / "o.db")
    _run(target, batches[:4], finish=True)
    with open_store(target) as store:
        before = [row[0] for row in store.iter_features()]
        again = [StoredItem(a) for a in batches[0]]
        store.write_batch(again, StoryUpdate())
        for item in again:  # the same bytes a racing writer would store
            item.features = store.features_of([item.article.id])[item.article.id][1]
            item.features_version = "docvec.v1"
        store.write_batch(again, StoryUpdate())
        assert [row[0] for row in store.iter_features()] == before


def test_an_unexpected_error_releases_the_story_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that fails with something other than a store error ends the ingest, and the
    store's story lock is free again (a server process would otherwise block every later
    ingest into the store)."""
    target = tmp_path / "l.db"
    with open_store(target) as store:

        def broken(*args: object, **kwargs: object) -> object:
            raise RuntimeError("a bug in a store")

        monkeypatch.setattr(store, "write_batch", broken)
        with pytest.raises(RuntimeError):
            ingest_articles(_batches()[0], store, Settings(), analyze=False)
    for name in (".stories-lock", ".stories-writers"):
        fd = os.open(f"{target}{name}", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises when still held
        finally:
            os.close(fd)


def test_a_run_that_stores_nothing_clears_a_killed_writer_s_journal(
    new_target: Callable[[], str],
) -> None:
    """A writer killed after its last batch but before its normal end leaves its journal; the
    re-run stores nothing (every article is there) and makes no story service, yet the store
    must end as the uninterrupted run left it: without a journal (found by the kill test)."""
    batches = _batches()
    reference = new_target()
    _run(reference, batches, finish=True)
    target = new_target()
    _run(target, batches, finish=False)  # killed before finish()
    with open_store(target) as store:
        assert len(store.story_journal()) == len(batches)
        rerun = ingest_articles([a for b in batches for a in b], store, Settings(), analyze=False)
        assert rerun.new == 0
        assert store.story_journal() == []
    assert _stored(target) == _stored(reference)
