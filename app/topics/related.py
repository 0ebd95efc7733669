"""Talks that belong together: cosine similarity of their distinctive terms.

Pure: each talk is a vector of its keywords' weights; two talks are close when they set
themselves apart from the corpus with the same words. The shared terms say why.
"""

from __future__ import annotations

import heapq
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
    with thousands of talks.
    """
    vectors = {talk: {k.key or k.term: k.weight for k in terms} for talk, terms in keywords.items()}
    norms = {talk: sqrt(sum(w * w for w in vector.values())) or 1.0 for talk, vector in vectors.items()}
    names = {talk: {k.key or k.term: k.term for k in terms} for talk, terms in keywords.items()}
    talks_with: dict[str, list[tuple[str, float]]] = defaultdict(list)  # term → (talk, its weight there)
    for talk, vector in vectors.items():
        for term, weight in vector.items():
            talks_with[term].append((talk, weight))
    found: dict[str, list[Related]] = {}
    for talk, vector in vectors.items():
        totals: dict[str, float] = {}  # other talk → sum of the products of the weights of the terms both have
        for term, weight in vector.items():
            for other, weight_there in talks_with[term]:
                if other != talk:
                    totals[other] = totals.get(other, 0.0) + weight * weight_there
        scores = ((total / (norms[talk] * norms[other]), other) for other, total in totals.items())
        best = heapq.nsmallest(limit, ((-round(score, 3), other) for score, other in scores if score >= MIN_SIMILARITY))
        found[talk] = [Related(other, -score, _shared(vector, vectors[other], names[talk])) for score, other in best]
    return found


def _shared(vector: dict[str, float], other: dict[str, float], names: dict[str, str]) -> tuple[str, ...]:
    """The terms two talks both have, those that add most to their similarity first (asked only of the
    talks listed: at 100×, of every pair sharing a term, it took most of the time)."""
    products = sorted(((weight * other[term], term) for term, weight in vector.items() if term in other), reverse=True)
    return tuple(names[term] for _, term in products[:SHARED_SHOWN])
