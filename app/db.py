"""Engines, schema and the full-text tables.

A database file is never changed in place once published: ingest builds a new
file beside it and renames it over the old one. Readers open it read-only and
notice the swap by its inode, so a request sees either the old or the new data.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, event, insert
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, SQLModel, create_engine

from app import config, models  # noqa: F401  (models registers the tables)
from app.builds import build_problem

# None of them stores text (content = ''): each row is derived from the segment's text again to
# delete it (ingest/prepare.py index_forms, index_words).
# jieba search-mode tokens: ranked with bm25, so it keeps each row's length.
# Each character and each pair of neighbouring ones as a token (text.char_tokens): exact matching of
# one- and two-character terms, each one token, so no positions are kept (detail = none).
# Trigrams over normalised text: exact substring matching of longer terms.
# Pairs of folded pinyin syllables (sounds.py): where the text sounds like a query, 端测 for 端侧;
# a pair is one token, so the index keeps no positions (detail = none).
# The last three only match (columnsize = 0: no row lengths).
FULL_TEXT_TABLES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_words USING fts5("
    "tokens, content = '', tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_chars USING fts5(chars, content = '', columnsize = 0, detail = none, "
    "tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* M* P* S* Co'\")",
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_trigrams USING fts5("
    "text, content = '', columnsize = 0, tokenize = 'trigram case_sensitive 1')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_sounds USING fts5(sounds, content = '', columnsize = 0, "
    "detail = none, tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")",
)

FULL_TEXT_INDEXES = ("segment_words", "segment_chars", "segment_trigrams", "segment_sounds")
# Tokens an index holds in memory before it writes them out as a b-tree (FTS5's 'hashsize', 1 MiB by
# default): fewer, larger b-trees to write and merge. At 100×, the trigram index took 15 s instead of
# 32 s; the four indexes hold at most this much each while ingest runs (ingest's peak grew by 175 MB).
FULL_TEXT_PENDING_BYTES = 32 * 2**20


# Swaps one request may meet while it connects; a swap takes a whole ingest, a connect a millisecond.
SWAPS_TOLERATED = 5
# Page cache of each read-only connection, in KiB (SQLite's default is 2,000). The file never changes
# and the system caches it, so a bigger private copy per connection buys nothing: at 100×, 176 first-time
# queries took 12.0–12.8 s with 256 KiB and 12.7–12.9 s with 2,000, and a worker's 8 pooled connections
# held 35 MB less after 16 clients.
READER_CACHE_KIB = 256
# Prepared statements each read-only connection keeps (Python's default is 128). A search's SQL holds its
# terms, so statements rarely repeat, and each kept one holds its full-text cursors: at 100×, two workers
# after 16 clients held 408 MB each with 128 and 370 with 8, at the same speed.
READER_STATEMENTS = 8


class DatabaseMissing(RuntimeError):
    """No database has been built yet at the configured path."""

    def advice(self) -> str:
        return f"No database at {self}. Run `make ingest` (or `python -m app ingest`) first."


class NotABuild(DatabaseMissing):
    """The file at the database path is not one `python -m app ingest` built for this version: an empty
    file, another program's database, or a build of an older schema."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(str(path))
        self.problem = problem

    def advice(self) -> str:
        return f"{self} is {self.problem}. Run `make ingest` (or `python -m app ingest --db {self}`) to build it."


def writable_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast_build(connection: sqlite3.Connection, _record: object) -> None:
        # The file is private until renamed into place, so durability can wait.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")

    return engine


def insert_rows(session: Session, model: type[SQLModel], rows: list[dict]) -> None:
    """Many rows of a table at once, through SQLAlchemy Core: its ORM bulk insert spent more on each row than
    SQLite did (100,000 segments: 1.33 s against 0.81)."""
    if rows:
        session.connection().execute(insert(model.__table__), rows)  # type: ignore[attr-defined]


def create_schema(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:
        for statement in FULL_TEXT_TABLES:
            connection.exec_driver_sql(statement)
        for table in FULL_TEXT_INDEXES:
            connection.exec_driver_sql(
                f"INSERT INTO {table}({table}, rank) VALUES ('hashsize', {FULL_TEXT_PENDING_BYTES})"
            )


def compact(path: Path) -> None:
    """Merge each full-text index into one b-tree, then give the freed pages back.

    Written a file at a time, an index is a stack of b-trees that repeat each term's header:
    merged, the database is a fifth smaller and a query reads one b-tree per index, not a dozen.
    """
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        connection.execute("PRAGMA journal_mode = OFF")
        for table in FULL_TEXT_INDEXES:
            connection.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        connection.execute("VACUUM")


def read_only_engine(path: Path, identity: tuple[int, int] | None = None) -> Engine:
    """Connections for request threads. An explicit QueuePool: with a `sqlite://` URL SQLAlchemy
    would pick SingletonThreadPool, which closes connections other threads still use.

    With the `identity` of the file it is made for, the engine opens connections on that file only:
    one opened after ingest swapped in a new file raises StaleFile rather than serve the new data
    under the caches kept per engine (filters.catalogue) for the old one.
    """
    uri = f"file:{path}?mode=ro&immutable=1"

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False, cached_statements=READER_STATEMENTS)
        if identity is not None and file_identity(path) != identity:  # SQLite opens the file in connect()
            connection.close()
            raise StaleFile(str(path))
        connection.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
        return connection

    return create_engine(
        "sqlite://", creator=connect, poolclass=QueuePool, pool_size=config.POOL_SIZE, max_overflow=config.POOL_OVERFLOW
    )


def file_identity(path: Path) -> tuple[int, int]:
    """What tells one published file from the next: ingest renames a new file (a new inode) into place."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise DatabaseMissing(str(path)) from None
    return stat.st_ino, stat.st_mtime_ns


class StaleFile(RuntimeError):
    """The published file changed after the engine was made for it; Database.session tries the new one."""


class Database:
    """The published database file, reopened when ingest swaps in a new one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._identity: tuple[int, int] | None = None
        self.generation = 0  # bumps on every swap, for caches keyed on the data

    def engine(self) -> Engine:
        if file_identity(self.path) != self._identity:
            with self._lock:
                identity = file_identity(self.path)  # again: another thread may have seen a later swap
                if identity != self._identity:
                    if self._engine is not None:
                        # Closes its idle connections, so the replaced file's space is freed now; requests
                        # still running on it finish on the old file, which stays readable until they close.
                        self._engine.dispose()
                    if problem := build_problem(self.path):
                        raise NotABuild(self.path, problem)
                    self._engine = read_only_engine(self.path, identity)
                    self._identity = identity
                    self.generation += 1
        assert self._engine is not None
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on one connection, so one request reads one file from start to end."""
        with self._connect() as connection, Session(bind=connection) as session:
            yield session

    def _connect(self) -> Connection:
        for _ in range(SWAPS_TOLERATED):
            try:
                return self.engine().connect()
            except StaleFile:  # swapped between engine() and connect(): the next engine() is the new file
                continue
        return self.engine().connect()
