"""Browser tests: the real server (`python -m app serve`) on the bundled transcripts, driven in Debian's Chromium.

Each test module skips itself, saying why, when /usr/bin/chromium or playwright is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import harness
import pytest


@pytest.fixture(scope="session")
def base_url(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by its own command on 127.0.0.1, on a database ingested from data/transcripts."""
    with harness.serve(bundled_db, tmp_path_factory.mktemp("server") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = harness.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(params=list(harness.VIEWPORTS))
def device(request: pytest.FixtureRequest) -> str:
    return request.param


def _open(browser, base_url: str, device: str, **options):
    context = browser.new_context(base_url=base_url, **harness.VIEWPORTS[device], **options)
    context.set_default_timeout(15_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    harness.keep_local(context, base_url)
    return context


class PageProblems(list):
    """Script errors, refused inline code (CSP) and failed loads of our own files seen while a page was open."""

    def watch(self, page, base_url: str) -> None:
        page.on("pageerror", lambda error: self.append(f"script error: {error}"))

        def console(message) -> None:
            if message.type != "error":
                return
            url = (message.location or {}).get("url", "")
            if "Failed to load resource" in message.text and not url.startswith(base_url):
                return  # a slide image from another host, refused by keep_local
            self.append(f"console error: {message.text} ({url})")

        page.on("console", console)


@pytest.fixture()
def context(browser, base_url: str, device: str) -> Iterator:
    """A fresh browser profile with the device's viewport; the test's pages must log no error."""
    context = _open(browser, base_url, device)
    problems = PageProblems()
    context.on("page", lambda page: problems.watch(page, base_url))
    yield context
    context.close()
    assert not problems, problems


@pytest.fixture()
def page(context) -> Iterator:
    page = context.new_page()
    yield page


@pytest.fixture()
def open_context(browser, base_url: str):
    """For tests that need a profile with other options (dark theme, no viewport parametrisation)."""
    contexts = []

    def make(device: str = "desktop", **options):
        contexts.append(_open(browser, base_url, device, **options))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()
