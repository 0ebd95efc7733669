"""A talk's transcript as Markdown and plain-text files: /talks/{id}.md and /talks/{id}.txt."""

from __future__ import annotations

import re
import shutil

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.ingest import ingest
from app.web.app import create_app
from tests.conftest import BUNDLED

PANEL = "BV1uH4y1w77V-p5"  # 通往AGI之路, 181 segments
FORUM = "BV1iT421k7Bv-p36"  # a whole forum, with sub-talks


@pytest.mark.parametrize(("ext", "media_type"), [("md", "text/markdown"), ("txt", "text/plain")])
def test_downloads_have_the_right_type_and_a_file_name(client, ext, media_type):
    response = client.get(f"/talks/{PANEL}.{ext}")
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f'filename="{PANEL}.{ext}"' in disposition
    assert f"filename*=UTF-8''{PANEL}.{ext}" in disposition
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_markdown_has_the_facts_every_segment_and_permalinks(client):
    text = client.get(f"/talks/{PANEL}.md").text
    lines = text.splitlines()
    assert lines[0] == "# 通往AGI之路"
    assert "- Event: 2024北京智源大会 › 开幕式及全体大会" in text
    assert "杨植麟 (对话嘉宾 guest)" in text and "王仲远 (主持人 host)" in text
    assert "- Video: <https://www.bilibili.com/video/BV1uH4y1w77V?p=5>" in text
    assert f"- Transcript: <http://testserver/talks/{PANEL}>" in text
    numbers = [int(n) for n in re.findall(rf"^\[(\d+)\]\(http://testserver/talks/{PANEL}#s\1\) ", text, re.M)]
    assert numbers == list(range(1, 182))


def test_markdown_names_the_speaker_when_the_turn_changes(client):
    text = client.get("/talks/BV1uH4y1w77V-p4.md").text
    assert "#s1) **王海峰:** " in text
    assert "#s2) **王海峰:**" not in text  # the same speaker goes on


def test_markdown_keeps_slides_and_escapes_transcript_markup(client):
    assert re.search(r"^!\[Slide\]\(https://\S+\.png\)$", client.get("/talks/BV1zE421N7UJ-p7.md").text, re.M)
    text = client.get("/talks/BV1uH4y1w77V-p4.md").text
    assert "\\[音乐\\]" not in text and "[音乐]" in text  # brackets stay readable
    # A slide that was only a local file name is named, never an image or a link.
    forum = client.get("/talks/BV1iT421k7Bv-p3.md").text
    assert "*(slide not available: img/" in forum and "![Slide](img/" not in forum


def test_plain_text_has_chapters_and_numbered_segments(client):
    text = client.get(f"/talks/{FORUM}.txt").text
    lines = text.splitlines()
    assert lines[0] == "GLM-新一代基座大模型技术前沿与产业应用论坛"
    assert "== 开场 Opening ==" in lines
    assert any(line.startswith("== 张鹏") for line in lines)
    assert not re.search(r"&(amp|lt|gt|quot|#\d+);", text)  # plain text, not HTML
    assert re.findall(r"^\[(\d+)\] ", text, re.M)[-1] == "871"
    assert "(segment N: http://testserver/talks/BV1iT421k7Bv-p36#sN)" in text


def test_talk_page_links_to_both_downloads(client):
    html = client.get(f"/talks/{PANEL}").text
    assert f'href="/talks/{PANEL}.md" download' in html and f'href="/talks/{PANEL}.txt" download' in html


def test_talk_page_gives_every_segment_a_cite_button(client):
    html = client.get(f"/talks/{PANEL}").text
    assert html.count('<button type="button" class="cite"') == 181
    assert 'aria-label="Cite segment 181"' in html
    assert 'data-title="通往AGI之路"' in html and "style=" not in html and "<script>" not in html


@pytest.mark.parametrize("path", ["/talks/nope.md", "/talks/nope.txt"])
def test_downloads_of_an_unknown_talk_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404 and "No talk" in response.text


def test_a_talk_id_with_a_dot_is_still_a_talk_page(client):
    assert client.get("/talks/no.such").status_code == 404  # the talk page's 404, not a validation error
    assert "<html" in client.get("/talks/no.such").text


def test_pages_are_compressed(client):
    response = client.get("/talks/BV1iT421k7Bv-p3", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text.count('class="segment') == 1089


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(BUNDLED.parent.parent / "tests" / "data" / "malicious.txt", folder)
    assert ingest(folder, folder / "kb.sqlite3").ok
    return TestClient(create_app(Database(folder / "kb.sqlite3")))


def test_downloads_keep_hostile_transcript_markup_inert(hostile_client):
    markdown = hostile_client.get("/talks/BV1hack56789-p1.md").text
    assert not re.search(r"(?<!\\)<(?!https?://)", markdown), "every < is escaped, but for autolinks"
    assert "正文里有脚本\\<script\\>alert('text')\\</script\\>和\"引号'以及\\&amp;实体。" in markdown
    assert "](javascript:" not in markdown and "*(slide not available: javascript:alert('slide'))*" in markdown
    slides = re.findall(r"^!\[Slide\]\((\S+)\)$", markdown, re.M)
    assert slides == ["https://example.org/a.png%22onerror=%22alert%28'img'%29"]
    assert "<script>alert('text')</script>" in hostile_client.get("/talks/BV1hack56789-p1.txt").text  # plain text


def test_a_launch_ceremony_is_a_chapter_of_its_own_in_the_forum_text(client):
    text = client.get("/talks/BV1iT421k7Bv-p31.txt").text
    assert any(line.startswith("== 仪式 Ceremony") for line in text.splitlines())
