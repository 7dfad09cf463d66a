"""The web UI and JSON API of a store (``newsprism serve``).

Public entry point::

    create_app(db, token=None, settings=None) -> FastAPI

Pages: the stories (``/``), one story's comparison (``/stories/{id}``), one article
(``/articles/{id}``), search (``/search``) and a quick comparison of uploaded text
(``/compare``); the JSON API under ``/api/`` (schema at ``/openapi.json``). Everything it serves
comes from the package: no CDN, no network.
"""

from __future__ import annotations

from newsprism.web.app import MAX_UPLOAD_BYTES, create_app

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]
