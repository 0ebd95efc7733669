"""Text normalisation and tokenising, shared by ingest and search so both sides agree.

`normalize` defines what "contains" means for search: NFKC (full-width → half-width),
traditional → simplified characters, lower case, whitespace runs folded to one space.
Every index is built over it.
"""

from __future__ import annotations

import importlib.util
import logging
import operator
import re
import threading
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import numpy as np
import opencc
import rjieba

from app import config
from app.lexicon import ORDINARY_WORD_FREQUENCY

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
# How often jieba takes an added name or term to be said: high, so it is cut as one word.
ADDED_WORD_FREQUENCY = 200000


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


def occurrences(text: str, term: str) -> list[int]:
    """Where the term starts in the text, overlapping occurrences included."""
    found, start = [], text.find(term)
    while start != -1:
        found.append(start)
        start = text.find(term, start + 1)
    return found


def normalize_characters(text: str) -> str:
    """Each character normalised on its own, spaces left as they are: one table lookup per character.

    Equal to `normalize` on every run of Chinese characters, at a third of its cost: for scanning
    many segments where only such runs are read (sounds-like variants)."""
    return text.translate(_PER_CHARACTER)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise like `normalize` but also map each output character to its source index.

    Lets a match found in normalised text be highlighted in the display text. Most
    display texts normalise character for character, which is checked and taken fast.
    """
    per_character = normalize_characters(text)
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
    """What the index of one- and two-character terms holds: every character, and every two neighbouring
    ones, as a token of its own (a space as SPACE_TOKEN, and in no pair: no term holds one).

    A term of either length is then one token to look up, and the index keeps no positions: at 100×,
    counting the segments that say 还是 took 2.8 ms instead of 13 as a phrase of two characters, and
    还是 AND 一个 3.5 instead of 24."""
    pairs = (" ".join(map(operator.add, run, run[1:])) for run in normalized.split(" ") if len(run) > 1)
    return " ".join([" ".join(normalized.replace(" ", SPACE_TOKEN)), *pairs])


_jieba_lock = threading.Lock()
_loaded_words: set[str] = set()
_added_tags: dict[str, str] = {}  # the part of speech given with an added word ("nr" for names)
_words_for_python_jieba: list[tuple[str, str | None]] = []  # added to rjieba, not yet to jieba


def add_words(words: Iterable[str], tag: str | None = None) -> None:
    """Teach the tokenisers names and terms so they come out as one token (tag "nr" marks person names)."""
    with _jieba_lock:
        for word in words:
            word = normalize(word)
            if word and word not in _loaded_words:
                rjieba.add_word(word, ADDED_WORD_FREQUENCY, tag)
                _loaded_words.add(word)
                _words_for_python_jieba.append((word, tag))
                if tag:
                    _added_tags[word] = tag


def _python_jieba() -> ModuleType:
    """jieba itself, loaded on first need and taught every added word.

    Only ingest's part-of-speech tagging needs it: searching cuts with rjieba and reads word
    frequencies from `jieba_dictionary`, which spares each server process jieba's 140 MB.
    """
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        if _words_for_python_jieba:
            _tagged_block.cache_clear()  # the new words change how blocks are tagged
        for word, tag in _words_for_python_jieba:
            jieba.add_word(word, freq=ADDED_WORD_FREQUENCY, tag=tag)
        _words_for_python_jieba.clear()
    return jieba


def is_added_word(word: str) -> bool:
    """Whether the word is one of ours (a speaker name, a domain term), not jieba's own."""
    return normalize(word) in _loaded_words


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: _entry remembers answers per dictionary
class _Dictionary:
    """jieba's dictionary file as sorted word hashes with each word's frequency and person-name tag."""

    hashes: np.ndarray  # int64, sorted: hash() of each word (salted per process, which is all it is used in)
    frequencies: np.ndarray  # int64
    names: np.ndarray  # bool: tagged "nr"

    def frequency(self, word: str) -> int:
        return self._entry(word)[0]

    def is_name(self, word: str) -> bool:
        return self._entry(word)[1]

    @lru_cache(maxsize=200_000)  # noqa: B019 (one dictionary per process, never freed): keywords ask of every term
    def _entry(self, word: str) -> tuple[int, bool]:
        """(frequency, tagged "nr") of a word, (0, False) for one jieba does not list."""
        key = hash(word)
        at = int(np.searchsorted(self.hashes, key, side="right")) - 1  # of a word listed twice, the last line
        if at < 0 or self.hashes[at] != key:
            return 0, False
        return int(self.frequencies[at]), bool(self.names[at])


@lru_cache(maxsize=1)
def jieba_dictionary() -> _Dictionary:
    """Read once per process (a quarter of a second), and by the server before its first request.

    Read line by line into typed arrays: a list of the file's 349,000 split lines would leave the
    process 19 MB larger after it was freed."""
    spec = importlib.util.find_spec("jieba")
    hashes, frequencies, names = array("q"), array("q"), array("b")
    if spec is not None and spec.origin is not None:
        with open(Path(spec.origin).with_name("dict.txt"), encoding="utf-8") as dictionary:
            for line in dictionary:
                fields = line.split()
                if len(fields) >= 2:
                    hashes.append(hash(fields[0]))
                    frequencies.append(int(fields[1]))
                    names.append(fields[2:3] == ["nr"])
    order = np.argsort(np.frombuffer(hashes, dtype=np.int64), kind="stable")
    return _Dictionary(
        np.frombuffer(hashes, dtype=np.int64)[order],
        np.frombuffer(frequencies, dtype=np.int64)[order],
        np.frombuffer(names, dtype=np.int8)[order].astype(bool),
    )


def common_word_frequency(word: str) -> int:
    """How common jieba's own dictionary says a word is; 0 for the names and terms we added.

    Tells ordinary words (谢谢, 只能) from names and misheard forms, which jieba barely knows.
    """
    return 0 if is_added_word(word) else jieba_dictionary().frequency(word)


def is_ordinary_word(word: str) -> bool:
    """Whether jieba's dictionary counts the word as an ordinary word (谢谢, 只能, 大概)."""
    return common_word_frequency(word) >= ORDINARY_WORD_FREQUENCY


def is_person_name_word(word: str) -> bool:
    """Whether the word is tagged as a person's name (李娜) by us or by jieba's dictionary."""
    if word in _added_tags:
        return _added_tags[word] == "nr"
    return jieba_dictionary().is_name(word)


# jieba's tagger cuts text into these blocks and tags each on its own (jieba/posseg re_han_internal).
_TAGGER_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._]+)")


def tagged_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) by jieba's tagger: "nr" marks a person's name.

    Tagged a block at a time, remembered: speaker detection tags overlapping stretches of a
    host's words several times over, and tagging is most of its cost.
    """
    jieba = _python_jieba()
    return [pair for block in _TAGGER_BLOCK.split(text) if block for pair in _tagged_block(block, jieba)]


def word_bounds(text: str, positions: Iterable[int]) -> set[int]:
    """The word boundaries of `tagged_words(text)` at the given positions (others may be missing).

    Only the tagger's blocks that hold one of the positions are tagged; a block's own ends are
    always boundaries, since each block is tagged on its own.
    """
    wanted = sorted(set(positions))
    bounds, at = {0}, 0
    jieba = _python_jieba() if wanted else None
    for block in _TAGGER_BLOCK.split(text):
        end = at + len(block)
        if jieba is not None and block and any(at < position < end for position in wanted):
            position = at
            for word, _ in _tagged_block(block, jieba):
                position += len(word)
                bounds.add(position)
        bounds.add(end)
        at = end
    return bounds


@lru_cache(maxsize=20_000)
def _tagged_block(block: str, jieba: ModuleType) -> tuple[tuple[str, str], ...]:
    return tuple((pair.word, pair.flag) for pair in jieba.posseg.cut(block))


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


class IndexCutter:
    """jieba-rs with a dictionary of its own: jieba's, our domain words and the given names, nothing else.

    The word index stores no text (it would double its size), so deleting a segment from it means
    cutting the segment again into exactly the tokens it was indexed with. The process-wide
    tokeniser cannot promise that: it learns every speaker name a server or an earlier ingest met.
    A cutter built from the names stored with the talks cuts the same way at every ingest.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        for word in {normalize(word) for word in (*_dictionary_entries(), *names)} - {""}:
            self._jieba.add_word(word, ADDED_WORD_FREQUENCY, None)

    def cut_for_search(self, normalized: str) -> list[str]:
        return self._jieba.cut_for_search(normalized)


def plain_words(normalized: str) -> list[str]:
    """jieba's plain cut: every word once, 大模型 without the 模型 that search mode adds."""
    load_dictionary()
    return rjieba.cut(normalized)


def word_runs(normalized: str, cutter: IndexCutter | None = None) -> list[str | None]:
    """Like `words`, with None where punctuation separates two runs of words (spaces do not).

    Cut by the process-wide tokeniser, or by `cutter` for the word index (see IndexCutter).
    """
    if cutter is None:
        load_dictionary()
    runs: list[str | None] = []
    for token in (cutter or rjieba).cut_for_search(normalized):
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
    for token in rjieba.cut(normalized):
        token = token.strip()
        single_han = len(token) == 1 and not token.isascii()
        if token and not single_han and token not in stopwords and not _PUNCT_ONLY.match(token) and token not in found:
            found.append(token)
    return found
