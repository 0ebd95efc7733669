"""Settings in one place, each overridable by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def transcripts_dir() -> Path:
    return Path(os.environ.get("KB_TRANSCRIPTS", PROJECT_ROOT / "data" / "transcripts"))


def database_path() -> Path:
    return Path(os.environ.get("KB_DB", PROJECT_ROOT / "data" / "kb.sqlite3"))


TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
