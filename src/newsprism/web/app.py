"""The web app: ``create_app(db)`` → a FastAPI app with the pages, the JSON API under ``/api/``,
its static files, and the guards (security headers, token, Host/Origin checks, upload limit).

Errors are pages (or ``{"detail": …}`` under ``/api/``), never tracebacks.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader
from starlette.exceptions import HTTPException

from newsprism import __version__
from newsprism.config import Settings
from newsprism.errors import ConfigError, NewsprismError
from newsprism.store import open_store
from newsprism.web.security import HeadAsGet, RequestGuard, SecurityHeaders, wants_json
from newsprism.web.service import StoreService

log = logging.getLogger(__name__)

#: Largest request body (uploads, pasted text) accepted, in bytes.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: What a token may contain: it travels in a header, a query string and a cookie as it is.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9._~-]{8,200}")
_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}


@dataclass(slots=True)
class WebContext:
    """What every route needs: the store service, the templates and the static files."""

    service: StoreService
    templates: Environment
    static: dict[str, tuple[bytes, str]]
    token: bool

    def page(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.templates.get_template(name).render(
            request_path=request.url.path, version=__version__, **values
        )
        return HTMLResponse(html, status_code=status)

    def error_html(self, status: int, message: str) -> str:
        return self.templates.get_template("error.html").render(
            status=status, message=message, version=__version__, request_path=""
        )


def context(request: Request) -> WebContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, WebContext)
    return ctx


def templates() -> Environment:
    """The Jinja2 templates; autoescaping on for every template."""
    env = Environment(
        loader=PackageLoader("newsprism.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = lambda x: f"{100 * float(x):.0f}%"
    return env


def static_files() -> dict[str, tuple[bytes, str]]:
    """The packaged static files by name, read once: nothing else can ever be served."""
    folder = resources.files("newsprism.web") / "static"
    out: dict[str, tuple[bytes, str]] = {}
    for item in folder.iterdir():
        suffix = Path(item.name).suffix.lower()
        if item.is_file() and suffix in _TYPES:
            out[item.name] = (item.read_bytes(), _TYPES[suffix])
    return out


#: How much of a rejected value an error answer repeats.
_ECHO_CHARS = 200


def _clip_input(error: Any) -> Any:
    if not isinstance(error, dict):
        return error
    value = error.get("input")
    if isinstance(value, str) and len(value) > _ECHO_CHARS:
        return {**error, "input": value[:_ECHO_CHARS] + "…"}
    return error


def create_app(
    db: str | Path,
    token: str | None = None,
    settings: Settings | None = None,
    *,
    allowed_hosts: list[str] | None = None,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    precompute: bool = False,
) -> FastAPI:
    """The web app over the store ``db`` (which must exist).

    ``token``: when set, every request must carry it (``Authorization: Bearer``, or once as
    ``?token=``, which sets a cookie). ``allowed_hosts``: the Host names it answers to (None: any).
    ``precompute``: compare the stored stories in the background, for the story list."""
    if token is not None and not TOKEN_PATTERN.fullmatch(token):
        raise ConfigError(
            "token: use 8-200 characters from letters, digits and . _ ~ - "
            "(it travels in headers, URLs and a cookie)"
        )
    db = str(db)
    settings = settings or Settings(db=db)
    with open_store(db, read_only=True):  # fails now, with one line, when there is no store
        pass
    ctx = WebContext(StoreService(db, settings), templates(), static_files(), token is not None)
    app = FastAPI(
        title="newsprism",
        version=__version__,
        description="Stories, comparisons, articles and search of a newsprism store; the shapes "
        "are those of the CLI's `--format json` output.",
        docs_url=None,  # the interactive docs page loads scripts from a CDN: not offered
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = ctx

    from newsprism.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    _add_error_handlers(app, ctx)

    def error_page(status: int, message: str, as_json: bool) -> tuple[bytes, bytes]:
        if as_json:
            return json.dumps({"detail": message}).encode(), b"application/json"
        return ctx.error_html(status, message).encode(), b"text/html; charset=utf-8"

    app.add_middleware(
        RequestGuard,
        token=token,
        allowed_hosts=allowed_hosts,
        max_body_bytes=max_upload_bytes,
        error_page=error_page,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    if precompute:
        threading.Thread(target=ctx.service.warm, name="newsprism-warm", daemon=True).start()
    return app


def _add_error_handlers(app: FastAPI, ctx: WebContext) -> None:
    def answer(request: Request, status: int, message: str) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if wants_json(request.scope):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        return HTMLResponse(ctx.error_html(status, message), status_code=status, headers=headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 405:
            return answer(request, 405, "This address does not take that method.")
        message = exc.detail if isinstance(exc.detail, str) else "Request refused."
        if exc.status_code == 404 and message == "Not Found":
            message = "There is nothing at this address."
        return answer(request, exc.status_code, message)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if wants_json(request.scope):
            # FastAPI's own answer, with each rejected value cut short (it echoes the input:
            # a 100 KB query would come back as a 100 KB error)
            clipped = RequestValidationError([_clip_input(e) for e in exc.errors()])
            return await request_validation_exception_handler(request, clipped)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'input'}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return answer(request, 422, f"Some of the input is not valid ({problems}).")

    async def store_error(request: Request, exc: Exception) -> Response:
        log.warning("store error on %s: %s", request.url.path, exc)
        return answer(request, 503, str(exc).splitlines()[0] if str(exc) else "store error")

    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("error on %s", request.url.path, exc_info=exc)
        return answer(request, 500, "Something went wrong on the server; it has been logged.")

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(NewsprismError, store_error)
    app.add_exception_handler(Exception, crashed)
