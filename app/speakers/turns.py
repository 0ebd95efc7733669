"""Who speaks each paragraph of a panel, from the host's hand-overs.

A panel transcript has no speaker labels, but its host runs it in a fixed
rhythm: thank the last speaker by name (好，谢谢小川), ask the next question and
hand over by name (大海，您怎么看), and the named panelist answers until the host
thanks them in turn. We find these cues in the text of the whole talk, turn them
into a timeline of turns over character positions, and label each paragraph with
the speaker who says most of it.

Names are matched by sound (app.speakers.mentions), because the recogniser mishears them.
When the heading names no panelists, we learn the names the host says with a
title (双永博士, 赵健博士) and merge their misheard variants. A paragraph whose
speaker rests on weak evidence gets speaker None: a wrong label is worse than none.
Pure functions: no I/O, no database.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace

from app import config
from app.speakers.mentions import Mention, NameForm, learn_names, match_forms, name_forms
from app.text import clean

HOST_PLACEHOLDER = "主持人"  # the host's label when the heading does not name them
THRESHOLD = config.SPEAKER_THRESHOLD  # below this confidence a paragraph gets speaker None
MIN_NAME_SCORE = 0.6  # weaker name matches are no cue
LEARNED_NAME_WEIGHT = 0.9  # names learned from the text are less certain than heading names
OPENING_SCORE = 0.9  # the host opens a panel
MARKER_SCORE = 0.85  # a sign that the host has taken the floor (感谢几位嘉宾) without a name
# Confidence kept per paragraph away from the cue that fixed the speaker. A turn
# whose other end is visible (a thanks, "that's all from me") keeps its speaker
# with little doubt; one that runs into the host's next hand-over without any
# sign of its end may hide an unnamed speaker change, so it fades fast.
SLOW_DECAY, FAST_DECAY = 0.97, 0.85
HOST_LOOKBACK = 300  # characters before a hand-over searched for where the host began
ANSWER_WINDOW = 160  # characters after a hand-over searched for where the answer begins
MARKER_NEAR = 24  # characters between an end-of-answer sign and a hand-over that it supports
ADDRESS_MIN_SCORE = 3
MIN_PART = 6  # characters a speaker needs inside a paragraph for the turn to count as starting there
ROUND_BREAK = 40  # characters of the host that end a round of answers
ROUND_SCORE = 0.75  # an answer named only by the order of a round
# A host's question is a paragraph or two: paragraphs of a host turn (after the opening) further
# than this from the cues that name it are more likely an answer that began unannounced.
HOST_TURN_REACH = 2

_PUNCTUATION_MARKS = "，。！？；,.!?;\n"
_PUNCTUATION = f"[{_PUNCTUATION_MARKS}]"
# A space is a pause between Chinese words, but not between English ones (skin law).
_CLAUSE_BREAK = re.compile(rf"{_PUNCTUATION}|(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
_FILLERS = "呃嗯啊哈呵哼诶唉 "
_COUNTED = re.compile(r"\w")
# 谢谢小川 thanks 小川; 谢谢，黄磊博士 thanks someone and then turns to 黄磊.
_THANKS_BEFORE = re.compile(r"(?:谢谢|感谢)[\s啊呃嗯]*$")
# 好，谢谢 before a name: the host closes one answer and turns to the named panelist.
_THANKS_LEAD = re.compile(r"(?:对?好的?[\s，]*)?(?:(?:谢谢|感谢)[\s，、]*)+[\s，、。啊呃嗯]*$")
# 我是…/我叫… right before a name, an affiliation between (我是五元资本的石云峰): a panelist introduces themselves.
_SELF_INTRO = re.compile(r"我(?:是|叫)(?:(?:来自)?[^，。我]{0,20}?的)?$")
# Around a name: a reference to someone (同意小川说的), not the host turning to them (田老师也谈一谈).
_REFERENCE_BEFORE = re.compile(r"(?:同意|认同|赞同|像|刚才|刚刚|刚|和|跟|及|与|被|比|达成|欢迎)[\s，、]*$")
_REFERENCE_AFTER = re.compile(
    r"^\s*(?:刚才|刚刚|刚|说|讲|提|也(?!来?(?:谈|讲|说|聊|分享))|还|都|的(?!(?:一个)?问题)|之前|他们|观点|意见|和|跟|以及|、"
    r"|这个(?:回复|回答|分享|观点))"
)
# Words that lead into a name the host hands over to (好，小川 / 请教一下大海).
_LEAD = re.compile(r"(?:好|那|请|由|从|给|有请|请问|请教一下|问一下|问问|想问|我不知道|然后)[\s，、。啊呃嗯哈的]*$")
# A name at the start of a clause is said to someone, not about them.
_CLAUSE_START = re.compile(r"(?:^|[，。！？；\n])[\s啊呃嗯哈呵]*$")
_AFTER_PAUSE = re.compile(r"^[\s啊呃嗯哈呀]*[，,。]")
# A name followed by a pause, by 您/你 or by 对: the host speaks to that person.
_AFTER_YOU = re.compile(r"^[\s，,啊呃嗯哈呀]*(?:你|您)")
_AFTER_ANSWER = re.compile(r"^[\s，,]*对")
# 从X开始, X先, X那边: the host sets who answers first.
_AFTER_HANDOVER = re.compile(r"^\s*(?:来?开始|先|那边|这边|的(?:一个)?问题)")
# How the host goes on asking, and how an answer opens.
_QUESTION = re.compile(
    r"吗|(?<!话)呢$|怎么看|怎么.{0,4}理解|看法|如何|是啥|什么|考量|是吧|(.)不\1|有没有|是否|哪些|为什么"
)
_HOSTY = re.compile(
    r"^(?:您|你|咱们|那我|我不知道|我想|我也想|所以|请|然后|亦或|或者|还是|以及|包括|因为|而且|比如|尤其)"
)
# Asking someone to speak (所以我们想请怀哲总给我们分享一下): the host's words, as a question to 您 is.
_REQUEST = re.compile(r"想请.{0,8}(?:分享|谈谈|讲讲|聊聊|说说)")
_ASKING = re.compile(r"您|你|咱们|我不知道|请问|请教|想问")
_OPENER = re.compile(r"^(?:对|好的|是的|没错|(?:非常)?(?:谢谢|感谢)|首先|我(?!不知道|想|也想|们))")
# Signs that an answer is over, and signs that the host speaks.
_END_MARKER = re.compile(
    r"(?:先|就)?说(?:这么多|到这里?)|这个?是我的(?:一个)?(?:观点|理解|见解|输入|回答|看法|想法)"
    r"|(?:讲|补充|回答)(?:的)?(?:就是)?(?:这么多|这些|这么一点)"
)
# Someone joins after the others have spoken (刚刚各位专家讲的也非常充分了，我就补充一个点): a new voice.
_JOINING = re.compile(r"(?:各位|几位|前面|刚才|刚刚)[^。？?]{0,20}?(?:讲|说)[^。？?]{0,16}?我(?:就|再|也)?补充")
_THANKS = re.compile(r"(?:好的?|对)?[\s，]*(?:(?:谢谢|感谢)[\s，、]*)+")
# 了解了解/明白明白, then a question or a summing-up (那听上去…): the host acknowledges an answer, without a name.
_ACKNOWLEDGE = re.compile(r"(了解|明白|好的)\1(?=[^。？?]{0,60}(?:问题|想问|请教|问问|您|听上去|听起来))")
_GROUP = re.compile(r"^(?:各位|几位|所有|大家|全场|在座)")
_HOST_WORD = re.compile(r"^主持人")
_HOST_PHRASE = re.compile(r"追问|请教|想问|问一下|下一个问题|接下来|下面|最后一个问题")
# The host sets an order (从X开始, X先, 第一个): the others will follow without being named.
_ROUND = re.compile(r"^\s*来?开始|^[\s，,]*(?:您|你)?先|第一个|顺序|依次|轮流")


@dataclass(frozen=True)
class Attribution:
    speaker: str | None  # a name from `people`, or None when unknown
    method: str | None  # addressed, self_intro, thanks_host, continuation, host_question, round_order, or None
    confidence: float  # 0..1; below the threshold you return speaker None
    turn_starts_inside: bool = False  # True when the speaker changes inside this paragraph


@dataclass(frozen=True)
class _Cue:
    kind: str  # address, thanks, thanks_host, self_intro, reference, end, group_thanks
    start: int
    end: int
    name: str | None = None
    score: float = 1.0


@dataclass
class _Turn:
    """A stretch of the talk said by one speaker (None: someone we cannot name)."""

    start: int
    speaker: str | None
    method: str | None
    opening: tuple[int, float] | None = None  # (position, score) of the cue that names the speaker at the start
    closing: tuple[int, float] | None = None  # … and of one that confirms them at the end
    marked_start: bool = True  # the turn begins at a visible sign, not at a guessed boundary
    end: int = 0
    marked_end: bool = True
    opens_round: bool = False  # the first answer of a round: the next speaker may start unnamed
    not_speaker: str | None = None  # someone spoke of this person here (朱总这个回复…): whoever it is, not them


@dataclass(frozen=True)
class _Cast:
    host: str  # the host's name, or HOST_PLACEHOLDER
    guests: list[str]
    forms: list[NameForm]
    learned: bool
    label_host: bool  # False when the heading names the speakers but no host: nobody may be hosting


def attribute_panel(paragraphs: list[str], people: list[tuple[str, str]]) -> list[Attribution]:
    """people: (name, role) pairs from the heading, role in host/guest/speaker/keynote/questioner.

    Returns one Attribution per paragraph. When the heading names nobody (圆桌讨论;主持人),
    the panelists' names are learned from the text as the host says them (e.g. 双永)
    and the host's paragraphs are labelled HOST_PLACEHOLDER. When it names the
    speakers but no host (a fireside chat), the host's part gets speaker None.
    """
    text, starts = _join(paragraphs)
    cast = _cast(text, people)
    turns = _timeline(text, _cues(text, cast), cast)
    attributions, introduced = [], set()
    for index in range(len(paragraphs)):
        attribution, number = _attribute(text, starts, index, turns)
        if attribution.speaker not in (None, cast.host) and _still_asked(paragraphs, index, number not in introduced):
            attribution, number = Attribution(None, None, 0.0, attribution.turn_starts_inside), None
        if attribution.speaker == cast.host and not cast.label_host:
            attribution = Attribution(None, None, 0.0, attribution.turn_starts_inside)
        elif number in introduced and attribution.method != "host_question":
            attribution = replace(attribution, method="continuation")
        if number is not None:
            introduced.add(number)
        attributions.append(attribution)
    return attributions


def handed_over_to(paragraphs: list[str], names: list[str]) -> Counter[str]:
    """How often the host thanks or turns to each of names in these paragraphs: a sign that they are on the panel."""
    text, _ = _join(paragraphs)
    cast = _Cast(HOST_PLACEHOLDER, names, name_forms(names), learned=False, label_host=True)
    return Counter(cue.name for cue in _name_cues(text, cast) if cue.kind in ("address", "thanks"))


def _still_asked(paragraphs: list[str], index: int, turn_begins: bool) -> bool:
    """A question, or the first paragraph of a turn before one (请问朱总…, …您认为…): the answer has not begun."""
    following = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
    return _asks_someone(paragraphs[index]) or (turn_begins and _asks_someone(following))


def _asks_someone(paragraph: str) -> bool:
    """A paragraph that puts a question to someone (您怎么看…吗) or asks them to speak (想请怀哲总给我们分享一下):
    the host's words more likely than an answer."""
    if re.search("谢谢|感谢", paragraph):
        return False
    return ("您" in paragraph and bool(_QUESTION.search(paragraph))) or bool(_REQUEST.search(paragraph))


def _join(paragraphs: list[str]) -> tuple[str, list[int]]:
    """The talk as one text, so cues across a paragraph break are seen; and where each paragraph starts."""
    pieces = [clean(paragraph) + "\n" for paragraph in paragraphs]
    starts = [0]
    for piece in pieces:
        starts.append(starts[-1] + len(piece))
    return "".join(pieces), starts


# --- who is on the panel ---------------------------------------------------------------------


def _cast(text: str, people: list[tuple[str, str]]) -> _Cast:
    host = next((name for name, role in people if role == "host"), None)
    guests = [name for name, role in people if role != "host"]
    named = [host] if host else []
    if guests:
        return _Cast(host or HOST_PLACEHOLDER, guests, name_forms(guests + named), False, label_host=bool(host))
    learned = learn_names(text)
    forms = [form for forms in learned.values() for form in forms] + name_forms(named)
    return _Cast(host or HOST_PLACEHOLDER, list(learned), forms, True, label_host=True)


# --- cues --------------------------------------------------------------------------------------


def _cues(text: str, cast: _Cast) -> list[_Cue]:
    """Every hand-over, thanks and end-of-answer sign in the text, in order."""
    cues = _name_cues(text, cast)
    taken = [(cue.start, cue.end) for cue in cues]
    for match in _THANKS.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        following = text[match.end() :]
        if _HOST_WORD.match(following):
            cues.append(_Cue("thanks_host", match.start(), match.end() + 3))
        elif _GROUP.match(following):
            cues.append(_Cue("group_thanks", match.start(), match.end(), score=MARKER_SCORE))
        else:
            cues.append(_Cue("end", match.start(), match.end()))
    cues += [_Cue("end", match.start(), match.end()) for match in _END_MARKER.finditer(text)]
    cues += [_Cue("end", _clause_start(text, match.start()), match.start()) for match in _JOINING.finditer(text)]
    cues += [_Cue("group_thanks", m.start(), m.end(), score=MARKER_SCORE) for m in _ACKNOWLEDGE.finditer(text)]
    return sorted(cues, key=lambda cue: cue.start)


def _name_cues(text: str, cast: _Cast) -> list[_Cue]:
    """Cues carried by names: thanks to a panelist, hand-over to one, thanks to the host, self-introduction."""
    weight = LEARNED_NAME_WEIGHT if cast.learned else 1.0
    mentions = [m for m in match_forms(text, cast.forms) if m.score >= MIN_NAME_SCORE]
    cues: list[_Cue] = []
    for group in _groups(text, mentions):
        first, last = group[0], group[-1]
        before = text[max(0, first.start - 12) : first.start]
        names = list(dict.fromkeys(m.name for m in group))
        thanked = bool(_THANKS_BEFORE.search(before))
        if len(names) > 2 or (len(names) == 2 and not thanked):
            continue  # a list of names (欢迎志玲小川张鹏大海), or a reference to two people
        if thanked:
            start = _thanks_start(text, first.start)
            if first.name == cast.host:
                cues.append(_Cue("thanks_host", start, first.end, cast.host, first.score * weight))
                continue
            cues.append(_Cue("thanks", start, first.end, first.name, first.score * weight))
            if len(names) == 2:  # 谢谢张鹏，大海…: thanks to one, hand-over to the other
                cues.append(_Cue("address", last.start, last.end, last.name, last.score * weight))
        elif _SELF_INTRO.search(before):
            cues.append(_Cue("self_intro", first.start, last.end, first.name, first.score * weight))
        elif first.name != cast.host and _reference(text, first.start, last.end):
            cues.append(_Cue("reference", first.start, last.end, first.name, first.score * weight))
        elif first.name != cast.host and _address_score(text, first.start, last.end, len(group)) >= ADDRESS_MIN_SCORE:
            cues.append(_Cue("address", first.start, last.end, first.name, first.score * weight))
    return cues


def _groups(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Names said one right after another (张鹏张总, 大海你你大海, 张鹏大海) as one group."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        if groups:
            previous = groups[-1][-1]
            gap = text[previous.end : mention.start]
            same = mention.name == previous.name
            if len(gap) <= (6 if same else 2) and not _CLAUSE_BREAK.search(gap.strip("，, ")):
                groups[-1].append(mention)
                continue
        groups.append([mention])
    return groups


def _around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words before and after a name, as the signs of an address or a reference are looked for."""
    before, after = text[max(0, start - 40) : start], text[end : end + 12]
    if before[-1:] == text[start : start + 1]:
        before = before[:-1]  # 小小川
    return before, after


def _reference(text: str, start: int, end: int) -> bool:
    """Whether the name is said about its bearer (顺着小涛的话, 同意小川说的), not to them."""
    before, after = _around(text, start, end)
    return bool(_REFERENCE_BEFORE.search(before) or _REFERENCE_AFTER.search(after))


def _address_score(text: str, start: int, end: int, times: int) -> int:
    """How much the words around a name look like the host turning to that person.

    Asked of names that are no reference (同意小川说的, see _reference). Each sign adds: a word that
    leads into a hand-over (好, 请, 由, 给), an answer just ended, the name opening
    a clause, a pause or 您 after it, a title or the name said twice, hand-over
    words (开始, 先, 的问题), a question just asked.
    """
    before, after = _around(text, start, end)
    recent = before[-MARKER_NEAR:]
    clauses = _clauses(before)
    previous_clause = clauses[-1:] if _CLAUSE_START.search(before) else clauses[-2:-1]
    return (
        2 * bool(_LEAD.search(before))
        + 2 * bool(_END_MARKER.search(recent) or re.search("谢谢|感谢", recent))
        + bool(_CLAUSE_START.search(before))
        + bool(_AFTER_PAUSE.search(after))
        + bool(_AFTER_YOU.search(after))
        + bool(_AFTER_ANSWER.search(after))
        + 2 * bool(_AFTER_HANDOVER.search(after))
        + bool(times > 1 or text[end - 2 : end] in ("博士", "老师", "教授") or text[end - 1 : end] == "总")
        + bool(previous_clause and _QUESTION.search(previous_clause[0][1]))
    )


def _thanks_start(text: str, name_start: int) -> int:
    """Where the thanks before a name begins, with the 好 or 对好 that leads into it."""
    match = _THANKS_LEAD.search(text[max(0, name_start - 16) : name_start])
    return name_start - (len(match.group(0)) if match else 0)


# --- the timeline ----------------------------------------------------------------------------


def _timeline(text: str, cues: list[_Cue], cast: _Cast) -> list[_Turn]:
    """Turns over character positions, built from the cues in order; the host opens the panel."""
    turns = [_Turn(0, cast.host, "host_question", opening=(0, OPENING_SCORE))]
    for index, cue in enumerate(cues):
        current = turns[-1]
        if cue.start < current.start:
            continue  # inside a host question already placed by a hand-over
        limit = next((c.start for c in cues[index + 1 :] if c.kind in ("address", "thanks")), len(text))
        if cue.kind == "thanks" and _thanks_turns_to(text, cue, current, cast, limit, cues):
            _hand_over(text, turns, cue, cues, cast, limit, host_from=(cue.start, True))
        elif cue.kind == "address":
            _hand_over(text, turns, cue, cues, cast, limit, host_from=_host_start(text, cue, cues, current))
        elif cue.kind == "thanks":
            _close(text, turns, cue, cast)
            _start(turns, _Turn(cue.start, cast.host, "host_question", opening=(cue.start, cue.score)))
        elif cue.kind == "group_thanks":
            _start(turns, _Turn(cue.start, cast.host, "host_question", opening=(cue.start, cue.score)))
        elif cue.kind == "self_intro":
            _start(turns, _Turn(_clause_start(text, cue.start), cue.name, "self_intro", opening=(cue.start, cue.score)))
        elif cue.kind == "thanks_host" and current.speaker == cast.host:
            _start(turns, _Turn(cue.start, None, None))  # someone answers, we do not know who
        elif cue.kind == "reference" and cue.name == current.speaker:
            # someone speaks of the one we took to be speaking (顺着小涛的话说): they have stopped
            _start(turns, _Turn(_clause_start(text, cue.start), None, None, not_speaker=cue.name))
        elif cue.kind == "end" and current.speaker != cast.host and _said(text[current.start : cue.start]) >= MIN_PART:
            _start(turns, _Turn(cue.end, None, None))  # an answer ended; whoever speaks next is unnamed yet
    for turn, following in zip(turns, turns[1:], strict=False):
        turn.end, turn.marked_end = following.start, following.marked_start and not turn.opens_round
    turns[-1].end, turns[-1].marked_end = len(text), False  # the end of the talk says nothing about who spoke
    _complete_rounds(text, turns, cast)
    return turns


def _start(turns: list[_Turn], turn: _Turn) -> None:
    """Begin a new turn; one at the same place replaces the current one.

    A cue for the speaker who is already speaking (谢谢大家 in the host's closing
    words) starts nothing but confirms them there.
    """
    current = turns[-1]
    if turn.start <= current.start:
        if turn.speaker is not None or current.speaker is None:
            turns[-1] = turn
    elif turn.speaker != current.speaker or turn.speaker is None:
        turns.append(turn)
    elif turn.opening:
        current.closing = turn.opening


def _thanks_turns_to(text: str, cue: _Cue, current: _Turn, cast: _Cast, limit: int, cues: list[_Cue]) -> bool:
    """Whether 谢谢X is "thanks. X, …": the host thanks the panelist who spoke and asks X a question.

    It is when someone else was answering and the host goes straight on to ask
    X (谢谢大海。咱们在端侧…吗) and X answers.
    """
    if current.speaker in (cast.host, cue.name, None):
        return False
    following = [clause for _, clause in _clauses(text[cue.end : cue.end + 40]) if clause.strip(_FILLERS)]
    turning = bool(following) and bool(_HOSTY.match(following[0].lstrip(_FILLERS)))
    return turning and _answer_start(text, cue.end, limit, cues) is not None


def _hand_over(
    text: str,
    turns: list[_Turn],
    cue: _Cue,
    cues: list[_Cue],
    cast: _Cast,
    limit: int,
    host_from: tuple[int, bool],
) -> None:
    """The host's question from where it began, then the addressed panelist's answer."""
    position, marked = host_from
    current = turns[-1]
    if current.speaker == cast.host:
        current.closing = (cue.start, cue.score)
    else:
        opening = (position, MARKER_SCORE) if marked else None
        _start(turns, _Turn(position, cast.host, "host_question", opening, (cue.start, cue.score), marked))
    answer = _answer_start(text, cue.end, limit, cues)
    start, method = answer if answer else (_after_name(text, cue.end), "addressed")
    round_ = bool(_ROUND.search(text[cue.end : cue.end + 20]))
    _start(turns, _Turn(start, cue.name, method, opening=(cue.start, cue.score), opens_round=round_))


def _host_start(text: str, cue: _Cue, cues: list[_Cue], current: _Turn) -> tuple[int, bool]:
    """Where the host began the question that ends in this hand-over, and whether a visible sign marks it.

    The host starts at an end-of-answer sign (谢谢, 我就说这么多), a question phrase
    (追问, 请教) or a 好 before the name, whichever comes first after the current
    answer began; without any, at the clause holding the name.
    """
    clause_start = _clause_start(text, cue.start)
    low = max(current.start + (current.speaker is not None), clause_start - HOST_LOOKBACK)
    signs = [c.end if c.kind == "end" else c.start for c in cues if c.kind in ("end", "group_thanks")]
    signs += [_clause_start(text, m.start()) for m in _HOST_PHRASE.finditer(text, low, clause_start)]
    lead = re.search(r"好[\s，、。啊呃嗯]*.?$", text[low : cue.start])  # .?: 好小小川
    if lead:
        signs.append(low + lead.start())
    signs = [sign for sign in signs if low <= sign <= clause_start]
    return (min(signs), True) if signs else (clause_start, False)


def _answer_start(text: str, position: int, limit: int, cues: list[_Cue]) -> tuple[int, str] | None:
    """Where the addressed panelist starts answering, and how we know: (position, method).

    Right after the name when an answer word follows it (志玲对，我觉得). Else the
    host asks on (您…, 所以…, …吗) until a clause that opens like an answer (对,
    我觉得, 首先) or, after a question, any clause that is not the host going on;
    an answer word followed by more of the host's question (对对是skin law啊，您觉得…吗)
    is only an interjection. The panelist thanking the host starts the answer too.
    """
    window_end = min(limit, position + ANSWER_WINDOW)
    thanks_host = [c.start for c in cues if c.kind == "thanks_host" and position <= c.start < limit]
    if thanks_host and thanks_host[0] < window_end:
        return thanks_host[0], "thanks_host"  # 谢谢主持人的问题: the answer surely starts here, not earlier
    clauses = _clauses(text[position:window_end], position)
    asked = False
    for index, (start, clause) in enumerate(clauses):
        words = clause.lstrip(_FILLERS)
        if not words:
            continue
        question = bool(_QUESTION.search(words))
        if (index == 0 and not _OPENER.match(words)) or _HOSTY.match(words) or question:
            asked = asked or question
            continue
        if (_OPENER.match(words) or asked) and not _interjection(clauses[index + 1 : index + 2]):
            return start, "addressed"
    return (thanks_host[0], "thanks_host") if thanks_host else None


def _interjection(following: list[tuple[int, str]]) -> bool:
    """Whether the host asks on right after a would-be answer."""
    return (
        bool(following)
        and bool(_HOSTY.match(following[0][1].lstrip(_FILLERS)))
        and bool(_QUESTION.search(following[0][1]))
    )


def _after_name(text: str, position: int) -> int:
    """The first word after a name, its title and the pause after it."""
    match = re.match(r"[\s，,。啊呃嗯哈呀]*", text[position:])
    return position + (match.end() if match else 0)


def _close(text: str, turns: list[_Turn], cue: _Cue, cast: _Cast) -> None:
    """The host thanks a panelist by name: the answer that just ended was theirs.

    When the timeline has someone else speaking there, the panelist's answer
    began unannounced: we look for where a question of the host ended (the last
    one before the thanks) and give the rest to the panelist.
    """
    while len(turns) > 1 and turns[-1].speaker is None and _said(text[turns[-1].start : cue.start]) < MIN_PART:
        turns.pop()  # 我就补充这么一点，好 谢谢宋永博士: nobody spoke after the sign that the answer ended
    current = turns[-1]
    if current.speaker == cue.name:
        current.closing = (cue.start, cue.score)
    elif current.speaker is None and current.not_speaker != cue.name:
        current.speaker, current.method, current.closing = cue.name, "continuation", (cue.start, cue.score)
    else:
        host_speaking = current.speaker in (cast.host, None)  # None here: someone spoke of them, the host likely
        answer, asked_from = _hidden_answer(text, current.start, cue.start, host_speaking)
        if answer is None:
            current.marked_end = False
            return
        if current.speaker != cast.host:
            _start(
                turns, _Turn(asked_from, cast.host, "host_question", closing=(answer, MARKER_SCORE), marked_start=False)
            )
        _start(turns, _Turn(answer, cue.name, "continuation", closing=(cue.start, cue.score)))


def _hidden_answer(text: str, start: int, end: int, host_speaking: bool) -> tuple[int | None, int]:
    """The last place in text[start:end] where a question ends and an answer begins, and where that question began.

    Inside a panelist's turn only a question that speaks to someone (您, 咱们,
    我不知道…) counts, since panelists ask themselves rhetorical questions.
    """
    clauses = _clauses(text[start:end], start)
    found: tuple[int | None, int] = (None, start)
    for index in range(1, len(clauses)):
        words = clauses[index][1].lstrip(_FILLERS)
        asked = clauses[index - 1][1]
        if not words or _HOSTY.match(words) or _QUESTION.search(words) or not _QUESTION.search(asked):
            continue
        run = index - 1
        while run > 0 and _asking(clauses[run - 1][1]):
            run -= 1
        if host_speaking or any(_ASKING.search(clause) for _, clause in clauses[max(0, run - 1) : index]):
            found = (clauses[index][0], clauses[run][0])
    return found


def _complete_rounds(text: str, turns: list[_Turn], cast: _Cast) -> None:
    """Use the order of a round: when the host asks everyone, each panelist answers once.

    A round (the answers between two questions of the host) with as many answers
    as there are panelists, every known speaker different and one answer unknown,
    gives that answer to the panelist not yet heard. In such a complete round no
    speaker change can hide inside an answer, so every answer keeps its speaker
    with little doubt.
    """
    for answers in _rounds(text, turns, cast.host):
        known = [turn.speaker for turn in answers if turn.speaker is not None]
        missing = set(cast.guests) - set(known)
        if len(answers) != len(cast.guests) or len(set(known)) != len(known) or len(missing) > 1:
            continue
        for turn in answers:
            turn.marked_start = turn.marked_end = True
            if turn.speaker is None:
                turn.speaker, turn.method = missing.pop(), "round_order"
                turn.opening, turn.closing = (turn.start, ROUND_SCORE), (turn.end - 1, ROUND_SCORE)


def _rounds(text: str, turns: list[_Turn], host: str) -> list[list[_Turn]]:
    """The answers between the host's questions; a few words of the host (好，赵健博士) do not end a round."""
    rounds: list[list[_Turn]] = [[]]
    for turn in turns:
        said = _said(text[turn.start : turn.end])
        if turn.speaker == host and said >= ROUND_BREAK:
            rounds.append([])
        elif turn.speaker != host and said >= MIN_PART:
            rounds[-1].append(turn)
    return [answers for answers in rounds if answers]


def _said(text: str) -> int:
    """How many characters of speech (not punctuation or spaces) text holds."""
    return len(_COUNTED.findall(text))


def _asking(clause: str) -> bool:
    """Whether a clause sounds like the host asking: 您…, 所以…, a question, or words to someone (咱们)."""
    return bool(_HOSTY.match(clause.lstrip(_FILLERS)) or _QUESTION.search(clause) or _ASKING.search(clause))


def _clauses(text: str, offset: int = 0) -> list[tuple[int, str]]:
    """(start, clause) for the stretches of text between punctuation and pauses."""
    found, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        if match.start() > start:
            found.append((offset + start, text[start : match.start()]))
        start = match.end()
    if start < len(text):
        found.append((offset + start, text[start:]))
    return found


def _clause_start(text: str, position: int) -> int:
    """Start of the clause that holds position (pauses do not break clauses here)."""
    return max(text.rfind(mark, 0, position) for mark in _PUNCTUATION_MARKS) + 1  # 0 when there is none


# --- paragraphs --------------------------------------------------------------------------------


def _attribute(text: str, starts: list[int], index: int, turns: list[_Turn]) -> tuple[Attribution, int | None]:
    """The speaker who says most of the paragraph if the evidence for them is strong enough, and their turn.

    The method is the one that found the turn; the caller says "continuation"
    for the turn's later paragraphs.
    """
    low, high = starts[index], starts[index + 1]
    overlaps = ((number, max(low, turn.start), min(high, turn.end)) for number, turn in enumerate(turns))
    parts = {number: count for number, start, end in overlaps if start < end and (count := _said(text[start:end]))}
    if not parts:
        return Attribution(None, None, 0.0), None
    said: Counter[str | None] = Counter()
    for number, count in parts.items():
        said[turns[number].speaker] += count
    inside = len(said) > 1 and sum(1 for count in parts.values() if count >= MIN_PART) > 1
    speaker, count = said.most_common(1)[0]
    if speaker is None:
        return Attribution(None, None, 0.0, inside), None
    number = max((n for n in parts if turns[n].speaker == speaker), key=parts.__getitem__)
    confidence = round(_confidence(turns[number], starts, index) * _share_factor(count / sum(parts.values())), 3)
    if confidence < THRESHOLD:
        return Attribution(None, None, confidence, inside), None
    return Attribution(speaker, turns[number].method, confidence, inside), number


def _confidence(turn: _Turn, starts: list[int], index: int) -> float:
    """The strength of the cues that name the speaker, fading with each paragraph away from them.

    A cue at one end fades slowly when the other end of the turn is visible or
    confirmed, fast when it is a guess.
    """
    found = 0.0
    if turn.opening:
        position, score = turn.opening
        decay = SLOW_DECAY if turn.marked_end or turn.closing else FAST_DECAY
        found = score * decay ** abs(index - _paragraph(starts, position))
    if turn.closing:
        position, score = turn.closing
        decay = SLOW_DECAY if turn.marked_start or turn.opening else FAST_DECAY
        found = max(found, score * decay ** abs(_paragraph(starts, position) - index))
    if turn.method == "host_question" and turn.start > 0:
        cues = [cue[0] for cue in (turn.opening, turn.closing) if cue is not None] or [turn.start]
        if min(abs(index - _paragraph(starts, position)) for position in cues) > HOST_TURN_REACH:
            return 0.0
    return found


def _share_factor(share: float) -> float:
    """1 for a paragraph mostly said by one speaker, falling to 0.5 for an even split."""
    return 0.5 + 0.5 * min(1.0, max(0.0, (share - 0.5) / 0.25))


def _paragraph(starts: list[int], position: int) -> int:
    """Index of the paragraph holding a character position."""
    return max(0, min(bisect_right(starts, position) - 1, len(starts) - 2))
