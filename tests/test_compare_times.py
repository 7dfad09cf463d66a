"""Figures of a state given for different dates are not a conflict (found by a new-user review:
"27 ships waiting on Tuesday" against "35 ships waiting on Wednesday" was graded a conflict, and
the brief set one outlet's count against the other's); figures of one event still are (a code
review: "sank on 3 March with 27 passengers" against "on 4 March with 35"). Invented reports in
``tests/fixtures/ships`` and ``tests/fixtures/ferry``."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.compare.model import Comparison
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "ships"
DAILY, LEDGER = FIXTURES / "brennick_daily.txt", FIXTURES / "coastal_ledger.txt"

pytestmark = pytest.mark.slow


def _compare(*paths: Path) -> Comparison:
    from newsprism.compare import compare_files

    comparison, failures = compare_files([str(p) for p in paths])
    assert not failures
    return comparison


def _values(comparison: Comparison, kind: str) -> list[tuple[str, list[str]]]:
    return [(d.grade, [s.text for s in d.sides]) for d in comparison.differences if d.kind == kind]


def test_figures_on_different_dates_are_unclear_not_conflicting() -> None:
    comparison = _compare(DAILY, LEDGER)
    assert _values(comparison, "number") == [("unclear", ["27 ships", "35 ships"])]
    assert _values(comparison, "date") == [("unclear", ["Tuesday", "Wednesday"])]
    number = next(d for d in comparison.differences if d.kind == "number")
    assert "different dates" in number.explanation and "cannot" not in number.explanation
    assert not [d for d in comparison.differences if d.grade == "conflict"]
    # the brief does not set one count against the other as a dispute
    assert not [s for s in comparison.brief.sentences if "instead of" in s.text]


def test_the_same_figures_on_the_same_date_still_conflict(tmp_path: Path) -> None:
    same_day = tmp_path / "coastal_ledger.txt"
    same_day.write_text(
        LEDGER.read_text(encoding="utf-8").replace("on Wednesday", "on Tuesday"), encoding="utf-8"
    )
    comparison = _compare(DAILY, same_day)
    assert _values(comparison, "number") == [("conflict", ["27 ships", "35 ships"])]
    assert not _values(comparison, "date")


def test_figures_of_one_event_on_different_dates_still_conflict() -> None:
    ferry = ROOT / "tests" / "fixtures" / "ferry"
    comparison = _compare(ferry / "brennick_daily.txt", ferry / "coastal_ledger.txt")
    assert _values(comparison, "number") == [("conflict", ["27 passengers", "35 passengers"])]
    assert _values(comparison, "date") == [("conflict", ["3 March", "4 March"])]
