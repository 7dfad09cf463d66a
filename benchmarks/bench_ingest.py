"""Ingest throughput: plain text (read → clean → store) and HTML against trafilatura alone.

Corpus: the 181 gold article bodies and HTML pages of scrapinghub-aeb (../shared/data), the text
ones copied with small perturbations to reach N files (so every one is a new article).
Analysis and story assignment are off here: they are measured by their own benchmarks.

Every measurement is repeated (``REPEATS`` passes, alternating between the variants compared,
each into a fresh store) and the fastest pass is reported, so that other jobs on the machine
disturb the ratios less. The HTML comparison is per page in the steady state: one warm-up pass
of each side first (it loads models and the tables libraries build on first use, such as
dateparser's, which htmldate calls for some pages), then the timed passes.

"2 workers": the same ``ingest`` with cleaning done by ``clean.parallel.clean_many(...,
workers=2)`` (two worker processes; reading and writing the store stay in this process). The
warm-up pass for HTML runs both variants.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import newsprism.pipeline
from _common import DATA, machine, peak_rss_mb, require, write_result
from newsprism.clean.parallel import clean_many
from newsprism.config import Settings
from newsprism.pipeline import IngestReport, ingest
from newsprism.store import open_store

N_TEXT = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
REPEATS = 3
WORKERS = 2


def build_text_corpus(folder: Path, n: int) -> None:
    with gzip.open(require(DATA / "scrapinghub-aeb" / "ground-truth.json.gz")) as raw:
        truth = json.loads(raw.read())
    bodies = [v["articleBody"] for v in truth.values() if len(v.get("articleBody", "")) > 300]
    rng = random.Random(7)
    for i in range(n):
        body = bodies[i % len(bodies)]
        paragraphs = body.split("\n")
        rng.shuffle(paragraphs)
        header = f"title: Benchmark article {i}\ndate: 2024-0{1 + i % 9}-1{i % 10}\noutlet: Outlet {i % 17}\n"
        (folder / f"{i:05d}.txt").write_text(header + "\n".join(paragraphs), encoding="utf-8")


@contextlib.contextmanager
def cleaning_workers(workers: int) -> Iterator[None]:
    """``ingest`` with its clean stage run by ``clean_many`` in ``workers`` processes."""
    if workers <= 1:
        yield
        return
    saved = newsprism.pipeline.clean_documents
    newsprism.pipeline.clean_documents = functools.partial(clean_many, workers=workers)  # type: ignore[assignment]
    try:
        yield
    finally:
        newsprism.pipeline.clean_documents = saved


def timed_ingest(folder: Path, settings: Settings, workers: int = 1) -> tuple[float, IngestReport]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        open_store(Path(tmp) / "bench.db") as store,
        cleaning_workers(workers),
    ):
        start = time.perf_counter()
        report = ingest([str(folder)], store, settings, analyze=False, cluster=False)
        return time.perf_counter() - start, report


def timed_trafilatura(pages: list[Path]) -> float:
    import trafilatura

    start = time.perf_counter()
    for page in pages:
        trafilatura.extract(page.read_text(encoding="utf-8", errors="replace"))
    return time.perf_counter() - start


def main() -> None:
    settings = Settings(batch_size=500)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        texts = root / "texts"
        texts.mkdir()
        build_text_corpus(texts, N_TEXT)
        words = sum(len(p.read_text().split()) for p in texts.iterdir()) / N_TEXT
        text_runs: dict[int, list[tuple[float, IngestReport]]] = {1: [], WORKERS: []}
        first_pass_mb = 0.0
        for _ in range(REPEATS):
            for workers in text_runs:
                text_runs[workers].append(timed_ingest(texts, settings, workers))
                first_pass_mb = first_pass_mb or peak_rss_mb()
        shutil.rmtree(texts)

        html_dir = root / "html"
        html_dir.mkdir()
        pages = sorted((DATA / "scrapinghub-aeb" / "html").glob("*.html.gz"))
        for page in pages:
            with gzip.open(page) as raw:
                (html_dir / page.name.removesuffix(".gz")).write_bytes(raw.read())
        html_pages = sorted(html_dir.iterdir())
        timed_trafilatura(html_pages)  # warm-up passes
        timed_ingest(html_dir, settings)
        timed_ingest(html_dir, settings, WORKERS)
        html_runs: dict[str, list[float]] = {"trafilatura": [], "1": [], str(WORKERS): []}
        html_report = IngestReport()
        for _ in range(REPEATS):
            html_runs["trafilatura"].append(timed_trafilatura(html_pages))
            seconds, html_report = timed_ingest(html_dir, settings)
            html_runs["1"].append(seconds)
            html_runs[str(WORKERS)].append(timed_ingest(html_dir, settings, WORKERS)[0])

    def best(runs: list[tuple[float, IngestReport]]) -> tuple[float, IngestReport]:
        return min(runs, key=lambda run: run[0])

    text_s, report = best(text_runs[1])
    text2_s, report2 = best(text_runs[WORKERS])
    n_pages = len(html_pages)
    trafilatura_s = min(html_runs["trafilatura"])
    html_s = min(html_runs["1"])
    html2_s = min(html_runs[str(WORKERS)])

    def ms(seconds: float) -> str:
        return f"{seconds / n_pages * 1000:.1f} ms/page"

    md = f"""## Ingest throughput (`benchmarks/bench_ingest.py`)

Machine: {machine()}. Read → clean → store into a fresh SQLite file; analysis and stories off.
Fastest of {REPEATS} passes (alternating between the variants); "{WORKERS} workers": cleaning in
{WORKERS} worker processes (`clean.parallel.clean_many`), reading and the store in the main one.

| corpus | articles | time | rate | note |
|---|---|---|---|---|
| plain text (scrapinghub-aeb gold bodies, perturbed; {words:.0f} words avg) | {report.new} | {text_s:.2f} s | **{report.new / text_s:,.0f} articles/s** | one process; goal ≥ 1,000/s; failed {len(report.failed)} |
| same, {WORKERS} workers | {report2.new} | {text2_s:.2f} s | **{report2.new / text2_s:,.0f} articles/s** | failed {len(report2.failed)} |
| HTML pages (scrapinghub-aeb, {n_pages} pages), newsprism ingest | {html_report.new} | {html_s:.2f} s | {ms(html_s)} | one process; failed {len(html_report.failed)} |
| same, {WORKERS} workers | {html_report.new} | {html2_s:.2f} s | {ms(html2_s)} | |
| same pages, `trafilatura.extract` alone | {n_pages} | {trafilatura_s:.2f} s | {ms(trafilatura_s)} | baseline, same process |

HTML ingest / trafilatura alone, steady state (after one warm-up pass of each): **{html_s / trafilatura_s:.2f}×**
in one process, **{html2_s / trafilatura_s:.2f}×** with {WORKERS} workers (goal ≤ 1.15×; newsprism also
extracts metadata and dates, cleans lines, identifies the language, flags text quality and
writes the store).
Peak memory of the main process: {first_pass_mb:.0f} MiB after the first plain-text ingest (one process),
{peak_rss_mb():.0f} MiB after all passes, trafilatura's included (workers not included). The worker pool
starts with the first {WORKERS}-worker pass (each worker loads the language model and word lists)
and is kept for the later ones, as it is for later calls in one process.
"""
    print(md)
    write_result("ingest", md)


if __name__ == "__main__":
    main()
