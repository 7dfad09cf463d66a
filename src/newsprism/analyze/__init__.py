"""The analyze stage: sentences, entity mentions and name chains, quotes, times, quantities,
claims.

Public entry points::

    analyze_article(article, *, reference_date=None) -> ArticleAnalysis
    analyze_articles(articles, *, batch_size=16) -> Iterator[ArticleAnalysis]   # nlp.pipe path
    reanchor(analysis, article, reference_date) -> ArticleAnalysis  # dates from the story
    load_analyzer() -> None                          # load spaCy and the rules now
    entity_keys(analysis, labels=None) -> set[str]   # canonical keys, e.g. "person:jane roe"
    same_entity(key_a, key_b) -> bool                # "person:roe" ~ "person:jane roe"

The analyzer is registered as ``analyze.v1`` in ``ANALYZERS``. spaCy loads lazily, once per
process, on the first article.
"""

from __future__ import annotations

from newsprism.analyze.entities import entity_keys, same_entity
from newsprism.analyze.pipeline import (
    ANALYZER_NAME,
    ANALYZERS,
    AnalyzerSpec,
    analyze_article,
    analyze_articles,
    load_analyzer,
    reanchor,
)

__all__ = [
    "ANALYZERS",
    "ANALYZER_NAME",
    "AnalyzerSpec",
    "analyze_article",
    "analyze_articles",
    "entity_keys",
    "load_analyzer",
    "reanchor",
    "same_entity",
]
