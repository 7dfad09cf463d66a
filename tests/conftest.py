from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsprism.models import Article, Provenance

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SEED_A = EXAMPLES / "000_eb5e3446e89f63d7.txt"
SEED_B = EXAMPLES / "004_4826a167a596511a.txt"
GOLD = SHARED / "eval" / "seed_pair_gold.json"


def make_article(body: str, **fields: object) -> Article:
    """A hand-made article for store and later-stage tests."""
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    values: dict[str, object] = {
        "id": digest,
        "body": body,
        "provenance": Provenance(path="test.txt", reader="text.v1"),
        "source_text": body,
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


def require_data(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"benchmark data not present: {path}")
    return path


def require_gold() -> Path:
    if not GOLD.exists():
        pytest.skip(f"seed gold reading not present: {GOLD}")
    return GOLD


def run_fresh(code: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (dedented) in a fresh interpreter, for what a test session cannot do
    itself (forking needs a process running one thread; earlier tests leave threads behind).
    The test fails on a non-zero exit, with the end of its standard error."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done
