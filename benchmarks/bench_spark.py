"""Local runner vs the Spark runner (local[2]) on the same synthetic corpus: wall time, peak
memory, per-step times, and agreement of the stories; plus the model stages on a sample.

Corpus: ``synthetic_news.generate`` (ECB+ sentences recombined into dated stories over two
years, 5 % undated, 15 % wire copies) written as one JSON lines file. Analysis is OFF in the
size runs (read → clean → features → stories → SQLite store). Each variant runs in a fresh
process; peak memory is the largest sum of resident memory over that process and all its
children (the Spark JVM and its Python workers), sampled every 0.2 s.

Variants: ``local`` (online stories), ``local-batch`` (no stories at ingest, then
``rebuild_stories``: the reference of windowed mode), ``spark-driver`` (the online clusterer on
the driver), ``spark-windowed`` (the batch clustering computed on Spark). ``--sample N``
measures the model stages on N articles: analysis in one process and on Spark local[2], and
sentence embedding (MiniLM int8).

Usage: ``python benchmarks/bench_spark.py [N[:variant,variant...] ...] [--sample N]``
(default ``10000``, all variants).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import DATA, machine, require, write_result

VARIANTS = ("local", "local-batch", "spark-driver", "spark-windowed")


def _tree_rss_mb(pid: int) -> float:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / (1 << 20)


def _child(variant: str, corpus: str, db: str) -> None:
    from newsprism.config import Settings
    from newsprism.pipeline import ingest
    from newsprism.store import open_store

    settings = Settings()
    store = open_store(db)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if variant == "local":
        report = ingest([corpus], store, settings, analyze=False)
        timings["ingest+stories"] = time.perf_counter() - t0
    elif variant == "local-batch":
        from newsprism.stories import rebuild_stories

        report = ingest([corpus], store, settings, analyze=False, cluster=False)
        timings["ingest"] = time.perf_counter() - t0
        rebuild_stories(store, settings)
        timings["rebuild"] = time.perf_counter() - t0 - timings["ingest"]
    else:
        from newsprism.runners.spark import run_spark_ingest

        mode = variant.split("-", 1)[1]
        report = run_spark_ingest(
            [corpus], store, settings, analyze=False, cluster_mode=mode, timings=timings
        )
    seconds = time.perf_counter() - t0
    line = {
        a.id: int((a.provenance.locator or "line 0").split()[-1]) for a in store.iter_articles()
    }
    stories = {f"line {line[a]}": s for a, (s, _) in store.story_assignments().items()}
    print(
        json.dumps(
            {
                "seconds": seconds,
                "new": report.new,
                "failed": len(report.failed),
                "timings": timings,
                "stories": stories,
            }
        )
    )


def _run(variant: str, corpus: Path, work: Path) -> dict[str, Any]:
    return _spawn(["--child", variant, str(corpus), str(work / f"{variant}.db")])


def _write_corpus(articles: list[Any], path: Path) -> None:
    from newsprism.serialize import article_to_dict

    with path.open("w", encoding="utf-8") as fh:
        for a in articles:
            rec = article_to_dict(a)
            line = {
                "id": a.id,
                "title": rec["title"],
                "text": rec["body"],
                "date": a.published,
                "outlet": a.outlet,
            }
            fh.write(json.dumps(line) + "\n")


def _models_child(corpus: str, out_dir: str) -> None:
    """The model stages on a sample: analysis in this process, MiniLM over its sentences, and
    read → clean → analyze → features on Spark local[2] (Parquet output, no stories)."""
    from newsprism.analyze import analyze_articles
    from newsprism.config import Settings
    from newsprism.features.embed import get_encoder
    from newsprism.pipeline import read_articles
    from newsprism.runners.spark import run_spark_ingest

    settings = Settings()
    articles = [a for a in read_articles([corpus], settings) if not hasattr(a, "reason")]
    words = sum(len(a.body.split()) for a in articles)  # type: ignore[union-attr]
    t0 = time.perf_counter()
    analyses = list(analyze_articles(articles))  # type: ignore[arg-type]
    analyze_s = time.perf_counter() - t0
    sentences = [s.text for an in analyses for s in an.sentences]
    encoder = get_encoder()
    encoder.encode(sentences[:32])  # load the model and warm up
    t0 = time.perf_counter()
    encoder.encode(sentences)
    embed_s = time.perf_counter() - t0
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    run_spark_ingest([corpus], out_dir, settings, analyze=True, cluster=False, timings=timings)
    spark_s = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "articles": len(articles),
                "words": words,
                "sentences": len(sentences),
                "analyze_s": analyze_s,
                "embed_s": embed_s,
                "spark_s": spark_s,
                "spark_timings": timings,
            }
        )
    )


def _run_models(corpus: Path, work: Path) -> dict[str, Any]:
    return _spawn(["--models", str(corpus), str(work / "parquet")])


def _spawn(args: list[str]) -> dict[str, Any]:
    proc = subprocess.Popen(
        [sys.executable, __file__, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_mb(proc.pid))
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, _ = proc.communicate()
    done.set()
    thread.join()
    if proc.returncode:
        raise SystemExit(f"{args[:2]} failed with exit status {proc.returncode}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak
    return result


STEP_KEYS = ("session", "stages", "cluster", "write")
CLUSTER_KEYS = ("meta", "near_duplicates", "document_frequencies", "neighbours", "agglomerate")


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(plan: list[tuple[int, tuple[str, ...]]], sample: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from newsprism.cluster import bcubed
    from synthetic_news import generate

    ecb = require(DATA / "ecbplus" / "ecbplus_docs.jsonl.gz")
    lines = [
        "## Spark runner vs local runner",
        "",
        f"Machine: {machine()}; load average (1/5/15 min) at the start {_load()}. The 2 cores "
        "are shared with other people's jobs: compare ratios within one size, not absolute "
        "times across runs.",
        "",
        "Corpus: synthetic stories from ECB+ sentences (`synthetic_news.py`, two-year span, 5 % "
        "undated, 15 % wire copies) as one JSON lines file, read by the Spark runner in 4 MiB "
        "slices. Analysis OFF (read → clean → features → stories → SQLite). Each variant in a "
        "fresh process; peak = largest summed RSS of the process tree (Spark: driver JVM + "
        "Python driver + Python workers). `local-batch` = the local runner without stories, "
        "then `rebuild_stories` (`cluster --rebuild`): the reference of windowed mode, which "
        "computes that batch clustering on Spark. Spark steps: `session` = JVM start, `stages` "
        "= read/clean/features in `mapInArrow` tasks, `cluster` = story assignment, `write` = "
        "SQLite batches from the driver.",
        "",
        "| articles | runner | wall s | ratio vs first | peak MiB | steps (s) "
        "| B³ F1 vs local | vs local-batch | vs generated stories |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    details: list[str] = []
    for n, variants in plan:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            articles, gold = generate(ecb, n, seed=1)
            corpus = work / "corpus.jsonl"
            _write_corpus(articles, corpus)
            results = {v: _run(v, corpus, work) for v in variants}
            base = results[variants[0]]
            by_line = {f"line {i}": gold[a.id] for i, a in enumerate(articles, 1)}
            for v in variants:
                r = results[v]
                t = r["timings"]
                assert isinstance(t, dict)
                scores = []
                for ref in ("local", "local-batch"):
                    if ref in results:
                        other = results[ref]["stories"]
                        scores.append(f"{bcubed(r['stories'], other).f1:.3f}")  # type: ignore[arg-type]
                    else:
                        scores.append("–")
                mine = {k: g for k, g in by_line.items() if k in r["stories"]}  # type: ignore[operator]
                score_g = bcubed(r["stories"], mine).f1  # type: ignore[arg-type]
                ratio = float(r["seconds"]) / float(base["seconds"])  # type: ignore[arg-type]
                steps = ", ".join(f"{k} {float(x):.1f}" for k, x in t.items() if "." not in k)
                lines.append(
                    f"| {n:,} | {v} | {r['seconds']:.1f} | {ratio:.2f}× | {r['peak_mb']:.0f} | "
                    f"{steps or '–'} | {scores[0]} | {scores[1]} | {score_g:.3f} |"
                )
                sub = [f"{k[8:]} {float(t[k]):.1f}" for k in t if k.startswith("cluster.")]
                if sub:
                    details.append(f"- {n:,} {v}: cluster = " + ", ".join(sub) + " s")
                print(lines[-1], flush=True)
    if details:
        lines += ["", "Windowed clustering steps on Spark:", "", *details]
    if sample:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            articles, _ = generate(ecb, sample, seed=2)
            corpus = work / "sample.jsonl"
            _write_corpus(articles, corpus)
            m = _run_models(corpus, work)
        art, sents = m["articles"], m["sentences"]
        spark_stage = float(m["spark_timings"].get("stages", m["spark_s"]))
        lines += [
            "",
            f"### Model stages on a sample ({art} synthetic articles, {m['words'] / art:.0f} "
            f"words and {sents / art:.1f} sentences per article; load at the end {_load()})",
            "",
            "| stage | where | seconds | rate |",
            "|---|---|---|---|",
            f"| analyze (`analyze_articles`) | 1 process | {m['analyze_s']:.1f} | "
            f"{art / m['analyze_s']:.1f} articles/s, {sents / m['analyze_s']:.0f} sentences/s |",
            f"| embed sentences (MiniLM int8, onnxruntime) | 1 process (its default threads) | "
            f"{m['embed_s']:.1f} | {sents / m['embed_s']:.0f} sentences/s |",
            f"| read → clean → analyze → features | Spark local[2] `stages` | {spark_stage:.1f} | "
            f"{art / spark_stage:.1f} articles/s (whole run {m['spark_s']:.1f} s, peak "
            f"{m['peak_mb']:.0f} MiB) |",
            "",
            "The size runs above are analysis OFF; analysis and embedding of the whole corpus "
            "were not run: per-article costs at scale are these sample rates, extrapolated "
            "linearly (`docs/scaling.md`).",
        ]
    path = write_result("spark", "\n".join(lines))
    print(f"wrote {path}")


def _plan(args: list[str]) -> tuple[list[tuple[int, tuple[str, ...]]], int]:
    sample = 0
    if "--sample" in args:
        i = args.index("--sample")
        sample = int(args[i + 1])
        args = args[:i] + args[i + 2 :]
    plan = []
    for arg in args or ["10000"]:
        size, _, names = arg.partition(":")
        variants = tuple(names.split(",")) if names else VARIANTS
        unknown = set(variants) - set(VARIANTS)
        if unknown:
            raise SystemExit(f"unknown variants {sorted(unknown)} (choose from {VARIANTS})")
        plan.append((int(size), variants))
    return plan, sample


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    elif len(sys.argv) > 1 and sys.argv[1] == "--models":
        _models_child(*sys.argv[2:4])
    else:
        main(*_plan(sys.argv[1:]))
