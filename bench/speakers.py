"""Who said it: sub-talk starts in forum recordings and speaker attribution in panels, against hand labels.

Sub-talk starts (tests/data/subtalks.json): precision and recall, a start within
one segment counting. Segment attribution (tests/data/panel_speakers.json):
accuracy on the segments labelled and coverage of panel segments, from
bench/speakers_turns.py. Run: `python -m bench.speakers`.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.ingest.parsing import parse_transcript
from app.speakers.subtalks import detect_subtalks
from app.text import clean
from bench.speakers_turns import evaluate_turns

ROOT = Path(__file__).resolve().parent.parent
SUBTALKS = ROOT / "tests" / "data" / "subtalks.json"


def evaluate_chapters() -> dict:
    labels = json.loads(SUBTALKS.read_text(encoding="utf-8"))
    results = {}
    for path in sorted((ROOT / "data" / "transcripts").glob("*.txt")):
        for talk in parse_transcript(path.read_text(encoding="utf-8")):
            talk_id = f"{talk.heading.video_id}-p{talk.heading.part}"
            if talk_id not in labels:
                continue
            gold = sorted({entry["segment"] for entry in labels[talk_id]})
            found = [c.start for c in detect_subtalks([clean(p) for p in talk.paragraphs])]
            matched: set[int] = set()
            for start in found:
                hit = next((g for g in gold if abs(g - start) <= 1 and g not in matched), None)
                if hit is not None:
                    matched.add(hit)
            results[talk_id] = {"labelled": len(gold), "found": len(found), "correct": len(matched)}
    overall = {key: sum(r[key] for r in results.values()) for key in ("labelled", "found", "correct")}
    results["overall"] = overall
    for row in results.values():
        row["precision"] = round(row["correct"] / max(1, row["found"]), 3)
        row["recall"] = round(row["correct"] / max(1, row["labelled"]), 3)
    return results


def main() -> None:
    print("sub-talk starts (±1 segment)")
    print(f"{'forum':<20} {'labelled':>8} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>7}")
    for talk_id, row in evaluate_chapters().items():
        print(
            f"{talk_id:<20} {row['labelled']:>8} {row['found']:>6} {row['correct']:>8} "
            f"{row['precision']:>10.1%} {row['recall']:>7.1%}"
        )
    print("\nsegment attribution in panels")
    print(f"{'panel':<20} {'segments':>8} {'labelled':>9} {'coverage':>9} {'accuracy':>9}")
    for talk_id, row in evaluate_turns().items():
        print(
            f"{talk_id:<20} {row['paragraphs']:>8} {row['labelled']:>9} {row['coverage']:>9.1%} {row['accuracy']:>9.1%}"
        )


if __name__ == "__main__":
    main()
