"""Stores: the embedded SQLite file (default) or a PostgreSQL database (``postgresql://…``).

``open_store`` picks the engine from the target; both implement ``Store`` (``store.base``).
"""

from __future__ import annotations

from pathlib import Path

from newsprism.errors import MissingExtraError, StoreError
from newsprism.store.base import Store
from newsprism.store.sqlite import (
    BatchResult,
    JournalBatch,
    JournalRecord,
    SearchHit,
    SQLiteStore,
    StoredItem,
    StoryUpdate,
)

__all__ = [
    "POSTGRES_INSTALL",
    "BatchResult",
    "JournalBatch",
    "JournalRecord",
    "SQLiteStore",
    "SearchHit",
    "Store",
    "StoredItem",
    "StoryUpdate",
    "is_postgres_url",
    "open_store",
]

POSTGRES_INSTALL = "pip install 'newsprism[postgres]'"


def is_postgres_url(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, *, read_only: bool = False) -> Store:
    """Open (creating and migrating when needed) the store at ``target``: an SQLite file path,
    or a ``postgresql://user@host:port/dbname`` URL (needs the ``postgres`` extra)."""
    text = str(target)
    if is_postgres_url(text):
        try:
            from newsprism.store.postgres import PostgresStore
        except ImportError as exc:
            raise MissingExtraError(
                f"the PostgreSQL store needs psycopg ({exc}): {POSTGRES_INSTALL}"
            ) from exc
        return PostgresStore(text, read_only=read_only)
    if read_only and not Path(text).exists():
        raise StoreError(f"{text}: no such store (run `newsprism ingest` first)")
    return SQLiteStore(text, read_only=read_only)
