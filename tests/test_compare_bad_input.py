"""compare on awkward input: one file, unrelated events, empty or unreadable files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEED_A, SEED_B

pytestmark = pytest.mark.slow

FLOOD = """date 2025-06-10

Heavy rain flooded the coastal village of Porthleven overnight, and the fire brigade pumped
water out of forty homes.

Forecasters expect more storms on Thursday, and the harbour will stay closed until the weekend.
The county council opened the village hall as a shelter for families who had to leave.
"""

FOOTBALL = """date 2025-06-11

Riverside United beat Northgate 3-1 in the cup final on Wednesday night in front of a sold-out
stadium.

The winning goal came in the 78th minute from a free kick by the club's young captain. The
manager said the players had earned a long holiday after a difficult season.
"""


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_file_reports_its_facts_all_single() -> None:
    from newsprism.compare import compare_files

    comparison, failures = compare_files([str(SEED_B)])
    assert failures == []
    assert len(comparison.articles) == 1
    assert len(comparison.facts) >= 10
    assert {f.status for f in comparison.facts} == {"single"}
    assert all(f.origins == 1 for f in comparison.facts)
    assert comparison.differences == []
    assert comparison.brief.sentences and all(s.verified for s in comparison.brief.sentences)


def test_unrelated_events_are_not_aligned(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    paths = [_write(tmp_path, "flood.txt", FLOOD), _write(tmp_path, "football.txt", FOOTBALL)]
    comparison, failures = compare_files(paths)
    assert failures == []
    assert comparison.shared_event is False
    assert not [f for f in comparison.facts if f.status == "shared"]
    assert any("do not share an event" in n for n in comparison.notes)
    assert not [d for d in comparison.differences if d.grade == "conflict"]


def test_seed_against_unrelated_article(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    comparison, _ = compare_files([str(SEED_A), _write(tmp_path, "flood.txt", FLOOD)])
    assert comparison.shared_event is False
    assert not [f for f in comparison.facts if f.status == "shared"]


def test_empty_and_missing_files_are_reported_and_the_rest_compared(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    empty = _write(tmp_path, "empty.txt", "")
    missing = str(tmp_path / "missing.txt")
    comparison, failures = compare_files([str(SEED_A), empty, missing, str(SEED_B)])
    where = " ".join(f.where for f in failures)
    assert "empty.txt" in where and "missing.txt" in where
    assert all(f.reason for f in failures)
    assert len(comparison.articles) == 2
    assert [f for f in comparison.facts if f.status == "shared"]
    assert comparison.failures == failures


def test_nothing_readable_is_an_error(tmp_path: Path) -> None:
    from newsprism.compare import CompareError, compare_files

    with pytest.raises(CompareError, match="no readable article"):
        compare_files([_write(tmp_path, "empty.txt", ""), str(tmp_path / "nope.txt")])


def test_the_same_file_twice_is_compared_once() -> None:
    from newsprism.compare import compare_files

    comparison, _ = compare_files([str(SEED_B), str(SEED_B)])
    assert len(comparison.articles) == 1


def test_near_duplicates_count_as_one_origin(tmp_path: Path) -> None:
    from newsprism.compare import compare_files

    text = SEED_B.read_text(encoding="utf-8")
    copy = text.replace("severe global", "serious global").replace("Secretary State", "Secretary")
    comparison, _ = compare_files([str(SEED_B), _write(tmp_path, "copy.txt", copy)])
    assert len(comparison.articles) == 2
    assert len({a.origin for a in comparison.articles}) == 1
    # facts both copies carry have one origin, so they are single-source, not shared
    both = [f for f in comparison.facts if len({c.article for c in f.support}) == 2]
    assert both and all(f.origins == 1 and f.status == "single" for f in both)
    assert not [f for f in comparison.facts if f.status == "shared"]


def test_cli_exit_codes_and_outputs(tmp_path: Path) -> None:
    from newsprism.cli import Context
    from newsprism.cli.compare import compare_command

    runner = CliRunner()
    out_html = tmp_path / "out" / "c.html"
    out_md = tmp_path / "out" / "c.md"
    out_html.parent.mkdir()  # -o does not create folders
    ok = runner.invoke(
        compare_command,
        [str(SEED_A), str(SEED_B), "-o", str(out_html), "-o", str(out_md)],
        obj=Context(None, 0),
    )
    assert ok.exit_code == 0, ok.output
    assert "shared fact(s)" in ok.output
    assert out_html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out_md.read_text(encoding="utf-8").startswith("# Comparison")

    partial = runner.invoke(
        compare_command,
        [str(SEED_A), str(tmp_path / "missing.txt"), "--format", "json"],
        obj=Context(None, 0),
    )
    assert partial.exit_code == 1
    data = json.loads(partial.stdout)
    assert data["failures"] and data["failures"][0]["where"].endswith("missing.txt")

    bad = runner.invoke(compare_command, [str(tmp_path / "missing.txt")], obj=Context(None, 0))
    assert bad.exit_code == 2
    assert "error:" in bad.output


def test_html_escapes_hostile_text(tmp_path: Path) -> None:
    from newsprism.compare import compare_files, render

    hostile = (
        "date 2025-01-02\n\nThe <script>alert('x')</script> council met on Thursday and "
        "approved the <b>budget</b> of $5 million for the new library in the town centre.\n"
    )
    comparison, _ = compare_files([_write(tmp_path, "h.txt", hostile)])
    html = render(comparison, "html")
    assert "<script>" not in html
    assert "<b>budget" not in html
