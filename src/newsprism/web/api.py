"""The JSON API under ``/api/``: the CLI's ``--format json`` output, over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile

from newsprism.compare import CompareError, comparison_to_dict
from newsprism.models import Story
from newsprism.serialize import analysis_to_dict, article_to_dict
from newsprism.web.app import context
from newsprism.web.schemas import (
    ArticleDetailOut,
    ArticleOut,
    CompareOut,
    ComparisonOut,
    ErrorOut,
    SearchHitOut,
    StoryOut,
)
from newsprism.web.service import Ambiguous, NotFound, StoreService, UploadResult

router = APIRouter(prefix="/api", tags=["api"])


# Real days only (the schema says ``format: date``, and ``2025-02-30`` is a 422); the HTML
# pages and the CLI's ``--since`` also take a month or a year.
Since = Annotated[
    dt.date | None, Query(description="Only items on or after this day (YYYY-MM-DD).")
]
Until = Annotated[
    dt.date | None, Query(description="Only stories that began on or before this day (YYYY-MM-DD).")
]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such id (or id prefix)."},
    409: {"model": ErrorOut, "description": "Several items start with this id prefix."},
}


def story_to_dict(story: Story, service: StoreService) -> dict[str, Any]:
    """A story as ``newsprism stories --format json`` prints it, with its comparison's figures
    when it has been compared."""
    summary = service.cached_summary(story)
    return {
        "id": story.id,
        "title": story.title,
        "articles": story.article_ids,
        "outlets": story.outlets,
        "origins": len(story.origins),
        "origin_groups": story.origins,
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "summary": None
        if summary is None
        else {
            "facts": summary.facts,
            "shared": summary.shared,
            "single": summary.single,
            "conflict": summary.conflict,
            "differences": summary.differences,
            "single_share": summary.single_share,
            "conflict_share": summary.conflict_share,
        },
    }


def lookup_error(exc: LookupError) -> HTTPException:
    return HTTPException(409 if isinstance(exc, Ambiguous) else 404, str(exc))


@router.get("/stories", response_model=list[StoryOut])
def list_stories(
    request: Request,
    since: Since = None,
    until: Until = None,
    entity: Annotated[
        str | None, Query(max_length=200, description="Only stories naming this entity.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Stories, the most recently active first (``newsprism stories --format json``), a page
    at a time."""
    service = context(request).service
    stories = service.stories(since=_iso(since), until=_iso(until), entity=entity)
    return [story_to_dict(s, service) for s in stories[offset : offset + limit]]


@router.get(
    "/stories/{story_id}",
    response_model=ComparisonOut,
    response_model_exclude_unset=True,
    responses=_NOT_FOUND,
)
def story_comparison(request: Request, story_id: str) -> dict[str, Any]:
    """The comparison of one stored story; an id prefix is enough
    (``newsprism show STORY --format json``)."""
    try:
        made = context(request).service.compare_story(story_id)
    except (NotFound, Ambiguous) as exc:
        raise lookup_error(exc) from exc
    return comparison_to_dict(made.comparison)


@router.get("/articles", response_model=list[ArticleOut])
def list_articles(
    request: Request,
    since: Since = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Stored articles by date (``newsprism articles --format json``), a page at a time."""
    articles = context(request).service.articles(since=_iso(since), limit=limit, offset=offset)
    return [article_to_dict(a) for a in articles]


@router.get("/articles/{article_id}", response_model=ArticleDetailOut, responses=_NOT_FOUND)
def get_article(request: Request, article_id: str) -> dict[str, Any]:
    """One article with its analysis; an id prefix is enough
    (``newsprism show-article ID --format json``)."""
    try:
        article, analysis, _ = context(request).service.article(article_id)
    except (NotFound, Ambiguous) as exc:
        raise lookup_error(exc) from exc
    data = article_to_dict(article)
    data["analysis"] = analysis_to_dict(analysis) if analysis else None
    return data


@router.get("/search", response_model=list[SearchHitOut])
def search(
    request: Request,
    q: Annotated[str, Query(max_length=500, description="Words, or FTS5 query syntax.")],
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[dict[str, Any]]:
    """Full-text search over titles and bodies (``newsprism search Q --format json``)."""
    hits = context(request).service.search(q, limit=limit)
    return [
        {
            "article_id": h.article_id,
            "title": h.title,
            "outlet": h.outlet,
            "published": h.published,
            "snippet": h.snippet,
            "score": h.score,
        }
        for h in hits
    ]


@router.post(
    "/compare",
    response_model=CompareOut,
    response_model_exclude_unset=True,
    responses={
        400: {"model": ErrorOut, "description": "Nothing readable to compare."},
        413: {"model": ErrorOut, "description": "The upload is over the size limit."},
    },
)
async def compare_upload(
    request: Request,
    files: Annotated[list[UploadFile], File(description="Article files.")] = [],  # noqa: B006
    texts: Annotated[list[str], Form(description="Pasted article texts.")] = [],  # noqa: B006
    store: Annotated[bool, Form(description="Also store them (as `ingest`).")] = False,
) -> dict[str, Any]:
    """Compare uploaded or pasted articles as one story (``newsprism compare FILE…
    --format json``); nothing is stored unless ``store`` is true."""
    documents = await read_documents(files, texts)
    result = await run_compare(request, documents, store)
    return {"comparison": comparison_to_dict(result.compared.comparison), "stored": stored(result)}


async def read_documents(files: list[UploadFile], texts: list[str]) -> list[tuple[str, bytes]]:
    """The uploaded files and the pasted texts. Every named upload is kept, empty or not, so that
    the comparison reports each unusable one as ``newsprism compare`` does ("name: empty
    file"); only a file field left unchosen (no name, no content) and blank text boxes are not
    inputs."""
    documents = [(f.filename or "", await f.read()) for f in files]
    documents = [(name or "upload.txt", data) for name, data in documents if name or data]
    documents += [(f"pasted-{n}.txt", t.encode()) for n, t in enumerate(texts, 1) if t.strip()]
    if not documents:
        raise HTTPException(400, "Nothing to compare: upload files or paste text.")
    return documents


async def run_compare(
    request: Request, documents: list[tuple[str, bytes]], store: bool
) -> UploadResult:
    from starlette.concurrency import run_in_threadpool

    service = context(request).service
    try:
        return await run_in_threadpool(service.compare_upload, documents, store=store)
    except CompareError as exc:
        raise HTTPException(400, str(exc)) from exc


def stored(result: UploadResult) -> dict[str, Any] | None:
    report = result.stored
    if report is None:
        return None
    return {
        "read": report.read,
        "new": report.new,
        "duplicate": report.duplicate,
        "failed": [{"where": f.where, "reason": f.reason} for f in report.failed],
        "stories_touched": len(report.stories_touched),
        "unit_vectors": report.unit_vectors,
    }
