"""The topic tables of a build: keywords of every talk and forum, related talks, corpus term counts.

Keywords compare each talk with the whole corpus, so they are recomputed for every talk
whenever any file changes (from the term counts kept per talk in `talkterms`, which is
quick), and when the alias list changes, since variants are folded onto one term.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from functools import partial

from sqlalchemy import delete, select
from sqlmodel import Session

from app.aliases import alias_groups, aliases_state, canonical_forms
from app.db import insert_rows
from app.models import ChapterKeyword, ForumKeyword, Meta, RelatedTalk, Speaker, Talk, TalkKeyword, TalkTerms, TermStat
from app.topics.keywords import (
    KEYWORD_COUNT,
    Corpus,
    Keyword,
    Spellings,
    distinctive,
    fold,
    heading_terms,
    interleave,
    name_words,
    spellings_of,
    unpack_counts,
)
from app.topics.related import related_talks

# A forum recording leads with its own top half of the keywords shown, then those of its sub-talks in turn.
WHOLE_FIRST = KEYWORD_COUNT // 2
RELATED_TERMS = 30  # keywords per talk that related talks are compared on (more than are shown)


def store_terms(session: Session, talk_id: str, counts: bytes, chapters: bytes | None) -> None:
    """A talk's term counts and its sub-talks', as `pack_counts` gave them."""
    session.add(TalkTerms(talk_id=talk_id, counts=counts, chapters=chapters))


def refresh_topics(session: Session) -> None:
    """Recompute every topic table from the stored term counts."""
    for table in (TalkKeyword, ChapterKeyword, ForumKeyword, RelatedTalk, TermStat):
        session.execute(delete(table))
    groups = alias_groups()
    canonical = canonical_forms(groups)
    folded: dict[str, tuple[Counter[str], Spellings]] = {}
    chapters: dict[str, bytes] = {}  # kept packed: unpacked one talk at a time, they would fill memory at scale
    for talk_id, packed, packed_chapters in session.execute(
        select(TalkTerms.talk_id, TalkTerms.counts, TalkTerms.chapters)
    ):
        folded[talk_id] = fold(Counter(unpack_counts(packed)), canonical)
        if packed_chapters:
            chapters[talk_id] = packed_chapters
    corpus = Corpus()
    for counts, _ in folded.values():
        corpus.add(counts)
    people = [name for row in session.execute(select(Speaker.name, Speaker.aliases)) for name in _names(*row)]
    excluded = name_words(people)
    ranked = partial(distinctive, corpus=corpus, excluded=excluded, groups=groups, naming={})
    titles = {
        talk_id: heading_terms(title, part_of)
        for talk_id, title, part_of in session.execute(select(Talk.id, Talk.title, Talk.session))
    }

    chapter_rows: list[dict] = []

    def keywords_of(talk_id: str, counts: Counter[str], forms: Spellings) -> list[Keyword]:
        """A talk's keywords; a forum recording's take turns with those of its sub-talks after its own best."""
        title = titles.get(talk_id, frozenset())
        whole = ranked(counts, forms=forms, title=title, limit=RELATED_TERMS)
        if talk_id not in chapters:
            return whole
        parts = []
        for chapter_counts in unpack_counts(chapters[talk_id]):
            said, spellings = fold(Counter(chapter_counts), canonical)
            parts.append(ranked(said, forms=spellings, limit=RELATED_TERMS))
        chapter_rows.extend(
            _keyword_row(k, rank, talk_id=talk_id, number=number)
            for number, found in enumerate(parts, 1)
            for rank, k in enumerate(found[:KEYWORD_COUNT], 1)
        )
        return interleave([whole[WHOLE_FIRST:], *parts], RELATED_TERMS, lead=whole[:WHOLE_FIRST])

    keywords = {talk_id: keywords_of(talk_id, counts, forms) for talk_id, (counts, forms) in folded.items()}
    insert_rows(session, ChapterKeyword, chapter_rows)
    rows = [
        _keyword_row(k, rank, talk_id=talk_id) for talk_id, found in keywords.items() for rank, k in enumerate(found, 1)
    ]
    insert_rows(session, TalkKeyword, [row for row in rows if row["rank"] <= KEYWORD_COUNT])
    forum_rows = [{k: v for k, v in row.items() if k != "forms"} for row in _forum_rows(session, folded, ranked)]
    insert_rows(session, ForumKeyword, forum_rows)
    insert_rows(
        session,
        RelatedTalk,
        [
            {"talk_id": talk_id, "rank": rank, "other_id": r.talk_id, "score": r.score, "shared": " | ".join(r.shared)}
            for talk_id, found in related_talks(keywords).items()
            for rank, r in enumerate(found, 1)
        ],
    )
    insert_rows(
        session,
        TermStat,
        [{"term": term, "count": count, "talks": corpus.talks[term]} for term, count in corpus.counts.items()],
    )
    session.merge(Meta(key="aliases", value=aliases_state()))


def _names(name: str, aliases: str) -> list[str]:
    return [name, *(alias for alias in aliases.split(" | ") if alias)]


def _keyword_row(keyword: Keyword, rank: int, **where: str | int) -> dict:
    return {
        **where,
        "rank": rank,
        "term": keyword.term,
        "weight": keyword.weight,
        "count": keyword.count,
        "forms": " | ".join(keyword.forms),
    }


def _forum_rows(
    session: Session,
    folded: dict[str, tuple[Counter[str], Spellings]],
    ranked: Callable[..., list[Keyword]],
) -> list[dict]:
    """Keywords of each forum: the term counts of its talks together, against the corpus (`ranked`:
    distinctive with the corpus given)."""
    members: dict[tuple[str, str], list[tuple[Counter[str], Spellings]]] = defaultdict(list)
    for talk_id, event, forum in session.execute(select(Talk.id, Talk.event, Talk.forum)):
        if talk_id in folded:
            members[(event or "", forum or "")].append(folded[talk_id])
    forums: dict[tuple[str, str], tuple[Counter[str], Spellings]] = {}
    for key, talks in members.items():
        counts: Counter[str] = Counter()
        for talk_counts, _ in talks:
            counts.update(talk_counts)
        forms: Spellings = {}
        gathering = {term for _, talk_forms in talks for term in talk_forms}  # said in other spellings somewhere
        for talk_counts, talk_forms in talks:
            for term in gathering.intersection(talk_counts):
                merged = forms.setdefault(term, {})
                for spelling, times in spellings_of(term, talk_counts, talk_forms).items():
                    merged[spelling] = merged.get(spelling, 0) + times
        forums[key] = (counts, forms)
    return [
        _keyword_row(k, rank, event=event, forum=forum)
        for (event, forum), (counts, forms) in forums.items()
        for rank, k in enumerate(ranked(counts, forms=forms), 1)
    ]
