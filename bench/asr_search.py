"""Finding what was said, not only what the recogniser wrote: variants surfaced per judged term.

For each canonical term of tests/data/asr_variants.json (a name, company, product
or English term with the spellings the transcripts really contain), search for
the canonical form and look at the first page of exact results plus the first
page of the approximate section. Prints how many of the judged variants appear
there (found) and how many approximate results on that page hold a judged
variant or the canonical form (precision). Run: `python -m bench.asr_search`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from app.search import search
from app.text import normalize
from bench.common import bundled_connection

JUDGED = Path(__file__).resolve().parent.parent / "tests" / "data" / "asr_variants.json"
PAGE = 20


def _bare(text: str) -> str:
    """Without spaces and punctuation: GPT-4 and gpt4, 书生·万象 and 书生万象 are the same spelling."""
    return re.sub(r"[\W_]+", "", text)


VARIANT_MATCHES = ("alias", "sounds_like", "fuzzy")


def evaluate() -> dict:
    connection = bundled_connection()
    by_category: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    misses = []
    for entry in json.loads(JUDGED.read_text(encoding="utf-8")):
        canonical = normalize(entry["canonical"])
        variants = {normalize(v) for v in entry["variants"]} - {canonical}
        query = f'"{entry["canonical"]}"'
        # The literal matches by relevance, then the variant tier's first page (programme order lists the tiers).
        first = search(connection, query, limit=PAGE, mode="literal")
        after = search(connection, query, limit=PAGE, offset=first.total, sort="programme")
        approximate = [h for h in after.hits if h.match in VARIANT_MATCHES]
        texts = [_bare(normalize(h.text)) for h in first.hits + approximate]
        found = {v for v in variants if any(_bare(v) in text for text in texts)}
        relevant = sum(
            1 for h in approximate if any(_bare(f) in _bare(normalize(h.text)) for f in variants | {canonical})
        )
        row = (len(variants), len(found), len(approximate), relevant)
        by_category[entry["category"]].append(row)
        by_category["all"].append(row)
        misses += [(entry["canonical"], v) for v in sorted(variants - found)]
    report = {}
    for category, rows in by_category.items():
        variants, found, shown, relevant = (sum(column) for column in zip(*rows, strict=True))
        report[category] = {
            "terms": len(rows),
            "variants": variants,
            "found": found,
            "found_share": round(found / max(1, variants), 3),
            "approximate_shown": shown,
            "precision": round(relevant / max(1, shown), 3),
        }
    report["missed"] = misses
    return report


def main() -> None:
    report = evaluate()
    print(f"ASR-tolerant search on {JUDGED.name}: first page of exact + approximate results per canonical term")
    print(
        f"{'category':<14} {'terms':>6} {'variants':>9} {'found':>7} {'share':>7} "
        f"{'approx shown':>13} {'precision':>10}"
    )
    for category, row in report.items():
        if category == "missed":
            continue
        print(
            f"{category:<14} {row['terms']:>6} {row['variants']:>9} {row['found']:>7} {row['found_share']:>7.1%} "
            f"{row['approximate_shown']:>13} {row['precision']:>10.1%}"
        )
    print(f"variants not surfaced ({len(report['missed'])}):", ", ".join(f"{c}→{v}" for c, v in report["missed"][:40]))


if __name__ == "__main__":
    main()
