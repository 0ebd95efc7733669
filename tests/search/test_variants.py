"""Approximate tiers: aliases, sounds-like and misspellings come after exact matches, labelled."""

from __future__ import annotations

import pytest

from app.aliases import equivalents, parse_aliases
from app.search import search
from app.search import variants as variants_module
from app.search.filters import corpus_facts
from app.sounds import closeness, fold, sound_query, sound_tokens, sounds_like
from app.text import normalize


def test_fold_merges_the_sounds_recognisers_confuse():
    assert fold("zhi") == fold("zi") and fold("ling") == fold("lin") and fold("neng") == fold("leng")
    assert fold("zhong") == "zong"


def test_sounds_like_and_closeness():
    assert sounds_like("端侧", "端测") and sounds_like("植麟", "志玲") and not sounds_like("端侧", "端口")
    assert closeness("端侧", "端侧") == 1.0 > closeness("端侧", "端测") > closeness("植麟", "志玲")


def test_sound_tokens_pair_neighbouring_characters_within_a_run():
    assert sound_tokens("端侧ai模型，大模型") == "duan_ce mo_xin da_mo mo_xin"


def test_a_term_sounds_like_segments_holding_each_of_its_syllable_pairs():
    assert sound_query("端侧") == '("duan_ce") OR ("duan_ze") OR ("duan_zai")'  # 侧 has three readings
    assert sound_query("张鹏飞") == '("zan_pen" AND "pen_fei")'


def test_alias_file_format(tmp_path):
    groups = parse_aliases("# comment\nscaling law | Skin Law | ＳＫＩＮ law\n\nMoE | 混合专家\nlonely\n")
    assert groups == [["scaling law", "skin law"], ["moe", "混合专家"]]
    path = tmp_path / "aliases.txt"
    path.write_text("GLM-4 | GM4\n", encoding="utf-8")
    assert equivalents("gm4", path) == ["glm-4"]


def test_exact_matches_come_first_and_total_counts_only_them(connection):
    exact_only = search(connection, "大模形 OR 端侧", limit=100, sort="programme")
    assert exact_only.total == search(connection, "端侧").total
    matches = [h.match for h in exact_only.hits]
    assert matches[: exact_only.total] == ["exact"] * exact_only.total
    ranked = search(connection, "大模形 OR 端侧", limit=100)  # one ranking: the literal matches are labelled
    assert ranked.total == exact_only.total
    assert [h.match for h in ranked.hits].count("exact") == exact_only.total


def test_a_name_finds_how_the_recogniser_wrote_it(connection):
    result = search(connection, "杨植麟")
    assert result.total == 0 and result.approximate_total > 0
    heard = {h.heard for h in result.hits}
    assert {"志玲", "指林"} & heard
    assert all(h.talk_id == "BV1uH4y1w77V-p5" for h in result.hits)
    assert result.hits[0].match == "sounds_like"
    assert all(h.match in ("sounds_like", "context") for h in result.hits)  # context: what he said next


def test_a_company_name_finds_its_homophones(connection):
    result = search(connection, "智谱")
    assert result.total == 0 and {"智朴", "智普"} <= {v.text for v in result.variants}


@pytest.fixture()
def sound_lookups(monkeypatch) -> list[str]:
    """The terms looked up by their sound, in order."""
    looked_up: list[str] = []
    original = variants_module._sounds_like

    def recorded(connection, facts, term):
        looked_up.append(term)
        return original(connection, facts, term)

    monkeypatch.setattr(variants_module, "_sounds_like", recorded)
    return looked_up


def test_a_remembered_sentence_is_not_looked_up_by_its_sound(connection, sound_lookups):
    """A sentence from memory is no misheard name, and its sound phrase is the costliest match there is."""
    sentence = "智谱的模型在开源方面做得很好"
    assert len(sentence) > variants_module.MAX_SOUNDS_LIKE_CHARACTERS
    facts = corpus_facts(connection)
    variants_module.variants(connection, facts, sentence)
    found = variants_module.variants(connection, facts, "杨植麟")
    assert sound_lookups == ["杨植麟"] and any(v.kind == "sounds_like" for v in found)


def test_a_question_typed_whole_is_not_searched_for_misheard_forms(connection, sound_lookups):
    facts = corpus_facts(connection)
    for question in ("开源和闭源有什么区别", "觉得这个"):  # short enough, but joined by 和, 有, 什么, 这个
        assert len(question) <= variants_module.MAX_SOUNDS_LIKE_CHARACTERS
        variants_module.variants(connection, facts, question)
    variants_module.variants(connection, facts, "人类反馈强化学校")  # a misheard term of four words
    assert sound_lookups == ["人类反馈强化学校"]


def test_misspelt_english_is_found_by_similar_spelling(connection):
    result = search(connection, "scalling", limit=50)
    assert result.total == 0 and any(h.match == "fuzzy" and h.heard == "scaling" for h in result.hits)


def test_traditional_characters_find_simplified_text(connection):
    assert search(connection, "謝謝大家").total == search(connection, "谢谢大家").total > 0
    assert normalize("模型與數據") == "模型与数据"


def test_common_words_that_share_a_sound_do_not_flood(connection):
    heard = {v.text for v in search(connection, "杨植麟", offset=10_000).variants}
    assert "志玲" in heard  # the sounds-like search ran: the host's 志玲 is a mishearing of his name
    assert "指令" not in heard  # … but 指令 (instruction), said in his talk too, is an ordinary word


def test_speaker_filter_accepts_misheard_and_partial_names(connection):
    for typed, how in [
        ("杨志林", "sounds_like"),
        ("植麟", "partial"),
        ("张朋", "sounds_like"),
        ("Aditya Ramesh", "similar"),
    ]:
        result = search(connection, "", filters={"speaker": typed})
        assert result.speaker_match == how and len(result.speakers) == 1, typed


def test_speaker_search_page_proposes_the_right_person(client):
    html = client.get("/speakers", params={"q": "杨志林"}).text
    assert "杨植麟" in html and "sounds alike" in html and "王小川" not in html
    assert "read as" in client.get("/search", params={"q": "模型", "speaker": "杨志林"}).text


def test_editing_the_alias_list_changes_the_next_search(connection, tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.txt"
    monkeypatch.setattr("app.aliases.ALIASES_FILE", aliases)
    aliases.write_text("xyzzy | 悟道\n", encoding="utf-8")
    assert {v.text for v in search(connection, "xyzzy").variants} == {"悟道"}
    aliases.write_text("xyzzy | 智源研究院\n", encoding="utf-8")  # edited while the server runs
    result = search(connection, "xyzzy")
    assert {v.text for v in result.variants} == {"智源研究院"}
    aliased = [h for h in result.hits if h.match == "alias"]
    assert result.approximate_total and aliased and all("智源研究院" in normalize(h.text) for h in aliased)
    assert not any("悟道" in normalize(h.text) and "智源研究院" not in normalize(h.text) for h in aliased)
