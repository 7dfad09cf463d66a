"""The compare stage (``compare.v1``): one story's articles → shared and single-source facts,
differences (graded conflict / compatible / unclear), framing, coverage, a cited brief and a
timeline.

Public entry points::

    compare_articles(articles, analyses=None, *, origins=None) -> Comparison
    compare_files(paths, settings=None) -> tuple[Comparison, list[Failure]]
    compare_stored_story(store, story_id) -> tuple[Comparison, StoredStory]
    comparison_to_dict(comparison) -> dict      # the JSON output
    render(comparison, fmt) -> str              # fmt: "text", "md", "html", "json"

Heavy libraries (spaCy, onnxruntime) load on first use, not on import.
"""

from __future__ import annotations

from newsprism.compare.model import (
    ArticleInfo,
    Brief,
    BriefSentence,
    Citation,
    Comparison,
    CoverageRow,
    Difference,
    Fact,
    Framing,
    TimelineEvent,
)
from newsprism.compare.render import comparison_to_dict, render
from newsprism.compare.story import (
    COMPARE_NAME,
    COMPARERS,
    CompareError,
    StoredStory,
    analyze_cached,
    compare_articles,
    compare_files,
    compare_stored_story,
    find_story,
    load_stored_story,
)

__all__ = [
    "COMPARERS",
    "COMPARE_NAME",
    "ArticleInfo",
    "Brief",
    "BriefSentence",
    "Citation",
    "CompareError",
    "Comparison",
    "CoverageRow",
    "Difference",
    "Fact",
    "Framing",
    "StoredStory",
    "TimelineEvent",
    "analyze_cached",
    "compare_articles",
    "compare_files",
    "compare_stored_story",
    "comparison_to_dict",
    "find_story",
    "load_stored_story",
    "render",
]
