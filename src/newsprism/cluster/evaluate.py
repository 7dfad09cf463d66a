"""Clustering metrics (BCubed) and the ECB+ loader used by tests and benchmarks.

ECB+ (Cybulska & Vossen 2014, CC BY 3.0): 982 news documents, 43 topics × 2 real events; the
gold story is ``subtopic``. Documents of the ECB+ half start with their URL, tokenised; it is
moved to ``Article.url`` (a URL is metadata, and its tokens would leak which half a document
comes from). The documents carry no reliable dates, so ``published`` stays empty.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newsprism.models import Article, Provenance


@dataclass(slots=True, frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float


def bcubed(pred: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> BCubed:
    """BCubed precision, recall and F1 of ``pred`` against ``gold`` over gold's items."""
    if not gold:
        raise ValueError("gold clustering is empty")
    missing = [k for k in gold if k not in pred]
    if missing:
        raise ValueError(f"{len(missing)} gold items have no predicted cluster, e.g. {missing[0]}")
    by_pred: dict[Hashable, set[str]] = defaultdict(set)
    by_gold: dict[Hashable, set[str]] = defaultdict(set)
    for k in gold:
        by_pred[pred[k]].add(k)
        by_gold[gold[k]].add(k)
    p = r = 0.0
    for k in gold:
        a, b = by_pred[pred[k]], by_gold[gold[k]]
        common = len(a & b)
        p += common / len(a)
        r += common / len(b)
    p, r = p / len(gold), r / len(gold)
    return BCubed(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _strip_url(sentence: str, url: str) -> str:
    """Remove the space-tokenised ``url`` from the start of ``sentence``."""
    target = url.replace(" ", "")
    acc = ""
    toks = sentence.split(" ")
    for i, tok in enumerate(toks):
        acc += tok
        if acc == target:
            return " ".join(toks[i + 1 :])
        if not target.startswith(acc):
            return sentence
    return ""


def load_ecbplus(path: str | Path) -> list[tuple[Article, str]]:
    """ECB+ documents as articles, each with its gold story (``subtopic``)."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
                sents = [str(s) for s in rec["sentences"]]
                url = rec.get("url")
                if url and sents:
                    sents[0] = _strip_url(sents[0], str(url))
                body = " ".join(s for s in sents if s)
                doc_id = str(rec["doc_id"])
                gold = str(rec["subtopic"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path}: line {n}: bad ECB+ record ({exc})") from exc
            art = Article(
                id=doc_id,
                body=body,
                provenance=Provenance(path=str(path), reader="ecbplus", locator=f"line {n}"),
                url=str(url) if url else None,
            )
            out.append((art, gold))
    return out
