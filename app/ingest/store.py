"""Writing prepared transcripts into a database file: talks, speakers, segments and their indexes.

Only ingest's build step needs this module (and with it SQLAlchemy, jieba and pypinyin), so
checking a folder whose files are all unchanged stays quick.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy import delete, func, literal_column, select, update
from sqlmodel import Session

from app import bilingual
from app.db import compact, create_schema, insert_rows, writable_engine
from app.ingest.parsing import Heading, SourceText, talk_id
from app.ingest.prepare import PreparedSource, PreparedTalk, heading_names, index_forms, index_words, prepare_all
from app.ingest.topic_tables import refresh_topics, store_terms
from app.lexicon import PERSON_TITLES
from app.models import Chapter, Meta, Segment, Slide, SourceFile, Speaker, Talk, TalkSpeaker, TalkTerms, WordCut
from app.people import split_name
from app.roster import Roster, load_roster
from app.sounds import sound_key
from app.speakers.structure import Structure
from app.speakers.turns import HOST_PLACEHOLDER
from app.text import IndexCutter

Progress = Callable[[SourceText], None]  # told of each file as it is written

SAME_AFFILIATION_SCORE = 85  # rapidfuzz ratio from which two affiliations are one place (not 清华大学 ~ 浙江工业大学)
# (table, column, position in a (row id, *index_forms) row) of the indexes that store no text
CONTENTLESS_INDEXES = (("segment_trigrams", "text", 1), ("segment_chars", "chars", 2), ("segment_sounds", "sounds", 3))


def build(
    db_path: Path,
    building: Path,
    incremental: bool,
    removed: list[str],
    changed: list[SourceText],
    versions: dict[str, str],
    progress: Progress | None = None,
) -> None:
    """Apply the changes to a private copy of the database, then rename it over the published file."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if incremental:
            _copy_database(db_path, building)
        engine = writable_engine(building)
        create_schema(engine)
        # The dictionary is read while the files are prepared, when this process mostly waits for them.
        reading = ThreadPoolExecutor(1)
        lexicon = reading.submit(bilingual.read_lexicon)
        reading.shutdown(wait=False)
        with Session(engine) as session, session.begin():
            cutters = _Cutters(session)
            for name in [*removed, *(source.name for source in changed)]:
                _delete_file(session, name, cutters)
            names = heading_names(changed)
            _add_sources(session, prepare_all(changed, names), cutters.record(names), load_roster(), progress)
            cutters.forget_unused()
            _resolve_titled_names(session)
            refresh_topics(session)
            _refresh_word_stats(session)
            _refresh_translations(session, lexicon)
            _refresh_catalogue(session, versions)
        engine.dispose()
        if not incremental:  # a change to a few files is written at once; merging would cost seconds
            compact(building)
        os.replace(building, db_path)
    finally:
        building.unlink(missing_ok=True)


def _refresh_word_stats(session: Session) -> None:
    """The segments holding each token, read off the word index once rather than at every query."""
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.word_vocabulary USING fts5vocab(main, segment_words, row)"
    )
    connection.exec_driver_sql("DELETE FROM wordstat")
    connection.exec_driver_sql("INSERT INTO wordstat(token, segments) SELECT term, doc FROM temp.word_vocabulary")


def _refresh_translations(session: Session, lexicon: Future[bilingual.Lexicon]) -> None:
    """The dictionary's pairs of which the corpus says a side, so that no server reads the dictionary."""
    connection = session.connection()
    segments = dict(connection.exec_driver_sql("SELECT token, segments FROM wordstat").fetchall())
    connection.exec_driver_sql("DELETE FROM translation")
    rows = list(bilingual.pairs(lexicon.result(), bilingual.Vocabulary(segments).said))
    if rows:
        connection.exec_driver_sql("INSERT INTO translation(chinese, english, sense) VALUES (?, ?, ?)", rows)
    session.merge(Meta(key="bilingual", value=bilingual.dictionary_state()))


def _copy_database(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


class _Cutters:
    """The word index's cutters (text.IndexCutter) of the ingests that wrote this database's talks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.built: dict[int | None, IndexCutter] = {}

    def of(self, word_cut: int | None) -> IndexCutter:
        if word_cut not in self.built:
            names = self.session.scalar(select(WordCut.names).where(WordCut.id == word_cut)) or ""
            self.built[word_cut] = IndexCutter(names.splitlines())
        return self.built[word_cut]

    def record(self, names: list[str]) -> int:
        """Store the names of an ingest's cutter; the id its talks keep."""
        row = WordCut(names="\n".join(names))
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        return row.id

    def forget_unused(self) -> None:
        used = select(Talk.word_cut).where(Talk.word_cut.is_not(None))  # type: ignore[union-attr]
        self.session.execute(delete(WordCut).where(WordCut.id.not_in(used)))  # type: ignore[union-attr]


def _delete_file(session: Session, name: str, cutters: _Cutters) -> None:
    """Remove one file's talks and every row and index entry hanging off them."""
    talk_ids = list(session.scalars(select(Talk.id).where(Talk.source_file == name)))
    if talk_ids:
        rows = session.execute(
            select(Segment.id, Segment.text, Talk.word_cut)
            .join(Talk, Talk.id == Segment.talk_id)  # type: ignore[arg-type]
            .where(Segment.talk_id.in_(talk_ids))  # type: ignore[attr-defined]
        ).all()
        connection = session.connection()
        index_rows, word_rows = [], []
        for row_id, display_text, word_cut in rows:
            forms = index_forms(display_text)
            index_rows.append((row_id, *forms))
            word_rows.append((row_id, index_words(forms[0], cutters.of(word_cut))))
        connection.exec_driver_sql(
            "INSERT INTO segment_words(segment_words, rowid, tokens) VALUES ('delete', ?, ?)", word_rows
        )
        for table, column, position in CONTENTLESS_INDEXES:
            connection.exec_driver_sql(
                f"INSERT INTO {table}({table}, rowid, {column}) VALUES ('delete', ?, ?)",
                [(row[0], row[position]) for row in index_rows],
            )
        for table in (Segment, Slide, TalkSpeaker, Chapter, TalkTerms):
            session.execute(delete(table).where(table.talk_id.in_(talk_ids)))  # type: ignore[attr-defined]
        session.execute(delete(Talk).where(Talk.id.in_(talk_ids)))  # type: ignore[attr-defined]
    session.execute(delete(SourceFile).where(SourceFile.name == name))  # type: ignore[arg-type]


def _add_sources(
    session: Session, sources: Iterable[PreparedSource], word_cut: int, roster: Roster, progress: Progress | None
) -> None:
    next_id = (session.scalar(select(func.max(Segment.id))) or 0) + 1
    for prepared in sources:
        source = prepared.source
        if progress:
            progress(source)
        for talk in prepared.talks:
            next_id = _add_talk(session, source.name, talk_id(talk.parsed), talk, word_cut, roster, next_id)
        talks = len(prepared.talks)
        session.add(SourceFile(name=source.name, sha256=source.sha256, size=source.size, talk_count=talks))


def _add_talk(
    session: Session,
    source_name: str,
    identifier: str,
    talk: PreparedTalk,
    word_cut: int,
    roster: Roster,
    next_id: int,
) -> int:
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
            word_cut=word_cut,
        )
    )
    speaker_ids = _add_participants(session, identifier, heading, structure, roster)
    store_terms(session, identifier, talk.terms, talk.chapter_terms)
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
        insert_rows(session, Segment, segment_rows)
        connection = session.connection()
        connection.exec_driver_sql("INSERT INTO segment_words(rowid, tokens) VALUES (?, ?)", word_rows)
        for table, column, position in CONTENTLESS_INDEXES:
            connection.exec_driver_sql(
                f"INSERT INTO {table}(rowid, {column}) VALUES (?, ?)", [(row[0], row[position]) for row in index_rows]
            )
    if parsed.slides:
        insert_rows(
            session,
            Slide,
            [{"talk_id": identifier, "after_segment": s.after_segment, "url": s.url} for s in parsed.slides],
        )
    if structure.subtalks:
        insert_rows(
            session,
            Chapter,
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
                for k, c in enumerate(structure.subtalks, start=1)
            ],
        )
    return next_id + len(texts)


def _add_participants(
    session: Session, talk: str, heading: Heading, structure: Structure, roster: Roster
) -> dict[str, str]:
    """Speaker rows for the heading's people, and for the people the host introduces or addresses.

    Returns name → speaker id for every name the structure uses. A name in the
    people file becomes that person's record, under the correct name.
    """
    ids: dict[str, str] = {}
    roles: list[tuple[str, str, str]] = []
    for person in heading.people:
        ids[person.name] = _listed(session, roster, person.name, None) or _speaker_named(session, person.name).id
        roles.append((ids[person.name], person.role, "heading"))
    for chapter in structure.subtalks:
        if chapter.speaker and chapter.kind == "talk" and chapter.speaker not in ids:
            listed = _listed(session, roster, chapter.speaker, chapter.affiliation)
            ids[chapter.speaker] = listed or _speaker_heard(
                session, chapter.speaker, chapter.affiliation, talk, heading
            )
            roles.append((ids[chapter.speaker], "speaker", "handover"))
    for who in structure.speakers:  # panelists whose names the host said, when the heading gives none
        if who.name and who.name not in ids and who.name != HOST_PLACEHOLDER:
            ids[who.name] = _listed(session, roster, who.name, None) or _speaker_heard(
                session, who.name, None, talk, heading
            )
            roles.append((ids[who.name], "guest", "addressed"))
    seen = set()
    for position, (speaker_id, role, source) in enumerate(roles):
        if (speaker_id, role) not in seen:
            seen.add((speaker_id, role))
            session.add(TalkSpeaker(talk_id=talk, speaker_id=speaker_id, role=role, position=position, source=source))
    session.flush()
    return ids


def _speaker_named(session: Session, name: str, affiliation: str | None = None) -> Speaker:
    """The record of a person by their exact name, created when new."""
    return session.get(Speaker, name) or _new_speaker(session, name, name, affiliation)


def _new_speaker(session: Session, speaker_id: str, name: str, affiliation: str | None) -> Speaker:
    record = Speaker(id=speaker_id, name=name, affiliation=affiliation)
    session.add(record)
    session.flush()
    _voices(session).setdefault(sound_key(name), []).append(speaker_id)
    return record


def _sounding_like(session: Session, name: str) -> list[Speaker]:
    """The speakers whose names sound like `name` (sounds.sounds_like), oldest first."""
    key = sound_key(name)
    if key is None:
        return []
    found = (session.get(Speaker, speaker_id) for speaker_id in _voices(session).get(key, []))
    return [speaker for speaker in found if speaker is not None]


def _voices(session: Session) -> dict[tuple[str, ...] | None, list[str]]:
    """Speaker ids by how their names sound, read once per ingest and kept as speakers are added:
    comparing each heard name with every speaker made ingest quadratic (5,000 new names took 151 s)."""
    if "voices" not in session.info:
        voices: dict[tuple[str, ...] | None, list[str]] = {}
        for speaker_id, name in session.execute(select(Speaker.id, Speaker.name).order_by(literal_column("rowid"))):
            voices.setdefault(sound_key(name), []).append(speaker_id)
        session.info["voices"] = voices
    return session.info["voices"]


def _add_aliases(speaker: Speaker, forms: Iterable[str]) -> None:
    aliases = [a for a in speaker.aliases.split(" | ") if a]
    new = [form for form in forms if form != speaker.name and form not in aliases]
    if new:
        speaker.aliases = " | ".join(dict.fromkeys([*aliases, *new]))


def _listed(session: Session, roster: Roster, name: str, affiliation: str | None) -> str | None:
    """The record of a person in the people file, under the correct name, with every heard form as an alias."""
    person = roster.find(name)
    if person is None:
        return None
    record = _speaker_named(session, person.name)
    record.affiliation = person.affiliation or record.affiliation or affiliation
    _add_aliases(record, [*person.heard, name])
    session.flush()
    return record.id


def _speaker_heard(session: Session, heard: str, affiliation: str | None, talk: str, heading: Heading) -> str:
    """The speaker a name heard in the text refers to: a known person who sounds the same, or a new one.

    A surname with a title (张老师) names someone only within one talk, so its record is that
    talk's own (`_resolve_titled_names` may later find who it is). A name that sounds like a
    known person's is that person only with more evidence than the sound: the same event, or
    the same affiliation. Two people at different conferences may sound alike.
    """
    if _titled(heard):
        speaker_id = f"{heard}（{talk}）"
        if session.get(Speaker, speaker_id) is None:
            _new_speaker(session, speaker_id, heard, affiliation)
        return speaker_id
    known = session.get(Speaker, heard)
    if known is None:
        alike = _sounding_like(session, heard)
        same_event = _speakers_at(session, heading.event) if alike else set()
        known = next(
            (sp for sp in alike if sp.id in same_event or _same_affiliation(sp.affiliation, affiliation)), None
        )
    if known is None:
        return _speaker_named(session, heard, affiliation).id
    _add_aliases(known, [heard])
    known.affiliation = known.affiliation or affiliation
    session.flush()
    return known.id


def _same_affiliation(first: str | None, second: str | None) -> bool:
    """Both affiliations said, and one holds the other or they are nearly the same words."""
    if not (first and second):
        return False
    return first in second or second in first or fuzz.ratio(first, second) >= SAME_AFFILIATION_SCORE


def _titled(name: str) -> bool:
    """A surname with a title (张老师): it names someone only within one talk."""
    return name.endswith(PERSON_TITLES)


def _speakers_at(session: Session, event: str | None) -> set[str]:
    """Ids of the speakers of an event's talks."""
    query = select(TalkSpeaker.speaker_id).join(Talk, Talk.id == TalkSpeaker.talk_id).where(Talk.event == event)
    return set(session.scalars(query))


def _resolve_titled_names(session: Session) -> None:
    """A talk's 卢老师 is the forum's 卢志武 when exactly one person of that surname speaks in the forum.

    A forum's first part often introduces every guest by full name, and later parts only say
    卢老师. The talk's own record is folded into that person's, keeping 卢老师 as a heard form.
    """
    for record in [sp for sp in session.scalars(select(Speaker)) if sp.id != sp.name and _titled(sp.name)]:
        links = session.scalars(select(TalkSpeaker).where(TalkSpeaker.speaker_id == record.id)).all()
        talk = session.get(Talk, links[0].talk_id) if links else None
        if talk is None or talk.forum is None:
            continue
        people = session.execute(
            select(Speaker)
            .join(TalkSpeaker, TalkSpeaker.speaker_id == Speaker.id)
            .join(Talk, Talk.id == TalkSpeaker.talk_id)
            .where(Talk.event == talk.event, Talk.forum == talk.forum)
            .distinct()
        ).scalars()
        matches = [sp for sp in people if not _titled(sp.name) and split_name(sp.name)[0] == record.name[0]]
        if len(matches) != 1:
            continue
        person = matches[0]
        session.execute(update(Segment).where(Segment.speaker_id == record.id).values(speaker_id=person.id))
        session.execute(update(Chapter).where(Chapter.speaker_id == record.id).values(speaker_id=person.id))
        for link in links:
            if session.get(TalkSpeaker, (link.talk_id, person.id, link.role)) is None:
                session.add(
                    TalkSpeaker(
                        talk_id=link.talk_id,
                        speaker_id=person.id,
                        role=link.role,
                        position=link.position,
                        source=link.source,
                    )
                )
            session.delete(link)
        _add_aliases(person, [record.name])
        session.flush()


def _refresh_catalogue(session: Session, versions: dict[str, str]) -> None:
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
    session.connection().exec_driver_sql(
        "UPDATE speaker SET char_count = coalesce((SELECT sum(length(text)) FROM segment "
        "WHERE segment.speaker_id = speaker.id), 0)"
    )
    for key, value in {**versions, "build": uuid.uuid4().hex}.items():  # build: names this file's vectors
        session.merge(Meta(key=key, value=value))
