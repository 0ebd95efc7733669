"""Engines, schema and the full-text tables.

A database file is never changed in place once published: ingest builds a new
file beside it and renames it over the old one. Readers open it read-only and
notice the swap by its inode, so a request sees either the old or the new data.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, SQLModel, create_engine

from app import models  # noqa: F401  (registers the tables)

# jieba search-mode tokens, stored so rows can be deleted and ranked with bm25.
# A character per token: exact matching of one- and two-character terms.
# Trigrams over normalised text: exact substring matching of longer terms.
# Folded pinyin syllables (sounds.py): where the text sounds like a query, 端测 for 端侧.
FULL_TEXT_TABLES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_words USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_chars USING fts5("
    "chars, content = '', tokenize = \"unicode61 remove_diacritics 0 categories 'L* N* M* P* S* Co'\")",
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_trigrams USING fts5("
    "text, content = '', tokenize = 'trigram case_sensitive 1')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS segment_sounds USING fts5("
    "sounds, content = '', tokenize = 'unicode61 remove_diacritics 0')",
)


class DatabaseMissing(RuntimeError):
    """No database has been built yet at the configured path."""


def writable_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _fast_build(connection: sqlite3.Connection, _record: object) -> None:
        # The file is private until renamed into place, so durability can wait.
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")

    return engine


def create_schema(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:
        for statement in FULL_TEXT_TABLES:
            connection.exec_driver_sql(statement)


def read_only_engine(path: Path) -> Engine:
    """Connections for request threads. An explicit QueuePool: with a `sqlite://` URL SQLAlchemy
    would pick SingletonThreadPool, which closes connections other threads still use."""
    uri = f"file:{path}?mode=ro&immutable=1"
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        poolclass=QueuePool,
        pool_size=8,
        max_overflow=56,
    )


class Database:
    """The published database file, reopened when ingest swaps in a new one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._identity: tuple[int, int] | None = None
        self.generation = 0  # bumps on every swap, for caches keyed on the data

    def engine(self) -> Engine:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise DatabaseMissing(str(self.path)) from None
        identity = (stat.st_ino, stat.st_mtime_ns)
        if identity != self._identity:
            with self._lock:
                if identity != self._identity:
                    # The previous engine is left to the garbage collector: requests still
                    # running on it finish on the old file, which stays readable until closed.
                    self._engine = read_only_engine(self.path)
                    self._identity = identity
                    self.generation += 1
        assert self._engine is not None
        return self._engine

    def session(self) -> Session:
        return Session(self.engine())
