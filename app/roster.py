"""The user's people file: a person's correct name, affiliation and the forms the recogniser heard.

The recogniser writes 周博文 for 周伯文 and 连世国 for 廉士国. One line per person in
`people.txt` (KB_DATA_DIR) fixes a name everywhere at the next ingest:

    周伯文 | 上海人工智能实验室 | 周博文, 周博闻

Fields are separated by `|`; heard forms by commas (or 、). Lines starting with `#` are
comments. Parsing is pure; `load_roster` is the only function that reads the file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from app import config
from app.people import normalize_name

_FORM_SEPARATOR = re.compile(r"[,，、;；]")


@dataclass(frozen=True)
class ListedPerson:
    name: str
    affiliation: str | None
    heard: tuple[str, ...]  # forms the recogniser wrote, without the correct name itself


@dataclass
class Roster:
    people: list[ListedPerson] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line 3: …" for lines that could not be read

    def __post_init__(self) -> None:
        self._by_form = {}
        for person in self.people:
            for form in (person.name, *person.heard):
                self._by_form.setdefault(normalize_name(form), person)

    def find(self, name: str) -> ListedPerson | None:
        """The listed person a name (correct or as heard) refers to."""
        return self._by_form.get(normalize_name(name))


def parse_roster(text: str) -> Roster:
    """People from the text of a people file; a line without a name is reported, not fatal."""
    people, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = [part.strip() for part in line.split("|")]
        name = normalize_name(fields[0])
        if not name or len(fields) > 3:
            problems.append(f"line {number}: expected `name | affiliation | heard forms`, got {line[:60]!r}")
            continue
        affiliation = fields[1] if len(fields) > 1 and fields[1] else None
        heard = [normalize_name(form) for form in _FORM_SEPARATOR.split(fields[2])] if len(fields) > 2 else []
        people.append(ListedPerson(name, affiliation, tuple(dict.fromkeys(f for f in heard if f and f != name))))
    return Roster(people, problems)


def load_roster(path: Path | None = None) -> Roster:
    """The people file as it is now; an absent file lists nobody."""
    path = path or config.PEOPLE_FILE
    if not path.exists():
        return Roster()
    return parse_roster(path.read_text(encoding="utf-8", errors="replace"))


def roster_version(path: Path | None = None) -> str:
    """sha256 of the people file, so that editing it rebuilds the speaker records."""
    path = path or config.PEOPLE_FILE
    return hashlib.sha256(path.read_bytes() if path.exists() else b"").hexdigest()
