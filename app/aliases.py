"""Known equivalents of terms, from the user-editable list aliases.txt (in KB_DATA_DIR).

One line per term: the canonical form first, then its variants, separated by
` | ` (`mixture of experts | MoE | 混合专家`). Misheard forms (skin law), translations
(羊驼 for Alpaca) and abbreviations all belong there; matching ignores case and width.
"""

from __future__ import annotations

import re
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


def aliases_state() -> str:
    """The alias list's version as text, for a database to record which list its keywords were folded with."""
    return repr(aliases_version())


def forms_said_in(text: str, path: Path | None = None) -> list[str]:
    """The other forms of every alias group one of whose forms the normalised text says.

    Typed without quotes, `mixture of experts` is three words; this finds the group all the
    same (MoE, 混合专家), and so does a question that contains `幻觉` (hallucination).
    Latin forms must stand as whole words; Chinese ones need two characters or more.
    """
    path = path or ALIASES_FILE
    if not path.exists():
        return []
    found: list[str] = []
    for group in _groups(path, aliases_version(path)):
        said = [form for form in group if _says(text, form)]
        if said:
            found += [form for form in group if form not in said and form not in found]
    return found


def _says(text: str, form: str) -> bool:
    if form.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(form)}(?![a-z0-9])", text) is not None
    return len(form) >= 2 and form in text


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


def alias_groups(path: Path | None = None) -> dict[str, list[str]]:
    """Canonical form → its whole group (canonical first), for folding counts of variants onto one term."""
    path = path or ALIASES_FILE
    if not path.exists():
        return {}
    groups: dict[str, list[str]] = {}
    for group in _groups(path, aliases_version(path)):
        groups.setdefault(group[0], group)
    return groups


def canonical_forms(groups: dict[str, list[str]]) -> dict[str, str]:
    """Every variant form → its canonical form; a form listed in several groups folds onto the first."""
    folded: dict[str, str] = {}
    for canonical, group in groups.items():
        for form in group[1:]:
            folded.setdefault(form, canonical)
    return folded
