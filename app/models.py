"""SQLModel tables. Full-text indexes are plain FTS5 tables created in `db.py`."""

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

# What kind of recording a talk is (speakers/structure.py decides), with its label on pages.
TALK_KINDS = {
    "talk": "演讲 talk",
    "conversation": "演讲与对话 keynote + conversation",
    "panel": "圆桌 panel",
    "forum": "论坛全程 whole forum",
}


class SourceFile(SQLModel, table=True):
    """One transcript file as last ingested; the hash lets unchanged files be skipped."""

    name: str = Field(primary_key=True)  # file name inside the transcripts folder
    sha256: str
    size: int
    talk_count: int


class Talk(SQLModel, table=True):
    id: str = Field(primary_key=True)  # e.g. BV1zE421N7UJ-p7, stable across re-ingests
    source_file: str = Field(index=True)
    heading_line: int
    position: int = Field(index=True)  # order in the programme: by event, date, video, part
    heading: str
    event: str | None = Field(default=None, index=True)
    forum: str | None = Field(default=None, index=True)
    part: int | None = None
    title: str
    kind: str = Field(default="talk", index=True)  # talk, conversation, panel, forum (see structure.py)
    session: str | None = None
    uploader: str | None = None
    video_id: str | None = None
    date: dt.date | None = None
    segment_count: int = 0
    char_count: int = 0
    slide_count: int = 0
    word_cut: int | None = Field(default=None, foreign_key="wordcut.id")  # the names its words were cut with


class WordCut(SQLModel, table=True):
    """The names an ingest taught the word index's cutter: its talks' segments are cut again with them
    to be deleted from that index, which stores no text (see text.IndexCutter)."""

    id: int | None = Field(default=None, primary_key=True)
    names: str  # one per line


class Speaker(SQLModel, table=True):
    id: str = Field(primary_key=True)  # the normalised name, readable in URLs
    name: str
    affiliation: str | None = None
    aliases: str = ""  # other spellings heard in the transcripts, separated by " | "
    char_count: int = 0  # characters of the segments attributed to them (rates in explore.py)


class TalkSpeaker(SQLModel, table=True):
    """The role of one speaker in one talk (a person may have two roles)."""

    talk_id: str = Field(primary_key=True, foreign_key="talk.id")
    speaker_id: str = Field(primary_key=True, foreign_key="speaker.id", index=True)
    role: str = Field(primary_key=True)  # host, guest, speaker, keynote, questioner
    position: int = 0  # order in the heading, then in the recording
    source: str = "heading"  # heading, or handover when the host introduced them in the text


class Segment(SQLModel, table=True):
    """One paragraph of a talk; (talk_id, number) is its permanent address."""

    __table_args__ = (UniqueConstraint("talk_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)  # rowid of the full-text indexes
    talk_id: str = Field(foreign_key="talk.id")  # looked up through the (talk_id, number) index
    number: int  # 1..n within the talk
    text: str  # display text, recognition noise removed
    speaker_id: str | None = Field(default=None, foreign_key="speaker.id", index=True)
    method: str | None = None  # how the speaker was worked out: heading, handover, addressed, continuation …
    confidence: float | None = None
    turn_inside: bool = False  # the speaker changes inside this paragraph; the label is its majority speaker


class Chapter(SQLModel, table=True):
    """A sub-talk of a forum recording, from one hand-over to the next (anchor `#c{number}`)."""

    id: int | None = Field(default=None, primary_key=True)
    talk_id: str = Field(foreign_key="talk.id", index=True)
    number: int  # 1..n within the talk
    start_segment: int
    kind: str  # opening, talk, video
    speaker_id: str | None = Field(default=None, foreign_key="speaker.id")
    heard_name: str | None = None
    affiliation: str | None = None
    topic: str | None = None
    confidence: float
    cue: str


class Slide(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    talk_id: str = Field(foreign_key="talk.id", index=True)
    after_segment: int  # shown after this segment number (0 = before the first)
    url: str


class TalkTerms(SQLModel, table=True):
    """A talk's term counts (zlib-compressed JSON), kept so corpus-wide keywords can be
    recomputed when other files change without reading this one again."""

    talk_id: str = Field(primary_key=True, foreign_key="talk.id")
    counts: bytes
    chapters: bytes | None = None  # the same per sub-talk of a forum recording: a JSON list, compressed


class WordStat(SQLModel, table=True):
    """How many segments hold each jieba search token: rare words weigh more, common ones are left out."""

    token: str = Field(primary_key=True)
    segments: int


class Translation(SQLModel, table=True):
    """A Chinese word and one of its English glosses (app/bilingual.py), kept where the corpus says a side."""

    id: int | None = Field(default=None, primary_key=True)  # the rowid: servers read the whole table, no index
    chinese: str
    english: str
    sense: int  # the gloss's place among the word's glosses: 0 is the usual sense


class TermStat(SQLModel, table=True):
    """How often the whole corpus says a term (variants folded): what keywords are measured against."""

    term: str = Field(primary_key=True)
    count: int
    talks: int


class TalkKeyword(SQLModel, table=True):
    """One of the terms that set a talk apart from the rest of the corpus (topics/keywords.py)."""

    talk_id: str = Field(primary_key=True, foreign_key="talk.id")
    rank: int = Field(primary_key=True)  # 1 = most distinctive
    term: str
    weight: float
    count: int
    forms: str  # the spellings said, separated by " | "


class ChapterKeyword(SQLModel, table=True):
    """One of the terms that set a sub-talk of a forum recording apart (its chapter `number`)."""

    talk_id: str = Field(primary_key=True, foreign_key="talk.id")
    number: int = Field(primary_key=True)  # Chapter.number
    rank: int = Field(primary_key=True)
    term: str
    weight: float
    count: int
    forms: str


class ForumKeyword(SQLModel, table=True):
    """One of the terms that set a forum (its talks together) apart: the conference overview."""

    event: str = Field(primary_key=True)
    forum: str = Field(primary_key=True)
    rank: int = Field(primary_key=True)
    term: str
    weight: float
    count: int


class RelatedTalk(SQLModel, table=True):
    """A talk about the same things as another (topics/related.py), with the terms they share."""

    talk_id: str = Field(primary_key=True, foreign_key="talk.id")
    rank: int = Field(primary_key=True)
    other_id: str = Field(foreign_key="talk.id")
    score: float
    shared: str  # terms separated by " | "


class Meta(SQLModel, table=True):
    """Key/value facts about the database, such as the normaliser version it was built with."""

    key: str = Field(primary_key=True)
    value: str
