"""What kind of recording a talk is, and who speaks each of its segments (pure functions).

The heading says who is on stage; the text says when the floor changes hands.
Every attribution records how it was made and how sure it is, and a segment
stays unattributed when the evidence is weak: a wrong label is worse than none.
"""

from __future__ import annotations

import re
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, replace
from typing import Protocol

from app.lexicon import PANEL_CUE, THANKS_FOR_TALK
from app.people import Person
from app.speakers.mentions import match_forms, name_forms
from app.speakers.subtalks import GREETING, SubTalk, detect_subtalks, fuller_latin_name
from app.speakers.turns import MIN_NAME_SCORE, attribute_panel, handed_over_to

PANEL_WORDS = re.compile(r"圆桌|对话|讨论|座谈|访谈|fireside|panel", re.IGNORECASE)
# The last paragraph of a sub-talk that is the host's: thanks for the talk, or the next invitation.
HANDOVER_WORDS = re.compile(f"有请|{THANKS_FOR_TALK.pattern}")
HEADING_CONFIDENCE = 0.9
# A speaker ending their talk (my sharing ends here, thank you all); looked for in the last paragraphs.
SIGN_OFF = re.compile(r"(?:分享|报告|汇报|介绍|演讲)(?:就)?(?:到这里|到此|就是这些)|谢谢大家|thank you", re.IGNORECASE)
SIGN_OFF_REACH = 4  # last paragraphs of a sub-talk searched for the sign-off
# A forum's closing panel is often its earlier speakers: one of them whose name the panel says in this
# many sentences (小涛, 杨老师), once at least as a hand-over, is taken to sit on it when nobody listed them.
SPEAKER_ON_PANEL_SENTENCES = 2
MIN_PANELISTS = 2  # fewer forum speakers found on a panel is no cast: a panel has at least two guests
# Every name of a panel inside a forum recording is shown as "probably", never as a fact (below
# KB_SURE_CONFIDENCE's 0.8): its cast is heard from the host (listed, or guessed from the forum's speakers)
# and its host turns are what lies between hand-overs. As facts, such names were right 55% of the time
# on a bundled forum panel with a guessed cast, host turns 75% and 87% on the tuning forums, and all of
# them 57% on the held-out forums' panels (bench/speakers.py), where the issue asks for 90%.
FORUM_PANEL_CONFIDENCE = 0.75
SENTENCE_END = re.compile(r"[。！？!?\n]")
# Heading roles of the one who gives the talk; a host, questioner or conversation guest beside them
# introduces or questions them (主讲嘉宾：罗欢、提问嘉宾：眭亚楠; 张贺烨-主持人：马雷).
LECTURER_ROLES = frozenset({"speaker", "keynote"})
# A host's introduction is a few paragraphs: a hand-over later than this is not the talk's start.
INTRODUCTION_REACH = 8
# The lecture is over and the conversation begins: the host thanks the speaker or opens the questions.
QUESTIONS_OPEN = re.compile(r"问答|提问环节|提问时间|Q\s*(?:&|和|and)\s*A", re.IGNORECASE)
# Paragraphs after a lecture that make a conversation; fewer are closing words, too short to tell whose.
MIN_CONVERSATION = 3
HOST_THANKS = re.compile(r"^[\s好的对啊呃嗯，,]*(?:感谢|谢谢).{0,20}?(?:精彩|分享|演讲|报告)")


class Billing(Protocol):
    """What a talk's heading says about it (ingest's parsed Heading is one)."""

    title: str
    session: str | None
    people: list[Person]


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
    subtalks: list[SubTalk]
    speakers: list[SegmentSpeaker]  # one per segment


def talk_kind(heading: Billing, subtalks: list[SubTalk]) -> str:
    roles = {person.role for person in heading.people}
    innermost_session = (heading.session or "").split(" › ")[-1]  # 主题讨论：… › 环节2 › 报告 → 报告
    label = f"{innermost_session} {heading.title}"
    if _lecturer(heading) and not PANEL_WORDS.search(label):
        return "talk" if roles - LECTURER_ROLES == {"host"} else "conversation"
    if PANEL_WORDS.search(label) or "host" in roles or len(heading.people) >= 3:
        return "panel"
    if not heading.people and sum(1 for c in subtalks if c.kind == "talk") >= 2:
        return "forum"
    return "talk"


def _lecturer(heading: Billing) -> Person | None:
    """The one person who gives the talk when the others in the heading only introduce or question them."""
    lecturers = [person for person in heading.people if person.role in LECTURER_ROLES]
    return lecturers[0] if len(lecturers) == 1 and len(heading.people) >= 2 else None


def _lecture_speakers(paragraphs: list[str], lecturer: SegmentSpeaker, others: list[Person]) -> list[SegmentSpeaker]:
    """A talk that others introduce or question: the lecturer holds the floor between the two.

    The host's introduction ends where the hand-over detection of forum recordings sees the
    lecturer's first words; the lecture ends at the speaker's sign-off, or where the host thanks
    them or opens the questions. What follows is a conversation, attributed turn by turn.
    """
    speakers = [UNKNOWN] * len(paragraphs)
    start, confidence = _lecture_start(paragraphs)
    hosts = [person.name for person in others if person.role == "host"]
    if start > 1 and len(hosts) == 1:
        speakers[: start - 1] = [SegmentSpeaker(hosts[0], "introduction", confidence)] * (start - 1)
    end = _lecture_end(paragraphs, start)
    speakers[start - 1 : end - 1] = [lecturer] * (end - start)
    if len(paragraphs) - end + 1 >= MIN_CONVERSATION:
        cast = [(person.name, person.role) for person in others] + [(lecturer.name, "guest")]
        speakers[end - 1 :] = _panel_speakers(paragraphs[end - 1 :], cast)
    return speakers


def _introduced_lecturer(paragraphs: list[str], subtalks: list[SubTalk]) -> SegmentSpeaker | None:
    """A talk whose heading names nobody: the speaker the host introduced at its start, if named."""
    talks = [subtalk for subtalk in subtalks if subtalk.kind == "talk"]
    if len(talks) != 1 or talks[0].start > INTRODUCTION_REACH or not talks[0].speaker:
        return None
    introduction = "".join(paragraphs[: talks[0].start])
    return SegmentSpeaker(fuller_latin_name(talks[0].speaker, introduction), "handover", talks[0].confidence)


def _lecture_start(paragraphs: list[str]) -> tuple[int, float]:
    """Where the lecturer's first words follow a host's introduction, and how sure; (1, 1.0) without one."""
    reach = min(INTRODUCTION_REACH, len(paragraphs) // 3)
    talks = [subtalk for subtalk in detect_subtalks(paragraphs[: reach + 1]) if subtalk.kind == "talk"]
    if not talks or talks[0].start > reach:
        return 1, 1.0
    # A biography read out after the invitation is still the host's: the lecturer begins with a greeting.
    start = talks[0].start
    greeted = next((number for number in range(start, reach + 1) if GREETING.search(paragraphs[number - 1])), start)
    return greeted, talks[0].confidence


def _lecture_end(paragraphs: list[str], start: int) -> int:
    """The segment number after the lecture's last paragraph, looked for in the talk's second half."""
    for number in range(max(start + 1, len(paragraphs) // 2 + 1), len(paragraphs) + 1):
        paragraph = paragraphs[number - 1]
        if HOST_THANKS.search(paragraph) or QUESTIONS_OPEN.search(paragraph):
            return number
        if SIGN_OFF.search(paragraph):
            return number + 1
    return len(paragraphs) + 1


def _forum_speakers(paragraphs: list[str], subtalks: list[SubTalk]) -> list[SegmentSpeaker]:
    """Each subtalk's segments belong to the speaker the host introduced, except the hand-over at its end.

    A panel inside the forum is attributed turn by turn, its moderator as host and
    the panelists the hand-over listed (or, when it listed none, those learned from the text).
    """
    speakers = [UNKNOWN] * len(paragraphs)
    bounds = [c.start for c in subtalks[1:]] + [len(paragraphs) + 1]
    for subtalk, end in zip(subtalks, bounds, strict=False):
        if subtalk.kind != "talk":
            continue
        if PANEL_CUE.search(subtalk.cue) or subtalk.guests:
            panel = paragraphs[subtalk.start - 1 : end - 1]
            with_handover = paragraphs[max(0, subtalk.start - 2) : end - 1]
            guessed = () if subtalk.guests else _forum_speakers_on(with_handover, subtalks, subtalk.speaker)
            cast = [(subtalk.speaker, "host")] if subtalk.speaker else []
            cast += [(guest, "guest") for guest in subtalk.guests or guessed]
            attributed = _panel_speakers(panel, cast)
            speakers[subtalk.start - 1 : end - 1] = [_at_most(who, FORUM_PANEL_CONFIDENCE) for who in attributed]
            continue
        if not subtalk.speaker:
            continue
        signed_off = _speaker_signs_off(paragraphs, subtalk.start, end)
        for number in range(subtalk.start, signed_off):
            last = number == end - 1  # without a sign-off, the last paragraph may be the host's hand-over
            if last and HANDOVER_WORDS.search(paragraphs[number - 1]):
                continue  # the host thanks them and introduces the next speaker here
            speakers[number - 1] = SegmentSpeaker(subtalk.speaker, "handover", subtalk.confidence)
    return speakers


def _at_most(who: SegmentSpeaker, confidence: float) -> SegmentSpeaker:
    if who.confidence is None or who.confidence <= confidence:
        return who
    return replace(who, confidence=confidence)


def _forum_speakers_on(panel: list[str], subtalks: list[SubTalk], moderator: str | None) -> tuple[str, ...]:
    """The forum's other speakers whom a panel names in several sentences and hands over to: its panelists.

    panel holds the hand-over that brings it on stage (有请几位嘉宾上台，小涛，秦凯) and the panel itself.
    Fewer than two found is no panel cast: then the names are learned from the panel's own text.
    """
    speakers = list(dict.fromkeys(c.speaker for c in subtalks if c.speaker and c.speaker != moderator))
    forms = name_forms(speakers)
    text = "。".join(panel)  # one pass over the panel: a name never spans a sentence end
    ends = [match.end() for match in SENTENCE_END.finditer(text)]
    said = Counter(
        name
        for name, _ in {(m.name, bisect(ends, m.start)) for m in match_forms(text, forms) if m.score >= MIN_NAME_SCORE}
    )
    often = [name for name in speakers if said[name] >= SPEAKER_ON_PANEL_SENTENCES]
    addressed = handed_over_to(panel, often)
    on_panel = tuple(name for name in often if addressed[name])
    return on_panel if len(on_panel) >= MIN_PANELISTS else ()


def _speaker_signs_off(paragraphs: list[str], start: int, end: int) -> int:
    """Where a sub-talk's speaker stops: after their 我的分享就到这里/谢谢大家 near its end, the host speaks.

    Returns the segment number that ends the speaker's part (exclusive): the paragraph of the
    sign-off is still theirs, the host's bridging paragraphs after it are not.
    """
    for number in range(end - 1, max(start, end - SIGN_OFF_REACH) - 1, -1):
        if SIGN_OFF.search(paragraphs[number - 1]):
            return number + 1
    return end


def _panel_speakers(paragraphs: list[str], people: list[tuple[str, str]]) -> list[SegmentSpeaker]:
    """Turn-by-turn attribution of a panel, as segment speakers (None where the evidence is weak)."""
    return [
        SegmentSpeaker(a.speaker, a.method, round(a.confidence, 2), a.turn_starts_inside) if a.speaker else UNKNOWN
        for a in attribute_panel(paragraphs, people)
    ]


def analyse(heading: Billing, paragraphs: list[str]) -> Structure:
    subtalks = detect_subtalks(paragraphs) if not heading.people else []
    kind = talk_kind(heading, subtalks)
    people = heading.people
    if kind == "forum":
        return Structure(kind, subtalks, _forum_speakers(paragraphs, subtalks))
    lecturer = _lecturer(heading)
    if lecturer and kind != "panel":
        others = [person for person in people if person is not lecturer]
        from_heading = SegmentSpeaker(lecturer.name, "heading", HEADING_CONFIDENCE)
        return Structure(kind, [], _lecture_speakers(paragraphs, from_heading, others))
    if kind in ("panel", "conversation"):
        return Structure(kind, [], _panel_speakers(paragraphs, [(p.name, p.role) for p in people]))
    if len(people) == 1:
        sole = SegmentSpeaker(people[0].name, "heading", HEADING_CONFIDENCE)
        return Structure(kind, [], [sole] * len(paragraphs))
    introduced = _introduced_lecturer(paragraphs, subtalks) if kind == "talk" and not people else None
    if introduced:
        return Structure(kind, [], _lecture_speakers(paragraphs, introduced, []))
    return Structure(kind, [], [UNKNOWN] * len(paragraphs))
