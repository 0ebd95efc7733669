"""Markup in transcripts, queries and parameters is shown as text, never run."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.ingest import ingest
from app.web.app import create_app
from tests.conftest import BUNDLED

PAYLOADS = ["<script>alert(", "<img src=x onerror", "<iframe", "<b>up</b>", 'onerror="alert']


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(BUNDLED.parent.parent / "tests" / "data" / "malicious.txt", folder)
    database = folder / "kb.sqlite3"
    assert ingest(folder, database).ok
    return TestClient(create_app(Database(database)))


@pytest.mark.parametrize("path", ["/", "/talks/BV1hack56789-p1", "/talks/BV1hack56789-p1?q=脚本", "/speakers"])
def test_transcript_markup_is_escaped_on_every_page(hostile_client, path):
    html = hostile_client.get(path).text
    assert "alert(" in html or path == "/speakers"  # the text is there, as text
    for payload in PAYLOADS:
        assert payload not in html


def test_search_snippets_escape_transcript_markup(hostile_client):
    body = hostile_client.get("/api/search", params={"q": "脚本"}).json()
    snippet = body["results"][0]["snippet"]
    assert "&lt;script&gt;" in snippet and "<mark>脚本</mark>" in snippet
    html = hostile_client.get("/search", params={"q": "脚本"}).text
    assert "<script>alert(" not in html


def test_javascript_slide_urls_are_never_links_or_images(hostile_client):
    html = hostile_client.get("/talks/BV1hack56789-p1").text
    assert 'src="javascript:' not in html and 'href="javascript:' not in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "<script>alert(1)</script>"},
        {"q": '"><svg onload=alert(1)>'},
        {"q": "模型", "event": "<script>alert(1)</script>"},
        {"q": "模型", "speaker": "'><img src=x onerror=alert(1)>"},
    ],
)
def test_queries_and_filters_are_escaped(client, params):
    html = client.get("/search", params=params).text
    assert "<script>alert(1)" not in html and "<svg onload" not in html and "<img src=x" not in html
