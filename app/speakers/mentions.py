"""Where a transcript says a person's name, however the speech recogniser heard it.

Recognisers write names as whatever characters sound alike: 杨植麟 comes out as
志玲, 指林 or 子琳, 王小川 as 小超. We therefore compare toneless pinyin syllable by
syllable, folding the pairs recognisers (and many speakers) confuse: zh/z, ch/c,
sh/s, n/l and -n/-ng. A name is looked for in the forms a speaker uses: the full
name, the given name (小川), and surname plus title (张总, 宋博士). Pure functions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import numpy as np
from rapidfuzz.fuzz import ratio

from app.lexicon import HAN_CHARACTER, HAN_RANGES, PERSON_TITLES
from app.people import looks_like_person, normalize_name, split_name
from app.sounds import fold, folded, syllable
from app.text import is_ordinary_word, is_person_name_word, occurrences

# 总 is a title in 张总 but starts a word in 总是, 总体, 总结 …
_NOT_AFTER_总 = frozenset("是体结共之理统而的")

# Per-syllable scores: the same character, the same sound, a sound recognisers
# confuse, or a near sound (超 chao heard for 川 chuan).
EXACT, HOMOPHONE, CONFUSABLE, NEAR = 1.0, 0.9, 0.8, 0.6
NEAR_RATIO = 50  # rapidfuzz ratio of two folded syllables that still sound near
# An ordinary word heard for a name is only believed when it sounds exactly like it,
# and then with a lower score: 指令 for 植麟.
ORDINARY_WORD_PENALTY = 0.85
KIND_WEIGHT = {"full": 1.0, "given": 0.95, "title": 0.85}

# Learning names from a panel whose heading names nobody: the host says them with a title,
# after a word that leads into a name (由双永博士, 谢谢赵建博士, 那贺老师), and not in a
# reference (叶娟博士也提到).
_LEARNED_TITLE = re.compile(r"(?:博士|老师|教授|院长|主任)(?!\s*(?:说|讲|提|也|刚|的(?!(?:一个)?问题)))")
_INTO_NAME = re.compile(r"(?:谢谢|感谢|由|请|从|给|好|问|那|要不|所以|对|[，。、\s呃嗯啊]|^)$")
_LEAD_CHARS = frozenset("谢感由请从给好问那要所对呃嗯啊")
_NOT_NAME = frozenset("们位个些的这那哪其各每某我你您他她它谁不大全")


@dataclass(frozen=True)
class NameForm:
    """One way of saying a person's name."""

    name: str  # the canonical name this form stands for
    chars: str  # 王小川, 小川, 王总
    kind: str  # full, given, title


@dataclass(frozen=True)
class Mention:
    start: int
    end: int  # past a title said right after the name
    name: str
    heard: str
    score: float
    kind: str


def find_name_mentions(text: str, names: list[str]) -> list[tuple[int, int, str, str, float]]:
    """(start, end, canonical name, heard form, score) of places in text that sound like one of the names.

    Forms: full name, given name (e.g. 小川, 植麟), surname+title (张总, 宋博士, 李老师),
    matched by toneless pinyin (per character, see sounds.py) with the fuzzy pairs speech
    recognisers confuse (zh/z, ch/c, sh/s, n/l, -n/-ng) and rapidfuzz similarity;
    exact characters score highest. A title right after a name is part of the
    heard form (双永博士).
    """
    return [(m.start, m.end, m.name, m.heard, m.score) for m in match_forms(text, name_forms(names))]


def name_forms(names: list[str]) -> list[NameForm]:
    """Every form in which the names may be said.

    Surname plus title (王总) is left out when two of the names share the surname:
    it could be either. One-character given names are left out: a single
    syllable matches far too much.
    """
    names = [normalize_name(name) for name in names if HAN_CHARACTER.match(normalize_name(name))]
    surnames = [split_name(name)[0] for name in names]
    forms: list[NameForm] = []
    for name, surname in zip(names, surnames, strict=True):
        given = split_name(name)[1]
        forms.append(NameForm(name, name, "full"))
        if surname and len(given) >= 2:
            forms.append(NameForm(name, given, "given"))
        if surname and surnames.count(surname) == 1:
            forms.extend(NameForm(name, surname + title, "title") for title in PERSON_TITLES)
    return forms


def match_forms(text: str, forms: list[NameForm]) -> list[Mention]:
    """Best non-overlapping matches of the forms in text, in text order.

    Where matches overlap, the higher score wins, then the longer.
    """
    if not forms:
        return []
    heard = _Heard.of(text, forms)
    candidates = [m for form in forms for m in _matches(heard, form)]
    chosen: list[Mention] = []
    for mention in sorted(candidates, key=lambda m: (-m.score, -(m.end - m.start), m.start)):
        if all(mention.end <= other.start or mention.start >= other.end for other in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


@dataclass(frozen=True)
class _Heard:
    """The Chinese characters of a text, and where it says each character and sound of some names.

    Spaces between characters are skipped, since the recogniser writes pauses as
    spaces (再见 博士); any other character breaks a name.
    """

    text: str
    positions: list[int]  # index in text of each Chinese character
    chars: str  # the Chinese characters, in order
    joined: list[bool]  # character k and k + 1 are adjacent or only a space apart
    by_char: dict[str, list[int]]  # a character of the names → its character numbers
    by_sound: dict[str, list[int]]  # a folded syllable of the names → character numbers, in no order

    @classmethod
    def of(cls, text: str, forms: list[NameForm]) -> _Heard:
        """Indexed for these forms only: a panel's text has tens of thousands of characters, the names a few."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        is_han = np.zeros(len(codes), dtype=bool)
        for first, last in HAN_RANGES:
            is_han |= (codes >= first) & (codes <= last)
        at = np.flatnonzero(is_han)
        positions = at.tolist()
        chars = codes[at].tobytes().decode("utf-32-le")
        gaps = np.diff(at)
        joined = (gaps == 1).tolist()
        for k in np.flatnonzero(gaps > 1).tolist():  # only spaces between them still join them
            joined[k] = not text[positions[k] + 1 : positions[k + 1]].strip()
        wanted_chars = {char for form in forms for char in form.chars}
        wanted_sounds = {folded(char) for char in wanted_chars}
        by_char: dict[str, list[int]] = {}
        by_sound: dict[str, list[int]] = defaultdict(list)
        for char in set(chars):
            sound = folded(char)
            if char in wanted_chars or sound in wanted_sounds:
                numbers = occurrences(chars, char)
                if char in wanted_chars:
                    by_char[char] = numbers
                if sound in wanted_sounds:
                    by_sound[sound] += numbers
        return cls(text, positions, chars, joined, by_char, by_sound)


def _matches(heard: _Heard, form: NameForm) -> list[Mention]:
    """Places where a form is said. Only windows that share a character or a sound with it are tried."""
    expected = [syllable(char) for char in form.chars]
    width = len(form.chars)
    starts: set[int] = set()
    if form.kind == "title":  # the surname said with its own sound, then the title itself (王总)
        starts.update(heard.by_sound.get(fold(expected[0]), []))
    else:
        for offset, (char, sound) in enumerate(zip(form.chars, expected, strict=True)):
            starts.update(k - offset for k in heard.by_char.get(char, []))
            starts.update(k - offset for k in heard.by_sound.get(fold(sound), []))
    # A title is said as written (王总): a window without it is no mention, and most windows of a
    # surname's sound are not followed by the title.
    title = _title_of(form.chars) if form.kind == "title" else ""
    found = []
    for k in sorted(starts):
        if k < 0 or k + width > len(heard.chars) or not all(heard.joined[k : k + width - 1]):
            continue
        if title and heard.chars[k + width - len(title) : k + width] != title:
            continue
        mention = _mention(heard, form, expected, k)
        if mention:
            found.append(mention)
    return found


def _mention(heard: _Heard, form: NameForm, expected: list[str], k: int) -> Mention | None:
    """The mention of a form in the window starting at character k, if the window sounds like it.

    Every syllable must sound alike, except that one may sound only near when the
    others are the very characters (小超 for 小川), or homophones followed by a
    title (再见博士 for 赵健博士). A surname with a title needs the title itself and
    the surname said with the same sound. An ordinary word (大概, 智能) is not
    taken for a name unless it sounds exactly like it.
    """
    width = len(form.chars)
    compared = width - len(_title_of(form.chars)) if form.kind == "title" else width
    scores = [
        _syllable_score(form.chars[j], expected[j], heard.chars[k + j], syllable(heard.chars[k + j]))
        for j in range(compared)
    ]
    if None in scores:  # most windows tried: looked at before the title after them
        return None
    window = heard.positions[k : k + width]
    said = heard.chars[k : k + width]
    end = window[-1] + 1 if form.kind == "title" else _after_title(heard.text, window[-1] + 1)
    titled = form.kind == "title" or end > window[-1] + 1
    if said[compared:] != form.chars[compared:] or _title_ends_word(heard.text, end, form):
        return None
    near = scores.count(NEAR)
    others = [s for s in scores if s != NEAR]
    if form.kind == "title" and min(scores) < HOMOPHONE:
        return None
    if near and (near > 1 or compared < 2 or not (min(others) == EXACT or (titled and min(others) >= HOMOPHONE))):
        return None
    score = sum(scores) / compared * KIND_WEIGHT[form.kind]
    if not titled and said != form.chars and _is_ordinary_word(said):
        if min(scores) < CONFUSABLE:
            return None
        score *= ORDINARY_WORD_PENALTY
    return Mention(window[0], end, form.name, heard.text[window[0] : end], round(score, 3), form.kind)


def _syllable_score(expected_char: str, expected: str, heard_char: str, heard: str) -> float | None:
    if heard_char == expected_char:
        return EXACT
    if heard == expected:
        return HOMOPHONE
    return _sound_score(expected, heard)


@cache
def _sound_score(expected: str, heard: str) -> float | None:
    a, b = fold(expected), fold(heard)
    if a == b:
        return CONFUSABLE
    if a and b and ratio(a, b) >= NEAR_RATIO:
        return NEAR
    return None


@cache
def _title_of(chars: str) -> str:
    return next(title for title in PERSON_TITLES if chars.endswith(title))


def _title_ends_word(text: str, end: int, form: NameForm) -> bool:
    """张总是 is 张 + 总是 (always), not 张总."""
    return form.kind == "title" and form.chars.endswith("总") and text[end : end + 1] in _NOT_AFTER_总


def _after_title(text: str, position: int) -> int:
    """Where a title right after position ends (a space may come before it), else position."""
    start = position + 1 if text[position : position + 1] == " " else position
    for title in PERSON_TITLES:
        if text.startswith(title, start):
            if title == "总" and text[start + 1 : start + 2] in _NOT_AFTER_总:
                continue
            return start + len(title)
    return position


@cache
def _is_ordinary_word(word: str) -> bool:
    """Whether jieba's dictionary knows word as a common word (大概, 智能), not as a person's name (李娜)."""
    return is_ordinary_word(word) and not is_person_name_word(word)


def learn_names(text: str) -> dict[str, list[NameForm]]:
    """Names the host says with a title, misheard variants merged: {name: its forms}.

    A name is called after its full form (宋双永博士) if heard, else its most
    frequent variant (双永, from 由双永博士); variants that sound alike said with a
    title are one person (赵健/赵建/再见, 双永/双云/宋永). A surname alone (那贺老师)
    is named with its title (贺老师) unless a longer name starts with it. An
    ordinary word (再见) only joins a name heard otherwise, never starts one.
    """
    heard: Counter[str] = Counter()
    titles: dict[str, Counter[str]] = defaultdict(Counter)
    for match in _LEARNED_TITLE.finditer(text):
        variant = _name_before(text[max(0, match.start() - 8) : match.start()].rstrip())
        if variant:
            heard[variant] += 1
            titles[variant][match.group(0)] += 1
    clusters: list[list[str]] = []
    ordinary = {variant for variant in heard if len(variant) > 1 and _is_ordinary_word(variant)}
    # full names first, then two characters, then surnames; each by frequency; ordinary words last
    ranked = sorted(heard.most_common(), key=lambda item: (item[0] in ordinary, len(item[0]) != 3, len(item[0]) == 1))
    for variant, _ in ranked:
        home = next((cluster for cluster in clusters if any(_alike(variant, other) for other in cluster)), None)
        if home is not None:
            home.append(variant)
        elif variant not in ordinary:
            clusters.append([variant])
    return {(name := _learned_name(cluster, titles)): _learned_forms(name, cluster) for cluster in clusters}


def _name_before(before: str) -> str | None:
    """The name right before a title, after a word that leads into a name: a full name, two characters, a surname."""
    three, two, one = before[-3:], before[-2:], before[-1:]
    if (
        len(three) == 3
        and three[0] not in _LEAD_CHARS
        and _is_surname(three[0])
        and all(HAN_CHARACTER.match(char) and char not in _NOT_NAME for char in three[1:])
        and _INTO_NAME.search(before[:-3])
    ):
        return three
    if (
        len(two) == 2
        and all(HAN_CHARACTER.match(char) and char not in _NOT_NAME for char in two)
        and two[0] not in _LEAD_CHARS
        and _INTO_NAME.search(before[:-2])
    ):
        return two
    if one and _is_surname(one) and _INTO_NAME.search(before[:-1]):
        return one
    return None


def _is_surname(char: str) -> bool:
    """Whether a character is a surname: 张某 is how Chinese writes "someone called 张"."""
    return char not in _NOT_NAME and looks_like_person(char + "某")


def _alike(a: str, b: str) -> bool:
    """Whether two heard names may be one person.

    Two names: either, said with a title, sounds like the other (再见博士 for 赵健).
    A surname: it starts the other name, or is the same surname.
    """
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    forms = [(x + "博士", NameForm(y, y, "given")) for x, y in ((a, b), (b, a))]
    return any(_matches(_Heard.of(said, [form]), form) for said, form in forms)


def _learned_name(cluster: list[str], titles: dict[str, Counter[str]]) -> str:
    """A cluster's first (most frequent) variant; a surname alone with the title said most with it."""
    name = cluster[0]
    return name if len(name) > 1 else name + titles[name].most_common(1)[0][0]


def _learned_forms(name: str, cluster: list[str]) -> list[NameForm]:
    """The variants as heard, and the surname with any title."""
    forms = [NameForm(name, variant, "given") for variant in cluster if len(variant) > 1]
    surnames = {variant for variant in cluster if len(variant) == 1}
    if len(cluster[0]) > 1 and _is_surname(cluster[0][0]):
        surnames.add(cluster[0][0])
    return forms + [NameForm(name, surname + title, "title") for surname in sorted(surnames) for title in PERSON_TITLES]
