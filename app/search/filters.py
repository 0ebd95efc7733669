"""What every search needs to know about the catalogue, and the filters built on it.

Talk-level filters (event, forum, kind, talk) pick talks; the speaker filter picks
segments by who was worked out to speak them (see structure.py), since in a
panel or a forum recording most of the words are not the named person's.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz
from sqlalchemy import Connection, Engine

from app import bilingual, config, semantic
from app.models import TALK_KINDS
from app.search.answers import AnswerCache
from app.search.tally import SegmentOwners
from app.semantic import VectorIndex
from app.sounds import sounds_like
from app.text import add_words, jieba_dictionary, normalize

T = TypeVar("T")
COMMON_WORD_SHARE = 0.05  # a word in more segments than this share tells little of which passage is meant


@dataclass
class TalkFacts:
    title: str
    event: str | None
    forum: str | None
    kind: str
    speakers: list[tuple[str, str]]  # (id, name) from the heading and the host's hand-overs

    @cached_property
    def metadata(self) -> str:
        return normalize(" ".join([self.title, *(name for _, name in self.speakers)]))


class CorpusFacts:
    """Talks, speakers and vocabulary of one database, loaded once per published file."""

    def __init__(self, connection: Connection) -> None:
        speakers: dict[str, list[tuple[str, str]]] = {}
        for talk_id, speaker_id, name in connection.exec_driver_sql(
            "SELECT ts.talk_id, sp.id, sp.name FROM talkspeaker ts JOIN speaker sp ON sp.id = ts.speaker_id "
            "ORDER BY ts.position"
        ):
            speakers.setdefault(talk_id, []).append((speaker_id, name))
        self.talks = {
            talk_id: TalkFacts(title, event, forum, kind, speakers.get(talk_id, []))
            for talk_id, title, event, forum, kind in connection.exec_driver_sql(
                "SELECT id, title, event, forum, kind FROM talk ORDER BY position"
            )
        }
        self.speakers: dict[str, tuple[str, list[str]]] = {
            speaker_id: (name, [a for a in aliases.split(" | ") if a])
            for speaker_id, name, aliases in connection.exec_driver_sql("SELECT id, name, aliases FROM speaker")
        }
        self.speaker_names = sorted(name for name, _ in self.speakers.values())
        add_words(self.speaker_names, tag="nr")  # so queries cut names the way ingest did
        self.word_segments = dict(connection.exec_driver_sql("SELECT token, segments FROM wordstat").fetchall())
        self._said = bilingual.Vocabulary(self.word_segments)  # inflections of English words included
        self.segment_count = connection.exec_driver_sql("SELECT count(*) FROM segment").scalar_one()
        # The Chinese–English dictionary's pairs of which the corpus says a side, chosen at ingest.
        self.lexicon = bilingual.from_pairs(
            connection.exec_driver_sql("SELECT chinese, english, sense FROM translation")
        )
        self.owners = SegmentOwners(connection)  # the talk and speaker of every segment, for counting matches
        # The expensive counts and rankings of common words are what repeat when people page or refine.
        self.answers = AnswerCache(config.ANSWER_CACHE_SIZE)
        meta = dict(connection.exec_driver_sql("SELECT key, value FROM meta").fetchall())
        self.build = meta.get("build", "unknown")
        files = [row[2] for row in connection.exec_driver_sql("PRAGMA database_list") if row[1] == "main"]
        self.db_path = Path(files[0]) if files and files[0] else None
        self._vectors: VectorIndex | None = None

    def vectors(self) -> VectorIndex | None:
        """This build's segment vectors once `python -m app embed` has written them, else None."""
        if self._vectors is None and self.db_path is not None and semantic.encoder() is not None:
            self._vectors = semantic.load_vectors(self.db_path, self.build)
        return self._vectors

    def embedding_progress(self) -> semantic.Progress | None:
        """How far the vectors are, while they are being computed; None when ready or off."""
        if self.db_path is None or semantic.encoder() is None or self.vectors() is not None:
            return None
        return semantic.read_progress(self.db_path, self.build) or semantic.Progress(0, 0)

    def remembered(self, key: tuple, compute: Callable[[], T]) -> T:
        """A query's answer, computed once per published file."""
        return self.answers.remembered(key, compute)

    @cached_property
    def talks_of_speaker(self) -> dict[str, frozenset[str]]:
        """A speaker's name → the talks they take part in."""
        found: dict[str, set[str]] = {}
        for talk_id, talk in self.talks.items():
            for _, name in talk.speakers:
                found.setdefault(name, set()).add(talk_id)
        return {name: frozenset(talks) for name, talks in found.items()}

    @cached_property
    def vocabulary(self) -> list[str]:
        """Index words seen in at least two segments, for "did you mean" suggestions."""
        return [word for word, segments in self.word_segments.items() if segments >= 2 and len(word) >= 2]

    @cached_property
    def _words_by_character(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for word in self.vocabulary:
            for char in set(word):
                found.setdefault(char, []).append(word)
        return found

    def words_sharing_a_character(self, term: str) -> list[str]:
        """Vocabulary words holding a character of the term: the only ones a fuzzy match can find close."""
        by_character = self._words_by_character
        return sorted({word for char in set(term) for word in by_character.get(char, ())})

    @cached_property
    def latin_words(self) -> list[str]:
        """English words of the index, for finding misspellings of a query word."""
        return [w for w in self.vocabulary if w.isascii() and w.isalpha() and len(w) >= 3]

    def warm(self) -> None:
        """Build what is made on first need (suggestions for a query that finds nothing) right now."""
        _ = self._words_by_character, self.latin_words, jieba_dictionary()

    def said(self, form: str) -> int:
        """Segments holding a word, or at most those of a phrase's rarest word; 0 when never said."""
        return self._said.said(form)

    def common(self, word: str) -> bool:
        """Whether a word is in so many segments that it says little about which passage is meant."""
        return self.word_segments.get(word, 0) > COMMON_WORD_SHARE * self.segment_count

    def matching_speakers(self, wanted: str) -> list[str]:
        """Speaker ids for a typed name, however it was typed: see `find_speakers`."""
        return find_speakers(self.speakers, wanted)[0]


def find_speakers(speakers: dict[str, tuple[str, list[str]]], wanted: str) -> tuple[list[str], str]:
    """Speaker ids for a typed name and how they matched, trying the strictest way first.

    exact: the name, id or a heard alias; partial: part of a name (植麟); sounds_like: the
    same folded pinyin as a name or its given name (杨志林, 志玲); similar: a close spelling
    of a Latin name (Aditya Ramesh).
    """
    key = normalize(wanted)
    forms = {sid: [normalize(n) for n in [name, *aliases]] for sid, (name, aliases) in speakers.items()}
    exact = [sid for sid, names in forms.items() if key == normalize(sid) or key in names]
    if exact or len(key) < 2:
        return exact, "exact"
    partial = [sid for sid, names in forms.items() if any(key in name for name in names)]
    if partial:
        return partial, "partial"
    alike = [
        sid
        for sid, names in forms.items()
        if any(sounds_like(key, name) or (len(name) == 3 and sounds_like(key, name[1:])) for name in names)
    ]
    if alike:
        return alike, "sounds_like"
    similar = [sid for sid, names in forms.items() if any(fuzz.ratio(key, name) >= 80 for name in names)]
    return similar, "similar"


_facts_by_engine: weakref.WeakKeyDictionary[Engine, CorpusFacts] = weakref.WeakKeyDictionary()


def corpus_facts(connection: Connection) -> CorpusFacts:
    """The catalogue of the database this connection reads, cached per engine (one per published file)."""
    found = _facts_by_engine.get(connection.engine)
    if found is None:
        found = _facts_by_engine[connection.engine] = CorpusFacts(connection)
    return found


@dataclass
class Restriction:
    """The talks and speakers a set of filters leaves; None means unrestricted."""

    talks: list[str] | None = None
    speakers: list[str] | None = None
    speaker_match: str | None = None  # how the speaker filter matched: exact, partial, sounds_like, similar
    warnings: list[str] = field(default_factory=list)  # filters that can match nothing, and why

    def where(self) -> tuple[str, list[str]]:
        """A WHERE clause over segments aliased `s`."""
        conditions, params = [], []
        for column, allowed in (("s.talk_id", self.talks), ("s.speaker_id", self.speakers)):
            if allowed is not None:
                conditions.append(f"{column} IN ({','.join('?' * len(allowed))})" if allowed else "0")
                params.extend(allowed)
        return ("WHERE " + " AND ".join(conditions), params) if conditions else ("", [])


def restrict(facts: CorpusFacts, filters: dict[str, str]) -> Restriction:
    """Turn event/forum/kind/talk filters (any case, part of the name) and a speaker filter into a Restriction."""
    wanted = {name: normalize(value) for name, value in filters.items() if value}
    restriction = Restriction()
    if wanted.keys() & {"talk", "event", "forum", "kind"}:
        restriction.talks = [
            talk_id
            for talk_id, talk in facts.talks.items()
            if ("talk" not in wanted or filters["talk"] == talk_id)
            and ("event" not in wanted or wanted["event"] in normalize(talk.event or ""))
            and ("forum" not in wanted or wanted["forum"] in normalize(talk.forum or ""))
            and ("kind" not in wanted or wanted["kind"] == talk.kind)
        ]
    if "kind" in wanted and wanted["kind"] not in TALK_KINDS:
        kinds = ", ".join(TALK_KINDS)
        restriction.warnings.append(f"There is no kind “{filters['kind']}”: a talk's kind is one of {kinds}.")
    if "talk" in wanted and filters["talk"] not in facts.talks:
        restriction.warnings.append(f"There is no talk with the id “{filters['talk']}”.")
    if "speaker" in wanted:
        restriction.speakers, restriction.speaker_match = find_speakers(facts.speakers, filters["speaker"])
    return restriction
