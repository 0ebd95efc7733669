"""Keywords: the terms that set one talk apart from the others, named as a reader would."""

from __future__ import annotations

from collections import Counter

from app.topics.keywords import (
    Corpus,
    Keyword,
    distinctive,
    fold,
    heading_terms,
    interleave,
    name_words,
    specificity,
    spellings_of,
    term_counts,
    title_counts,
    title_terms,
    whole_words,
)


def corpus_of(*talks: Counter[str]) -> Corpus:
    corpus = Corpus()
    for counts in talks:
        corpus.add(counts)
    return corpus


def test_search_mode_pieces_are_folded_back_into_their_word():
    assert whole_words(["我们", "的", "语言", "模型", "大语言模型", "中华", "华人", "中华人民共和国"]) == [
        "我们",
        "的",
        "大语言模型",
        "中华人民共和国",
    ]


def test_fillers_and_single_characters_are_not_terms():
    counts = term_counts([["然后", "我们", "就是", "的", "幻觉", "问题"]] * 3)
    assert counts == Counter({"幻觉": 3})


def test_words_said_together_often_become_one_term():
    counts = term_counts([["自动", "驾驶", "很", "难"]] * 4 + [["驾驶", "汽车"]])
    assert counts["自动驾驶"] == 4
    assert counts["驾驶"] == 1  # only the use on its own is left
    assert "自动" not in counts
    assert term_counts([["scaling", "law"]] * 3)["scaling law"] == 3


def test_a_term_one_talk_says_often_beats_a_word_every_talk_says():
    talk = Counter({"幻觉": 30, "数据": 40})
    others = [Counter({"数据": 40, "算力": 5}), Counter({"数据": 45, "芯片": 6})]
    top = distinctive(talk, corpus_of(talk, *others))
    assert top[0].term == "幻觉" and top[0].count == 30
    assert "数据" not in [k.term for k in top]


def test_a_talk_that_says_one_term_only_is_about_it_even_alone_in_its_corpus():
    talk = Counter({"大模型": 400})
    assert [k.term for k in distinctive(talk, corpus_of(talk))] == ["大模型"]


def test_terms_said_less_than_three_times_are_not_keywords():
    talk = Counter({"端侧": 2, "幻觉": 5})
    assert [k.term for k in distinctive(talk, corpus_of(talk, Counter({"数据": 50})))] == ["幻觉"]


def test_people_are_not_topics():
    talk = Counter({"杨植麟": 20, "植麟": 9, "老师": 30, "长文本": 10})
    excluded = name_words(["杨植麟"])
    assert [k.term for k in distinctive(talk, corpus_of(talk, Counter({"数据": 50})), excluded=excluded)] == ["长文本"]


def test_misheard_spellings_count_for_the_correct_term_and_are_listed():
    counts, forms = fold(Counter({"智朴": 5, "智普": 3, "代码": 4}), {"智朴": "智谱", "智普": "智谱"})
    assert counts == Counter({"智谱": 8, "代码": 4})
    keyword = distinctive(counts, corpus_of(counts, Counter({"数据": 50})), forms=forms)[0]
    assert (keyword.term, keyword.count, keyword.forms) == ("智谱", 8, ("智朴", "智普"))


def test_spellings_that_sound_alike_and_only_this_talk_says_are_one_term():
    talk = Counter({"大理": 5, "达利": 4, "多莉": 2, "公式": 6, "公司": 8, "图像": 3})
    others = [Counter({"公司": 900, "图像": 40}), Counter({"公司": 700})]
    keywords = {k.term: k for k in distinctive(talk, corpus_of(talk, *others))}
    assert (keywords["大理"].count, keywords["大理"].forms) == (9, ("大理", "达利"))
    assert "达利" not in keywords and "多莉" not in keywords  # 多莉 sounds otherwise, said too rarely alone
    assert keywords["公式"].count == 6  # 公司 sounds alike but is said everywhere: not the same term


def test_a_translation_keeps_the_language_the_talk_speaks():
    counts, forms = fold(Counter({"幻觉": 9}), {"幻觉": "hallucination"})
    keyword = distinctive(counts, corpus_of(counts, Counter({"数据": 50})), forms=forms)[0]
    assert keyword.term == "幻觉" and keyword.key == "hallucination"


def test_an_english_term_said_in_the_plural_counts_with_the_singular():
    counts, forms = fold(Counter({"graph neural networks": 4, "graph neural network": 3, "process": 5}), {})
    assert counts == Counter({"graph neural network": 7, "process": 5})
    keyword = distinctive(counts, corpus_of(counts, Counter({"数据": 50})), forms=forms)[0]
    assert (keyword.term, keyword.forms) == ("graph neural network", ("graph neural networks", "graph neural network"))


def test_only_terms_said_in_other_spellings_keep_their_spellings_in_the_order_said():
    said = Counter({"networks": 2, "代码": 4, "network": 2, "智朴": 1})
    counts, forms = fold(said, {"智朴": "智谱"})
    assert forms == {"network": {"networks": 2, "network": 2}, "智谱": {"智朴": 1}}
    assert list(forms["network"]) == ["networks", "network"]  # a tie is listed as the talk said it first
    assert spellings_of("代码", counts, forms) == {"代码": 4}


def test_a_word_inside_a_better_term_is_not_listed_twice():
    talk = Counter({"具身智能": 20, "具身": 21, "机器人": 15})
    terms = [k.term for k in distinctive(talk, corpus_of(talk, Counter({"数据": 50})))]
    assert "具身智能" in terms and "具身" not in terms


def test_a_term_only_this_talk_says_outranks_one_others_say_too_as_often_here():
    talk = Counter({"数联网": 20, "互联网": 20, "数据": 3000})
    others = [Counter({"互联网": 10, "数据": 30000}), Counter({"互联网": 10, "数据": 30000})]
    assert [k.term for k in distinctive(talk, corpus_of(talk, *others))] == ["数联网", "互联网"]


def test_everyday_english_words_weigh_less_than_technical_ones():
    assert specificity("diffusion") > 0.75 > 0.45 > specificity("using")
    talk = Counter({"model": 20, "transformer": 20})
    top = distinctive(talk, corpus_of(talk, Counter({"数据": 500})))
    assert [k.term for k in top] == ["transformer", "model"]


def test_a_title_names_its_terms_across_words_but_not_across_fillers():
    terms = title_terms("八卦炉-面向国产智能算力核心基础软件")
    assert {"八卦炉", "国产智能算力", "基础软件"} <= terms
    assert not any("-" in term for term in terms)
    assert "大模型为" not in title_terms("大模型为通用人工智能带来曙光")
    assert "通用人工智能" in heading_terms("带来曙光", "主题讨论：通用人工智能")


def test_a_title_names_an_english_term_in_the_singular_form_its_counts_use():
    assert {"graph neural network", "language model"} <= title_terms("Graph Neural Networks and Language Models")


def test_a_title_run_the_talk_says_is_counted_though_jieba_cuts_it():
    said = ["数联网是什么", "我们的数联网", "数联网和数据供应链"]
    counts = title_counts(title_terms("基于数联网的数据供应链"), said, Counter({"联网": 3}))
    assert counts["数联网"] == 3
    assert "数据供应链" not in counts  # said once only


def test_a_title_run_said_in_the_plural_is_counted():
    said = ["graph neural networks are", "and graph neural networks", "a graph neural network", "graph neural nets"]
    counts = title_counts(title_terms("Graph Neural Networks"), said, Counter())
    assert counts["graph neural network"] == 3


def test_a_fuller_term_replaces_every_shorter_one_it_holds():
    talk = Counter({"graph neural": 8, "neural network": 9, "graph neural network": 6, "retrieval": 5})
    top = [k.term for k in distinctive(talk, corpus_of(talk, Counter({"数据": 500})))]
    assert "graph neural network" in top
    assert "graph neural" not in top and "neural network" not in top


def test_the_title_lifts_its_terms_above_others_said_as_often():
    talk = Counter({"编译器": 10, "并行": 10})
    corpus = corpus_of(talk, Counter({"数据": 500}))
    assert distinctive(talk, corpus)[0].term in ("编译器", "并行")
    assert distinctive(talk, corpus, title=frozenset({"并行"}))[0].term == "并行"


def test_a_forum_takes_turns_between_its_sub_talks_after_its_own_best():
    def ranked(*terms: str) -> list[Keyword]:
        return [Keyword(term, 10.0 - i, 5, (term,), term) for i, term in enumerate(terms)]

    merged = interleave([ranked("书生", "浦语"), ranked("风乌", "气象")], limit=4, lead=ranked("实验室"))
    assert [k.term for k in merged] == ["实验室", "书生", "风乌", "浦语"]
    assert [k.term for k in interleave([ranked("具身智能"), ranked("具身")])] == ["具身智能"]


def test_a_misheard_given_name_is_not_a_topic():
    talk = Counter({"雅琴": 12, "具身智能": 10})
    excluded = name_words(["张亚勤"])
    top = distinctive(talk, corpus_of(talk, Counter({"数据": 50})), excluded=excluded)
    assert [k.term for k in top] == ["具身智能"]


def test_names_remembered_across_talks_leave_the_same_terms_out():
    """What refresh_topics does for speed: one memory of which terms name someone, shared by every talk."""
    talk = Counter({"雅琴": 12, "李老师": 10, "具身智能": 10, "机器人": 8})
    corpus = corpus_of(talk, Counter({"数据": 50, "机器人": 2}))
    excluded = name_words(["张亚勤"])
    naming: dict[str, bool] = {}
    shared = distinctive(talk, corpus, excluded=excluded, naming=naming)
    assert naming["雅琴"] and naming["李老师"] and not naming["具身智能"]
    assert shared == distinctive(talk, corpus, excluded=excluded)
    assert [k.term for k in shared] == ["具身智能", "机器人"]
    told = {**naming, "机器人": True}  # the memory is taken at its word
    assert [k.term for k in distinctive(talk, corpus, excluded=excluded, naming=told)] == ["具身智能"]


def test_words_jieba_wrongly_tags_as_names_stay_topics_but_an_addressed_person_does_not():
    talk = Counter({"无人驾驶": 12, "老虎机": 9, "李老师": 10, "王总": 6})
    top = distinctive(talk, corpus_of(talk, Counter({"数据": 50})))
    assert sorted(k.term for k in top) == ["无人驾驶", "老虎机"]


def test_an_everyday_word_one_talk_says_almost_alone_is_its_topic():
    law = Counter({"法律": 60, "模型": 40})
    others = [Counter({"模型": 50, "法律": 2, "数据": 30}), Counter({"模型": 45, "数据": 40})]
    assert distinctive(law, corpus_of(law, *others))[0].term == "法律"
    everyone = Counter({"法律": 60, "模型": 40})
    spread = [Counter({"模型": 50, "法律": 50, "数据": 30}), Counter({"模型": 45, "法律": 50, "数据": 40})]
    weight_alone = distinctive(law, corpus_of(law, *others))[0].weight
    weight_shared = next(k.weight for k in distinctive(everyone, corpus_of(everyone, *spread)) if k.term == "法律")
    assert weight_alone > 3 * weight_shared
