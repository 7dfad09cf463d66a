"""newsprism: one news story through every outlet that reported it.

The public Python API (everything else is private)::

    import newsprism

    articles = [a for a in newsprism.read_articles(["a.html", "b.txt"])
                if isinstance(a, newsprism.Article)]
    comparison = newsprism.compare_articles(articles)
    print(newsprism.render(comparison, "md"))

    with newsprism.open_store("news.db") as store:
        report = newsprism.ingest(["feeds/"], store)
        for story in store.stories():
            ...

Names are imported lazily, so ``import newsprism`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "newsprism.models",
    "ArticleAnalysis": "newsprism.models",
    "Failure": "newsprism.models",
    "RawDoc": "newsprism.models",
    "Story": "newsprism.models",
    "Settings": "newsprism.config",
    "load_settings": "newsprism.config",
    "NewsprismError": "newsprism.errors",
    "iter_documents": "newsprism.read",
    "clean_document": "newsprism.clean",
    "read_articles": "newsprism.pipeline",
    "ingest": "newsprism.pipeline",
    "IngestReport": "newsprism.pipeline",
    "analyze_article": "newsprism.analyze",
    "analyze_articles": "newsprism.analyze",
    "compare_articles": "newsprism.compare",
    "compare_files": "newsprism.compare",
    "comparison_to_dict": "newsprism.compare",
    "render": "newsprism.compare",
    "open_store": "newsprism.store",
    "rebuild_stories": "newsprism.stories",
}

__all__ = [
    "Article",
    "ArticleAnalysis",
    "Failure",
    "IngestReport",
    "NewsprismError",
    "RawDoc",
    "Settings",
    "Story",
    "__version__",
    "analyze_article",
    "analyze_articles",
    "clean_document",
    "compare_articles",
    "compare_files",
    "comparison_to_dict",
    "ingest",
    "iter_documents",
    "load_settings",
    "open_store",
    "read_articles",
    "rebuild_stories",
    "render",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'newsprism' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from newsprism.analyze import analyze_article, analyze_articles
    from newsprism.clean import clean_document
    from newsprism.compare import compare_articles, compare_files
    from newsprism.compare.render import comparison_to_dict, render
    from newsprism.config import Settings, load_settings
    from newsprism.errors import NewsprismError
    from newsprism.models import Article, ArticleAnalysis, Failure, RawDoc, Story
    from newsprism.pipeline import IngestReport, ingest, read_articles
    from newsprism.read import iter_documents
    from newsprism.store import open_store
    from newsprism.stories import rebuild_stories
