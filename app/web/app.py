"""The application factory: the published database, middleware, static files, routers, error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from app import config, sounds, text
from app.db import Database, DatabaseMissing
from app.memory import release_freed_memory
from app.search.filters import corpus_facts
from app.web.api import router as api_router
from app.web.downloads import downloads
from app.web.errors import add_error_handlers
from app.web.pages import pages


@asynccontextmanager
async def _warm_up(app: FastAPI) -> AsyncIterator[None]:
    """Load the dictionaries and the catalogue before the first request rather than during it."""
    text.load_dictionary()
    sounds.folded("中")  # loads pypinyin's dictionary
    with suppress(DatabaseMissing), app.state.database.session() as session:
        connection = session.connection()
        corpus_facts(connection).warm()  # the catalogue, word statistics and suggestion index searches read
    release_freed_memory()  # what reading the catalogue left behind
    yield


def create_app(database: Database | None = None) -> FastAPI:
    app = FastAPI(
        lifespan=_warm_up,
        title="AI conference talks",
        description="Browse and search transcripts of AI-conference talks.",
        version="0.1.0",
    )
    app.state.database = database or Database(config.database_path())
    app.middleware("http")(_security_headers)
    app.add_middleware(GZipMiddleware, minimum_size=1000)  # the longest talk page: 570 kB, 110 kB sent
    app.mount("/static", StaticFiles(directory=str(config.STATIC_DIR)), name="static")
    app.include_router(api_router)
    app.include_router(downloads)  # before /talks/{talk_id}, which would take ID.md for an id
    app.include_router(pages)
    add_error_handlers(app)
    return app


# Pages load nothing from elsewhere but slide images; the API docs page uses its own CDN assets.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; script-src 'self'; style-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


async def _security_headers(request: Request, call_next) -> Response:  # noqa: ANN001 (Starlette's callable)
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.url.path.startswith(("/docs", "/redoc")):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "public, max-age=86400"
    return response
