"""Shared fixtures: the bundled transcripts ingested once per session, and a client on them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.ingest import ingest
from app.web.app import create_app

PROJECT = Path(__file__).resolve().parent.parent
BUNDLED = PROJECT / "data" / "transcripts"
TEST_DATA = PROJECT / "tests" / "data"  # hand labels and broken files


def every_row(db: Path) -> dict[str, list[tuple]]:
    """Every row of every stored table, the full-text indexes' own tables (segment_words_data …) included."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        tables = [
            name
            for name, sql in connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            if not sql.upper().startswith("CREATE VIRTUAL")
        ]
        return {name: connection.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in tables}


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "kb.sqlite3"
    report = ingest(BUNDLED, path)
    assert report.ok, report.problems
    return path


@pytest.fixture(scope="session")
def database(bundled_db: Path) -> Database:
    return Database(bundled_db)


@pytest.fixture(scope="session")
def client(database: Database) -> TestClient:
    return TestClient(create_app(database))


@pytest.fixture()
def connection(database: Database):
    with database.engine().connect() as connection:
        yield connection
