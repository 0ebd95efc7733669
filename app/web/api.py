"""JSON API under /api; the search contract is documented in the README and at /docs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.search import search
from app.search.engine import Hit
from app.search.explore import Grouping, explore
from app.topics.keywords import Keyword
from app.web import about
from app.web import reads as catalog
from app.web.deps import SearchOptionsDep, SessionDep, SpeakerDep, TalkDep

router = APIRouter(prefix="/api", tags=["api"])


class SpeakerRole(BaseModel):
    id: str
    name: str
    role: str


class TalkOut(BaseModel):
    id: str
    title: str
    kind: str
    event: str | None
    forum: str | None
    session: str | None
    part: int | None
    date: dt.date | None
    uploader: str | None
    video_id: str | None
    video_url: str | None
    source_file: str
    segment_count: int
    char_count: int
    speakers: list[SpeakerRole]
    url: str


class SegmentOut(BaseModel):
    number: int
    text: str
    speaker: str | None = Field(description="who speaks most of this paragraph, when known")
    speaker_id: str | None
    method: str | None = Field(description="heading, handover, addressed, self_intro, thanks_host, continuation …")
    confidence: float | None
    turn_inside: bool = Field(description="the speaker changes inside this paragraph")
    url: str


class ChapterOut(BaseModel):
    number: int
    start_segment: int
    kind: str
    speaker: str | None
    speaker_id: str | None
    heard_name: str | None
    affiliation: str | None
    topic: str | None
    confidence: float
    url: str


class SlideOut(BaseModel):
    after_segment: int
    url: str


class KeywordOut(BaseModel):
    term: str
    weight: float = Field(description="how much more the talk says it than the rest of the corpus (log-odds z-score)")
    count: int = Field(description="times it is said, its variant spellings included")
    forms: list[str] = Field(description="the spellings said, most frequent first")


class TalkDetailOut(TalkOut):
    keywords: list[KeywordOut]
    segments: list[SegmentOut]
    slides: list[SlideOut]
    chapters: list[ChapterOut]


class RelatedOut(BaseModel):
    talk: TalkOut
    score: float = Field(description="cosine similarity of the two talks' keywords")
    shared: list[str] = Field(description="the keywords both talks have, most telling first")


class ForumTopicsOut(BaseModel):
    event: str
    forum: str
    keywords: list[KeywordOut]


class ExploreSeriesOut(BaseModel):
    query: str
    literal: int = Field(description="segments holding every term")
    variants: int = Field(description="further segments found through a known or likely mis-transcription")
    heard: list[str]


class ExploreBarOut(BaseModel):
    literal: int
    variants: int
    rate: float = Field(description="(literal + variants) per 10,000 characters of the group")
    url: str = Field(description="the search restricted to this group")


class ExploreRowOut(BaseModel):
    key: str = Field(description="the value of the search filter named by `by`")
    label: str
    characters: int
    bars: list[ExploreBarOut] = Field(description="one per query, in the order of `series`")


class ExploreOut(BaseModel):
    by: str
    series: list[ExploreSeriesOut]
    rows: list[ExploreRowOut]
    notes: list[str] = Field(description="why something is missing: empty queries, too many, nothing found")


class AppearanceOut(BaseModel):
    talk_id: str
    talk_title: str
    role: str
    url: str


class SpeakerOut(BaseModel):
    id: str
    name: str
    affiliation: str | None
    aliases: list[str]
    url: str
    talks: list[AppearanceOut]
    attributed_segments: int


class SearchOut(BaseModel):
    query: str
    total: int = Field(description="segments containing every term exactly")
    total_exact: bool = Field(
        True, description="false when the query was too broad to count in time: `total` is then a lower bound"
    )
    approximate_total: int | None = Field(
        None, description="segments matching a likely mis-transcription; null when the page was full of exact matches"
    )
    related_total: int = Field(0, description="segments holding most of the query's meaningful words")
    ranked: int = Field(0, description="the first results that are one ranking of every kind of match")
    meaning_ready: bool = Field(
        True, description="false while the vectors for meaning-based results are still being computed"
    )
    results: list[Hit]
    warnings: list[str] = Field(
        default_factory=list, description="parts of the query that were not searched or filters that match nothing"
    )


def _talk_out(summary: catalog.TalkSummary) -> dict:
    talk = summary.talk
    return {
        **talk.model_dump(include=set(TalkOut.model_fields)),
        "video_url": summary.video_url,
        "speakers": [SpeakerRole(id=p.id, name=p.name, role=p.role) for p in summary.speakers],
        "url": f"/talks/{talk.id}",
    }


def _speaker_out(detail: catalog.SpeakerDetail) -> SpeakerOut:
    return SpeakerOut(
        id=detail.speaker.id,
        name=detail.speaker.name,
        affiliation=detail.speaker.affiliation,
        aliases=detail.aliases,
        attributed_segments=detail.segment_count,
        url=f"/speakers/{detail.speaker.id}",
        talks=[
            AppearanceOut(talk_id=a.talk.id, talk_title=a.talk.title, role=a.role, url=f"/talks/{a.talk.id}")
            for a in detail.appearances
        ],
    )


@router.get("/talks", response_model=list[TalkOut])
def talks(session: SessionDep) -> list[dict]:
    return [_talk_out(summary) for summary in catalog.list_talks(session)]


def _keyword_out(keyword: Keyword) -> KeywordOut:
    return KeywordOut(term=keyword.term, weight=keyword.weight, count=keyword.count, forms=list(keyword.forms))


@router.get("/talks/{talk_id}", response_model=TalkDetailOut)
def talk(talk_id: str, session: SessionDep, detail: TalkDep) -> dict:
    return {
        **_talk_out(detail),
        "keywords": [_keyword_out(k) for k in about.talk_keywords(session, talk_id)],
        "segments": [
            SegmentOut(
                number=s.number,
                text=s.text,
                speaker=detail.speaker_names.get(s.speaker_id or ""),
                speaker_id=s.speaker_id,
                method=s.method,
                confidence=s.confidence,
                turn_inside=s.turn_inside,
                url=f"/talks/{talk_id}#s{s.number}",
            )
            for s in detail.segments
        ],
        "chapters": [
            ChapterOut(
                **c.model_dump(include=set(ChapterOut.model_fields)),
                speaker=detail.speaker_names.get(c.speaker_id or ""),
                url=f"/talks/{talk_id}#c{c.number}",
            )
            for c in detail.chapters
        ],
        "slides": [
            SlideOut(after_segment=after, url=slide.url)
            for after, slides in sorted(detail.slides_after.items())
            for slide in slides
        ],
    }


@router.get("/talks/{talk_id}/related", response_model=list[RelatedOut])
def related_talks(talk_id: str, session: SessionDep, detail: TalkDep) -> list[RelatedOut]:
    """The talks most about the same things, with the keywords they share."""
    found = about.related(session, talk_id)
    summaries = {s.talk.id: s for s in catalog.list_talks(session, [r.talk.id for r in found])}
    return [RelatedOut(talk=_talk_out(summaries[r.talk.id]), score=r.score, shared=r.shared) for r in found]


@router.get("/overview", response_model=list[ForumTopicsOut])
def overview(session: SessionDep) -> list[ForumTopicsOut]:
    """The most distinctive terms of each forum: what the conference was about."""
    return [
        ForumTopicsOut(event=f.event, forum=f.forum, keywords=[_keyword_out(k) for k in f.keywords])
        for f in about.overview(session)
    ]


@router.get("/explore", response_model=ExploreOut)
def explore_topics(
    session: SessionDep,
    q: Annotated[str, Query(max_length=500, description="one or more queries, separated by commas")] = "",
    by: Grouping = "forum",
) -> ExploreOut:
    """Where queries are talked about: matching segments per event, forum, talk or attributed speaker."""
    chart = explore(session.connection(), q, by)
    return ExploreOut.model_validate(chart, from_attributes=True)


@router.get("/speakers", response_model=list[SpeakerOut])
def speakers(session: SessionDep) -> list[SpeakerOut]:
    return [_speaker_out(detail) for detail in catalog.list_speakers(session)]


@router.get("/speakers/{speaker_id}", response_model=SpeakerOut)
def speaker(speaker_id: str, detail: SpeakerDep) -> SpeakerOut:
    return _speaker_out(detail)


@router.get("/search", response_model=SearchOut)
def search_segments(
    session: SessionDep,
    options: SearchOptionsDep,
    q: Annotated[str, Query(max_length=500, description='query: terms, "phrases", -exclusions, A OR B')] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchOut:
    result = search(
        session.connection(),
        q,
        limit=limit,
        offset=offset,
        filters=options.filters,
        sort=options.sort,
        mode=options.mode,
    )
    return SearchOut(
        query=q,
        total=result.total,
        total_exact=result.total_exact,
        approximate_total=result.approximate_total,
        related_total=result.related_total,
        ranked=result.ranked,
        meaning_ready=result.embedding is None,
        results=result.hits,
        warnings=result.warnings,
    )
