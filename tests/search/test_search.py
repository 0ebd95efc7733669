"""Search on the real transcripts: exact literal matching, the query language, filters, ranking."""

from __future__ import annotations

import random

import pytest

from app.search import search
from app.search.filters import corpus_facts
from app.search.query import parse_query
from app.search.ranking import proximity
from app.text import normalize


@pytest.fixture(scope="module")
def corpus(database):
    with database.engine().connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT s.id, s.talk_id, s.text, t.event FROM segment s JOIN talk t ON t.id = s.talk_id"
        ).all()
    return [(talk_id, normalize(text), event) for _, talk_id, text, event in rows]


def brute_force(corpus, *terms, excluded=()):
    return sum(1 for _, text, _ in corpus if all(t in text for t in terms) and not any(x in text for x in excluded))


@pytest.mark.parametrize(
    "term", ["芯", "模型", "大模型", "transformer", "GPT", "H100", "GPT-4", "2024", "智源", "，", "?"]
)
def test_total_equals_a_brute_force_substring_scan(connection, corpus, term):
    assert search(connection, term).total == brute_force(corpus, normalize(term))


def test_random_substrings_are_all_found(connection, corpus):
    rng = random.Random(7)
    for _ in range(60):
        _, text, _ = rng.choice(corpus)
        size = rng.randint(1, 6)
        start = rng.randrange(0, max(1, len(text) - size))
        term = text[start : start + size].strip()
        if not term or " " in term or '"' in term:
            continue
        assert search(connection, term).total == brute_force(corpus, term), term


def test_terms_inside_longer_words_match(connection):
    result = search(connection, "模型", limit=100)
    assert any("大模型" in hit.text for hit in result.hits)


def test_case_and_width_are_ignored(connection):
    assert search(connection, "ＧＰＴ").total == search(connection, "gpt").total == search(connection, "GPT").total > 0


def test_and_phrase_exclusion_and_or(connection, corpus):
    assert search(connection, "大模型 安全").total == brute_force(corpus, "大模型", "安全")
    assert search(connection, '"next token"').total == brute_force(corpus, "next token") > 0
    assert search(connection, "大模型 -安全").total == brute_force(corpus, "大模型", excluded=["安全"])
    either = sum(1 for _, text, _ in corpus if "transformer" in text or "变压器" in text)
    assert search(connection, "transformer OR 变压器").total == either > 0


@pytest.mark.parametrize(
    "raw",
    [
        "理解 还是",  # two short terms: one expression of the character index
        "大模型 安全 -开源模型 -数据",  # both indexes, an exclusion answered inside each
        "模型 -的 -是",
        "ai OR 智能体 模型",  # an OR clause spanning both indexes
        "的 OR 是 -模型 -transformer",
        '"next token" OR 下一个 -预测',
    ],
)
def test_clauses_combined_inside_the_indexes_match_exactly_what_a_scan_finds(connection, corpus, raw):
    query = parse_query(raw)

    def holds(text: str) -> bool:
        return all(any(t.text in text for t in c.alternatives) != c.negated for c in query.clauses)

    expected = sum(1 for _, text, _ in corpus if holds(text))
    assert search(connection, raw).total == expected > 0


def test_fts_syntax_is_searched_literally(connection, corpus):
    for raw in ['"', "*", "NEAR", "AND", "(", "a:b", "'; DROP TABLE segment; --"]:
        result = search(connection, raw)
        terms = [t.text for t in result.query.positive_terms]
        assert result.total == (brute_force(corpus, *terms) if terms else 0)


def test_filters_as_parameters_and_inline(connection, corpus):
    waic = sum(1 for _, text, event in corpus if "模型" in text and event == "2024世界人工智能大会")
    assert search(connection, "模型", filters={"event": "2024世界人工智能大会"}).total == waic
    assert search(connection, "模型 event:世界人工智能").total == waic
    speaker = search(connection, "模型", filters={"speaker": "王海峰"})
    assert speaker.total > 0 and {h.talk_id for h in speaker.hits} == {"BV1uH4y1w77V-p4"}


def test_results_carry_the_contract_fields(connection):
    hit = search(connection, "通用人工智能", limit=1).hits[0]
    assert hit.url == f"/talks/{hit.talk_id}#s{hit.segment}"
    assert "<mark>" in hit.snippet and hit.match == "exact"


def test_passages_where_the_terms_stand_together_rank_first(connection):
    hits = search(connection, "幻觉 安全", limit=100, mode="literal").hits
    closeness = [proximity(normalize(h.text), ["幻觉", "安全"]) for h in hits]
    assert len(hits) >= 10 and all("幻觉" in normalize(h.text) and "安全" in normalize(h.text) for h in hits)
    assert closeness[0] == max(closeness)
    assert sum(closeness[:3]) > 2 * sum(closeness[-3:])  # the far-apart mentions come last


def test_programme_order_sorts_by_talk_then_segment(connection):
    programme = list(corpus_facts(connection).talks)  # talk ids in programme order
    total, hits = search(connection, "数据", limit=1).total, []
    for offset in range(0, total, 100):
        hits += search(connection, "数据", limit=100, offset=offset, sort="programme").hits
    keys = [(programme.index(h.talk_id), h.segment) for h in hits]
    assert len({talk for talk, _ in keys}) >= 3, "the test needs hits from several talks"
    assert keys == sorted(keys)


def test_pagination_is_consistent(connection):
    first = search(connection, "模型", limit=10)
    second = search(connection, "模型", limit=10, offset=10)
    assert not {(h.talk_id, h.segment) for h in first.hits} & {(h.talk_id, h.segment) for h in second.hits}


def test_pages_of_ranked_tiers_follow_one_order(connection):
    query = "开源模型需要的数据和算力"  # said nowhere literally: every hit comes from the ranked tiers
    whole = search(connection, query, limit=120)
    assert whole.total == 0 and len(whole.hits) == 120
    paged = [hit for offset in range(0, 120, 15) for hit in search(connection, query, limit=15, offset=offset).hits]
    assert [(h.talk_id, h.segment) for h in paged] == [(h.talk_id, h.segment) for h in whole.hits]


def test_empty_query_returns_nothing(connection):
    assert search(connection, "   ").total == 0


def test_a_question_finds_passages_with_its_content_words(connection):
    result = search(connection, "大模型会不会取代程序员")
    assert result.total == 0 and result.ranked > 0 and result.hits
    assert sum(w in normalize(result.hits[0].text) for w in ["大模型", "取代", "程序员"]) >= 2
    assert not any("<mark>会不会" in h.snippet for h in result.hits)  # question words are not what it looks for
    listed = search(connection, "大模型会不会取代程序员", sort="programme")  # the tiers, in programme order
    assert listed.related_words == ["大模型", "取代", "程序员"]
    assert listed.hits and all(h.match == "related" for h in listed.hits)
    assert all(sum(w in normalize(h.text) for w in listed.related_words) >= 2 for h in listed.hits)


def test_in_programme_order_related_hits_follow_the_exact_ones(connection):
    result = search(connection, "AGI 实现", limit=100, sort="programme")
    matches = [h.match for h in result.hits]
    assert matches == sorted(matches, key=lambda m: m != "exact")
    assert result.total == matches.count("exact")


def test_facets_count_the_current_matches(connection):
    result = search(connection, "模型 安全")
    events = {f.value: f.count for f in result.facets["event"]}
    assert sum(events.values()) == result.total
    talks = {f.value: f.count for f in result.facets["talk"]}
    assert sum(talks.values()) == result.total
    assert "王仲远" in {f.label for f in result.facets["speaker"]}


def test_zero_results_suggest_close_words(connection):
    result = search(connection, "模型xyz")
    assert result.total == 0 and "大模型" in result.suggestions


def test_a_remembered_sentence_that_matches_nothing_gets_no_spelling_suggestions(connection):
    result = search(connection, "我记得有人说过大模型xyz以后会怎么样")
    assert result.total == 0 and result.suggestions == [] and result.hits  # its words still find passages


def test_a_chinese_query_finds_the_english_passage_that_says_it(connection):
    """信用卡 is never said; an English keynote says credit card (the bilingual dictionary's gloss)."""
    result = search(connection, "信用卡")
    assert result.total == 0
    first = result.hits[0]
    assert first.match == "translated" and first.translation == "credit card"
    assert "<mark>credit card</mark>" in first.snippet.lower()


def test_an_english_query_finds_chinese_passages_in_its_words(connection):
    result = search(connection, "electricity price")
    translated = [hit for hit in result.hits if hit.match == "translated"]
    assert translated, "no Chinese passage found through the dictionary"
    lexicon = corpus_facts(connection).lexicon
    chinese = {*lexicon.to_chinese["electricity"], *lexicon.to_chinese["price"]}
    assert {"电力", "价格"} <= chinese
    assert all(any(word in hit.text for word in chinese) for hit in translated)
    assert any("<mark>电力</mark>" in hit.snippet for hit in translated)


def test_a_question_of_only_common_words_still_finds_passages(connection):
    """Every content word is in many segments; the least common one still finds passages with it."""
    facts = corpus_facts(connection)
    query = "这些会不会就是大模型"
    assert facts.common("大模型")
    result = search(connection, query)
    assert result.total == 0 and result.hits
    assert all("大模型" in normalize(hit.text) for hit in result.hits[:10])


def test_paragraphs_next_to_matching_ones_join_the_ranking_as_context(connection):
    hits = search(connection, "大模型会不会取代程序员", limit=50).hits
    context = [hit for hit in hits if hit.match == "context"]
    assert context, "no paragraph joined for being next to matching ones"
    found = {(hit.talk_id, hit.segment) for hit in hits if hit.match != "context"}
    for hit in context:
        assert any((hit.talk_id, hit.segment + d) in found for d in range(-8, 9) if d), hit.segment


def test_context_paragraphs_obey_the_filters_and_exclusions(connection):
    everywhere = search(connection, "大模型会不会取代程序员", limit=50).hits
    speaker = next(hit.speaker for hit in everywhere if hit.speaker)
    filtered = search(connection, "大模型会不会取代程序员", filters={"speaker": speaker}, limit=50).hits
    assert filtered and all(hit.speaker == speaker for hit in filtered)
    excluded = search(connection, "大模型会不会取代程序员 -我们", limit=50).hits
    assert excluded and not any("我们" in normalize(hit.text) for hit in excluded)


def test_when_common_words_are_ranked_on_a_sample_every_passage_with_the_rare_word_still_counts(
    connection, monkeypatch
):
    """At 100× one BM25 ranking of every segment saying a common word took 157 ms; past WORD_RANK_ROWS
    the commonest words are ranked on an even sample, the rarest in full."""
    from app.search import engine
    from app.search.filters import restrict

    facts = corpus_facts(connection)
    rare, common = "牛顿", "研究"
    assert 0 < facts.said(rare) < facts.said(common)
    monkeypatch.setattr(engine, "WORD_RANK_ROWS", facts.said(rare) + 10)
    monkeypatch.setattr(engine, "SAMPLED_RANK_ROWS", facts.said(common) // 3)
    step = -(-facts.said(common) // engine.SAMPLED_RANK_ROWS)
    query = parse_query(f"{rare} {common}")
    found = engine._word_candidates(connection, facts, query, restrict(facts, {}), [rare, common])
    texts = dict(
        connection.exec_driver_sql(f"SELECT id, text FROM segment WHERE id IN ({','.join(map(str, found))})").all()
    )
    with_rare = [segment_id for segment_id in found if rare in normalize(texts[segment_id])]
    assert len(with_rare) == facts.said(rare)
    assert all(segment_id % step == 0 for segment_id in found if segment_id not in with_rare)
    assert found[0] in with_rare  # the rare word weighs most


def test_a_tier_is_not_ranked_by_a_word_too_common_to_read_while_a_rarer_one_remains(connection, monkeypatch):
    from app.search import engine

    facts = corpus_facts(connection)
    assert 0 < facts.said("牛顿") < facts.said("研究") < facts.said("问题")
    monkeypatch.setattr(engine, "WORD_RANK_ROWS", facts.said("研究") - 1)
    assert engine._worth_reading(facts, ["研究", "牛顿"]) == ["牛顿"]
    assert engine._worth_reading(facts, ["问题", "研究"]) == ["研究"]  # the rarer of two common words


def test_word_candidates_never_hold_an_excluded_term(connection):
    from app.search import engine
    from app.search.filters import restrict

    facts = corpus_facts(connection)
    query = parse_query("研究 时候 -问题")
    found = engine._word_candidates(connection, facts, query, restrict(facts, {}), ["研究", "时候"])
    texts = connection.exec_driver_sql(f"SELECT text FROM segment WHERE id IN ({','.join(map(str, found))})").all()
    assert len(found) == engine.FUSED_DEPTH
    assert not any("问题" in normalize(text) for (text,) in texts)


def test_a_search_that_meets_a_database_swap_finds_its_word_candidates_on_its_own_connection(connection, monkeypatch):
    """The word and meaning candidates are found on a second connection; when ingest has just swapped
    in a new file, that connection cannot be opened on the old one, and the search's own is used."""
    from contextlib import contextmanager

    from app.db import StaleFile
    from app.search import engine

    @contextmanager
    def swapped(_connection):
        raise StaleFile("the published file was replaced")
        yield

    monkeypatch.setattr(engine, "alongside", swapped)
    result = search(connection, "程序员会被取代吗 swap")
    assert result.total == 0 and result.hits
    assert any(hit.match in ("words", "semantic", "translated") for hit in result.hits)


def test_the_encoder_reads_a_long_query_up_to_its_24th_character_or_word():
    from app.search.engine import ENCODED_UNITS, leading_units

    passage = "我刚才也非我也非常同意可以几位几老师啊说的。那么要多个实验室协同起来,其实更" * 2
    assert leading_units(passage, ENCODED_UNITS) == passage[:ENCODED_UNITS]
    english = " ".join(f"word{i}" for i in range(40))
    assert leading_units(english, ENCODED_UNITS).split() == english.split()[:ENCODED_UNITS]  # whole words
    assert leading_units("GPU让卷积网络变快", ENCODED_UNITS) == "GPU让卷积网络变快"  # a short query whole
