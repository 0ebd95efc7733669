"""Only a few searches of a process compute at once, each within its time budget, on every connection it uses."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import config
from app.db import Database
from app.search.budget import OutOfTime, alongside, deadline, turn


def test_no_more_than_the_configured_searches_compute_at_once():
    computing, most = 0, 0
    lock = threading.Lock()

    def one_search(_: int) -> None:
        nonlocal computing, most
        with turn():
            with lock:
                computing += 1
                most = max(most, computing)
            time.sleep(0.02)
            with lock:
                computing -= 1

    with ThreadPoolExecutor(4 * config.SEARCHES_AT_ONCE) as pool:
        list(pool.map(one_search, range(8 * config.SEARCHES_AT_ONCE)))
    assert most == config.SEARCHES_AT_ONCE  # the others waited, and every search ran


def test_a_search_that_fails_gives_its_turn_back():
    for _ in range(config.SEARCHES_AT_ONCE + 1):
        try:
            with turn():
                raise ValueError("a search that raised")
        except ValueError:
            pass
    acquired = threading.Event()

    def waits() -> None:
        with turn():
            acquired.set()

    thread = threading.Thread(target=waits)
    thread.start()
    thread.join(timeout=5)
    assert acquired.is_set()


def _slow_statement(connection) -> None:
    connection.exec_driver_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) SELECT count(*) FROM n"
    ).scalar()


def test_work_done_alongside_a_search_stops_at_the_searchs_deadline(bundled_db):
    with (
        Database(bundled_db).engine().connect() as connection,
        pytest.raises(OutOfTime),
        deadline(connection, 0.05),
        alongside(connection) as other,
    ):
        assert other.connection.dbapi_connection is not connection.connection.dbapi_connection
        _slow_statement(other)


def test_a_connection_alongside_one_without_deadline_has_none(bundled_db):
    with Database(bundled_db).engine().connect() as connection, alongside(connection) as other:
        assert other.exec_driver_sql("SELECT count(*) FROM segment").scalar() > 0
