"""Transcript files → database, incrementally and atomically.

Unchanged files (same SHA-256) are skipped. Otherwise the current database is
copied beside itself, the changed files' talks are replaced in one transaction,
and the copy is renamed over the original: readers never see a half-written
state, and an ingest killed midway leaves the previous database as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session

from app import text
from app.db import create_schema, writable_engine
from app.models import Chapter, Meta, Segment, Slide, SourceFile, Speaker, Talk, TalkSpeaker
from app.names import TITLES
from app.parsing import ParsedTalk, Person, TranscriptError, line_at, parse_transcript
from app.prepare import PreparedSource, PreparedTalk, SourceText, index_forms, prepare_all
from app.sounds import sounds_like
from app.structure import Structure
from app.turns import HOST_PLACEHOLDER

TRANSCRIPT_SUFFIXES = {".txt", ".md"}
# (table, column, position in a (row id, *index_forms) row) of the indexes that store no text
CONTENTLESS_INDEXES = (("segment_trigrams", "text", 1), ("segment_chars", "chars", 2), ("segment_sounds", "sounds", 3))
SCHEMA_VERSION = "3"
# A hundred times the biggest real transcript: anything larger is not one (a video renamed .txt).
MAX_FILE_BYTES = 32 * 2**20


@dataclass
class Problem:
    file: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.reason}"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    talks: int = 0
    segments: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.talks} talks, {self.segments} segments; files: {len(self.added)} added, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len({p.file for p in self.problems})} rejected"
        )


def slugify(value: str) -> str:
    slug = re.sub(r"[^\w\u3400-\u9fff]+", "-", value.lower()).strip("-")
    return slug[:80].strip("-") or "talk"


def talk_id(parsed: ParsedTalk) -> str:
    """`BV1zE421N7UJ-p7` from the heading; a readable slug when it has no video id."""
    heading = parsed.heading
    if heading.video_id:
        return f"{heading.video_id}-p{heading.part}" if heading.part is not None else heading.video_id
    forum = heading.forum if heading.forum != heading.title else None
    words = [heading.event, forum, heading.title, f"p{heading.part}" if heading.part is not None else None]
    return slugify(" ".join(w for w in words if w))


def read_file(path: Path) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, unless it cannot be read or is too big to be a transcript (a video renamed .txt)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 2**20
            return None, Problem(path.name, f"file of {size / 2**20:,.0f} MB is over the limit of {limit} MB")
        return path.read_bytes(), None
    except OSError as error:
        return None, Problem(path.name, f"cannot be read: {error.strerror or error}")


def read_source(name: str, data: bytes) -> tuple[SourceText | None, Problem | None]:
    """Decode and parse one file's bytes; a Problem says why it cannot be used."""
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError as error:
        valid = data[: error.start].decode("utf-8")
        return None, Problem(name, "not UTF-8 text (save the file as UTF-8)", line_at(valid, len(valid)))
    try:
        talks = parse_transcript(content)
    except TranscriptError as error:
        return None, Problem(name, error.reason, error.line)
    return SourceText(name, hashlib.sha256(data).hexdigest(), len(data), talks), None


def transcript_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES)


def _stored_state(db_path: Path) -> dict[str, str] | None:
    """name → sha256 of the files in the published database, or None if it must be rebuilt."""
    if not db_path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
            meta = dict(connection.execute("SELECT key, value FROM meta"))
            if meta.get("schema") != SCHEMA_VERSION or meta.get("normalizer") != text.NORMALIZER_VERSION:
                return None
            return dict(connection.execute("SELECT name, sha256 FROM sourcefile"))
    except sqlite3.Error:
        return None


def _stored_owners(db_path: Path, leaving: list[str]) -> dict[str, str]:
    """talk id → name of its file, for the talks of the published database that stay (not `leaving`)."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT id, source_file FROM talk").fetchall()
    return {talk: name for talk, name in rows if name not in leaving}


def ingest(folder: Path, db_path: Path, *, full: bool = False) -> IngestReport:
    """Bring the database at `db_path` in line with the transcripts in `folder`."""
    report = IngestReport()
    if not folder.is_dir():
        report.problems.append(Problem(str(folder), "transcripts folder not found"))
        return report
    _remove_stale_builds(db_path)
    stored = None if full else _stored_state(db_path)
    changed: list[SourceText] = []
    present: set[str] = set()
    for path in transcript_files(folder):
        present.add(path.name)
        source, problem = _read_if_changed(path, stored)
        if problem:
            report.problems.append(problem)
        elif source is None:
            report.unchanged.append(path.name)
        else:
            changed.append(source)
    report.removed = sorted(set(stored or ()) - present)
    owners = {} if stored is None else _stored_owners(db_path, leaving=report.removed)
    changed = _without_clashes(changed, owners, report)
    for source in changed:
        (report.updated if stored and source.name in stored else report.added).append(source.name)

    if stored is not None and not changed and not report.removed and db_path.exists():
        report.talks, report.segments = _counts(db_path)
        return report
    _build(db_path, stored is not None, report.removed, changed)
    report.talks, report.segments = _counts(db_path)
    return report


def _read_if_changed(path: Path, stored: dict[str, str] | None) -> tuple[SourceText | None, Problem | None]:
    """The file read and parsed, or (None, None) when it is the version already stored."""
    data, problem = read_file(path)
    if data is None:
        return None, problem
    if stored is not None and stored.get(path.name) == hashlib.sha256(data).hexdigest():
        return None, None
    return read_source(path.name, data)


def _without_clashes(sources: list[SourceText], owners: dict[str, str], report: IngestReport) -> list[SourceText]:
    """The sources whose talk ids no other file holds; the others are reported and left out whole.

    `owners` maps the ids already taken to their file; a changed file's own stored ids stay
    reserved to it for this run. A left-out file stays unrecorded, so the next ingest reports
    it again instead of taking it as unchanged, and its stored version keeps its talks.
    """
    kept = []
    for source in sources:
        problem = _clash(source, owners)
        if problem:
            report.problems.append(problem)
        else:
            owners.update((talk_id(talk), source.name) for talk in source.talks)
            kept.append(source)
    return kept


def _clash(source: SourceText, owners: dict[str, str]) -> Problem | None:
    """The first talk whose id another file, or an earlier heading of the same file, already has."""
    seen: dict[str, int] = {}  # talk id → line of its heading
    for talk in source.talks:
        identifier = talk_id(talk)
        if identifier in seen:
            reason = f"talk id {identifier} is already the id of the talk on line {seen[identifier]}"
            return Problem(source.name, reason, talk.line)
        if owners.get(identifier, source.name) != source.name:
            return Problem(source.name, f"talk id {identifier} is already used by {owners[identifier]}", talk.line)
        seen[identifier] = talk.line
    return None


def _build(db_path: Path, incremental: bool, removed: list[str], changed: list[SourceText]) -> None:
    """Apply the changes to a private copy of the database, then rename it over the published file."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = db_path.with_name(f"{_building_prefix(db_path)}{os.getpid()}")
    try:
        if incremental:
            _copy_database(db_path, building)
        engine = writable_engine(building)
        create_schema(engine)
        with Session(engine) as session, session.begin():
            for name in [*removed, *(source.name for source in changed)]:
                _delete_file(session, name)
            _add_sources(session, prepare_all(changed))
            _refresh_catalogue(session)
        engine.dispose()
        os.replace(building, db_path)
    finally:
        building.unlink(missing_ok=True)


def _building_prefix(db_path: Path) -> str:
    """Name of the private copies an ingest builds beside the database, before the process id."""
    return f".{db_path.name}.building-"


def _remove_stale_builds(db_path: Path) -> None:
    """Delete the copies (and their journals) that ingests killed midway left behind.

    A copy whose process still runs belongs to an ingest running now and is left alone.
    """
    prefix = _building_prefix(db_path)
    for path in db_path.parent.glob(f"{prefix}*"):
        pid = path.name.removeprefix(prefix).removesuffix("-journal")
        if pid.isdigit() and not _running(int(pid)):
            path.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether another process with this id exists (a leftover with our own id is stale)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


def _counts(db_path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        talks = connection.execute("SELECT count(*) FROM talk").fetchone()[0]
        segments = connection.execute("SELECT count(*) FROM segment").fetchone()[0]
    return talks, segments


def _copy_database(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _delete_file(session: Session, name: str) -> None:
    """Remove one file's talks and every row and index entry hanging off them."""
    talk_ids = list(session.scalars(select(Talk.id).where(Talk.source_file == name)))
    if talk_ids:
        rows = session.execute(
            select(Segment.id, Segment.text).where(Segment.talk_id.in_(talk_ids))  # type: ignore[attr-defined]
        ).all()
        connection = session.connection()
        connection.exec_driver_sql(
            "DELETE FROM segment_words WHERE rowid IN (SELECT id FROM segment WHERE talk_id IN "
            f"({','.join('?' * len(talk_ids))}))",
            tuple(talk_ids),
        )
        index_rows = [(row_id, *index_forms(display_text)) for row_id, display_text in rows]
        for table, column, position in CONTENTLESS_INDEXES:
            connection.exec_driver_sql(
                f"INSERT INTO {table}({table}, rowid, {column}) VALUES ('delete', ?, ?)",
                [(row[0], row[position]) for row in index_rows],
            )
        for table in (Segment, Slide, TalkSpeaker, Chapter):
            session.execute(delete(table).where(table.talk_id.in_(talk_ids)))  # type: ignore[attr-defined]
        session.execute(delete(Talk).where(Talk.id.in_(talk_ids)))  # type: ignore[attr-defined]
    session.execute(delete(SourceFile).where(SourceFile.name == name))  # type: ignore[arg-type]


def _add_sources(session: Session, sources: list[PreparedSource]) -> None:
    next_id = (session.scalar(select(func.max(Segment.id))) or 0) + 1
    for prepared in sources:
        source = prepared.source
        for talk in prepared.talks:
            next_id = _add_talk(session, source.name, talk_id(talk.parsed), talk, next_id)
        talks = len(prepared.talks)
        session.add(SourceFile(name=source.name, sha256=source.sha256, size=source.size, talk_count=talks))


def _add_talk(session: Session, source_name: str, identifier: str, talk: PreparedTalk, next_id: int) -> int:
    parsed, texts, structure = talk.parsed, talk.texts, talk.structure
    heading = parsed.heading
    session.add(
        Talk(
            id=identifier,
            source_file=source_name,
            heading_line=parsed.line,
            position=0,
            heading=heading.raw,
            event=heading.event,
            forum=heading.forum,
            part=heading.part,
            title=heading.title,
            kind=structure.kind,
            session=heading.session,
            uploader=heading.uploader,
            video_id=heading.video_id,
            date=heading.date,
            segment_count=len(texts),
            char_count=sum(len(t) for t in texts),
            slide_count=len(parsed.slides),
        )
    )
    speaker_ids = _add_participants(session, identifier, heading.people, structure)
    segment_rows, word_rows, index_rows = [], [], []
    for number, (display_text, who) in enumerate(zip(texts, structure.speakers, strict=True), start=1):
        row_id = next_id + number - 1
        index_rows.append((row_id, *talk.forms[number - 1]))
        segment_rows.append(
            {
                "id": row_id,
                "talk_id": identifier,
                "number": number,
                "text": display_text,
                "speaker_id": speaker_ids.get(who.name or ""),
                "method": who.method,
                "confidence": who.confidence,
                "turn_inside": who.turn_inside,
            }
        )
        word_rows.append((row_id, talk.words[number - 1]))
    if segment_rows:
        session.execute(insert(Segment), segment_rows)
        connection = session.connection()
        connection.exec_driver_sql("INSERT INTO segment_words(rowid, tokens) VALUES (?, ?)", word_rows)
        for table, column, position in CONTENTLESS_INDEXES:
            connection.exec_driver_sql(
                f"INSERT INTO {table}(rowid, {column}) VALUES (?, ?)", [(row[0], row[position]) for row in index_rows]
            )
    if parsed.slides:
        session.execute(
            insert(Slide),
            [{"talk_id": identifier, "after_segment": s.after_segment, "url": s.url} for s in parsed.slides],
        )
    if structure.chapters:
        session.execute(
            insert(Chapter),
            [
                {
                    "talk_id": identifier,
                    "number": k,
                    "start_segment": c.start,
                    "kind": c.kind,
                    "speaker_id": speaker_ids.get(c.speaker or ""),
                    "heard_name": c.speaker,
                    "affiliation": c.affiliation,
                    "topic": c.topic,
                    "confidence": c.confidence,
                    "cue": c.cue[:300],
                }
                for k, c in enumerate(structure.chapters, start=1)
            ],
        )
    return next_id + len(texts)


def _add_participants(session: Session, talk: str, people: list[Person], structure: Structure) -> dict[str, str]:
    """Speaker rows for the heading's people, and for the people the host introduces or addresses.

    Returns name → speaker id for every name the structure uses.
    """
    ids: dict[str, str] = {}
    roles: list[tuple[str, str, str]] = []
    for person in people:
        if session.get(Speaker, person.name) is None:
            session.add(Speaker(id=person.name, name=person.name))
            session.flush()
        ids[person.name] = person.name
        roles.append((person.name, person.role, "heading"))
    for chapter in structure.chapters:
        if chapter.speaker and chapter.kind == "talk" and chapter.speaker not in ids:
            ids[chapter.speaker] = _speaker_heard(session, chapter.speaker, chapter.affiliation, talk)
            roles.append((ids[chapter.speaker], "speaker", "handover"))
    for who in structure.speakers:  # panelists whose names the host said, when the heading gives none
        if who.name and who.name not in ids and who.name != HOST_PLACEHOLDER:
            ids[who.name] = _speaker_heard(session, who.name, None, talk)
            roles.append((ids[who.name], "guest", "addressed"))
    seen = set()
    for position, (speaker_id, role, source) in enumerate(roles):
        if (speaker_id, role) not in seen:
            seen.add((speaker_id, role))
            session.add(TalkSpeaker(talk_id=talk, speaker_id=speaker_id, role=role, position=position, source=source))
    session.flush()
    return ids


def _speaker_heard(session: Session, heard: str, affiliation: str | None, talk: str) -> str:
    """The speaker a name heard in the text refers to: a known person who sounds the same, or a new one.

    A surname with a title (张老师) names someone only within one talk, so its record is that talk's own.
    """
    if heard.endswith(TITLES):
        speaker_id = f"{heard}（{talk}）"
        if session.get(Speaker, speaker_id) is None:
            session.add(Speaker(id=speaker_id, name=heard, affiliation=affiliation))
            session.flush()
        return speaker_id
    known = session.get(Speaker, heard)
    if known is None:
        known = next((sp for sp in session.scalars(select(Speaker)) if sounds_like(heard, sp.name)), None)
    if known is None:
        known = Speaker(id=heard, name=heard, affiliation=affiliation)
        session.add(known)
    else:
        aliases = [a for a in known.aliases.split(" | ") if a]
        if heard != known.name and heard not in aliases:
            known.aliases = " | ".join([*aliases, heard])
        known.affiliation = known.affiliation or affiliation
    session.flush()
    return known.id


def _refresh_catalogue(session: Session) -> None:
    """Renumber the programme order, drop speakers left without talks, record versions."""
    talks = session.execute(
        select(Talk.id, Talk.event, Talk.date, Talk.video_id, Talk.part, Talk.source_file, Talk.heading_line)
    ).all()
    ordered = sorted(
        talks,
        key=lambda t: (t.event or "", str(t.date or ""), t.video_id or "", t.part or 0, t.source_file, t.heading_line),
    )
    for position, talk in enumerate(ordered):
        session.execute(update(Talk).where(Talk.id == talk.id).values(position=position))  # type: ignore[arg-type]
    session.execute(
        delete(Speaker).where(~Speaker.id.in_(select(TalkSpeaker.speaker_id)))  # type: ignore[attr-defined]
    )
    for key, value in (("schema", SCHEMA_VERSION), ("normalizer", text.NORMALIZER_VERSION)):
        session.merge(Meta(key=key, value=value))
