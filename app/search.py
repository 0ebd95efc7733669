"""Query → matching segments → ranking → page of hits.

Matching is exact: a segment matches when its normalised text contains every
term as a substring. Two indexes make that fast without a table scan: a trigram
index answers terms of three characters or more, a one-token-per-character
index answers shorter ones. Ranking uses BM25 over jieba tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection

from app.highlight import mark
from app.query import Clause, Query, Term, parse_query
from app.text import char_tokens, normalize, words

SNIPPET_WIDTH = 160
Sort = Literal["relevance", "programme"]


@dataclass
class Hit:
    talk_id: str
    talk_title: str
    segment: int
    speaker: str | None
    text: str
    snippet: str
    score: float
    match: str = "exact"

    @property
    def url(self) -> str:
        return f"/talks/{self.talk_id}#s{self.segment}"


@dataclass
class SearchResult:
    query: Query
    total: int
    hits: list[Hit] = field(default_factory=list)


def _fts_phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _term_sql(term: Term) -> tuple[str, str]:
    """SQL selecting the ids of segments that contain the term, and its parameter."""
    if len(term.text) >= 3:
        return "SELECT rowid AS id FROM segment_trigrams WHERE segment_trigrams MATCH ?", _fts_phrase(term.text)
    return "SELECT rowid AS id FROM segment_chars WHERE segment_chars MATCH ?", _fts_phrase(char_tokens(term.text))


def _clause_sql(clause: Clause) -> tuple[str, list[str]]:
    parts = [_term_sql(term) for term in clause.alternatives]
    return "SELECT id FROM (" + " UNION ".join(sql for sql, _ in parts) + ")", [p for _, p in parts]


def matching_ids_sql(query: Query) -> tuple[str, list[str]]:
    """A compound SELECT of the ids of segments satisfying every clause."""
    sql, params = "SELECT id FROM segment", []
    positives = [c for c in query.clauses if not c.negated]
    negatives = [c for c in query.clauses if c.negated]
    pieces = []
    for clause in positives:
        clause_sql, clause_params = _clause_sql(clause)
        pieces.append(clause_sql)
        params.extend(clause_params)
    if pieces:
        sql = " INTERSECT ".join(pieces)
    for clause in negatives:
        clause_sql, clause_params = _clause_sql(clause)
        sql += " EXCEPT " + clause_sql
        params.extend(clause_params)
    return sql, params


def talk_ids_for_filters(connection: Connection, filters: dict[str, str]) -> list[str] | None:
    """Talks allowed by event/forum/speaker/talk filters; None when nothing filters."""
    if not filters:
        return None
    rows = connection.exec_driver_sql("SELECT id, event, forum FROM talk").all()
    allowed = set()
    for talk_id, event, forum in rows:
        if "talk" in filters and filters["talk"] != talk_id:
            continue
        if "event" in filters and normalize(filters["event"]) not in normalize(event or ""):
            continue
        if "forum" in filters and normalize(filters["forum"]) not in normalize(forum or ""):
            continue
        allowed.add(talk_id)
    if "speaker" in filters:
        wanted = normalize(filters["speaker"])
        speaker_talks = connection.exec_driver_sql(
            "SELECT ts.talk_id, sp.id, sp.name FROM talkspeaker ts JOIN speaker sp ON sp.id = ts.speaker_id"
        ).all()
        allowed &= {t for t, sid, name in speaker_talks if wanted in (normalize(sid), normalize(name))}
    return sorted(allowed)


def search(
    connection: Connection,
    raw_query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    filters: dict[str, str] | None = None,
    sort: Sort = "relevance",
) -> SearchResult:
    query = parse_query(raw_query)
    query.filters.update({k: v for k, v in (filters or {}).items() if v})
    if not query:
        return SearchResult(query, 0)
    ids_sql, params = matching_ids_sql(query)
    allowed = talk_ids_for_filters(connection, query.filters)
    where, where_params = "", []
    if allowed is not None:
        where = f"WHERE s.talk_id IN ({','.join('?' * len(allowed))})" if allowed else "WHERE 0"
        where_params = list(allowed)
    base = f"WITH matched(id) AS ({ids_sql}) "
    total = connection.exec_driver_sql(
        base + f"SELECT count(*) FROM matched m JOIN segment s ON s.id = m.id {where}", (*params, *where_params)
    ).scalar_one()

    query_words = sorted({w for term in query.positive_terms for w in words(term.text)})
    rank_join, rank_params = "", []
    if query_words:
        rank_join = (
            "LEFT JOIN (SELECT rowid AS id, bm25(segment_words) AS rank FROM segment_words "
            "WHERE segment_words MATCH ?) w ON w.id = s.id"
        )
        rank_params = [" OR ".join(_fts_phrase(w) for w in query_words)]
    rank = "coalesce(w.rank, 0)" if query_words else "0"
    order = "score, t.position, s.number" if sort == "relevance" else "t.position, s.number"
    rows = connection.exec_driver_sql(
        base + f"SELECT s.talk_id, t.title, s.number, sp.name, s.text, {rank} AS score "
        "FROM matched m JOIN segment s ON s.id = m.id JOIN talk t ON t.id = s.talk_id "
        f"LEFT JOIN speaker sp ON sp.id = s.speaker_id {rank_join} {where} "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        (*params, *rank_params, *where_params, limit, offset),
    ).all()
    terms = [t.text for t in query.positive_terms]
    hits = [
        Hit(talk_id, title, number, speaker, text, str(mark(text, terms, SNIPPET_WIDTH)), round(-score, 4))
        for talk_id, title, number, speaker, text, score in rows
    ]
    return SearchResult(query, total, hits)
