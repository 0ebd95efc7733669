"""Ranking quality on the judged query set in tests/data/judged_queries.json.

Prints, per kind of query, how often a relevant passage is in the top 3 and the
mean reciprocal rank of the first relevant passage (top 10). Run: `python -m bench.ranking`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from app.search import search
from bench.common import bundled_connection

JUDGED = Path(__file__).resolve().parent.parent / "tests" / "data" / "judged_queries.json"


def run() -> dict:
    connection = bundled_connection()
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for entry in json.loads(JUDGED.read_text(encoding="utf-8")):
        relevant = {tuple(pair) for pair in entry["relevant"]}
        hits = search(connection, entry["query"], limit=10).hits
        rank = next((i for i, h in enumerate(hits, 1) if (h.talk_id, h.segment) in relevant), None)
        ranks[entry["kind"]].append(rank)
    ranks["all"] = [r for found in list(ranks.values()) for r in found]
    return {
        kind: {
            "queries": len(found),
            "top3": round(sum(1 for r in found if r and r <= 3) / len(found), 3),
            "mrr": round(sum(1 / r for r in found if r) / len(found), 3),
        }
        for kind, found in ranks.items()
    }


def main() -> None:
    print(f"ranking on {JUDGED.name}")
    print(f"{'kind':<12} {'queries':>8} {'top 3':>7} {'MRR':>6}")
    for kind, row in run().items():
        print(f"{kind:<12} {row['queries']:>8} {row['top3']:>7.0%} {row['mrr']:>6.3f}")


if __name__ == "__main__":
    main()
