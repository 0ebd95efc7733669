"""Transcript files → database, incrementally and atomically.

Unchanged files (same SHA-256) are skipped. Otherwise the current database is
copied beside itself, the changed files' talks are replaced in one transaction,
and the copy is renamed over the original: readers never see a half-written
state, and an ingest killed midway leaves the previous database as it was.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from app import config
from app.aliases import aliases_state
from app.bilingual import dictionary_state
from app.ingest.parsing import SourceText, TranscriptError, line_at, parse_transcript, talk_id
from app.roster import roster_version

TRANSCRIPT_SUFFIXES = {".txt", ".md"}


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
    rebuilt: str | None = None  # why every file was read again, when it was

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        rebuilt = f"rebuilt in full ({self.rebuilt}); " if self.rebuilt else ""
        return rebuilt + (
            f"{self.talks} talks, {self.segments} segments; files: {len(self.added)} added, "
            f"{len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len({p.file for p in self.problems})} rejected"
        )


def read_file(path: Path) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, unless it cannot be read or is too big to be a transcript (a video renamed .txt)."""
    try:
        size = path.stat().st_size
        if size > config.MAX_FILE_BYTES:
            limit = config.MAX_FILE_BYTES // 2**20
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


def build_versions() -> dict[str, str]:
    """What a database's indexes depend on besides the transcripts: when any of it changes, all is rebuilt.

    The domain dictionary decides how words are cut, so editing it changes every word index;
    the people file decides which speaker record every name belongs to; the filler and stop
    word lists decide which words every talk's stored term counts hold.
    """
    return {
        "schema": config.SCHEMA_VERSION,
        "index": config.INDEX_VERSION,
        "dictionary": _file_hash(config.DICTIONARY_FILE),
        "people": roster_version(),
        "fillers": _file_hash(config.FILLERS_FILE, config.STOPWORDS_FILE),
    }


def _file_hash(*paths: Path) -> str:
    """SHA-256 of the files' bytes together; a missing file counts as empty."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


# Why a database is rebuilt in full, by the build version that changed.
_REBUILD_REASONS = {
    "schema": "the database layout changed",
    "index": "the way text is indexed changed",
    "dictionary": f"the dictionary ({config.DICTIONARY_FILE.name}) changed",
    "people": f"the people file ({config.PEOPLE_FILE.name}) changed",
    "fillers": f"the words left out of keywords ({config.FILLERS_FILE.name}, {config.STOPWORDS_FILE.name}) changed",
}


def _stored_state(db_path: Path) -> tuple[dict[str, str] | None, str | None]:
    """(name → sha256 of the files in the published database, None) or (None, why it must be rebuilt)."""
    if not db_path.exists():
        return None, None
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
            meta = dict(connection.execute("SELECT key, value FROM meta"))
            changed = [key for key, value in build_versions().items() if meta.get(key) != value]
            if changed:
                return None, _REBUILD_REASONS[changed[0]]
            return dict(connection.execute("SELECT name, sha256 FROM sourcefile")), None
    except sqlite3.Error:
        return None, "the database could not be read"


def _lists_edited(db_path: Path) -> bool:
    """The alias list or the bilingual dictionary changed since the database was built: its keywords
    must be folded again, or its translations chosen again, though no transcript changed."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        meta = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('aliases', 'bilingual')"))
    return meta.get("aliases") != aliases_state() or meta.get("bilingual") != dictionary_state()


def _stored_owners(db_path: Path, leaving: list[str]) -> dict[str, str]:
    """talk id → name of its file, for the talks of the published database that stay (not `leaving`)."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        rows = connection.execute("SELECT id, source_file FROM talk").fetchall()
    return {talk: name for talk, name in rows if name not in leaving}


def ingest(
    folder: Path, db_path: Path, *, full: bool = False, progress: Callable[[SourceText], None] | None = None
) -> IngestReport:
    """Bring the database at `db_path` in line with the transcripts in `folder`.

    `progress` is told of each changed file as it is written, for a progress display. An error of the
    system (an unreadable folder, a full disk, a read-only database folder) becomes a Problem, and the
    published database stays as it was: it is only ever replaced by a complete new file.
    """
    report = IngestReport()
    try:
        _sync(folder, db_path, full, progress, report)
    except (OSError, sqlite3.Error) as error:
        where = getattr(error, "filename", None) or str(db_path)
        reason = getattr(error, "strerror", None) or str(error)
        report.problems.append(Problem(str(where), f"{reason}; the published database was left as it was"))
    return report


def _sync(
    folder: Path, db_path: Path, full: bool, progress: Callable[[SourceText], None] | None, report: IngestReport
) -> None:
    if not folder.is_dir():
        report.problems.append(Problem(str(folder), "transcripts folder not found"))
        return
    _remove_stale_builds(db_path)
    stored, report.rebuilt = (None, "--full") if full else _stored_state(db_path)
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

    if stored is not None and not changed and not report.removed and not _lists_edited(db_path):
        report.talks, report.segments = _counts(db_path)
        return
    from app.ingest.store import build  # the build's dependencies load only when there is something to build

    building = db_path.with_name(f"{_building_prefix(db_path)}{os.getpid()}")
    build(db_path, building, stored is not None, report.removed, changed, build_versions(), progress)
    report.talks, report.segments = _counts(db_path)


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
