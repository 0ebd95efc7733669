"""`make screenshots`: the home, search, talk and speaker pages on a desktop and a phone, as PNG files.

Viewport-sized pictures (not full pages) keep the files small. Run as `python tests/e2e/screenshots.py [FOLDER]`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

from app.ingest.embed import cache_file

PAGES = {
    "home": "/",
    "search": "/search?q=大模型 安全",
    "talk": "/talks/BV1uH4y1w77V-p5?q=AGI#s20",  # opened from a result: at the permalink, terms marked
    "speaker": "/speakers/王仲远",
    "explore": "/explore?q=开源, 闭源",
    "talk-topics": "/talks/BV1iT421k7Bv-p36",  # keywords, contents with sub-talk terms; related talks at the end
}
DEVICES = {"desktop": "light", "phone": "dark"}  # the phone shows the dark theme, as set by the system


def main(folder: Path) -> int:
    reason = harness.missing()
    if reason:
        print(reason.replace("browser tests skipped", "no screenshots"), file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        database = harness.build_database(Path(scratch) / "kb.sqlite3")
        _embed(database)
        with harness.serve(database, Path(scratch) / "server.log") as base, sync_playwright() as playwright:
            browser = harness.launch(playwright)
            for device, theme in DEVICES.items():
                context = browser.new_context(base_url=base, color_scheme=theme, **harness.VIEWPORTS[device])
                harness.keep_local(context, base)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(path)
                    page.evaluate("document.fonts.ready")
                    target = folder / f"{name}-{device}.png"
                    page.screenshot(path=target)
                    print(f"{target}  {target.stat().st_size // 1024} kB")
                context.close()
            browser.close()
    return 0


def _embed(database: Path) -> None:
    """The vectors, so that the pictures show meaning-based results rather than a note that they are missing.

    Reuses the embedding cache of `make run`'s database when there is one (minutes saved on the bundled files).
    """
    local_cache = cache_file(harness.ROOT / "data" / "kb.sqlite3")
    if local_cache.exists():
        shutil.copyfile(local_cache, cache_file(database))
    command = [sys.executable, "-m", "app", "embed", "--db", str(database)]
    subprocess.run(command, check=True, cwd=harness.ROOT, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else harness.ROOT / "docs" / "screenshots")))
