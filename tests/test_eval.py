"""``newsprism eval``: quick runs of the fast tasks meet their floors; floors and missing data
drive the exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsprism.cli.eval import eval_command
from newsprism.eval import EVALS, FAST, EvalResult, load_floors
from newsprism.eval.briefs import rouge
from newsprism.eval.extraction import aeb_scores, shingle_match
from newsprism.eval.seeds import overlaps
from tests.conftest import DATA, GOLD


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(eval_command, list(args))


def _need_data() -> None:
    if not DATA.exists():
        pytest.skip(f"benchmark data not present: {DATA}")


# --------------------------------------------------------------------------- no data needed


def test_packaged_floors_cover_every_task_in_both_modes() -> None:
    floors = load_floors()
    assert set(floors) == set(EVALS)
    for task, modes in floors.items():
        assert set(modes) == {"full", "quick"}, task
        assert all(v > 0 for table in modes.values() for v in table.values()), task


def test_below_floor_names_low_and_unmeasured_metrics() -> None:
    r = EvalResult("t", {"a": 0.5, "b": 0.9}, floors={"a": 0.6, "b": 0.9, "c": 0.1})
    assert r.below_floor() == ["a", "c"]


def test_bad_floors_file_is_one_line_error_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "floors.toml"
    bad.write_text("[temporal.quick]\nplatinum_value_f1 = 'high'\n", encoding="utf-8")
    res = _invoke("temporal", "--floors", str(bad), "--data", str(tmp_path))
    assert res.exit_code == 2
    assert str(bad) in res.output and "numbers" in res.output


def test_missing_data_folder_exits_2_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    res = _invoke("clustering", "--quick", "--data", str(missing))
    assert res.exit_code == 2
    assert str(missing) in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_missing_set_for_one_task_exits_2(tmp_path: Path) -> None:
    res = _invoke("extraction", "--quick", "--data", str(tmp_path))
    assert res.exit_code == 2
    assert "scrapinghub-aeb" in res.output


def test_metric_helpers() -> None:
    assert shingle_match("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_match("one two three four five", "one two three four six")
    assert 0 < tp < 1 and fp > 0 and fn > 0
    assert aeb_scores([(1.0, 0.0, 0.0), (0.5, 0.5, 0.0)])["precision"] == pytest.approx(0.75)
    r1, r2, rl = rouge("the cat sat on the mat", "the cat sat on the mat")
    assert (r1, r2, rl) == (1.0, 1.0, 1.0)
    assert rouge("a b c", "d e f") == (0.0, 0.0, 0.0)
    assert overlaps("the central bank raised rates", "Yesterday the central bank raised rates.")
    assert not overlaps("the central bank raised rates", "a storm hit the coast")


# --------------------------------------------------------------------------- public data


@pytest.mark.data
@pytest.mark.slow
def test_fast_tasks_quick_meet_their_floors() -> None:
    _need_data()
    tasks = [t for t in FAST if t != "seeds" or GOLD.exists()]
    res = _invoke(*tasks, "--quick", "--format", "json", "--data", str(DATA))
    report = json.loads(res.stdout)
    assert report["skipped"] == []
    for r in report["results"]:
        assert r["floors"], f"{r['task']} has no quick floors"
        assert r["below_floor"] == [], (r["task"], r["metrics"], r["floors"])
    assert res.exit_code == 0, res.output


@pytest.mark.data
def test_floor_above_measured_value_exits_1(tmp_path: Path) -> None:
    _need_data()
    if not (DATA / "temporal").exists():
        pytest.skip(f"benchmark data not present: {DATA / 'temporal'}")
    res = _invoke("temporal", "--quick", "--format", "json", "--data", str(DATA))
    assert res.exit_code == 0, res.output
    measured = json.loads(res.stdout)["results"][0]["metrics"]["platinum_value_f1"]
    floors = tmp_path / "floors.toml"
    floors.write_text(
        f"[temporal.quick]\nplatinum_value_f1 = {measured + 0.001}\n", encoding="utf-8"
    )
    res = _invoke("temporal", "--quick", "--floors", str(floors), "--data", str(DATA))
    assert res.exit_code == 1
    assert "below floor: temporal.platinum_value_f1" in res.output


@pytest.mark.data
def test_several_tasks_skip_the_missing_set(tmp_path: Path) -> None:
    _need_data()
    if not (DATA / "temporal").exists():
        pytest.skip(f"benchmark data not present: {DATA / 'temporal'}")
    (tmp_path / "temporal").symlink_to(DATA / "temporal")
    out = tmp_path / "quality.md"
    res = _invoke(
        "temporal",
        "clustering",
        "--quick",
        "--format",
        "md",
        "--output",
        str(out),
        "--data",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    assert "clustering: skipped" in res.output and "ecbplus" in res.output
    text = out.read_text(encoding="utf-8")
    assert "| temporal | platinum_value_f1 |" in text
    assert "skipped: clustering" in text
