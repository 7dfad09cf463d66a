"""Shared helpers for benchmarks: machine description, result files, data paths."""

from __future__ import annotations

import os
import platform
import resource
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> str:
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MiB)."""
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / 1024 if sys.platform != "darwin" else usage / (1024 * 1024)


def write_result(name: str, markdown: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(markdown.rstrip() + "\n", encoding="utf-8")
    return path


def require(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"benchmark data not present: {path}")
    return path
