"""What kind of recording a talk is, and who speaks each of its segments (pure functions).

The heading says who is on stage; the text says when the floor changes hands.
Every attribution records how it was made and how sure it is, and a segment
stays unattributed when the evidence is weak: a wrong label is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.chapters import Chapter, detect_chapters
from app.parsing import Heading
from app.turns import attribute_panel

KINDS = {
    "talk": "演讲 talk",
    "conversation": "演讲与对话 keynote + conversation",
    "panel": "圆桌 panel",
    "forum": "论坛全程 whole forum",
}
PANEL_WORDS = re.compile(r"圆桌|对话|讨论|座谈|访谈|fireside|panel", re.IGNORECASE)
HANDOVER_WORDS = re.compile(r"有请|感谢.{0,20}?(?:精彩|分享|演讲|报告)|谢谢大家")
PANEL_CUE = re.compile(r"对话|圆桌|讨论|几位嘉宾|各位嘉宾")
HEADING_CONFIDENCE = 0.9


@dataclass(frozen=True)
class SegmentSpeaker:
    name: str | None
    method: str | None
    confidence: float | None
    turn_inside: bool = False


UNKNOWN = SegmentSpeaker(None, None, None)


@dataclass
class Structure:
    kind: str
    chapters: list[Chapter]
    speakers: list[SegmentSpeaker]  # one per segment


def talk_kind(heading: Heading, chapters: list[Chapter]) -> str:
    roles = {person.role for person in heading.people}
    innermost_session = (heading.session or "").split(" › ")[-1]  # 主题讨论：… › 环节2 › 报告 → 报告
    label = f"{innermost_session} {heading.title}"
    if "keynote" in roles and "guest" in roles:
        return "conversation"
    if PANEL_WORDS.search(label) or "host" in roles or len(heading.people) >= 3:
        return "panel"
    if not heading.people and sum(1 for c in chapters if c.kind == "talk") >= 2:
        return "forum"
    return "talk"


def _forum_speakers(paragraphs: list[str], chapters: list[Chapter]) -> list[SegmentSpeaker]:
    """Each chapter's segments belong to the speaker the host introduced, except the hand-over at its end."""
    speakers = [UNKNOWN] * len(paragraphs)
    bounds = [c.start for c in chapters[1:]] + [len(paragraphs) + 1]
    for chapter, end in zip(chapters, bounds, strict=False):
        if not chapter.speaker or chapter.kind != "talk":
            continue
        if PANEL_CUE.search(chapter.cue):  # a moderator: only their opening words are theirs for sure
            end = chapter.start + 1
        for number in range(chapter.start, end):
            last = number == end - 1
            if last and HANDOVER_WORDS.search(paragraphs[number - 1]):
                continue  # the host thanks them and introduces the next speaker here
            speakers[number - 1] = SegmentSpeaker(chapter.speaker, "handover", chapter.confidence)
    return speakers


def analyse(heading: Heading, paragraphs: list[str]) -> Structure:
    chapters = detect_chapters(paragraphs) if not heading.people else []
    kind = talk_kind(heading, chapters)
    people = heading.people
    if kind == "forum":
        return Structure(kind, chapters, _forum_speakers(paragraphs, chapters))
    if kind in ("panel", "conversation"):
        attributions = attribute_panel(paragraphs, [(p.name, p.role) for p in people])
        speakers = [
            SegmentSpeaker(a.speaker, a.method, round(a.confidence, 2), a.turn_starts_inside) if a.speaker else UNKNOWN
            for a in attributions
        ]
        return Structure(kind, [], speakers)
    if len(people) == 1:
        sole = SegmentSpeaker(people[0].name, "heading", HEADING_CONFIDENCE)
        return Structure(kind, [], [sole] * len(paragraphs))
    return Structure(kind, [], [UNKNOWN] * len(paragraphs))
