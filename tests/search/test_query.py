import pytest

from app.config import MAX_TERMS
from app.search.query import parse_query


def summary(raw):
    query = parse_query(raw)
    clauses = [([t.text for t in c.alternatives], c.negated) for c in query.clauses]
    return clauses, query.filters


def test_space_separated_terms_are_all_required():
    assert summary("大模型 安全") == ([(["大模型"], False), (["安全"], False)], {})


def test_quoted_phrase_keeps_its_spaces():
    assert summary('"Scaling Law" -幻觉') == ([(["scaling law"], False), (["幻觉"], True)], {})


def test_or_joins_alternatives():
    assert summary("GPT OR Claude 芯") == ([(["gpt", "claude"], False), (["芯"], False)], {})


def test_inline_filters():
    clauses, filters = summary('speaker:王仲远 forum:"大语言 模型" 安全')
    assert clauses == [(["安全"], False)]
    assert filters == {"speaker": "王仲远", "forum": "大语言 模型"}


@pytest.mark.parametrize("raw", ["NEAR(", "*", "a:b", "AND", "OR", "-", "--", "(((", "'; DROP TABLE talk; --"])
def test_syntax_characters_are_literal_terms(raw):
    clauses, _ = summary(raw)
    assert clauses and not any(negated for _, negated in clauses)
    assert "".join(t for texts, _ in clauses for t in texts) == raw.lower().replace(" ", "")


def test_a_lone_quote_is_an_empty_query():
    assert not parse_query('"')


def test_query_size_is_bounded():
    assert len(parse_query(" ".join(f"t{i}" for i in range(100))).clauses) == MAX_TERMS


def test_terms_past_the_limit_are_reported_not_silently_dropped():
    query = parse_query(" ".join(f"t{i}" for i in range(MAX_TERMS + 4)))
    assert len(query.clauses) == MAX_TERMS
    assert len(query.warnings) == 1 and "4 more were ignored" in query.warnings[0]
    assert parse_query("大模型 安全").warnings == []


def test_an_overlong_query_says_it_was_cut():
    assert "characters" in parse_query("模" * 600).warnings[0]
