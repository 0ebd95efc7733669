"""How text sounds: toneless pinyin with the pairs speech recognisers confuse folded together.

端侧 and 端测 both sound "duan ce"; 植麟 (zhi lin) and 志玲 (zhi ling) fold to the same
"zi lin". Both ingest (the sound index) and search use these functions. Pure.
"""

from __future__ import annotations

import os
from functools import cache

# Every lookup here is of one character, which pypinyin's phrase dictionary never changes: not
# loading it spares each process 46 MB.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")

from pypinyin import Style, lazy_pinyin, pinyin  # noqa: E402 (after the setting it reads)

from app.lexicon import is_han

BREAK = "qq"  # not a syllable: stands between runs of Chinese characters in the sound index


@cache  # a few hundred syllables, folded millions of times when speaker detection compares names
def fold(syllable: str) -> str:
    """A toneless syllable with the commonly confused sounds merged: zhi→zi, neng→len, ling→lin."""
    for retroflex in ("zh", "ch", "sh"):
        if syllable.startswith(retroflex):
            syllable = syllable[0] + syllable[2:]
            break
    if syllable.startswith("n") and len(syllable) > 1:
        syllable = "l" + syllable[1:]
    if syllable.endswith("ng") and not syllable.endswith("ong"):
        syllable = syllable[:-1]
    return syllable


@cache
def syllable(char: str) -> str:
    """The toneless pinyin of one character in its most common reading."""
    return lazy_pinyin(char)[0]


@cache
def folded(char: str) -> str:
    return fold(syllable(char))


class _SyllableTable(dict):
    """str.translate table: a character → its folded syllable and a `|` (non-Chinese ones: just `|`)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = (folded(char) if is_han(char) else "") + "|"
        return self[code]


_SOUND_TABLE = _SyllableTable()


def sound_string(normalized: str) -> str:
    """`|`-separated folded syllables, one per character: 端侧 → "|duan|ce|"; searched by `find_sounds`."""
    return "|" + normalized.translate(_SOUND_TABLE)


def find_sounds(sounds: str, phrase: tuple[str, ...]) -> list[int]:
    """Where in a text (given as its `sound_string`) a sequence of folded syllables begins."""
    wanted = "|" + "|".join(phrase) + "|"
    found, at = [], sounds.find(wanted)
    while at >= 0:
        found.append(sounds.count("|", 0, at))
        at = sounds.find(wanted, at + 1)
    return found


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every folded reading of a character: 长 is both chang and zhang."""
    found = [fold(r) for r in pinyin(char, style=Style.NORMAL, heteronym=True)[0]]
    return tuple(dict.fromkeys([folded(char), *found]))


def sound_phrases(term: str, limit: int = 4) -> list[str]:
    """The term's possible folded syllable sequences (polyphones multiply them), for the sound index."""
    phrases = [""]
    for char in term:
        phrases = [f"{p} {r}".strip() for p in phrases for r in readings(char)][:limit]
    return phrases


class _SpacedSyllableTable(dict):
    """str.translate table: a Chinese character → " its folded syllable ", anything else → a break."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = f" {folded(char)} " if is_han(char) else f" {BREAK} "
        return self[code]


_SOUNDS = _SpacedSyllableTable()
PAIR_JOINER = "_"  # a token character of the sound index (db.py): duan_ce is one token


def sound_tokens(normalized: str) -> str:
    """What the sound index holds: each two neighbouring Chinese characters' folded syllables, as one token.

    A pair is one token so that the index needs no positions: a two-character term is one
    token, a longer one every pair of it (a few segments too many, which find_sounds drops).
    """
    syllables = normalized.translate(_SOUNDS).split()
    return " ".join(
        f"{a}{PAIR_JOINER}{b}" for a, b in zip(syllables, syllables[1:], strict=False) if BREAK not in (a, b)
    )


def sound_query(term: str) -> str:
    """An FTS5 query of the sound index for segments that may sound like the term (two characters or more)."""
    alternatives = []
    for phrase in sound_phrases(term):
        syllables = phrase.split()
        pairs = [f'"{a}{PAIR_JOINER}{b}"' for a, b in zip(syllables, syllables[1:], strict=False)]
        alternatives.append("(" + " AND ".join(pairs) + ")")
    return " OR ".join(alternatives)


def sounds_like(a: str, b: str) -> bool:
    """Same length, every character Chinese, the same folded syllables: 端侧 ~ 端测, 张鹏 ~ 章朋."""
    key = sound_key(a)
    return key is not None and key == sound_key(b)


def sound_key(text: str) -> tuple[str, ...] | None:
    """The folded syllables of an all-Chinese text (None otherwise): texts that sound alike share it."""
    return tuple(folded(c) for c in text) if all(is_han(c) for c in text) else None


def closeness(query: str, heard: str) -> float:
    """1.0 for the same characters, less for the same toneless pinyin, less again for folded-only matches."""
    if query == heard:
        return 1.0
    same = sum(1 for q, h in zip(query, heard, strict=False) if q == h)
    toneless = sum(1 for q, h in zip(query, heard, strict=False) if q != h and syllable(q) == syllable(h))
    folded_only = len(query) - same - toneless
    return round((same + 0.85 * toneless + 0.7 * folded_only) / len(query), 3)
