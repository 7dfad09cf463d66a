"""The HTML pages: stories, one story, one article, search, quick comparison; static files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from newsprism.days import DAY_FORMS, day_prefix
from newsprism.web.api import lookup_error, read_documents, run_compare
from newsprism.web.app import context
from newsprism.web.service import Ambiguous, ComparedStory, NotFound
from newsprism.web.timeline import chart
from newsprism.web.views import flagged_text, safe_url, snippet_pieces, story_view

router = APIRouter(include_in_schema=False)


def _day(name: str, value: str | None) -> str | None:
    """A form's date field: blank is none; ``since`` takes a day, month or year (as the CLI's
    ``--since`` does), ``until`` a day."""
    if value is None or not value.strip():
        return None
    try:
        if name == "since":
            return day_prefix(value)
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        forms = DAY_FORMS if name == "since" else "YYYY-MM-DD"
        raise HTTPException(400, f"{name}: not a date ({forms}): {value[:40]!r}") from None


#: Stories listed on one page of the stories list.
STORIES_PER_PAGE = 100


@router.get("/", response_class=HTMLResponse)
def stories_page(
    request: Request,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    ctx = context(request)
    start, end = _day("since", since), _day("until", until)
    stories = ctx.service.stories(since=start, until=end, entity=entity)
    first = (page - 1) * STORIES_PER_PAGE
    shown = stories[first : first + STORIES_PER_PAGE]
    rows = [(s, ctx.service.cached_summary(s)) for s in shown]
    filters = {"since": start or "", "until": end or "", "entity": (entity or "").strip()}

    def page_link(number: int) -> str:
        query = urlencode({**{k: v for k, v in filters.items() if v}, "page": number})
        return f"/?{query}"

    return ctx.page(
        request,
        "stories.html",
        rows=rows,
        total=len(stories),
        first=first + 1,
        previous=page_link(page - 1) if page > 1 else None,
        next=page_link(page + 1) if first + STORIES_PER_PAGE < len(stories) else None,
        first_page=page_link(1),
        since=filters["since"],
        until=filters["until"],
        entity=filters["entity"],
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    ctx = context(request)
    try:
        made = ctx.service.compare_story(story_id)
    except (NotFound, Ambiguous) as exc:
        raise lookup_error(exc) from exc
    return _comparison_page(request, made)


def _comparison_page(
    request: Request,
    made: ComparedStory,
    *,
    stored_ids: set[str] | None = None,
    upload: Mapping[str, object] | None = None,
) -> HTMLResponse:
    ctx = context(request)
    c = made.comparison
    view = story_view(c, made.articles, made.analyses)
    story = made.story
    dates = sorted(a.published for a in c.articles if a.published)
    return ctx.page(
        request,
        "story.html",
        story=story,
        c=c,
        view=view,
        chart=chart(c.timeline, c.story_date),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        outlets=sorted({a.outlet for a in c.articles if a.outlet}),
        origins=len({a.origin for a in c.articles}),
        stored_ids={a.id for a in c.articles} if story is not None else (stored_ids or set()),
        upload=upload,
    )


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    ctx = context(request)
    try:
        article, analysis, story_id = ctx.service.article(article_id)
    except (NotFound, Ambiguous) as exc:
        raise lookup_error(exc) from exc
    return ctx.page(
        request,
        "article.html",
        a=article,
        analysis=analysis,
        story_id=story_id,
        url=safe_url(article.url),
        blocks=flagged_text(article),
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    ctx = context(request)
    hits = ctx.service.search(q, limit=50)
    stories = ctx.service.story_of([h.article_id for h in hits])
    return ctx.page(
        request,
        "search.html",
        q=q,
        hits=[(h, snippet_pieces(h.snippet), stories.get(h.article_id)) for h in hits],
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_form(request: Request) -> HTMLResponse:
    ctx = context(request)
    return ctx.page(request, "compare.html", error=None)


@router.post("/compare", response_class=HTMLResponse)
async def compare_submit(
    request: Request,
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    texts: Annotated[list[str], Form()] = [],  # noqa: B006
    store: Annotated[bool, Form()] = False,
) -> HTMLResponse:
    ctx = context(request)
    try:
        documents = await read_documents(files, texts)
        result = await run_compare(request, documents, store)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        return ctx.page(request, "compare.html", status=400, error=exc.detail)
    stored_ids: set[str] = set()
    stories: dict[str, str] = {}
    if result.stored is not None:
        ids = [a.id for a in result.compared.comparison.articles]
        stories = ctx.service.story_of(ids)
        stored_ids = set(stories)
    upload: dict[str, object] = {
        "failures": result.failures,
        "stored": result.stored,
        "stories": sorted(set(stories.values())),
    }
    return _comparison_page(request, result.compared, stored_ids=stored_ids, upload=upload)


@router.get("/static/{name}")
def static(request: Request, name: str) -> Response:
    found = context(request).static.get(name)
    if found is None:
        raise HTTPException(404, "There is nothing at this address.")
    body, media_type = found
    return Response(body, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get("/favicon.ico")
def favicon(request: Request) -> Response:
    body, media_type = context(request).static["icon.svg"]
    return Response(body, media_type=media_type)
