"""Typed FastAPI dependencies shared by the page and API routes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query, Request
from sqlmodel import Session

from app.web.reads import SpeakerDetail, TalkDetail, get_speaker, get_talk


def get_session(request: Request) -> Iterator[Session]:
    """A read-only session on the currently published database."""
    with request.app.state.database.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def talk_or_404(session: SessionDep, talk_id: str) -> TalkDetail:
    detail = get_talk(session, talk_id)
    if detail is None:
        raise HTTPException(404, f"No talk with id “{talk_id}”.")
    return detail


def speaker_or_404(session: SessionDep, speaker_id: str) -> SpeakerDetail:
    detail = get_speaker(session, speaker_id)
    if detail is None:
        raise HTTPException(404, f"No speaker with id “{speaker_id}”.")
    return detail


TalkDep = Annotated[TalkDetail, Depends(talk_or_404)]
SpeakerDep = Annotated[SpeakerDetail, Depends(speaker_or_404)]


@dataclass
class SearchOptions:
    """The filters and sort order that the search page and the search API both take."""

    event: Annotated[str, Query(max_length=200)] = ""
    forum: Annotated[str, Query(max_length=200)] = ""
    speaker: Annotated[str, Query(max_length=200)] = ""
    kind: Annotated[str, Query(max_length=40, description="talk, conversation, panel or forum")] = ""
    talk: Annotated[str, Query(max_length=200)] = ""
    sort: Literal["relevance", "programme"] = "relevance"
    mode: Annotated[
        Literal["all", "literal"],
        Query(description="all: one ranking of literal, variant, word and meaning matches; literal: every term only"),
    ] = "all"

    @property
    def filters(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if name not in ("sort", "mode")}


SearchOptionsDep = Annotated[SearchOptions, Depends()]
