"""Story clustering on ECB+ (982 documents, 86 gold stories): BCubed of newsprism's clusterer.

The metric and the loader are :func:`newsprism.cluster.bcubed` and
:func:`newsprism.cluster.load_ecbplus`. Batch mode runs always (it takes well under a second
once features are computed); the full run adds online mode over one shuffled arrival order.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from newsprism.eval._result import EvalResult, require

ECBPLUS = "ecbplus/ecbplus_docs.jsonl.gz"
ONLINE_SEED = 0
REFERENCE: dict[str, float | str] = {
    "batch_f1": "TF-IDF + average-link, whole corpus: 0.884 (data README); 0.875 best threshold "
    "in benchmarks/results/clustering.md",
}


def evaluate(data_dir: Path, *, quick: bool = False) -> EvalResult:
    """B³ precision/recall/F1 of ``cluster_batch`` (and, full run, of ``StoryClusterer``)."""
    from newsprism.cluster import (
        StoryClusterer,
        bcubed,
        cluster_batch,
        compute_features,
        load_ecbplus,
    )
    from newsprism.config import Settings

    data = load_ecbplus(require(data_dir / ECBPLUS))
    gold = {a.id: g for a, g in data}
    feats = compute_features([a for a, _ in data])
    batch = cluster_batch(feats, settings=Settings())
    sb = bcubed(batch.assignments, gold)
    metrics = {"batch_f1": sb.f1, "batch_precision": sb.precision, "batch_recall": sb.recall}
    details: dict[str, Any] = {
        "documents": len(data),
        "gold_stories": len(set(gold.values())),
        "batch_stories": len(set(batch.assignments.values())),
    }
    if not quick:
        order = feats[:]
        random.Random(ONLINE_SEED).shuffle(order)
        clusterer = StoryClusterer(Settings())
        for f in order:
            clusterer.add([f])
        so = bcubed(clusterer.assignments(), gold)
        metrics |= {"online_f1": so.f1, "online_precision": so.precision}
        metrics["online_recall"] = so.recall
    return EvalResult("clustering", metrics, dict(REFERENCE), details=details)
