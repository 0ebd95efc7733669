"""`pip install .` gives a working program: templates, static files and word lists travel in the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import BUNDLED, PROJECT
from tests.e2e.harness import serve


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project's wheel (and its dependencies) installed; its bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # build from a copy, so no build output lands in the checkout
    shutil.copytree(
        PROJECT, source, ignore=shutil.ignore_patterns(".venv", ".git", "*.sqlite3*", "build", "*.egg-info")
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(work), str(source)], check=True, capture_output=True)
    wheel = next(work.glob("talks_kb-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
    bin_dir = work / "venv" / "bin"
    subprocess.run(
        [str(bin_dir / "pip"), "--disable-pip-version-check", "-q", "install", str(wheel)],
        check=True,
        capture_output=True,
    )
    return bin_dir


def test_the_installed_program_ingests_and_serves_from_another_folder(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "talks"
    shutil.copytree(BUNDLED, folder)
    db = tmp_path / "kb.sqlite3"
    ingest = subprocess.run(
        [str(installed / "talks-kb"), "ingest", str(folder), "--db", str(db)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert ingest.returncode == 0, ingest.stderr
    assert "11 talks" in ingest.stdout
    with serve(db, tmp_path / "server.log", program=(str(installed / "talks-kb"),), cwd=elsewhere) as base:
        for path, expected in [("/", "智源"), ("/search?q=scaling+law", "<mark>"), ("/static/style.css", "{")]:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                assert response.status == 200 and expected in response.read().decode(), path
    location = subprocess.run(
        [str(installed / "python"), "-c", "import app; print(app.__file__)"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert str(PROJECT) not in location.stdout  # the wheel's copy ran, not this checkout
