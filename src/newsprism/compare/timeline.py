"""The timeline: dated events from the facts, resolved against the article dates, background
events ("last spoke in July 2022") included and marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsprism.compare.model import Citation, Fact, TimelineEvent
from newsprism.compare.units import Unit
from newsprism.compare.values import date_range, date_sort_key

_CALENDAR = frozenset({"day", "week", "month", "quarter", "year", "season", "half"})


def build_timeline(
    facts: Sequence[Fact],
    members_of: Mapping[str, Sequence[Unit]],
    story_date: str | None,
) -> list[TimelineEvent]:
    story = date_range(story_date) if story_date else None
    events: dict[tuple[str, str], TimelineEvent] = {}
    for fact in facts:
        if fact.headline:
            continue
        for u in members_of.get(fact.id, ()):
            for t in u.times:
                if t.kind != "date" or not t.value or t.granularity not in _CALENDAR:
                    continue
                r = date_range(t.value)
                if r is None:
                    continue
                key = (t.value, fact.id)
                cite = Citation(u.article_id, u.start, u.end, u.text, u.field)
                if key in events:
                    if all(c.article != cite.article for c in events[key].citations):
                        events[key].citations.append(cite)
                    continue
                background = story is not None and r.end < story.start
                events[key] = TimelineEvent(
                    date=t.value,
                    text=u.text,
                    citations=[cite],
                    background=background,
                    granularity=t.granularity,
                )
    return sorted(events.values(), key=lambda e: (date_sort_key(e.date), e.text))
