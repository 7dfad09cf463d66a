"""JSON-ready views of model objects and their way back, shared by the store, CLI and web."""

from __future__ import annotations

import json
from dataclasses import asdict, fields, is_dataclass
from typing import Any, TypeVar, cast

from newsprism.models import (
    Article,
    ArticleAnalysis,
    Claim,
    Dateline,
    Entity,
    Heading,
    Mention,
    Provenance,
    QualityFlag,
    Quantity,
    Quote,
    RemovedSpan,
    Sentence,
    TimeExpr,
)

T = TypeVar("T")


def article_to_dict(article: Article, *, include_source_text: bool = False) -> dict[str, Any]:
    """The public JSON shape of an article (``newsprism articles --format json``)."""
    data: dict[str, Any] = {
        "id": article.id,
        "outlet": article.outlet,
        "title": article.title,
        "url": article.url,
        "author": article.author,
        "published": article.published,
        "published_source": article.published_source,
        "dateline": asdict(article.dateline) if article.dateline else None,
        "language": article.language,
        "language_score": article.language_score,
        "source": _source_label(article.provenance),
        "provenance": asdict(article.provenance),
        "body": article.body,
        "headings": [asdict(h) for h in article.headings],
        "removed": [asdict(r) for r in article.removed],
        "flags": [asdict(f) for f in article.flags],
        "metadata": dict(article.metadata),
    }
    if include_source_text:
        data["source_text"] = article.source_text
    return data


def _source_label(provenance: Provenance) -> str:
    where = provenance.path
    if provenance.locator:
        where = f"{where} {provenance.locator}"
    return where


def _build(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cast(Any, cls))}
    kwargs = {k: v for k, v in data.items() if k in names}
    for key, value in kwargs.items():
        if isinstance(value, list) and key in {
            "entities",
            "quantities",
            "times",
            "time_ties",
            "hedges",
            "aliases",
        }:
            kwargs[key] = tuple(value)
        elif key == "tokens" and isinstance(value, list):
            kwargs[key] = tuple(tuple(token) for token in value)
    return cls(**kwargs)


def article_from_dict(data: dict[str, Any]) -> Article:
    dateline = data.get("dateline")
    return Article(
        id=data["id"],
        body=data["body"],
        provenance=_build(Provenance, data["provenance"]),
        source_text=data.get("source_text", ""),
        title=data.get("title"),
        outlet=data.get("outlet"),
        url=data.get("url"),
        author=data.get("author"),
        published=data.get("published"),
        published_source=data.get("published_source"),
        dateline=_build(Dateline, dateline) if dateline else None,
        language=data.get("language"),
        language_score=data.get("language_score"),
        headings=[_build(Heading, h) for h in data.get("headings", [])],
        removed=[_build(RemovedSpan, r) for r in data.get("removed", [])],
        flags=[_build(QualityFlag, f) for f in data.get("flags", [])],
        metadata=dict(data.get("metadata", {})),
    )


def analysis_to_dict(analysis: ArticleAnalysis) -> dict[str, Any]:
    return asdict(analysis)


def analysis_from_dict(data: dict[str, Any]) -> ArticleAnalysis:
    return ArticleAnalysis(
        article_id=data["article_id"],
        analyzer=data["analyzer"],
        sentences=[_build(Sentence, x) for x in data.get("sentences", [])],
        mentions=[_build(Mention, x) for x in data.get("mentions", [])],
        entities=[_build(Entity, x) for x in data.get("entities", [])],
        quotes=[_build(Quote, x) for x in data.get("quotes", [])],
        times=[_build(TimeExpr, x) for x in data.get("times", [])],
        quantities=[_build(Quantity, x) for x in data.get("quantities", [])],
        claims=[_build(Claim, x) for x in data.get("claims", [])],
        flags=[_build(QualityFlag, x) for x in data.get("flags", [])],
    )


def dumps(data: Any, *, indent: int | None = None) -> str:
    """JSON text; dataclasses are converted; non-ASCII kept readable."""

    def default(obj: Any) -> Any:
        if is_dataclass(obj) and not isinstance(obj, type):
            return asdict(obj)
        if isinstance(obj, set | frozenset):
            return sorted(obj)
        raise TypeError(f"not JSON serialisable: {type(obj).__name__}")

    return json.dumps(data, ensure_ascii=False, indent=indent, default=default)
