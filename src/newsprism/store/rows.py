"""Store-engine-neutral assembly of query rows into model objects (shared by SQLite and
PostgreSQL, whose SQL differs but whose rows have the same columns)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from newsprism.models import Story

#: The columns ``stories_from_rows`` reads, in order; rows sorted by story, then date.
STORY_MEMBER_COLUMNS = "m.story_id, m.article_id, m.origin_id, a.title, a.outlet, a.published"


def stories_from_rows(rows: Iterable[Sequence[Any]], since: str | None = None) -> list[Story]:
    """Stories from ``(story_id, article_id, origin_id, title, outlet, published)`` rows, latest
    first; with ``since``, only stories with an article published on or after it."""
    grouped: dict[str, list[Sequence[Any]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row)
    result: list[Story] = []
    for story_id, members in grouped.items():
        dates = sorted(m[5] for m in members if m[5])
        if since and (not dates or dates[-1] < since):
            continue
        origins: dict[str, list[str]] = {}
        for m in members:
            origins.setdefault(m[2], []).append(m[1])
        result.append(
            Story(
                id=story_id,
                title=next((m[3] for m in members if m[3]), None),
                article_ids=[m[1] for m in members],
                outlets=sorted({m[4] for m in members if m[4]}),
                origins=list(origins.values()),
                first_seen=dates[0] if dates else None,
                last_seen=dates[-1] if dates else None,
            )
        )
    result.sort(key=lambda s: (s.last_seen or "", len(s.article_ids)), reverse=True)
    return result
