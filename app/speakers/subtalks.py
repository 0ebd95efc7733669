"""Sub-talks inside whole-forum recordings, found where the host hands over.

A forum recording is hours of one host introducing speaker after speaker. The
hand-over has a recognisable shape: an invitation (有请…, 请出…, 欢迎…上台),
often with applause (掌声) and a programme word (主旨演讲, 报告, 分享), and it is
followed by a greeting from the stage (尊敬的各位领导, 大家好, 谢谢主持人). Each
clue adds to a score; a strong enough score starts a chapter. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg

from app.lexicon import HAN, OFFICE_TITLES, ORDINARY_WORD_FREQUENCY, PANEL_CUE, PERSON_TITLES, THANKS_FOR_TALK
from app.people import looks_like_person
from app.text import common_word_frequency

INVITATION = re.compile(r"(?:有请|请出|请上|欢迎(?!大家|各位|您)|话筒交给)")
# 为大家介绍/带来…: an invitation, but also said of a video or a product.
WEAK_INVITATION = re.compile(r"为(?:大家|我们)(?:介绍|带来|分享|做)")
APPLAUSE = re.compile(r"掌声")
# Words of the programme that a hand-over names: what the invited speaker will give.
PROGRAMME = re.compile(r"主旨演讲|主题演讲|演讲|报告|分享|致辞|发布|带来|上台|登台|主持|对话|圆桌")
# The first words from the stage: the voice really changes here.
GREETING = re.compile(
    r"^.{0,16}?(?:尊敬的|各位(?:领导|嘉宾|来宾|专家|老师|同学|朋友)|大家(?:上午|下午|晚上)?好|谢谢主持人|感谢主持人"
    r"|谢谢.{1,4}的介绍|thank|hello|good (?:morning|afternoon)|can you hear|我叫|我是)",
    re.IGNORECASE,
)
VIDEO = re.compile(
    r"(?:下面|接下来|让我们|首先|我们)[^。]{0,8}(?:看|观看|播放|通过)(?:一段|一个|一下)?(?:视频|短片|大屏幕)"
)
HOST_HANDOVER = re.compile(r"主持人")
TITLES = re.compile("|".join(OFFICE_TITLES + PERSON_TITLES))  # longest first: 总裁 before 总
TOPIC_IN_BOOK_QUOTES = re.compile(r"《([^》]{2,40})》")
TOPIC_AFTER_BRINGS = re.compile(
    r"(?:带来|分享|介绍)(?:的是)?(.{2,40}?)(?:的)?(?:主旨演讲|主题演讲|演讲|报告|分享|。|，|$)"
)
SENTENCE_END = re.compile(r"[。！？!?]")
MIN_SCORE = 4
MIN_GAP = 3  # hand-over cues closer than this are one hand-over
PANEL_SETTLE = 12  # segments after a panel starts in which the host invites its panelists, not new talks


@dataclass(frozen=True)
class SubTalk:
    start: int  # segment number where the new part begins (1-based)
    kind: str  # opening, talk, video
    speaker: str | None
    affiliation: str | None
    topic: str | None
    cue: str  # the words of the hand-over, for display and for checking
    confidence: float


@dataclass(frozen=True)
class _Handover:
    segment: int
    score: int
    starts_inside: bool
    clause: str
    kind: str
    greeted: bool = False  # a greeting from the stage follows: the voice really changes here


def _invitations(text: str) -> list[tuple[str, int, int]]:
    """Each sentence of the paragraph holding an invitation: (sentence, its end, invitation strength)."""
    found = []
    for pattern, strength in ((INVITATION, 2), (WEAK_INVITATION, 1)):
        for match in pattern.finditer(text):
            start = max((m.end() for m in SENTENCE_END.finditer(text, 0, match.start())), default=0)
            end_match = SENTENCE_END.search(text, match.end())
            end = end_match.end() if end_match else len(text)
            found.append((text[start:end], end, strength))
    return found


def _new_voice_inside(remainder: str, following: str) -> bool:
    """Whether the invited speaker's first words are in the same paragraph as the invitation."""
    if GREETING.search(remainder):
        return True
    if GREETING.search(following):
        return False
    return len(remainder) >= 20


def _score_cue(paragraphs: list[str], index: int) -> _Handover | None:
    """The strongest hand-over in one paragraph, if it has any."""
    text = paragraphs[index]
    following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
    recent = "".join(paragraphs[max(0, index - 6) : index + 1])
    thanked = bool(THANKS_FOR_TALK.search(recent))
    video = VIDEO.search(text)
    if video and (thanked or index < 10) and following:
        return _Handover(index + 2, MIN_SCORE, False, text[video.start() :], "video")
    best: _Handover | None = None
    for clause, end, strength in _invitations(text):
        remainder = text[end:].strip(" ，,。")
        inside = _new_voice_inside(remainder, following)
        score = strength + thanked
        score += bool(APPLAUSE.search(clause)) + bool(PROGRAMME.search(clause)) + bool(TITLES.search(clause))
        greeted = bool(GREETING.search(remainder if inside else following))
        score += 2 * greeted
        if HOST_HANDOVER.search(clause) and not PANEL_CUE.search(clause):
            score -= 2  # the microphone passes to another host, not to a speaker
        if best is None or score > best.score:
            best = _Handover(index + 1 if inside else index + 2, score, inside, clause, "talk", greeted)
    return best


# A lookahead, so that overlapping candidates are all tried: 嘉宾张鹏老师 → 宾张鹏?, 张鹏 ✓
NAME_BEFORE_TITLE = re.compile(
    f"(?=([{HAN}]{{2,3}}?)(?:{'|'.join(t for t in OFFICE_TITLES + PERSON_TITLES if len(t) > 1)}))"
)


def _plausible_name(word: str) -> bool:
    """A person's name as heard: shaped like one, not a common word (谢谢, 顾问), not 张老师 or 应用部."""
    if not looks_like_person(word) or re.search(r"(?:老师|总|博士|部|院|所|局|司|室|会|组|系|中心)$", word):
        return False
    return common_word_frequency(word) < ORDINARY_WORD_FREQUENCY


def _speaker_in(clause: str) -> tuple[str | None, str | None]:
    """(name, affiliation) from an invitation: 有请上海人工智能实验室青年科学家白磊博士 → 白磊, 上海…科学家."""
    after = INVITATION.split(clause, maxsplit=1)[-1]
    tagged, position = [], 0
    for word, flag in jieba.posseg.cut(after):
        if flag == "nr":
            tagged.append((position, word))
        position += len(word)
    # jieba's person-name tags first; a name right before a title (周博文主任) when it tags none
    before_title = [(m.start(1), m.group(1)) for m in NAME_BEFORE_TITLE.finditer(after)]
    for start, name in [*tagged, *before_title]:
        if _plausible_name(name):
            last_clause = re.split(r"[，,]", after[:start])[-1]
            affiliation = re.sub(r"^(?:也是|我们|这个|的|是|呃|啊)+", "", last_clause).strip("。、 的")
            return name, affiliation if len(affiliation) >= 4 else None
    latin = re.search(r"([A-Za-z][A-Za-z .'-]{2,40}?)\s*(?:教授|博士|先生|女士|老师)", after)
    return (latin.group(1).strip(), None) if latin else (None, None)


def _topic_in(text: str) -> str | None:
    """A talk title in book quotes, or what the speaker "brings": 为我们带来《…》/带来…的主旨演讲."""
    quoted = TOPIC_IN_BOOK_QUOTES.search(text)
    if quoted:
        return quoted.group(1)
    brought = TOPIC_AFTER_BRINGS.search(text)
    if brought:
        topic = re.sub(r"^(?:一下|了|的|是|呃|啊|我们|今天的)+", "", brought.group(1)).strip("，。 ")
        if len(topic) >= 4 and not TITLES.search(topic):
            return topic
    return None


def detect_subtalks(paragraphs: list[str]) -> list[SubTalk]:
    """The parts of a forum recording: its opening, then each hand-over strong enough to trust."""
    if not paragraphs:
        return []
    cues = [c for i in range(len(paragraphs)) if (c := _score_cue(paragraphs, i)) and c.score >= MIN_SCORE]
    chosen: list[_Handover] = []
    for cue in cues:
        previous = chosen[-1] if chosen else None
        if previous and cue.segment - previous.segment < MIN_GAP:
            if (cue.greeted, cue.score) > (previous.greeted, previous.score):
                chosen[-1] = cue
            continue
        if previous and PANEL_CUE.search(previous.clause) and cue.segment - previous.segment < PANEL_SETTLE:
            continue
        chosen.append(cue)
    chapters = [SubTalk(1, "opening", None, None, None, paragraphs[0][:60], 1.0)]
    for cue in chosen:
        if cue.segment <= 1 or cue.segment > len(paragraphs):
            continue
        speaker, affiliation = _speaker_in(cue.clause) if cue.kind == "talk" else (None, None)
        start_text = paragraphs[cue.segment - 1]
        topic = _topic_in(cue.clause) or _topic_in(start_text[:120])
        confidence = round(min(0.95, 0.4 + 0.08 * cue.score), 2)
        chapters.append(SubTalk(cue.segment, cue.kind, speaker, affiliation, topic, cue.clause.strip(), confidence))
    return chapters
