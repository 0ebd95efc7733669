"""Relevance features beyond BM25 (pure functions, easy to test).

BM25 over jieba tokens says how much a segment is about the query words. What
makes the best passage win on top of that: the terms stand as words of their
own rather than inside longer words, they sit close together, they form the
phrase the user typed, and they name the talk or its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.text import occurrences, plain_words

WEIGHTS = {"bm25": 1.0, "whole_word": 0.6, "proximity": 0.5, "phrase": 0.4, "metadata": 0.3}
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")
# What jieba cuts as one block: a run of Han characters, letters, digits and + # & . _ % -. Any
# other character ends a block, so a block is cut alone exactly as inside the whole text.
_NOT_IN_BLOCK = re.compile(r"[^\u3400-\u9fffa-z0-9+#&._%\-]")


@dataclass
class Candidate:
    text: str  # normalised segment text
    bm25: float  # positive: higher is better, 0 when no query word is a token
    metadata: str  # normalised talk title and speaker names


def _word_char(char: str) -> bool:
    return bool(_LATIN_OR_DIGIT.match(char))


def whole_word(candidate: Candidate, term: str) -> bool:
    """True when some occurrence of the term is a word of its own, not part of a longer one."""
    text = candidate.text
    if _word_char(term[0]) or _word_char(term[-1]):
        for start in occurrences(text, term):
            end = start + len(term)
            open_left = not (_word_char(term[0]) and start > 0 and _word_char(text[start - 1]))
            open_right = not (_word_char(term[-1]) and end < len(text) and _word_char(text[end]))
            if open_left and open_right:
                return True
        return False
    return any(_standalone(_block_around(text, start, len(term)), term) for start in occurrences(text, term))


def _block_around(text: str, start: int, length: int) -> str:
    """The jieba block holding text[start:start + length]: only it needs cutting, not the whole segment."""
    before = [m.end() for m in _NOT_IN_BLOCK.finditer(text, 0, start)]
    after = _NOT_IN_BLOCK.search(text, start + length)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]


def _standalone(block: str, term: str) -> bool:
    # jieba's plain cut, not its search mode, which emits 模型 for 大模型 too.
    return term in plain_words(block)


def proximity(text: str, terms: list[str]) -> float:
    """1.0 when the terms are adjacent, falling towards 0 as the shortest window covering them grows."""
    if len(terms) < 2:
        return 1.0
    positions = [(start, i) for i, term in enumerate(terms) for start in occurrences(text, term)]
    if not positions:
        return 0.0
    positions.sort()
    needed, counts, have, best = len(terms), [0] * len(terms), 0, None
    left = 0
    for start, i in positions:
        counts[i] += 1
        have += counts[i] == 1
        while have == needed:
            left_start, j = positions[left]
            span = start + len(terms[i]) - left_start
            best = span if best is None else min(best, span)
            counts[j] -= 1
            have -= counts[j] == 0
            left += 1
    if best is None:
        return 0.0
    return min(1.0, sum(len(t) for t in terms) / best)


def phrase(text: str, terms: list[str]) -> bool:
    """The terms appear together in the order typed (with or without a space between)."""
    if len(terms) < 2:
        return False
    return "".join(terms) in text or " ".join(terms) in text


def score(candidate: Candidate, terms: list[str]) -> float:
    if not terms:
        return candidate.bm25
    features = {
        "bm25": candidate.bm25 / (candidate.bm25 + 5.0),
        "whole_word": sum(whole_word(candidate, t) for t in terms) / len(terms),
        "proximity": proximity(candidate.text, terms),
        "phrase": float(phrase(candidate.text, terms)),
        "metadata": sum(t in candidate.metadata for t in terms) / len(terms),
    }
    return sum(WEIGHTS[name] * value for name, value in features.items())
