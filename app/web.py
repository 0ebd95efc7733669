"""The FastAPI application: HTML pages (thin routes over catalog and search) and error pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from itertools import groupby
from math import ceil
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import catalog, config, sounds, text
from app.api import router as api_router
from app.db import Database, DatabaseMissing
from app.deps import SearchOptionsDep, SessionDep
from app.filters import catalogue, find_speakers
from app.highlight import mark
from app.models import Chapter, Segment, Slide
from app.query import parse_query
from app.search import search
from app.structure import KINDS

logger = logging.getLogger(__name__)
templates = Jinja2Templates(directory=str(config.TEMPLATES_DIR))
templates.env.globals["role_labels"] = catalog.ROLE_LABELS
templates.env.globals["kinds"] = KINDS
templates.env.globals["match_labels"] = {
    "alias": "known alias",
    "sounds_like": "sounds alike",
    "fuzzy": "similar spelling",
    "similar": "similar spelling",
    "partial": "part of the name",
}
templates.env.globals["method_labels"] = {
    "heading": "named in the heading",
    "handover": "introduced by the host",
    "addressed": "addressed by name",
    "self_intro": "introduced themselves",
    "thanks_host": "thanked the host",
    "continuation": "continues the previous turn",
    "host_question": "the host's question",
}
templates.env.filters["mark"] = mark

PAGE_SIZE = 20
MAX_PAGE = 500


@asynccontextmanager
async def _warm_up(app: FastAPI) -> AsyncIterator[None]:
    """Load the dictionaries and the catalogue before the first request rather than during it."""
    text.load_dictionary()
    sounds.folded("中")  # loads pypinyin's dictionary
    with suppress(DatabaseMissing), app.state.database.session() as session:
        connection = session.connection()
        catalogue(connection).vocabulary(connection)  # for "did you mean" suggestions
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
    app.include_router(pages)
    _add_error_handlers(app)
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


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "title": title, "message": message}, status_code=status
    )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            detail = error.detail if error.detail != "Not Found" else "There is no page at this address."
            return _error_page(request, 404, "Not found", detail)
        return _error_page(request, error.status_code, "Request not possible", str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in error.errors()
        )
        if _wants_json(request):
            return JSONResponse({"detail": problems, "errors": jsonable_errors(error)}, status_code=422)
        return _error_page(request, 422, "Invalid request", problems)

    @app.exception_handler(DatabaseMissing)
    async def database_missing(request: Request, error: DatabaseMissing) -> Response:
        message = f"No database at {error}. Run `make ingest` (or `python -m app ingest`) first."
        return _error_page(request, 503, "No data yet", message)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error on %s", request.url.path)
        return _error_page(request, 500, "Something went wrong", "An unexpected error occurred; it has been logged.")


def jsonable_errors(error: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]


pages = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@pages.get("/")
def home(request: Request, session: SessionDep) -> Response:
    talks = catalog.list_talks(session)
    events = [
        (
            event or "Other",
            [(forum or "", list(forum_talks)) for forum, forum_talks in groupby(group, key=lambda s: s.talk.forum)],
        )
        for event, group in groupby(talks, key=lambda s: s.talk.event)
    ]
    return templates.TemplateResponse(request, "index.html", {"events": events, "totals": catalog.totals(session)})


DOWNLOADS = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8"}


# Declared before /talks/{talk_id}, which would otherwise take "ID.md" for a talk id.
@pages.get("/talks/{talk_id}.md")
def talk_markdown(request: Request, session: SessionDep, talk_id: str) -> Response:
    """The whole transcript as a Markdown file, with the talk's facts and permalinks."""
    return talk_download(request, session, talk_id, "md")


@pages.get("/talks/{talk_id}.txt")
def talk_text(request: Request, session: SessionDep, talk_id: str) -> Response:
    """The whole transcript as a plain-text file."""
    return talk_download(request, session, talk_id, "txt")


def talk_download(request: Request, session: SessionDep, talk_id: str, fmt: Literal["md", "txt"]) -> Response:
    detail = catalog.get_talk(session, talk_id)
    if detail is None:
        raise HTTPException(404, f"No talk with id “{talk_id}”.")
    permalink = str(request.base_url).rstrip("/") + "/talks/" + quote(talk_id)
    body = transcript_markdown(detail, permalink) if fmt == "md" else transcript_text(detail, permalink)
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in talk_id)
    disposition = f"attachment; filename=\"{ascii_name}.{fmt}\"; filename*=UTF-8''{quote(talk_id)}.{fmt}"
    return PlainTextResponse(body, media_type=DOWNLOADS[fmt], headers={"Content-Disposition": disposition})


def _facts(detail: catalog.TalkDetail) -> list[tuple[str, str]]:
    talk = detail.talk
    where = " › ".join(p for p in (talk.event, talk.forum if talk.forum != talk.title else None, talk.session) if p)
    people = ", ".join(f"{p.name} ({catalog.ROLE_LABELS.get(p.role, p.role)})" for p in detail.speakers)
    video = detail.video_url
    return [
        (label, value)
        for label, value in (
            ("Event", where),
            ("Speakers", people),
            ("Part", f"P{talk.part}" if talk.part is not None else ""),
            ("Date", str(talk.date or "")),
            ("Video", video or ""),
        )
        if value
    ]


def _turns(detail: catalog.TalkDetail) -> Iterator[tuple[Chapter | None, Segment, str | None]]:
    """(chapter starting here, segment, speaker's name where the speaker changes) for each segment."""
    chapter_at, previous = detail.chapter_at, None
    for seg in detail.segments:
        name = detail.speaker_names.get(seg.speaker_id, seg.speaker_id) if seg.speaker_id else None
        if name and (seg.confidence is None or seg.confidence < 0.8):
            name += " (?)"
        yield chapter_at.get(seg.number), seg, (name if name != previous else None)
        previous = name


def _chapter_label(detail: catalog.TalkDetail, chapter: Chapter) -> str:
    """The page's label for a sub-talk, as plain text."""
    return Markup(templates.env.get_template("_chapter_label.html").render(detail=detail, c=chapter)).unescape()


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_<>&"})


def _md(text: str) -> str:
    """Transcript text as literal Markdown: emphasis, code, HTML and entities escaped, `[x](y)` never a link."""
    return text.translate(_MARKDOWN_SPECIAL).replace("](", "]\\(")


_URL_SAFE = ":/?#@!$&'*+,;=%~"  # everything else (spaces, quotes, brackets, parentheses) is percent-encoded


def _markdown_slide(slide: Slide) -> str:
    if slide.url.startswith(("https://", "http://")):
        return f"![Slide]({quote(slide.url, safe=_URL_SAFE)})"
    return f"*(slide not available: {_md(slide.url)})*"


def transcript_markdown(detail: catalog.TalkDetail, permalink: str) -> str:
    lines = [f"# {_md(detail.talk.title)}", ""]
    lines += [f"- {label}: " + (f"<{value}>" if label == "Video" else _md(value)) for label, value in _facts(detail)]
    lines += [f"- Transcript: <{permalink}>", ""]
    lines += [_markdown_slide(slide) + "\n" for slide in detail.slides_after.get(0, [])]
    for chapter, seg, speaker in _turns(detail):
        if chapter:
            lines += [f"## {_md(_chapter_label(detail, chapter))}", ""]
        who = f"**{_md(speaker)}:** " if speaker else ""
        lines += [f"[{seg.number}]({permalink}#s{seg.number}) {who}{_md(seg.text)}", ""]
        lines += [_markdown_slide(slide) + "\n" for slide in detail.slides_after.get(seg.number, [])]
    return "\n".join(lines).rstrip() + "\n"


def transcript_text(detail: catalog.TalkDetail, permalink: str) -> str:
    lines = [detail.talk.title, ""]
    lines += [f"{label}: {value}" for label, value in _facts(detail)]
    lines += [f"Transcript: {permalink} (segment N: {permalink}#sN)", ""]
    for chapter, seg, speaker in _turns(detail):
        if chapter:
            lines += ["", f"== {_chapter_label(detail, chapter)} ==", ""]
        lines += [f"[{seg.number}] " + (f"{speaker}: " if speaker else "") + seg.text, ""]
    return "\n".join(lines).rstrip() + "\n"


@pages.get("/talks/{talk_id}")
def talk_page(
    request: Request,
    session: SessionDep,
    talk_id: str,
    q: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    detail = catalog.get_talk(session, talk_id)
    if detail is None:
        raise HTTPException(404, f"No talk with id “{talk_id}”.")
    terms = [t.text for t in parse_query(q).positive_terms]
    marked = {seg.number: mark(seg.text, terms) for seg in detail.segments} if terms else {}
    hits = [number for number, html in marked.items() if "<mark>" in html]
    return templates.TemplateResponse(
        request,
        "talk.html",
        {
            "detail": detail,
            "q": q,
            "marked": marked,
            "hits": hits,
            "hit_numbers": set(hits),
            "hit_map": hit_map(hits, len(detail.segments)),
        },
    )


def hit_map(hits: list[int], segment_count: int, buckets: int = 100) -> list[int | None]:
    """The talk cut into equal slices: each slice's first hit segment, or None where it has none."""
    slices: list[int | None] = [None] * min(buckets, max(segment_count, 1))
    for number in hits:
        index = (number - 1) * len(slices) // max(segment_count, 1)
        if slices[index] is None:
            slices[index] = number
    return slices


@pages.get("/search")
def search_page(
    request: Request,
    session: SessionDep,
    options: SearchOptionsDep,
    q: Annotated[str, Query(max_length=500)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    filters, sort = options.filters, options.sort
    result = search(session.connection(), q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, filters=filters, sort=sort)
    active = {k: v for k, v in filters.items() if v}
    shown = result.total + (result.approximate_total or 0) + result.related_total
    pages_total = min(MAX_PAGE, ceil(shown / PAGE_SIZE))

    def page_url(number: int, *, sort: str = sort, drop: str | None = None, add: dict | None = None) -> str:
        kept = {k: v for k, v in {**active, **(add or {})}.items() if k != drop}
        return "/search?" + urlencode({"q": q, **kept, "sort": sort, "page": number})

    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": q,
            "result": result,
            "page": page,
            "pages_total": pages_total,
            "page_url": page_url,
            "filters": active,
            "sort": sort,
            "talks": catalogue(session.connection()).talks,  # event and forum of each hit's talk
        },
    )


@pages.get("/speakers")
def speakers_page(request: Request, session: SessionDep, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    speakers = catalog.list_speakers(session)
    how = None
    if q.strip():
        known = {d.speaker.id: (d.speaker.name, d.aliases) for d in speakers}
        ids, how = find_speakers(known, q)
        speakers = [d for d in speakers if d.speaker.id in ids]
    return templates.TemplateResponse(request, "speakers.html", {"speakers": speakers, "q": q, "how": how})


@pages.get("/speakers/{speaker_id}")
def speaker_page(request: Request, session: SessionDep, speaker_id: str) -> Response:
    detail = catalog.get_speaker(session, speaker_id)
    if detail is None:
        raise HTTPException(404, f"No speaker with id “{speaker_id}”.")
    return templates.TemplateResponse(request, "speaker.html", {"detail": detail})
