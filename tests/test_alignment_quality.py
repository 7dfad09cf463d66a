"""Quality gate: cross-outlet sentence alignment on the MSRP test set (1,725 news sentence pairs).

Floors sit a little below the measured values (benchmarks/results/alignment.md): MiniLM cosine at
``COSINE_THRESHOLD`` F1 0.814; ``pair_score`` at ``THRESHOLD`` F1 0.833, accuracy 0.759. Raising a
floor is a commit; lowering one needs a reason.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from newsprism.features import similarity
from newsprism.features.embed import get_encoder

MSRP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "msrp"
TEST_FILE = MSRP / "msr_paraphrase_test.txt.gz"

pytestmark = [
    pytest.mark.data,
    pytest.mark.slow,
    pytest.mark.skipif(not TEST_FILE.is_file(), reason=f"MSRP test file not found at {TEST_FILE}"),
]


def _f1(labels: np.ndarray, predicted: np.ndarray) -> float:
    tp = float(np.sum(predicted & labels))
    fp = float(np.sum(predicted & ~labels))
    fn = float(np.sum(~predicted & labels))
    return 2 * tp / (2 * tp + fp + fn)


@pytest.fixture(scope="module")
def msrp_test() -> tuple[np.ndarray, list[str], list[str], np.ndarray]:
    labels, left, right = [], [], []
    with gzip.open(TEST_FILE, "rt", encoding="utf-8-sig") as handle:
        next(handle)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            labels.append(parts[0] == "1")
            left.append(parts[3])
            right.append(parts[4])
    encoder = get_encoder()
    cos = np.sum(encoder.encode(left) * encoder.encode(right), axis=1)
    return np.array(labels), left, right, cos


def test_cosine_alignment_floor(
    msrp_test: tuple[np.ndarray, list[str], list[str], np.ndarray],
) -> None:
    labels, _, _, cos = msrp_test
    assert len(labels) == 1725
    predicted = cos >= similarity.COSINE_THRESHOLD
    assert _f1(labels, predicted) >= 0.80


def test_pair_score_floor(msrp_test: tuple[np.ndarray, list[str], list[str], np.ndarray]) -> None:
    labels, left, right, cos = msrp_test
    scores = np.array(
        [similarity.pair_score(a, b, float(c)) for a, b, c in zip(left, right, cos, strict=True)]
    )
    predicted = scores >= similarity.THRESHOLD
    f1 = _f1(labels, predicted)
    accuracy = float(np.mean(predicted == labels))
    assert f1 >= 0.82
    assert accuracy >= 0.745
    # the lexical evidence must add something over the cosine alone
    assert accuracy > float(np.mean((cos >= similarity.COSINE_THRESHOLD) == labels)) + 0.02
