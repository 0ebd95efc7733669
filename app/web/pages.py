"""HTML pages: thin routes over the reads and the search."""

from __future__ import annotations

from itertools import groupby
from math import ceil
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import config
from app.models import Chapter
from app.search import search
from app.search.explore import Grouping, explore
from app.search.filters import corpus_facts, find_speakers
from app.search.highlight import mark
from app.search.query import parse_query
from app.web import about, reads
from app.web.deps import SearchOptionsDep, SessionDep, SpeakerDep, TalkDep
from app.web.templating import templates

pages = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@pages.get("/")
def home(request: Request, session: SessionDep) -> Response:
    talks = reads.list_talks(session)
    events = [
        (
            event or "Other",
            [(forum or "", list(forum_talks)) for forum, forum_talks in groupby(group, key=lambda s: s.talk.forum)],
        )
        for event, group in groupby(talks, key=lambda s: s.talk.event)
    ]
    forum_terms = {(f.event or "Other", f.forum): f.keywords for f in about.overview(session)}
    context = {"events": events, "totals": reads.totals(session), "forum_terms": forum_terms}
    return templates.TemplateResponse(request, "index.html", context)


@pages.get("/talks")
def talks() -> Response:
    """The list of talks is the home page; /talks is where people look for it (as /talks/{id} is a talk)."""
    return RedirectResponse("/", status_code=308)


GROUPINGS = [("event", "活动 Event"), ("forum", "论坛 Forum"), ("talk", "演讲 Talk"), ("speaker", "讲者 Speaker")]


@pages.get("/explore")
def explore_page(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=config.MAX_QUERY_CHARS)] = "",
    by: Grouping = "forum",
) -> Response:
    chart = explore(session.connection(), q, by) if q.strip() else None
    context = {
        "q": q,
        "by": by,
        "groupings": GROUPINGS,
        "chart": chart,
        "overview": about.overview(session),
        "explore_link": lambda k: "/explore?" + urlencode({"q": k.term}),
    }
    return templates.TemplateResponse(request, "explore.html", context)


@pages.get("/talks/{talk_id}")
def talk_page(
    request: Request,
    session: SessionDep,
    detail: TalkDep,
    q: Annotated[str, Query(max_length=config.MAX_QUERY_CHARS)] = "",
) -> Response:
    terms = [t.text for t in parse_query(q).positive_terms]
    marked = {seg.number: mark(seg.text, terms) for seg in detail.segments} if terms else {}
    hits = [number for number, html in marked.items() if "<mark>" in html]
    talk_id = detail.talk.id
    slices = hit_map(hits, len(detail.segments))
    return templates.TemplateResponse(
        request,
        "talk.html",
        {
            "detail": detail,
            "q": q,
            "marked": marked,
            "hits": hits,
            "hit_numbers": set(hits),
            "hit_map": slices,
            "chapter_slices": chapter_slices(detail, len(slices)),
            "hits_per_chapter": hits_per_chapter(detail, hits),
            "keywords": about.talk_keywords(session, talk_id),
            "chapter_keywords": about.chapter_keywords(session, talk_id),
            "related": about.related(session, talk_id),
            "in_talk": lambda k: f"/talks/{quote(talk_id)}?" + urlencode({"q": about.search_terms(k)}) + "#hits",
        },
    )


def chapter_slices(detail: reads.TalkDetail, slices: int) -> dict[int, str]:
    """Hit-map slice → the sub-talk that begins in it, so the map shows the chapter boundaries."""
    count = max(len(detail.segments), 1)
    return {(c.start_segment - 1) * slices // count: chapter_label(c) for c in detail.chapters}


def hits_per_chapter(detail: reads.TalkDetail, hits: list[int]) -> list[tuple[str, int]]:
    """(sub-talk label, hits in it), in order."""
    counts = {c.number: 0 for c in detail.chapters}
    for number in hits:
        chapter = detail.chapter_of(number)
        if chapter is not None:
            counts[chapter.number] += 1
    return [(chapter_label(c), counts[c.number]) for c in detail.chapters]


def chapter_label(chapter: Chapter) -> str:
    who = chapter.heard_name or ""
    return f"{chapter.number}. {who}{' · ' if who and chapter.topic else ''}{chapter.topic or ''}".strip()


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
    q: Annotated[str, Query(max_length=config.MAX_QUERY_CHARS)] = "",
    page: Annotated[int, Query(ge=1, le=config.MAX_PAGE)] = 1,
) -> Response:
    filters, sort = options.filters, options.sort
    offset = (page - 1) * config.PAGE_SIZE
    result = search(
        session.connection(),
        q,
        limit=config.PAGE_SIZE,
        offset=offset,
        filters=filters,
        sort=sort,
        mode=options.mode,
    )
    active = {k: v for k, v in filters.items() if v}
    shown = max(result.ranked, result.total + (result.approximate_total or 0) + result.related_total)
    pages_total = min(config.MAX_PAGE, ceil(shown / config.PAGE_SIZE))

    def page_url(
        number: int, *, sort: str = sort, mode: str = options.mode, drop: str | None = None, add: dict | None = None
    ) -> str:
        kept = {k: v for k, v in {**active, **(add or {})}.items() if k != drop}
        chosen = {"mode": mode} if mode != "all" else {}
        return "/search?" + urlencode({"q": q, **kept, "sort": sort, **chosen, "page": number})

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
            "mode": options.mode,
            "ranked_on_page": max(0, min(len(result.hits), result.ranked - offset)),
            "talks": corpus_facts(session.connection()).talks,  # event and forum of each hit's talk
        },
    )


@pages.get("/speakers")
def speakers_page(request: Request, session: SessionDep, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    speakers = reads.list_speakers(session)
    how = None
    if q.strip():
        known = {d.speaker.id: (d.speaker.name, d.aliases) for d in speakers}
        ids, how = find_speakers(known, q)
        speakers = [d for d in speakers if d.speaker.id in ids]
    return templates.TemplateResponse(request, "speakers.html", {"speakers": speakers, "q": q, "how": how})


@pages.get("/speakers/{speaker_id}")
def speaker_page(request: Request, session: SessionDep, detail: SpeakerDep) -> Response:
    speaker_id = detail.speaker.id
    context = {
        "detail": detail,
        "keywords": about.speaker_keywords(session, speaker_id),
        "in_speaker": lambda k: "/search?" + urlencode({"q": about.search_terms(k), "speaker": speaker_id}),
    }
    return templates.TemplateResponse(request, "speaker.html", context)
