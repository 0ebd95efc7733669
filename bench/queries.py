"""Queries drawn the way people search, from the database being measured, none repeated.

Each kind is sampled with a fixed seed from the corpus itself (so a query finds what a user
of that corpus would find): single characters and two-character words, everyday and rare
words, quoted phrases, English words, two terms, questions built around content words,
half-remembered passages, exclusions and alternatives, and filtered queries. The hostile set
is what the issue tracker listed as worst cases. Run `python -m bench.queries DB` to print a mix.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from app.text import normalize, words

Query = tuple[str, str, dict[str, str]]  # (kind, query, filters)

SAMPLED_SEGMENTS = 3000  # segments the words, phrases and passages are drawn from
PER_KIND = {
    "one character": 16,
    "two characters": 20,
    "word": 24,
    "rare word": 16,
    "phrase": 14,
    "English": 14,
    "two terms": 16,
    "question": 18,
    "passage": 14,
    "exclusion or OR": 8,
    "filtered": 16,
}
QUESTION_FORMS = (
    "{a}是什么",
    "{a}会不会{b}",
    "为什么{a}很重要",
    "怎么做{a}",
    "{a}和{b}有什么区别",
    "{a}对{b}有什么影响",
)
HOSTILE: list[Query] = [
    ("hostile", "的 OR 是 OR 了 OR 我 OR 们 OR 在 OR 有 OR 这", {}),
    ("hostile", "的 是 了 我 们 在 有 这 个 一 不 就 那 要 说 会", {}),
    ("hostile", "大模型" * 53 + "大", {}),
    ("hostile", "-的 -是", {}),
    ("hostile", "-的", {}),
    ("hostile", "的 OR 了 OR a OR e", {}),
    ("hostile", '"的"', {}),
    ("hostile", "我们 的 是", {}),
]

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN = re.compile(r"[a-z]{4,}")


Corpus = tuple[list[str], list[list[str]], Counter[str], list[tuple[str, str, str]]]


def _corpus(db: Path, rng: random.Random) -> Corpus:
    """Sampled segment texts (normalised), their jieba tokens, token frequencies and (event, forum, speaker) rows."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        (count,) = connection.execute("SELECT max(id) FROM segment").fetchone()
        ids = sorted(rng.sample(range(1, count + 1), min(SAMPLED_SEGMENTS, count)))
        marks = ",".join("?" * len(ids))
        rows = connection.execute(
            f"SELECT text FROM segment WHERE id IN ({marks})",
            ids,
        ).fetchall()
        frequencies = Counter(dict(connection.execute("SELECT token, segments FROM wordstat")))
        metadata = connection.execute(
            "SELECT coalesce(t.event, ''), coalesce(t.forum, ''), coalesce(sp.name, '') FROM talk t "
            "LEFT JOIN talkspeaker ts ON ts.talk_id = t.id LEFT JOIN speaker sp ON sp.id = ts.speaker_id"
        ).fetchall()
    texts = [normalize(text) for (text,) in rows]
    tokens = [words(text) for text in texts]
    return texts, tokens, frequencies, metadata


def query_mix(db: Path, seed: int = 11, scale: int = 1) -> list[Query]:
    """PER_KIND × `scale` distinct queries of every kind (a larger scale for load runs), in a shuffled order."""
    rng = random.Random(seed)
    texts, tokens, frequencies, metadata = _corpus(db, rng)
    segments = max(1, max(frequencies.values(), default=1))
    han_words = [w for words in tokens for w in words if len(w) >= 2 and _HAN_RUN.fullmatch(w)]
    everyday = [w for w in han_words if frequencies[w] > segments * 0.002]
    rare = [w for w in han_words if 2 <= frequencies[w] <= 12]
    english = [w for words in tokens for w in words if _LATIN.fullmatch(w)]
    characters = Counter(c for text in texts for c in text if "\u4e00" <= c <= "\u9fff")
    found: dict[tuple[str, tuple[tuple[str, str], ...]], Query] = {}

    def add(kind: str, query: str, filters: dict[str, str] | None = None) -> None:  # a repeat is dropped
        query = query.strip()
        key = (query, tuple(sorted((filters or {}).items())))
        if query and key not in found:
            found[key] = (kind, query, filters or {})

    def draw(kind: str, make: Callable[[], str | tuple[str, dict[str, str]] | None]) -> None:
        wanted, before = PER_KIND[kind] * scale, len(found)
        for _ in range(wanted * 50):
            if len(found) - before >= wanted:
                return
            made = make()
            if isinstance(made, tuple):
                add(kind, *made)
            elif made:
                add(kind, made)

    common_characters = [c for c, _ in characters.most_common(400)]
    pairs = [w for w in everyday if len(w) == 2] or ["模型"]
    longer = [w for w in everyday if len(w) >= 3] or ["大模型"]
    draw("one character", lambda: rng.choice(common_characters))
    draw("two characters", lambda: rng.choice(pairs))
    draw("word", lambda: rng.choice(longer))
    draw("rare word", lambda: rng.choice(rare) if rare else None)
    draw("phrase", lambda: _phrase(rng, texts))
    draw("English", lambda: rng.choice(english) if english else None)
    draw("two terms", lambda: _two_terms(rng, tokens, frequencies))
    draw("question", lambda: _question(rng, everyday, rare))
    draw("passage", lambda: _passage(rng, texts))
    draw("exclusion or OR", lambda: _operators(rng, everyday))
    draw("filtered", lambda: _filtered(rng, everyday, metadata))
    mix = list(found.values())
    rng.shuffle(mix)
    return mix


def _phrase(rng: random.Random, texts: list[str]) -> str | None:
    runs = [run for run in _HAN_RUN.findall(rng.choice(texts)) if len(run) >= 6]
    if not runs:
        return None
    run = rng.choice(runs)
    start = rng.randrange(len(run) - 4)
    return '"' + run[start : start + rng.randint(4, 6)] + '"'


def _two_terms(rng: random.Random, tokens: list[list[str]], frequencies: Counter[str]) -> str | None:
    words = [w for w in dict.fromkeys(rng.choice(tokens)) if len(w) >= 2 and frequencies[w] >= 2]
    return " ".join(rng.sample(words, 2)) if len(words) >= 2 else None


def _question(rng: random.Random, everyday: list[str], rare: list[str]) -> str | None:
    if not everyday:
        return None
    pool = everyday + rare
    return rng.choice(QUESTION_FORMS).format(a=rng.choice(pool), b=rng.choice(pool))


def _passage(rng: random.Random, texts: list[str]) -> str | None:
    """A remembered sentence: 20-40 characters of a segment with a character dropped here and there."""
    text = rng.choice(texts)
    if len(text) < 45:
        return None
    start = rng.randrange(len(text) - 40)
    passage = list(text[start : start + rng.randint(20, 40)])
    for _ in range(2):
        del passage[rng.randrange(len(passage))]
    return "".join(passage).replace('"', "")


def _operators(rng: random.Random, everyday: list[str]) -> str | None:
    if len(everyday) < 2:
        return None
    a, b = rng.sample(everyday, 2)
    return rng.choice([f"{a} -{b}", f"{a} OR {b}"])


def _filtered(
    rng: random.Random, everyday: list[str], metadata: list[tuple[str, str, str]]
) -> tuple[str, dict[str, str]] | None:
    if not everyday or not metadata:
        return None
    event, forum, speaker = rng.choice(metadata)
    choices = [("event", event[:4]), ("forum", forum[:6]), ("speaker", speaker)]
    name, value = rng.choice([c for c in choices if c[1]] or [("kind", "keynote")])
    return rng.choice(everyday), {name: value}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    mix = query_mix(args.db, args.seed)
    for kind, query, filters in [*mix, *HOSTILE]:
        print(f"{kind:<16} {query[:60]} {filters or ''}")
    print(f"{len(mix)} queries, {len(HOSTILE)} hostile")


if __name__ == "__main__":
    main()
