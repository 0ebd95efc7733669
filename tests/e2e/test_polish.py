"""The small things people expect: keyboard, themes, print, citing, downloads, speed."""

from __future__ import annotations

import re
import time

import harness
import pytest

if harness.missing():
    pytest.skip(harness.missing(), allow_module_level=True)
from playwright.sync_api import expect  # noqa: E402

PANEL = "/talks/BV1uH4y1w77V-p5"  # 通往AGI之路
KEYNOTE = "/talks/BV1uH4y1w77V-p4"  # 大模型为通用人工智能带来曙光, by 王海峰


def luminance(css_colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", css_colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("device", ["desktop"])
def test_slash_focuses_the_search_box(page) -> None:
    page.goto("/search?q=大模型")
    page.locator(".count p").first.click()
    page.keyboard.press("/")
    box = page.locator("#site-q")
    expect(box).to_be_focused()
    expect(box).to_have_value("大模型")  # "/" was not typed into the box
    assert page.evaluate("() => { const b = document.activeElement; return b.selectionEnd - b.selectionStart; }") == 3


@pytest.mark.parametrize("device", ["desktop"])
def test_keyboard_reaches_every_control_with_a_visible_focus(page) -> None:
    page.goto(PANEL + "?q=AGI")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link shows itself when focused"
    seen = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        name, outline, width = page.evaluate(
            """() => { const el = document.activeElement, s = getComputedStyle(el);
                       return [el.tagName + "." + el.classList[0], s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
        )
        assert outline != "none" and width >= 2, f"{name} has no visible focus"
        seen.add(name)
    for control in ("INPUT.undefined", "BUTTON.undefined", "A.hit-next", "A.tick", "A.anchor", "BUTTON.cite"):
        assert control in seen, (control, seen)


def test_dark_theme_follows_the_system_and_stays_readable(open_context) -> None:
    for scheme, dark in (("dark", True), ("light", False)):
        page = open_context(color_scheme=scheme).new_page()
        page.goto(PANEL + "?q=AGI")
        body = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        background, text = (luminance(c) for c in body)
        assert (background < 0.2 and text > 0.8) if dark else (background > 0.9 and text < 0.2), (scheme, body)
        marked = page.locator("mark").first.evaluate("el => getComputedStyle(el).backgroundColor")
        assert (luminance(marked) < 0.5) == dark, marked  # a dark highlight under light text, and the reverse


def test_print_view_of_a_talk_is_clean(open_context) -> None:
    page = open_context(color_scheme="dark").new_page()
    page.goto(PANEL + "?q=AGI#s20")
    page.emulate_media(media="print")
    for hidden in ("header.site", "footer.site", ".talk .searchbox", ".hitnav", ".cite >> nth=0", ".downloads"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#s1 p")).to_be_visible()
    colours = page.evaluate(
        "() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
    )
    assert luminance(colours[0]) > 0.95 and luminance(colours[1]) < 0.05, "black on white on paper, even in dark mode"
    assert page.pdf()[:4] == b"%PDF"


def test_cite_copies_the_quote_with_speaker_talk_and_permalink(page, base_url) -> None:
    page.goto(KEYNOTE)
    page.locator("#s3 a.anchor").focus()
    page.keyboard.press("Tab")
    cite = page.locator("#s3 button.cite")
    expect(cite).to_be_focused()  # reachable from the keyboard, right after the segment's number
    expect(cite).to_be_visible()
    assert cite.evaluate("el => getComputedStyle(el).opacity") == "1"
    page.keyboard.press("Enter")
    expect(page.locator("#s3 .copied")).to_have_text("citation copied")
    expect(page.get_by_role("status")).to_have_text("citation copied")
    quote = page.locator("#s3 p").evaluate(
        "p => { const c = p.cloneNode(true); c.querySelectorAll('.who, .copied').forEach(e => e.remove());"
        " return c.textContent.trim(); }"
    )
    speaker = page.locator("#s3 .who").inner_text().rstrip("?")
    copied = page.evaluate("navigator.clipboard.readText()")
    source = "大模型为通用人工智能带来曙光, 2024北京智源大会 › 开幕式及全体大会"
    assert copied == f"“{quote}”\n— {speaker}, {source}\n{base_url}{KEYNOTE}#s3"


@pytest.mark.parametrize("device", ["desktop"])
def test_talk_page_offers_markdown_and_text_downloads(page) -> None:
    page.goto(PANEL)
    for name, ext, first_line in (("Markdown", "md", "# 通往AGI之路"), ("Plain text", "txt", "通往AGI之路")):
        with page.expect_download() as waiting:
            page.get_by_role("link", name=name).click()
        download = waiting.value
        assert download.suggested_filename == f"BV1uH4y1w77V-p5.{ext}"
        with open(download.path(), encoding="utf-8") as saved:
            text = saved.read()
        assert text.splitlines()[0] == first_line and "[181]" in text


@pytest.mark.parametrize("device", ["desktop"])
def test_the_longest_talk_loads_in_one_request_with_nothing_from_elsewhere(page, base_url) -> None:
    talks = page.request.get("/api/talks").json()
    longest = max(talks, key=lambda t: t["char_count"])
    requests = []
    page.on("request", lambda r: requests.append((r.resource_type, r.url)))
    started = time.perf_counter()
    response = page.goto(f"/talks/{longest['id']}")
    page.wait_for_load_state("load")
    elapsed = time.perf_counter() - started
    assert response.status == 200 and response.headers.get("content-encoding") == "gzip"
    expect(page.locator("li.segment")).to_have_count(longest["segment_count"])
    own = [(kind, url) for kind, url in requests if url.startswith(base_url)]
    assert sorted(kind for kind, _ in own) == ["document", "script", "stylesheet"], own
    elsewhere = [(kind, url) for kind, url in requests if not url.startswith(base_url)]
    assert all(kind == "image" for kind, _ in elsewhere), elsewhere  # slides only: no fonts, scripts or styles
    assert elapsed < 10, f"{elapsed:.1f} s"
    for asset in ("/static/style.css", "/static/app.js"):
        assert "max-age" in page.request.get(asset).headers["cache-control"]
