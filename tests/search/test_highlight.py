from app.search.highlight import mark, match_spans


def test_marks_matches_case_insensitively_and_inside_words():
    assert str(mark("GPT4 和大模型", ["gpt", "模型"])) == "<mark>GPT</mark>4 和大<mark>模型</mark>"


def test_markup_in_text_is_escaped():
    assert str(mark("<script>alert(1)</script> 模型", ["模型"])) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>模型</mark>"
    )


def test_overlapping_terms_merge_into_one_mark():
    assert match_spans("大模型", ["大模", "模型"]) == [(0, 3)]


def test_snippet_is_cut_around_the_densest_matches():
    text = "前" * 200 + "模型和模型" + "后" * 200
    snippet = str(mark(text, ["模型"], width=40))
    assert snippet.startswith("…") and snippet.endswith("…")
    assert snippet.count("<mark>") == 2
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == 42


def test_emoji_and_cjk_do_not_shift_marks():
    assert str(mark("😊你好 world", ["world"])) == "😊你好 <mark>world</mark>"
