"""Distinctive terms: the words a talk says much more often than the rest of the corpus does.

Pure functions over word counts. A talk's terms are its jieba words (whole words, not the
overlapping pieces of search mode), without fillers and one-character words, plus pairs of
adjacent words said together often (自动 驾驶 → 自动驾驶). Each term is scored by the
log-odds ratio of its rate in the talk against the rest of the corpus, with an informative
Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words"), divided by its standard
error: rare flukes and words every talk says both score low. Words of general language weigh less
(specificity) unless one talk says them nearly alone, words of the talk's title more (title_terms),
and a forum recording's keywords take turns between its sub-talks (interleave).
"""

from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import zip_longest
from math import log, sqrt

from wordfreq import zipf_frequency

from app import config
from app.bilingual import singular
from app.lexicon import OFFICE_TITLES, PERSON_TITLES, is_han
from app.people import split_name
from app.sounds import sound_key, sound_string
from app.text import common_word_frequency, is_added_word, normalize, word_list, word_runs

GENERAL_FREQUENCY = 3000  # jieba's frequency of an everyday word (感觉, 过去): such words weigh half as much
# The same rate for English words (wordfreq's Zipf scale: log10 of uses per billion words), about 5e-5:
# words as everyday as model, using, build weigh half as much as terms (transformer, diffusion).
GENERAL_ZIPF = 4.7
# An everyday word one talk says nearly alone (法律: 77 of the corpus's 85) is its topic after all: the
# share of the corpus's uses, to this power, is the least it weighs (share 0.9 → 0.66, 0.5 → 0.06).
CONCENTRATION_POWER = 4
PRIOR_STRENGTH = 500.0  # pseudo-words of corpus rates behind every talk's counts: tames small talks
# Least prior per term: a term only one talk says (数联网) is not taken for a fluke of infinite variance.
PRIOR_FLOOR = 1.0
MIN_COUNT = 3  # a term said fewer times in a talk says little about it
MIN_PAIR_COUNT = 3  # adjacent words said together this often become one term (自动驾驶)
PAIR_SHARE = 0.5  # ... when at least this share of the rarer word's uses are in the pair
KEYWORD_COUNT = 10  # terms shown per talk, sub-talk, forum and speaker
TITLE_SPAN = 3  # words of a title taken together as one term (国产/智能/算力 → 国产智能算力)
# Single characters that join a title's words rather than belong to a term (大模型为通用人工智能, 视觉生成中).
TITLE_JOINERS = frozenset("为与和及中在的之于对从向把被以及或跟同")
TITLE_WEIGHT = 2.0  # a term of the talk's own title (and session) is what its speaker says it is about
_LATIN = re.compile(r"^[a-z][a-z0-9.+#-]*$")
TITLES = frozenset(PERSON_TITLES) | frozenset(OFFICE_TITLES)  # after a surname: someone addressed (李老师, 王总)
_MEANINGLESS = re.compile(r"^[\d.,%-]+$|^[a-z]$")  # numbers, single letters
# Chinese spellings that sound alike are one term misheard (达利, 大理 for DALL·E) when the talk says at
# least this share of the corpus's uses of each: everyday homophones (公式, 公司) are said everywhere.
HEARD_ALIKE_SHARE = 0.5


@dataclass(frozen=True)
class Keyword:
    term: str
    weight: float  # z-score of the log-odds ratio against the rest of the corpus
    count: int  # times the talk says it, variants included
    forms: tuple[str, ...] = ()  # the spellings said, most frequent first (智朴, 智普)
    key: str = ""  # the canonical form the spellings were folded onto


def _name(canonical: str, spellings: tuple[str, ...], group: Sequence[str]) -> str:
    """The canonical form (智谱 for 智朴); when the talk speaks another script, the group's first form in
    that script (具身智能 for 聚生智能 in `embodied ai | 具身智能 | 聚生智能`), else what it says (幻觉)."""
    if canonical in spellings or canonical.isascii() == spellings[0].isascii():
        return canonical
    return next((form for form in group if form.isascii() == spellings[0].isascii()), spellings[0])


@dataclass
class Corpus:
    """Term counts of the whole corpus: what a talk's counts are compared with."""

    counts: Counter[str] = field(default_factory=Counter)
    talks: Counter[str] = field(default_factory=Counter)  # how many talks say each term
    total: int = 0

    def add(self, counts: Counter[str]) -> None:
        self.counts.update(counts)
        self.talks.update(counts.keys())
        self.total += sum(counts.values())


def whole_words(search_tokens: Sequence[str | None]) -> list[str | None]:
    """jieba's words from its search-mode tokens: the pieces (语言, 模型) emitted before a long word dropped.

    Search mode emits the two- and three-character dictionary words inside a longer word just
    before it; each such piece is a substring of the word that follows. None (a break) is kept.
    """
    out: list[str | None] = []
    for token in search_tokens:
        while token and out and len(token) > 2 and (last := out[-1]) and len(last) < len(token) and last in token:
            out.pop()
        out.append(token)
    return out


def filler_words() -> frozenset[str]:
    """Stopwords and fillers of both languages: words that say nothing of what is talked about."""
    return _fillers_of(word_list(config.STOPWORDS_FILE), word_list(config.FILLERS_FILE))


@lru_cache(maxsize=4)
def _fillers_of(stopwords: tuple[str, ...], fillers: tuple[str, ...]) -> frozenset[str]:
    """One set while the lists are unchanged, so _is_content finds its remembered answers."""
    return frozenset(stopwords) | frozenset(fillers)


def content_words(search_tokens: Sequence[str | None], fillers: frozenset[str] | None = None) -> list[str | None]:
    """Each whole word, or None where punctuation, a filler, a one-character word or a number breaks the run."""
    fillers = filler_words() if fillers is None else fillers
    return [word if word is not None and _is_content(word, fillers) else None for word in whole_words(search_tokens)]


@lru_cache(maxsize=100_000)
def _is_content(word: str, fillers: frozenset[str]) -> bool:
    """Remembered: ingest asks it of every word of every segment, and words repeat."""
    useless = word in fillers or _MEANINGLESS.match(word) or (len(word) < 2 and not _LATIN.match(word))
    return not useless


def term_counts(segments: Iterable[Sequence[str | None]], fillers: frozenset[str] | None = None) -> Counter[str]:
    """Counts of the terms of some segments (each its search-mode tokens, None at punctuation), pairs included."""
    fillers = filler_words() if fillers is None else fillers
    singles: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for tokens in segments:
        words = content_words(tokens, fillers)
        singles.update(w for w in words if w)
        pairs.update((a, b) for a, b in zip(words, words[1:], strict=False) if a and b and a + b not in fillers)
    counts = Counter(singles)
    for (first, second), together in pairs.items():
        if together >= MIN_PAIR_COUNT and together >= PAIR_SHARE * min(singles[first], singles[second]):
            counts[join_pair(first, second)] = together
            counts[first] -= together  # what is left is the word said on its own
            counts[second] -= together
    return +counts


def title_terms(title: str, fillers: frozenset[str] | None = None) -> frozenset[str]:
    """The terms a title names: its words and runs of up to TITLE_SPAN words (八卦炉, 基础软件, 数联网).

    A filler, a number or punctuation ends a run (面向, 的), so each run reads as a term.
    """
    fillers = filler_words() if fillers is None else fillers
    words = [
        None if word is None or word in fillers or word in TITLE_JOINERS or _MEANINGLESS.match(word) else word
        for word in whole_words(word_runs(normalize(title)))
    ]
    terms: set[str] = set()
    for start in range(len(words)):
        run = ""
        for word in words[start : start + TITLE_SPAN]:
            if word is None:
                break
            run = join_pair(run, word) if run else word
            if len(run) >= 2 or _LATIN.match(run):
                terms.add(_singular(run))  # as fold() counts it: Large Language Models is large language model
    return frozenset(terms)


def heading_terms(title: str, session: str | None) -> frozenset[str]:
    """The title terms of a talk: its title and the session it belongs to (主题讨论：通用人工智能)."""
    return title_terms("。".join(filter(None, (title, session))))


def title_counts(terms: frozenset[str], normalized_texts: Sequence[str], counts: Counter[str]) -> Counter[str]:
    """How often a talk says the runs of its title that are not already words of its counts (数联网, jieba
    cuts it 数/联网), said at least MIN_COUNT times and not mostly inside a longer run it also says."""
    said = Counter()
    joined = "\n".join(normalized_texts)
    for term in terms - counts.keys():
        if (count := len(re.findall(_said(term), joined))) >= MIN_COUNT:
            said[term] = count
    return Counter(
        {
            term: count
            for term, count in said.items()
            if not any(term in longer and longer != term and 2 * other >= count for longer, other in said.items())
        }
    )


def _said(term: str) -> str:
    """A pattern for a title term in the text: an English one as whole words, its last in the singular
    or the plural (title terms are singular: graph neural network for Graph Neural Networks)."""
    if not _LATIN.match(term.replace(" ", "")):
        return re.escape(term)
    stem, ending = (term[:-1], "(?:y|ies)") if term.endswith("y") else (term, "(?:s|es)?")
    return rf"\b{re.escape(stem)}{ending}\b"


def join_pair(first: str, second: str) -> str:
    """Two words as one term: Chinese words run together, Latin ones keep a space (scaling law)."""
    return f"{first} {second}" if first[-1].isascii() and second[0].isascii() else first + second


# canonical term → each spelling said of it → times said; only for the terms said in more than their own
# spelling (a term missing is said only as itself: see spellings_of)
Spellings = dict[str, dict[str, int]]


def fold(counts: Counter[str], canonical: dict[str, str]) -> tuple[Counter[str], Spellings]:
    """Counts with every variant spelling added to its canonical term, and the spellings said of each.

    Only the few terms that gather variants get spellings, in the order the counts list them: a dict per
    term held 4.2 million of them at 100× during ingest, and folding 2,123 talks and sub-talks took 1.75 s
    instead of 0.40."""
    moved: dict[str, str] = {}
    spelled: dict[str, list[tuple[int, str]]] = {}  # target → (position in counts, spelling) of its variants
    for position, term in enumerate(counts):
        target = canonical.get(term) or (_singular(term) if term.isascii() else term)  # Chinese has no plural
        if target != term:
            moved[term] = target
            spelled.setdefault(target, []).append((position, term))
    if not moved:
        return Counter(counts), {}
    said_plainly = {target for target in spelled if target in counts and target not in moved}
    if said_plainly:
        for position, term in enumerate(counts):
            if term in said_plainly:
                spelled[term].append((position, term))
    folded = Counter(counts)
    for term, target in moved.items():
        folded[target] += counts[term]
        folded[term] -= counts[term]
    for term in moved:
        if not folded[term]:
            del folded[term]
    forms = {target: {term: counts[term] for _, term in sorted(entries)} for target, entries in spelled.items()}
    return folded, forms


def pack_counts(value: object) -> bytes:
    """Term counts as stored (a talk's, or a list of its sub-talks'): compressed JSON. Packed where the talk
    is prepared, they cross to the writing process a tenth of their size, and it has less to do."""
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def unpack_counts(packed: bytes) -> object:
    return json.loads(zlib.decompress(packed))


def spellings_of(term: str, counts: Counter[str], forms: Spellings) -> dict[str, int]:
    """Each spelling said of a folded term, with its times (fold's counts and spellings)."""
    return forms.get(term) or {term: counts[term]}


@lru_cache(maxsize=100_000)
def _singular(term: str) -> str:
    """An English term with its last word in the singular (graph neural networks → graph neural network),
    so that both are counted as one term; any other term as it is."""
    if not _LATIN.match(term.replace(" ", "")):
        return term
    *head, last = term.split(" ")
    return " ".join([*head, singular(last)])


@cache
def specificity(term: str) -> float:
    """1 for a word general language rarely uses (幻觉, 端侧, diffusion), falling for everyday words
    (感觉, 公司, model, using).

    Frequencies in a general corpus (jieba's dictionary for Chinese, wordfreq's for English): words common
    there may still be said more in one talk than in others without being what the talk is about. A term
    of several English words (scaling law) counts as specific, like a Chinese compound jieba lacks.
    """
    if _LATIN.match(term):
        return 1 / (1 + sqrt(10 ** (zipf_frequency(term, "en", wordlist="small") - GENERAL_ZIPF)))
    return 1 / (1 + sqrt(common_word_frequency(term) / GENERAL_FREQUENCY))


def distinctive(
    counts: Counter[str],
    corpus: Corpus,
    *,
    forms: Spellings | None = None,
    excluded: frozenset[str] = frozenset(),
    groups: dict[str, Sequence[str]] | None = None,
    title: frozenset[str] = frozenset(),
    limit: int = KEYWORD_COUNT,
    naming: dict[str, bool] | None = None,
) -> list[Keyword]:
    """The terms of `counts` (part of `corpus`) that set it apart from the rest, best first.

    Terms of the title (title_terms) weigh TITLE_WEIGHT times as much. `naming` remembers whether a
    term names someone: calls with the same `excluded` share it, since the test is asked for every
    term of every talk, chapter and forum (at 100×, a third of the time keywords took).
    Of a term and a longer one holding it that accounts for most of its uses (具身 in
    具身智能), only the longer one is listed, and so are people's names, which say who spoke rather than what about.
    Chinese spellings that sound alike and are mostly said here count as one term (_fold_heard_alike).
    """
    naming = {} if naming is None else naming
    size = sum(counts.values())
    rest_total = max(corpus.total - size, 1)
    counts, forms, corpus_counts = _fold_heard_alike(counts, corpus, forms or {})
    said_in_corpus, corpus_total = corpus.counts, max(corpus.total, 1)
    scored = []
    for term, count in [(term, count) for term, count in counts.items() if count >= MIN_COUNT]:
        named = naming.get(term)
        if named is None:
            named = naming[term] = term in excluded or _addressed(term) or _heard_name(term, excluded)
        if named:
            continue
        # a sub-talk may pair words its talk did not: the corpus may not count such a term
        said = max(corpus_counts[term] if term in corpus_counts else said_in_corpus[term], count)
        prior = max(PRIOR_STRENGTH * said / corpus_total, PRIOR_FLOOR)
        rest = said - count
        # (the other words' pseudo-counts never fall below PRIOR_FLOOR: a talk may say nothing but this term)
        here = log((count + prior) / max(size + PRIOR_STRENGTH - count - prior, PRIOR_FLOOR))
        there = log((rest + prior) / max(rest_total + PRIOR_STRENGTH - rest - prior, PRIOR_FLOOR))
        z = (here - there) / sqrt(1 / (count + prior) + 1 / (rest + prior))
        if z > 0:
            weight = max(specificity(term), (count / said) ** CONCENTRATION_POWER)
            scored.append((z * weight * (TITLE_WEIGHT if term in title else 1), term, count))
    scored.sort(reverse=True)
    chosen: list[Keyword] = []
    for z, term, count in scored:
        if any(term in k.key and count < 2 * k.count for k in chosen):
            continue
        said = forms.get(term) if forms else None
        spellings = tuple(sorted(said, key=said.__getitem__, reverse=True)) if said else (term,)
        group = (groups or {}).get(term, ())
        keyword = Keyword(_name(term, spellings, group), round(z, 2), count, spellings, term)
        inside = [i for i, k in enumerate(chosen) if k.key in term and k.count < 2 * count]
        if inside:  # 具身 chosen first, then 具身智能: the fuller term takes the place of the first it holds
            chosen[inside[0]] = replace(keyword, weight=chosen[inside[0]].weight)
            chosen = [k for i, k in enumerate(chosen) if i not in inside[1:]]  # graph neural, neural network
        else:
            chosen.append(keyword)
        if len(chosen) == limit:
            break
    return chosen


def _fold_heard_alike(
    counts: Counter[str], corpus: Corpus, forms: Spellings
) -> tuple[Counter[str], Spellings, dict[str, int]]:
    """Counts and spellings with the Chinese terms that sound alike and are mostly said here
    (HEARD_ALIKE_SHARE) added to the most said of them, and the corpus's uses of each such group."""
    said_in_corpus = corpus.counts
    by_sound: dict[tuple[str, ...] | None, list[str]] = {}
    for term in [t for t, count in counts.items() if count >= HEARD_ALIKE_SHARE * said_in_corpus[t] and len(t) >= 2]:
        by_sound.setdefault(sound_key(term), []).append(term)
    groups = [terms for key, terms in by_sound.items() if key is not None and len(terms) > 1]
    if not groups:
        return counts, forms, {}
    counts, forms = Counter(counts), dict(forms)
    corpus_counts = {}
    for terms in groups:
        leader, *others = sorted(terms, key=lambda term: (-counts[term], term))
        spellings = dict(spellings_of(leader, counts, forms))
        for other in others:
            for spelling, times in spellings_of(other, counts, forms).items():
                spellings[spelling] = spellings.get(spelling, 0) + times
            forms.pop(other, None)
        forms[leader] = spellings
        corpus_counts[leader] = sum(corpus.counts[term] for term in terms)
        counts[leader] = sum(counts.pop(term) for term in terms)
    return counts, forms, corpus_counts


def interleave(
    rankings: Sequence[Sequence[Keyword]], limit: int = KEYWORD_COUNT, lead: Sequence[Keyword] = ()
) -> list[Keyword]:
    """One list from the keywords of each sub-talk of a forum, after lead: the best of each, then the second...

    A forum recording is many talks; its keywords should name what each was about (书生, 风乌),
    not what the forum as a whole repeats (实验室). Within a round, the heavier keyword comes first;
    a term already taken (or one holding or held by it) is skipped.
    """
    chosen = list(lead[:limit])
    for round_ in zip_longest(*rankings):
        for keyword in sorted((k for k in round_ if k), key=lambda k: -k.weight):
            if not any(keyword.key in k.key or k.key in keyword.key for k in chosen):
                chosen.append(keyword)
            if len(chosen) == limit:
                return chosen
    return chosen


@cache
def _name_sounds(names: frozenset[str]) -> frozenset[str]:
    return frozenset(sound_string(name) for name in names if len(name) >= 2 and all(map(is_han, name)))


def _heard_name(term: str, names: frozenset[str]) -> bool:
    """A word that sounds like a person's name or given name (雅琴 for 亚勤): the recogniser's spelling of
    someone addressed, not a topic. Words of the domain dictionary (智源) are terms whatever they sound like.
    Cheapest test first: it runs for every term of every talk."""
    return (
        len(term) >= 2
        and all(map(is_han, term))
        and sound_string(term) in _name_sounds(names)
        and not is_added_word(term)
    )


def _addressed(term: str) -> bool:
    """A surname and a title (李老师, 王总): someone addressed, not a topic. jieba's own name tags are not
    used: its dictionary tags 无人驾驶, 老虎机 and 安全性 as names."""
    surname, rest = split_name(term)
    return surname is not None and rest in TITLES


def name_words(names: Iterable[str]) -> frozenset[str]:
    """Terms that name people rather than topics: full names, given names (亚勤, 志玲) and titles."""
    words: set[str] = set(PERSON_TITLES) | set(OFFICE_TITLES)
    for name in names:
        normalized = normalize(name)
        words.add(normalized)
        surname, given = split_name(normalized)
        if surname and len(given) >= 2:
            words.add(given)
    return frozenset(words)
