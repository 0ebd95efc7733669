"""A time budget per request, enforced inside SQLite, so that no query holds a worker for long.

SQLite calls a progress handler every few thousand virtual-machine steps; once the deadline
has passed the handler stops the statement, which then raises `OutOfTime`. The answer cache
never remembers an interrupted computation, since the exception passes through it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

PROGRESS_STEPS = 20_000  # VM steps between deadline checks: about a tenth of a millisecond


class OutOfTime(Exception):
    """The statement was stopped at the deadline."""


def _raw(connection: Connection) -> sqlite3.Connection:
    return connection.connection.dbapi_connection  # type: ignore[return-value]


@contextmanager
def deadline(connection: Connection, seconds: float) -> Iterator[None]:
    """Stop any statement on `connection` that is still running `seconds` from now."""
    ends = time.monotonic() + seconds
    raw = _raw(connection)
    raw.set_progress_handler(lambda: time.monotonic() > ends, PROGRESS_STEPS)
    try:
        yield
    except OperationalError as error:
        if "interrupted" in str(error.orig):
            raise OutOfTime from error
        raise
    finally:
        raw.set_progress_handler(None, PROGRESS_STEPS)
