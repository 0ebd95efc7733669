"""Settings in one place, each overridable by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def transcripts_dir() -> Path:
    return Path(os.environ.get("KB_TRANSCRIPTS", PROJECT_ROOT / "data" / "transcripts"))


def database_path() -> Path:
    return Path(os.environ.get("KB_DB", PROJECT_ROOT / "data" / "kb.sqlite3"))


# Bump SCHEMA_VERSION when the tables change and NORMALIZER_VERSION when text.normalize or the
# index forms change: a database built with other versions is rebuilt in full at the next ingest.
SCHEMA_VERSION = "3"
NORMALIZER_VERSION = "2"

TEMPLATES_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
