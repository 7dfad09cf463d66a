"""Main-text extraction: ScrapingHub AEB and the English part of trafilatura's evaluation set.

Metrics are those of the data sets' own scorers. AEB (``scrapinghub-aeb/evaluate.py``): word
4-gram shingles, per-document precision and recall averaged over documents, F1 from the
averages. trafilatura-eval (``eval_common.py``): a must-appear segment found in the output is a
true positive, missing a false negative; a must-not-appear segment found is a false positive;
whitespace-normalised substring match; P/R/F over all segments. The system scored is
``clean_document`` end to end (its body).
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import statistics
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

from newsprism.eval._result import EvalResult, require

log = logging.getLogger(__name__)

AEB_DIR = "scrapinghub-aeb"
TEVAL_DIR = "trafilatura-eval"
QUICK_PAGES = 60
REFERENCE: dict[str, float | str] = {
    "aeb_f1": "trafilatura 0.958, newspaper4k 0.949, readability 0.922, best reported 0.970",
    "teval_f1": "trafilatura 0.924 (full multilingual set), readability 0.826",
}

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Word ``n``-gram counts (one shorter gram for texts under ``n`` words)."""
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one document, as the benchmark's evaluate.py computes it."""
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """F1, precision and recall over documents from their :func:`shingle_match` counts."""

    def precision(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        if fp == fn == 0:
            return 1.0
        return 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def load_aeb(folder: Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """``(id, html, gold body)`` sorted by id, from ``folder`` (the ``scrapinghub-aeb`` set)."""
    with gzip.open(require(folder / "ground-truth.json.gz"), "rt", encoding="utf-8") as f:
        gold = json.load(f)
    items = []
    for key in sorted(gold)[:limit]:
        with gzip.open(folder / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as f:
            items.append((key, f.read(), gold[key].get("articleBody", "") or ""))
    return items


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def load_teval(folder: Path, limit: int | None = None) -> list[tuple[str, bytes, dict[str, Any]]]:
    """``(file, html bytes, gold item)`` for the English pages present in the archive."""
    gold = json.loads(require(folder / "evaldata_en.json").read_text(encoding="utf-8"))
    files: dict[str, bytes] = {}
    with tarfile.open(require(folder / "html_en_subset.tar.xz"), "r:xz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                handle = tar.extractfile(member)
                if handle is not None:
                    files[Path(member.name).name] = handle.read()
    items = [
        (v["file"], files[v["file"]], v) for _, v in sorted(gold.items()) if v["file"] in files
    ]
    return items[:limit]


def teval_counts(item: dict[str, Any], result: str) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of one page's output against its gold segments."""
    res = _norm(result)
    tp = sum(1 for w in item["with"] if _norm(w) in res)
    fp = sum(1 for w in item["without"] if _norm(w) in res)
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def teval_scores(counts: list[tuple[int, int, int, int]]) -> dict[str, float]:
    tp, fp, fn, _ = (sum(c[i] for c in counts) for i in range(4))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"f1": 2 * p * r / (p + r) if p + r else 0.0, "precision": p, "recall": r}


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def newsprism_clean(html: str) -> str:
    """The body ``clean_document`` makes of one page ('' when it rejects the page)."""
    from newsprism.clean import clean_document
    from newsprism.errors import CleanError
    from newsprism.models import Provenance, RawDoc

    try:
        return clean_document(RawDoc(Provenance("eval", "html.v1"), html=html)).body
    except CleanError:
        return ""


def evaluate(data_dir: Path, *, quick: bool = False) -> EvalResult:
    """AEB shingle F1 (and, when its folder is there, trafilatura-eval F1) of ``clean_document``."""
    for name in ("trafilatura", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    limit = QUICK_PAGES if quick else None
    aeb = load_aeb(require(data_dir / AEB_DIR), limit)
    scores = aeb_scores([shingle_match(g, newsprism_clean(h)) for _, h, g in aeb])
    metrics = {f"aeb_{k}": v for k, v in scores.items()}
    details: dict[str, Any] = {"aeb_pages": len(aeb)}
    if (data_dir / TEVAL_DIR).exists():
        teval = load_teval(data_dir / TEVAL_DIR, limit)
        tscores = teval_scores(
            [teval_counts(item, newsprism_clean(decode(raw))) for _, raw, item in teval]
        )
        metrics |= {f"teval_{k}": v for k, v in tscores.items()}
        details["teval_pages"] = len(teval)
    else:
        log.info("%s: not found, trafilatura-eval skipped", data_dir / TEVAL_DIR)
    return EvalResult("extraction", metrics, dict(REFERENCE), details=details)
