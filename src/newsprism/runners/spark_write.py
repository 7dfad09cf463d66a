"""Per-partition store writers for the Spark runner (no pyspark here).

Each partition opens one connection to the shared store (PostgreSQL) and writes its own rows
in batches of ``batch_size``, each batch one transaction holding the articles, their analyses,
features and story membership (``Store.write_batch``). Articles are inserted with
``ON CONFLICT DO NOTHING`` and memberships are upserts, so a batch written twice changes
nothing: when Spark retries a task that died (a worker killed, an executor lost), the retry
rewrites the batches its first attempt had committed as no-ops and the batch that was open
when it died — rolled back by the server — in full. The store never holds a partial batch
or an article twice.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsprism.store import Store

log = logging.getLogger(__name__)

WRITE_SCHEMA = "article_id string, status string, where string, reason string"
"""One row per article: ``status`` ``new``, ``duplicate`` or ``failed`` (with the reason)."""

StoreOpener = Callable[[str], "Store"]


def _open(url: str) -> Store:
    from newsprism.store import open_store

    return open_store(url)


def write_partition(
    frames: Iterator[Any],
    url: str,
    batch_size: int,
    features_version: str,
    opener: StoreOpener | None = None,
) -> Iterator[Any]:
    """``mapInArrow`` body: rows (seq-ordered within the partition) of article_json,
    analysis_json, features, where, story_id, origin_id → one result row per article."""
    pa = importlib.import_module("pyarrow")
    from newsprism.errors import NewsprismError
    from newsprism.serialize import analysis_from_dict, article_from_dict
    from newsprism.store import StoredItem, StoryUpdate

    schema = pa.schema(
        [("article_id", pa.string()), ("status", pa.string()), ("where", pa.string()),
         ("reason", pa.string())]
    )  # fmt: skip
    store: Store | None = None
    pending: list[dict[str, Any]] = []

    def flush() -> Any:
        nonlocal store
        if store is None:
            store = (opener or _open)(url)
        items = []
        for r in pending:
            an = r["analysis_json"]
            items.append(
                StoredItem(
                    article_from_dict(json.loads(r["article_json"])),
                    analysis_from_dict(json.loads(an)) if an else None,
                    bytes(r["features"]),
                    features_version,
                )
            )
        assigned = {r["article_id"]: r["story_id"] for r in pending if r["story_id"]}
        update = None
        if assigned:
            update = StoryUpdate(
                assignments=assigned,
                origins={a: r["origin_id"] or a for r in pending if (a := r["article_id"])},
            )
        out: dict[str, list[Any]] = {"article_id": [], "status": [], "where": [], "reason": []}
        try:
            result = store.write_batch(items, update)
        except NewsprismError as exc:  # this batch only: reported, the others go on
            log.warning("batch of %d articles not stored: %s", len(items), exc)
            for r in pending:
                out["article_id"].append(r["article_id"])
                out["status"].append("failed")
                out["where"].append(r["where"])
                out["reason"].append(str(exc))
            return pa.RecordBatch.from_pydict(out, schema=schema)
        status = {a: "new" for a in result.new} | {a: "duplicate" for a in result.duplicate}
        for r in pending:
            out["article_id"].append(r["article_id"])
            out["status"].append(status.get(r["article_id"], "duplicate"))
            out["where"].append(r["where"])
            out["reason"].append(None)
        return pa.RecordBatch.from_pydict(out, schema=schema)

    try:
        for frame in frames:
            for row in frame.to_pylist():
                pending.append(row)
                if len(pending) >= batch_size:
                    yield flush()
                    pending = []
        if pending:
            yield flush()
    finally:
        if store is not None:
            store.close()
