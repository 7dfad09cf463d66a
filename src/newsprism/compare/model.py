"""What a comparison of one story's articles produces: plain ``slots`` dataclasses.

Every statement points back to the text it rests on through :class:`Citation` (article id and
character offsets into ``Article.body``, or ``Article.title`` when ``field == "title"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from newsprism.models import Failure, SpanField

FactStatus = Literal["shared", "single"]
DifferenceKind = Literal[
    "number", "date", "duration", "quote_wording", "attribution", "negation", "framing"
]
Grade = Literal["conflict", "compatible", "unclear"]


@dataclass(slots=True, frozen=True)
class Citation:
    """A cited stretch of one article: ``text == getattr(article, field)[start:end]``."""

    article: str
    start: int
    end: int
    text: str
    field: SpanField = "body"


@dataclass(slots=True)
class ArticleInfo:
    """The header of one compared article."""

    id: str
    outlet: str | None
    title: str | None
    published: str | None
    published_source: str | None
    dateline: str | None
    origin: str
    path: str
    url: str | None = None
    quality_flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Fact:
    """One statement, with the claim of each article that makes it (at most one each)."""

    id: str
    text: str
    status: FactStatus
    support: list[Citation]
    origins: int
    """How many independent origins back it (copies of one report count once)."""
    kind: Literal["claim", "item", "quote", "frame"] = "claim"
    """``item``: a list item ("discussed A, B and C"); ``frame``: the words introducing a list;
    ``quote``: quoted words only."""
    score: float = 1.0
    """The weakest alignment score that joined its claims (1.0 for a single-source fact)."""
    dates: list[str] = field(default_factory=list)
    """ISO values of the dates its claims mention (resolved against the article dates)."""
    entities: list[str] = field(default_factory=list)
    headline: bool = False
    representative: int = 0
    """Index in ``support`` of the claim whose words ``text`` is."""
    sentence: Citation | None = None
    """The whole sentence of that claim (claims and list items are often parts of one)."""
    disputed_by: list[str] = field(default_factory=list)
    """Articles among ``support`` whose figure or date for it conflicts with the one ``text``
    gives (see the fact's differences): they report the event, not that value."""


@dataclass(slots=True)
class Difference:
    kind: DifferenceKind
    grade: Grade
    fact: str | None
    """Id of the aligned fact the sides belong to (None for article-level framing)."""
    sides: list[Citation]
    explanation: str


@dataclass(slots=True)
class Characterisation:
    """A word or phrase with which an article characterises the event."""

    text: str
    tone: Literal["conflict", "cooperation", "neutral"]
    cite: Citation
    where: Literal["headline", "lead", "body"]


@dataclass(slots=True)
class Framing:
    """How one article presents the story."""

    article: str
    headline: str | None
    lead: Citation | None
    characterisations: list[Characterisation] = field(default_factory=list)
    tone: Literal["conflict", "cooperation", "mixed", "neutral"] = "neutral"
    hedges: list[Citation] = field(default_factory=list)
    loaded_words: list[Citation] = field(default_factory=list)
    leads_with: str | None = None
    """The fact its lead sentence carries (fact id) or the lead's own words when single."""
    leads_with_text: str | None = None
    omits: list[str] = field(default_factory=list)
    """Ids of facts that other origins carry and this article does not."""


@dataclass(slots=True)
class CoverageRow:
    """One entity or topic and how often each article mentions it."""

    key: str
    label: str
    name: str
    counts: dict[str, int]


@dataclass(slots=True)
class BriefSentence:
    text: str
    citations: list[Citation]
    verified: bool
    source: str = ""
    """What it was built from: ``fact:<id>``, ``difference:<n>``, ``story``."""


@dataclass(slots=True)
class Brief:
    sentences: list[BriefSentence] = field(default_factory=list)
    dropped: int = 0
    """Sentences the checker rejected (not output)."""
    dropped_texts: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TimelineEvent:
    date: str
    """ISO value at its granularity (``2024-04-02``, ``2023-11``, ``2024-W14``, ``2022``)."""
    text: str
    citations: list[Citation]
    background: bool = False
    """True for past context: events ending more than ``BACKGROUND_DAYS`` (7) before the
    story's dates (``last spoke in July 2022``); the story's coming events are not background."""
    granularity: str | None = None


@dataclass(slots=True)
class Comparison:
    articles: list[ArticleInfo]
    facts: list[Fact]
    differences: list[Difference]
    framing: list[Framing]
    coverage: list[CoverageRow]
    brief: Brief
    timeline: list[TimelineEvent]
    story_date: str | None = None
    shared_event: bool = True
    """False when the articles do not share an event (no aligned facts at all)."""
    notes: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    version: str = "compare.v1"
