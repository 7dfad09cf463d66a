"""Quality floor of time-expression normalisation on TempEval-3 platinum (official scoring).

Floors sit a little below the measured values (see benchmarks/results/temporal.md); raising
one is a commit, lowering one needs a reason.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT, require_data

VALUE_F1_FLOOR = 0.79
RELAXED_F1_FLOOR = 0.89
STRICT_F1_FLOOR = 0.81


def _bench() -> ModuleType:
    path = ROOT / "benchmarks" / "bench_temporal.py"
    spec = importlib.util.spec_from_file_location("bench_temporal", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_temporal"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.data
def test_platinum_value_f1_floor(tmp_path: Path) -> None:
    archive = require_data("temporal", "temporal_news_gold.tar.xz")
    bench = _bench()
    base = bench.unpack(tmp_path, archive, bench.PLATINUM)
    docs = bench.load_set(base, "platinum")
    assert len(docs) == 20
    assert sum(len(d.gold) for d in docs) == 138
    scores = bench.score(docs, bench.predict).summary()
    assert scores["value_f1"] >= VALUE_F1_FLOOR, scores
    assert scores["relaxed_f1"] >= RELAXED_F1_FLOOR, scores
    assert scores["strict_f1"] >= STRICT_F1_FLOOR, scores
