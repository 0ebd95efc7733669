"""The query language, as people know it from web search engines.

    大模型 安全            both terms (AND)
    "scaling law"          an exact phrase, spaces included
    -幻觉                  segments without the term
    GPT OR Claude          either term
    speaker:王仲远 event:智源 forum:"大语言模型" kind:panel   filters

Any string is a valid query: whatever is not syntax is searched for literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.config import MAX_QUERY_CHARS, MAX_TERMS
from app.text import normalize

FILTER_NAMES = ("speaker", "event", "forum", "kind", "talk")

# A leading "-" negates only a word or a phrase, so "--" and "-" stay literal.
_TOKEN = re.compile(r'(-(?=[\w"])|)(?:(\w+):)?(?:"([^"]*)"?|(\S+))')


@dataclass(frozen=True)
class Term:
    text: str  # normalised, as matched against normalised segment text
    phrase: bool = False
    talks: tuple[str, ...] | None = None  # only counts in these talks (a name heard where its speaker is)


@dataclass
class Clause:
    """A segment satisfies the clause when it contains any of the alternatives."""

    alternatives: list[Term]
    negated: bool = False


@dataclass
class Query:
    raw: str
    clauses: list[Clause] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # parts of the query that were not searched, and why

    @property
    def positive_terms(self) -> list[Term]:
        return [term for clause in self.clauses if not clause.negated for term in clause.alternatives]

    @property
    def has_positive_terms(self) -> bool:
        return any(not clause.negated for clause in self.clauses)

    def __bool__(self) -> bool:
        return bool(self.clauses or self.filters)


def parse_query(raw: str) -> Query:
    query = Query(raw=raw[:MAX_QUERY_CHARS])
    if len(raw) > MAX_QUERY_CHARS:
        query.warnings.append(f"Only the first {MAX_QUERY_CHARS} characters of the query were searched.")
    raw = query.raw
    pending_or, ignored = False, 0
    for match in _TOKEN.finditer(raw):
        minus, prefix, quoted, bare = match.groups()
        if prefix and prefix.lower() in FILTER_NAMES:
            value = quoted if quoted is not None else bare
            if value and value.strip():
                query.filters[prefix.lower()] = value.strip()
                continue
        if bare == "OR" and not minus and not prefix and query.clauses and not query.clauses[-1].negated:
            pending_or = True
            continue
        literal = match.group(0)[len(minus) :] if quoted is None else (f"{prefix}:" if prefix else "") + quoted
        normalized = normalize(literal)
        if not normalized:
            continue
        term = Term(normalized, phrase=quoted is not None)
        if pending_or and not minus:
            query.clauses[-1].alternatives.append(term)
        elif len(query.clauses) < MAX_TERMS:
            query.clauses.append(Clause([term], negated=bool(minus)))
        else:
            ignored += 1
        pending_or = False
    if ignored:
        query.warnings.append(
            f"Only the first {MAX_TERMS} terms were searched; {ignored} more were ignored. Use fewer, rarer words."
        )
    return query
