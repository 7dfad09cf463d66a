"""The clean stage: ``RawDoc`` → ``Article`` (registered as ``clean.v1``).

HTML main text through trafilatura, then news-specific line cleaning, header fields,
dateline, embedded headings, language and text-quality flags. Nothing is dropped silently:
every removed span is kept in ``Article.removed`` with its reason.
"""

from __future__ import annotations

from collections.abc import Callable

from newsprism.clean.pipeline import article_id, clean_document
from newsprism.config import Settings
from newsprism.models import Article, RawDoc
from newsprism.registry import Registry

Cleaner = Callable[[RawDoc, Settings | None], Article]

cleaners: Registry[Cleaner] = Registry("cleaner")
"""Registered cleaners by versioned name; ``clean.v1`` is :func:`clean_document`."""
cleaners.register("clean.v1")(clean_document)

__all__ = ["Cleaner", "article_id", "clean_document", "cleaners"]
