"""The seed article pair against its reference reading (``eval/seed_pair_gold.json``).

The gold texts are substrings of the seed files; newsprism's cited spans point into cleaned
bodies, so a gold phrase is matched to a cited span by word overlap (:func:`overlaps`). Data
layout: ``DATA/../seeds/*.txt`` (two files, sorted by name: A then B) and
``DATA/../eval/seed_pair_gold.json``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from newsprism.eval._result import EvalResult, MissingData, require

GOLD = "eval/seed_pair_gold.json"
SEEDS = "seeds"
REFERENCE: dict[str, float | str] = {
    "shared_facts": "gold: 17 shared facts",
    "single_source_facts": "gold: 17 facts reported by one article only",
    "conflicts": "gold: 0 (every difference is compatible or framing)",
}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def overlaps(gold: str, span: str) -> bool:
    """Whether a gold phrase and a cited span are (mostly) the same words: one contains the
    other, or their longest common run of words covers at least half of the gold phrase (and
    three words)."""
    g, s = " ".join(gold.split()), " ".join(span.split())
    if g in s or s in g:
        return True
    gw, sw = _words(g), _words(s)
    if len(gw) < 2:
        return False
    best = 0
    for i in range(len(gw)):
        for j in range(len(sw)):
            k = 0
            while i + k < len(gw) and j + k < len(sw) and gw[i + k] == sw[j + k]:
                k += 1
            best = max(best, k)
    return best >= max(3, (len(gw) + 1) // 2)


def _support(item: dict[str, Any], article: str, key: str = "support") -> list[str]:
    return [s["text"] for s in item[key] if s["article"] == article]


def score_comparison(
    result: dict[str, Any], gold: dict[str, Any], ids: tuple[str, str]
) -> dict[str, float]:
    """Counts of the gold reading that a serialised comparison reproduces."""
    a, b = ids
    facts = result["facts"]
    shared = sum(
        1
        for g in gold["shared_facts"]
        if any(
            f["status"] == "shared"
            and any(overlaps(g["a"], t) for t in _support(f, a))
            and any(overlaps(g["b"], t) for t in _support(f, b))
            for f in facts
        )
    )
    single = 0
    for key, article, side in (("only_in_A", a, "a"), ("only_in_B", b, "b")):
        for g in gold[key]:
            hits = [f for f in facts if any(overlaps(g[side], t) for t in _support(f, article))]
            single += bool(hits) and all(f["status"] == "single" for f in hits)
    found_diffs = 0
    for g in gold["differences"]:
        kind = {"compatible_numbers": "duration"}.get(g["kind"], g["kind"])
        found_diffs += any(
            d["kind"] == kind
            and d["grade"] != "conflict"
            and any(overlaps(g["a"], t) for t in _support(d, a, "sides"))
            and any(overlaps(g["b"], t) for t in _support(d, b, "sides"))
            for d in result["differences"]
        )
    brief = result["brief"]
    return {
        "shared_facts": float(shared),
        "shared_facts_share": shared / max(1, len(gold["shared_facts"])),
        "single_source_facts": float(single),
        "differences_found": float(found_diffs),
        "no_conflicts": float(not any(d["grade"] == "conflict" for d in result["differences"])),
        "brief_verified_share": (
            sum(1 for s in brief if s["verified"]) / len(brief) if brief else 0.0
        ),
    }


def evaluate(data_dir: Path, *, quick: bool = False) -> EvalResult:
    """Run ``compare_files`` on the two seed articles and count what matches the gold."""
    from newsprism.compare import compare_files, comparison_to_dict

    gold_path = require(data_dir.parent / GOLD)
    seeds = sorted(require(data_dir.parent / SEEDS).glob("*.txt"))
    if len(seeds) != 2:
        raise MissingData(f"{data_dir.parent / SEEDS}: expected two seed .txt files")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    comparison, failures = compare_files([str(p) for p in seeds])
    if failures:
        raise ValueError(f"seed articles failed to read: {failures}")
    result = comparison_to_dict(comparison)
    paths = {x["path"]: x["id"] for x in result["articles"]}
    ids = (paths[str(seeds[0])], paths[str(seeds[1])])
    metrics = score_comparison(result, gold, ids)
    details = {
        "gold_shared": len(gold["shared_facts"]),
        "gold_single": len(gold["only_in_A"]) + len(gold["only_in_B"]),
        "gold_differences": len(gold["differences"]),
        "facts": len(result["facts"]),
    }
    return EvalResult("seeds", metrics, dict(REFERENCE), details=details)
