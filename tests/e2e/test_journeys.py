"""What people do with the site, in a real browser, on a desktop and on a phone-sized screen.

Each journey runs twice (`[desktop]` 1280×800 and `[phone]` 390×844, touch) and asserts what the user sees.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import harness
import pytest

if harness.missing():
    pytest.skip(harness.missing(), allow_module_level=True)
from playwright.sync_api import expect  # noqa: E402

PANEL = "/talks/BV1uH4y1w77V-p5"  # 通往AGI之路, 181 segments, 27 of them say "AGI"
FORUM = "/talks/BV1iT421k7Bv-p36"  # a whole forum recording with its sub-talks


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def expect_landed_on(page, selector: str) -> None:
    """The segment or chapter is the :target, scrolled to, and not hidden under the sticky bars."""
    target = page.locator(selector)
    expect(target).to_be_visible()
    page.wait_for_function("s => document.querySelector(s).matches(':target')", arg=selector)
    scrolled = "s => { const box = document.querySelector(s).getBoundingClientRect(); return box.top < innerHeight; }"
    page.wait_for_function(scrolled, arg=selector)
    assert harness.in_view(page, selector), f"{selector} is off screen or under a sticky bar"


def test_search_from_the_home_page(page) -> None:
    page.goto("/")
    box = page.locator("#home-q")
    expect(box).to_be_focused()  # autofocus: type straight away
    box.fill("幻觉 安全")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert query_of(page.url)["q"] == ["幻觉 安全"]
    expect(page.locator(".count")).to_contain_text("segments containing")
    hits = page.locator("ol.hits > li.hit")
    assert hits.count() > 0
    first = hits.first
    expect(first.locator(".hit-title")).to_be_visible()
    marked = set(first.locator(".snippet mark").all_inner_texts())
    assert marked and all(re.fullmatch("(幻觉|安全)+", m) for m in marked), marked  # adjacent terms share a mark
    expect(page.locator("#site-q")).to_have_value("幻觉 安全")  # the box keeps the query
    assert page.title().startswith("幻觉 安全")


def test_open_a_result_and_land_on_the_highlighted_segment(page) -> None:
    page.goto("/search?q=马车")
    first = page.locator("ol.hits > li.hit .hit-title").first
    href = first.get_attribute("href")
    number = re.search(r"#s(\d+)$", href).group(1)
    first.click()
    page.wait_for_url(re.compile(rf"/talks/BV1yS411A73A-p7\?q=.+#s{number}$"))
    segment = f"#s{number}"
    expect_landed_on(page, segment)
    style = page.eval_on_selector(segment, "el => getComputedStyle(el).boxShadow")
    assert "inset" in style, "the target segment is highlighted by the accent bar"
    expect(page.locator(f"{segment} mark").first).to_have_text("马车")
    expect(page.locator(".hit-pos")).to_have_text(re.compile(r"^\d+ / \d+$"))  # "k / n": on a hit


def test_back_button_restores_the_results(page) -> None:
    page.goto("/")
    page.fill("#home-q", "马车")
    page.press("#home-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    titles = page.locator("ol.hits > li.hit .hit-title").all_inner_texts()
    page.locator("ol.hits > li.hit .hit-title").first.click()
    page.wait_for_url(re.compile(r"/talks/"))
    page.go_back()
    page.wait_for_url(re.compile(r"/search\?q="))
    expect(page.locator("ol.hits > li.hit .hit-title").first).to_be_visible()
    assert page.locator("ol.hits > li.hit .hit-title").all_inner_texts() == titles
    expect(page.locator("#site-q")).to_have_value("马车")


def test_copy_a_permalink_and_open_it_in_a_new_page(page, context, base_url) -> None:
    page.goto(PANEL)
    number_link = page.locator("#s42 a.anchor")
    assert number_link.get_attribute("href") == "#s42"
    expect(number_link).to_have_text("42")
    number_link.click()
    expect(page.locator("#s42 .copied")).to_have_text("link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{base_url}{PANEL}#s42"
    assert page.url.endswith("#s42")

    friend = context.new_page()
    friend.goto(copied)
    expect_landed_on(friend, "#s42")
    assert friend.locator("#s42").evaluate("el => getComputedStyle(el).boxShadow").count("inset") == 1


def test_step_through_the_hits_inside_a_talk(page) -> None:
    page.goto(PANEL + "?q=AGI")
    hits = page.locator(".segment.hit")
    total = hits.count()
    assert total >= 10
    numbers = [int(i[1:]) for i in hits.evaluate_all("els => els.map(e => e.id)")]
    expect(page.locator(".hitbar")).to_be_visible()
    assert page.locator(".hitbar .tick.on").count() >= 5
    position = page.locator(".hit-pos")
    expect(position).to_have_text(f"– / {total}")
    marks = page.locator(f"#s{numbers[0]} mark")
    expect(marks.first).to_have_text("AGI")

    following, previous = page.locator("a[data-step='1']"), page.locator("a[data-step='-1']")
    for expected in (1, 2, 3):
        following.click()
        expect(position).to_have_text(f"{expected} / {total}")
        current = f"#s{numbers[expected - 1]}"
        expect(page.locator(current)).to_have_class(re.compile(r"\bcurrent\b"))
        assert page.url.endswith(current)
        assert harness.in_view(page, current)
    previous.click()
    expect(position).to_have_text(f"2 / {total}")
    assert page.locator(".segment.current").count() == 1

    page.goto(PANEL + "?q=AGI")  # from the top, ↑ goes round to the last hit
    page.locator("a[data-step='-1']").click()
    expect(page.locator(".hit-pos")).to_have_text(f"{total} / {total}")
    assert harness.in_view(page, f"#s{numbers[-1]}")


def test_jump_through_a_forums_sub_talks(page) -> None:
    page.goto(FORUM)
    toc = page.get_by_role("navigation", name="Sub-talks")
    expect(toc).to_be_visible()
    links = toc.locator("ol > li > a")
    count = links.count()
    assert count >= 5
    for k in (2, count, 3):  # forward, to the end, and back up: the contents stay a click away
        entry = toc.locator("ol > li").nth(k - 1)
        label = entry.locator("a").inner_text()
        start = int(entry.locator(".segno").inner_text().lstrip("#"))
        entry.locator("a").click()
        page.wait_for_url(re.compile(rf"#c{k}$"))
        expect_landed_on(page, f"#c{k}")
        expect(page.locator(f"#c{k} h2")).to_have_text(label)
        assert page.locator(f"#c{k} + li.segment").get_attribute("id") == f"s{start}"


def _facet(page, name: str):
    """A facet group, unfolded first when the phone layout starts it folded."""
    group = page.locator(".facets details", has=page.locator("summary", has_text=name))
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    return group


def test_filter_by_speaker_and_by_event(page) -> None:
    page.goto("/search?q=大模型")
    total = int(page.locator(".count strong").first.inner_text().replace(",", ""))
    speaker_link = _facet(page, "Speaker").locator("li a").first
    speaker = speaker_link.inner_text()
    speaker_link.click()
    page.wait_for_url(re.compile(r"speaker="))
    assert query_of(page.url)["speaker"] == [speaker] and query_of(page.url)["q"] == ["大模型"]
    expect(page.locator(".filters .chip")).to_contain_text(f"speaker: {speaker}")
    narrowed = int(page.locator(".count strong").first.inner_text().replace(",", ""))
    assert 0 < narrowed < total
    who = page.locator("ol.hits > li.hit .who").all_inner_texts()
    assert who and set(who) == {speaker}

    event_link = _facet(page, "Event").locator("li a").first
    event = event_link.inner_text()
    event_link.click()
    page.wait_for_url(re.compile(r"event="))
    assert query_of(page.url)["event"] == [event] and query_of(page.url)["speaker"] == [speaker]
    for meta in page.locator("ol.hits > li.hit .meta").all_inner_texts():
        assert meta.startswith(event), meta

    page.get_by_role("link", name="Remove filter speaker").click()
    page.wait_for_url(lambda url: "speaker=" not in url)
    assert query_of(page.url)["event"] == [event]
    expect(page.locator(".filters .chip")).to_have_count(1)


def test_zero_result_page_offers_suggestions(page) -> None:
    zero = "/search?q=模型xyz&event=2024世界人工智能大会"
    page.goto(zero)
    empty = page.locator(".results-main .empty")
    expect(empty).to_contain_text("No segment contains every term")
    expect(empty).to_contain_text("Did you mean")
    suggestion = empty.locator("p", has_text="Did you mean").locator("a").first
    suggested = suggestion.inner_text()
    suggestion.click()
    page.wait_for_url(re.compile(r"/search\?q="))
    assert unquote(query_of(page.url)["q"][0]) == suggested
    expect(page.locator("#site-q")).to_have_value(suggested)
    assert page.locator("ol.hits > li.hit").count() > 0

    page.goto(zero)
    page.get_by_role("link", name="drop event").click()
    page.wait_for_url(lambda url: "event=" not in url)
    assert query_of(page.url)["q"] == ["模型xyz"]
    expect(page.locator(".filters")).to_have_count(0)


def test_open_a_talk_and_click_a_keyword(page) -> None:
    page.goto(FORUM)
    keyword = page.locator(".talk-head .keywords a").first
    term = keyword.inner_text()
    keyword.click()
    page.wait_for_url(re.compile(r"\?q="))
    expect(page.locator(".hitnav")).to_contain_text("segments with")
    assert term in query_of(page.url)["q"][0]
    assert page.locator("li.segment.hit").count() > 0
    expect(page.locator(".hitbar .tick.starts").first).to_be_attached()  # the sub-talks' boundaries


def test_chart_two_terms_and_follow_a_bar_to_the_filtered_search(page) -> None:
    page.goto("/explore")
    page.locator("#explore-q").fill("开源, 闭源")
    page.locator("#explore-q").press("Enter")
    page.wait_for_url(re.compile(r"/explore\?q="))
    expect(page.locator(".legend li")).to_have_count(2)
    bar = page.locator(".chart a").first
    label = bar.get_attribute("aria-label")
    bar.click()
    page.wait_for_url(re.compile(r"/search\?"))
    wanted = query_of(page.url)
    assert wanted["q"] == ["开源"] and "forum" in wanted
    expect(page.locator(".count")).to_contain_text("segments containing")
    count = re.search(r": (\d+) segments", label).group(1)
    expect(page.locator(".count")).to_contain_text(count)


def test_follow_a_related_talk(page) -> None:
    page.goto(FORUM)
    link = page.locator(".related .talk-title").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/talks/"))
    expect(page.locator("h1")).to_contain_text(title)
