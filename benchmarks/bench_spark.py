"""Local runner vs the Spark runner (local[2]) on the same synthetic corpus: wall time, peak
memory, per-step times, and agreement of the stories.

Corpus: ``synthetic_news.generate`` (ECB+ sentences recombined into dated stories over two
years, 5 % undated) written as one JSON lines file. Analysis is OFF (read → clean → features →
stories → SQLite store): the analyze stage's cost is measured in ``analyze.md``. Each variant runs
in a fresh process; peak memory is the largest sum of resident memory over that process and
all its children (the Spark JVM and its Python workers), sampled every 0.2 s.

Usage: ``python benchmarks/bench_spark.py [N ...]`` (default 10000).
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
    elif variant == "local-batch":
        from newsprism.stories import rebuild_stories

        report = ingest([corpus], store, settings, analyze=False, cluster=False)
        rebuild_stories(store, settings)
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


def _run(variant: str, corpus: Path, work: Path) -> dict[str, object]:
    db = work / f"{variant}.db"
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", variant, str(corpus), str(db)],
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
        raise SystemExit(f"{variant} failed with exit status {proc.returncode}")
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = peak
    return result


def main(sizes: list[int]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from newsprism.cluster import bcubed
    from newsprism.serialize import article_to_dict
    from synthetic_news import generate

    ecb = require(DATA / "ecbplus" / "ecbplus_docs.jsonl.gz")
    lines = [
        "## Spark runner vs local runner",
        "",
        f"Machine: {machine()}.",
        "",
        "Corpus: synthetic stories from ECB+ sentences (`synthetic_news.py`, two-year span, 5 % "
        "undated) as one JSON lines file, read by the Spark runner in 4 MiB slices. Analysis "
        "OFF (read → clean → features → stories → SQLite). Each variant in a fresh process; "
        "peak = largest summed RSS of the process tree (Spark: driver JVM + Python driver + "
        "Python workers). Spark steps: `session` = JVM start, `stages` = read/clean/features "
        "in `mapInArrow` tasks, `cluster` = story assignment (driver: the local runner's online "
        "clusterer on collected features; windowed: `applyInPandas` per 28-day block), "
        "`write` = SQLite batches from the driver. `local-batch` = the local runner without "
        "stories, then `rebuild_stories` (batch clustering of the whole collection): the "
        "reference for windowed mode, which is batch clustering per time block.",
        "",
        "| articles | runner | wall s | ratio vs local | peak MiB | session | stages | cluster "
        "| write | B³ F1 vs local | vs local-batch | vs generated stories |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            articles, gold = generate(ecb, n, seed=1)
            corpus = work / "corpus.jsonl"
            with corpus.open("w", encoding="utf-8") as fh:
                for a in articles:
                    rec = article_to_dict(a)
                    fh.write(
                        json.dumps(
                            {
                                "id": a.id,
                                "title": rec["title"],
                                "text": rec["body"],
                                "date": a.published,
                                "outlet": a.outlet,
                            }
                        )
                        + "\n"
                    )
            results = {v: _run(v, corpus, work) for v in VARIANTS}
            base = results["local"]
            for v in VARIANTS:
                r = results[v]
                t = r["timings"]
                assert isinstance(t, dict)
                score = bcubed(r["stories"], base["stories"]).f1  # type: ignore[arg-type]
                batch = results["local-batch"]["stories"]
                score_b = bcubed(r["stories"], batch).f1  # type: ignore[arg-type]
                by_line = {f"line {i}": gold[a.id] for i, a in enumerate(articles, 1)}
                by_line = {k: v for k, v in by_line.items() if k in r["stories"]}  # type: ignore[operator]
                score_g = bcubed(r["stories"], by_line).f1  # type: ignore[arg-type]
                ratio = float(r["seconds"]) / float(base["seconds"])  # type: ignore[arg-type]
                cells = [
                    f"{t[k]:.1f}" if k in t else "–"
                    for k in ("session", "stages", "cluster", "write")
                ]
                lines.append(
                    f"| {n:,} | {v} | {r['seconds']:.1f} | {ratio:.2f}× | {r['peak_mb']:.0f} | "
                    + " | ".join(cells)
                    + f" | {score:.3f} | {score_b:.3f} | {score_g:.3f} |"
                )
                print(lines[-1], flush=True)
    path = write_result("spark", "\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:5])
    else:
        main([int(x) for x in sys.argv[1:]] or [10_000])
