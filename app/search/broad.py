"""A query too broad to count in time: its first matches, and a lower bound on how many there are.

Counting `的 OR 是 OR 了 …` at 100× the bundled data means merging millions of index entries;
rather than hold a worker for seconds, search stops at its budget (budget.py) and comes here.
The literal guarantee still holds for what is shown: ids stream from the index of one clause
(an FTS5 match yields row ids in order without materialising them all), and each candidate's
normalised text is checked against the whole query, exactly as matching.py defines a match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection

from app.search.budget import OutOfTime, deadline
from app.search.filters import Restriction
from app.search.matching import term_sql
from app.search.query import Clause, Query
from app.text import normalize

BATCH = 500  # candidate ids whose texts are read and checked at a time


@dataclass
class BroadMatches:
    rows: list[tuple[int, str, int, str | None, str]]  # (id, talk id, number, speaker name, text) of the page
    at_least: int  # matches seen before the budget ran out: the true total is at least this


def matches(query: Query, talk_id: str, normalized: str) -> bool:
    """Whether a segment's normalised text satisfies every clause of the query."""

    def holds(clause: Clause) -> bool:
        return any(t.text in normalized and (t.talks is None or talk_id in t.talks) for t in clause.alternatives)

    return all(holds(clause) != clause.negated for clause in query.clauses)


def _candidate_ids(connection: Connection, query: Query) -> Iterator[int]:
    """Ids in index order from the positive clause with the fewest alternatives (every match is among them)."""
    positive = [c for c in query.clauses if not c.negated]
    if not positive:
        yield from (row[0] for row in connection.exec_driver_sql("SELECT id FROM segment ORDER BY id"))
        return
    clause = min(positive, key=lambda c: (len(c.alternatives), -max(len(t.text) for t in c.alternatives)))
    seen: set[int] = set()
    for term in clause.alternatives:
        sql, param = term_sql(term)
        for (segment_id,) in connection.exec_driver_sql(sql, (param,)):
            if segment_id not in seen:
                seen.add(segment_id)
                yield segment_id


def first_matches(
    connection: Connection, query: Query, restriction: Restriction, limit: int, offset: int, seconds: float
) -> BroadMatches:
    """Matches number offset … offset + limit in index order, checking candidates for `seconds` at most."""
    where, params = restriction.where()
    condition = where.replace("WHERE ", "AND ", 1)
    found = BroadMatches([], 0)
    batch: list[int] = []

    def check(ids: list[int]) -> None:
        marks = ",".join("?" * len(ids))
        rows = connection.exec_driver_sql(
            "SELECT s.id, s.talk_id, s.number, sp.name, s.text FROM segment s "
            f"LEFT JOIN speaker sp ON sp.id = s.speaker_id WHERE s.id IN ({marks}) {condition} ORDER BY s.id",
            (*ids, *params),
        )
        for row in rows:
            if matches(query, row[1], normalize(row[4])):
                if offset <= found.at_least < offset + limit:
                    found.rows.append(tuple(row))
                found.at_least += 1

    try:
        with deadline(connection, seconds):
            for segment_id in _candidate_ids(connection, query):
                batch.append(segment_id)
                if len(batch) == BATCH:
                    check(batch)
                    batch = []
            if batch:
                check(batch)
    except OutOfTime:
        pass  # what was seen so far is the lower bound
    return found
