"""A time budget per request, enforced inside SQLite, so that no query holds a worker for long.

SQLite calls a progress handler every few thousand virtual-machine steps; once the deadline
has passed the handler stops the statement, which then raises `OutOfTime`. The answer cache
never remembers an interrupted computation, since the exception passes through it.

The budget is wall time, so a search must not share its core with many others while it runs:
`turn` lets only a few searches of a process compute at once, and the others wait before
their clock starts.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from app import config

PROGRESS_STEPS = 20_000  # VM steps between deadline checks: about a tenth of a millisecond


_turns = threading.BoundedSemaphore(config.SEARCHES_AT_ONCE)


@contextmanager
def turn() -> Iterator[None]:
    """Wait until fewer than config.SEARCHES_AT_ONCE searches of this process are computing.

    With the GIL, sixteen searches at once are no faster in total than two, but each takes eight
    times as long by the clock (so more of them run out of budget), and each holds its scratch
    memory (vector scores, id lists, a connection's page cache) all that time.
    """
    with _turns:
        yield


class OutOfTime(Exception):
    """The statement was stopped at the deadline."""


def _raw(connection: Connection) -> sqlite3.Connection:
    return connection.connection.dbapi_connection  # type: ignore[return-value]


_ENDS = "search deadline"  # where a connection's info keeps the time its statements must end by


@contextmanager
def deadline(connection: Connection, seconds: float) -> Iterator[None]:
    """Stop any statement on `connection` that is still running `seconds` from now."""
    with _until(connection, time.monotonic() + seconds):
        yield


@contextmanager
def alongside(connection: Connection) -> Iterator[Connection]:
    """A second connection on the same file, under the first one's deadline, for work done beside it.

    SQLite lets go of the GIL while a statement runs, so two statements of one search can use two cores.
    """
    ends = connection.info.get(_ENDS)
    with connection.engine.connect() as other, nullcontext() if ends is None else _until(other, ends):
        yield other


@contextmanager
def _until(connection: Connection, ends: float) -> Iterator[None]:
    raw = _raw(connection)
    connection.info[_ENDS] = ends
    raw.set_progress_handler(lambda: time.monotonic() > ends, PROGRESS_STEPS)
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error.orig):
            raise OutOfTime from error
        raise
    finally:
        raw.set_progress_handler(None, PROGRESS_STEPS)
        connection.info.pop(_ENDS, None)
