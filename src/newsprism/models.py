"""The data model of newsprism: plain ``slots`` dataclasses shared by every stage.

Offsets are character offsets into a string of the article, named by ``field``:
``"body"`` (``Article.body``) unless stated otherwise, ``"title"`` (``Article.title``) for
headline material that is not part of the body, and ``"source"`` (``Article.source_text``,
the text as extracted, before line cleaning) for removed spans (headings are in ``body``).
Ids are content hashes so that re-ingesting the same text is idempotent.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SpanField = Literal["body", "title", "source"]
#: One token of a parsed sentence: ``(start, end, tag)``, field offsets and Penn Treebank tag.
TaggedToken = tuple[int, int, str]


def to_dict(obj: Any) -> Any:
    """A JSON-ready copy of a model object (dataclasses become dicts, recursively)."""
    return asdict(obj)


# --------------------------------------------------------------------------- reading


@dataclass(slots=True, frozen=True)
class Provenance:
    """Where a document came from: enough to find the record again."""

    path: str
    """File path as given (``-`` for standard input) or the URL that was read."""
    reader: str
    """Registered name of the reader that produced it, e.g. ``"text.v1"``."""
    locator: str | None = None
    """Position inside the file when it holds many records: ``"line 12"``, ``"record 3"``,
    ``"entry 2"``, ``"offset 18734"``."""
    url: str | None = None
    """The article's own URL when known (from metadata, a feed entry, a WARC header)."""


@dataclass(slots=True)
class RawDoc:
    """One document as a reader found it, before cleaning. Exactly one of text/html is set."""

    provenance: Provenance
    text: str | None = None
    html: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    """Publication date or datetime as found in metadata, unparsed."""
    outlet: str | None = None
    author: str | None = None
    record_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- cleaning


@dataclass(slots=True, frozen=True)
class RemovedSpan:
    """Text that cleaning took out of the body, with why. Offsets into ``source_text``."""

    text: str
    reason: str
    """``teaser``, ``navigation``, ``community``, ``share``, ``newsletter``, ``credit``,
    ``update_note``, ``header``, ``dateline``, ``empty``, ``duplicate_line`` …"""
    start: int
    end: int


@dataclass(slots=True, frozen=True)
class Heading:
    """A headline or subheading found inside the text. Offsets into ``body``."""

    text: str
    level: Literal["headline", "subheading"]
    start: int
    end: int


@dataclass(slots=True, frozen=True)
class Dateline:
    """``WASHINGTON (Reuters) -`` → place ``Washington``, agency ``Reuters``."""

    text: str
    place: str | None = None
    agency: str | None = None


@dataclass(slots=True, frozen=True)
class QualityFlag:
    """A text-quality problem in the body. Offsets into ``body`` (or ``field``)."""

    kind: str
    """``fused_words``, ``stripped_apostrophe``, ``garbled_punctuation``, ``mistranslation``,
    ``encoding``, ``empty``, ``oversized``, ``non_english`` …"""
    text: str
    start: int
    end: int
    field: SpanField = "body"
    detail: str | None = None


@dataclass(slots=True)
class Article:
    """A cleaned article: the unit every later stage works on."""

    id: str
    """Content hash of the cleaned title and body (16 hex digits)."""
    body: str
    """Clean text; paragraphs separated by one blank line; embedded headings kept in place
    (and listed in ``headings``)."""
    provenance: Provenance
    source_text: str = ""
    """Text as extracted from the source, before line cleaning."""
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: str | None = None
    """ISO date ``YYYY-MM-DD`` or None."""
    published_source: str | None = None
    """Where ``published`` came from: ``header``, ``record``, ``html_meta``, ``feed``,
    ``warc``, ``text`` (a date line in the text), ``story`` (inferred from the story)."""
    dateline: Dateline | None = None
    language: str | None = None
    language_score: float | None = None
    headings: list[Heading] = field(default_factory=list)
    removed: list[RemovedSpan] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- analysis


@dataclass(slots=True, frozen=True)
class Span:
    """A span of one article's text: ``text == getattr(article, field)[start:end]``."""

    article_id: str
    start: int
    end: int
    field: SpanField = "body"


@dataclass(slots=True, frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    field: SpanField = "body"
    is_heading: bool = False
    tokens: tuple[TaggedToken, ...] = ()
    """The sentence's tokens as the parser tagged them in context: ``(start, end, tag)`` with
    field offsets and Penn Treebank tags (whitespace tokens included). Empty in analyses made
    before they were kept (the compare stage then tags the claims again)."""


@dataclass(slots=True, frozen=True)
class Mention:
    """One mention of a named entity. ``entity`` is the canonical key of its name chain."""

    text: str
    start: int
    end: int
    label: str
    """spaCy label: PERSON, ORG, GPE, NORP, LOC, EVENT, …"""
    entity: str
    sentence: int
    field: SpanField = "body"


@dataclass(slots=True, frozen=True)
class Entity:
    """A name chain: every mention of one person/organisation/place in one article.

    ``key`` is shared across articles (``person:jane roe``) so stories can match names."""

    key: str
    name: str
    label: str
    mentions: int
    aliases: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class Quote:
    text: str
    """The quoted words (without quotation marks) or the reported content."""
    start: int
    end: int
    kind: Literal["direct", "partial", "indirect"]
    speaker: str | None
    """Canonical name when resolved through a name chain, else the noun phrase."""
    speaker_entity: str | None
    cue: str | None
    sentence: int
    field: SpanField = "body"


@dataclass(slots=True, frozen=True)
class TimeExpr:
    text: str
    start: int
    end: int
    value: str | None
    """ISO value at its granularity: ``2024-04-02``, ``2023-11``, ``2024-W14``, ``2024``;
    None when unresolved (no anchor date) or not resolvable."""
    granularity: str | None
    """``day``, ``week``, ``month``, ``quarter``, ``year``, ``interval``, ``time``."""
    kind: Literal["date", "time", "duration", "set", "interval"]
    anchor: str | None
    """The date it was resolved against (ISO) or None; ``rule`` names how."""
    rule: str | None = None
    mod: str | None = None
    """``before``, ``after``, ``approx``, ``start``, ``end``, ``future_open`` …"""
    sentence: int = -1
    field: SpanField = "body"


@dataclass(slots=True, frozen=True)
class Quantity:
    text: str
    start: int
    end: int
    kind: Literal["duration", "money", "count", "percent", "measure"]
    value: float
    """Normalised: minutes for durations, the currency unit for money."""
    unit: str
    """``min``, ``USD``, ``EUR``, ``%``, ``km``, the counted noun …"""
    approx: bool
    bound: Literal["eq", "le", "ge", "about", "lt", "gt"] = "eq"
    sentence: int = -1
    field: SpanField = "body"


@dataclass(slots=True, frozen=True)
class Claim:
    """A clause-level statement with what it is about."""

    id: str
    sentence: int
    start: int
    end: int
    text: str
    subject: str | None
    predicate: str | None
    entities: tuple[str, ...] = ()
    quantities: tuple[int, ...] = ()
    """Indexes into ``ArticleAnalysis.quantities``."""
    times: tuple[int, ...] = ()
    """Indexes into ``ArticleAnalysis.times``."""
    time_ties: tuple[int | None, ...] = ()
    """How each of ``times`` is tied to the claim's event, read from the parse in context (see
    :mod:`newsprism.analyze.time_ties`): 0 its main verb, 1 that verb's subject, None another
    word. Empty in analyses made before ties were kept (the compare stage parses the claim)."""
    attribution: str | None = None
    hedges: tuple[str, ...] = ()
    negated: bool = False
    is_headline: bool = False
    field: SpanField = "body"


@dataclass(slots=True)
class ArticleAnalysis:
    article_id: str
    analyzer: str
    """Registered name and version of the analyzer, e.g. ``analyze.v1``."""
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    flags: list[QualityFlag] = field(default_factory=list)


# --------------------------------------------------------------------------- stories


@dataclass(slots=True)
class Story:
    id: str
    title: str | None
    article_ids: list[str]
    outlets: list[str]
    origins: list[list[str]]
    """Groups of article ids that are copies of one report (one independent origin each)."""
    first_seen: str | None
    last_seen: str | None


@dataclass(slots=True, frozen=True)
class StoryEvent:
    kind: Literal["open", "attach", "merge", "split", "move"]
    story_id: str
    article_id: str | None = None
    other_story_id: str | None = None
    detail: str | None = None


# --------------------------------------------------------------------------- ingest reports


@dataclass(slots=True, frozen=True)
class Failure:
    """One record that could not be read or stored: ``where`` names the file and record."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"
