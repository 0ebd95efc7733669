"""Every page and API route through the test client, including errors."""

from __future__ import annotations

import re
import sqlite3
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.ingest import ingest
from app.search.filters import corpus_facts
from app.web.app import create_app


def test_home_lists_talks_grouped_by_event_and_forum(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "2024北京智源大会" in html and "开幕式及全体大会" in html
    assert "通往AGI之路" in html and 'href="/talks/BV1uH4y1w77V-p5"' in html
    assert "<strong>11</strong> talks" in html


def test_talk_page_has_metadata_video_link_and_numbered_segments(client):
    html = client.get("/talks/BV1uH4y1w77V-p5").text
    assert "通往AGI之路" in html and "杨植麟" in html and "主持人" in html
    assert "https://www.bilibili.com/video/BV1uH4y1w77V?p=5" in html
    assert 'id="s1"' in html and 'id="s181"' in html and 'href="#s181"' in html


def test_slides_are_lazy_images_or_placeholders(client):
    assert 'loading="lazy"' in client.get("/talks/BV1zE421N7UJ-p7").text
    forum = client.get("/talks/BV1iT421k7Bv-p3").text
    assert "slide-placeholder" in forum and '<img src="img/' not in forum


def test_talk_page_highlights_a_query(client):
    html = client.get("/talks/BV1uH4y1w77V-p5", params={"q": "AGI"}).text
    assert "<mark>AGI</mark>" in html


def test_search_page_shows_hits_with_permalinks(client):
    html = client.get("/search", params={"q": "幻觉 安全"}).text
    assert "<mark>幻觉</mark>" in html and "#s" in html and "segments containing" in html


def test_a_known_alias_says_the_other_form_and_a_sound_alike_is_heard_as_it(client):
    """An alias is another name for the same thing (无人驾驶 for 自动驾驶), not a mishearing."""
    aliased = client.get("/search", params={"q": "自动驾驶"}).text
    assert "known alias: says <q>无人驾驶</q>" in aliased and "heard as <q>无人驾驶</q>" not in aliased
    assert "sounds alike: heard as <q>志愿研究院</q>" in client.get("/search", params={"q": "智源研究院"}).text


def test_search_page_paginates_and_keeps_filters(client):
    html = client.get("/search", params={"q": "模型", "event": "2024世界人工智能大会", "sort": "programme"}).text
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html)
    assert next_link, "a query with many matches has a Next link"
    params = parse_qs(urlparse(unescape(next_link.group(1))).query)
    assert params["page"] == ["2"] and params["event"] == ["2024世界人工智能大会"] and params["sort"] == ["programme"]


def test_speakers_pages(client):
    assert "杨植麟" in client.get("/speakers").text
    html = client.get("/speakers/杨植麟").text
    assert "通往AGI之路" in html and "对话嘉宾" in html


def test_the_talks_address_leads_to_the_list_of_talks(client):
    page = client.get("/talks")
    assert page.history and page.history[0].status_code == 308 and page.url.path == "/"
    assert "通往AGI之路" in page.text


@pytest.mark.parametrize("path", ["/talks/nope", "/speakers/nobody", "/no/such/page"])
def test_unknown_pages_get_a_real_404_page(client, path):
    page = client.get(path)
    assert page.status_code == 404 and "<html" in page.text and "Not found" in page.text


def test_bad_parameters_get_a_clear_message_not_a_500(client):
    page = client.get("/search", params={"q": "x", "page": "zero"})
    assert page.status_code == 422 and "page" in page.text
    api = client.get("/api/search", params={"q": "x", "limit": 1000})
    assert api.status_code == 422 and "limit" in api.json()["detail"]


def test_transcript_text_and_queries_are_escaped(client):
    html = client.get("/search", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_api_talks_and_talk(client):
    talks = client.get("/api/talks").json()
    assert len(talks) == 11
    detail = client.get("/api/talks/BV1uH4y1w77V-p1").json()
    assert detail["title"] == "智源进展报告" and detail["speakers"][0]["name"] == "王仲远"
    assert len(detail["segments"]) == 137 and detail["segments"][0]["url"] == "/talks/BV1uH4y1w77V-p1#s1"
    assert client.get("/api/talks/nope").status_code == 404


def test_api_speakers(client):
    speakers = client.get("/api/speakers").json()
    assert {"王仲远", "张鹏", "Thomas Scialom"} <= {s["name"] for s in speakers}
    wang = client.get("/api/speakers/王仲远").json()
    assert {t["role"] for t in wang["talks"]} == {"speaker", "host"}
    assert client.get("/api/speakers/nobody").status_code == 404


def test_api_search_contract(client):
    body = client.get("/api/search", params={"q": "scaling law", "limit": 5}).json()
    assert {"query", "total", "results"} <= set(body) and body["query"] == "scaling law"
    assert body["total"] >= len(body["results"]) > 0
    hit = body["results"][0]
    assert {"talk_id", "talk_title", "segment", "speaker", "text", "snippet", "url", "match", "score"} <= set(hit)
    assert hit["url"] == f"/talks/{hit['talk_id']}#s{hit['segment']}"


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/api/search" in client.get("/openapi.json").json()["paths"]


def test_missing_database_gives_a_helpful_503(tmp_path):
    from fastapi.testclient import TestClient

    page = TestClient(create_app(Database(tmp_path / "none.sqlite3"))).get("/")
    assert page.status_code == 503 and "make ingest" in page.text


def test_a_file_ingest_did_not_build_gives_a_503_that_says_what_it_is(tmp_path):
    empty, other, old = tmp_path / "empty.sqlite3", tmp_path / "other.sqlite3", tmp_path / "old.sqlite3"
    empty.touch()
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text)")
    with sqlite3.connect(old) as connection:
        connection.execute("CREATE TABLE meta (key, value)")
        connection.execute("INSERT INTO meta VALUES ('schema', '1')")
    for path, says in ((empty, "not a database of talks"), (other, "not a database of talks"), (old, "schema 1")):
        client = TestClient(create_app(Database(path)), raise_server_exceptions=False)
        for url in ("/", "/search?q=模型", "/api/search?q=模型", "/explore?q=开源"):
            answer = client.get(url)
            assert answer.status_code == 503 and says in answer.text and "ingest" in answer.text, (path, url)


def test_talk_page_offers_hit_navigation(client):
    html = client.get("/talks/BV1uH4y1w77V-p5", params={"q": "AGI"}).text
    assert "segments with" in html and 'class="hitbar"' in html and 'data-step="1"' in html
    assert html.count('class="tick on"') >= 1


def test_search_results_link_into_the_talk_with_the_query(client):
    html = client.get("/search", params={"q": "马车"}).text
    assert "/talks/BV1yS411A73A-p7?q=%E9%A9%AC%E8%BD%A6#s" in html


def test_facet_links_add_a_filter_and_keep_the_query(client):
    html = client.get("/search", params={"q": "模型 安全"}).text
    assert "speaker=%E7%8E%8B%E4%BB%B2%E8%BF%9C" in html and "q=%E6%A8%A1%E5%9E%8B+%E5%AE%89%E5%85%A8" in html


def test_zero_result_page_suggests_and_offers_to_drop_a_filter(client):
    html = client.get("/search", params={"q": "模型xyz", "event": "2024世界人工智能大会"}).text
    assert "drop event" in html and "Did you mean" in html and "大模型" in html


def test_question_page_says_how_each_passage_matched(client):
    html = client.get("/search", params={"q": "大模型会不会取代程序员"}).text
    assert "some of the words" in html
    programme = client.get("/search", params={"q": "大模型会不会取代程序员", "sort": "programme"}).text
    assert "Related: segments with most of the words" in programme


def test_forum_page_lists_its_sub_talks_with_anchors(client):
    html = client.get("/talks/BV1iT421k7Bv-p36").text
    assert 'class="toc"' in html and 'id="c2"' in html and 'href="#c2"' in html
    assert "张鹏" in html and "whole forum" in html


def test_segments_show_who_speaks_and_how_sure(client):
    html = client.get("/talks/BV1uH4y1w77V-p4").text
    assert 'class="who"' in html and "named in the heading" in html


def test_api_talk_gives_attribution_and_chapters(client):
    body = client.get("/api/talks/BV1iT421k7Bv-p36").json()
    assert body["kind"] == "forum" and body["chapters"][1]["start_segment"] == 20
    assert body["chapters"][1]["url"] == "/talks/BV1iT421k7Bv-p36#c2"
    segment = body["segments"][59]
    assert (segment["speaker"], segment["method"]) == ("张鹏", "handover") and 0 < segment["confidence"] <= 1


def test_speaker_filter_uses_attributed_segments(client):
    body = client.get("/api/search", params={"q": "大模型", "speaker": "张鹏", "limit": 100}).json()
    talks = {hit["talk_id"] for hit in body["results"]}
    assert "BV1iT421k7Bv-p36" in talks and all(hit["speaker"] == "张鹏" for hit in body["results"])


def test_kind_filter(client):
    body = client.get("/api/search", params={"q": "大模型", "kind": "panel", "limit": 100}).json()
    assert body["total"] > 0
    kinds = {t["id"]: t["kind"] for t in client.get("/api/talks").json()}
    assert {kinds[hit["talk_id"]] for hit in body["results"]} == {"panel"}


def test_speaker_page_lists_attributed_segments(client):
    html = client.get("/speakers/王海峰").text
    assert "Attributed segments (63)" in html and "#s1" in html


def test_pages_send_security_and_caching_headers(client):
    page = client.get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["referrer-policy"] == "no-referrer"
    assert "max-age" in client.get("/static/style.css").headers["cache-control"]


def test_a_filter_that_can_match_nothing_says_why(client):
    api = client.get("/api/search", params={"q": "模型", "kind": "keynote"}).json()
    assert api["total"] == 0 and "no kind “keynote”" in api["warnings"][0]
    assert "talk, conversation, panel, forum" in api["warnings"][0]
    page = client.get("/search", params={"q": "模型", "kind": "keynote"}).text
    assert "There is no kind “keynote”" in page
    many = client.get("/api/search", params={"q": " ".join(f"w{i}" for i in range(20))}).json()
    assert "4 more were ignored" in many["warnings"][0]
    assert client.get("/api/search", params={"q": "模型"}).json()["warnings"] == []


def test_literal_mode_lists_only_segments_with_every_term(client):
    page = client.get("/search", params={"q": "大模型会不会取代程序员"}).text
    assert "every term only" in page and "mode=literal" in page
    api = client.get("/api/search", params={"q": "大模型会不会取代程序员", "mode": "literal"}).json()
    assert api["total"] == 0 and api["results"] == [] and api["ranked"] == 0
    literal = client.get("/api/search", params={"q": "幻觉 安全", "mode": "literal", "limit": 100}).json()
    assert literal["results"] and all(hit["match"] == "exact" for hit in literal["results"])
    assert len(literal["results"]) == literal["total"]


def test_a_talk_from_youtube_links_there_and_an_uploader_alone_is_shown(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "a.md").write_text(
        "# NeurIPS 2024 - P2：Scaling Laws：Jane Doe - Some Channel - dQw4w9WgXcQ\n\nHello everyone.\n\n"
        "# NeurIPS 2024 - P3：Closing：John Roe - 某频道\n\nThank you all.\n",
        encoding="utf-8",
    )
    assert ingest(folder, tmp_path / "kb.sqlite3").ok
    client = TestClient(create_app(Database(tmp_path / "kb.sqlite3")))
    page = client.get("/talks/dQw4w9WgXcQ-p2").text
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page and "on YouTube" in page
    closing = client.get("/api/talks").json()
    other = next(talk for talk in closing if talk["id"] != "dQw4w9WgXcQ-p2")
    assert other["uploader"] == "某频道" and other["video_url"] is None
    assert "uploaded by 某频道" in client.get(f"/talks/{other['id']}").text


def test_start_up_prepares_suggestions_before_the_first_request(bundled_db) -> None:
    """A query that finds nothing offers close words; their index is built while the server starts."""
    database = Database(bundled_db)  # a fresh engine, so nothing is left over from other tests
    with TestClient(create_app(database)), database.engine().connect() as connection:
        facts = corpus_facts(connection)
        assert "_words_by_character" in vars(facts), "the suggestion index was left for the first request"


def test_a_hit_in_the_other_language_says_which_translation_it_holds(client) -> None:
    page = client.get("/search", params={"q": "信用卡"}).text
    assert "says it in the other language: <q>credit card</q>" in page
