"""Whether a file is a database this version of the app built and can read.

Kept apart from app.db (and so from SQLAlchemy): the command line asks it before it starts a server
or an embedding run, in a process that should stay small.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app import config


def build_problem(path: Path) -> str | None:
    """Why the file at `path` is not a build of the tables this version reads; None when it is one."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.Error:  # an empty file, another program's database, not SQLite at all
        return "not a database of talks"
    if row is None or row[0] != config.SCHEMA_VERSION:
        found = row[0] if row else "none"
        return f"a build of another version of the app (schema {found}, this one reads {config.SCHEMA_VERSION})"
    return None
