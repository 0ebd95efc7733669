"""Read access to talks and speakers, shared by the HTML pages and the JSON API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from app.models import Chapter, Segment, Slide, Speaker, Talk, TalkSpeaker

ROLE_LABELS = {
    "host": "主持人 host",
    "guest": "对话嘉宾 guest",
    "speaker": "主讲 speaker",
    "keynote": "主旨演讲 keynote",
    "questioner": "提问嘉宾 questioner",
}


@dataclass
class Participant:
    id: str
    name: str
    role: str


@dataclass
class TalkSummary:
    talk: Talk
    speakers: list[Participant]

    @property
    def video_site(self) -> str | None:
        """Where the recording lives: Bilibili ids start with BV, other ids are YouTube's."""
        if not self.talk.video_id:
            return None
        return "Bilibili" if self.talk.video_id.startswith("BV") else "YouTube"

    @property
    def video_url(self) -> str | None:
        if self.video_site == "Bilibili":
            part = f"?p={self.talk.part}" if self.talk.part is not None else ""
            return f"https://www.bilibili.com/video/{self.talk.video_id}{part}"
        if self.video_site == "YouTube":
            return f"https://www.youtube.com/watch?v={self.talk.video_id}"
        return None


@dataclass
class TalkDetail(TalkSummary):
    segments: list[Segment] = field(default_factory=list)
    slides_after: dict[int, list[Slide]] = field(default_factory=dict)
    speaker_names: dict[str, str] = field(default_factory=dict)
    chapters: list[Chapter] = field(default_factory=list)

    @property
    def chapter_at(self) -> dict[int, Chapter]:
        return {chapter.start_segment: chapter for chapter in self.chapters}

    def chapter_of(self, segment: int) -> Chapter | None:
        """The sub-talk a segment belongs to."""
        return next((c for c in reversed(self.chapters) if c.start_segment <= segment), None)


@dataclass
class SpeakerAppearance:
    talk: Talk
    role: str


@dataclass
class SpeakerDetail:
    speaker: Speaker
    appearances: list[SpeakerAppearance]
    segments: list[tuple[Segment, Talk]] = field(default_factory=list)  # attributed to them
    segment_count: int = 0

    @property
    def aliases(self) -> list[str]:
        return [alias for alias in self.speaker.aliases.split(" | ") if alias]


def _participants(session: Session, talk_ids: list[str]) -> dict[str, list[Participant]]:
    rows = session.exec(
        select(TalkSpeaker, Speaker)
        .join(Speaker, col(Speaker.id) == col(TalkSpeaker.speaker_id))
        .where(col(TalkSpeaker.talk_id).in_(talk_ids))
        .order_by(col(TalkSpeaker.position))
    ).all()
    by_talk: dict[str, list[Participant]] = defaultdict(list)
    for link, speaker in rows:
        by_talk[link.talk_id].append(Participant(speaker.id, speaker.name, link.role))
    return by_talk


def list_talks(session: Session, ids: list[str] | None = None) -> list[TalkSummary]:
    """Talks in programme order with their speakers; all of them, or those with the given ids."""
    chosen = select(Talk) if ids is None else select(Talk).where(col(Talk.id).in_(ids))
    talks = session.exec(chosen.order_by(col(Talk.position))).all()
    people = _participants(session, [t.id for t in talks])
    return [TalkSummary(t, people.get(t.id, [])) for t in talks]


def get_talk(session: Session, talk_id: str) -> TalkDetail | None:
    talk = session.get(Talk, talk_id)
    if talk is None:
        return None
    segments = session.exec(select(Segment).where(Segment.talk_id == talk_id).order_by(col(Segment.number))).all()
    slides_after: dict[int, list[Slide]] = defaultdict(list)
    for slide in session.exec(select(Slide).where(Slide.talk_id == talk_id).order_by(col(Slide.id))).all():
        slides_after[slide.after_segment].append(slide)
    chapters = session.exec(select(Chapter).where(Chapter.talk_id == talk_id).order_by(col(Chapter.number))).all()
    speaker_ids = {s.speaker_id for s in segments if s.speaker_id} | {c.speaker_id for c in chapters if c.speaker_id}
    names = {sp.id: sp.name for sp in session.exec(select(Speaker).where(col(Speaker.id).in_(speaker_ids))).all()}
    return TalkDetail(
        talk,
        _participants(session, [talk_id]).get(talk_id, []),
        list(segments),
        dict(slides_after),
        names,
        list(chapters),
    )


def list_speakers(session: Session) -> list[SpeakerDetail]:
    speakers = session.exec(select(Speaker).order_by(col(Speaker.name))).all()
    rows = session.exec(
        select(TalkSpeaker, Talk).join(Talk, col(Talk.id) == col(TalkSpeaker.talk_id)).order_by(col(Talk.position))
    ).all()
    appearances: dict[str, list[SpeakerAppearance]] = defaultdict(list)
    for link, talk in rows:
        appearances[link.speaker_id].append(SpeakerAppearance(talk, link.role))
    return [SpeakerDetail(sp, appearances.get(sp.id, [])) for sp in speakers]


def get_speaker(session: Session, speaker_id: str, segment_limit: int = 30) -> SpeakerDetail | None:
    speaker = session.get(Speaker, speaker_id)
    if speaker is None:
        return None
    rows = session.exec(
        select(TalkSpeaker, Talk)
        .join(Talk, col(Talk.id) == col(TalkSpeaker.talk_id))
        .where(TalkSpeaker.speaker_id == speaker_id)
        .order_by(col(Talk.position))
    ).all()
    attributed = select(Segment, Talk).join(Talk, col(Talk.id) == col(Segment.talk_id))
    attributed = attributed.where(Segment.speaker_id == speaker_id).order_by(col(Talk.position), col(Segment.number))
    segments = session.exec(attributed.limit(segment_limit)).all()
    count = session.exec(select(func.count()).select_from(Segment).where(Segment.speaker_id == speaker_id)).one()
    return SpeakerDetail(
        speaker, [SpeakerAppearance(talk, link.role) for link, talk in rows], [tuple(r) for r in segments], count
    )


@dataclass
class Totals:
    talks: int
    speakers: int
    segments: int


def totals(session: Session) -> Totals:
    return Totals(
        session.exec(select(func.count()).select_from(Talk)).one(),
        session.exec(select(func.count()).select_from(Speaker)).one(),
        session.exec(select(func.count()).select_from(Segment)).one(),
    )
