"""Stores: the embedded SQLite file (default). ``open_store`` picks the engine from the target."""

from __future__ import annotations

from pathlib import Path

from newsprism.errors import StoreError
from newsprism.store.sqlite import BatchResult, SearchHit, SQLiteStore, StoredItem, StoryUpdate

__all__ = [
    "BatchResult",
    "SQLiteStore",
    "SearchHit",
    "StoredItem",
    "StoryUpdate",
    "open_store",
]


def open_store(target: str | Path, *, read_only: bool = False) -> SQLiteStore:
    """Open (creating and migrating when needed) the store at ``target``."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError(f"{text.split('@')[-1]}: the PostgreSQL store is not available yet")
    if read_only and not Path(text).exists():
        raise StoreError(f"{text}: no such store (run `newsprism ingest` first)")
    return SQLiteStore(text, read_only=read_only)
