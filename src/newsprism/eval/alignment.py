"""Cross-outlet sentence alignment on MSRP (Microsoft Research Paraphrase Corpus, test split).

The scorer is the one ``newsprism compare`` aligns with: ``similarity.sentence_score``
(``pairscore.msrp.v2``: MiniLM cosine, word-piece and parse evidence) at its model's shipped
threshold, fitted and chosen on the train split only; the test split is never used for fitting.
Reported beside it in the same run: the v1 combiner (``pair_score``), the MiniLM cosine alone at
its shipped threshold, and the all-positive baseline (the majority class).
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.eval._result import EvalResult, require

log = logging.getLogger(__name__)

MSRP_DIR = "msrp"
QUICK_PAIRS = 200
REFERENCE: dict[str, float | str] = {
    "test_f1": "majority class 0.799 F1 (0.665 acc); strong supervised models about 0.90 F1",
    "test_accuracy": "majority class 0.665",
}

Pair = tuple[int, str, str]


def load_msrp(folder: Path, split: str) -> list[Pair]:
    """(label, sentence 1, sentence 2) rows of ``msr_paraphrase_{split}.txt.gz``; malformed rows
    are logged and skipped."""
    path = require(folder / f"msr_paraphrase_{split}.txt.gz")
    rows: list[Pair] = []
    with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
        next(handle, None)  # header
        for number, line in enumerate(handle, start=2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5 or parts[0] not in {"0", "1"}:
                log.warning("%s:%d: skipped (malformed row)", path, number)
                continue
            rows.append((int(parts[0]), parts[3], parts[4]))
    return rows


def f1_acc(labels: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float, float]:
    """(F1, accuracy, precision, recall) of boolean predictions against 0/1 labels."""
    tp = float(np.sum(predicted & (labels == 1)))
    fp = float(np.sum(predicted & (labels == 0)))
    fn = float(np.sum(~predicted & (labels == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, float(np.mean(predicted == (labels == 1))), precision, recall


def evaluate(data_dir: Path, *, quick: bool = False) -> EvalResult:
    """Test-split F1/accuracy of the v2 sentence scorer (quick: the first pairs only)."""
    from newsprism.features import embed, similarity

    rows = load_msrp(require(data_dir / MSRP_DIR), "test")
    if quick:
        rows = rows[:QUICK_PAIRS]
    if not rows:
        raise ValueError(f"{data_dir / MSRP_DIR}: no test pairs")
    texts = list(dict.fromkeys([r[1] for r in rows] + [r[2] for r in rows]))
    views = dict(zip(texts, similarity.describe(texts, encoder=embed.get_encoder()), strict=True))
    cos = np.array([float(views[r[1]].vector @ views[r[2]].vector) for r in rows])
    labels = np.array([r[0] for r in rows])
    scores = np.array([similarity.sentence_score(views[r[1]], views[r[2]]) for r in rows])
    f1, acc, p, r = f1_acc(labels, scores >= similarity.model_v2().threshold)
    v1 = np.array(
        [similarity.pair_score(r[1], r[2], float(c)) for r, c in zip(rows, cos, strict=True)]
    )
    v1_f1, v1_acc, _, _ = f1_acc(labels, v1 >= similarity.THRESHOLD)
    cos_f1 = f1_acc(labels, cos >= similarity.COSINE_THRESHOLD)[0]
    base_f1, base_acc, _, _ = f1_acc(labels, np.ones(len(rows), dtype=bool))
    metrics = {"test_f1": f1, "test_accuracy": acc, "test_precision": p, "test_recall": r}
    details: dict[str, Any] = {
        "pairs": len(rows),
        "scorer": similarity.SCORER_NAME_V2,
        "v1_f1": round(v1_f1, 4),
        "v1_accuracy": round(v1_acc, 4),
        "cosine_only_f1": round(cos_f1, 4),
        "majority_f1": round(base_f1, 4),
        "majority_accuracy": round(base_acc, 4),
    }
    return EvalResult("alignment", metrics, dict(REFERENCE), details=details)
