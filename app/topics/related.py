"""Talks that belong together: cosine similarity of their distinctive terms.

Pure: each talk is a vector of its keywords' weights; two talks are close when they set
themselves apart from the corpus with the same words. The shared terms say why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from math import sqrt

from app.topics.keywords import Keyword

RELATED_COUNT = 5  # related talks listed on a talk page
SHARED_SHOWN = 4  # shared terms that explain each one
MIN_SIMILARITY = 0.02  # below this two talks share nothing worth showing


@dataclass(frozen=True)
class Related:
    talk_id: str
    score: float
    shared: tuple[str, ...]  # the terms both talks are about, most telling first


def related_talks(keywords: dict[str, list[Keyword]], limit: int = RELATED_COUNT) -> dict[str, list[Related]]:
    """For every talk, the talks whose keywords are most alike, best first.

    Only pairs sharing a term are compared (an inverted index), so this stays quick
    with hundreds of talks.
    """
    vectors = {talk: {k.key or k.term: k.weight for k in terms} for talk, terms in keywords.items()}
    norms = {talk: sqrt(sum(w * w for w in vector.values())) or 1.0 for talk, vector in vectors.items()}
    names = {talk: {k.key or k.term: k.term for k in terms} for talk, terms in keywords.items()}
    talks_with: dict[str, list[str]] = defaultdict(list)
    for talk, vector in vectors.items():
        for term in vector:
            talks_with[term].append(talk)
    found: dict[str, list[Related]] = {}
    for talk, vector in vectors.items():
        shared: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for term, weight in vector.items():
            for other in talks_with[term]:
                if other != talk:
                    shared[other].append((weight * vectors[other][term], term))
        scored = []
        for other, products in shared.items():
            score = sum(p for p, _ in products) / (norms[talk] * norms[other])
            if score >= MIN_SIMILARITY:
                terms = tuple(names[talk][term] for _, term in sorted(products, reverse=True)[:SHARED_SHOWN])
                scored.append(Related(other, round(score, 3), terms))
        found[talk] = sorted(scored, key=lambda r: (-r.score, r.talk_id))[:limit]
    return found
