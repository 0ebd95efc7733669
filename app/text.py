"""Text normalisation and tokenising, shared by ingest and search so both sides agree.

`normalize` defines what "contains" means for search: NFKC (full-width → half-width),
traditional → simplified characters, lower case, whitespace runs folded to one space.
Every index is built over it.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg
import opencc
import rjieba

from app import config

jieba.setLogLevel(logging.WARNING)

# Emoji and pictographs that the speech recogniser sprinkles into the text (🎼 😊 😡).
# Invisible control and format characters go too: nobody can type them into a query.
_NOISE = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\U000e0000-\U000e007f"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
_SPACES = re.compile(r"\s+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
# Stands for a space in the character index, so "a b" and "ab" stay different.
SPACE_TOKEN = "\u2581"


def clean(paragraph: str) -> str:
    """Display text of a paragraph: recognition noise removed, whitespace tidied.

    A paragraph that is nothing but noise keeps its original form so no segment is blank.
    """
    cleaned = _SPACES.sub(" ", _NOISE.sub("", paragraph)).strip()
    cleaned = re.sub(r"^[，,、]\s*", "", cleaned)
    return cleaned or paragraph.strip()


@lru_cache(maxsize=1)
def _simplified() -> dict[int, str]:
    """Traditional → simplified, character by character, from OpenCC's dictionary (one-to-one only)."""
    table: dict[int, str] = {}
    dictionary = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in dictionary.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1 and first != traditional:
            table[ord(traditional)] = first
    return table


def normalize(text: str) -> str:
    """The form every index and every query is compared in: 謝謝ＡＩ → 谢谢ai."""
    folded = unicodedata.normalize("NFKC", _NOISE.sub("", text)).translate(_simplified()).lower()
    return _SPACES.sub(" ", folded).strip()


class _CharTable(dict):
    """str.translate table: each character → its normalised form, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = "" if _NOISE.match(char) else unicodedata.normalize("NFKC", char).translate(_simplified()).lower()
        return self[code]


_PER_CHARACTER = _CharTable()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise like `normalize` but also map each output character to its source index.

    Lets a match found in normalised text be highlighted in the display text. Most
    display texts normalise character for character, which is checked and taken fast.
    """
    per_character = text.translate(_PER_CHARACTER)
    if len(per_character) == len(text) and per_character == normalize(text):
        return per_character, list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    previous_space = True  # drops leading whitespace like .strip()
    for index, char in enumerate(text):
        if _NOISE.match(char):
            continue
        if char.isspace():
            if not previous_space:
                out.append(" ")
                offsets.append(index)
            previous_space = True
            continue
        folded = unicodedata.normalize("NFKC", char).translate(_simplified()).lower()
        for piece in folded:
            if piece.isspace():
                if previous_space:
                    continue
                previous_space = True
            else:
                previous_space = False
            out.append(piece)
            offsets.append(index)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


def char_tokens(normalized: str) -> str:
    """One token per character, for the index that serves one- and two-character terms."""
    return " ".join(SPACE_TOKEN if c == " " else c for c in normalized)


_jieba_lock = threading.Lock()
_loaded_words: set[str] = set()


def add_words(words: Iterable[str], tag: str | None = None) -> None:
    """Teach jieba names and terms so they come out as one token (tag "nr" marks person names)."""
    with _jieba_lock:
        for word in words:
            word = normalize(word)
            if word and word not in _loaded_words:
                jieba.add_word(word, freq=200000, tag=tag)
                rjieba.add_word(word, 200000, tag)
                _loaded_words.add(word)


def is_added_word(word: str) -> bool:
    """Whether the word is one of ours (a speaker name, a domain term), not jieba's own."""
    return normalize(word) in _loaded_words


def common_word_frequency(word: str) -> int:
    """How common jieba's own dictionary says a word is; 0 for the names and terms we added.

    Tells ordinary words (谢谢, 只能) from names and misheard forms, which jieba barely knows.
    """
    if is_added_word(word):
        return 0
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word, 0)


def is_person_name_word(word: str) -> bool:
    """Whether jieba's dictionary tags the word as a person's name (李娜), not a common word."""
    jieba.dt.check_initialized()
    return jieba.posseg.dt.word_tag_tab.get(word) == "nr"


def word_list(path: Path) -> tuple[str, ...]:
    """Words of a user-editable list: whitespace or line separated, `#` starts a comment; read again once edited."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    return _read_word_list(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_word_list(path: Path, _mtime: int, _size: int) -> tuple[str, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(word for line in lines for word in line.split("#", 1)[0].split() if word)


@lru_cache(maxsize=1)
def load_dictionary() -> None:
    """Load jieba's dictionary and our domain words, once per process."""
    add_words(_dictionary_entries())


def words(normalized: str) -> list[str]:
    """jieba search-mode tokens of normalised text, without spaces and punctuation.

    Cut by jieba-rs (rjieba): the same dictionary and algorithm as jieba, sixty times faster.
    """
    return [token for token in word_runs(normalized) if token]


def word_runs(normalized: str) -> list[str | None]:
    """Like `words`, with None where punctuation separates two runs of words (spaces do not)."""
    load_dictionary()
    runs: list[str | None] = []
    for token in rjieba.cut_for_search(normalized):
        word = _word(token)
        if word:
            runs.append(word)
        elif token.strip() and runs and runs[-1] is not None:
            runs.append(None)
    return runs


@lru_cache(maxsize=200_000)
def _word(token: str) -> str:
    """The token without spaces, or "" for spaces and punctuation (cached: tokens repeat a lot)."""
    token = token.strip()
    return "" if not token or _PUNCT_ONLY.match(token) else token


@lru_cache(maxsize=1)
def _dictionary_entries() -> tuple[str, ...]:
    """One entry per line: entries such as `scaling law` contain spaces."""
    if not config.DICTIONARY_FILE.exists():
        return ()
    lines = config.DICTIONARY_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(entry for line in lines if (entry := line.split("#", 1)[0].strip()))


def meaningful_words(normalized: str) -> list[str]:
    """The content words of a typed question: 大模型会不会取代程序员 → 大模型, 取代, 程序员."""
    load_dictionary()
    stopwords = set(word_list(config.STOPWORDS_FILE))
    found: list[str] = []
    for token in jieba.cut(normalized):
        token = token.strip()
        single_han = len(token) == 1 and not token.isascii()
        if token and not single_han and token not in stopwords and not _PUNCT_ONLY.match(token) and token not in found:
            found.append(token)
    return found
