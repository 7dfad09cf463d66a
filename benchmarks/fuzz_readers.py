"""Coverage-guided fuzzing (atheris/libFuzzer) of the readers and the cleaner.

Targets (each gets arbitrary bytes):

* ``text``: the bytes as a ``.txt`` file through the text reader, then ``clean_document``;
* ``html``: the bytes as a ``.html`` file through the HTML reader, then ``clean_document``;
* ``sniff``: the bytes as a file without an extension (any reader the content picks), then
  ``clean_document`` on what it yields.

A target "crashes" when anything escapes that should not: an exception other than
``CleanError`` from cleaning, a ``Failure`` that is not one line or that reports an unexpected
error at a boundary, or an article whose body and removed spans do not account for its
source text. Each target runs in its own process for a fixed budget; crashing inputs are
copied to ``tests/fuzz_regressions/<target>/`` (``tests/test_fuzz_regressions.py`` replays
that folder) and the numbers go to ``benchmarks/results/fuzz.md``.

    python benchmarks/fuzz_readers.py                      # every target, 120 s each
    python benchmarks/fuzz_readers.py --seconds 30 html    # one target
    python benchmarks/fuzz_readers.py --replay FILE...      # run inputs through every target
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "fuzz_regressions"
FIXTURES = ROOT / "tests" / "fixtures" / "read"
TARGETS = ("text", "html", "sniff")
SUFFIX = {"text": ".txt", "html": ".html", "sniff": ""}
MAX_LEN = 64 * 1024


class FuzzFinding(AssertionError):
    """An input that broke a promise of the readers or the cleaner."""


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _check_article(article: object) -> None:
    from newsprism.models import Article

    assert isinstance(article, Article)
    source = article.source_text
    kept, pos = [], 0
    for span in sorted(article.removed, key=lambda s: s.start):
        if source[span.start : span.end] != span.text or span.start < pos:
            raise FuzzFinding(f"removed span does not match the source: {span}")
        kept.append(source[pos : span.start])
        pos = span.end
    kept.append(source[pos:])
    if _squeeze("".join(kept)) != _squeeze(article.body):
        raise FuzzFinding("body and removed spans do not account for the source text")
    for value in (article.body, article.title or "", article.author or "", article.url or ""):
        if "\x00" in value:
            raise FuzzFinding("NUL in a cleaned field")


def run_one(target: str, data: bytes) -> None:
    """Run one input through one target; raise ``FuzzFinding`` (or whatever escapes)."""
    from newsprism.clean import clean_document
    from newsprism.config import Settings
    from newsprism.errors import CleanError
    from newsprism.models import Failure, RawDoc
    from newsprism.read.base import Source
    from newsprism.read.walk import read_source

    name = f"fuzz{SUFFIX[target]}"
    settings = Settings(max_clean_seconds=20)
    source = Source(name, lambda: io.BytesIO(data), len(data))
    for item in read_source(source, settings):
        if isinstance(item, Failure):
            line = str(item)
            if "\n" in line or not item.reason or not item.where.startswith(name):
                raise FuzzFinding(f"bad failure line: {line!r}")
            if item.reason.startswith("unexpected error"):
                raise FuzzFinding(line)
            continue
        assert isinstance(item, RawDoc)
        if (item.text is None) == (item.html is None):
            raise FuzzFinding("a document needs exactly one of text and html")
        try:
            article = clean_document(item, settings)
        except CleanError as exc:
            if "\n" in str(exc):
                raise FuzzFinding(f"multi-line clean error: {exc!r}") from None
            continue
        _check_article(article)


def _fuzz(target: str, argv: list[str]) -> None:  # pragma: no cover - runs under libFuzzer
    import atheris  # type: ignore[import-untyped,unused-ignore]

    with atheris.instrument_imports(include=["newsprism"]):
        import newsprism.clean
        import newsprism.read  # noqa: F401

    def one_input(data: bytes) -> None:
        run_one(target, data)

    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def seed_corpus(target: str, into: Path) -> int:
    """Copy the kept regression inputs of ``target`` and the reader fixtures into ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    count = 0
    sources = [REGRESSIONS / target, FIXTURES]
    for folder in sources:
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.is_file() and path.name != "README.md":
                shutil.copy(path, into / f"{folder.name}-{path.name}")
                count += 1
    return count


_STATS = re.compile(r"#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)\s+cov: (\d+) ft: (\d+)")


def fuzz_target(target: str, seconds: int, workdir: Path) -> dict[str, object]:
    """Fuzz one target in a subprocess for ``seconds``; its numbers and crashing inputs."""
    corpus = workdir / f"corpus-{target}"
    seeds = seed_corpus(target, corpus)
    artifacts = workdir / f"artifacts-{target}"
    artifacts.mkdir(parents=True, exist_ok=True)
    args = [
        sys.executable,
        __file__,
        "--child",
        target,
        f"-max_total_time={seconds}",
        f"-max_len={MAX_LEN}",
        "-timeout=60",
        "-rss_limit_mb=2048",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        str(corpus),
    ]
    started = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 300)
    wall = time.monotonic() - started
    log = proc.stdout + proc.stderr
    stats = _STATS.findall(log)
    runs, cov, ft = (int(x) for x in stats[-1]) if stats else (0, 0, 0)
    crashes = sorted(p for p in artifacts.iterdir() if p.is_file())
    kept = []
    for crash in crashes:
        digest = hashlib.sha1(crash.read_bytes()).hexdigest()[:12]
        dest = REGRESSIONS / target / f"{crash.name.split('-')[0]}-{digest}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(crash, dest)
        kept.append(dest.relative_to(ROOT))
    (workdir / f"{target}.log").write_text(log)
    return {
        "target": target,
        "seconds": seconds,
        "wall": wall,
        "runs": runs,
        "cov": cov,
        "ft": ft,
        "corpus": sum(1 for p in corpus.iterdir() if p.is_file()),
        "seeds": seeds,
        "exit": proc.returncode,
        "crashes": kept,
        "tail": "\n".join(line for line in log.splitlines() if "ERROR" in line or "==" in line)[
            -2000:
        ],
    }


def _load() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}"
    except OSError:
        return "load unknown"


def write_report(rows: list[dict[str, object]], load_before: str) -> Path:
    sys.path.insert(0, str(Path(__file__).parent))
    from _common import machine, write_result

    lines = [
        "# Fuzzing the readers and the cleaner (atheris)",
        "",
        f"Machine: {machine()}; {load_before} before the run, {_load()} after "
        "(the 2 cores are shared).",
        "",
        "Coverage-guided (libFuzzer via atheris 3, `newsprism` instrumented), one process per "
        f"target, inputs up to {MAX_LEN // 1024} KiB, 60 s per-input timeout, 2 GiB RSS limit. "
        "A crash is any exception other than a one-line `CleanError`, a `Failure` that is not "
        "one line or reports an unexpected error, or an article whose body and removed spans "
        "do not account for its source text (`benchmarks/fuzz_readers.py`).",
        "",
        "| target | budget (s) | runs | runs/s | coverage (edges) | features | corpus "
        "(seeds) | crashes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        wall = float(row["wall"]) or 1.0  # type: ignore[arg-type]
        runs = int(row["runs"])  # type: ignore[call-overload]
        crashes = row["crashes"]
        assert isinstance(crashes, list)
        lines.append(
            f"| {row['target']} | {row['seconds']} | {runs:,} | {runs / wall:.0f} | "
            f"{row['cov']} | {row['ft']} | {row['corpus']} ({row['seeds']}) | {len(crashes)} |"
        )
    lines.append("")
    found = [(row["target"], c) for row in rows for c in row["crashes"]]  # type: ignore[attr-defined]
    if found:
        lines.append("Crashing inputs kept as regression tests:")
        lines.extend(f"- `{path}` ({target})" for target, path in found)
    else:
        lines.append("No crashing input found in this run.")
    lines += [
        "",
        "Reproduce: `make fuzz` (or `python benchmarks/fuzz_readers.py --seconds N [target]`); "
        "replay: `pytest tests/test_fuzz_regressions.py`.",
    ]
    return write_result("fuzz", "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:  # pragma: no cover - the libFuzzer process
        _fuzz(argv[1], argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", default=list(TARGETS), help=", ".join(TARGETS))
    parser.add_argument("--seconds", type=int, default=120, help="budget per target")
    parser.add_argument("--replay", nargs="+", type=Path, help="run these inputs and stop")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown target {sorted(unknown)[0]!r}; one of {', '.join(TARGETS)}")
    if args.replay:
        failed = 0
        for path in args.replay:
            for target in args.targets or TARGETS:
                try:
                    run_one(target, path.read_bytes())
                except Exception as exc:  # report every input, then fail
                    failed += 1
                    print(f"{path} [{target}]: {type(exc).__name__}: {exc}")
        return 1 if failed else 0
    load_before = _load()
    rows = []
    with tempfile.TemporaryDirectory(prefix="newsprism-fuzz-") as tmp:
        for target in args.targets:
            row = fuzz_target(target, args.seconds, Path(tmp))
            print(
                f"{target}: {row['runs']} runs, cov {row['cov']}, ft {row['ft']}, "
                f"{len(row['crashes'])} crashes"  # type: ignore[arg-type]
            )
            if row["tail"]:
                print(row["tail"])
            rows.append(row)
    print(write_report(rows, load_before))
    return 1 if any(row["crashes"] for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
