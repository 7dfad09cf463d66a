"""The embedded store: one SQLite file, WAL, named migrations, FTS5, one transaction per batch."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import (
    StoreError,
    StoreFullError,
    StoreReadOnlyError,
    StoreUnavailableError,
)
from newsprism.models import Article, ArticleAnalysis, Story, StoryEvent
from newsprism.serialize import (
    analysis_from_dict,
    analysis_to_dict,
    article_from_dict,
)
from newsprism.store.rows import STORY_MEMBER_COLUMNS, stories_from_rows

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StoredItem:
    """Everything ingest writes for one article, stored together or not at all."""

    article: Article
    analysis: ArticleAnalysis | None = None
    features: bytes | None = None
    features_version: str | None = None


@dataclass(slots=True)
class StoryUpdate:
    """Story membership changes of one batch: written in the batch's transaction."""

    assignments: Mapping[str, str] = field(default_factory=dict)
    """article id → story id (only the articles whose story changed)."""
    origins: Mapping[str, str] = field(default_factory=dict)
    """article id → origin id."""
    events: Sequence[StoryEvent] = ()
    journal: JournalBatch | None = None
    """The online clusterer's record of this batch, appended to the story journal; ``None``
    (a batch re-clustering, the Spark runner): the changes do not come from the online
    clusterer, and the journal is cleared."""


@dataclass(slots=True, frozen=True)
class JournalBatch:
    """One batch of the online clusterer, as the story journal keeps it."""

    articles: Sequence[str]
    """The article ids it clustered (new to the clusterer), in order."""
    before: Mapping[str, str | None]
    """Every article whose story changed → its story before the batch (``None``: none)."""
    reset: bool = False
    """Clear the journal first: this batch starts a new one."""


@dataclass(slots=True, frozen=True)
class JournalRecord:
    """A stored journal batch: its number, the first batch since the last clear, and what
    :class:`JournalBatch` recorded."""

    batch: int
    epoch: int
    articles: list[str]
    before: dict[str, str | None]


@dataclass(slots=True)
class BatchResult:
    new: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    journal: tuple[int, int] | None = None
    """``(batch, epoch)`` of the journal record written with the batch, if any."""


@dataclass(slots=True, frozen=True)
class SearchHit:
    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def migrations() -> list[tuple[str, str]]:
    """The packaged migrations, in name order: ``[(name, sql)]``."""
    folder = resources.files("newsprism.store") / "migrations"
    found = [
        (item.name.removesuffix(".sql"), item.read_text(encoding="utf-8"))
        for item in folder.iterdir()
        if item.name.endswith(".sql")
    ]
    return sorted(found)


class SQLiteStore:
    """A newsprism store in one SQLite file. One writer at a time, many readers (WAL)."""

    engine = "sqlite"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        try:
            if read_only:
                self.conn = self._connect_read_only()
            else:
                if self.path.parent and not self.path.parent.exists():
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                if self.path.exists() and not os.access(self.path, os.W_OK):
                    raise StoreReadOnlyError(
                        f"{self.path}: the store cannot be written: its file or file system is "
                        "read-only (reading it needs no write access)"
                    )
                self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 30000")
            if not read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                # Ingest writes the full-text index in large batches: a bigger page cache and
                # fewer WAL checkpoints (every ~40 MB instead of ~4 MB) keep its segment merges
                # from writing the same pages over and over.
                self.conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
                self.conn.execute("PRAGMA temp_store = MEMORY")
                self.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, exc, "cannot open the store") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc.strerror})") from exc

    def _connect_read_only(self) -> sqlite3.Connection:
        """A read-only connection. A store in a folder this process cannot write (a read-only
        mount, say) cannot get the shared-memory file WAL readers need: when no write-ahead log
        is pending there, it is read as an immutable file instead."""
        uri = f"file:{_uri_path(self.path)}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            if _code(exc) != sqlite3.SQLITE_CANTOPEN or _wal_of(self.path).exists():
                raise
        log.info("%s: folder not writable, reading the store as an immutable file", self.path)
        return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=30, isolation_level=None)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM _migrations")}
        for name, sql in migrations():
            if name in done:
                continue
            log.info("applying migration %s to %s", name, self.path)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                for statement in _split_sql(sql):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", (name, _now())
                )
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._rollback()
                raise store_error(self.path, exc, f"migration {name} failed") from exc

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM _migrations ORDER BY name")]

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
        result = BatchResult()
        if self.read_only:
            raise StoreError(f"{self.path}: store opened read-only")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            new = self._insert_articles([item.article for item in items])
            for item, is_new in zip(items, new, strict=True):
                if is_new:
                    result.new.append(item.article.id)
                else:
                    result.duplicate.append(item.article.id)
            for item in items:
                if item.analysis is not None:
                    self._put_analysis(item.analysis)
                if item.features is not None:
                    self.conn.execute(  # an upsert keeps the row's place (clustering order)
                        "INSERT INTO article_features (article_id, version, data) "
                        "VALUES (?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                        "version = excluded.version, data = excluded.data",
                        (item.article.id, item.features_version or "", item.features),
                    )
            if vectors:
                self.conn.executemany(
                    "INSERT INTO unit_vectors (article_id, encoder, data) "
                    "SELECT id, ?, ? FROM articles WHERE id = ? "
                    "ON CONFLICT (article_id) DO UPDATE SET "
                    "encoder = excluded.encoder, data = excluded.data",
                    [(encoder, data, article_id) for article_id, encoder, data in vectors],
                )
            if stories is not None:
                self._apply_stories(stories)
                result.journal = self._journal(stories.journal)
            self.conn.execute("COMMIT")
        except (sqlite3.DatabaseError, ValueError) as exc:
            self._rollback()
            raise store_error(self.path, exc, "batch not stored") from exc
        return result

    def _rollback(self) -> None:
        """Roll back the open transaction, if any (SQLite may have rolled it back already, on
        a full disk say, and a failing rollback must not hide the error that caused it)."""
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _insert_articles(self, articles: Sequence[Article]) -> list[bool]:
        """Insert the articles not stored yet (one ``executemany``); for each, whether it is
        new (False: its id is already stored, or came earlier in ``articles``)."""
        ids = list({a.id: None for a in articles})
        stored = {r[0] for r in self._rows_in("SELECT id FROM articles WHERE id IN ({})", ids)}
        now = _now()
        new: list[bool] = []
        fresh: list[tuple[Any, ...]] = []
        for a in articles:
            if a.id in stored:
                new.append(False)
                continue
            stored.add(a.id)
            new.append(True)
            fresh.append(_article_row(a, now))
        self.conn.executemany(_INSERT_ARTICLE, fresh)
        return new

    def _insert_article(self, a: Article) -> bool:
        cur = self.conn.execute(_INSERT_ARTICLE, _article_row(a, _now()))
        return cur.rowcount == 1

    def _put_analysis(self, analysis: ArticleAnalysis) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO analyses (article_id, analyzer, data) VALUES (?, ?, ?)",
            (analysis.article_id, analysis.analyzer, _json(analysis_to_dict(analysis))),
        )
        self.conn.execute(
            "DELETE FROM article_entities WHERE article_id = ?", (analysis.article_id,)
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO article_entities "
            "(article_id, entity_key, name, label, mentions) VALUES (?, ?, ?, ?, ?)",
            [(analysis.article_id, e.key, e.name, e.label, e.mentions) for e in analysis.entities],
        )

    def _apply_stories(self, update: StoryUpdate) -> None:
        now = _now()
        for story_id in sorted(set(update.assignments.values())):
            self.conn.execute(
                "INSERT OR IGNORE INTO stories (id, created_at) VALUES (?, ?)", (story_id, now)
            )
        for article_id, story_id in update.assignments.items():
            origin = update.origins.get(article_id, article_id)
            self.conn.execute(
                "INSERT INTO story_members (article_id, story_id, origin_id) VALUES (?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
                "origin_id = excluded.origin_id",
                (article_id, story_id, origin),
            )
        for article_id, origin in update.origins.items():
            if article_id not in update.assignments:
                self.conn.execute(
                    "UPDATE story_members SET origin_id = ? WHERE article_id = ?",
                    (origin, article_id),
                )
        self.conn.executemany(
            "INSERT INTO story_events (at, kind, story_id, article_id, other_story_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (now, e.kind, e.story_id, e.article_id, e.other_story_id, e.detail)
                for e in update.events
            ],
        )
        self.conn.execute(
            "DELETE FROM stories WHERE id NOT IN (SELECT DISTINCT story_id FROM story_members)"
        )

    def _journal(self, batch: JournalBatch | None) -> tuple[int, int] | None:
        if batch is None or batch.reset:
            self.conn.execute("DELETE FROM story_journal")
        if batch is None:
            return None
        row = self.conn.execute("SELECT epoch FROM story_journal ORDER BY batch LIMIT 1")
        first = row.fetchone()
        cur = self.conn.execute(
            "INSERT INTO story_journal (epoch, articles, before) VALUES (?, ?, ?)",
            (first[0] if first else 0, _json(list(batch.articles)), _json(dict(batch.before))),
        )
        number = int(cur.lastrowid or 0)
        if first is None:
            self.conn.execute("UPDATE story_journal SET epoch = batch WHERE batch = ?", (number,))
        return number, int(first[0]) if first else number

    def story_journal(self, since: int = 0) -> list[JournalRecord]:
        """The story journal's batches numbered ``since`` or later, in order (see
        :class:`JournalBatch`)."""
        rows = self.conn.execute(
            "SELECT batch, epoch, articles, before FROM story_journal WHERE batch >= ? "
            "ORDER BY batch",
            (since,),
        )
        return [JournalRecord(r[0], r[1], json.loads(r[2]), json.loads(r[3])) for r in rows]

    def clear_story_journal(self) -> None:
        """Forget the journal (the online clusterer's state is again the stored memberships)."""
        if self.read_only:
            raise StoreError(f"{self.path}: store opened read-only")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("DELETE FROM story_journal")
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            self._rollback()
            raise store_error(self.path, exc, "story journal not cleared") from exc

    def set_article_date(self, article_id: str, published: str, source: str) -> None:
        """Fill in a date inferred later (from the story); never overwrites a known date."""
        self.conn.execute(
            "UPDATE articles SET published = ?, published_source = ? "
            "WHERE id = ? AND published IS NULL",
            (published, source, article_id),
        )

    # ------------------------------------------------------------------ reading

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Read several things as of one moment: the reads inside share one read transaction,
        so a batch committed meanwhile (by this or another process) is seen whole or not at
        all by every one of them. Writers are not blocked (WAL)."""
        if self.conn.in_transaction:
            raise StoreError(f"{self.path}: snapshot inside a transaction")
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def has_article(self, article_id: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article_from_row(row) if row else None

    def find_article_ids(self, prefix: str) -> list[str]:
        """Ids starting with ``prefix`` (users type short ids)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 20",
            (escaped + "%",),
        )
        return [r[0] for r in rows]

    def iter_articles(
        self, *, since: str | None = None, ids: Sequence[str] | None = None
    ) -> Iterator[Article]:
        sql = "SELECT * FROM articles"
        params: list[Any] = []
        where: list[str] = []
        if since:
            where.append("published >= ?")
            params.append(since)
        if ids is not None:
            where.append(f"id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY coalesce(published, ''), rowid"
        for row in self.conn.execute(sql, params):
            yield _article_from_row(row)

    def get_analysis(self, article_id: str) -> ArticleAnalysis | None:
        row = self.conn.execute(
            "SELECT data FROM analyses WHERE article_id = ?", (article_id,)
        ).fetchone()
        return analysis_from_dict(json.loads(row[0])) if row else None

    def iter_features(self) -> Iterator[tuple[str, str, bytes, str | None]]:
        """``(article_id, version, features, story_id)`` for every article with features."""
        rows = self.conn.execute(
            "SELECT f.article_id, f.version, f.data, m.story_id FROM article_features f "
            "LEFT JOIN story_members m ON m.article_id = f.article_id ORDER BY f.rowid"
        )
        for row in rows:
            yield row[0], row[1], bytes(row[2]), row[3]

    def _rows_in(self, sql: str, ids: Sequence[str]) -> Iterator[Any]:
        """The rows of ``sql`` (its ``{}`` is the ``IN`` list) over all ``ids``, queried in
        chunks of at most ``_MAX_SQL_PARAMS`` parameters."""
        for start in range(0, len(ids), _MAX_SQL_PARAMS):
            chunk = ids[start : start + _MAX_SQL_PARAMS]
            yield from self.conn.execute(sql.format(",".join("?" * len(chunk))), chunk)

    def features_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """article id → ``(version, features)`` for those of ``article_ids`` that have them."""
        sql = "SELECT article_id, version, data FROM article_features WHERE article_id IN ({})"
        return {r[0]: (r[1], bytes(r[2])) for r in self._rows_in(sql, list(article_ids))}

    def _has_unit_vectors(self) -> bool:
        """Whether the table exists: a store opened read-only is not migrated, and one made
        before migration 0005 has no stored vectors (they are a cache: none is no error)."""
        row = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unit_vectors'"
        ).fetchone()
        return row is not None

    def _unit_vector_rows(self, columns: str, article_ids: Sequence[str]) -> Iterator[Any]:
        ids = list(article_ids) if self._has_unit_vectors() else []
        sql = f"SELECT article_id, {columns} FROM unit_vectors WHERE article_id IN ({{}})"
        return self._rows_in(sql, ids)

    def unit_vectors_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """article id → ``(encoder, vectors)`` for those of ``article_ids`` that have them."""
        rows = self._unit_vector_rows("encoder, data", article_ids)
        return {r[0]: (r[1], bytes(r[2])) for r in rows}

    def unit_vector_encoders(self, article_ids: Sequence[str]) -> dict[str, str]:
        """article id → the encoder of its stored unit vectors, for those that have some."""
        return {r[0]: r[1] for r in self._unit_vector_rows("encoder", article_ids)}

    def story_assignments(self) -> dict[str, tuple[str, str]]:
        """article id → (story id, origin id)."""
        rows = self.conn.execute("SELECT article_id, story_id, origin_id FROM story_members")
        return {r[0]: (r[1], r[2]) for r in rows}

    def stories(self, *, since: str | None = None) -> list[Story]:
        rows = self.conn.execute(
            f"SELECT {STORY_MEMBER_COLUMNS} "
            "FROM story_members m JOIN articles a ON a.id = m.article_id "
            "ORDER BY m.story_id, coalesce(a.published, ''), a.rowid"
        ).fetchall()
        return stories_from_rows(rows, since)

    def story_events(self, story_id: str | None = None) -> list[StoryEvent]:
        sql = "SELECT kind, story_id, article_id, other_story_id, detail FROM story_events"
        params: tuple[str, ...] = ()
        if story_id:
            sql += " WHERE story_id = ? OR other_story_id = ?"
            params = (story_id, story_id)
        rows = self.conn.execute(sql + " ORDER BY seq", params)
        return [StoryEvent(r[0], r[1], r[2], r[3], r[4]) for r in rows]

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over title and body; the query is FTS5 syntax, or plain words."""
        sql = (
            "SELECT a.id, a.title, a.outlet, a.published, "
            "snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snip, bm25(articles_fts) AS score "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY score LIMIT ?"
        )
        try:
            rows = self.conn.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError:
            # Not valid FTS5 syntax: search for the words as plain terms.
            words = re.findall(r"\w+", query)
            if not words:
                return []
            quoted = " ".join(f'"{w}"' for w in words)
            rows = self.conn.execute(sql, (quoted, limit)).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (``SQLITE_FULL``, ...), or -1."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def store_error(path: Path, exc: sqlite3.Error | ValueError, doing: str) -> StoreError:
    """The newsprism error for an SQLite error met while ``doing`` something to the store at
    ``path``: read-only, full disk and cannot-open errors become ``StoreUnavailableError``s
    (an ingest stops at them); the others a plain ``StoreError`` (that batch fails)."""
    detail = " ".join(str(exc).split())
    code = _code(exc) if isinstance(exc, sqlite3.Error) else -1
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return StoreReadOnlyError(
            f"{path}: {doing}: the store is read-only ({detail}); "
            "check the permissions of the file, its folder and its file system"
        )
    if code == sqlite3.SQLITE_FULL:
        return StoreFullError(
            f"{path}: {doing}: disk full or the store's size limit reached ({detail}); "
            "what was stored before is intact: free some space and run again"
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        return StoreUnavailableError(
            f"{path}: {doing}: cannot open the store's file or its journal ({detail}); "
            "check that its folder exists and can be written"
        )
    if code == sqlite3.SQLITE_IOERR:
        return StoreUnavailableError(f"{path}: {doing}: disk I/O error ({detail})")
    return StoreError(f"{path}: {doing} ({detail})")


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _uri_path(path: Path) -> str:
    """``path`` for an SQLite ``file:`` URI (``?`` and ``#`` would end the path)."""
    return str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file (triggers keep their inner semicolons)."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        if stripped.endswith(";") and sqlite3.complete_statement(text):
            statements.append(text)
            buffer = []
    if buffer:
        statements.append("\n".join(buffer))
    return statements


def _asdict(obj: Any) -> dict[str, Any]:
    return dataclasses.asdict(obj)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _flat_dicts(objs: Sequence[Any]) -> list[dict[str, Any]]:
    """``[dataclasses.asdict(o) for o in objs]`` for dataclasses whose fields are plain values
    (str, int, float, None), without ``asdict``'s recursive copying."""
    return [{name: getattr(o, name) for name in _field_names(type(o))} for o in objs]


_INSERT_ARTICLE = """INSERT OR IGNORE INTO articles (
    id, title, outlet, url, author, published, published_source,
    dateline_text, dateline_place, dateline_agency, language, language_score,
    body, source_text, source_path, source_reader, source_locator, source_url,
    headings, removed, flags, metadata, ingested_at
) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
_MAX_SQL_PARAMS = 500
WRITE_CACHE_KIB = 16 * 1024
"""Page cache of a writing connection (SQLite's default is 2 MiB)."""
WAL_CHECKPOINT_PAGES = 10_000
"""WAL pages between automatic checkpoints (SQLite's default is 1,000)."""


def _article_row(a: Article, ingested_at: str) -> tuple[Any, ...]:
    """The ``articles`` row of ``a`` (``_INSERT_ARTICLE``'s parameters)."""
    dl = a.dateline
    return (
        a.id, a.title, a.outlet, a.url, a.author, a.published, a.published_source,
        dl.text if dl else None, dl.place if dl else None, dl.agency if dl else None,
        a.language, a.language_score, a.body, a.source_text,
        a.provenance.path, a.provenance.reader, a.provenance.locator, a.provenance.url,
        _json(_flat_dicts(a.headings)),
        _json(_flat_dicts(a.removed)),
        _json(_flat_dicts(a.flags)),
        _json(a.metadata), ingested_at,
    )  # fmt: skip


def _json(data: Any) -> str:
    """Compact JSON for a column (no spaces after separators: ~10% of a stored analysis)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _article_from_row(row: sqlite3.Row) -> Article:
    data: dict[str, Any] = {k: row[k] for k in row.keys()}  # noqa: SIM118
    dateline = None
    if data["dateline_text"] is not None:
        dateline = {
            "text": data["dateline_text"],
            "place": data["dateline_place"],
            "agency": data["dateline_agency"],
        }
    return article_from_dict(
        {
            **data,
            "dateline": dateline,
            "provenance": {
                "path": data["source_path"],
                "reader": data["source_reader"],
                "locator": data["source_locator"],
                "url": data["source_url"],
            },
            "headings": json.loads(data["headings"]),
            "removed": json.loads(data["removed"]),
            "flags": json.loads(data["flags"]),
            "metadata": json.loads(data["metadata"]),
        }
    )
