from app.text import char_tokens, clean, normalize, normalize_with_offsets, words


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


def test_char_tokens_keep_spaces_as_tokens():
    assert char_tokens("a b") == "a \u2581 b"


def test_jieba_words_use_the_domain_dictionary():
    tokens = words(normalize("具身智能和多模态大模型"))
    assert "具身智能" in tokens and "多模态" in tokens and "大模型" in tokens
