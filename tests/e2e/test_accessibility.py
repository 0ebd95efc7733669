"""axe-core on the main pages, in the light and the dark theme and on a phone: no serious or critical finding.

axe.min.js comes from the axe-playwright-python package (PyPI), which bundles it; it is evaluated through the
DevTools protocol, so the pages' Content-Security-Policy (script-src 'self') stays as it is.
"""

from __future__ import annotations

import warnings
from functools import cache

import harness
import pytest

if harness.missing():
    pytest.skip(harness.missing(), allow_module_level=True)

PAGES = {
    "home": "/",
    "search": "/search?q=大模型",
    "search-zero": "/search?q=模型xyz&event=2024世界人工智能大会",
    "talk": "/talks/BV1uH4y1w77V-p5?q=AGI#s20",
    "speaker": "/speakers/王仲远",
    "speakers": "/speakers",
    "explore": "/explore?q=开源, 闭源",
    "explore-empty": "/explore?q=-的",
    "forum-hits": "/talks/BV1iT421k7Bv-p36?q=智能体",
    "not-found": "/talks/nope",
}
BLOCKING = {"serious", "critical"}


@cache
def _axe() -> str:
    return harness.axe_source()


def findings(page) -> list[dict]:
    page.evaluate(_axe())
    return page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


def describe(violation: dict) -> str:
    where = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    return f"{violation['impact']} {violation['id']}: {violation['help']} ({len(violation['nodes'])}×, e.g. {where})"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_findings(open_context, name: str, theme: str) -> None:
    # Desktop in the light theme, the phone layout in the dark one: both layouts, both palettes.
    device = "desktop" if theme == "light" else "phone"
    page = open_context(device, color_scheme=theme).new_page()
    page.goto(PAGES[name])
    page.wait_for_load_state("load")
    violations = findings(page)
    for minor in (v for v in violations if v["impact"] not in BLOCKING):
        warnings.warn(f"axe on {name} ({theme}): {describe(minor)}", stacklevel=1)
    blocking = [describe(v) for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(blocking)


def test_pages_have_landmarks_and_labelled_inputs(open_context) -> None:
    page = open_context().new_page()
    for path in PAGES.values():
        page.goto(path)
        assert page.get_by_role("banner").count() == 1 and page.get_by_role("main").count() == 1
        assert page.get_by_role("contentinfo").count() == 1 and page.get_by_role("search").count() >= 1
        assert page.get_by_role("navigation", name="主导航 Main").count() == 1
        for box in page.locator("input[type=search]").all():
            assert box.evaluate("el => el.labels.length") == 1, path
