"""Who speaks each paragraph of a panel, against the hand labels in tests/data/panel_speakers.json.

Per labelled panel and overall: paragraphs, how many get a speaker (coverage),
and how many of those are right (accuracy; paragraphs the labeller left null
are not judged). When the heading names nobody, the attribution returns names
as the host said them (双永 for 宋双永, 主持人 for the host): such a name counts
as right when it sounds like the labelled one. Run: `python -m bench.speakers_turns`.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.ingest.parsing import ParsedTalk, parse_transcript
from app.speakers.mentions import find_name_mentions
from app.speakers.turns import HOST_PLACEHOLDER, attribute_panel

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "panel_speakers.json"
TRANSCRIPTS = ROOT / "data" / "transcripts"


def labelled_talks() -> dict[str, tuple[ParsedTalk, dict]]:
    """The bundled talks that have hand labels, by talk id (BV1uH4y1w77V-p5)."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    found = {}
    for path in sorted(TRANSCRIPTS.glob("*.txt")):
        for talk in parse_transcript(path.read_text(encoding="utf-8")):
            talk_id = f"{talk.heading.video_id}-p{talk.heading.part}"
            if talk_id in labels:
                found[talk_id] = (talk, labels[talk_id])
    return found


def same_person(predicted: str, truth: str, host: str | None) -> bool:
    """Whether a predicted speaker is the labelled one: the same name, the unnamed host, or a heard form of the name."""
    if predicted == truth:
        return True
    if predicted == HOST_PLACEHOLDER:
        return truth == host
    return any(start == 0 and end == len(predicted) for start, end, *_ in find_name_mentions(predicted, [truth]))


def evaluate_turns() -> dict:
    """{talk id or "overall": {paragraphs, labelled, coverage, judged, correct, accuracy}}."""
    results = {}
    for talk_id, (talk, truth) in labelled_talks().items():
        people = [(person.name, person.role) for person in talk.heading.people]
        attributions = attribute_panel(talk.paragraphs, people)
        labelled = [(n, a.speaker) for n, a in enumerate(attributions, 1) if a.speaker is not None]
        judged = [(n, speaker) for n, speaker in labelled if truth["labels"].get(str(n))]
        correct = sum(same_person(speaker, truth["labels"][str(n)], truth.get("host")) for n, speaker in judged)
        results[talk_id] = _figures(len(attributions), len(labelled), len(judged), correct)
    totals = [sum(row[key] for row in results.values()) for key in ("paragraphs", "labelled", "judged", "correct")]
    results["overall"] = _figures(*totals)
    return results


def _figures(paragraphs: int, labelled: int, judged: int, correct: int) -> dict:
    return {
        "paragraphs": paragraphs,
        "labelled": labelled,
        "coverage": round(labelled / paragraphs, 3) if paragraphs else 0.0,
        "judged": judged,
        "correct": correct,
        "accuracy": round(correct / judged, 3) if judged else 0.0,
    }


def main() -> None:
    print(f"speaker turns on {LABELS.name}")
    print(f"{'talk':<18} {'paragraphs':>10} {'labelled':>9} {'coverage':>9} {'accuracy':>9}")
    for talk_id, row in evaluate_turns().items():
        figures = f"{row['paragraphs']:>10} {row['labelled']:>9} {row['coverage']:>9.1%} {row['accuracy']:>9.1%}"
        print(f"{talk_id:<18} {figures}")


if __name__ == "__main__":
    main()
