"""The real server and Debian's Chromium, shared by the browser tests and `make screenshots`.

Chromium is Debian's (/usr/bin/chromium, installed by `make test` when running as root); Playwright only drives it,
so `playwright install` is never needed. axe-core comes from the axe-playwright-python package, which bundles it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; `make test` installs it when missing (as root)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
}


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        how = "run `make test` as root" if shutil.which("apt-get") else "install Chromium"
        return f"browser tests skipped: {CHROMIUM} is missing ({how}, or `sudo apt-get install chromium`)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests skipped: the playwright package is missing (`make install` installs the dev extras)"
    return None


def axe_source() -> str:
    """axe-core's axe.min.js, as bundled in the axe-playwright-python package from PyPI."""
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def build_database(path: Path) -> Path:
    """Ingest the bundled transcripts into a fresh database file, with the same command a user runs."""
    command = [sys.executable, "-m", "app", "ingest", str(ROOT / "data" / "transcripts"), "--db", str(path)]
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(
    database: Path, log: Path, program: tuple[str, ...] = (sys.executable, "-m", "app"), cwd: Path = ROOT
) -> Iterator[str]:
    """`python -m app serve` (or another `program`) on a free port of 127.0.0.1; yields its base URL, stops it after."""
    port = _free_port()
    command = [*program, "serve", "--db", str(database), "--host", "127.0.0.1", "--port", str(port), "--no-embed"]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=cwd, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer within 60 s:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def keep_local(context, base: str) -> None:
    """Slides are images on other hosts: the sandbox has no network, so refuse them at once instead of waiting."""
    context.route(lambda url: not url.startswith(base), lambda route: route.abort())


def in_view(page, selector: str) -> bool:
    """The element's top is inside the viewport and not hidden under a sticky header or hit bar."""
    return page.eval_on_selector(
        selector,
        """el => {
            const box = el.getBoundingClientRect();
            if (box.top < 0 || box.top >= innerHeight) return false;
            const probe = document.elementFromPoint(box.left + Math.min(box.width / 2, 40), box.top + 6);
            return probe !== null && el.contains(probe);
        }""",
    )
