"""Cited briefs on NeuS / AllSides (val: 307 stories, three outlets' excerpts each).

Reference = the editors' neutral roundup (title + text). ROUGE-1/2/L F1 computed here
(lower-cased word tokens, no stemming, ROUGE-L over the whole text as one sequence), the share
of brief sentences the checker verified against their citations, and the lead-1-of-each-outlet
baseline in the same run.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsprism.eval._result import EvalResult, f1, require
from newsprism.models import Article, Provenance

NEUS = "neus_allsides/data/naacl2022_lrc_roundup_random_order_probe"
QUICK_STORIES = 25
REFERENCE: dict[str, float | str] = {
    "rouge1": "lead-1 of each outlet (same run, in details): 0.371 on the full val split",
    "rouge2": "lead-1 of each outlet: 0.167 on the full val split",
    "rougeL": "lead-1 of each outlet: 0.246 on the full val split",
    "verified_share": "every brief sentence should be verified: 1.0",
}
_PART = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*)", re.S)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: float, cand: float, ref: float) -> float:
    if cand == 0 or ref == 0 or overlap == 0:
        return 0.0
    return f1(overlap / cand, overlap / ref)


def rouge_n(cand: str, ref: str, n: int) -> float:
    """ROUGE-N F1 (clipped n-gram overlap)."""
    c, r = _ngrams(_tokens(cand), n), _ngrams(_tokens(ref), n)
    overlap = sum(min(v, r[k]) for k, v in c.items())
    return _f1(overlap, sum(c.values()), sum(r.values()))


def rouge_l(cand: str, ref: str) -> float:
    """ROUGE-L F1: longest common subsequence of the two texts' word tokens."""
    a, b = _tokens(cand), _tokens(ref)
    if not a or not b:
        return 0.0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return _f1(prev[-1], len(a), len(b))


def rouge(cand: str, ref: str) -> tuple[float, float, float]:
    """(ROUGE-1, ROUGE-2, ROUGE-L) F1."""
    return rouge_n(cand, ref, 1), rouge_n(cand, ref, 2), rouge_l(cand, ref)


def plain_article(text: str, title: str | None, name: str) -> Article:
    digest = hashlib.sha256((title or "").encode() + b"\n" + text.encode()).hexdigest()[:16]
    return Article(
        id=digest,
        body=text,
        provenance=Provenance(path=name, reader="eval"),
        source_text=text,
        title=title,
        outlet=name,
    )


def neus_stories(folder: Path, limit: int | None = None) -> list[tuple[list[Article], str]]:
    """(articles, reference roundup) per story of the val split in ``folder``."""
    with gzip.open(require(folder / "val.source.gz"), "rt", encoding="utf-8") as f:
        sources = f.read().splitlines()
    with gzip.open(require(folder / "val.target.gz"), "rt", encoding="utf-8") as f:
        targets = f.read().splitlines()
    out = []
    for src, tgt in zip(sources, targets, strict=True):
        arts = []
        for k, part in enumerate(src.split("[SEP]")):
            m = _PART.search(part)
            if m and m.group("body").strip():
                arts.append(
                    plain_article(
                        m.group("body").strip(), m.group("title").strip(), f"outlet {k + 1}"
                    )
                )
        m = _PART.search(tgt)
        ref = f"{m.group('title')} {m.group('body')}" if m else tgt
        if arts:
            out.append((arts, ref))
        if limit and len(out) >= limit:
            break
    return out


def lead_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def evaluate(data_dir: Path, *, quick: bool = False) -> EvalResult:
    """ROUGE of the briefs and the verified share of their sentences."""
    from newsprism.analyze import analyze_articles
    from newsprism.compare import compare_articles

    stories = neus_stories(require(data_dir / NEUS), QUICK_STORIES if quick else None)
    brief: list[tuple[float, float, float]] = []
    lead: list[tuple[float, float, float]] = []
    verified = total = 0
    for arts, ref in stories:
        c = compare_articles(arts, list(analyze_articles(arts)))
        verified += sum(1 for s in c.brief.sentences if s.verified)
        total += len(c.brief.sentences) + c.brief.dropped
        brief.append(rouge(" ".join(s.text for s in c.brief.sentences), ref))
        lead.append(rouge(" ".join((lead_sentences(a.body) or [a.body])[0] for a in arts), ref))

    def mean(vals: list[tuple[float, float, float]], i: int) -> float:
        return statistics.mean(v[i] for v in vals) if vals else 0.0

    metrics = {
        "rouge1": mean(brief, 0),
        "rouge2": mean(brief, 1),
        "rougeL": mean(brief, 2),
        "verified_share": verified / total if total else 0.0,
    }
    details: dict[str, Any] = {
        "stories": len(stories),
        "brief_sentences": total,
        "lead1_rouge1": round(mean(lead, 0), 4),
        "lead1_rouge2": round(mean(lead, 1), 4),
        "lead1_rougeL": round(mean(lead, 2), 4),
    }
    return EvalResult("briefs", metrics, dict(REFERENCE), details=details)
