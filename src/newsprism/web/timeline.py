"""The geometry of the timeline chart (an SVG drawn by the template, no script needed).

Each event is one row: a bar over the days its date covers (a dot for a single day) on a
common time axis, numbered like the list of events under the chart. The axis covers the
story's date and its events that are not background; a background event outside it is drawn
at the nearer edge (its label gives its date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsprism.compare.model import TimelineEvent
from newsprism.compare.render import date_label
from newsprism.compare.values import date_range

WIDTH = 800
LEFT = 150
RIGHT = 20
TOP = 34
ROW = 22
MIN_BAR = 8


@dataclass(slots=True, frozen=True)
class Tick:
    x: float
    label: str


@dataclass(slots=True, frozen=True)
class Row:
    n: int
    y: float
    x: float
    width: float
    date: str
    text: str
    background: bool


@dataclass(slots=True, frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    ticks: list[Tick]
    rows: list[Row]
    story_x: float | None


def chart(events: Sequence[TimelineEvent], story_date: str | None) -> Chart | None:
    """The chart of the events with a calendar date, or None when there is none."""
    dated = [(e, r) for e in events if (r := date_range(e.date)) is not None]
    if not dated:
        return None
    story = date_range(story_date) if story_date else None
    # the axis spans the story's own events: one far background date ("since 2009") would
    # squeeze them into a dot; background bars outside it sit at its edge, labelled
    # with their dates
    scale = [r for e, r in dated if not e.background] or [r for _, r in dated]
    first = min(r.start for r in scale)
    last = max(r.end for r in scale)
    if story:
        first, last = min(first, story.start), max(last, story.end)
    span = max((last - first).days + 1, 1)
    inner = WIDTH - LEFT - RIGHT

    def x_of(day: dt.date) -> float:
        return LEFT + inner * (day - first).days / span

    rows = []
    for n, (event, r) in enumerate(dated, start=1):
        x0 = min(max(x_of(r.start), LEFT), WIDTH - RIGHT)
        x1 = min(max(x_of(r.end + dt.timedelta(days=1)), LEFT), WIDTH - RIGHT)
        width = max(x1 - x0, MIN_BAR)
        x0 = min(x0, WIDTH - RIGHT - width)
        rows.append(
            Row(
                n,
                TOP + (n - 1) * ROW,
                x0,
                width,
                date_label(event.date),
                event.text,
                event.background,
            )
        )
    return Chart(
        width=WIDTH,
        height=TOP + len(rows) * ROW + 8,
        left=LEFT,
        right=RIGHT,
        ticks=_ticks(first, last, x_of),
        rows=rows,
        story_x=x_of(story.start) if story else None,
    )


def _ticks(first: dt.date, last: dt.date, x_of: Callable[[dt.date], float]) -> list[Tick]:
    days = (last - first).days + 1
    out: list[Tick] = []
    if days > 3 * 366:
        step = max(1, (last.year - first.year + 1) // 8)
        for year in range(first.year + (first.month > 1 or first.day > 1), last.year + 1, step):
            out.append(Tick(x_of(dt.date(year, 1, 1)), str(year)))
    elif days > 62:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        step = max(1, months // 8)
        y, m = first.year, first.month
        if first.day > 1:
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        k = 0
        while dt.date(y, m, 1) <= last:
            if k % step == 0:
                out.append(Tick(x_of(dt.date(y, m, 1)), dt.date(y, m, 1).strftime("%b %Y")))
            k += 1
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        step = max(1, days // 6)
        for k in range(0, days, step):
            day = first + dt.timedelta(days=k)
            out.append(Tick(x_of(day), day.isoformat()))
    return out
