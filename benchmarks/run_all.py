"""Run every benchmark (or those named) and assemble benchmarks/RESULTS.md from their sections."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = [
    "ingest",
    "extraction",
    "temporal",
    "analyze",
    "alignment",
    "clustering",
    "compare",
    "story_journal",
]


def assemble() -> Path:
    parts = [
        "# Benchmark results\n",
        "Each section is written by `benchmarks/bench_<name>.py` (`make bench` runs them all).",
        "Speed is reported as ratios against a baseline run in the same process where one applies;",
        "absolute times on these 2-core machines are noisy.\n",
    ]
    results = HERE / "results"
    names = [n for n in ORDER if (results / f"{n}.md").exists()]
    names += sorted(p.stem for p in results.glob("*.md") if p.stem not in ORDER)
    for name in names:
        parts.append((results / f"{name}.md").read_text(encoding="utf-8").rstrip() + "\n")
    out = HERE / "RESULTS.md"
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    names = argv or ORDER
    failed = []
    for name in names:
        script = HERE / f"bench_{name}.py"
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        if subprocess.call([sys.executable, str(script)]) != 0:
            failed.append(name)
    print(f"wrote {assemble()}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
