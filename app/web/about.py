"""What talks are about, read for pages and API: stored keywords of talks, sub-talks and forums, related
talks, and the keywords of a speaker's words, computed on request against the corpus counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import text
from app.aliases import alias_groups, aliases_version, canonical_forms
from app.models import Chapter, ChapterKeyword, ForumKeyword, RelatedTalk, Segment, Speaker, Talk, TalkKeyword, TermStat
from app.search.filters import corpus_facts
from app.topics.keywords import Corpus, Keyword, distinctive, fold, name_words, term_counts


@dataclass
class RelatedOut:
    talk: Talk
    score: float
    shared: list[str]


@dataclass
class ForumTopics:
    event: str
    forum: str
    keywords: list[Keyword]


def talk_keywords(session: Session, talk_id: str) -> list[Keyword]:
    rows = session.exec(select(TalkKeyword).where(TalkKeyword.talk_id == talk_id).order_by(col(TalkKeyword.rank)))
    return [_keyword(row.term, row.weight, row.count, row.forms) for row in rows]


def related(session: Session, talk_id: str) -> list[RelatedOut]:
    rows = session.exec(
        select(RelatedTalk, Talk)
        .join(Talk, col(Talk.id) == col(RelatedTalk.other_id))
        .where(RelatedTalk.talk_id == talk_id)
        .order_by(col(RelatedTalk.rank))
    ).all()
    return [RelatedOut(talk, link.score, link.shared.split(" | ")) for link, talk in rows]


def overview(session: Session) -> list[ForumTopics]:
    """Each forum's most distinctive terms, in programme order: what the conference was about."""
    order = {}
    for event, forum in session.exec(select(Talk.event, Talk.forum).order_by(col(Talk.position))):
        order.setdefault((event or "", forum or ""), len(order))
    found: dict[tuple[str, str], list[Keyword]] = {}
    for row in session.exec(select(ForumKeyword).order_by(col(ForumKeyword.rank))):
        found.setdefault((row.event, row.forum), []).append(_keyword(row.term, row.weight, row.count, row.term))
    return [ForumTopics(e, f, kws) for (e, f), kws in sorted(found.items(), key=lambda item: order.get(item[0], 0))]


def chapter_keywords(session: Session, talk_id: str) -> dict[int, list[Keyword]]:
    """Keywords of each sub-talk of a forum recording, by its start segment (stored at ingest)."""
    rows = session.exec(
        select(Chapter.start_segment, ChapterKeyword)
        .join(Chapter, (Chapter.talk_id == ChapterKeyword.talk_id) & (Chapter.number == ChapterKeyword.number))
        .where(ChapterKeyword.talk_id == talk_id)
        .order_by(col(ChapterKeyword.number), col(ChapterKeyword.rank))
    )
    found: dict[int, list[Keyword]] = {}
    for start, row in rows:
        found.setdefault(start, []).append(_keyword(row.term, row.weight, row.count, row.forms))
    return found


def speaker_keywords(session: Session, speaker_id: str) -> list[Keyword]:
    """What a person talks about: the keywords of the segments attributed to them."""

    def compute() -> list[Keyword]:
        texts = session.exec(select(Segment.text).where(Segment.speaker_id == speaker_id))
        return _distinctive(list(texts), session)

    return corpus_facts(session.connection()).remembered(("speaker keywords", speaker_id, aliases_version()), compute)


def _distinctive(texts: list[str], session: Session) -> list[Keyword]:
    corpus, excluded, groups, canonical = _corpus(session)
    counts = term_counts(text.word_runs(text.normalize(t)) for t in texts)
    folded, forms = fold(counts, canonical)
    return distinctive(folded, corpus, forms=forms, excluded=excluded, groups=groups)


_CorpusTerms = tuple[Corpus, frozenset[str], dict[str, list[str]], dict[str, str]]


def _corpus(session: Session) -> _CorpusTerms:
    """The corpus term counts, people's names, alias groups and their canonical forms, loaded once
    per database and alias list."""

    def load() -> _CorpusTerms:
        corpus = Corpus()
        for term, count, talks in session.exec(select(TermStat.term, TermStat.count, TermStat.talks)):
            corpus.counts[term], corpus.talks[term] = count, talks
        corpus.total = sum(corpus.counts.values())
        names = [
            n
            for name, aliases in session.exec(select(Speaker.name, Speaker.aliases))
            for n in [name, *aliases.split(" | ")]
            if n
        ]
        groups = alias_groups()
        return corpus, name_words(names), groups, canonical_forms(groups)

    return corpus_facts(session.connection()).remembered(("corpus terms", aliases_version()), load)


def _keyword(term: str, weight: float, count: int, forms: str) -> Keyword:
    return Keyword(term, weight, count, tuple(forms.split(" | ")))


def search_terms(keyword: Keyword) -> str:
    """The query that finds a keyword as the talk says it: every spelling, OR-ed (智谱 OR 智朴)."""
    spellings = list(dict.fromkeys([keyword.term, *keyword.forms]))
    return " OR ".join(f'"{s}"' if " " in s else s for s in spellings)
