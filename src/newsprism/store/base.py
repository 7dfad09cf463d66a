"""What every store engine offers: the ``Store`` protocol that SQLite and PostgreSQL implement.

Code outside ``newsprism.store`` should type its store arguments as ``Store``, never as one
engine's class, so that ``--db file.db`` and ``--db postgresql://…`` run the same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from newsprism.models import Article, ArticleAnalysis, Story, StoryEvent
from newsprism.store.sqlite import (
    BatchResult,
    JournalBatch,
    JournalRecord,
    SearchHit,
    StoredItem,
    StoryUpdate,
)

__all__ = [
    "BatchResult",
    "JournalBatch",
    "JournalRecord",
    "SearchHit",
    "Store",
    "StoredItem",
    "StoryUpdate",
]


class Store(Protocol):
    """A newsprism store. Each ``write_batch`` is one transaction: all of it or none of it."""

    engine: str
    """``"sqlite"`` or ``"postgresql"``."""
    read_only: bool

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...

    def applied_migrations(self) -> list[str]:
        """Names of the applied migrations, in order."""
        ...

    # ------------------------------------------------------------------ writing

    def write_batch(
        self,
        items: Sequence[StoredItem],
        stories: StoryUpdate | None = None,
        vectors: Sequence[tuple[str, str, bytes]] = (),
    ) -> BatchResult:
        """Store articles (new or duplicate by id), their analyses, features, the batch's story
        changes and unit-vector records ``(article id, encoder, BLOB)`` (see
        ``newsprism.compare.vectors``; any stored article's, replacing its earlier one) in one
        transaction; raises ``StoreError`` and stores nothing on failure."""
        ...

    def clear_story_journal(self) -> None:
        """Forget the online clusterer's journal, in a transaction of its own."""
        ...

    def set_article_date(self, article_id: str, published: str, source: str) -> None:
        """Fill in a date inferred later; never overwrites a known date."""
        ...

    # ------------------------------------------------------------------ reading

    def has_article(self, article_id: str) -> bool: ...

    def count_articles(self) -> int: ...

    def get_article(self, article_id: str) -> Article | None: ...

    def find_article_ids(self, prefix: str) -> list[str]:
        """Ids starting with ``prefix`` (at most 20, sorted)."""
        ...

    def iter_articles(
        self, *, since: str | None = None, ids: Sequence[str] | None = None
    ) -> Iterator[Article]:
        """Articles by date (undated first), then insertion order."""
        ...

    def get_analysis(self, article_id: str) -> ArticleAnalysis | None: ...

    def iter_features(self) -> Iterator[tuple[str, str, bytes, str | None]]:
        """``(article_id, version, features, story_id)`` for every article with features."""
        ...

    def features_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """article id → ``(version, features)`` for those of ``article_ids`` that have them."""
        ...

    def unit_vectors_of(self, article_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """article id → ``(encoder, vectors)`` for those of ``article_ids`` that have them."""
        ...

    def unit_vector_encoders(self, article_ids: Sequence[str]) -> dict[str, str]:
        """article id → the encoder of its stored unit vectors, for those that have some."""
        ...

    def story_assignments(self) -> dict[str, tuple[str, str]]:
        """article id → (story id, origin id)."""
        ...

    def stories(self, *, since: str | None = None) -> list[Story]:
        """Stories, the most recently active first."""
        ...

    def story_events(self, story_id: str | None = None) -> list[StoryEvent]: ...

    def story_journal(self, since: int = 0) -> list[JournalRecord]:
        """The online clusterer's journal: its batches since the last clear numbered ``since``
        or later, in order."""
        ...

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over title and body; snippets mark matches with ``[``…``]``;
        ``score``: lower is better. Bad query syntax falls back to plain words."""
        ...


if TYPE_CHECKING:  # both engines must satisfy the protocol (checked by mypy only)
    from newsprism.store.postgres import PostgresStore
    from newsprism.store.sqlite import SQLiteStore

    def _implements(sqlite: SQLiteStore, postgres: PostgresStore) -> tuple[Store, Store]:
        return sqlite, postgres
