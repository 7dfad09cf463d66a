"""The compare stage: speed (seeds, a 20-article story) and cited briefs on NeuS/AllSides.

Usage: ``python benchmarks/bench_compare.py [--limit N] [--skip-neus] [--skip-speed]``

Speed
  * cold: ``compare_files`` on the two seed articles in a fresh interpreter (imports, spaCy
    and MiniLM loading included), wall time of the child process;
  * warm: in this process after one warm-up run: ``compare_files`` (read, clean, analyze,
    compare) and ``compare_articles`` with the analyses given (compare alone), median of 5;
  * a 20-article story: the 20 first documents of the largest ECB+ story (subtopic 13_ecb);
  * baseline (same process, same articles): the analysis alone (``analyze_articles``).

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
import hashlib
import json
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import DATA, machine, peak_rss_mb, write_result  # noqa: E402
from newsprism.models import Article, Provenance  # noqa: E402

SEEDS = [
    str(ROOT / "examples" / "000_eb5e3446e89f63d7.txt"),
    str(ROOT / "examples" / "004_4826a167a596511a.txt"),
]
NEUS = DATA / "neus_allsides" / "data" / "naacl2022_lrc_roundup_random_order_probe"
ECB = DATA / "ecbplus" / "ecbplus_docs.jsonl.gz"


# --------------------------------------------------------------------------- ROUGE


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: float, cand: float, ref: float) -> float:
    if cand == 0 or ref == 0 or overlap == 0:
        return 0.0
    p, r = overlap / cand, overlap / ref
    return 2 * p * r / (p + r)


def rouge_n(cand: str, ref: str, n: int) -> float:
    c, r = _ngrams(_tokens(cand), n), _ngrams(_tokens(ref), n)
    overlap = sum(min(v, r[k]) for k, v in c.items())
    return _f1(overlap, sum(c.values()), sum(r.values()))


def rouge_l(cand: str, ref: str) -> float:
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
    return rouge_n(cand, ref, 1), rouge_n(cand, ref, 2), rouge_l(cand, ref)


# --------------------------------------------------------------------------- data


def _article(text: str, title: str | None, name: str) -> Article:
    digest = hashlib.sha256((title or "").encode() + b"\n" + text.encode()).hexdigest()[:16]
    return Article(
        id=digest,
        body=text,
        provenance=Provenance(path=name, reader="bench"),
        source_text=text,
        title=title,
        outlet=name,
    )


_PART = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*)", re.S)


def neus_stories(limit: int | None) -> list[tuple[list[Article], str]]:
    with gzip.open(NEUS / "val.source.gz", "rt", encoding="utf-8") as f:
        sources = f.read().splitlines()
    with gzip.open(NEUS / "val.target.gz", "rt", encoding="utf-8") as f:
        targets = f.read().splitlines()
    out = []
    for src, tgt in zip(sources, targets, strict=True):
        arts = []
        for k, part in enumerate(src.split("[SEP]")):
            m = _PART.search(part)
            if not m or not m.group("body").strip():
                continue
            arts.append(
                _article(m.group("body").strip(), m.group("title").strip(), f"outlet {k + 1}")
            )
        m = _PART.search(tgt)
        ref = f"{m.group('title')} {m.group('body')}" if m else tgt
        if arts:
            out.append((arts, ref))
        if limit and len(out) >= limit:
            break
    return out


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
        out.append(_article(body, None, d["doc_id"]))
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# --------------------------------------------------------------------------- runs


def bench_speed() -> list[str]:
    from newsprism.analyze import analyze_articles
    from newsprism.compare import compare_articles, compare_files, story
    from newsprism.pipeline import read_articles

    lines = ["### Speed", ""]
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r})\n"
        "from newsprism.compare import compare_files\n"
        f"compare_files({SEEDS!r})\n"
    )
    colds = []
    for _ in range(2):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        colds.append(time.perf_counter() - t)
    compare_files(SEEDS)  # warm-up: models loaded
    warm_files, warm_files_cached = [], []
    for _ in range(5):
        story._vector_cache.clear()  # first comparison of these articles in the process
        t = time.perf_counter()
        compare_files(SEEDS)
        warm_files.append(time.perf_counter() - t)
        t = time.perf_counter()
        compare_files(SEEDS)  # the same story again: sentence vectors cached
        warm_files_cached.append(time.perf_counter() - t)
    articles = [a for a in read_articles(SEEDS) if isinstance(a, Article)]
    t = time.perf_counter()
    analyses = list(analyze_articles(articles))
    analyze_s = time.perf_counter() - t
    warm_cmp, warm_cmp_cached = [], []
    for _ in range(5):
        story._vector_cache.clear()
        t = time.perf_counter()
        c = compare_articles(articles, analyses)
        warm_cmp.append(time.perf_counter() - t)
        t = time.perf_counter()
        compare_articles(articles, analyses)
        warm_cmp_cached.append(time.perf_counter() - t)
    big = ecb_story(20)
    t = time.perf_counter()
    big_an = list(analyze_articles(big))
    big_analyze = time.perf_counter() - t
    story._vector_cache.clear()
    t = time.perf_counter()
    big_c = compare_articles(big, big_an)
    big_cmp = time.perf_counter() - t
    n_units_seed = sum(len(f.support) for f in c.facts)
    lines += [
        "| run | seconds | note |",
        "|---|---:|---|",
        f"| seeds, cold (fresh interpreter, `compare_files`) | {min(colds):.2f} | "
        f"best of 2 ({', '.join(f'{x:.2f}' for x in colds)}) |",
        f"| seeds, warm `compare_files` (read+clean+analyze+compare) | "
        f"{statistics.median(warm_files):.2f} | median of 5, models loaded, vectors not cached |",
        f"| seeds, warm `compare_files`, same story again | "
        f"{statistics.median(warm_files_cached):.2f} | sentence vectors cached in the process |",
        f"| seeds, warm `compare_articles` (analyses given) | {statistics.median(warm_cmp):.2f} | "
        f"median of 5, vectors not cached; {n_units_seed} aligned units |",
        f"| seeds, warm `compare_articles`, same story again | "
        f"{statistics.median(warm_cmp_cached):.2f} | vectors cached |",
        f"| seeds, baseline: `analyze_articles` alone | {analyze_s:.2f} | same process |",
        f"| 20-article story (ECB+ 13_ecb), `compare_articles` | {big_cmp:.2f} | "
        f"{len(big_c.facts)} facts, {sum(f.status == 'shared' for f in big_c.facts)} shared |",
        f"| 20-article story, baseline: `analyze_articles` alone | {big_analyze:.2f} | |",
        f"| 20-article story, analysis + compare | {big_analyze + big_cmp:.2f} | |",
        "",
        f"Ratios (same process): compare/analysis {statistics.median(warm_cmp) / analyze_s:.1f}× "
        f"on the seeds, {big_cmp / big_analyze:.1f}× on the 20-article story. Most of compare's "
        "time is MiniLM encoding of every claim and list item (one vector each).",
        "",
    ]
    return lines


def bench_neus(limit: int | None) -> list[str]:
    from newsprism.analyze import analyze_articles
    from newsprism.compare import compare_articles

    stories = neus_stories(limit)
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
        leads = " ".join((_sentences(a.body) or [a.body])[0] for a in arts)
        scores["lead-1 of each outlet"].append(rouge(leads, ref))
        scores["lead-3 of the first outlet"].append(
            rouge(" ".join(_sentences(arts[0].body)[:3]), ref)
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
    args = parser.parse_args()
    out = ["## compare", "", f"Machine: {machine()}.", ""]
    if not args.skip_speed:
        out += bench_speed()
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
