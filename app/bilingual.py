"""Words of the other language for a query's words, from a Chinese–English dictionary (CC-CEDICT).

A question typed in English about a Chinese passage (hallucination → 幻觉) or in Chinese about an
English keynote (信用卡 → credit card) shares no word with it, and the encoder matches across
languages only weakly. CC-CEDICT gives each Chinese word its English glosses; read backwards, it
gives an English word the Chinese words glossed by it. A glossary of the field's terms that CC-CEDICT
lacks or glosses with another sense first (算力: compute, not hash rate) is read before it. Ingest
stores the pairs of which the corpus says a side (the translation table); a search reads them from
there and keeps the translations the corpus says.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.config import BILINGUAL_FILE, GLOSSARY_FILE

# Glosses that are not a translation but a cross-reference, a classifier or a name.
_NOT_A_TRANSLATION = re.compile(r"^(CL:|variant of|old variant|see |abbr\.|surname|used in|also written|Taiwan pr\.)")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_FILLER_WORDS = re.compile(r"\b(sb|sth|one's|oneself|etc)\b\.?")
_LEADING = re.compile(r"^(to|a|an|the|be) ")
_PLAIN_ENGLISH = re.compile(r"^[a-z][a-z\- ]*[a-z]$")
TRANSLATIONS_PER_TERM = 3  # the senses after the third are rarely what a query means
RAREST_TRANSLATION = 0.05  # of an English term's own segments: a rarer Chinese word is another sense of it
STEM_FROM = 5  # letters from which an English word's inflections are matched by its stem (shorter: plural only)
MAX_GLOSS_WORDS = 3  # longer glosses are explanations (to think back over sth), not words a passage says
ENGLISH_STOPWORDS = frozenset(
    "a an the of to in on at by for and or but with from as is are was were be been it its this that these those "
    "what when where why how who which will would can could do does did not no versus vs via into than then so".split()
)  # never looked up: they gloss hundreds of particles


@dataclass
class Lexicon:
    """Both directions of the dictionary: Chinese word → English glosses, English gloss → Chinese words."""

    to_english: dict[str, list[str]] = field(default_factory=dict)
    to_chinese: dict[str, list[str]] = field(default_factory=dict)

    def add(self, chinese: str, english: str) -> None:
        glosses = self.to_english.setdefault(chinese, [])
        if english not in glosses:
            glosses.append(english)
        words = self.to_chinese.setdefault(english, [])
        if chinese not in words:
            words.append(chinese)


def clean_gloss(gloss: str) -> str | None:
    """A gloss as words a passage might say (`to retrieve (data)` → `retrieve`); None for the rest."""
    if _NOT_A_TRANSLATION.match(gloss):
        return None
    text = _FILLER_WORDS.sub(" ", _BRACKETS.sub(" ", gloss.lower()))
    text = " ".join(text.split())
    text = _LEADING.sub("", text)
    if not _PLAIN_ENGLISH.match(text) or len(text.split()) > MAX_GLOSS_WORDS or text in ENGLISH_STOPWORDS:
        return None
    return text


def parse_glossary(lines: Iterable[str], lexicon: Lexicon | None = None) -> Lexicon:
    """`lexicon` (a new one by default) with the pairs of glossary lines (`算力 | compute | computing power`)."""
    lexicon = lexicon or Lexicon()
    for line in lines:
        chinese, *glosses = (part.strip() for part in line.split("|"))
        if line.startswith("#") or not chinese or " " in chinese:
            continue
        for english in filter(None, map(clean_gloss, glosses)):
            lexicon.add(chinese, english)
    return lexicon


def parse_cedict(lines: Iterable[str], lexicon: Lexicon | None = None) -> Lexicon:
    """`lexicon` (a new one by default) with the pairs of CC-CEDICT lines (`繁體 简体 [pin1 yin1] /gloss/gloss/`),
    simplified forms only."""
    lexicon = lexicon or Lexicon()
    for line in lines:
        if line.startswith("#") or "/" not in line:
            continue
        head, _, glosses = line.partition("/")
        parts = head.split(" ", 2)
        if len(parts) < 2:
            continue
        chinese = parts[1]
        for gloss in glosses.rstrip().rstrip("/").split("/"):
            english = clean_gloss(gloss)
            if english:
                lexicon.add(chinese, english)
    return lexicon


def dictionary_state(path: Path | None = None, glossary: Path | None = None) -> str:
    """Which dictionary and glossary files, and which versions of them: a database's translations are
    stale once either changes."""
    return " + ".join(_file_state(file) for file in _sources(path, glossary))


def _sources(path: Path | None, glossary: Path | None) -> tuple[Path | None, Path | None]:
    return path or BILINGUAL_FILE, glossary or GLOSSARY_FILE


def _file_state(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "none"
    stat = path.stat()
    return f"{path} {stat.st_mtime_ns} {stat.st_size}"


def read_lexicon(path: Path | None = None, glossary: Path | None = None) -> Lexicon:
    """The lexicon of the glossary (app/data/glossary.txt), then of the dictionary (KB_BILINGUAL_DICTIONARY),
    so that the glossary's senses come first; a missing file adds nothing. Read once per process and
    version of the files: an ingest of many small folders reads them once."""
    path, glossary = _sources(path, glossary)
    return _parsed(path, glossary, dictionary_state(path, glossary))


@lru_cache(maxsize=1)
def _parsed(path: Path | None, glossary: Path | None, _state: str) -> Lexicon:
    lexicon = Lexicon()
    if glossary is not None and glossary.is_file():
        parse_glossary(glossary.read_text(encoding="utf-8").splitlines(), lexicon)
    if path is not None and path.is_file():
        with path.open(encoding="utf-8") as lines:
            parse_cedict(lines, lexicon)
    return lexicon


class Vocabulary:
    """How many segments say a word, an English one in any of its inflections (a dictionary gloss is the
    base form: attacker is said as attackers), from the segments holding each token."""

    def __init__(self, segments: dict[str, int]) -> None:
        self.segments = segments
        self._latin = sorted(token for token in segments if token.isascii() and token.isalpha())

    def said(self, form: str) -> int:
        """Segments holding a word, or at most those of a phrase's rarest word; 0 if never said."""
        return min((self._word(word) for word in form.split()), default=0)

    def _word(self, word: str) -> int:
        if not word.isascii():
            return self.segments.get(word, 0)
        root = stem(word)
        if root is None:
            return max(self.segments.get(word, 0), self.segments.get(word + "s", 0))
        inflected = self._latin[bisect_left(self._latin, root) : bisect_left(self._latin, root + "{")]  # { follows z
        return max((self.segments[token] for token in inflected), default=self.segments.get(word, 0))


def pairs(lexicon: Lexicon, said: Callable[[str], int]) -> Iterator[tuple[str, str, int]]:
    """(Chinese, English, sense) of the pairs of which the corpus says a side: what a database keeps."""
    for chinese, glosses in lexicon.to_english.items():
        chinese_said = said(chinese) > 0
        for sense, english in enumerate(glosses):
            if chinese_said or said(english) > 0:
                yield chinese, english, sense


def from_pairs(rows: Iterable[tuple[str, str, int]]) -> Lexicon:
    """The lexicon of stored pairs, glosses in the order of their senses."""
    lexicon = Lexicon()
    for chinese, english, _ in sorted(rows, key=lambda row: (row[0], row[2])):
        lexicon.add(chinese, english)
    return lexicon


def singular(word: str) -> str:
    """The form a dictionary lists (experts → expert, memories → memory); the word itself when not plural."""
    for ending, replacement in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if word.endswith(ending) and len(word) > len(ending) + 2 and not word.endswith("ss"):
            return word[: -len(ending)] + replacement
    return word


_ENGLISH_RUN = re.compile(r"[a-z][a-z\-]*(?: +[a-z][a-z\-]*)*")


def english_terms(text: str, lexicon: Lexicon) -> list[str]:
    """The dictionary's English entries in normalised text, longest first and not overlapping:
    `mixture of experts versus dense models` → mixture, expert, dense, model (no entry holds two)."""
    found: list[str] = []
    for run in _ENGLISH_RUN.findall(text):
        tokens = [part for token in run.split() for part in _unhyphenated(token, lexicon)]
        index = 0
        while index < len(tokens):
            for size in range(min(MAX_GLOSS_WORDS, len(tokens) - index), 0, -1):
                phrase = tokens[index : index + size]
                if size == 1 and phrase[0] in ENGLISH_STOPWORDS:
                    continue
                for form in (" ".join(phrase), " ".join([*phrase[:-1], singular(phrase[-1])])):
                    if form in lexicon.to_chinese:
                        found.append(form)
                        break
                else:
                    continue
                index += size - 1
                break
            index += 1
    return list(dict.fromkeys(found))


def _unhyphenated(token: str, lexicon: Lexicon) -> list[str]:
    """A hyphenated word as its parts (large-model → large model), unless the dictionary lists it (fine-tuning)."""
    if "-" not in token or token in lexicon.to_chinese:
        return [token]
    return [part for part in token.split("-") if part]


def stem(word: str) -> str | None:
    """What an English dictionary word's inflections begin with (propagate → propagat: propagated,
    propagation; predict: predictions); None for a word too short to tell apart this way (art, artificial)."""
    if len(word) < STEM_FROM or not word.isalpha():
        return None
    return word[:-1] if word.endswith("e") else word


def says(text: str, form: str) -> bool:
    """Whether normalised text says a word: an English one as a whole word or an inflection of it
    (attacker: attackers, not counterattacker; card: cards, not discard)."""
    if form.isascii():
        *head, last = form.split(" ")
        ending = f"{re.escape(root)}[a-z]*" if (root := stem(last)) else f"{re.escape(last)}s?"
        pattern = " ".join([*map(re.escape, head), ending])
        return re.search(rf"(?<![a-z0-9]){pattern}(?![a-z0-9])", text) is not None
    return form in text


def chinese_terms(words: list[str], lexicon: Lexicon) -> list[str]:
    """The dictionary's Chinese entries among jieba's words and runs of up to three of them (反向 传播 →
    反向传播, 图 神经网络 → 图神经网络), longest first, leaving out the parts of a word already found
    (神经网络 → neural network, not also 神经 → nerve). One character alone is too ambiguous (图: picture,
    chart, map) to be an entry."""
    runs = {"".join(words[start : start + size]) for size in range(1, 4) for start in range(len(words) - size + 1)}
    found: list[str] = []
    for word in sorted(runs, key=lambda w: (-len(w), w)):
        if len(word) < 2 or word.isascii() or word not in lexicon.to_english:
            continue
        if not any(word in longer for longer in found):
            found.append(word)
    return found


def translations(
    text: str,
    words: list[str],
    lexicon: Lexicon,
    said: Callable[[str], int],
    fillers: frozenset[str] = frozenset(),
) -> dict[str, list[str]]:
    """For each dictionary entry in a query (normalised `text`, jieba's words of it), the translations
    the corpus says: `said(form)` counts the segments holding it, 0 for none.

    An English entry takes the Chinese words for which it is the first sense (memory → 记忆 before
    存储器), a Chinese entry its glosses in the dictionary's order, which puts the usual sense first.
    One Chinese character is too ambiguous to stand for an English word (face → 面).
    A Chinese word said far less than the English term itself is another sense (transformer → 变压器,
    where Chinese passages say transformer): it is left out.
    No filler is translated, and none is a translation (little → 有点: with little compute is not 有点).
    """
    found: dict[str, list[str]] = {}
    for term in english_terms(text, lexicon):
        candidates = sorted(
            lexicon.to_chinese[term], key=lambda word: (lexicon.to_english[word].index(term), -said(word))
        )
        floor = RAREST_TRANSLATION * said(term)
        found[term] = [word for word in candidates if len(word) > 1 and said(word) and said(word) >= floor]
    for term in chinese_terms(words, lexicon):
        found[term] = [gloss for gloss in lexicon.to_english[term] if said(gloss)]
    kept = {
        term: [form for form in forms if form not in fillers] for term, forms in found.items() if term not in fillers
    }
    return {term: forms[:TRANSLATIONS_PER_TERM] for term, forms in kept.items() if forms}
