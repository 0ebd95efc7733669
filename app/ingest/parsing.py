"""Transcript files → talks, headings → metadata, paragraphs → segments.

Pure functions only: no I/O, no database. The grammar follows the real files
(see README, "Transcript format"): a `# ` heading per talk, then blank-line
separated paragraphs, with `![](url)` lines for slides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.config import MAX_HEADING_CHARS, MAX_PARAGRAPH_CHARS
from app.lexicon import HAN
from app.people import Person, looks_like_person, normalize_name
from app.text import common_word_frequency

# A paragraph longer than MAX_PARAGRAPH_CHARS is cut into segments of at most this many characters:
# about the longest paragraphs of real transcripts (median 93, 99th percentile 143 in the bundled files).
SPLIT_SEGMENT_CHARS = 200
_SENTENCE_BREAK = re.compile(r"(?<=[。！？!?；;…])|(?<=[.] )")  # after a sentence's end, keeping it
_CLAUSE_BREAK = re.compile(r"(?<=[，,、：:])|(?<= )")

# Roles as they are written in headings, mapped to the role names we store.
ROLE_WORDS: dict[str, str] = {
    "主持人": "host",
    "主持": "host",
    "对话嘉宾": "guest",
    "嘉宾": "guest",
    "圆桌嘉宾": "guest",
    "主讲": "speaker",
    "主讲嘉宾": "speaker",
    "主讲人": "speaker",
    "演讲嘉宾": "speaker",
    "报告人": "speaker",
    "提问嘉宾": "questioner",
    "主旨演讲": "keynote",
    "主旨演讲嘉宾": "keynote",
}

# Words that name a session or a talk format rather than a title or a person.
# They label what follows them (`主题报告：多模态大模型`); alone they are the title.
SESSION_WORDS = frozenset(
    {
        "主题报告",
        "主题讨论",
        "主题演讲",
        "特邀报告",
        "专题报告",
        "报告",
        "演讲",
        "致辞",
        "开幕致辞",
        "圆桌讨论",
        "圆桌对话",
        "圆桌论坛",
        "尖峰对话",
        "高峰对话",
        "巅峰对话",
        "对话",
        "炉边对话",
        "fireside chat",
        "panel",
        "panel discussion",
        "keynote",
    }
)
_SESSION_PATTERN = re.compile(r"^(环节|第.{1,3}环节|session\s*|part\s*)\s*\d*$", re.IGNORECASE)

_ROLE_ALTERNATION = "|".join(sorted(ROLE_WORDS, key=len, reverse=True))  # longest first: 主讲嘉宾 before 主讲
_SHORT_HAN = re.compile(f"^[{HAN}]{{2,3}}$")
_BVID = re.compile(r"^BV[0-9A-Za-z]{10}$")
# A YouTube id: eleven URL-safe characters, with a digit, `-` or `_` so that a word is none.
_YOUTUBE_ID = re.compile(r"^(?=[\w-]*[\d_-])[A-Za-z0-9_-]{11}$")
# A Bilibili id glued to the end of a title, as video downloaders write it: `… -BV1k9pAzpE8S_p3-`.
_GLUED_BVID = re.compile(r"\s*-?(BV[0-9A-Za-z]{10})(?:_[pP](\d+))?-?\s*$")
_PART = re.compile(r"^[Pp](\d+)\s*(?:(?:[：:]|(?<=\s)-\s)\s*(.*))?$", re.DOTALL)
# `Conference 2024 p03 P03_Closing_Remarks`: a part number inside the text, the title after it.
_INLINE_PART = re.compile(r"^(.*?)\s+[Pp](\d{1,3})\s+(?:[Pp]\d{1,3}[_\s]+)?(.+)$", re.DOTALL)
_DATE_PREFIX = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})(?:-|\s|：|$)\s*(.*)$", re.DOTALL)
_TRAILING_PARENS = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")
_IMAGE_LINE = re.compile(r"^!\[[^\]]*\]\(\s*(\S+?)\s*\)$")
_HEADING_LINE = re.compile(r"^#[ \t]+(.*)$")
_LINE_END = re.compile(r"\r\n|\r|\n")  # as editors count lines; str.splitlines also breaks on \x0c, \u2028 …


@dataclass
class Heading:
    raw: str
    event: str | None = None
    forum: str | None = None
    part: int | None = None
    title: str = ""
    session: str | None = None  # session labels around the title, e.g. 主题讨论：通用人工智能 › 环节3
    people: list[Person] = field(default_factory=list)
    uploader: str | None = None
    video_id: str | None = None
    date: date | None = None


@dataclass
class SlideLine:
    url: str
    after_segment: int  # number of text segments before this slide (0 = before the first)


@dataclass
class ParsedTalk:
    heading: Heading
    line: int  # 1-based line of the heading in its file
    paragraphs: list[str]
    slides: list[SlideLine]


class TranscriptError(ValueError):
    """A file that cannot be read as a transcript: why, and on which line when one line is to blame."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {reason}" if line else reason)
        self.reason = reason
        self.line = line


def line_at(text: str, index: int) -> int:
    """The 1-based line number of `text[index]`."""
    return len(_LINE_END.findall(text, 0, index)) + 1


def _heading_person(token: str) -> bool:
    """A heading token that names a person rather than a role or a session (高峰对话 is no 高 …)."""
    return token.lower() not in SESSION_WORDS and token not in ROLE_WORDS and looks_like_person(token)


def _unlisted_name(token: str) -> bool:
    """A name whose surname is not in our list (东昱晓): two or three Han characters that are no word jieba knows."""
    name = normalize_name(token)
    return bool(_SHORT_HAN.match(name)) and common_word_frequency(name) == 0 and not _is_session_word(name)


def _is_session_word(token: str) -> bool:
    return token.lower() in SESSION_WORDS or bool(_SESSION_PATTERN.match(token))


def _split_talk_block(block: str) -> list[str]:
    """Split on `-` (not inside a word like GPT-4), `;`, `：` (not an English title's `： `) and `、` before a role."""
    pieces = re.split(
        rf"(?<![A-Za-z0-9])-|-(?![A-Za-z0-9])|;|；|：(?!\s)|\s*、\s*(?=(?:{_ROLE_ALTERNATION})(?:[：:\-]|$))", block
    )
    return [p.strip() for p in pieces if p and p.strip()]


def _parse_talk_block(block: str, heading: Heading) -> None:
    """Fill title, session and people from the part after `P7：`."""
    role: str | None = None
    labels: list[list[str]] = []  # [label, value or ""]
    title_pieces: list[str] = []  # a title the separators cut apart (八卦炉-面向…软件) is joined again
    seen_content = False
    previous_role_word: str | None = None
    tokens = _split_talk_block(block)
    for index, token in enumerate(tokens):
        if token in ROLE_WORDS or (previous_role_word and previous_role_word + token in ROLE_WORDS):
            joined = (previous_role_word or "") + token  # 主讲-嘉宾 is one role, 主讲嘉宾
            role = ROLE_WORDS.get(joined, ROLE_WORDS.get(token))
            previous_role_word = token
            continue
        previous_role_word = None
        if _is_session_word(token):
            labels.append([token, ""])
            seen_content = True
            continue
        last_after_title = index == len(tokens) - 1 and bool(title_pieces) and not labels
        if (_heading_person(token) and (role is not None or seen_content)) or (
            (role is not None or last_after_title) and _unlisted_name(token)
        ):
            person = Person(normalize_name(token), role or "speaker")
            if person not in heading.people:
                heading.people.append(person)
            continue
        if labels and not labels[-1][1]:
            labels[-1][1] = token
        else:
            title_pieces.append(token)
        seen_content = True
    plain_title = "-".join(title_pieces) or None
    title_label = None
    if labels and labels[-1][1]:
        heading.title, title_label = labels[-1][1], len(labels) - 1
    elif plain_title:
        heading.title = plain_title
    elif labels:
        heading.title, title_label = labels[-1][0], len(labels) - 1
    path = [f"{label}：{value}" if value and i != title_label else label for i, (label, value) in enumerate(labels)]
    if title_label is not None and heading.title == labels[title_label][0]:
        path.pop()
    heading.session = " › ".join(path) or None
    heading.title = re.sub(r"：\s", ": ", heading.title).strip()


def _take_video_id(fields: list[str], heading: Heading) -> int | None:
    """Pop the video id from the last field (Bilibili or YouTube); returns a part number glued to it (`_p3`)."""
    if not fields:
        return None
    if _BVID.match(fields[-1]) or _YOUTUBE_ID.match(fields[-1]):
        heading.video_id = fields.pop()
        return None
    glued = _GLUED_BVID.search(fields[-1])
    if glued and glued.start() > 0:
        heading.video_id = glued.group(1)
        fields[-1] = fields[-1][: glued.start()].strip()
        return int(glued.group(2)) if glued.group(2) else None
    return None


def _is_uploader(field: str) -> bool:
    """Without a video id, a last field is the uploader unless it names a role or has a Chinese name's shape."""
    return not re.search(_ROLE_ALTERNATION, field) and not (looks_like_person(field) and _SHORT_HAN.match(field))


def _parse_inline_part(text: str, heading: Heading) -> bool:
    """`Learning On Graphs Conference 2024 p03 P03_Closing_Remarks`: event, part and an underscored title."""
    match = _INLINE_PART.match(text)
    if not match:
        return False
    heading.event = match.group(1).strip() or None
    heading.part = int(match.group(2))
    title = match.group(3).strip()
    heading.title = title.replace("_", " ") if " " not in title else title
    return True


def parse_heading(text: str) -> Heading:
    """Parse the text of a `# ` line (without the `# `).

    Top level: `EVENT[-FORUM] - P{n}：TALK - UPLOADER - VIDEO_ID`, fields split on ` - `;
    also `EVENT p03 P03_Title -BVID_p3-` as downloaded from a playlist. Every part is
    optional; what is missing stays None and the rest of the text becomes the title.
    """
    raw = text.strip()
    heading = Heading(raw=raw)
    fields = [f.strip() for f in raw.split(" - ")]
    glued_part = _take_video_id(fields, heading)
    part_index = next((i for i, f in enumerate(fields) if _PART.match(f)), None)
    if part_index is None:
        rest = " - ".join(fields) or raw
        if not _parse_inline_part(rest, heading):
            heading.title = rest
        heading.part = heading.part if heading.part is not None else glued_part
        return heading
    if len(fields) - part_index > 1 and (heading.video_id or _is_uploader(fields[-1])):
        heading.uploader = fields.pop()
    match = _PART.match(" - ".join(fields[part_index:]))
    assert match is not None
    heading.part = int(match.group(1))
    talk_block = (match.group(2) or "").strip()

    event_block = _TRAILING_PARENS.sub("", " - ".join(fields[:part_index])).strip()
    if "-" in event_block:
        event, forum = event_block.split("-", 1)
        heading.event, heading.forum = event.strip() or None, forum.strip() or None
    else:
        heading.event = event_block or None

    dated = _DATE_PREFIX.match(talk_block)
    if dated:
        try:
            heading.date = date(int(dated.group(1)), int(dated.group(2)), int(dated.group(3)))
            talk_block = dated.group(4).strip()
        except ValueError:
            pass
    if heading.forum is None and heading.date is not None:
        # `20240704-科学前沿主论坛`: the whole recording is one forum.
        heading.forum = talk_block
        heading.title = talk_block
        return heading
    _parse_talk_block(talk_block, heading)
    if not heading.title:
        heading.title = talk_block or heading.forum or heading.event or raw
    if heading.forum is None:
        heading.forum = heading.title
    return heading


def split_paragraph(lines: list[str], size: int = SPLIT_SEGMENT_CHARS) -> list[str]:
    """A paragraph too long to read as one segment, in pieces of at most `size` characters.

    Transcripts without blank lines (subtitles one line per sentence, or a whole talk on one line)
    would otherwise be one unreadable segment. Lines are kept whole where they fit, then sentences,
    then clauses; only text with no such break is cut anywhere. Pieces are packed up to `size`.
    """
    pieces: list[str] = []
    for line in lines:
        units = _units(line, size)
        for at, unit in enumerate(units):
            joiner = "" if at else "\n"  # a line's sentences run on; a new line stays one
            if pieces and len(pieces[-1]) + len(joiner) + len(unit) <= size:
                pieces[-1] += joiner + unit
            else:
                pieces.append(unit)
    return [piece.strip() for piece in pieces if piece.strip()]


def _units(text: str, size: int) -> list[str]:
    """The text as runs of at most `size` characters, cut at sentence ends, else clause ends, else anywhere."""
    if len(text) <= size:
        return [text]
    for breaks in (_SENTENCE_BREAK, _CLAUSE_BREAK):
        parts = [part for part in breaks.split(text) if part]
        if len(parts) > 1:
            return [unit for part in parts for unit in _units(part, size)]
    return [text[start : start + size] for start in range(0, len(text), size)]


def parse_transcript(text: str) -> list[ParsedTalk]:
    """Split a file's text into talks.

    A heading followed directly by another heading (a collection title such as
    `# 智源大会 2024（六）`) is not a talk. Raises TranscriptError when the file
    holds no talk at all.
    """
    if "\x00" in text:
        raise TranscriptError("contains NUL bytes (binary file?)", line_at(text, text.index("\x00")))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TranscriptError("file is empty")
    talks: list[ParsedTalk] = []
    current: ParsedTalk | None = None
    block: list[str] = []
    first_text_line: int | None = None

    def flush_block() -> None:
        if block and current is not None:
            paragraph = "\n".join(block)
            if len(paragraph) > MAX_PARAGRAPH_CHARS:
                current.paragraphs.extend(split_paragraph(block))
            else:
                current.paragraphs.append(paragraph)
        block.clear()

    for number, line in enumerate(_LINE_END.split(text), start=1):
        stripped = line.strip()
        heading_match = _HEADING_LINE.match(stripped)
        image_match = _IMAGE_LINE.match(stripped)
        if heading_match:
            flush_block()
            if len(stripped) > MAX_HEADING_CHARS:
                raise TranscriptError(
                    f"heading of {len(stripped):,} characters is over the limit of {MAX_HEADING_CHARS:,}", number
                )
            current = ParsedTalk(parse_heading(heading_match.group(1)), number, [], [])
            talks.append(current)
        elif image_match:
            flush_block()
            if current is not None:
                current.slides.append(SlideLine(image_match.group(1), len(current.paragraphs)))
        elif not stripped:
            flush_block()
        else:
            if current is None:
                first_text_line = first_text_line or number
                continue
            block.append(stripped)
    flush_block()

    if not talks:
        raise TranscriptError("no '# ' heading found: a transcript starts with a line like '# Event - P1：Title'")
    if first_text_line is not None:
        raise TranscriptError("text before the first '# ' heading", first_text_line)
    first_heading = talks[0].line
    talks = [t for t in talks if t.paragraphs or t.slides]
    if not talks:
        raise TranscriptError("headings but no paragraphs: nothing to ingest", first_heading)
    return talks


@dataclass
class SourceText:
    """A transcript file read and parsed, not yet prepared."""

    name: str
    sha256: str
    size: int
    talks: list[ParsedTalk]


def slugify(value: str) -> str:
    slug = re.sub(f"[^\\w{HAN}]+", "-", value.lower()).strip("-")
    return slug[:80].strip("-") or "talk"


def talk_id(parsed: ParsedTalk) -> str:
    """`BV1zE421N7UJ-p7` from the heading; a readable slug when it has no video id."""
    heading = parsed.heading
    if heading.video_id:
        return f"{heading.video_id}-p{heading.part}" if heading.part is not None else heading.video_id
    forum = heading.forum if heading.forum != heading.title else None
    words = [heading.event, forum, heading.title, f"p{heading.part}" if heading.part is not None else None]
    return slugify(" ".join(w for w in words if w))
