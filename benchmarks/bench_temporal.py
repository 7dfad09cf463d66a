"""Benchmark: time-expression extraction and normalisation on TempEval-3 (TimeML) news.

Data: ``../shared/data/temporal/temporal_news_gold.tar.xz`` (see its SOURCE.txt), unpacked
into a temporary directory, never into the repository. Development set: TimeBank + AQUAINT
(TBAQ-cleaned, 256 documents); test set: TempEval-3 platinum (20 documents). The anchor of
each document is its document creation time (DCT).

Scoring follows the official TempEval-3 entity scorer (``evaluate_entities.py``):

* strict match: the system span equals the gold span; relaxed match: the spans overlap
  (one system expression per gold expression);
* precision = matched system / all system, recall = matched gold / all gold, F1;
* value accuracy = relaxed matches with the gold ``value`` / relaxed matches;
  **value F1 = value accuracy × relaxed F1** (the official "attribute F1"); type likewise.

Usage::

    .venv/bin/python benchmarks/bench_temporal.py            # writes benchmarks/results/temporal.md
    .venv/bin/python benchmarks/bench_temporal.py --errors dev   # list value/extent errors
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.analyze.temporal import find_time_expressions  # noqa: E402
from newsprism.eval import temporal  # noqa: E402
from newsprism.eval.temporal import Doc, Scores, load_set, score  # noqa: E402
from newsprism.models import TimeExpr  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "temporal" / "temporal_news_gold.tar.xz"
PLATINUM = "data/TempEval3/Evaluation/te3-platinum"
TBAQ = "data/TempEval3/Training/TBAQ-cleaned"
MEANTIME = "data/meantime_newsreader_english_oct15/intra-doc_annotation"


def unpack(target: Path, archive: Path = DATA, prefix: str = "data/") -> Path:
    return temporal.unpack(target, archive, prefix)


def predict(doc: Doc) -> list[TimeExpr]:
    return find_time_expressions(doc.text, doc.dct)


def _row(name: str, m: dict[str, float], n_gold: int, n_docs: int) -> str:
    return (
        f"| {name} | {n_docs} | {n_gold} | {m['strict_p']:.3f} / {m['strict_r']:.3f} / "
        f"**{m['strict_f1']:.3f}** | {m['relaxed_p']:.3f} / {m['relaxed_r']:.3f} / "
        f"**{m['relaxed_f1']:.3f}** | {m['value_acc']:.3f} | **{m['value_f1']:.3f}** | "
        f"{m['type_f1']:.3f} |"
    )


def throughput(docs: list[Doc], repeat: int = 3) -> tuple[float, float, int]:
    """(expressions/s, articles/s, expressions) of find_time_expressions over ``docs``."""
    best = float("inf")
    count = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = sum(len(find_time_expressions(d.text, d.dct)) for d in docs)
        best = min(best, time.perf_counter() - t0)
    return count / best, len(docs) / best, count


def baseline_rate(docs: list[Doc]) -> float:
    """Articles/s of a trivial baseline in the same process: one regex pass for 4-digit years."""
    import re

    pattern = re.compile(r"\b(?:19|20)\d\d\b")
    t0 = time.perf_counter()
    for _ in range(3):
        for d in docs:
            pattern.findall(d.text)
    return 3 * len(docs) / (time.perf_counter() - t0)


def _report(
    sets: list[tuple[str, list[Doc]]], results: list[Scores], rates: tuple[float, float, int, float]
) -> str:
    rate_expr, rate_docs, n_expr, base_rate = rates
    lines = [
        "## Time expressions (TempEval-3)",
        "",
        f"Machine: {platform.machine()}, {sys.platform}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; pure Python rules (`newsprism.analyze.temporal`), anchor = the document "
        "creation time.",
        "Scoring as the official TempEval-3 entity scorer (`evaluate_entities.py`): strict = "
        "same span, relaxed = overlap; value F1 = value accuracy over relaxed matches × "
        "relaxed F1. Rules were developed on TBAQ (and MEANTIME, a second development set: "
        "Wikinews, annotated title + first sentences); platinum is the held-out test.",
        "",
        "| set | docs | gold | strict P / R / F1 | relaxed P / R / F1 | value acc | value F1 "
        "| type F1 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (name, docs), result in zip(sets, results, strict=True):
        lines.append(_row(name, result.summary(), result.gold, len(docs)))
    plat = results[1].summary()
    lines += [
        "",
        "Reference on platinum: HeidelTime value F1 0.776 (TempEval-3 task paper); "
        f"this run {plat['value_f1']:.3f}. Direct value F1 (value-correct matches "
        f"over system and over gold): {plat['value_f1_direct']:.3f}.",
        "",
        f"Throughput over the TBAQ + platinum texts ({n_expr} expressions found): "
        f"{rate_docs:,.0f} articles/s, {rate_expr:,.0f} expressions/s (best of 3, one "
        f"process); baseline in the same process, one year regex over the same texts: "
        f"{base_rate:,.0f} articles/s (ratio {base_rate / rate_docs:,.0f}×).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data", type=Path, help="already-unpacked archive folder (default: unpack to a temp dir)"
    )
    ap.add_argument(
        "--errors", choices=["dev", "platinum", "meantime"], help="print the errors of one set"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "temporal.md")
    args = ap.parse_args()
    if not DATA.exists() and args.data is None:
        sys.exit(f"{DATA}: not found (the shared benchmark data is needed)")
    with tempfile.TemporaryDirectory() as tmp:
        base = args.data or unpack(Path(tmp))
        sets = [
            ("TBAQ (dev)", load_set(base, "dev")),
            ("platinum (test)", load_set(base, "platinum")),
            ("MEANTIME (2nd dev)", load_set(base, "meantime")),
        ]
    if args.errors:
        docs = dict(zip(["dev", "platinum", "meantime"], [d for _, d in sets], strict=True))
        scores = score(docs[args.errors], predict)
        print("\n".join(sorted(scores.errors)))
        print({k: round(v, 3) for k, v in scores.summary().items()})
        return
    results = [score(docs, predict) for _, docs in sets]
    timed = sets[0][1] + sets[1][1]
    rate_expr, rate_docs, n_expr = throughput(timed)
    report = _report(sets, results, (rate_expr, rate_docs, n_expr, baseline_rate(timed)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
