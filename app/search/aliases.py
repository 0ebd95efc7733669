"""Known equivalents of terms, from the user-editable list `data/aliases.txt`.

One line per term: the canonical form first, then its variants, separated by
` | ` (`mixture of experts | MoE | 混合专家`). Misheard forms (skin law), translations
(羊驼 for Alpaca) and abbreviations all belong there; matching ignores case and width.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from app.config import ALIASES_FILE
from app.text import normalize


def parse_aliases(text: str) -> list[list[str]]:
    """Groups of normalised equivalent forms, canonical first; comments and blank lines skipped."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        forms = [normalize(form) for form in line.split("|")]
        forms = [form for i, form in enumerate(forms) if form and form not in forms[:i]]
        if len(forms) >= 2:
            groups.append(forms)
    return groups


@lru_cache(maxsize=4)
def _groups(path: Path, version: tuple[float, int] | None) -> list[list[str]]:
    return parse_aliases(path.read_text(encoding="utf-8"))


def aliases_version(path: Path | None = None) -> tuple[float, int] | None:
    """When and how big the alias list is: answers that used it are stale once this changes."""
    path = path or ALIASES_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def equivalents(term: str, path: Path | None = None) -> list[str]:
    """Other forms of a normalised term (every group it belongs to), re-read when the file changes."""
    path = path or ALIASES_FILE
    if not path.exists():
        return []
    found: list[str] = []
    for group in _groups(path, aliases_version(path)):
        if term in group:
            found += [form for form in group if form != term and form not in found]
    return found
