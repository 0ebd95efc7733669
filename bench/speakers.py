"""Who said it, against hand labels: sub-talk starts in forum recordings and who speaks each panel segment.

Three sets side by side: the bundled files (tests/data/subtalks.json,
panel_speakers.json and forum_panels/), and the development transcripts in ../shared/dev-transcripts
(tests/data/dev_labels/), split into a tuning part and a held-out part before any
rule was tuned on them. Every figure comes from `analyse`, the function ingest uses,
so it measures what the pages show.

Sub-talks: a start within one segment of a labelled one counts; "named" is the share
of the found talk starts whose speaker is given and right. Panels: coverage is the
share of labelled segments that get a name; accuracy is judged on those; "sure" is
the same for names shown as a fact (confidence ≥ KB_SURE_CONFIDENCE), the rest show
with a question mark. A predicted name counts as right when it sounds like the
labelled one or one of its heard forms (周博文 for 周伯文). Run: `python -m bench.speakers`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from app import config
from app.ingest.parsing import Heading, parse_transcript
from app.speakers.mentions import find_name_mentions
from app.speakers.structure import analyse
from app.speakers.turns import HOST_PLACEHOLDER

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data"
DEV_LABELS = LABELS / "dev_labels"
FORUM_PANELS = LABELS / "forum_panels"  # panels inside the bundled forum recordings
BUNDLED = ROOT / "data" / "transcripts"
DEV_TRANSCRIPTS = ROOT.parent / "shared" / "dev-transcripts"
NAMED_KINDS = ("talk", "panel")  # sub-talks whose speaker the host can name
SHOWN_MATCH = 70  # rapidfuzz partial_ratio from which a shown affiliation or topic is the labelled one, misspelt


@dataclass
class Panel:
    start: int
    end: int
    host: str | None
    labels: dict[int, str | None]  # segment → who speaks most of it
    heard_as: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Recording:
    name: str
    heading: Heading
    paragraphs: list[str]
    subtalks: list[dict] | None  # labelled starts, None when this recording has none labelled
    panels: list[Panel]


def bundled_recordings() -> list[Recording]:
    """The bundled talks with hand labels, by talk id (BV1uH4y1w77V-p5)."""
    subtalks = json.loads((LABELS / "subtalks.json").read_text(encoding="utf-8"))
    panels = json.loads((LABELS / "panel_speakers.json").read_text(encoding="utf-8"))
    inside_forums = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(FORUM_PANELS.glob("*.json"))]
    found = []
    for path in sorted(BUNDLED.glob("*.txt")):
        for talk in parse_transcript(path.read_text(encoding="utf-8")):
            talk_id = f"{talk.heading.video_id}-p{talk.heading.part}"
            if talk_id not in subtalks and talk_id not in panels:
                continue
            labelled = [_panel(truth) for truth in inside_forums if truth["file"] == path.name]
            if talk_id in panels:
                truth = panels[talk_id]
                labels = {int(n): name for n, name in truth["labels"].items()}
                labelled.append(Panel(1, len(talk.paragraphs), truth.get("host"), labels))
            found.append(Recording(talk_id, talk.heading, talk.paragraphs, subtalks.get(talk_id), labelled))
    return found


def _panel(truth: dict) -> Panel:
    labels = {int(n): name for n, name in truth["labels"].items()}
    return Panel(truth["start"], truth["end"], truth["host"], labels, truth.get("heard_as", {}))


def dev_recordings(part: str) -> list[Recording] | None:
    """The labelled development transcripts of one part of the split ("tuning" or "heldout"); None when absent."""
    if not DEV_TRANSCRIPTS.is_dir():
        return None
    split = json.loads((DEV_LABELS / "split.json").read_text(encoding="utf-8"))
    found = []
    for label_file in split[part]:
        truth = json.loads((DEV_LABELS / label_file).read_text(encoding="utf-8"))
        talk = parse_transcript((DEV_TRANSCRIPTS / truth["file"]).read_text(encoding="utf-8"))[0]
        panels = [_panel(panel) for panel in truth["panels"]]
        found.append(
            Recording(label_file.removesuffix(".json"), talk.heading, talk.paragraphs, truth["subtalks"], panels)
        )
    return found


def lecture_recordings() -> tuple[list[Recording], bool]:
    """Talks of one lecturer beside a host, questioner or guest, or introduced by a chair (lecture_speakers.json).

    Returns the labelled talks that are here and whether the development ones could be read.
    """
    truth = json.loads((LABELS / "lecture_speakers.json").read_text(encoding="utf-8"))["talks"]
    found, dev_here = [], DEV_TRANSCRIPTS.is_dir()
    for entry in truth:
        folder = BUNDLED if entry["set"] == "bundled" else DEV_TRANSCRIPTS
        if entry["set"] == "dev" and not dev_here:
            continue
        talks = parse_transcript((folder / entry["file"]).read_text(encoding="utf-8"))
        talk = next(t for t in talks if entry.get("talk") in (None, f"{t.heading.video_id}-p{t.heading.part}"))
        labels = {n: name for first, last, name in entry["spans"] for n in range(first, last + 1)}
        panel = Panel(1, len(talk.paragraphs), entry["host"], labels, entry.get("heard_as", {}))
        found.append(
            Recording(f"{talk.heading.video_id}-p{talk.heading.part}", talk.heading, talk.paragraphs, None, [panel])
        )
    return found, dev_here


def same_person(predicted: str, truth: str, host: str | None, heard: list[str] = ()) -> bool:
    """Whether a predicted speaker is the labelled one: the same name, the unnamed host, or a heard form of the name."""
    if predicted == HOST_PLACEHOLDER:
        return truth == host
    for name in (truth, *heard):
        if predicted == name:
            return True
        if any(start == 0 and end == len(predicted) for start, end, *_ in find_name_mentions(predicted, [name])):
            return True
    return False


def score(recording: Recording) -> Counter:
    """Counts for one recording: sub-talk starts and names, panel segments named and right."""
    structure = analyse(recording.heading, recording.paragraphs)
    counts: Counter = Counter()
    if recording.subtalks is not None:
        gold = sorted(recording.subtalks, key=lambda entry: entry["segment"])
        found = [subtalk for subtalk in structure.subtalks if subtalk.start > 1]
        counts["labelled"] += sum(1 for entry in gold if entry["segment"] > 1)
        counts["found"] += len(found)
        matched: set[int] = set()
        for subtalk in found:
            entry = next(
                (g for g in gold if abs(g["segment"] - subtalk.start) <= 1 and g["segment"] not in matched), None
            )
            if entry is None:
                continue
            matched.add(entry["segment"])
            counts["correct"] += 1
            if entry["kind"] in NAMED_KINDS:
                counts.update(_shown_counts("affiliation", subtalk.affiliation, entry.get("affiliation")))
                counts.update(_shown_counts("topic", subtalk.topic, entry.get("topic")))
            if entry["kind"] in NAMED_KINDS and entry["speaker"]:
                counts["nameable"] += 1
                heard = [entry["heard_as"]] if entry.get("heard_as") else []
                if subtalk.speaker and same_person(subtalk.speaker, entry["speaker"], None, heard):
                    counts["named_right"] += 1
                elif subtalk.speaker:
                    counts["named_wrong"] += 1
    for panel in recording.panels:
        for number, truth in panel.labels.items():
            if truth is None:
                continue
            counts["segments"] += 1
            said = structure.speakers[number - 1]
            if said.name is None:
                continue
            right = same_person(said.name, truth, panel.host, panel.heard_as.get(truth, []))
            counts["shown"] += 1
            counts["right"] += right
            if (said.confidence or 0) >= config.SURE_CONFIDENCE:
                counts["sure"] += 1
                counts["sure_right"] += right
    return counts


def _shown_counts(field: str, found: str | None, label: str | None) -> Counter:
    """An affiliation or topic shown for a sub-talk against the labelled one: given at all, matching it
    (fuzzy, as the recogniser misspells names: 云天立飞 for 云天励飞), and clean (it also starts where the
    label's words do, without the host's lead-in: not 第一位演讲嘉宾是中国一汽研发总院)."""
    counts = Counter({f"{field}_labelled": bool(label)})
    if found:
        matching = bool(label) and fuzz.partial_ratio(found, label) >= SHOWN_MATCH
        counts.update(
            {f"{field}_given": 1, f"{field}_matching": matching, f"{field}_clean": matching and found[:2] in label}
        )
    return counts


def figures(counts: Counter) -> dict[str, float]:
    """Ratios from counts, 0 where nothing was counted."""

    def ratio(part: str, whole: str) -> float:
        return round(counts[part] / counts[whole], 3) if counts[whole] else 0.0

    return {
        "precision": ratio("correct", "found"),
        "recall": ratio("correct", "labelled"),
        "named": ratio("named_right", "nameable"),
        "coverage": ratio("shown", "segments"),
        "accuracy": ratio("right", "shown"),
        "sure_coverage": ratio("sure", "segments"),
        "sure_accuracy": ratio("sure_right", "sure"),
    }


def evaluate(recordings: list[Recording]) -> dict[str, Counter]:
    """Counts per recording and "overall"."""
    results = {recording.name: score(recording) for recording in recordings}
    results["overall"] = sum(results.values(), Counter())
    return results


def evaluate_headings() -> dict[str, int] | None:
    """Heading fields of every development file against tests/data/dev_labels/headings.json; None when absent."""
    if not DEV_TRANSCRIPTS.is_dir():
        return None
    labels = json.loads((DEV_LABELS / "headings.json").read_text(encoding="utf-8"))["files"]
    counts: Counter = Counter()
    for file_name, truth in labels.items():
        heading = parse_transcript((DEV_TRANSCRIPTS / file_name).read_text(encoding="utf-8"))[0].heading
        found = {(person.name, person.role) for person in heading.people}
        expected = {tuple(person) for person in truth["people"]}
        counts["files"] += 1
        counts["people"] += len(expected)
        counts["people_found"] += len(expected & found)
        counts["people_extra"] += len(found - expected)
        for key in ("event", "forum", "part", "title", "uploader", "video_id"):
            counts[key] += getattr(heading, key) == truth[key]
    return dict(counts)


def _print_headings() -> None:
    counts = evaluate_headings()
    print("\nheadings of the development files")
    if counts is None:
        print(f"  skipped: {DEV_TRANSCRIPTS} is not here")
        return
    files = counts["files"]
    print(
        f"  people found {counts['people_found']}/{counts['people']} (extra {counts['people_extra']}); "
        + ", ".join(
            f"{key} {counts[key]}/{files}" for key in ("event", "forum", "part", "title", "uploader", "video_id")
        )
    )


def _print_set(title: str, recordings: list[Recording] | None) -> None:
    print(f"\n{title}")
    if recordings is None:
        print(f"  skipped: {DEV_TRANSCRIPTS} is not here (the development transcripts are not bundled)")
        return
    header = "sub-talks: found correct/labelled  P      R     named wrong | panel segs  shown  acc    sure   acc"
    print(f"  {'recording':<24} {header}")
    for name, counts in evaluate(recordings).items():
        f = figures(counts)
        subtalks = (
            f"{counts['found']:>5} {counts['correct']:>4}/{counts['labelled']:<4} "
            f"{f['precision']:>6.1%} {f['recall']:>6.1%} "
            f"{counts['named_right']:>2}/{counts['nameable']:<2} {counts['named_wrong']:>4}"
        )
        panels = (
            f"{counts['segments']:>5} {f['coverage']:>6.1%} {f['accuracy']:>6.1%} "
            f"{f['sure_coverage']:>6.1%} {f['sure_accuracy']:>6.1%}"
        )
        print(f"  {name:<24} {'':>10} {subtalks} | {panels}")
    for shown, what in (("affiliation", "affiliations of sub-talk speakers"), ("topic", "sub-talk topics")):
        if counts[f"{shown}_labelled"] or counts[f"{shown}_given"]:
            print(
                f"  {what}: {counts[f'{shown}_given']} shown, {counts[f'{shown}_matching']} matching the label, "
                f"{counts[f'{shown}_clean']} of them without the host's lead-in; {counts[f'{shown}_labelled']} labelled"
            )


def main() -> None:
    print("speaker detection against hand labels (sub-talk start within ±1 segment; names by sound)")
    _print_set("bundled (the rules were first written on these)", bundled_recordings())
    _print_set("development, tuning part", dev_recordings("tuning"))
    _print_set("development, held-out part (never tuned on)", dev_recordings("heldout"))
    lectures, dev_here = lecture_recordings()
    _print_set(
        "talks of one lecturer with a host, questioner, guest or chair (rules written on these; none held out)",
        lectures,
    )
    if not dev_here:
        print(f"  (bundled only: {DEV_TRANSCRIPTS} is not here)")
    _print_headings()


if __name__ == "__main__":
    main()
