"""The Chinese–English lexicon: reading CC-CEDICT lines, finding entries in a query, choosing translations."""

from __future__ import annotations

from app import bilingual
from app.bilingual import (
    Lexicon,
    chinese_terms,
    clean_gloss,
    english_terms,
    parse_cedict,
    parse_glossary,
    singular,
    translations,
)

LINES = [
    "# CC-CEDICT",
    "記憶 记忆 [ji4 yi4] /to remember/to recall/memory/CL:個|个[ge4]/",
    "內存 内存 [nei4 cun2] /internal storage/computer memory/random access memory/memory/",
    "存儲器 存储器 [cun2 chu3 qi4] /memory (computer)/",
    "信用卡 信用卡 [xin4 yong4 ka3] /credit card/",
    "神經網絡 神经网络 [shen2 jing1 wang3 luo4] /neural network/",
    "神經 神经 [shen2 jing1] /nerve/",
    "變壓器 变压器 [bian4 ya1 qi4] /transformer/",
    "專家 专家 [zhuan1 jia1] /expert/specialist/",
    "面 面 [mian4] /face/side/",
    "反思 反思 [fan3 si1] /to think back over sth/to review/",
]


def lexicon() -> Lexicon:
    return parse_cedict(LINES)


def test_glosses_become_the_words_a_passage_would_say():
    assert clean_gloss("to retrieve (data)") == "retrieve"
    assert clean_gloss("to think back over sth") == "think back over"
    assert clean_gloss("CL:個|个[ge4]") is None  # a classifier, not a translation
    assert clean_gloss("variant of 記憶|记忆") is None
    assert clean_gloss("the act of giving a long explanation of sth") is None  # too long to be said as is


def test_both_directions_are_read_from_simplified_forms():
    words = lexicon()
    assert words.to_english["记忆"] == ["remember", "recall", "memory"]
    assert words.to_chinese["memory"] == ["记忆", "内存", "存储器"]  # memory (computer) is memory
    assert "記憶" not in words.to_english


def test_english_entries_are_found_longest_first_and_singular():
    words = lexicon()
    assert english_terms("ask the experts about credit card fraud", words) == ["expert", "credit card"]
    assert singular("memories") == "memory" and singular("class") == "class" and singular("is") == "is"


def test_chinese_entries_leave_out_the_parts_of_a_longer_entry():
    assert chinese_terms(["神经", "网络", "神经网络"], lexicon()) == ["神经网络"]


def test_an_entry_jieba_cuts_in_two_is_found_in_its_run_of_words():
    assert chinese_terms(["训练", "神经", "网络"], lexicon()) == ["神经网络"]
    graphs = parse_glossary(["图神经网络 | graph neural network", "图 | picture"])
    assert chinese_terms(["增强", "图", "神经网络"], graphs) == ["图神经网络"]


def test_one_character_alone_is_not_looked_up():
    assert chinese_terms(["面", "专家"], lexicon()) == ["专家"]


def test_a_hyphenated_word_is_looked_up_in_parts_unless_the_dictionary_lists_it():
    words = parse_glossary(["大模型 | large model", "微调 | fine-tuning"])
    assert english_terms("large-model research", words) == ["large model"]
    assert english_terms("cheap fine-tuning", words) == ["fine-tuning"]


def test_the_glossary_comes_before_the_dictionary_and_a_missing_file_adds_nothing(tmp_path):
    (tmp_path / "glossary.txt").write_text("# terms\n算力 | compute | computing power\n", encoding="utf-8")
    (tmp_path / "cedict.txt").write_text("算力 算力 [suan4 li4] /hash rate/\n", encoding="utf-8")
    both = bilingual.read_lexicon(tmp_path / "cedict.txt", tmp_path / "glossary.txt")
    assert both.to_english["算力"] == ["compute", "computing power", "hash rate"]
    assert both.to_chinese["compute"] == ["算力"]
    only_dictionary = bilingual.read_lexicon(tmp_path / "cedict.txt", tmp_path / "absent.txt")
    assert only_dictionary.to_english["算力"] == ["hash rate"]


def test_translations_keep_what_the_corpus_says_in_its_usual_sense():
    counts = {"记忆": 40, "内存": 90, "credit": 3, "card": 5, "transformer": 300, "变压器": 1, "面": 900, "face": 8}

    def said(form: str) -> int:
        return min(counts.get(word, 0) for word in form.split())

    found = translations("memory transformer face", [], lexicon(), said)
    assert found == {
        "memory": ["记忆", "内存"]
    }  # the nearer sense first, though 内存 is said more; 变压器 is too rare, 面 too short
    assert translations("", ["信用卡", "专家"], lexicon(), said) == {"信用卡": ["credit card"]}  # expert is not said


def test_no_filler_is_translated_or_a_translation():
    little = parse_cedict(["有點 有点 [you3 dian3] /a little/", "少許 少许 [shao3 xu3] /a little/a few/"])

    def said(form: str) -> int:
        return 10

    assert translations("little compute", [], little, said) == {"little": ["有点", "少许"]}
    assert translations("little compute", [], little, said, frozenset({"有点"})) == {"little": ["少许"]}
    assert translations("", ["有点"], little, said, frozenset({"有点"})) == {}


def test_a_database_keeps_the_pairs_its_corpus_says_a_side_of():
    said = {"记忆": 3, "credit": 1, "card": 2}.get
    kept = list(bilingual.pairs(lexicon(), lambda form: min(said(word, 0) for word in form.split())))
    assert ("记忆", "memory", 2) in kept and ("信用卡", "credit card", 0) in kept
    assert not any(chinese == "变压器" for chinese, _, _ in kept)  # neither 变压器 nor transformer is said
    again = bilingual.from_pairs(reversed(kept))
    assert again.to_english["记忆"] == ["remember", "recall", "memory"]  # glosses back in the order of senses


def test_missing_dictionary_and_glossary_files_give_an_empty_lexicon(tmp_path):
    empty = bilingual.read_lexicon(tmp_path / "absent.txt", tmp_path / "absent-glossary.txt")
    assert empty.to_english == {} and empty.to_chinese == {}
    assert bilingual.dictionary_state(tmp_path / "absent.txt", tmp_path / "absent-glossary.txt") == "none + none"
