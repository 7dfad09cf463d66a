"""The PostgreSQL store: the same interface and schema as the SQLite store, for several writers
(concurrent ingests, Spark executors) and readers (the web UI) at once.

- Named migrations (``migrations_pg/``, the same names as SQLite's) applied under a
  transaction-scoped advisory lock, so two processes opening a fresh database do not both migrate.
- One transaction per batch. Articles are inserted with ``ON CONFLICT (id) DO NOTHING RETURNING``
  (new vs duplicate); before that the batch takes per-article advisory locks in one global order,
  so overlapping batches from several writers neither deadlock nor store an article twice. Story
  changes are written under one more advisory lock, so story writers go one at a time.
- Full-text search: a generated ``tsvector`` column with a GIN index, ``websearch_to_tsquery``.
- Reads run in autocommit: every statement sees whole committed batches only.
- A lost connection (server restarted) is a one-line ``StoreError``; the batch is rolled back
  by the server, and the next call reconnects, so a re-run resumes.
"""

from __future__ import annotations

import dataclasses
import logging
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from newsprism.errors import StoreError
from newsprism.models import Article, ArticleAnalysis, Story, StoryEvent
from newsprism.serialize import analysis_from_dict, analysis_to_dict, article_from_dict
from newsprism.store.rows import STORY_MEMBER_COLUMNS, stories_from_rows
from newsprism.store.sqlite import (
    BatchResult,
    JournalBatch,
    JournalRecord,
    SearchHit,
    StoredItem,
    StoryUpdate,
)

log = logging.getLogger(__name__)

_LOCK_SPACE = 0x4E50  # advisory-lock class id of newsprism's store-wide locks
_ARTICLE_LOCK_SPACE = 0x4E51  # ... and of the per-article locks (key: a 32-bit hash of the id)
_MIGRATION_LOCK = 1
_STORY_LOCK = 2
_STORY_SESSION_LOCK = 3  # held by a story writer from reading the stories to storing its batch
_STORY_WRITERS = 4  # held shared by every live story writer (see ``join_story_writers``)
_PAGE = 500
_HEADLINE = "StartSel=[, StopSel=], MaxWords=12, MinWords=6, MaxFragments=1"

_ARTICLE_COLUMNS = (
    "id, title, outlet, url, author, published, published_source, dateline_text, dateline_place, "
    "dateline_agency, language, language_score, body, source_text, source_path, source_reader, "
    "source_locator, source_url, headings, removed, flags, metadata"
)


def migrations() -> list[tuple[str, str]]:
    """The packaged PostgreSQL migrations, in name order: ``[(name, sql)]``."""
    folder = resources.files("newsprism.store") / "migrations_pg"
    found = [
        (item.name.removesuffix(".sql"), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".sql")
    ]
    return sorted(found)


def describe_url(url: str) -> str:
    """``postgresql://host:port/dbname``: the URL without user, password or options."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unparsable URL)"
    host = parts.get("host") or parts.get("hostaddr") or "localhost"
    port = parts.get("port") or "5432"
    return f"postgresql://{host}:{port}/{parts.get('dbname') or ''}"


class PostgresStore:
    """A newsprism store in a PostgreSQL database (``postgresql://user@host:port/dbname``)."""

    engine = "postgresql"

    def __init__(self, url: str, *, read_only: bool = False, connect_timeout: int = 10) -> None:
        self.url = url
        self.where = describe_url(url)
        self.read_only = read_only
        self._connect_timeout = connect_timeout
        self._conn: psycopg.Connection[Any] | None = None
        with self._guard("cannot open store"):
            conn = self.conn
            if read_only:
                found = conn.execute("SELECT to_regclass('_migrations') IS NOT NULL").fetchone()
                if not found or not found[0]:
                    self.close()
                    raise StoreError(f"{self.where}: no such store (run `newsprism ingest` first)")
            else:
                self._migrate(conn)

    # ------------------------------------------------------------------ lifecycle

    @property
    def conn(self) -> psycopg.Connection[Any]:
        """The connection (autocommit); a new one when the last was lost or closed."""
        if self._conn is None or self._conn.closed:
            if self._conn is not None:
                log.warning("%s: connection lost, reconnecting", self.where)
            try:
                params = conninfo_to_dict(self.url)
            except psycopg.ProgrammingError:
                # The parser's message quotes the whole URL, password included: not shown.
                raise StoreError(f"{self.where}: not a valid PostgreSQL URL") from None
            defaults: dict[str, str | int] = {
                "connect_timeout": self._connect_timeout,
                "application_name": "newsprism",
            }
            extra = {k: v for k, v in defaults.items() if k not in params}
            try:
                conn = psycopg.connect(make_conninfo(self.url, **extra), autocommit=True)
            except psycopg.Error as exc:
                raise StoreError(f"{self.where}: cannot connect ({_one_line(exc)})") from exc
            if self.read_only:
                conn.execute("SET default_transaction_read_only = on")
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn a driver error into a one-line ``StoreError`` naming the database."""
        try:
            yield
        except (psycopg.Error, ValueError) as exc:
            reason = _one_line(exc)
            if self._conn is not None and self._conn.closed:
                reason = f"connection to the server lost: {reason}; run again to resume"
            raise StoreError(f"{self.where}: {action} ({reason})") from exc

    def _migrate(self, conn: psycopg.Connection[Any]) -> None:
        current = "_migrations"
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, _MIGRATION_LOCK))
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS _migrations "
                    "(name text PRIMARY KEY, applied_at text NOT NULL)"
                )
                done = {row[0] for row in conn.execute("SELECT name FROM _migrations")}
                for name, sql in migrations():
                    if name in done:
                        continue
                    current = name
                    log.info("applying migration %s to %s", name, self.where)
                    conn.execute(sql)
                    conn.execute(
                        "INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)", (name, _now())
                    )
        except psycopg.Error as exc:
            raise StoreError(
                f"{self.where}: migration {current} failed ({_one_line(exc)})"
            ) from exc

    def applied_migrations(self) -> list[str]:
        with self._guard("cannot read"):
            rows = self.conn.execute("SELECT name FROM _migrations ORDER BY name").fetchall()
        return [r[0] for r in rows]

    def has_pgvector(self) -> bool:
        """Whether the ``vector`` extension is enabled in this database."""
        with self._guard("cannot read"):
            row = self.conn.execute(
                "SELECT 1 FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()
        return row is not None

    # ------------------------------------------------------------------ writing

    def write_batch(
        self,
        items: Sequence[StoredItem],
        stories: StoryUpdate | None = None,
        vectors: Sequence[tuple[str, str, bytes]] = (),
    ) -> BatchResult:
        """Store a batch in one transaction: all of it, or (on any error) none of it.
        ``vectors``: ``(article id, encoder, BLOB)`` unit-vector records (see
        ``newsprism.compare.vectors``), replacing earlier ones; those of articles not stored
        are skipped."""
        if self.read_only:
            raise StoreError(f"{self.where}: store opened read-only")
        result = BatchResult()
        with self._guard("batch not stored"):
            conn = self.conn
            with conn.transaction(), conn.cursor() as cur:
                _lock_articles(cur, [item.article.id for item in items])
                new = self._insert_articles(cur, [item.article for item in items])
                for item, is_new in zip(items, new, strict=True):
                    (result.new if is_new else result.duplicate).append(item.article.id)
                analyses = {i.analysis.article_id: i.analysis for i in items if i.analysis}
                if analyses:
                    self._put_analyses(cur, list(analyses.values()))
                features = [
                    (i.article.id, i.features_version or "", i.features)
                    for i in items
                    if i.features is not None
                ]
                if features:
                    cur.executemany(
                        "INSERT INTO article_features (article_id, version, data) "
                        "VALUES (%s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                        "version = excluded.version, data = excluded.data",
                        features,
                    )
                if vectors:
                    cur.executemany(
                        "INSERT INTO unit_vectors (article_id, encoder, data) "
                        "SELECT id, %s, %s FROM articles WHERE id = %s "
                        "ON CONFLICT (article_id) DO UPDATE SET "
                        "encoder = excluded.encoder, data = excluded.data",
                        [(encoder, data, article_id) for article_id, encoder, data in vectors],
                    )
                if stories is not None:
                    cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, _STORY_LOCK))
                    _apply_stories(cur, stories)
                    result.journal = _journal(cur, stories.journal)
        return result

    def story_journal(self, since: int = 0) -> list[JournalRecord]:
        """The story journal's batches numbered ``since`` or later, in order (see
        :class:`JournalBatch`)."""
        with self._guard("cannot read"):
            rows = self.conn.execute(
                "SELECT batch, epoch, articles, before FROM story_journal WHERE batch >= %s "
                "ORDER BY batch",
                (since,),
            ).fetchall()
        return [JournalRecord(int(r[0]), int(r[1]), list(r[2]), dict(r[3])) for r in rows]

    def clear_story_journal(self) -> None:
        """Forget the journal (the online clusterer's state is again the stored memberships)."""
        if self.read_only:
            raise StoreError(f"{self.where}: store opened read-only")
        with self._guard("story journal not cleared"), self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, _STORY_LOCK))
            self.conn.execute("DELETE FROM story_journal")

    def _insert_articles(self, cur: psycopg.Cursor[Any], articles: Sequence[Article]) -> list[bool]:
        """Insert in order; ``True`` for each article that was new."""
        if not articles:
            return []
        now = _now()
        cur.executemany(
            f"INSERT INTO articles ({_ARTICLE_COLUMNS}, ingested_at) VALUES "
            "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) "
            "ON CONFLICT (id) DO NOTHING RETURNING id",
            [(*_article_row(a), now) for a in articles],
            returning=True,
        )
        new: list[bool] = []
        while True:
            new.append(cur.fetchone() is not None)
            if not cur.nextset():
                break
        return new

    def _insert_article(self, cur: psycopg.Cursor[Any], article: Article) -> bool:
        """One article, inside the caller's transaction (tests use it to hold one open)."""
        return self._insert_articles(cur, [article])[0]

    def _put_analyses(self, cur: psycopg.Cursor[Any], analyses: Sequence[ArticleAnalysis]) -> None:
        cur.executemany(
            "INSERT INTO analyses (article_id, analyzer, data) VALUES (%s, %s, %s) "
            "ON CONFLICT (article_id) DO UPDATE SET analyzer = excluded.analyzer, "
            "data = excluded.data",
            [(a.article_id, a.analyzer, Jsonb(analysis_to_dict(a))) for a in analyses],
        )
        cur.execute(
            "DELETE FROM article_entities WHERE article_id = ANY(%s)",
            ([a.article_id for a in analyses],),
        )
        entities = [
            (a.article_id, e.key, e.name, e.label, e.mentions) for a in analyses for e in a.entities
        ]
        if entities:
            cur.executemany(
                "INSERT INTO article_entities (article_id, entity_key, name, label, mentions) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (article_id, entity_key) DO UPDATE SET "
                "name = excluded.name, label = excluded.label, mentions = excluded.mentions",
                entities,
            )

    def set_article_date(self, article_id: str, published: str, source: str) -> None:
        """Fill in a date inferred later (from the story); never overwrites a known date."""
        if self.read_only:
            raise StoreError(f"{self.where}: store opened read-only")
        with self._guard("date not stored"):
            self.conn.execute(
                "UPDATE articles SET published = %s, published_source = %s "
                "WHERE id = %s AND published IS NULL",
                (published, source, article_id),
            )

    # ------------------------------------------------------------------ story writers

    def lock_stories(self) -> None:
        """Wait for, then hold, the store-wide story lock (a session advisory lock: it spans
        the transactions of this connection until :meth:`unlock_stories` or the connection
        ends). Story writers hold it from loading the stories to storing their batch, so two
        writers never assign stories from the same stale state."""
        with self._guard("cannot lock stories"):
            self.conn.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_SPACE, _STORY_SESSION_LOCK))

    def join_story_writers(self) -> None:
        """Count this connection among the live story writers (a shared session advisory lock,
        until :meth:`leave_story_writers` or the connection ends)."""
        with self._guard("cannot register a story writer"):
            self.conn.execute(
                "SELECT pg_advisory_lock_shared(%s, %s)", (_LOCK_SPACE, _STORY_WRITERS)
            )

    def leave_story_writers(self) -> None:
        if self._conn is None or self._conn.closed:
            return
        with self._guard("cannot unregister a story writer"):
            self.conn.execute(
                "SELECT pg_advisory_unlock_shared(%s, %s)", (_LOCK_SPACE, _STORY_WRITERS)
            )

    def only_story_writer(self) -> bool:
        """Whether no other connection is a live story writer (this one may be)."""
        with self._guard("cannot read the story writers"):
            row = self.conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_SPACE, _STORY_WRITERS)
            ).fetchone()
            alone = bool(row and row[0])
            if alone:
                self.conn.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", (_LOCK_SPACE, _STORY_WRITERS)
                )
        return alone

    def unlock_stories(self) -> None:
        if self._conn is None or self._conn.closed:
            return  # the lock ended with the connection
        with self._guard("cannot unlock stories"):
            self.conn.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (_LOCK_SPACE, _STORY_SESSION_LOCK)
            )

    def story_state(self) -> tuple[int, ...]:
        """Changes whenever a batch with features or story changes is committed: the last
        event, the number of memberships, the last features row and the journal's length
        (which a clear changes)."""
        with self._guard("cannot read"):
            row = self.conn.execute(
                "SELECT (SELECT coalesce(max(seq), 0) FROM story_events), "
                "(SELECT count(*) FROM story_members), "
                "(SELECT coalesce(max(seq), 0) FROM article_features), "
                "(SELECT count(*) FROM story_journal)"
            ).fetchone()
        return tuple(int(x) for x in row) if row else ()

    # ------------------------------------------------------------------ reading

    def has_article(self, article_id: str) -> bool:
        with self._guard("cannot read"):
            row = self.conn.execute("SELECT 1 FROM articles WHERE id = %s", (article_id,))
            return row.fetchone() is not None

    def count_articles(self) -> int:
        with self._guard("cannot read"):
            row = self.conn.execute("SELECT count(*) FROM articles").fetchone()
        return int(row[0]) if row else 0

    def get_article(self, article_id: str) -> Article | None:
        with self._guard("cannot read"), self.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,)
            ).fetchone()
        return _article_from_row(row) if row else None

    def find_article_ids(self, prefix: str) -> list[str]:
        """Ids starting with ``prefix`` (users type short ids)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._guard("cannot read"):
            rows = self.conn.execute(
                "SELECT id FROM articles WHERE id LIKE %s ORDER BY id LIMIT 20", (escaped + "%",)
            ).fetchall()
        return [r[0] for r in rows]

    def iter_articles(
        self, *, since: str | None = None, ids: Sequence[str] | None = None
    ) -> Iterator[Article]:
        """Articles by date (undated first), then insertion order; read in pages, so no
        transaction stays open while the caller works."""
        where = ["(coalesce(published, ''), seq) > (%s, %s)"]
        filters: list[Any] = []
        if since:
            where.append("published >= %s")
            filters.append(since)
        if ids is not None:
            where.append("id = ANY(%s)")
            filters.append(list(ids))
        sql = (
            f"SELECT {_ARTICLE_COLUMNS}, coalesce(published, '') AS _key, seq AS _seq "
            f"FROM articles WHERE {' AND '.join(where)} "
            "ORDER BY coalesce(published, ''), seq LIMIT %s"
        )
        after: tuple[str, int] = ("", -1)
        while True:
            with self._guard("cannot read"), self.conn.cursor(row_factory=dict_row) as cur:
                rows = cur.execute(sql, [*after, *filters, _PAGE]).fetchall()
            for row in rows:
                yield _article_from_row(row)
            if len(rows) < _PAGE:
                return
            after = (rows[-1]["_key"], rows[-1]["_seq"])

    def get_analysis(self, article_id: str) -> ArticleAnalysis | None:
        with self._guard("cannot read"):
            row = self.conn.execute(
                "SELECT data FROM analyses WHERE article_id = %s", (article_id,)
            ).fetchone()
        return analysis_from_dict(row[0]) if row else None

    def iter_features(self) -> Iterator[tuple[str, str, bytes, str | None]]:
        """``(article_id, version, features, story_id)`` for every article with features."""
        sql = (
            "SELECT f.article_id, f.version, f.data, m.story_id, f.seq FROM article_features f "
            "LEFT JOIN story_members m ON m.article_id = f.article_id "
            "WHERE f.seq > %s ORDER BY f.seq LIMIT %s"
        )
        after = -1
        while True:
            with self._guard("cannot read"):
                rows = self.conn.execute(sql, (after, _PAGE)).fetchall()
            for row in rows:
                yield row[0], row[1], bytes(row[2]), row[3]
            if len(rows) < _PAGE:
                return
            after = rows[-1][4]

    def features_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """article id → ``(version, features)`` for those of ``article_ids`` that have them."""
        with self._guard("cannot read"):
            rows = self.conn.execute(
                "SELECT article_id, version, data FROM article_features WHERE article_id = ANY(%s)",
                (list(article_ids),),
            ).fetchall()
        return {r[0]: (r[1], bytes(r[2])) for r in rows}

    def _has_unit_vectors(self) -> bool:
        """Whether the table exists: a store opened read-only is not migrated, and one made
        before migration 0005 has no stored vectors (they are a cache: none is no error)."""
        with self._guard("cannot read"):
            row = self.conn.execute("SELECT to_regclass('unit_vectors')").fetchone()
        return row is not None and row[0] is not None

    def _unit_vector_rows(self, columns: str, article_ids: Sequence[str]) -> list[Any]:
        if not self._has_unit_vectors():
            return []
        with self._guard("cannot read"):
            return self.conn.execute(
                f"SELECT article_id, {columns} FROM unit_vectors WHERE article_id = ANY(%s)",
                (list(article_ids),),
            ).fetchall()

    def unit_vectors_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """article id → ``(encoder, vectors)`` for those of ``article_ids`` that have them."""
        rows = self._unit_vector_rows("encoder, data", article_ids)
        return {r[0]: (r[1], bytes(r[2])) for r in rows}

    def unit_vector_encoders(self, article_ids: Sequence[str]) -> dict[str, str]:
        """article id → the encoder of its stored unit vectors, for those that have some."""
        return {r[0]: r[1] for r in self._unit_vector_rows("encoder", article_ids)}

    def story_assignments(self) -> dict[str, tuple[str, str]]:
        """article id → (story id, origin id)."""
        with self._guard("cannot read"):
            rows = self.conn.execute(
                "SELECT article_id, story_id, origin_id FROM story_members"
            ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def stories(self, *, since: str | None = None) -> list[Story]:
        with self._guard("cannot read"):
            rows = self.conn.execute(
                f"SELECT {STORY_MEMBER_COLUMNS} "
                "FROM story_members m JOIN articles a ON a.id = m.article_id "
                "ORDER BY m.story_id, coalesce(a.published, ''), a.seq"
            ).fetchall()
        return stories_from_rows(rows, since)

    def story_events(self, story_id: str | None = None) -> list[StoryEvent]:
        sql = "SELECT kind, story_id, article_id, other_story_id, detail FROM story_events"
        params: tuple[str, ...] = ()
        if story_id:
            sql += " WHERE story_id = %s OR other_story_id = %s"
            params = (story_id, story_id)
        with self._guard("cannot read"):
            rows = self.conn.execute(sql + " ORDER BY seq", params).fetchall()
        return [StoryEvent(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over title and body (``websearch_to_tsquery`` syntax: words,
        "phrases", ``or``, ``-word``; never a syntax error). Score: lower is better."""
        sql = (
            "WITH q AS (SELECT websearch_to_tsquery('english', %s) AS q), "
            "hits AS (SELECT a.id, a.title, a.outlet, a.published, a.body, a.seq, "
            "ts_rank_cd(a.search, q.q) AS rank FROM articles a, q WHERE a.search @@ q.q "
            "ORDER BY rank DESC, a.seq LIMIT %s) "
            "SELECT h.id, h.title, h.outlet, h.published, "
            "ts_headline('english', h.body, q.q, %s), -h.rank "
            "FROM hits h, q ORDER BY h.rank DESC, h.seq"
        )
        with self._guard("search failed"):
            rows = self.conn.execute(sql, (query, limit, _HEADLINE)).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]


def _lock_articles(cur: psycopg.Cursor[Any], ids: Sequence[str]) -> None:
    """Per-article advisory locks, taken in one global order (sorted keys): two batches that
    share articles wait for each other instead of deadlocking."""
    keys = sorted({_lock_key(i) for i in ids})
    if keys:
        cur.execute(
            "SELECT count(pg_advisory_xact_lock(%s, k)) "
            "FROM (SELECT k FROM unnest(%s::int4[]) WITH ORDINALITY AS t(k, n) ORDER BY n) s",
            (_ARTICLE_LOCK_SPACE, keys),
        )


def _lock_key(article_id: str) -> int:
    """A signed 32-bit key for an article id."""
    return (zlib.crc32(article_id.encode()) ^ 0x80000000) - 0x80000000


def _apply_stories(cur: psycopg.Cursor[Any], update: StoryUpdate) -> None:
    now = _now()
    story_ids = sorted(set(update.assignments.values()))
    if story_ids:
        cur.executemany(
            "INSERT INTO stories (id, created_at) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
            [(s, now) for s in story_ids],
        )
    if update.assignments:
        cur.executemany(
            "INSERT INTO story_members (article_id, story_id, origin_id) VALUES (%s, %s, %s) "
            "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
            "origin_id = excluded.origin_id",
            [(a, s, update.origins.get(a, a)) for a, s in update.assignments.items()],
        )
    moved_origins = [(o, a) for a, o in update.origins.items() if a not in update.assignments]
    if moved_origins:
        cur.executemany(
            "UPDATE story_members SET origin_id = %s WHERE article_id = %s", moved_origins
        )
    if update.events:
        cur.executemany(
            "INSERT INTO story_events (at, kind, story_id, article_id, other_story_id, detail) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (now, e.kind, e.story_id, e.article_id, e.other_story_id, e.detail)
                for e in update.events
            ],
        )
    cur.execute(
        "DELETE FROM stories s WHERE NOT EXISTS "
        "(SELECT 1 FROM story_members m WHERE m.story_id = s.id)"
    )


def _journal(cur: psycopg.Cursor[Any], batch: JournalBatch | None) -> tuple[int, int] | None:
    if batch is None or batch.reset:
        cur.execute("DELETE FROM story_journal")
    if batch is None:
        return None
    cur.execute("SELECT epoch FROM story_journal ORDER BY batch LIMIT 1")
    first = cur.fetchone()
    cur.execute(
        "INSERT INTO story_journal (epoch, articles, before) VALUES (%s, %s, %s) RETURNING batch",
        (first[0] if first else 0, Jsonb(list(batch.articles)), Jsonb(dict(batch.before))),
    )
    row = cur.fetchone()
    number = int(row[0]) if row else 0
    if first is None:
        cur.execute("UPDATE story_journal SET epoch = batch WHERE batch = %s", (number,))
    return number, int(first[0]) if first else number


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _article_row(a: Article) -> tuple[Any, ...]:
    dl = a.dateline
    return (
        a.id, a.title, a.outlet, a.url, a.author, a.published, a.published_source,
        dl.text if dl else None, dl.place if dl else None, dl.agency if dl else None,
        a.language, a.language_score, a.body, a.source_text,
        a.provenance.path, a.provenance.reader, a.provenance.locator, a.provenance.url,
        Jsonb([dataclasses.asdict(h) for h in a.headings]),
        Jsonb([dataclasses.asdict(r) for r in a.removed]),
        Jsonb([dataclasses.asdict(f) for f in a.flags]),
        Jsonb(a.metadata),
    )  # fmt: skip


def _article_from_row(row: dict[str, Any]) -> Article:
    dateline = None
    if row["dateline_text"] is not None:
        dateline = {
            "text": row["dateline_text"],
            "place": row["dateline_place"],
            "agency": row["dateline_agency"],
        }
    return article_from_dict(
        {
            **row,
            "dateline": dateline,
            "provenance": {
                "path": row["source_path"],
                "reader": row["source_reader"],
                "locator": row["source_locator"],
                "url": row["source_url"],
            },
        }
    )
