"""Quality evaluation on the public benchmark sets: ``newsprism eval`` and ``make eval``.

Each task has one module with an ``evaluate(data_dir, *, quick)`` function returning an
:class:`EvalResult`; :data:`EVALS` maps task names to them (imported lazily: the heavy models
load only when a task runs). Floors (the lowest value each metric may take before CI fails)
live in the packaged ``floors.toml``: ``[TASK.full]`` and ``[TASK.quick]`` tables of
``metric = value``. They are the measured values rounded down a little, raised as the project
improves; lowering one needs a reason in the commit message.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Protocol

from newsprism.eval._result import EvalResult, MissingData

__all__ = [
    "EVALS",
    "FAST",
    "EvalResult",
    "MissingData",
    "default_data_dir",
    "load_floors",
    "run_eval",
]


class Evaluator(Protocol):
    def __call__(self, data_dir: Path, *, quick: bool) -> EvalResult: ...


def _lazy(module: str) -> Evaluator:
    def run(data_dir: Path, *, quick: bool) -> EvalResult:
        mod = importlib.import_module(f"newsprism.eval.{module}")
        evaluate: Callable[..., EvalResult] = mod.evaluate
        return evaluate(data_dir, quick=quick)

    run.__name__ = f"evaluate_{module}"
    return run


#: Task name → evaluation function ``(data_dir, *, quick) -> EvalResult``.
EVALS: dict[str, Evaluator] = {
    name: _lazy(name)
    for name in ("extraction", "clustering", "alignment", "temporal", "briefs", "seeds")
}
#: Tasks whose quick versions take seconds (what CI runs).
FAST: tuple[str, ...] = ("extraction", "clustering", "alignment", "temporal", "briefs", "seeds")


def default_data_dir(cwd: Path | None = None) -> Path:
    """``../shared/data`` from the current directory if there, else beside the repository."""
    here = (cwd or Path.cwd()) / ".." / "shared" / "data"
    if here.exists():
        return here.resolve()
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def load_floors(path: Path | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """``{task: {"full"|"quick": {metric: floor}}}`` from ``path`` or the packaged file.

    Raises ``ValueError`` naming the file when it is not valid TOML of that shape."""
    if path is None:
        text = resources.files("newsprism.eval").joinpath("floors.toml").read_text("utf-8")
        name = "floors.toml (packaged)"
    else:
        text, name = path.read_text(encoding="utf-8"), str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{name}: not valid TOML ({exc})") from exc
    out: dict[str, dict[str, dict[str, float]]] = {}
    for task, modes in raw.items():
        if not isinstance(modes, dict):
            raise ValueError(f"{name}: [{task}] must be a table")
        out[task] = {}
        for mode, floors in modes.items():
            if mode not in ("full", "quick") or not isinstance(floors, dict):
                raise ValueError(f"{name}: [{task}.{mode}] must be a 'full' or 'quick' table")
            try:
                out[task][mode] = {str(k): float(v) for k, v in floors.items()}
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name}: [{task}.{mode}] floors must be numbers") from exc
    return out


def run_eval(
    task: str,
    data_dir: Path,
    *,
    quick: bool = False,
    floors: dict[str, dict[str, dict[str, float]]] | None = None,
) -> EvalResult:
    """Run one task and attach its floors. Raises :class:`MissingData` when its set is absent."""
    if task not in EVALS:
        raise KeyError(f"unknown eval task {task!r} (known: {', '.join(EVALS)})")
    if not data_dir.exists():
        raise MissingData(f"data folder not found: {data_dir}")
    result = EVALS[task](data_dir, quick=quick)
    table = (floors if floors is not None else load_floors()).get(task, {})
    result.floors = dict(table.get("quick" if quick else "full", {}))
    return result
