import os
import re
import subprocess
import sys
from pathlib import Path

from app.text import (
    add_words,
    char_tokens,
    clean,
    common_word_frequency,
    is_added_word,
    is_ordinary_word,
    is_person_name_word,
    meaningful_words,
    normalize,
    normalize_characters,
    normalize_with_offsets,
    tagged_words,
    word_bounds,
    words,
)

ROOT = Path(__file__).resolve().parent.parent


def test_word_bounds_are_the_tagger_s_at_every_asked_position():
    text = "有请上海人工智能实验室青年科学家白磊博士，谢谢大家。Next, Dr. Ann Lee 和张鹏老师聊一聊"
    every, position = {0}, 0
    for word, _ in tagged_words(text):
        position += len(word)
        every.add(position)
    assert position == len(text)  # the tagger's words cover the text, so positions line up
    for at in range(len(text) + 1):
        assert (at in word_bounds(text, [at])) == (at in every), at
    assert word_bounds(text, []) < every  # nothing asked: only the ends of the tagger's blocks


def test_normalize_folds_width_case_and_spaces():
    assert normalize("ＧＰＴ－４o  Scaling\u3000Law") == "gpt-4o scaling law"


def test_noise_emoji_are_stripped_from_search_and_display_text():
    assert normalize("演讲很成功。🎼想好好") == "演讲很成功。想好好"
    assert clean("😊，在人与自然🎼") == "在人与自然"


def test_a_paragraph_of_pure_noise_keeps_its_text():
    assert clean("🎼") == "🎼"


def test_offsets_map_normalised_characters_back_to_the_display_text():
    display = " 😊Ａ B"
    normalized, offsets = normalize_with_offsets(display)
    assert normalized == "a b"
    assert [display[i] for i in offsets] == ["Ａ", " ", "B"]


def test_characters_normalised_one_by_one_give_the_same_chinese_runs():
    display = "謝謝ＡＩ  大模型😊端侧，\uf900豈 ① 開源"  # traditional, full width, emoji, a compatibility ideograph
    runs = re.compile("[\u4e00-\u9fff]+")
    assert (
        runs.findall(normalize_characters(display))
        == runs.findall(normalize(display))
        == [
            "谢谢",
            "大模型端侧",
            "岂岂",
            "开源",
        ]
    )


def test_char_tokens_are_characters_and_pairs_without_spaces():
    assert char_tokens("a b") == "a \u2581 b"
    assert char_tokens("大模 x") == "大 模 \u2581 x 大模"  # pairs for two-character terms; none holds a space


def test_jieba_words_use_the_domain_dictionary():
    tokens = words(normalize("具身智能和多模态大模型"))
    assert "具身智能" in tokens and "多模态" in tokens and "大模型" in tokens


def test_dictionary_frequencies_and_name_tags_are_jiebas_own():
    import jieba
    import jieba.posseg

    jieba.initialize()
    sample = ["谢谢", "只能", "大概", "李娜", "韩寒", "智能", "周伯文", "不存在的词语", *list(jieba.dt.FREQ)[::997]]
    for word in (w for w in sample if not is_added_word(w)):  # other tests may have taught jieba a name
        assert common_word_frequency(word) == jieba.dt.FREQ.get(word, 0), word
        assert is_person_name_word(word) == (jieba.posseg.dt.word_tag_tab.get(word) == "nr"), word
    assert is_ordinary_word("只能") and not is_ordinary_word("周伯文")


def test_an_added_name_counts_as_a_name_and_not_as_an_ordinary_word():
    add_words(["测试名字甲"], tag="nr")
    assert is_person_name_word("测试名字甲") and common_word_frequency("测试名字甲") == 0


def test_serving_pages_and_searches_never_loads_jieba_itself(bundled_db):
    """A server process cuts with rjieba and reads frequencies from jieba's file: jieba's own
    dictionary would cost each worker 140 MB."""
    script = f"""
import sys
from fastapi.testclient import TestClient
from app.db import Database
from app.web.app import create_app
client = TestClient(create_app(Database({str(bundled_db)!r})))
for path in ["/search?q=大模型会不会取代程序员", "/search?q=scaling+law", "/search?q=智谱", "/explore?q=开源,闭源",
             "/speakers/%E4%B9%94%E5%AE%87", "/speakers"]:
    assert client.get(path).status_code == 200, path
print("jieba" in sys.modules)
"""
    env = {**os.environ, "KB_ENCODER": "none"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_the_content_words_of_a_question_leave_out_its_question_and_function_words():
    assert meaningful_words("大模型会不会取代程序员") == ["大模型", "取代", "程序员"]
    assert meaningful_words("what did he say about it") == ["say"]
    assert meaningful_words("i didn't call it scaling") == ["call", "scaling"]
