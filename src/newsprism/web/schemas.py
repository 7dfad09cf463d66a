"""Response models of the JSON API: the shapes the CLI prints with ``--format json``, declared
so that the generated OpenAPI schema documents them (pydantic only here, at the edge)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from newsprism.models import (
    ArticleAnalysis,
    Dateline,
    Heading,
    Provenance,
    QualityFlag,
    RemovedSpan,
)

Field_ = Literal["body", "title", "source"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(_Out):
    detail: str


class SummaryOut(_Out):
    """Figures of the story's comparison (present once the story has been compared)."""

    facts: int
    shared: int
    single: int
    conflict: int
    differences: int
    single_share: float
    conflict_share: float


class StoryOut(_Out):
    """One story (``newsprism stories --format json``), with ``summary`` added."""

    id: str
    title: str | None
    articles: list[str]
    outlets: list[str]
    origins: int
    origin_groups: list[list[str]]
    first_seen: str | None
    last_seen: str | None
    summary: SummaryOut | None = None


class CitationOut(_Out):
    article: str
    text: str
    start: int
    end: int
    field: Field_ = "body"


class ShortCitationOut(_Out):
    article: str
    start: int
    end: int
    field: Field_ = "body"


class FailureOut(_Out):
    where: str
    reason: str


class ArticleInfoOut(_Out):
    id: str
    outlet: str | None
    title: str | None
    published: str | None
    published_source: str | None
    dateline: str | None
    origin: str
    path: str
    url: str | None
    quality_flags: list[str]


class FactOut(_Out):
    id: str
    text: str
    status: Literal["shared", "single"]
    support: list[CitationOut]
    origins: int
    kind: Literal["claim", "item", "quote", "frame"]
    score: float
    dates: list[str]
    entities: list[str]
    sentence: CitationOut | None
    disputed_by: list[str]


class DifferenceOut(_Out):
    kind: Literal[
        "number", "date", "duration", "quote_wording", "attribution", "negation", "framing"
    ]
    grade: Literal["conflict", "compatible", "unclear"]
    fact: str | None
    sides: list[CitationOut]
    explanation: str


class CharacterisationOut(CitationOut):
    tone: Literal["conflict", "cooperation", "neutral"]
    where: Literal["headline", "lead", "body"]


class FramingOut(_Out):
    article: str
    headline: str | None
    lead: CitationOut | None
    tone: Literal["conflict", "cooperation", "mixed", "neutral"]
    characterisations: list[CharacterisationOut]
    hedges: list[CitationOut]
    loaded_words: list[CitationOut]
    leads_with: str | None
    leads_with_text: str | None
    omits: list[str]


class CoverageOut(_Out):
    key: str
    label: str
    name: str
    counts: dict[str, int]


class BriefSentenceOut(_Out):
    text: str
    citations: list[ShortCitationOut]
    verified: bool
    source: str


class TimelineEventOut(_Out):
    date: str
    text: str
    citations: list[ShortCitationOut]
    background: bool
    granularity: str | None


class ComparisonOut(_Out):
    """A comparison (``newsprism compare|show --format json``)."""

    version: str
    story_date: str | None
    shared_event: bool
    notes: list[str]
    failures: list[FailureOut]
    articles: list[ArticleInfoOut]
    facts: list[FactOut]
    differences: list[DifferenceOut]
    framing: list[FramingOut]
    coverage: list[CoverageOut]
    brief: list[BriefSentenceOut]
    brief_dropped: int
    timeline: list[TimelineEventOut]


class ArticleOut(_Out):
    """One stored article (``newsprism articles --format json``)."""

    id: str
    outlet: str | None
    title: str | None
    url: str | None
    author: str | None
    published: str | None
    published_source: str | None
    dateline: Dateline | None
    language: str | None
    language_score: float | None
    source: str
    provenance: Provenance
    body: str
    headings: list[Heading]
    removed: list[RemovedSpan]
    flags: list[QualityFlag]
    metadata: dict[str, str]


class ArticleDetailOut(ArticleOut):
    """One article with its analysis (``newsprism show-article --format json``)."""

    analysis: ArticleAnalysis | None


class SearchHitOut(_Out):
    """A full-text hit (``newsprism search --format json``); ``score``: lower is better."""

    article_id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    score: float


class IngestOut(_Out):
    """What storing an upload did (``newsprism ingest --format json`` without ``db``)."""

    read: int
    new: int
    duplicate: int
    failed: list[FailureOut]
    stories_touched: int
    unit_vectors: int = 0
    """Articles whose sentence vectors were stored (for faster story comparisons)."""


class CompareOut(_Out):
    comparison: ComparisonOut
    stored: IngestOut | None
