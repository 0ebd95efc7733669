"""Where a topic is talked about: mentions of one or more queries per event, forum, talk or speaker.

Matching is search's own (engine.mentions): segments holding every term, and separately the
segments found through a variant (heard as …). Counts are normalised per 10,000 characters of
the group, so a two-hour forum does not win by its length alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import Connection

from app.search.engine import mentions
from app.search.filters import corpus_facts
from app.search.tally import Tally

Grouping = Literal["event", "forum", "talk", "speaker"]
MAX_QUERIES = 5  # queries charted side by side
MAX_ROWS = 30  # groups shown, most mentions first
PER_CHARACTERS = 10_000  # rates are mentions per this many characters
_SEPARATORS = re.compile(r"[,，、;；]")


@dataclass
class Series:
    query: str
    literal: int = 0  # segments holding every term, over all groups
    variants: int = 0  # segments found through a variant only
    heard: list[str] = field(default_factory=list)


@dataclass
class Bar:
    literal: int
    variants: int
    rate: float  # (literal + variants) per PER_CHARACTERS characters of the group
    url: str  # the search restricted to this group


@dataclass
class Row:
    key: str  # the value of the search filter
    label: str
    characters: int
    bars: list[Bar]


@dataclass
class Exploration:
    by: Grouping
    series: list[Series]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    @property
    def top_rate(self) -> float:
        return max((bar.rate for row in self.rows for bar in row.bars), default=0.0)


def split_queries(raw: str) -> list[str]:
    """`开源, 闭源` → two queries; empty pieces dropped, duplicates once."""
    return list(dict.fromkeys(piece.strip() for piece in _SEPARATORS.split(raw) if piece.strip()))


def explore(connection: Connection, raw: str, by: Grouping = "forum") -> Exploration:
    queries = split_queries(raw)
    result = Exploration(by, [], [])
    if len(queries) > MAX_QUERIES:
        result.notes.append(f"Only the first {MAX_QUERIES} of {len(queries)} queries are charted.")
        queries = queries[:MAX_QUERIES]
    sizes, labels = _group_sizes(connection, by)
    per_query: list[tuple[Counter[str], Counter[str]]] = []
    for query in queries:
        found = mentions(connection, query)
        if not found.query.has_positive_terms:
            result.notes.append(f"“{query}” has no term to look for (only exclusions or filters).")
            continue
        literal, variants = found.literal, found.variants
        series = Series(query, literal.total if literal else 0, variants.total if variants else 0, found.heard)
        result.series.append(series)
        per_query.append((_grouped(connection, found.literal, by), _grouped(connection, found.variants, by)))
    keys = {key for literal, variants in per_query for key in (*literal, *variants)}
    rows = []
    for key in keys:
        characters = max(sizes.get(key, 0), 1)
        bars = [
            Bar(
                literal[key],
                variants[key],
                round((literal[key] + variants[key]) * PER_CHARACTERS / characters, 2),
                _search_url(series.query, by, key),
            )
            for series, (literal, variants) in zip(result.series, per_query, strict=True)
        ]
        rows.append(Row(key, labels.get(key, key), characters, bars))
    rows.sort(key=lambda row: (-sum(b.literal + b.variants for b in row.bars), row.label))
    if len(rows) > MAX_ROWS:
        result.notes.append(f"The {MAX_ROWS} {by}s with the most mentions of {len(rows)} are shown.")
    result.rows = rows[:MAX_ROWS]
    if queries and not result.rows and result.series:
        result.notes.append("Nothing in the transcripts matches, not even a likely mis-transcription.")
    return result


def _grouped(connection: Connection, counts: Tally | None, by: Grouping) -> Counter[str]:
    facts = corpus_facts(connection)
    grouped: Counter[str] = Counter()
    if counts is None:
        return grouped
    if by == "speaker":
        grouped.update({speaker_id: n for speaker_id, n in counts.speakers() if speaker_id in facts.speakers})
        return grouped
    for talk_id, count in counts.talks():
        talk = facts.talks[talk_id]
        key = {"event": talk.event, "forum": talk.forum, "talk": talk_id}[by]
        if key:
            grouped[key] += count
    return grouped


def _group_sizes(connection: Connection, by: Grouping) -> tuple[dict[str, int], dict[str, str]]:
    """Characters said per group (for rates) and each group's label, remembered per database."""

    def compute() -> tuple[dict[str, int], dict[str, str]]:
        if by == "speaker":
            sql = "SELECT id, name, char_count FROM speaker"
        elif by == "talk":
            sql = "SELECT id, title, char_count FROM talk"
        else:
            sql = f"SELECT {by}, {by}, sum(char_count) FROM talk WHERE {by} IS NOT NULL GROUP BY {by}"
        rows = connection.exec_driver_sql(sql).all()
        return {key: size for key, _, size in rows}, {key: label for key, label, _ in rows}

    return corpus_facts(connection).remembered(("group sizes", by), compute)


def _search_url(query: str, by: Grouping, key: str) -> str:
    return "/search?" + urlencode({"q": query, by: key})
