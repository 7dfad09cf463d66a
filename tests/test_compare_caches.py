"""The comparison's in-process caches: a repeated comparison reuses analyses, claim cuts and
sentence vectors, gives the same result, and never reuses an analysis whose inputs changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsprism.compare import compare_articles, comparison_to_dict
from newsprism.compare import story as compare_story
from newsprism.compare.caches import LRUCache
from newsprism.compare.enumerations import claim_cut_cache
from newsprism.config import Settings
from newsprism.models import Article
from newsprism.pipeline import read_articles
from tests.conftest import SEED_A, SEED_B


def test_lru_cache_evicts_the_least_recently_used() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert "b" not in cache and "a" in cache and "c" in cache
    assert len(cache) == 2
    assert (cache.hits, cache.misses) == (1, 0)
    assert cache.get("b") is None and cache.misses == 1
    with pytest.raises(ValueError):
        LRUCache(0)


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    items = list(read_articles([str(SEED_A), str(SEED_B)], Settings()))
    articles = [a for a in items if isinstance(a, Article)]
    assert len(articles) == 2
    return articles


@pytest.mark.slow
def test_a_repeated_comparison_reuses_the_caches_and_gives_the_same_result(
    seed_articles: list[Article],
) -> None:
    compare_story.clear_caches()
    first = comparison_to_dict(compare_articles(seed_articles))
    analyses, vectors, cuts = (
        len(compare_story.analysis_cache),
        len(compare_story.vector_cache),
        len(claim_cut_cache),
    )
    assert analyses == 2 and vectors > 40
    assert cuts == 0  # cut on the analyses' own tags: the cut cache serves analyses without them
    hits_before = compare_story.analysis_cache.hits, compare_story.vector_cache.hits
    second = comparison_to_dict(compare_articles(seed_articles))
    assert second == first
    assert compare_story.analysis_cache.hits == hits_before[0] + 2
    assert compare_story.vector_cache.hits >= hits_before[1] + vectors
    # nothing new was computed
    assert len(compare_story.analysis_cache) == analyses
    assert len(compare_story.vector_cache) == vectors


@pytest.mark.slow
def test_an_analysis_is_not_reused_when_the_article_date_changes(
    seed_articles: list[Article],
) -> None:
    compare_story.clear_caches()
    undated = next(a for a in seed_articles if not a.published)
    compare_story.analyze_cached([undated])
    misses = compare_story.analysis_cache.misses
    dated = replace(undated, published="2020-01-07", published_source="test")
    analysis = compare_story.analyze_cached([dated])[0]
    assert compare_story.analysis_cache.misses == misses + 1
    assert len(compare_story.analysis_cache) == 2
    # the fresh analysis resolved its times against the new date, not the cached one's
    assert any((t.value or "").startswith("2020") for t in analysis.times)
