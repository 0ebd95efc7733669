"""One ranking over every kind of evidence: literal matches, variants, shared words, similar meaning (pure).

Each source ranks its own candidates (the literal tier by BM25 and the features of ranking.py, the
words by BM25 over the words they share, meaning by cosine similarity). A segment's score adds,
for each source that found it, the source's weight over (RANK_OFFSET + its rank there): reciprocal
rank fusion, weighted. How it was found is a feature, not a wall: a passage that holds every term
literally starts ahead, and a passage that says the same in other words can still pass it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Tuned on the tuning half of tests/data/ranking_judged.json only (bench/ranking.py prints both halves);
# related keeps the known-item questions of tests/data/judged_queries.json at 80% in the top three.
SOURCE_WEIGHTS = {
    "exact": 1.0,
    "approximate": 0.6,
    "related": 0.7,
    "words": 1.0,
    "translated": 1.2,
    "semantic": 0.7,
    "covered": 1.0,  # the candidates again, by how many of the query's words they say (either language)
}
COVERED_DEPTH = 50  # how many of them the coverage ordering passes on
# Orderings of the other sources' candidates: they add credit but never say how a hit was found.
REORDERINGS = frozenset({"covered"})
RANK_OFFSET = 10  # how fast credit falls with rank: a small offset trusts each source's top few most
# Similarity from which the encoder's neighbour is trusted as strongly as a literal match.
CONFIDENT_SIMILARITY = 0.86
CONFIDENT_BONUS = 0.05
# A talk discusses a subject over several paragraphs, and the answer to a question often lies next to
# the paragraph that names it: each segment gains NEIGHBOUR_SHARE of the score of the candidates up to
# NEIGHBOUR_REACH segments away in the same talk, a neighbour d away counting 1 / d**NEIGHBOUR_DECAY.
# A segment between candidates that no source found joins the ranking this way ("context").
# Tuned on the tuning half (nDCG@10 0.55 -> 0.63 against only the adjacent ones at 0.3).
NEIGHBOUR_SHARE = 0.5
NEIGHBOUR_REACH = 8
NEIGHBOUR_DECAY = 0.75


@dataclass
class Fused:
    segment_id: int
    score: float
    found_by: str  # the source that ranked it best: exact, approximate, related, words, translated,
    # semantic, or context (no source: only next to candidates)


def fuse(
    ranked: dict[str, list[int]],
    similarity: dict[int, float] | None = None,
    talk_of: Callable[[int], int | None] = lambda segment_id: 0,
    context_within: int | None = None,
) -> list[Fused]:
    """Candidates of every source in one order, best first; `ranked` maps a source to its ids, best first,
    and `talk_of` says which talk a segment id is in (None: no such segment). With `context_within`, a
    segment found only by context is kept only among the first that many (the neighbours of a few
    hundred candidates are thousands of segments)."""
    scores: dict[int, float] = {}
    best: dict[int, tuple[float, str]] = {}
    for source, ids in ranked.items():
        weight = SOURCE_WEIGHTS[source]
        for rank, segment_id in enumerate(ids):
            credit = weight / (RANK_OFFSET + rank + 1)
            scores[segment_id] = scores.get(segment_id, 0.0) + credit
            if source in REORDERINGS:
                continue
            if segment_id not in best or credit > best[segment_id][0] or source == "exact":
                best[segment_id] = (credit if source != "exact" else float("inf"), source)
    for segment_id, value in (similarity or {}).items():
        if segment_id in scores and value >= CONFIDENT_SIMILARITY:
            scores[segment_id] += CONFIDENT_BONUS
    for segment_id, gained in _neighbourhood(scores, talk_of).items():
        scores[segment_id] = scores.get(segment_id, 0.0) + gained
        best.setdefault(segment_id, (0.0, "context"))
    order = sorted(scores, key=lambda segment_id: (-scores[segment_id], segment_id))
    if context_within is not None:
        order = [i for at, i in enumerate(order) if at < context_within or best.get(i, (0, ""))[1] != "context"]
    # An id only a reordering listed (it lists the other sources' candidates) counts as sharing words.
    return [Fused(i, round(scores[i], 5), best.get(i, (0.0, "words"))[1]) for i in order]


def _neighbourhood(own: dict[int, float], talk_of: Callable[[int], int | None]) -> dict[int, float]:
    """What each segment near a candidate gains from the candidates around it in its talk."""
    gained: dict[int, float] = {}
    for segment_id, value in own.items():
        talk = talk_of(segment_id)
        for distance in range(1, NEIGHBOUR_REACH + 1):
            share = NEIGHBOUR_SHARE * value / distance**NEIGHBOUR_DECAY
            for near in (segment_id - distance, segment_id + distance):
                if near >= 0 and talk_of(near) == talk:
                    gained[near] = gained.get(near, 0.0) + share
    return gained
