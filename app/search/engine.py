"""Query → matching segments → ranking → page of hits, facets and suggestions.

Literal matching is exact: a segment matches when its normalised text contains every
term as a substring (matching.py). Those segments are ranked by BM25 over jieba tokens,
refined for the top candidates by the features in `ranking.py`. `total` counts them only;
a query too broad to count within the time budget gets a lower bound instead (broad.py).

In relevance order the first results are one ranking (fusion.py) of those and of the
other sources: variants of a term, the related tier (most of the query's content words),
segments sharing some of its words, and segments close in meaning. After that window,
and in programme order, the literal matches follow, then the variant and related tiers.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from math import ceil, log
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field, computed_field
from rapidfuzz import fuzz, process
from sqlalchemy import Connection

from app import bilingual, config, semantic
from app.aliases import aliases_version, equivalents, forms_said_in
from app.db import StaleFile
from app.lexicon import HAN
from app.models import TALK_KINDS
from app.search import fusion, ranking
from app.search.broad import first_matches
from app.search.budget import OutOfTime, alongside, deadline, turn
from app.search.filters import CorpusFacts, Restriction, corpus_facts, restrict
from app.search.highlight import mark
from app.search.matching import clause_sql, fts_phrase, matching_ids_sql, negations_sql, term_sql
from app.search.query import Clause, Query, Term, parse_query
from app.search.tally import Tally, parse_ids
from app.search.variants import Variant, variants
from app.text import meaningful_words, normalize, plain_words, words
from app.topics.keywords import filler_words, specificity

SNIPPET_WIDTH = 160
FACETS = ("event", "forum", "kind", "speaker", "talk")
RERANK_DEPTH = 100  # the top candidates by BM25 that the finer features re-order
RANK_SAMPLE = 2000  # a tier larger than this is ranked on an even sample of this many segments
Sort = Literal["relevance", "programme"]
Mode = Literal["all", "literal"]  # literal: only segments holding every term
FUSED_DEPTH = 50  # candidates each source contributes to the one ranking of the first results
# Segments one BM25 ranking of the query's words scores in full; beyond, its commonest words are ranked on
# an even sample (BM25 is about 1 µs a segment: 模型 alone, in 165,000 segments at 100×, took 157 ms).
WORD_RANK_ROWS = 20_000
SAMPLED_RANK_ROWS = 5_000  # the size of that sample: a segment saying only common words seldom ranks high
EXCLUSION_SLACK = 2  # times the candidates ranked when excluded terms will take some of them out
TRANSLATION_POOL = 3  # times FUSED_DEPTH candidates by BM25 that the coverage of the query's words re-orders
SEMANTIC_DEPTH = 200  # nearest neighbours looked at before filters and exclusions
# The encoder reads at most this many of a query's leading characters and words: its time grows with
# the text (15 ms for 3 characters, 32 for 36, 61 for 76). On the tuning half, nDCG@10 0.670 with the
# whole query, 0.651 / 0.676 / 0.670 with the first 16 / 24 / 32 (remembered passages 0.79 → 0.82 at 24).
ENCODED_UNITS = 24
_UNIT = re.compile(f"[{HAN}]|[^\\s{HAN}]+")  # a Chinese character, or a run of anything else but spaces
QUICK_WORDS = 6  # rarest words ranked for a query whose full ranking ran out of time
SUGGESTED_UP_TO = 12  # characters of a term that may be a misspelt word; a longer one is a remembered sentence
_ENCODING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encode")  # the encoder takes one text at a time
# Each search computing (at most SEARCHES_AT_ONCE) finds its word and meaning candidates beside its tiers;
# twice as many threads, so that the helper of a search that ran out of time (it stops at the same
# deadline) never delays the next search's.
_BESIDE = ThreadPoolExecutor(max_workers=2 * config.SEARCHES_AT_ONCE, thread_name_prefix="beside")


class Hit(BaseModel):
    """One segment on a result page; also what the JSON API returns for it."""

    segment_id: int = Field(exclude=True)  # the row id, for fusing rankings; not part of the API
    talk_id: str
    talk_title: str
    segment: int
    speaker: str | None = Field(description="who speaks most of this paragraph, when known")
    text: str
    marked: tuple[str, ...] = Field((), exclude=True)  # the words the snippet marks
    score: float
    match: str = Field(
        "exact",
        description="exact (every term), alias, sounds_like, fuzzy (a variant of a term), words (some of the "
        "query's words), translated (the query's words in the other language), semantic (similar meaning), "
        "context (next to passages that match) or related (most of the words, after the ranked results)",
    )
    heard: str | None = Field(None, description="for approximate matches: the form found in the text")
    translation: str | None = Field(
        None, description="for translated matches: the query's word in the other language that the text says"
    )

    @computed_field(description="HTML-safe excerpt with <mark> around the matches")  # type: ignore[prop-decorator]
    @property
    def snippet(self) -> str:
        # Computed when shown: a search builds a hundred candidate hits to show twenty.
        return str(mark(self.text, list(self.marked), SNIPPET_WIDTH))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return f"/talks/{self.talk_id}#s{self.segment}"


@dataclass
class Facet:
    value: str  # what goes into the filter parameter
    label: str
    count: int


@dataclass
class SearchResult:
    query: Query
    total: int
    hits: list[Hit] = field(default_factory=list)
    approximate_total: int | None = None  # None: not looked for, the page was full of exact matches
    variants: list[Variant] = field(default_factory=list)
    related_total: int = 0
    related_words: list[str] = field(default_factory=list)
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)  # names the speaker filter resolved to
    speaker_match: str | None = None  # exact, partial, sounds_like or similar
    warnings: list[str] = field(default_factory=list)  # what of the query was not searched, or cannot match
    ranked: int = 0  # how many first results are one ranking of every kind of evidence
    total_exact: bool = True  # False: too broad to count in time, `total` is a lower bound
    embedding: semantic.Progress | None = None  # vectors still being computed: meaning-based results not yet in


@dataclass
class _Scope:
    """The SQL of one result tier: which segments, within which talks and speakers."""

    ids_sql: str
    ids_params: list[str]
    restriction: Restriction

    def where(self) -> tuple[str, list[str]]:
        return self.restriction.where()

    def counts(self, connection: Connection) -> Tally:
        """Matching segments per talk and per attributed speaker: totals and facets (tally.py)."""
        return self._matches(connection).counts

    def ranking_sample(self, connection: Connection) -> _Sample:
        """Every `step`-th segment (by id) of a tier too large to rank in full; step 1 for the rest."""
        return self._matches(connection).sample

    def _matches(self, connection: Connection) -> _Matches:
        """The tier's ids read once: counted, and sampled for ranking, so neither runs the match again."""
        sql, arguments = f"SELECT group_concat(id) FROM ({self.ids_sql})", tuple(self.ids_params)
        facts = corpus_facts(connection)

        def read() -> _Matches:
            found = parse_ids(connection.exec_driver_sql(sql, arguments).scalar())
            allowed = facts.owners.within(found, self.restriction.talks, self.restriction.speakers)
            step = max(1, -(-len(allowed) // RANK_SAMPLE))
            return _Matches(facts.owners.tally(allowed), _Sample(step, allowed[allowed % step == 0]))

        return facts.remembered(("matches", sql, arguments, repr(self.restriction)), read)


@dataclass(frozen=True)
class _Sample:
    step: int
    ids: np.ndarray  # the matching ids divisible by step: all of them when step is 1

    def json(self) -> str:
        return json.dumps(self.ids.tolist())


@dataclass(frozen=True)
class _Matches:
    counts: Tally
    sample: _Sample


def _ranked_ids(
    connection: Connection,
    scope: _Scope,
    rank_words: list[str],
    *,
    sort: Sort,
    limit: int,
    offset: int,
    coverage_words: dict[str, float],
) -> list[tuple[int, float, float]]:
    """(segment id, bm25, coverage) of one slice of a tier, in order.

    Only ids and scores are sorted here; texts are read for the page alone. BM25 is
    computed for the tier's segments only, and when a tier is huge (a common word)
    for an even sample of RANK_SAMPLE of them, ranked first; the rest follow in
    programme order, so every matching segment is still reachable page by page.
    `coverage` sums the weights of the `coverage_words` a segment holds.
    """
    facts = corpus_facts(connection)
    where, where_params = scope.where()
    sample = scope.ranking_sample(connection)
    rank_words = _worth_reading(facts, rank_words)
    joins, rank, rank_params, ranked, scored, step = "", "0", [], "1", "", 1
    if where or coverage_words or sort == "programme":
        joins = "JOIN segment s ON s.id = m.id JOIN talk t ON t.id = s.talk_id "
    if rank_words and sort == "relevance":
        step = sample.step
        ranked = f"(m.id % {step} = 0)"
        scored = (
            ", scored(id, rank) AS MATERIALIZED (SELECT rowid, bm25(segment_words) FROM segment_words "
            f"WHERE segment_words MATCH ? AND rowid % {step} = 0 AND +rowid IN (SELECT id FROM matched))"
        )
        joins += "LEFT JOIN scored w ON w.id = m.id "
        rank, rank_params = "coalesce(-w.rank, 0)", [" OR ".join(fts_phrase(w) for w in rank_words)]
    coverage = " + ".join(f"(? * ({_holds(word)}))" for word in coverage_words) or "0"
    coverage_params = [value for word, weight in coverage_words.items() for value in (weight, word)]
    order = "t.position, s.number" if sort == "programme" else f"{ranked} DESC, coverage DESC, bm25 DESC, m.id"

    def rows(sampled: bool, limit: int = limit, offset: int = offset) -> list[tuple[int, float, float]]:
        # The sampled segments come first, so a page among them needs only them: a few thousand rows
        # sorted rather than every match of a common word.
        # The sample's ids were read when the tier was counted: the match need not run again.
        matched, matched_params = (
            ("SELECT value FROM json_each(?)", [sample.json()])
            if sampled
            else (f"SELECT id FROM ({scope.ids_sql})", scope.ids_params)
        )
        sql = (
            f"WITH matched(id) AS MATERIALIZED ({matched}){scored} "
            f"SELECT m.id, {rank} AS bm25, {coverage} AS coverage "
            f"FROM matched m {joins}{where} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        params = (*matched_params, *rank_params, *coverage_params, *where_params, limit, offset)
        return [tuple(row) for row in connection.exec_driver_sql(sql, params)]

    key = ("ranked", scope.ids_sql, tuple(scope.ids_params), repr(scope.restriction), sort)
    key = (*key, tuple(rank_words), tuple(coverage_words.items()))
    if sample.step == 1:
        # A tier small enough to have been read whole is ordered once, whatever page is asked for:
        # BM25 reads the posting lists of every rank word, which costs the same for any page.
        whole = facts.remembered((*key, "whole"), lambda: _Ordering.of(rows(sampled=True, limit=-1, offset=0)))
        return whole.page(offset, limit)

    def compute() -> list[tuple[int, float, float]]:
        page = rows(sampled=True) if step > 1 else []
        return page if len(page) == limit else rows(sampled=False)

    return facts.remembered((*key, limit, offset), compute)


def _worth_reading(facts: CorpusFacts, rank_words: list[str]) -> list[str]:
    """The words whose BM25 orders a tier: the segments of a word said in more than WORD_RANK_ROWS cost
    more to read than its weight tells (at 100×, ranking the 573 segments that say "模型出现" read the
    165,000 that say 模型: 37 ms, 2.4 without it), so such a word is left out while a rarer one remains."""
    kept = [word for word in rank_words if facts.said(word) <= WORD_RANK_ROWS]
    return kept or _by_rarity(facts, rank_words)[:1]


def _by_rarity(facts: CorpusFacts, words: Iterable[str]) -> list[str]:
    """The words, those in the fewest segments first (alphabetical among equals, for a stable order)."""
    return sorted(words, key=lambda word: (facts.said(word), word))


@dataclass(frozen=True)
class _Ordering:
    """A ranked tier as arrays (a tenth of the memory of tuples, for the answer cache)."""

    ids: np.ndarray
    bm25: np.ndarray
    coverage: np.ndarray

    @classmethod
    def of(cls, rows: list[tuple[int, float, float]]) -> _Ordering:
        ids, bm25, coverage = zip(*rows, strict=True) if rows else ((), (), ())
        return cls(np.array(ids, dtype=np.int64), np.array(bm25, dtype=float), np.array(coverage, dtype=float))

    def page(self, offset: int, limit: int) -> list[tuple[int, float, float]]:
        part = slice(offset, offset + limit)
        return list(zip(self.ids[part].tolist(), self.bm25[part].tolist(), self.coverage[part].tolist(), strict=True))


def _segments(connection: Connection, ids: list[int]) -> dict[int, tuple]:
    """talk id, number, speaker name and text of the given segments."""
    marks = ",".join("?" * len(ids))
    rows = connection.exec_driver_sql(
        "SELECT s.id, s.talk_id, s.number, sp.name, s.text FROM segment s "
        f"LEFT JOIN speaker sp ON sp.id = s.speaker_id WHERE s.id IN ({marks})",
        tuple(ids),
    )
    return {row[0]: tuple(row[1:]) for row in rows}


@dataclass(frozen=True)
class _PageRequest:
    """Which page of a tier to show, and how to rank and label it; also its cache key."""

    terms: tuple[str, ...]
    sort: Sort
    limit: int
    offset: int
    match: str
    coverage_words: tuple[tuple[str, float], ...] = ()


def _kept(hits: list[Hit]) -> tuple[tuple, ...]:
    """Hits as the answer cache keeps them: a tuple of a hit's fields takes a tenth of the memory of the
    model (136 bytes against 1,356, its text aside), and a full cache at 100× held 26 MB per worker."""
    return tuple(tuple(getattr(hit, name) for name in Hit.model_fields) for hit in hits)


def _hits(kept: Sequence[tuple]) -> list[Hit]:
    """New hits from kept ones (callers relabel and re-score them), without validating them again."""
    return [Hit.model_construct(**dict(zip(Hit.model_fields, values, strict=True))) for values in kept]


def _page(connection: Connection, facts: CorpusFacts, scope: _Scope, request: _PageRequest) -> list[Hit]:
    """One page of a tier, remembered."""
    if request.limit <= 0:
        return []
    key = ("page", scope.ids_sql, tuple(scope.ids_params), repr(scope.restriction), request)
    return _hits(facts.remembered(key, lambda: _kept(_compute_page(connection, facts, scope, request))))


def _compute_page(connection: Connection, facts: CorpusFacts, scope: _Scope, request: _PageRequest) -> list[Hit]:
    """BM25 picks the top candidates, the finer features in ranking.py re-order them."""
    terms, offset, limit = list(request.terms), request.offset, request.limit
    rerank = request.sort == "relevance" and offset + limit <= RERANK_DEPTH
    ranked = _ranked_ids(
        connection,
        scope,
        sorted({w for term in terms for w in words(term)}),
        sort=request.sort,
        limit=RERANK_DEPTH if rerank else limit,
        offset=0 if rerank else offset,
        coverage_words=dict(request.coverage_words),
    )
    details = _segments(connection, [segment_id for segment_id, _, _ in ranked])
    scored = []
    for segment_id, bm25, cover in ranked:
        talk_id, number, speaker, text = details[segment_id]
        value = bm25
        if rerank:
            normalized = normalize(text)
            candidate = ranking.Candidate(normalized, bm25, facts.talks[talk_id].metadata)
            value = ranking.score(candidate, terms)
        scored.append((cover, value, segment_id, talk_id, number, speaker, text))
    if rerank:
        scored.sort(key=lambda row: (-row[0], -row[1]))
        scored = scored[offset : offset + limit]
    return [
        _hit(facts, segment_id, talk_id, number, speaker, text, terms, value, request.match)
        for _, value, segment_id, talk_id, number, speaker, text in scored
    ]


def _hit(
    facts: CorpusFacts,
    segment_id: int,
    talk_id: str,
    number: int,
    speaker: str | None,
    text: str,
    terms: list[str],
    score: float,
    match: str,
) -> Hit:
    return Hit(
        segment_id=segment_id,
        talk_id=talk_id,
        talk_title=facts.talks[talk_id].title,
        segment=number,
        speaker=speaker,
        text=text,
        marked=tuple(terms),
        score=round(score, 4),
        match=match,
    )


def _facets(facts: CorpusFacts, counts: Tally) -> dict[str, list[Facet]]:
    """Counts of the current matches by event, forum, kind, attributed speaker and talk."""
    by: dict[str, Counter[tuple[str, str]]] = {name: Counter() for name in FACETS}
    for talk_id, count in counts.talks():
        talk = facts.talks[talk_id]
        if talk.event:
            by["event"][(talk.event, talk.event)] += count
        if talk.forum:
            by["forum"][(talk.forum, talk.forum)] += count
        by["kind"][(talk.kind, TALK_KINDS.get(talk.kind, talk.kind))] += count
        by["talk"][(talk_id, talk.title)] += count
    for speaker_id, count in counts.speakers():
        if speaker_id in facts.speakers:
            by["speaker"][(speaker_id, facts.speakers[speaker_id][0])] += count
    return {
        name: [Facet(value, label, count) for (value, label), count in counter.most_common(12)]
        for name, counter in by.items()
        if counter
    }


def suggestions(connection: Connection, query: Query, limit: int = 6) -> list[str]:
    """Close index words and speaker names for each term, for a query that found nothing."""
    facts = corpus_facts(connection)
    found: list[str] = []
    for term in (t for t in query.positive_terms if len(t.text) <= SUGGESTED_UP_TO):
        for choices in (facts.speaker_names, facts.words_sharing_a_character(term.text)):
            for choice, similarity, _ in process.extract(term.text, choices, scorer=fuzz.WRatio, limit=limit):
                if similarity >= 60 and choice != term.text and choice not in found:
                    found.append(choice)
    return found[:limit]


def search(
    connection: Connection,
    raw_query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    filters: dict[str, str] | None = None,
    sort: Sort = "relevance",
    mode: Mode = "all",
    budget: float | None = None,
) -> SearchResult:
    """A page of results. `total` counts the segments holding every term literally.

    In relevance order (mode "all") the first FUSED_DEPTH-odd places are one ranking of every
    kind of evidence (fusion.py); after them, and in programme order, the literal matches follow,
    then the variant and related tiers. Mode "literal" lists the literal matches only.
    A query that cannot be answered within `budget` seconds (config.SEARCH_BUDGET_SECONDS)
    gets its first literal matches instead, and `total` becomes a lower bound (broad.py).
    """
    query = parse_query(raw_query)
    query.filters.update({k: v for k, v in (filters or {}).items() if v})
    if not query:
        return SearchResult(query, 0)
    facts = corpus_facts(connection)  # loaded once per database, outside the budget of one query
    with turn():
        if sort == "relevance" and mode == "all":
            _query_vector(facts, query)  # starts encoding the query while SQLite works
        seconds = config.SEARCH_BUDGET_SECONDS if budget is None else budget
        counted: tuple[SearchResult, _Scope] | None = None
        try:
            with deadline(connection, seconds):
                counted = _counted(connection, facts, query)
                result, exact = counted
                _rank(connection, facts, result, exact, limit=limit, offset=offset, sort=sort, mode=mode)
                return result
        except OutOfTime:
            return _too_broad(connection, facts, query, limit, offset, counted[0] if counted else None)


def _too_broad(
    connection: Connection, facts: CorpusFacts, query: Query, limit: int, offset: int, counted: SearchResult | None
) -> SearchResult:
    """The first literal matches, unranked; without `counted` totals, `total` becomes a lower bound."""
    if counted is not None and counted.total == 0:
        result = replace(counted, hits=[], ranked=0, approximate_total=None, related_total=0)
        quick_key = ("quick", query.raw, tuple(sorted(query.filters.items())))
        ranked = facts.remembered(quick_key, lambda: _quick_ranking(connection, facts, query))
        result.hits = ranked[offset : offset + limit]
        result.ranked = len(result.hits)
        notice = (
            "This query took too long to rank in full: the passages shown share its rarest words "
            "or are closest in meaning."
        )
        result.warnings = [*result.warnings, f"{notice} A shorter query ranks every kind of match."]
        return result
    restriction = restrict(facts, query.filters)
    key = ("broad", query.raw, tuple(sorted(query.filters.items())), limit, offset)
    found = facts.remembered(
        key, lambda: first_matches(connection, query, restriction, limit, offset, config.BROAD_SCAN_SECONDS)
    )
    terms = [t.text for t in query.positive_terms]
    if counted is not None:
        result = replace(counted, hits=[], ranked=0, approximate_total=None, related_total=0)
        notice = "This query is too broad to rank in time: its matches are shown in the order they were found."
    else:
        result = _literal_result(facts, query, restriction, found.at_least, total_exact=False)
        notice = (
            f"This query is too broad to count or rank in time: at least {found.at_least:,} segments match. "
            "The first of them are shown in the order they were found."
        )
    result.warnings = [*result.warnings, f"{notice} Add a rarer word or a filter to narrow it."]
    result.hits = [_hit(facts, *row, terms, 0.0, "exact") for row in found.rows]
    return result


def _quick_ranking(connection: Connection, facts: CorpusFacts, query: Query) -> list[Hit]:
    """What a query that matched nothing literally gets when the full ranking ran out of time: passages
    holding its rarest words (QUICK_WORDS of them, the cheapest evidence to rank) and the nearest in meaning."""
    restriction = restrict(facts, query.filters)
    words = _shared_words(query)
    try:
        with deadline(connection, config.BROAD_SCAN_SECONDS):
            by_words = _word_candidates(connection, facts, query, restriction, words, rarest=QUICK_WORDS, keep_one=True)
            similar = _semantic_candidates(connection, facts, query, restriction)
            ranked = {"words": by_words, "semantic": [segment_id for segment_id, _ in similar]}
            marked = [t.text for t in query.positive_terms] + words
            return _fused_hits(connection, facts, query, restriction, ranked, dict(similar), {}, marked)
    except OutOfTime:
        return []


def _counted(connection: Connection, facts: CorpusFacts, query: Query) -> tuple[SearchResult, _Scope]:
    """The literal matches counted, in total and by facet; the result has no hits yet."""
    ids_sql, params = matching_ids_sql(query)
    restriction = restrict(facts, query.filters)
    exact = _Scope(ids_sql, params, restriction)
    counts = exact.counts(connection)
    facet_key = ("facets", exact.ids_sql, tuple(exact.ids_params), repr(restriction))
    facets = facts.remembered(facet_key, lambda: _facets(facts, counts))
    return _literal_result(facts, query, restriction, counts.total, facets=facets), exact


def _literal_result(
    facts: CorpusFacts, query: Query, restriction: Restriction, total: int, **fields: object
) -> SearchResult:
    """A result without hits yet, carrying the query's warnings and the speakers its filter matched."""
    result = SearchResult(query, total, warnings=query.warnings + restriction.warnings, **fields)
    if restriction.speakers is not None:
        result.speakers = [facts.speakers[sid][0] for sid in restriction.speakers]
        result.speaker_match = restriction.speaker_match
    return result


def _rank(
    connection: Connection,
    facts: CorpusFacts,
    result: SearchResult,
    exact: _Scope,
    *,
    limit: int,
    offset: int,
    sort: Sort,
    mode: Mode,
) -> None:
    """The page of hits: the fused window of every source, then the listing of the tiers."""
    query = result.query
    terms = [t.text for t in query.positive_terms]
    page = _PageRequest(tuple(terms), sort, limit, offset, "exact")
    window, tiers = [], SearchResult(query, 0)
    if sort == "relevance" and mode == "all" and query.has_positive_terms:
        key = (
            "window",
            exact.ids_sql,
            tuple(exact.ids_params),
            repr(exact.restriction),
            aliases_version(),
            facts.vectors() is not None,
        )
        window, tiers = facts.remembered(key, lambda: _kept_window(connection, facts, result, exact, page))
    result.ranked = len(window)
    result.embedding = facts.embedding_progress()
    if not window:
        _listing(connection, facts, result, exact, page, tiers=mode == "all")
    else:
        result.hits = _hits(window[offset : offset + limit])
        wanted, skip = limit - len(result.hits), max(0, offset - len(window))
        # The listing holds the window's hits too, wherever its tiers rank them: it is read from its
        # start, so that every page leaves out the same ones and each segment comes once over all pages.
        # A page inside the window needs none of it but what a listing of len(window) says of its tiers.
        if wanted:
            rest = SearchResult(query, result.total)
            _listing(connection, facts, rest, exact, replace(page, offset=0, limit=skip + wanted + len(window)), True)
            shown = {(hit.talk_id, hit.segment) for hit in _hits(window)}
            unseen = [hit for hit in rest.hits if (hit.talk_id, hit.segment) not in shown]
            result.hits += unseen[skip : skip + wanted]
        else:  # the tiers of a listing of len(window) are looked at only when literal matches do not fill it
            rest = tiers if result.total < len(window) else SearchResult(query, result.total)
        result.variants, result.related_words = rest.variants, rest.related_words
        result.approximate_total, result.related_total = rest.approximate_total, rest.related_total
    if result.total == 0 and not result.approximate_total:
        terms = tuple(t.text for t in query.positive_terms)
        result.suggestions = facts.remembered(("suggestions", terms), lambda: suggestions(connection, query))


def _listing(
    connection: Connection, facts: CorpusFacts, result: SearchResult, exact: _Scope, page: _PageRequest, tiers: bool
) -> None:
    """The literal matches in their order, then (with `tiers`) the variant and related tiers."""
    if page.offset < result.total:
        result.hits = _page(connection, facts, exact, page)
    if tiers and len(result.hits) < page.limit and result.query.has_positive_terms:
        _add_approximate(connection, facts, result, exact, page)
        _add_related(connection, facts, result, exact, page)


def _kept_window(
    connection: Connection, facts: CorpusFacts, result: SearchResult, exact: _Scope, page: _PageRequest
) -> tuple[tuple[tuple, ...], SearchResult]:
    hits, tiers = _fused_window(connection, facts, result, exact, page)
    return _kept(hits), tiers


def _fused_window(
    connection: Connection, facts: CorpusFacts, result: SearchResult, exact: _Scope, page: _PageRequest
) -> tuple[list[Hit], SearchResult]:
    """The best candidates of every source, in one order (see fusion.py); and the variants, related
    words and sizes of the approximate and related tiers, found on the way."""
    words = _shared_words(result.query)
    said = forms_said_in(" ".join(term.text for term in result.query.positive_terms))
    shared = [*words, *said]
    translations = _translations(facts, result.query)
    find = partial(
        _candidates,
        facts=facts,
        query=result.query,
        restriction=exact.restriction,
        shared=shared,
        translations=translations,
        keep_one=not result.total,
    )
    beside = _BESIDE.submit(_on_second_connection, connection, find)
    first = replace(page, limit=FUSED_DEPTH, offset=0)
    literal = _page(connection, facts, exact, first) if result.total else []
    approximate, related = SearchResult(result.query, 0), SearchResult(result.query, 0)
    _add_approximate(connection, facts, approximate, exact, first)
    _add_related(connection, facts, related, exact, first)
    tiers = replace(approximate, hits=[], related_words=related.related_words, related_total=related.related_total)
    try:
        by_words, (by_translation, translated), similar = beside.result()
    except StaleFile:  # ingest swapped the file in: this connection still reads the old one
        by_words, (by_translation, translated), similar = find(connection)
    ranked = {
        "exact": [hit.segment_id for hit in literal],
        "approximate": [hit.segment_id for hit in approximate.hits],
        "related": [hit.segment_id for hit in related.hits],
        "words": by_words,
        "translated": by_translation,
        "semantic": [segment_id for segment_id, _ in similar],
    }
    ranked["covered"] = _coverage_order(connection, facts, result.query, translations, ranked, approximate.variants)
    known = {hit.segment_id: hit for hit in [*related.hits, *approximate.hits, *literal]}
    marked = [*(t.text for t in result.query.positive_terms), *words, *said, *translated]
    hits = _fused_hits(
        connection, facts, result.query, exact.restriction, ranked, dict(similar), known, marked, translated
    )
    return hits, tiers


_Candidates = tuple[list[int], tuple[list[int], list[str]], list[tuple[int, float]]]


def _candidates(
    connection: Connection,
    facts: CorpusFacts,
    query: Query,
    restriction: Restriction,
    shared: list[str],
    translations: dict[str, list[str]],
    keep_one: bool,
) -> _Candidates:
    """The segments that share the query's words, that say them in the other language, and that mean
    the same: (ids, (ids, translations looked for), (id, similarity))."""
    by_words = _word_candidates(connection, facts, query, restriction, shared, keep_one=keep_one)
    by_translation = _translation_candidates(connection, facts, query, restriction, translations)
    return by_words, by_translation, _semantic_candidates(connection, facts, query, restriction)


def _on_second_connection(connection: Connection, find: Callable[[Connection], _Candidates]) -> _Candidates:
    """`find` on a second connection, while the first ranks the literal and variant tiers: at 100×, one
    process answered the 176 first-time queries of bench/scale.py in 11.3–12.2 s, against 12.4–13.8 s
    one after the other."""
    with alongside(connection) as other:
        return find(other)


def _fused_hits(
    connection: Connection,
    facts: CorpusFacts,
    query: Query,
    restriction: Restriction,
    ranked: dict[str, list[int]],
    similarity: dict[int, float],
    known: dict[int, Hit],
    marked: list[str],
    translated: Sequence[str] = (),
) -> list[Hit]:
    """The sources' candidates fused into one order, as hits; none when only literal matches were found.

    A segment that only neighbours candidates (found by context) is kept when it ranks among the first
    FUSED_DEPTH and the filters and excluded terms allow it."""
    sources = {source: ids for source, ids in ranked.items() if ids}
    fused = fusion.fuse(sources, similarity, facts.owners.talk_code, context_within=FUSED_DEPTH)
    if not any(item.found_by != "exact" for item in fused):
        return []  # nothing but literal matches: the literal listing is the ranking
    nearby = [item.segment_id for item in fused if item.found_by == "context"]
    allowed = _permitted(connection, query, restriction, nearby) if nearby else set()
    fused = [item for item in fused if item.found_by != "context" or item.segment_id in allowed]
    missing = [item.segment_id for item in fused if item.segment_id not in known]
    details = _segments(connection, missing) if missing else {}
    hits = []
    for item in fused:
        hit = known.get(item.segment_id)
        if hit is None:
            talk_id, number, speaker, text = details[item.segment_id]
            match = item.found_by if item.found_by in ("semantic", "translated", "context") else "words"
            hit = _hit(facts, item.segment_id, talk_id, number, speaker, text, marked, item.score, match)
            if match == "translated":
                hit.translation = next((form for form in translated if bilingual.says(normalize(text), form)), None)
        else:
            hit = hit.model_copy(update={"score": item.score})
        hits.append(hit)
    return hits


def _coverage_order(
    connection: Connection,
    facts: CorpusFacts,
    query: Query,
    translations: dict[str, list[str]],
    ranked: dict[str, list[int]],
    heard: Sequence[Variant] = (),
) -> list[int]:
    """The candidates of every source again, those saying more of the query's words first, in either
    language: each source ranks by its own evidence (BM25 over Chinese words, over English glosses, a
    vector), and none sees that a passage says 预测 and node features where the query says 预测 and 节点特征.
    A word is also said in its known and heard forms (`heard`: Llama as 喇嘛).

    A word weighs as much as it is rare in the corpus and in general language (keywords.specificity);
    a query of one such word gains nothing here.
    """
    concepts: dict[str, list[str]] = {
        word: [word, *equivalents(word), *(v.text for v in heard if v.of == word)]
        for word in _shared_words(query)
        if not facts.common(word) and not _part_of_translated(word, translations)
    }
    for term, forms in translations.items():
        concepts.setdefault(term, [term]).extend(forms)
    pool = list(dict.fromkeys(segment_id for ids in ranked.values() for segment_id in ids))
    if len(concepts) < 2 or not pool:
        return []
    weight = {
        concept: specificity(concept) * log(1 + facts.segment_count / (1 + max(map(facts.said, forms))))
        for concept, forms in concepts.items()
    }
    covered = {
        segment_id: sum(
            weight[concept] for concept, forms in concepts.items() if any(bilingual.says(text, f) for f in forms)
        )
        for segment_id, text in ((i, normalize(row[3])) for i, row in _segments(connection, pool).items())
    }
    order = sorted((segment_id for segment_id in pool if covered.get(segment_id)), key=lambda i: -covered[i])
    return order[: fusion.COVERED_DEPTH]


def _part_of_translated(word: str, translations: dict[str, list[str]]) -> bool:
    """A word inside a longer query word the dictionary translates (神经网络 in 图神经网络): a passage on
    neural networks says nothing of graph neural networks, so only the longer word is a concept."""
    return any(word in term and word != term for term in translations)


def _shared_words(query: Query) -> list[str]:
    """The query's content words, for passages that share some of them (a question rarely occurs verbatim)."""
    found: list[str] = []
    for term in query.positive_terms:
        found += [w for w in meaningful_words(term.text) if w not in found]
    return found


def _translations(facts: CorpusFacts, query: Query) -> dict[str, list[str]]:
    """Each of the query's words the dictionary knows → its words in the other language, as the corpus
    says them (see app/bilingual.py).

    A common word (facts.common) is not translated: it says little of which passage is meant in its
    own language, and its translation (智能 → intelligent) would pull in every passage of the other.
    """
    text = " ".join(term.text for term in query.positive_terms)
    fillers = filler_words()
    cut = [word for word in plain_words(text) if word.strip() and word not in fillers]  # 图 stays: 图神经网络
    found = bilingual.translations(text, cut, facts.lexicon, facts.said, fillers)
    return {term: forms for term, forms in found.items() if not facts.common(term)}


def _translation_candidates(
    connection: Connection,
    facts: CorpusFacts,
    query: Query,
    restriction: Restriction,
    translations: dict[str, list[str]],
) -> tuple[list[int], list[str]]:
    """Segments that say the query's words in the other language, those saying more of its words first;
    and every translation looked for.

    BM25 over the translations alone would count a word twice when a segment says two of its senses
    (私有 and 专属 for private): of its best candidates by BM25, the ones covering the most query words
    come first, each word weighing as little as general language uses it (keywords.specificity: 数据飞轮
    for data flywheel before 私人数据), BM25 ordering the rest.
    """
    forms = list(dict.fromkeys(form for found in translations.values() for form in found))
    pool = _word_candidates(
        connection, facts, query, restriction, forms, depth=TRANSLATION_POOL * FUSED_DEPTH, inflected=True
    )
    if not pool:
        return [], forms
    texts = {segment_id: normalize(row[3]) for segment_id, row in _segments(connection, pool).items()}
    covered = {
        segment_id: sum(
            specificity(term) for term, found in translations.items() if any(bilingual.says(text, f) for f in found)
        )
        for segment_id, text in texts.items()
    }
    order = sorted(range(len(pool)), key=lambda rank: (-covered.get(pool[rank], 0), rank))
    return [pool[rank] for rank in order[:FUSED_DEPTH]], forms


def _word_candidates(
    connection: Connection,
    facts: CorpusFacts,
    query: Query,
    restriction: Restriction,
    shared: list[str],
    rarest: int | None = None,
    keep_one: bool = False,
    depth: int = FUSED_DEPTH,
    inflected: bool = False,
) -> list[int]:
    """Segments holding some of the query's words, best BM25 first (rare words weigh more).

    Common words (facts.common) are left out: ranking every segment that says 模型 costs more
    than everything else a query does, and such a word tells little of which passage is meant.
    With `keep_one`, for a query nothing else may find (no literal match), the least common word is
    kept when every word is common (这些会不会智能): a page is never empty while the query's words occur.
    With `inflected`, an English word is also looked for in its inflections (a dictionary gloss is the
    base form: propagate for propagation, attacker for attackers).
    """
    # A word is its jieba tokens; a form of several words (skin law) is also looked for as a phrase.
    every = {token for word in shared for token in words(word)}
    tokens = {token for token in every if not facts.common(token)}
    if keep_one and every and not tokens:
        tokens = set(_by_rarity(facts, every)[:1])
    tokens = sorted(tokens | {w for w in shared if " " in w})
    if rarest is not None:  # only the rarest tokens: their posting lists are the shortest to rank
        tokens = _by_rarity(facts, tokens)[:rarest]
    if not tokens:
        return []
    # Excluded terms are checked on the best candidates only: listing every segment that says -这个
    # (225,000 at 100×) took 100 ms.
    excluding = any(clause.negated for clause in query.clauses)
    where, params = restriction.where()
    # Joined to segment only for filters: the join costs as much as bm25 itself.
    joined = "JOIN segment s ON s.id = w.rowid " if where else ""
    where = where.replace("WHERE", "AND", 1)
    limit = EXCLUSION_SLACK * depth if excluding else depth
    scores: dict[int, float] = {}  # BM25 (lower is better) adds up over words, so the parts' scores add up
    for part, step in _ranked_parts(facts, tokens):
        sql = (
            f"SELECT w.rowid, bm25(segment_words) FROM segment_words w {joined}WHERE segment_words MATCH ? "
            f"AND w.rowid % {step} = 0 {where} ORDER BY bm25(segment_words) LIMIT ?"
        )
        match = " OR ".join(_inflections(token) if inflected else fts_phrase(token) for token in part)
        for row_id, score in connection.exec_driver_sql(sql, (match, *params, limit)):
            scores[row_id] = scores.get(row_id, 0.0) + score
    ranked = sorted(scores, key=scores.__getitem__)
    if excluding:
        permitted = _permitted(connection, query, restriction, ranked)
        ranked = [segment_id for segment_id in ranked if segment_id in permitted]
    return ranked[:depth]


def _ranked_parts(facts: CorpusFacts, tokens: list[str]) -> list[tuple[list[str], int]]:
    """The tokens ranked in full (the rarest, WORD_RANK_ROWS segments in all) and the rest, with the
    step of the even sample they are ranked on: every segment saying a rare word is still scored."""
    by_rarity = _by_rarity(facts, tokens)
    rare, rows = [], 0
    for token in by_rarity:
        if rows + facts.said(token) > WORD_RANK_ROWS:
            break
        rare.append(token)
        rows += facts.said(token)
    common = by_rarity[len(rare) :]
    if not common:
        return [(tokens, 1)]
    step = ceil(sum(facts.said(token) for token in common) / SAMPLED_RANK_ROWS)
    return [part for part in ((rare, 1), (common, step)) if part[0]]


def _inflections(token: str) -> str:
    """FTS5 for a word and, an English one, its inflections: its stem as a prefix, or a plural."""
    if not token.isascii() or " " in token:
        return fts_phrase(token)
    root = bilingual.stem(token)
    return f"{fts_phrase(root)} *" if root else f"{fts_phrase(token)} OR {fts_phrase(token + 's')}"


def _permitted(connection: Connection, query: Query, restriction: Restriction, ids: list[int]) -> set[int]:
    """Those of the segment ids that the filters allow and that hold none of the excluded terms.

    An excluded term is looked up for each of the ids rather than listed whole: at 100×, 200 ids
    without -这个 (225,000 segments say it) took 5 ms instead of 98.
    """
    where, params = restriction.where()
    conditions = [where.removeprefix("WHERE ")] if where else ["1"]
    for clause in (c for c in query.clauses if c.negated):
        piece, clause_params = clause_sql(clause)
        conditions.append(f"NOT EXISTS (SELECT 1 FROM ({piece}) excluded WHERE excluded.id = s.id)")
        params = [*params, *clause_params]
    listed = ",".join(str(int(segment_id)) for segment_id in ids)
    sql = f"SELECT s.id FROM segment s WHERE s.id IN ({listed}) AND {' AND '.join(conditions)}"
    return {row[0] for row in connection.exec_driver_sql(sql, tuple(params))}


def _query_vector(facts: CorpusFacts, query: Query) -> Future[np.ndarray] | None:
    """The query's vector, computed in the background from the start of the search, so that encoding
    (the encoder's C code runs without the GIL) overlaps the counting and ranking in SQLite."""
    chosen = semantic.encoder()
    if chosen is None or facts.vectors() is None or not query.has_positive_terms:
        return None
    text = leading_units(" ".join(term.text for term in query.positive_terms), ENCODED_UNITS)
    return facts.remembered(("query vector", text), lambda: _ENCODING.submit(chosen.query, text))


def leading_units(text: str, count: int) -> str:
    """The text up to the end of its `count`-th Chinese character or word (see ENCODED_UNITS)."""
    units = list(itertools.islice(_UNIT.finditer(text), count))
    return text[: units[-1].end()] if len(units) == count else text


def _semantic_candidates(
    connection: Connection, facts: CorpusFacts, query: Query, restriction: Restriction
) -> list[tuple[int, float]]:
    """Segments closest in meaning to the query, with their similarity; none until vectors exist."""
    vectors, query_vector = facts.vectors(), _query_vector(facts, query)
    if vectors is None or query_vector is None:
        return []
    nearest = vectors.nearest(query_vector.result(), SEMANTIC_DEPTH)
    if not nearest:
        return []
    allowed = _permitted(connection, query, restriction, [segment_id for segment_id, _ in nearest])
    return [(segment_id, score) for segment_id, score in nearest if segment_id in allowed][:FUSED_DEPTH]


@dataclass(frozen=True)
class _Tier:
    """Segments found another way than by every literal term, shown after the exact matches."""

    match: str  # approximate or related: how the page labels its hits
    ids_sql: str  # the tier's segments before the exact matches and the excluded terms are taken out
    ids_params: list[str]
    terms: tuple[str, ...]  # what the snippets mark
    weights: tuple[tuple[str, float], ...]  # words whose presence ranks a hit higher


def _append_tier(
    connection: Connection, facts: CorpusFacts, result: SearchResult, exact: _Scope, tier: _Tier, page: _PageRequest
) -> int:
    """Count a tier and append the part of it that falls on the requested page; returns its size.

    `page` gives the limit and offset of the whole result; the tier begins after the exact matches
    and after the tiers already appended.
    """
    scope = _tier_scope(connection, result.query, exact, tier)
    size = scope.counts(connection).total
    before = result.total + (result.approximate_total or 0) + result.related_total
    request = replace(
        page,
        terms=tier.terms,
        limit=page.limit - len(result.hits),
        offset=max(0, page.offset - before),
        match=tier.match,
        coverage_words=tier.weights,
    )
    result.hits += _page(connection, facts, scope, request)
    return size


def _variant_tier(connection: Connection, facts: CorpusFacts, query: Query) -> tuple[_Tier | None, list[Variant]]:
    """The tier of segments that match once a term is replaced by one of its variants, and the variants."""
    expanded, variants_found = [], []
    for clause in (c for c in query.clauses if not c.negated):
        # A word said in one paragraph of twenty is recognised well enough: its misheard forms add little.
        heard = [term for term in clause.alternatives if not facts.common(term.text)]
        found = [variant for term in heard for variant in _variants(connection, facts, term.text)]
        variants_found += found
        expanded.append(Clause([*clause.alternatives, *(Term(v.text, talks=v.talks) for v in found)]))
    if not variants_found:
        return None, []
    pieces = [clause_sql(clause) for clause in expanded]
    weights = {v.text: v.score for v in variants_found}
    tier = _Tier(
        "approximate",
        " INTERSECT ".join(sql for sql, _ in pieces),
        [p for _, clause_params in pieces for p in clause_params],
        (*(t.text for t in query.positive_terms), *weights),
        tuple(weights.items()),
    )
    return tier, variants_found


@dataclass
class Mentions:
    """Where a query is said: matching segments per talk and speaker, literal and by variants."""

    query: Query
    literal: Tally | None  # None: nothing to look for
    variants: Tally | None  # None: no variant
    heard: list[str]  # the variant forms counted that some segment says


def mentions(connection: Connection, raw_query: str, filters: dict[str, str] | None = None) -> Mentions:
    """Counts of the segments matching a query the way search matches it, for charts (explore.py)."""
    query = parse_query(raw_query)
    query.filters.update({k: v for k, v in (filters or {}).items() if v})
    if not query.has_positive_terms:
        return Mentions(query, None, None, [])
    facts = corpus_facts(connection)
    ids_sql, params = matching_ids_sql(query)
    exact = _Scope(ids_sql, params, restrict(facts, query.filters))
    tier, found = _variant_tier(connection, facts, query)
    if tier is None:
        return Mentions(query, exact.counts(connection), None, [])
    heard = _tier_scope(connection, query, exact, tier).counts(connection)
    return Mentions(query, exact.counts(connection), heard, [v.text for v in found if _said(connection, v)])


def _said(connection: Connection, variant: Variant) -> bool:
    """Whether some segment says the form: an alias line lists forms the transcripts may never use."""
    sql, param = term_sql(Term(variant.text, talks=variant.talks))
    return connection.exec_driver_sql(f"{sql} LIMIT 1", (param,)).first() is not None


def _tier_scope(connection: Connection, query: Query, exact: _Scope, tier: _Tier) -> _Scope:
    """A tier's segments within the filters, without the exact matches and the excluded terms.

    The exact matches were read when they were counted. When there are few of them (a long
    passage has none), they are left out by their ids rather than by running their match again:
    at 100×, a passage's exact match took 90 ms, and each tier ran it once more.
    """
    negated, negated_params = negations_sql(query)
    sample = exact.ranking_sample(connection)
    if sample.step > 1:
        without, without_params = f" EXCEPT SELECT id FROM ({exact.ids_sql})", exact.ids_params
    elif len(sample.ids):  # every exact match within the filters: the tier is kept within them too
        without, without_params = " EXCEPT SELECT value FROM json_each(?)", [sample.json()]
    else:
        without, without_params = "", []
    ids_sql = f"SELECT id FROM ({tier.ids_sql}){without}{negated}"
    return _Scope(ids_sql, [*tier.ids_params, *without_params, *negated_params], exact.restriction)


def _add_approximate(
    connection: Connection, facts: CorpusFacts, result: SearchResult, exact: _Scope, page: _PageRequest
) -> None:
    """Append segments that match once a term is replaced by a known or likely mis-transcription."""
    tier, result.variants = _variant_tier(connection, facts, result.query)
    if tier is None:
        result.approximate_total = 0
        return
    shown = len(result.hits)
    result.approximate_total = _append_tier(connection, facts, result, exact, tier, page)
    for hit in result.hits[shown:]:
        text = normalize(hit.text)
        present = (v for v in result.variants if v.text in text and (v.talks is None or hit.talk_id in v.talks))
        best = max(present, key=lambda v: v.score, default=None)
        if best is not None:
            hit.match, hit.heard = best.kind, best.text


def _variants(connection: Connection, facts: CorpusFacts, term: str) -> list[Variant]:
    """A term's variants, remembered until the alias list is edited (it is read again then)."""
    key = ("variants", term, aliases_version())
    return facts.remembered(key, lambda: variants(connection, facts, term))


def _holds(word: str) -> str:
    """SQL testing whether a segment's text holds a (normalised) word given as the next parameter.

    Lower-casing a text costs a copy of it, and SQLite's lower() changes only A–Z: a word without
    them is found in the text as it is (at 100×, a long query's related tier read 21,000 texts)."""
    return "instr(lower(s.text), ?) > 0" if re.search("[a-z]", word) else "instr(s.text, ?) > 0"


def _idf_weights(connection: Connection, facts: CorpusFacts, terms: list[Term]) -> dict[str, float]:
    """Rare words weigh more: a passage sharing 幻觉 with the query beats one sharing 大模型."""
    weights = {}
    for term in terms:
        frequency = facts.word_segments.get(term.text)
        if frequency is None:  # not an index word: count the segments holding it
            sql, param = term_sql(term)
            frequency = connection.exec_driver_sql(f"SELECT count(*) FROM ({sql})", (param,)).scalar_one()
        weights[term.text] = round(log((facts.segment_count + 1) / (frequency + 1)), 4)
    return weights


def _add_related(
    connection: Connection, facts: CorpusFacts, result: SearchResult, exact: _Scope, page: _PageRequest
) -> None:
    """Append segments holding most of the query's meaningful words, after the exact ones.

    A related segment holds at least one uncommon word (facts.common): candidates come from the
    index of those, and common words are then looked for in the candidates' text, so that 大模型
    in a question does not mean enumerating a fifth of the corpus.
    """
    related_words = _shared_words(result.query)
    rare = [Term(w) for w in related_words if not facts.common(w)]
    if len(related_words) < 2 or not rare:
        return
    needed = max(2, ceil(len(related_words) / 2))
    common = [w for w in related_words if facts.common(w)]
    union = " UNION ALL ".join(term_sql(t)[0] for t in rare)
    held = "".join(f" + ({_holds(word)})" for word in common)
    # A segment with too few rare words to reach `needed` even holding every common one is dropped
    # before its text is read.
    rare_needed = needed - len(common)
    tier = _Tier(
        "related",
        f"SELECT c.id AS id FROM (SELECT id, count(*) AS n FROM ({union}) GROUP BY id HAVING n >= {rare_needed}) c "
        f"JOIN segment s ON s.id = c.id WHERE c.n{held} >= {needed}",
        [*(term_sql(t)[1] for t in rare), *common],
        tuple(related_words),
        tuple(_idf_weights(connection, facts, [Term(w) for w in related_words]).items()),
    )
    result.related_words = related_words
    result.related_total = _append_tier(connection, facts, result, exact, tier, page)
