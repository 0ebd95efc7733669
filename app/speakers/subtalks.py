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

from rapidfuzz import fuzz

from app.lexicon import AFFILIATION_WORDS, HAN, OFFICE_TITLES, PANEL_CUE, PERSON_TITLES, THANKS_FOR_TALK
from app.people import looks_like_person
from app.sounds import sounds_like
from app.text import is_ordinary_word, is_person_name_word, tagged_words, word_bounds

INVITATION = re.compile(
    r"(?:有请|请出|请上|欢迎(?!大家|各位|您)|话筒交给"
    # and the English hand-overs of an English-speaking host
    r"|(?i:(?:pleasure|honou?r|privilege) (?:to|of) (?:introduc|welcom)(?:e|ing)"
    r"|please (?:join me in )?welcom(?:e|ing)|let(?:'|’)?s (?:all )?welcome"
    r"|(?:next|first|final) speaker (?:is|will be)|take it away|the (?:floor|stage) is yours))"
)
# 为大家介绍/带来…: an invitation, but also said of a video or a product.
WEAK_INVITATION = re.compile(r"为(?:大家|我们)(?:介绍|带来|分享|做)")
APPLAUSE = re.compile(r"掌声")
# Words of the programme that a hand-over names: what the invited speaker will give.
PROGRAMME = re.compile(
    r"主旨演讲|主题演讲|演讲|报告|分享|致辞|发布|带来|上台|登台|主持|对话|圆桌|(?i:\b(?:talk|keynote|lecture|presentation)\b)"
)
# The first words from the stage: the voice really changes here.
GREETING = re.compile(
    r"^.{0,16}?(?:尊敬的|各位(?:领导|嘉宾|来宾|专家|老师|同学|朋友)|大家(?:上午|下午|晚上)?好|谢谢主持人|感谢主持人"
    r"|谢谢.{1,4}的介绍|thank|hello|good (?:morning|afternoon)|can you hear|我叫|我是)",
    re.IGNORECASE,
)
VIDEO = re.compile(
    r"(?:下面|接下来|让我们|首先|我们)[^。]{0,8}(?:看|观看|播放|通过)(?:一段|一个|一下)?(?:视频|短片|大屏幕)"
)
# A launch on stage (有请…两位领导共同上台发布…): people gather for a ceremony rather than one speaker's talk.
CEREMONY = re.compile(r"发布|启动|仪式|揭牌|签约|签署|授牌")
GATHERING = re.compile(r"共同|一起|两位|几位|代表|领导们")
HOST_HANDOVER = re.compile(r"主持人")
TITLES = re.compile("|".join(OFFICE_TITLES + PERSON_TITLES) + r"|\b(?:Professor|Prof|Dr)\b")  # 总裁 before 总
TOPIC_IN_BOOK_QUOTES = re.compile(r"《([^》]{2,40})》")
TOPIC_AFTER_BRINGS = re.compile(
    r"(?:带来|分享|介绍)(?:的是)?(.{2,40}?)(?:的)?(?:主旨演讲|主题演讲|演讲|报告|分享|。|，|$)"
)
# A title says what a talk is about, never who is speaking to whom: words about the stage and its
# people (我今天也很高兴…, 让我们用热烈的掌声, 之前的嘉宾我们也谈过) are the host's or speaker's talk.
NOT_A_TITLE = re.compile(r"我|你|咱|大家|他们|掌声|嘉宾|刚才|听完|听了|感谢|谢谢|不敢当")
# Words of speech before a title, and its fillers (就是大模型的这个安全…, 题目是使用大模型…啊).
TITLE_LEAD = re.compile(r"^(?:一下|了|的|是|呃|啊|我们|今天的|就是|这个|那个|题目是|题目叫|主题是|关于)+")
SPOKEN_FILLERS = re.compile(r"呃|嗯|(?<=的)这个")
SENTENCE_END = re.compile(r"[。！？!?]")
MIN_SCORE = 4
MIN_GAP = 3  # hand-over cues closer than this are one hand-over
THANKED = ("谢谢", "感谢")
PANEL_LISTING = 3  # people named with titles in one hand-over: a panel comes on stage, not one speaker
PANEL_SETTLE = 12  # segments after a panel starts in which the host invites its panelists, not new talks


@dataclass(frozen=True)
class SubTalk:
    start: int  # segment number where the new part begins (1-based)
    kind: str  # opening, talk, video, ceremony
    speaker: str | None
    affiliation: str | None
    topic: str | None
    cue: str  # the words of the hand-over, for display and for checking
    confidence: float
    guests: tuple[str, ...] = ()  # a panel's panelists as the host introduced them


@dataclass(frozen=True)
class _Handover:
    paragraph: int  # index of the paragraph holding the hand-over
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
        return _Handover(index, index + 2, MIN_SCORE, False, text[video.start() :], "video")
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
        ceremony = bool(CEREMONY.search(clause) and GATHERING.search(clause))
        score += ceremony
        if best is None or score > best.score:
            kind = "ceremony" if ceremony else "talk"
            best = _Handover(index, index + 1 if inside else index + 2, score, inside, clause, kind, greeted)
    return best


# A lookahead, so that overlapping candidates are all tried: 嘉宾张鹏老师 → 宾张鹏?, 张鹏 ✓
NAME_BEFORE_TITLE = re.compile(
    f"(?=([{HAN}]{{2,3}}?)({'|'.join(t for t in OFFICE_TITLES + PERSON_TITLES if len(t) > 1)}))"
)
# Titles after which three Han characters are a name even when we do not list the surname (妙义书先生).
FORMAL_TITLES = frozenset({"先生", "女士", "教授", "博士", "院士"})
LATIN_NAME_BEFORE_TITLE = re.compile(r"([A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+){0,3})\s*(?:教授|博士|先生|女士|老师)")
# A capitalised word that starts a sentence more often than a name (So Xavier, take it away).
_NOT_A_NAME = r"(?!(?:So|And|Now|Please|Well|Okay|OK|All|Thank|Thanks|Yes|Then|But|Our|The|Today)\b)"
_LATIN_NAME = rf"{_NOT_A_NAME}([A-Z][a-zà-ÿ'-]+(?: {_NOT_A_NAME}[A-Z][A-Za-zà-ÿ'-]+)?)"  # given name, family name
# introduce Professor Xavier Bresson / welcome our next speaker, Dr. Ann Lee: the one invited.
LATIN_NAME_AFTER_INVITATION = re.compile(
    r"(?i:introduce|welcome|welcoming|speaker (?:is|will be))[\s,，]+"
    r"(?:(?i:our|the) (?:\w+ ){0,2}?(?i:speaker)[\s,，]+)?"
    rf"(?:(?:Professor|Prof\.?|Dr\.?|Mr\.?|Ms\.?|Mrs\.?)\s+)?{_LATIN_NAME}"
)
# How alike a given name said at the hand-over and the one introduced must be (Zavier, Xavier: 83).
GIVEN_NAME_SIMILARITY = 75
# Xavier, take it away: the one handed the floor, named just before the hand-over.
LATIN_NAME_BEFORE_HANDOFF = re.compile(rf"{_LATIN_NAME}[\s,，]+(?i:take it away|the (?:floor|stage) is yours)")
ENGLISH_HANDOVER_NAMES = (LATIN_NAME_AFTER_INVITATION, LATIN_NAME_BEFORE_HANDOFF)
# A name said right after its bearer's office, before the hand-over goes on (总经理王维强带来…).
TITLE_BEFORE_NAME = re.compile(
    f"(?:{'|'.join(OFFICE_TITLES)}|负责人|创始人|合伙人|院长|主任|教授|研究员)([{HAN}]{{2,3}}?)"
    r"(?=(带来|为我们|为大家|给我们|给大家|上台|发表|分享|做|先生|女士|[，。,]|$))"
)
# Words between an office and 带来 that are no name (负责人为我们带来).
PRONOUNS = re.compile("我们|大家|您")
# Characters that start a phrase far more often than a name (这个顾总 is no 这个顾).
NOT_NAME_START = frozenset("这那的是和与在对请由有给让被把也都就")
SURNAME_AND_TITLE = re.compile(f"([{HAN}])(?:{'|'.join(PERSON_TITLES)})")
# 由…乐园老师主持 / 主持人是…江金玲女士: who moderates a panel the host announces.
MODERATOR = re.compile(r"由(?:来自)?([^，。]{2,40}?)(?:来|进行)?主持|主持人(?:是|为)([^。]{2,40})")
INTRO_PARAGRAPHS = 3  # paragraphs before a hand-over in which the host may introduce the speaker
# Characters after an invitation by surname and title (有请黄老师…) in which the host may say the
# full name once more (…有请清华大学教授黄明烈老师).
REPEAT_REACH = 80


def _plausible_name(word: str, title: str | None = None) -> bool:
    """A person's name as heard: shaped like one, not a common word (谢谢, 顾问), not 张老师 or 应用部."""
    if (
        re.search(r"(?:老师|总|博士|部|院|所|局|司|室|会|组|系|中心)$", word)
        or word[0] in NOT_NAME_START
        or word.startswith(THANKED)  # 谢谢黄老师 names 黄, not 谢谢黄
    ):
        return False
    listed = looks_like_person(word)
    if not listed and not (title in FORMAL_TITLES and re.fullmatch(f"[{HAN}]{{3}}", word)):
        return False
    return not is_ordinary_word(word) or is_person_name_word(word)  # 李明, 韩寒


def _name_candidates(text: str) -> list[tuple[int, str, int]]:
    """(position, name, strength) of each person named in a host's words, in order of position.

    Strength 2: a name next to a title (周博文主任, 总经理王维强) whose ends fall on word
    boundaries (not 高级副 in 高级副总裁); 1: only jieba's person-name tag.
    """
    tagged, position, bounds = [], 0, {0}
    for word, flag in tagged_words(text):
        if flag == "nr" and _plausible_name(word):
            tagged.append((position, word))
        position += len(word)
        bounds.add(position)
    found = {start: (name, 1) for start, name in tagged}
    found.update((start, (name, 2)) for start, name in _titled(text, bounds).items())
    return [(start, name, strength) for start, (name, strength) in sorted(found.items())]


def _titled_names(text: str) -> list[tuple[int, str, int]]:
    """The candidates of strength 2 only, as _name_candidates gives them, tagging only the stretches
    of text where a name stands before a title: tagging is most of what speaker detection costs."""
    ends = [end for match in NAME_BEFORE_TITLE.finditer(text) for end in (match.start(1), match.end(1))]
    return [(start, name, 2) for start, name in sorted(_titled(text, word_bounds(text, ends)).items())]


def _titled(text: str, bounds: set[int]) -> dict[int, str]:
    """position → name of each person named with a title; `bounds` holds the word boundaries (at least
    those at the ends of each name before a title)."""
    found = {}
    for match in NAME_BEFORE_TITLE.finditer(text):
        start, name, title = match.start(1), match.group(1), match.group(2)
        if start in bounds and start + len(name) in bounds and _plausible_name(name, title):
            found[start] = name
    for match in TITLE_BEFORE_NAME.finditer(text):
        name, after = match.group(1), match.group(2)
        # between an office and 先生/女士 (CEO空介先生) or 带来 (负责人钱程带来) it is a name even when we do not
        # list the surname, or when the recogniser misheard it as a word (前程)
        placed = after in FORMAL_TITLES or (after == "带来" and not PRONOUNS.search(name))
        if (looks_like_person(name) or placed) and name[0] not in NOT_NAME_START:
            found[match.start(1)] = name  # after an office it may be a famous name jieba knows well (韩寒)
    for start, name, _ in _latin_names(text, (LATIN_NAME_BEFORE_TITLE, *ENGLISH_HANDOVER_NAMES)):
        found[start] = name
    return found


def _latin_names(text: str, patterns: tuple[re.Pattern[str], ...]) -> list[tuple[int, str, int]]:
    """(position, name, strength 2) of each Latin name that one of the patterns finds in its place."""
    return [(match.start(1), match.group(1), 2) for pattern in patterns for match in pattern.finditer(text)]


def fuller_latin_name(name: str, introduction: str) -> str:
    """The full name the host introduced (Xavier Bresson) for a given name said at the hand-over (Zavier)."""
    if " " in name or not name.isascii():
        return name
    for match in LATIN_NAME_AFTER_INVITATION.finditer(introduction):
        full = match.group(1)
        if " " in full and fuzz.ratio(full.split()[0].lower(), name.lower()) >= GIVEN_NAME_SIMILARITY:
            return full
    return name


# The host's words before the affiliation in a hand-over: up to the last of them, they are not part of it
# (接下来我们将邀请到的是…, 第一位演讲嘉宾是…, 下面我们请这个…, 今天我们也很高兴的邀请到…).
AFFILIATION_LEAD = re.compile(
    r"^.*(?:邀请到?(?:的是)?|请到(?:的是)?|(?:下面|接下来)[呢我们就将]*请|嘉宾(?:就)?是|演讲(?:就)?是|(?:就|的)是|欢迎)"
)


def _affiliation_before(text: str, start: int) -> str | None:
    """Where the person introduced comes from: the last clause before the name, without the host's lead-in,
    when it names a role or an organisation (AFFILIATION_WORDS)."""
    last_clause = INVITATION.split(re.split(r"[，,。]", text[:start])[-1])[-1]  # not 接下来让我们有请…
    affiliation = AFFILIATION_LEAD.sub("", last_clause)
    affiliation = re.sub(r"^(?:也是|我们|这个|的|是|呃|啊|有请|来自)+", "", affiliation).strip("。、 的🎼")
    return affiliation if len(affiliation) >= 4 and AFFILIATION_WORDS.search(affiliation) else None


def _speaker_in(intro: str, clause: str, then: str = "") -> tuple[str | None, str | None]:
    """(name, affiliation) of the person a hand-over gives the floor to.

    The invitation itself names them (有请上海人工智能实验室青年科学家白磊博士 → 白磊), or
    the host introduced them just before (第一位演讲嘉宾是一汽的刘斌先生…大家掌声欢迎);
    a panel's speaker is its moderator (由倚天资本的乐园老师主持). An invitation by surname and
    title only (有请黄老师) takes the full name of that surname from the host's next words (then).
    """
    if PANEL_CUE.search(clause) or PANEL_CUE.search(intro):
        for match in MODERATOR.finditer(intro + clause):
            said = match.group(1) or match.group(2)
            named = _name_candidates(said)
            if named:
                start, name, _ = named[-1]
                return name, _affiliation_before(said, start)
            bare = re.search(f"([{HAN}]{{2,3}})(?:老师|女士|先生|博士|教授)", said.split("的")[-1])
            if bare:
                return bare.group(1), _affiliation_before(said, said.rfind(bare.group(1)))
        if PANEL_CUE.search(clause) and len(_name_candidates(clause)) >= 2:
            return None, None  # a list of panelists without a moderator: the first of them does not host it
    before, *rest = INVITATION.split(clause, maxsplit=1)
    after = rest[-1] if rest else before
    named = _name_candidates(after) or _latin_names(clause, ENGLISH_HANDOVER_NAMES)  # the English hand-over's words
    if named:
        start, name, _ = max(named, key=lambda candidate: (candidate[2], -candidate[0]))
        return name, _affiliation_before(after, start)
    # The speaker just thanked is the one whose talk ended (谢谢杨总的精彩报告, 感谢陈超，接下来…).
    # The host's words up to the invitation, the same sentence's included (…负责人钱程带来主题演讲，有请).
    spoken = intro + before
    thanked = list(THANKS_FOR_TALK.finditer(spoken))
    introduction = spoken[thanked[-1].end() :] if thanked else spoken
    named = [c for c in _name_candidates(introduction) if introduction[max(0, c[0] - 2) : c[0]] not in THANKED]
    # When the invitation calls them by surname and title (顾维灏博士 … 有请顾博士), it is the one of that
    # surname, and nobody when no one introduced has it.
    called = {match.group(1) for match in SURNAME_AND_TITLE.finditer(clause)}
    if called:
        named = [candidate for candidate in named if candidate[1][0] in called]
        if not named:
            named = [c for c in _titled_names(then[:REPEAT_REACH]) if c[1][0] in called]
            if named:
                return named[0][1], _affiliation_before(then, named[0][0])
    if not named:
        return None, None
    # Otherwise the one named with a title, called again by surname and title (刘总), introduced last.
    later = introduction + clause

    def evidence(candidate: tuple[int, str, int]) -> tuple[int, int, int]:
        start, name, strength = candidate
        recalled = sum(1 for m in SURNAME_AND_TITLE.finditer(later, start + len(name)) if m.group(1) == name[0])
        return strength, recalled, start

    start, name, _ = max(named, key=evidence)
    return name, _affiliation_before(introduction, start)


def _introduction(paragraphs: list[str], cue: _Handover, previous: _Handover | None) -> str:
    """The host's words before a hand-over's invitation, back to the previous speaker's start at most."""
    first = max(cue.paragraph - INTRO_PARAGRAPHS, previous.segment if previous else 0)
    before = paragraphs[first : cue.paragraph]
    own = paragraphs[cue.paragraph]
    return "".join([*before, own[: max(0, own.find(cue.clause))]])


def _panelists(intro: str, paragraphs: list[str], cue: _Handover, moderator: str | None) -> tuple[str, ...]:
    """The panelists a panel's hand-over lists (嘉宾分别是…朱江先生，…刘子伟先生), named with a title.

    Not the moderator, nor a name that sounds like the moderator's (魏凯 before 主持人魏改教授).
    """
    text = intro + "".join(paragraphs[cue.paragraph : cue.segment + 1])
    names = [
        name
        for _, name, _ in _titled_names(text)
        if not (moderator and (name == moderator or sounds_like(name, moderator)))
    ]
    names = list(dict.fromkeys(names))
    return tuple(name for name in names if not any(other != name and other.endswith(name) for other in names))


def _topic_in(text: str) -> str | None:
    """A talk title in book quotes, or what the speaker "brings": 为我们带来《…》/带来…的主旨演讲."""
    quoted = TOPIC_IN_BOOK_QUOTES.search(text)
    if quoted:
        return quoted.group(1)
    brought = TOPIC_AFTER_BRINGS.search(text)
    if brought:
        topic = SPOKEN_FILLERS.sub("", TITLE_LEAD.sub("", brought.group(1))).strip("，。 啊呢吧")
        if len(topic) >= 4 and not TITLES.search(topic) and not NOT_A_TITLE.search(topic):
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
        # a speaker greeting the room right after a ceremony is a talk of its own
        after_ceremony = previous is not None and previous.kind == "ceremony" and cue.kind == "talk" and cue.greeted
        if previous and cue.segment - previous.segment < MIN_GAP and not after_ceremony:
            if (cue.greeted, cue.score) > (previous.greeted, previous.score):
                chosen[-1] = cue
            continue
        if previous and PANEL_CUE.search(previous.clause) and cue.segment - previous.segment < PANEL_SETTLE:
            continue
        chosen.append(cue)
    chapters = [SubTalk(1, "opening", None, None, None, paragraphs[0][:60], 1.0)]
    for previous, cue in zip([None, *chosen], chosen, strict=False):
        if cue.segment <= 1 or cue.segment > len(paragraphs):
            continue
        intro = _introduction(paragraphs, cue, previous)
        then = paragraphs[cue.paragraph].partition(cue.clause)[2]
        speaker, affiliation = _speaker_in(intro, cue.clause, then) if cue.kind == "talk" else (None, None)
        listed = _panelists(intro, paragraphs, cue, speaker)
        # a hand-over that lists several people with their titles brings a panel on stage (大咖说的嘉宾…)
        guests = listed if PANEL_CUE.search(intro + cue.clause) or len(listed) >= PANEL_LISTING else ()
        start_text = paragraphs[cue.segment - 1]
        topic = _topic_in(cue.clause) or _topic_in(start_text[:120])
        confidence = round(min(0.95, 0.4 + 0.08 * cue.score), 2)
        chapters.append(
            SubTalk(cue.segment, cue.kind, speaker, affiliation, topic, cue.clause.strip(), confidence, guests)
        )
    return chapters
