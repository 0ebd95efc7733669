"""A query too broad to answer within the time budget still gets a page, honestly labelled."""

from __future__ import annotations

import pytest

from app.search import engine
from app.search.broad import matches
from app.search.budget import OutOfTime
from app.search.engine import search
from app.search.query import parse_query
from app.text import normalize

BROAD = "的 OR 是 OR 了 OR 在"  # asked nowhere else, so no other test's remembered answer is reused


def _out_of_time(*args, **kwargs):
    """Stands in for a step that ran past the budget (at 1× every step finishes in time)."""
    raise OutOfTime


def test_matches_checks_every_clause_like_the_index_does():
    query = parse_query("大模型 -开源 GPT OR Claude")
    assert matches(query, "t", "大模型里gpt最强")
    assert matches(query, "t", "claude 和大模型")
    assert not matches(query, "t", "开源大模型 gpt")  # an excluded term
    assert not matches(query, "t", "大模型 llama")  # neither alternative of the OR clause


def test_a_query_out_of_time_shows_its_first_matches_and_a_lower_bound(connection, monkeypatch):
    monkeypatch.setattr(engine, "_counted", _out_of_time)  # counting it would take too long at scale
    result = search(connection, BROAD, limit=20)
    monkeypatch.undo()
    assert not result.total_exact
    assert len(result.hits) == 20 and result.total >= 20
    assert all(any(c in normalize(h.text) for c in "的是了在") for h in result.hits)
    assert any("too broad to count" in warning for warning in result.warnings)
    exact = search(connection, BROAD, limit=20)  # with the default budget it is counted at 1×
    assert exact.total_exact and exact.total >= result.total


def test_pages_of_a_broad_query_do_not_repeat(connection, monkeypatch):
    monkeypatch.setattr(engine, "_counted", _out_of_time)
    first = search(connection, BROAD + " OR 我", limit=10)
    second = search(connection, BROAD + " OR 我", limit=10, offset=10)
    assert second.hits and not {h.segment_id for h in first.hits} & {h.segment_id for h in second.hits}


def test_a_query_counted_but_not_ranked_in_time_keeps_its_exact_total(connection, monkeypatch):
    counted = search(connection, "开源 OR 闭源", limit=5)

    monkeypatch.setattr(engine, "_rank", _out_of_time)
    result = search(connection, "开源 OR 闭源", limit=5)
    assert result.total_exact and result.total == counted.total and result.facets == counted.facets
    assert len(result.hits) == 5 and all(h.match == "exact" for h in result.hits)
    assert any("too broad to rank" in warning for warning in result.warnings)


def test_a_question_that_matches_nothing_literally_and_runs_out_of_time_still_gets_passages(connection, monkeypatch):
    """The full ranking is out of time; the passages holding its rarest words are shown, and said to be."""

    monkeypatch.setattr(engine, "_rank", _out_of_time)
    result = search(connection, "开源模型会不会追上闭源模型", limit=10)
    assert result.total == 0 and result.total_exact
    assert len(result.hits) == 10 and all(h.match == "words" for h in result.hits)
    assert all(any(w in normalize(h.text) for w in ("开源", "闭源", "追上")) for h in result.hits)
    assert any("too long to rank in full" in warning for warning in result.warnings)


@pytest.mark.parametrize("query", ["-的 -是", "的 是 了 我 们 在 有 这 个 一 不 就 那 要 说 会"])
def test_hostile_queries_out_of_time_still_answer_with_true_matches(connection, query):
    result = search(connection, query, limit=20, budget=0)
    parsed = parse_query(query)
    assert all(matches(parsed, h.talk_id, normalize(h.text)) for h in result.hits)
    assert result.total >= len(result.hits)


def test_the_page_says_at_least_and_the_api_says_the_count_is_a_lower_bound(client, monkeypatch):
    monkeypatch.setattr(engine, "_counted", _out_of_time)
    page = client.get("/search", params={"q": BROAD + " OR 有"})
    assert page.status_code == 200 and "at least" in page.text and "too broad" in page.text
    body = client.get("/api/search", params={"q": BROAD + " OR 这"}).json()
    assert body["total_exact"] is False and body["total"] >= len(body["results"]) > 0
