"""Replays every kept fuzz input (``tests/fuzz_regressions/<target>/``) through its target of
``benchmarks/fuzz_readers.py``: the seed corpus, and any input the fuzzer found crashing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(__file__).parent / "fuzz_regressions"


def _fuzz_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fuzz_readers", ROOT / "benchmarks" / "fuzz_readers.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_readers", module)
    spec.loader.exec_module(module)
    return module


FUZZ = _fuzz_module()
INPUTS = sorted(
    path
    for path in FOLDER.glob("*/*")
    if path.is_file() and path.parent.name in FUZZ.TARGETS and path.name != "README.md"
)


def test_every_folder_is_a_target() -> None:
    folders = {p.name for p in FOLDER.iterdir() if p.is_dir()}
    assert folders <= set(FUZZ.TARGETS), folders - set(FUZZ.TARGETS)
    assert any(p.name.startswith("seed-") for p in INPUTS)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_kept_input_is_handled(path: Path) -> None:
    FUZZ.run_one(path.parent.name, path.read_bytes())


def test_the_targets_do_report_a_broken_promise() -> None:
    """The checks the fuzzer relies on fire on an article that loses text."""
    from newsprism.models import Article, Provenance

    article = Article(
        id="x", body="kept", provenance=Provenance("p", "text.v1"), source_text="kept lost"
    )
    with pytest.raises(FUZZ.FuzzFinding, match="do not account"):
        FUZZ._check_article(article)
