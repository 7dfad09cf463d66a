"""The result of one evaluation, missing-data errors and small shared helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class MissingData(Exception):
    """The data set a task needs is not there (the message names the folder)."""


@dataclass(slots=True)
class EvalResult:
    """Measured metrics of one task beside published reference figures and pinned floors."""

    task: str
    metrics: dict[str, float]
    reference: dict[str, float | str] = field(default_factory=dict)
    floors: dict[str, float] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    def below_floor(self) -> list[str]:
        """Metrics under their floor (a floor without a measured metric counts as failed)."""
        return [
            name
            for name, floor in sorted(self.floors.items())
            if name not in self.metrics or self.metrics[name] < floor
        ]


def require(path: Path) -> Path:
    """``path`` if it exists, else :class:`MissingData` naming it."""
    if not path.exists():
        raise MissingData(f"data set not found: {path}")
    return path


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
