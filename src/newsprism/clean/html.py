"""Main text and metadata of an HTML page, through trafilatura.

The page is parsed once. Metadata come from trafilatura's metadata helpers (meta tags,
OpenGraph, JSON-LD, title, canonical URL) and htmldate for the date; trafilatura's costlier
heuristic author search, categories, tags and licence are skipped (about 1 ms a page instead
of 6-8; the author then comes from meta tags or from a byline line in the text). The text comes
from ``bare_extraction`` with the options measured best on the ScrapingHub article-extraction
benchmark (``benchmarks/bench_extraction.py``): precision favoured, comments and links left
out, tables kept. Paragraphs, headings and list items come one per line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from newsprism.clean.guard import check_depth, check_markup
from newsprism.errors import CleanError

logger = logging.getLogger(__name__)

# Measured on ScrapingHub AEB (181 pages): favor_precision 0.964 F1 vs 0.960 default.
EXTRACT_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_links": False,
    "include_images": False,
    "favor_precision": True,
    "deduplicate": False,
    "with_metadata": False,
}


_FRAGMENT_TAGS = re.compile(r"<(?:html|head|body)[\s>]|<!doctype", re.IGNORECASE)


@dataclass(slots=True)
class PageText:
    """What trafilatura found in one page."""

    text: str
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    date: str | None = None
    url: str | None = None
    description: str | None = None
    language: str | None = None


def _clean_meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _metadata(tree: Any, url: str | None) -> Any:
    """trafilatura's metadata extraction without its slow heuristic steps."""
    try:
        from trafilatura.metadata import (
            META_URL,
            examine_meta,
            extract_meta_json,
            extract_sitename,
            extract_title,
            extract_url,
        )
        from trafilatura.settings import set_date_params
    except ImportError:  # another trafilatura version: its full metadata extraction
        from trafilatura.metadata import extract_metadata

        return extract_metadata(tree, url)
    from htmldate import find_date

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a single word is a site handle more often than a name
    try:
        meta = extract_meta_json(tree, meta)
    except Exception as exc:  # trafilatura's JSON-LD parser fails on odd markup
        logger.debug("JSON-LD metadata skipped: %s", exc)
    meta.title = meta.title or extract_title(tree)
    meta.url = meta.url or extract_url(tree, url)
    params = set_date_params(True)
    params["url"] = meta.url
    try:
        meta.date = find_date(tree, **params)
    except (ValueError, TypeError) as exc:
        logger.debug("no page date: %s", exc)
        meta.date = None
    meta.sitename = meta.sitename or extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (m := META_URL.match(meta.url)):
        meta.sitename = m[1]
    meta.clean_and_trim()
    return meta


def extract_page(html: str, url: str | None = None, *, metadata: bool = True) -> PageText:
    """The main text and (unless ``metadata`` is False: the caller has them from a record)
    the metadata of ``html``. Raises CleanError when no text is found, ``TooComplex`` (a
    CleanError) for a page over the limits of ``guard``."""
    try:
        import trafilatura  # lazy: heavy import
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise CleanError(f"trafilatura is not installed: {exc}") from exc
    if not html or not html.strip():
        raise CleanError("empty HTML page")
    check_markup(html)
    if _FRAGMENT_TAGS.search(html, 0, 4096) is None:
        # a fragment (a feed entry's content, a record's html): trafilatura refuses one that
        # does not say "html" near its start and has fewer than two top-level elements
        html = f"<html><body>{html}</body></html>"
    tree = trafilatura.load_html(html)
    if tree is None:
        raise CleanError("HTML could not be parsed")
    check_depth(tree)
    meta = _metadata(tree, url) if metadata else None
    try:
        doc = trafilatura.bare_extraction(tree, url=url, **EXTRACT_OPTIONS)
    except (ValueError, TypeError, RecursionError) as exc:
        raise CleanError(f"HTML extraction failed: {exc}") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise CleanError("no main text found in the HTML page")
    if meta is None:
        return PageText(text=text, url=url)
    return PageText(
        text=text,
        title=_clean_meta(meta.title),
        author=_clean_meta(meta.author),
        sitename=_clean_meta(meta.sitename),
        date=_clean_meta(meta.date),
        url=_clean_meta(meta.url),
        description=_clean_meta(meta.description),
        language=None,
    )
