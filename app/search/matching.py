"""The SQL of literal matching: which segments contain every term of a query as a substring.

Two indexes make that exact without a table scan: a trigram index answers terms of three
characters or more, a one-token-per-character index answers shorter ones.
"""

from __future__ import annotations

from app.search.query import Clause, Query, Term
from app.text import char_tokens


def fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def term_sql(term: Term) -> tuple[str, str]:
    """SQL selecting the ids of segments that contain the term, and its parameter."""
    if len(term.text) >= 3:
        sql, param = "SELECT rowid AS id FROM segment_trigrams WHERE segment_trigrams MATCH ?", fts_phrase(term.text)
    else:
        sql, param = (
            "SELECT rowid AS id FROM segment_chars WHERE segment_chars MATCH ?",
            fts_phrase(char_tokens(term.text)),
        )
    if term.talks is not None:
        talks = ",".join("'" + talk.replace("'", "''") + "'" for talk in term.talks)
        sql = f"SELECT id FROM segment WHERE talk_id IN ({talks}) AND id IN ({sql})"
    return sql, param


def clause_sql(clause: Clause) -> tuple[str, list[str]]:
    parts = [term_sql(term) for term in clause.alternatives]
    return "SELECT id FROM (" + " UNION ".join(sql for sql, _ in parts) + ")", [p for _, p in parts]


def matching_ids_sql(query: Query) -> tuple[str, list[str]]:
    """A compound SELECT of the ids of segments satisfying every clause."""
    sql, params = "SELECT id FROM segment", []
    pieces = []
    for clause in (c for c in query.clauses if not c.negated):
        piece, clause_params = clause_sql(clause)
        pieces.append(piece)
        params.extend(clause_params)
    if pieces:
        sql = " INTERSECT ".join(pieces)
    for clause in (c for c in query.clauses if c.negated):
        piece, clause_params = clause_sql(clause)
        sql += " EXCEPT " + piece
        params.extend(clause_params)
    return sql, params


def negations_sql(query: Query) -> tuple[str, list[str]]:
    """SQL removing segments that contain an excluded term, and its parameters."""
    clauses = [clause_sql(c) for c in query.clauses if c.negated]
    return "".join(" EXCEPT " + sql for sql, _ in clauses), [p for _, params in clauses for p in params]
