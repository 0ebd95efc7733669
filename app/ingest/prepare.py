"""The CPU-heavy half of ingest: cleaning, structure, tokens and index forms of every segment.

Pure work on parsed files, with no database, so it can run in several processes
at once (`prepare_all`); ingest then only writes the results.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from app import text
from app.ingest.parsing import ParsedTalk, SourceText
from app.sounds import sound_tokens
from app.speakers.structure import Structure, analyse
from app.topics.keywords import heading_terms, pack_counts, term_counts, title_counts

PARALLEL_MIN_BYTES = 2_000_000  # below this, starting worker processes costs more than it saves

_cutter: text.IndexCutter | None = None  # this process's cutter for the word index, made by _start_worker


@dataclass
class PreparedTalk:
    parsed: ParsedTalk
    texts: list[str]  # display text of each segment
    structure: Structure
    forms: list[tuple[str, str, str]]  # per segment: see index_forms
    words: list[str]  # per segment: jieba tokens joined by spaces
    terms: bytes  # the talk's keyword candidates (topics/keywords.py) before variants are folded, packed
    chapter_terms: bytes | None  # the same per sub-talk of a forum recording, in order, packed


@dataclass
class PreparedSource:
    source: SourceText
    talks: list[PreparedTalk]


def index_forms(display_text: str) -> tuple[str, str, str]:
    """What the contentless indexes hold for a segment: normalised text, its characters, its sounds.

    Deleting from a contentless index needs exactly these values again, so they are
    always derived from the stored display text by this one function.
    """
    normalized = text.normalize(display_text)
    return normalized, text.char_tokens(normalized), sound_tokens(normalized)


def index_words(normalized: str, cutter: text.IndexCutter) -> str:
    """What the word index holds for a segment: its jieba tokens joined by spaces.

    Like index_forms, cut again to delete the segment, with a cutter made from the same names.
    """
    return _joined(text.word_runs(normalized, cutter))


def _joined(runs: list[str | None]) -> str:
    return " ".join(token for token in runs if token)


def prepare_talk(parsed: ParsedTalk) -> PreparedTalk:
    texts = [text.clean(p) for p in parsed.paragraphs]
    forms = [index_forms(t) for t in texts]
    if _cutter is None:
        raise RuntimeError("prepare_all makes the word index's cutter before any talk is prepared")
    tokens = [text.word_runs(normalized, _cutter) for normalized, _, _ in forms]
    words = [_joined(segment) for segment in tokens]  # what index_words gives, cut once
    terms = term_counts(tokens)
    terms += title_counts(heading_terms(parsed.heading.title, parsed.heading.session), [f[0] for f in forms], terms)
    structure = analyse(parsed.heading, texts)
    bounds = [*(subtalk.start for subtalk in structure.subtalks), len(texts) + 1]
    chapters = [term_counts(tokens[start - 1 : end - 1]) for start, end in zip(bounds, bounds[1:], strict=False)]
    return PreparedTalk(
        parsed, texts, structure, forms, words, pack_counts(terms), pack_counts(chapters) if chapters else None
    )


def prepare_source(source: SourceText) -> PreparedSource:
    return PreparedSource(source, [prepare_talk(talk) for talk in source.talks])


def heading_names(sources: list[SourceText]) -> list[str]:
    """The people of every heading: the word index cuts each of them as one word."""
    return sorted({p.name for source in sources for talk in source.talks for p in talk.heading.people})


def _start_worker(names: list[str]) -> None:
    global _cutter
    text.add_words(names, tag="nr")
    _cutter = text.IndexCutter(names)


def prepare_all(sources: list[SourceText], names: list[str]) -> Iterator[PreparedSource]:
    """Prepare every source, in order, in parallel processes when there is enough work to share.

    A generator: the caller writes each file while the next ones are being prepared,
    and only a few prepared files are held in memory at once. Every process first
    learns the names (heading_names), so that names are cut the same way wherever a
    segment is tokenised.
    """
    _start_worker(names)
    workers = min(os.cpu_count() or 1, len(sources))
    if workers < 2 or sum(source.size for source in sources) < PARALLEL_MIN_BYTES:
        yield from map(prepare_source, sources)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(names,)) as pool:
        # A bounded window of files in flight: Executor.map would queue every file at once and
        # hold every prepared result while the writer catches up.
        pending: deque[Future[PreparedSource]] = deque()
        for source in sources:
            pending.append(pool.submit(prepare_source, source))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
