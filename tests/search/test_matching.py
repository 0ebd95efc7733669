"""The SQL of literal matching: which index answers a term, and that its answer is exact."""

from __future__ import annotations

from app.search.matching import matching_ids_sql
from app.search.query import parse_query
from app.text import normalize


def _ids(connection, raw_query: str) -> set[int]:
    sql, params = matching_ids_sql(parse_query(raw_query))
    return {row[0] for row in connection.exec_driver_sql(sql, tuple(params))}


def _scanned(connection, *terms: str) -> set[int]:
    rows = connection.exec_driver_sql("SELECT id, text FROM segment")
    wanted = [normalize(term) for term in terms]
    return {row_id for row_id, text in rows if all(term in normalize(text) for term in wanted)}


def test_one_and_two_character_terms_are_one_token_of_the_character_index():
    sql, params = matching_ids_sql(parse_query("还是 一个 的"))
    assert sql.count("segment_chars MATCH") == 1  # one FTS5 expression for the three terms
    assert params == ['(("还是") AND ("一个") AND ("的"))']  # tokens, not phrases of characters


def test_short_terms_match_exactly_the_segments_that_contain_them(connection):
    for query, terms in (("还是", ["还是"]), ("ai", ["ai"]), ("模型 的", ["模型", "的"]), ("，我", ["，我"])):
        found = _ids(connection, query)
        assert found and found == _scanned(connection, *terms), query


def test_a_short_term_is_not_found_across_a_space_or_punctuation(connection):
    # 模 and 型 apart ("模 型", "模，型") hold no pair 模型; the scan agrees with the index
    assert _ids(connection, "模型") == _scanned(connection, "模型")
    assert _ids(connection, "型 -模型") == _scanned(connection, "型") - _scanned(connection, "模型")
