"""Read-only connections on the published database file."""

from __future__ import annotations

from app.db import READER_CACHE_KIB, Database


def test_every_reader_connection_keeps_a_small_page_cache(bundled_db):
    # Each server worker pools several connections; SQLite's default 2 MB cache apiece added up to 35 MB.
    with Database(bundled_db).engine().connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -READER_CACHE_KIB
        assert connection.exec_driver_sql("SELECT count(*) FROM talk").scalar() > 0
