"""The compare stage: speed (seeds, a 20-article story) and cited briefs on NeuS/AllSides.

Usage: ``python benchmarks/bench_compare.py [--limit N] [--skip-neus] [--skip-speed]
[--baseline-src DIR] [--rounds N]``

Speed (each source tree in its own child processes, rounds alternating the trees)
  * cold: ``newsprism compare`` on the two seed articles in a fresh interpreter (imports, spaCy
    and MiniLM loading included; the console script's entry point, ``run`` where the tree has
    one), wall time of the child process; its CPU time includes the helper processes it forks
    and waits for;
  * warm: in one child after a warm-up run: ``compare_files`` (read, clean, analyze, compare)
    and ``compare_articles`` with the analyses given (compare alone), medians of 5, with the
    in-process vector cache cleared (first comparison of the story) and kept (same story again);
  * a 20-article story: the 20 first documents of the largest ECB+ story (subtopic 13_ecb);
  * references in the same child: the analysis alone (``analyze_articles``);
  * ``--baseline-src DIR``: the same measurements for another source tree in the same session
    (e.g. ``src`` with the compare-stage files of the previous commit), and the ratios.

Briefs (NeuS, Lee et al. 2022, AllSides val split: 307 stories, three outlets' excerpts each,
reference = the editors' neutral roundup, title + text): ROUGE-1/2/L F1 of the brief, computed
here (lower-cased word tokens, no stemming, ROUGE-L over the whole text as one sequence), the
share of brief sentences the checker verified, against two baselines computed in the same
process: the first sentence of each outlet (lead-1 each) and the first outlet's first three
sentences (lead-3).

Writes ``benchmarks/results/compare.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import DATA, machine, peak_rss_mb, write_result  # noqa: E402
from newsprism.models import Article  # noqa: E402

SEEDS = [
    str(ROOT / "examples" / "000_eb5e3446e89f63d7.txt"),
    str(ROOT / "examples" / "004_4826a167a596511a.txt"),
]
NEUS = DATA / "neus_allsides" / "data" / "naacl2022_lrc_roundup_random_order_probe"
ECB = DATA / "ecbplus" / "ecbplus_docs.jsonl.gz"


# ROUGE: the library's own implementation (newsprism eval briefs), so the numbers agree.
from newsprism.eval.briefs import (  # noqa: E402
    lead_sentences,
    neus_stories,
    plain_article,
    rouge,
)

# --------------------------------------------------------------------------- data


def ecb_story(size: int = 20) -> list[Article]:
    docs = []
    with gzip.open(ECB, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["subtopic"] == "13_ecb":
                docs.append(d)
    docs.sort(key=lambda d: d["doc_id"])
    out = []
    for d in docs[:size]:
        body = " ".join(d["sentences"])
        body = re.sub(r" ([,.;:!?'])", r"\1", body).replace("`` ", '"').replace(" ''", '"')
        out.append(plain_article(body, None, d["doc_id"]))
    return out


# --------------------------------------------------------------------------- runs


#: Measured in a child process per source tree (fresh interpreter, models loaded by a warm-up).
_WARM_CHILD = """
import json, statistics, sys, time
sys.path.insert(0, {src!r})
from newsprism.analyze import analyze_articles
from newsprism.compare import compare_articles, compare_files, story
from newsprism.models import Article, Provenance
from newsprism.pipeline import read_articles

SEEDS = {seeds!r}
r = {{}}
def med(key, f, n=5, clear=True):
    wall, cpu = [], []
    for _ in range(n):
        if clear:
            getattr(story, "clear_caches", lambda: story._vector_cache.clear())()
        t, c = time.perf_counter(), time.process_time()
        out = f()
        wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
    r[key], r[key + "_cpu"] = statistics.median(wall), statistics.median(cpu)
    return out
compare_files(SEEDS)  # warm-up: models loaded
med("files", lambda: compare_files(SEEDS))
med("files_cached", lambda: compare_files(SEEDS), clear=False)
arts = [a for a in read_articles(SEEDS) if isinstance(a, Article)]
an = med("analyze", lambda: list(analyze_articles(arts)), n=3)
med("articles", lambda: compare_articles(arts, an))
med("articles_cached", lambda: compare_articles(arts, an), clear=False)
c = compare_articles(arts, an)
r["seed_units"] = sum(len(f.support) for f in c.facts)
big = [
    Article(id=d["id"], body=d["body"], provenance=Provenance(path=d["id"], reader="bench"),
            source_text=d["body"], outlet=d["id"])
    for d in json.load(open({ecb!r}))
]
big_an = med("big_analyze", lambda: list(analyze_articles(big)), n=3)
bc = med("big_compare", lambda: compare_articles(big, big_an), n=3)
r["big_total"] = r["big_analyze"] + r["big_compare"]
r["big_total_cpu"] = r["big_analyze_cpu"] + r["big_compare_cpu"]
r["big_facts"] = len(bc.facts)
r["big_shared"] = sum(f.status == "shared" for f in bc.facts)
# a stored story: the seeds ingested into a throw-away SQLite store (stored sentence vectors
# where the tree makes them), then `compare_stored_story` as `newsprism show` and the web run it
import dataclasses, tempfile
from newsprism.config import Settings
from newsprism.pipeline import ingest
from newsprism.store import open_store
from newsprism.compare.story import compare_stored_story
with tempfile.TemporaryDirectory() as tmp:
    has_setting = "unit_vectors" in {{f.name for f in dataclasses.fields(Settings)}}
    made = []
    def fresh_ingest(vectors):
        extra = {{"unit_vectors": vectors}} if has_setting else {{}}
        settings = Settings(db=f"{{tmp}}/seeds{{len(made)}}.db", **extra)
        made.append(settings.db)
        with open_store(settings.db) as st:
            ingest(SEEDS, st, settings)
    med("ingest", lambda: fresh_ingest(True), n=3)
    first = made[0]
    med("ingest_off", lambda: fresh_ingest(False), n=3)
    with open_store(first) as st:
        sid = [s for s in st.stories() if len(s.article_ids) > 1][0].id
        med("stored", lambda: compare_stored_story(st, sid))
        kept = getattr(st, "unit_vectors_of", lambda ids: {{}})([a for s in st.stories() for a in s.article_ids])
        r["stored_kib"] = sum(len(blob) for _, blob in kept.values()) / 1024
import resource
r["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(r))
"""

_COLD_CHILD = (
    "import sys; sys.path.insert(0, {src!r}); sys.argv = ['newsprism', 'compare', *{seeds!r}]; "
    "from newsprism import cli; getattr(cli, 'run', cli.main)()"
)


def _cold(src: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of ``newsprism compare`` on the seeds in a fresh
    interpreter."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", _COLD_CHILD.format(src=src, seeds=SEEDS)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def _warm(src: str, ecb_file: str) -> dict[str, float]:
    code = _WARM_CHILD.format(src=src, seeds=SEEDS, ecb=ecb_file)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


_ROWS = [
    ("cold", "seeds, cold: `newsprism compare` in a fresh interpreter"),
    ("files", "seeds, warm `compare_files` (read+clean+analyze+compare), vectors not cached"),
    ("files_cached", "seeds, warm `compare_files`, same story again (vectors cached)"),
    ("articles", "seeds, warm `compare_articles` (analyses given), vectors not cached"),
    ("articles_cached", "seeds, warm `compare_articles`, same story again (vectors cached)"),
    ("stored", "seeds, warm `compare_stored_story` (read from SQLite, stored vectors where made)"),
    ("analyze", "seeds, reference: `analyze_articles` alone (median of 3)"),
    ("ingest", "seeds, reference: `ingest` into a new SQLite store (median of 3)"),
    ("ingest_off", "the same, `unit_vectors = false` (median of 3)"),
    ("big_compare", "20-article story (ECB+ 13_ecb), `compare_articles`, not cached (median of 3)"),
    ("big_analyze", "20-article story, reference: `analyze_articles` alone (median of 3)"),
    ("big_total", "20-article story, analysis + compare"),
]


def bench_speed(baseline: Path | None, rounds: int) -> list[str]:
    """Speed of the current tree and, with ``baseline``, of another source tree measured in the
    same session: ``rounds`` rounds, each alternating the trees (two cold runs and one warm
    child each), so both see the same machine load."""
    import tempfile

    load_at_start = os.getloadavg()[0]
    trees = {"current": str(ROOT / "src")}
    if baseline is not None:
        trees = {"baseline": str(baseline), **trees}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        ecb_file = str(Path(tmp) / "ecb20.json")
        Path(ecb_file).write_text(
            json.dumps([{"id": a.id, "body": a.body} for a in ecb_story(20)]), encoding="utf-8"
        )
        for _ in range(rounds):
            for name, src in trees.items():
                colds = [_cold(src) for _ in range(2)]
                r = _warm(src, ecb_file)
                r["cold"], r["cold_cpu"] = min(colds)
                runs[name].append(r)
    lines = [
        "### Speed",
        "",
        f"{rounds} rounds; in each, every source tree ran two cold CLI runs (the faster kept) and "
        "one child process for the warm numbers (medians of 5 inside it unless noted). Cells: "
        "wall seconds, median over the rounds (min–max). CPU = user + system time of all "
        "threads (onnxruntime's included), which the other jobs on this shared machine disturb "
        f"far less than wall time (load average {load_at_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end): compare trees within this table only.",
        "",
    ]
    names = list(trees)
    header = "| run | " + " | ".join(f"{n} wall (s)" for n in names)
    if baseline is not None:
        header += " | wall ratio | CPU ratio |"
    else:
        header += " | CPU (s) |"
    lines += [header, "|---|" + "---:|" * (len(names) + (2 if baseline is not None else 1))]
    for key, label in _ROWS:
        cells = []
        for name in names:
            vals = [r[key] for r in runs[name]]
            cells.append(f"{statistics.median(vals):.2f} ({min(vals):.2f}–{max(vals):.2f})")
        row = f"| {label} | " + " | ".join(cells)
        if baseline is not None:
            for k in (key, key + "_cpu"):
                ratios = [
                    c[k] / b[k] for b, c in zip(runs["baseline"], runs["current"], strict=True)
                ]
                row += f" | {statistics.median(ratios):.2f}"
            row += " |"
        else:
            row += f" | {statistics.median(r[key + '_cpu'] for r in runs['current']):.2f} |"
        lines.append(row)
    cur = runs["current"][-1]
    lines += [
        "",
        f"Seeds: {cur['seed_units']:.0f} units in shared and single facts. 20-article story: "
        f"{cur['big_facts']:.0f} facts, {cur['big_shared']:.0f} shared. Stored sentence vectors "
        f"of the seeds: {cur['stored_kib']:.0f} KiB (float32). Peak memory of the "
        f"warm child: {cur['peak_mib']:.0f} MiB (current tree). Ratio columns: median over "
        "rounds of current/baseline within a round (below 1: faster).",
        "",
    ]
    return lines


def bench_neus(limit: int | None) -> list[str]:
    from newsprism.analyze import analyze_articles
    from newsprism.compare import compare_articles

    stories = neus_stories(NEUS, limit)
    scores: dict[str, list[tuple[float, float, float]]] = {
        "brief": [],
        "brief, first 3 sentences": [],
        "lead-1 of each outlet": [],
        "lead-3 of the first outlet": [],
    }
    verified = dropped = 0
    shared_events = 0
    n_sent = []
    t0 = time.perf_counter()
    for arts, ref in stories:
        analyses = list(analyze_articles(arts))
        c = compare_articles(arts, analyses)
        sents = [s.text for s in c.brief.sentences]
        verified += sum(1 for s in c.brief.sentences if s.verified)
        dropped += c.brief.dropped
        shared_events += c.shared_event
        n_sent.append(len(sents))
        scores["brief"].append(rouge(" ".join(sents), ref))
        scores["brief, first 3 sentences"].append(rouge(" ".join(sents[:3]), ref))
        leads = " ".join((lead_sentences(a.body) or [a.body])[0] for a in arts)
        scores["lead-1 of each outlet"].append(rouge(leads, ref))
        scores["lead-3 of the first outlet"].append(
            rouge(" ".join(lead_sentences(arts[0].body)[:3]), ref)
        )
    elapsed = time.perf_counter() - t0
    total = verified + dropped
    lines = [
        "### Briefs on NeuS / AllSides (val)",
        "",
        f"{len(stories)} stories (three outlets' excerpts each); reference = the AllSides "
        "roundup (title + text). ROUGE F1 ×100, implemented here (no stemming; ROUGE-L on the "
        "whole text); no package used.",
        "",
        "| system | ROUGE-1 | ROUGE-2 | ROUGE-L |",
        "|---|---:|---:|---:|",
    ]
    for name, vals in scores.items():
        r1, r2, rl = (100 * statistics.mean(v[i] for v in vals) for i in range(3))
        lines.append(f"| {name} | {r1:.1f} | {r2:.1f} | {rl:.1f} |")
    lines += [
        "",
        f"Checker: {verified} of {total} brief sentences verified against their citations "
        f"({100 * verified / max(1, total):.1f} %); {dropped} dropped before output. "
        f"Brief length: median {statistics.median(n_sent):.0f} sentences. "
        f"Stories judged to share an event: {shared_events}/{len(stories)}. "
        f"Time: {elapsed:.0f} s for analysis + compare of all stories "
        f"({elapsed / max(1, len(stories)):.2f} s per story).",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="NeuS stories at most")
    parser.add_argument("--skip-neus", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--baseline-src",
        type=Path,
        default=None,
        help="another source tree (a `src` folder) to time in the same session, e.g. a copy of "
        "src with the compare-stage files of an earlier commit",
    )
    parser.add_argument("--rounds", type=int, default=3, help="speed rounds (default 3)")
    args = parser.parse_args()
    out = ["## compare", "", f"Machine: {machine()}.", ""]
    if not args.skip_speed:
        out += bench_speed(args.baseline_src, args.rounds)
    if not args.skip_neus:
        if NEUS.exists():
            out += bench_neus(args.limit)
        else:
            out += [f"NeuS data not present ({NEUS}); skipped.", ""]
    out.append(f"Peak memory: {peak_rss_mb():.0f} MiB.")
    path = write_result("compare", "\n".join(out))
    print("\n".join(out))
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
