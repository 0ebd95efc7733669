"""What a query may have been heard as: known aliases, Chinese homophones, misspelt English.

People search for what they heard (杨植麟, scaling law, 端侧); the transcript holds what
the recogniser wrote (志玲, skin law, 端测). Each variant found here is an ordinary
literal term that search looks for in a separate, clearly labelled tier after the
exact matches, so exact matching stays exactly as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import Connection

from app import config
from app.aliases import equivalents
from app.lexicon import is_han
from app.people import split_name
from app.search.filters import CorpusFacts
from app.sounds import closeness, find_sounds, sound_phrases, sound_query, sound_string
from app.text import is_ordinary_word, normalize_characters, word_list, words

# Segments scanned to learn how a sound was written: of the 364 words of the judged queries, 15
# (common words: 一个, 模型) sound in more segments of the bundled data.
MAX_SOUND_CANDIDATES = 400
MAX_HEARD_FORMS = 8
# Names and terms are misheard; a longer run of characters is a remembered sentence, whose every
# syllable would have to sound the same, and whose sound phrase costs the most of any query to match.
MAX_SOUNDS_LIKE_CHARACTERS = 10
FUZZY_MIN_RATIO = 85
# A heard form ending or starting in one of these, where the query has another character, is the
# sound of a phrase boundary (生成是 for 生成式), not a mishearing.
FUNCTION_CHARACTERS = frozenset("是的了在和就也都而及与或把被让给对从到向吗呢吧啊")
LATIN_WORD = re.compile(r"[a-z]{4,}")


@dataclass(frozen=True)
class Variant:
    text: str  # normalised literal form to look for
    kind: str  # alias, sounds_like, fuzzy
    of: str  # the query term it may stand for
    score: float  # closeness to the query, 0..1
    talks: tuple[str, ...] | None = None  # where it counts: a speaker's name heard in their own talks


def variants(connection: Connection, facts: CorpusFacts, term: str) -> list[Variant]:
    """The best variants of one normalised query term, aliases first."""
    found = [Variant(form, "alias", term, 0.95) for form in equivalents(term)]
    if is_ordinary_word(term) or term[0] in FUNCTION_CHARACTERS or term[-1] in FUNCTION_CHARACTERS:
        return found  # someone typing 我们, 可以 or 得一个 did not mishear a name or a term
    if 2 <= len(term) <= MAX_SOUNDS_LIKE_CHARACTERS and all(is_han(c) for c in term) and not _sentence(term):
        found += _sounds_like(connection, facts, term)
    if LATIN_WORD.search(term):
        found += _misspelt(facts.latin_words, term)
    unique: dict[str, Variant] = {}
    for variant in found:
        if variant.text != term and variant.text not in unique:
            unique[variant.text] = variant
    return list(unique.values())


def _sentence(term: str) -> bool:
    """Words joined by a question or function word (各个和集中有什么区别, 觉得这个): what someone
    remembers saying, not a name or a term a recogniser misheard."""
    cut = words(term)
    stopwords = set(word_list(config.STOPWORDS_FILE))
    return len(cut) > 1 and any(word in stopwords for word in cut)


def spoken_forms(term: str, is_speaker: bool) -> list[tuple[str, float]]:
    """How a term is said: a speaker's name also by the given name alone (杨植麟 → 植麟).

    Only for people known to speak in some talk: a given name alone sounds like too many words.
    """
    forms = [(term, 1.0)]
    surname, given = split_name(term)
    if is_speaker and surname and len(given) >= 2:
        forms.append((given, 0.9))
    return forms


def _sounds_like(connection: Connection, facts: CorpusFacts, term: str) -> list[Variant]:
    """Spellings in the transcripts that sound like the term, closest and rarest first.

    A known speaker's name is looked for only in the talks they take part in: their
    given name said by a host (志玲 for 杨植麟) is a mishearing there, a homophone elsewhere.
    """
    heard: Counter[str] = Counter()
    weights: dict[str, float] = {}
    own_talks = facts.talks_of_speaker.get(term, frozenset())
    for form, weight in spoken_forms(term, bool(own_talks)):
        rows = connection.exec_driver_sql(
            "SELECT s.talk_id, s.text FROM segment s WHERE s.id IN "
            "(SELECT rowid FROM segment_sounds WHERE segment_sounds MATCH ? LIMIT ?)",
            (sound_query(form), MAX_SOUND_CANDIDATES),
        )
        wanted = {tuple(phrase.split()) for phrase in sound_phrases(form)}
        for talk_id, display_text in rows:
            if own_talks and talk_id not in own_talks:
                continue
            text = normalize_characters(display_text)  # the windows read are runs of Chinese characters
            sounds = sound_string(text)
            for start in sorted({at for phrase in wanted for at in find_sounds(sounds, phrase)}):
                window = text[start : start + len(form)]
                if len(window) == len(form):
                    heard[window] += 1
                    weights[window] = max(weights.get(window, 0.0), weight * closeness(form, window))
    where = tuple(sorted(own_talks)) or None
    candidates = [
        Variant(form, "sounds_like", term, round(weights[form], 3), where)
        for form in heard
        if form != term and not is_ordinary_word(form) and not _phrase_boundary(term, form)
    ]
    candidates.sort(key=lambda v: (-v.score, heard[v.text]))
    return candidates[:MAX_HEARD_FORMS]


def _phrase_boundary(term: str, heard: str) -> bool:
    ends = ((heard[0], term[0]), (heard[-1], term[-1]))
    return any(h in FUNCTION_CHARACTERS and h != t for h, t in ends)


def _misspelt(vocabulary: list[str], term: str) -> list[Variant]:
    """The term with one English word replaced by a close spelling from the transcripts (scanning → scaling)."""
    found = []
    for word in set(LATIN_WORD.findall(term)):
        for choice, ratio, _ in process.extract(word, vocabulary, scorer=fuzz.ratio, limit=4):
            # a shorter or longer word that contains the other is a different word (transform, transformer)
            if ratio >= FUZZY_MIN_RATIO and word not in choice and choice not in word:
                found.append(Variant(re.sub(rf"\b{word}\b", choice, term), "fuzzy", term, round(ratio / 100, 3)))
    return found
