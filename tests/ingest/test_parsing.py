"""The heading grammar and paragraph splitting, checked on every real heading."""

from __future__ import annotations

from datetime import date

import pytest

from app.ingest.parsing import TranscriptError, normalize_name, parse_heading, parse_transcript, split_paragraph
from tests.conftest import BUNDLED

# (heading text, event, forum, part, title, session, [(name, role)], uploader, video id, date)
REAL_HEADINGS = [
    (
        "2024北京智源大会-大模型前沿探索 - P7：圆桌讨论;主持人 - 智源社区 - BV1yS411A73A",
        "2024北京智源大会",
        "大模型前沿探索",
        7,
        "圆桌讨论",
        None,
        [],
        "智源社区",
        "BV1yS411A73A",
        None,
    ),
    (
        "2024北京智源大会-大语言模型 - P7：Large Language Models： Past, Present and Future：Thomas Scialom"
        " - 智源社区 - BV1zE421N7UJ",
        "2024北京智源大会",
        "大语言模型",
        7,
        "Large Language Models: Past, Present and Future",
        None,
        [("Thomas Scialom", "speaker")],
        "智源社区",
        "BV1zE421N7UJ",
        None,
    ),
    (
        "2024北京智源大会-大语言模型 - P8：圆桌讨论 - 智源社区 - BV1zE421N7UJ",
        "2024北京智源大会",
        "大语言模型",
        8,
        "圆桌讨论",
        None,
        [],
        "智源社区",
        "BV1zE421N7UJ",
        None,
    ),
    (
        "2024北京智源大会-开幕式及全体大会 - P1：智源进展报告：王仲远 - 智源社区 - BV1uH4y1w77V",
        "2024北京智源大会",
        "开幕式及全体大会",
        1,
        "智源进展报告",
        None,
        [("王仲远", "speaker")],
        "智源社区",
        "BV1uH4y1w77V",
        None,
    ),
    (
        "2024北京智源大会-开幕式及全体大会 - P2：主题报告：多模态大模型-主旨演讲：Aditya Rameah-对话嘉宾：谢赛宁"
        " - 智源社区 - BV1uH4y1w77V",
        "2024北京智源大会",
        "开幕式及全体大会",
        2,
        "多模态大模型",
        "主题报告",
        [("Aditya Rameah", "keynote"), ("谢赛宁", "guest")],
        "智源社区",
        "BV1uH4y1w77V",
        None,
    ),
    (
        "2024北京智源大会-开幕式及全体大会 - P3：主题讨论：通用人工智能-环节1：Fireside Chat-李开复-张亚勤"
        " - 智源社区 - BV1uH4y1w77V",
        "2024北京智源大会",
        "开幕式及全体大会",
        3,
        "Fireside Chat",
        "主题讨论：通用人工智能 › 环节1",
        [("李开复", "speaker"), ("张亚勤", "speaker")],
        "智源社区",
        "BV1uH4y1w77V",
        None,
    ),
    (
        "2024北京智源大会-开幕式及全体大会 - P4：主题讨论：通用人工智能-环节2："
        "报告：大模型为通用人工智能带来曙光-王海峰 - 智源社区 - BV1uH4y1w77V",
        "2024北京智源大会",
        "开幕式及全体大会",
        4,
        "大模型为通用人工智能带来曙光",
        "主题讨论：通用人工智能 › 环节2 › 报告",
        [("王海峰", "speaker")],
        "智源社区",
        "BV1uH4y1w77V",
        None,
    ),
    (
        "2024北京智源大会-开幕式及全体大会 - P5：主题讨论：通用人工智能-环节3：尖峰对话：通往AGI之路-主持人：王仲远"
        "-对话嘉宾-王小川-张 鹏-杨植麟-李大海 - 智源社区 - BV1uH4y1w77V",
        "2024北京智源大会",
        "开幕式及全体大会",
        5,
        "通往AGI之路",
        "主题讨论：通用人工智能 › 环节3 › 尖峰对话",
        [("王仲远", "host"), ("王小川", "guest"), ("张鹏", "guest"), ("杨植麟", "guest"), ("李大海", "guest")],
        "智源社区",
        "BV1uH4y1w77V",
        None,
    ),
    (
        "2024世界人工智能大会（合集） - P3：20240704-科学前沿主论坛 - WarrenHua - BV1iT421k7Bv",
        "2024世界人工智能大会",
        "科学前沿主论坛",
        3,
        "科学前沿主论坛",
        None,
        [],
        "WarrenHua",
        "BV1iT421k7Bv",
        date(2024, 7, 4),
    ),
    (
        "2024世界人工智能大会（合集） - P31：20240705-中国信通院“迈向AGI：大模型焕新与产业赋能”论坛 - WarrenHua"
        " - BV1iT421k7Bv",
        "2024世界人工智能大会",
        "中国信通院“迈向AGI：大模型焕新与产业赋能”论坛",
        31,
        "中国信通院“迈向AGI：大模型焕新与产业赋能”论坛",
        None,
        [],
        "WarrenHua",
        "BV1iT421k7Bv",
        date(2024, 7, 5),
    ),
    (
        "2024世界人工智能大会（合集） - P36：20240705-GLM-新一代基座大模型技术前沿与产业应用论坛 - WarrenHua"
        " - BV1iT421k7Bv",
        "2024世界人工智能大会",
        "GLM-新一代基座大模型技术前沿与产业应用论坛",
        36,
        "GLM-新一代基座大模型技术前沿与产业应用论坛",
        None,
        [],
        "WarrenHua",
        "BV1iT421k7Bv",
        date(2024, 7, 5),
    ),
]


@pytest.mark.parametrize(
    "raw,event,forum,part,title,session,people,uploader,video_id,day", REAL_HEADINGS, ids=lambda v: None
)
def test_real_headings(raw, event, forum, part, title, session, people, uploader, video_id, day):
    heading = parse_heading(raw)
    assert (heading.event, heading.forum, heading.part) == (event, forum, part)
    assert heading.title == title
    assert heading.session == session
    assert [(p.name, p.role) for p in heading.people] == people
    assert (heading.uploader, heading.video_id, heading.date) == (uploader, video_id, day)


def test_every_bundled_heading_is_in_the_table():
    headings = {
        line[2:].strip()
        for path in BUNDLED.glob("*.txt")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# ")
    }
    talk_headings = {row[0] for row in REAL_HEADINGS}
    assert talk_headings <= headings
    assert headings - talk_headings == {"智源大会 2024（六）"}  # the collection heading


@pytest.mark.parametrize(
    "raw,people",
    [
        (
            "某大会-某论坛 - P2：主讲嘉宾：李雷-提问嘉宾：韩梅梅 - 上传者 - BV1234567890",
            [("李雷", "speaker"), ("韩梅梅", "questioner")],
        ),
        (
            "某大会-某论坛 - P2：圆桌对话-主持人-欧阳娜娜-嘉宾-王 五 - 上传者 - BV1234567890",
            [("欧阳娜娜", "host"), ("王五", "guest")],
        ),
    ],
)
def test_roles_not_in_the_bundled_files(raw, people):
    assert [(p.name, p.role) for p in parse_heading(raw).people] == people


@pytest.mark.parametrize(
    "raw,title,people",
    [
        (  # a role cut by a dash, a name with inner spaces before 、 and a second role
            "某大会-某论坛 - P3：意识的神经机制-主讲-嘉宾：刘 嘉 、提问嘉宾：罗欢 - 上传者 - BV1234567890",
            "意识的神经机制",
            [("刘嘉", "speaker"), ("罗欢", "questioner")],
        ),
        (  # two roles joined by 、
            "某大会-某论坛 - P4：可计算的自控感-主讲嘉宾：朱露莎、提问嘉宾：吴思 - 上传者 - BV1234567890",
            "可计算的自控感",
            [("朱露莎", "speaker"), ("吴思", "questioner")],
        ),
        (  # an unbalanced opening quote; the title's own dashes stay, the name comes after the last one
            "某大会-某论坛 - P4：介绍“行业数据集-场景应用创新计划-南新生 - 上传者 - BV1234567890",
            "介绍“行业数据集-场景应用创新计划",
            [("南新生", "speaker")],
        ),
        (  # a surname outside our list, after a doubled dash
            "某大会-某论坛 - P3：理解与探索大模型能力涌现--东昱晓- - 上传者 - BV1234567890",
            "理解与探索大模型能力涌现",
            [("东昱晓", "speaker")],
        ),
    ],
)
def test_heading_people_in_other_grammars(raw, title, people):
    heading = parse_heading(raw)
    assert heading.title == title
    assert [(p.name, p.role) for p in heading.people] == people


@pytest.mark.parametrize(
    "raw,event,part,title,uploader,video_id",
    [
        ("2023某大会-AI开源论坛 - P1 - 上传者 - BV1jo4y1K74N", "2023某大会", 1, "AI开源论坛", "上传者", "BV1jo4y1K74N"),
        (
            "NeurIPS 2024 - P2：Scaling Laws：Jane Doe - Some Channel - dQw4w9WgXcQ",
            "NeurIPS 2024",
            2,
            "Scaling Laws",
            "Some Channel",
            "dQw4w9WgXcQ",
        ),
        ("NeurIPS 2024 - P2：Scaling Laws：Jane Doe - 某频道", "NeurIPS 2024", 2, "Scaling Laws", "某频道", None),
        (
            "Learning On Graphs Conference 2024 p08 P08_Closing_Remarks -BV1k9pAzpE8S_p8-",
            "Learning On Graphs Conference 2024",
            8,
            "Closing Remarks",
            None,
            "BV1k9pAzpE8S",
        ),
    ],
)
def test_headings_from_other_sources(raw, event, part, title, uploader, video_id):
    heading = parse_heading(raw)
    assert (heading.event, heading.part, heading.title) == (event, part, title)
    assert (heading.uploader, heading.video_id) == (uploader, video_id)


def test_heading_without_video_id_or_part_keeps_its_text_as_title():
    heading = parse_heading("My own notes on a talk")
    assert heading.title == "My own notes on a talk"
    assert heading.video_id is None and heading.part is None


def test_hyphen_inside_a_model_name_is_not_a_separator():
    heading = parse_heading("2025某大会-前沿 - P1：GPT-4 技术报告：Jane Doe - up - BV1234567890")
    assert heading.title == "GPT-4 技术报告"
    assert [p.name for p in heading.people] == ["Jane Doe"]


def test_normalize_name_removes_spaces_between_han_characters_only():
    assert normalize_name("张 鹏") == "张鹏"
    assert normalize_name("Thomas  Scialom") == "Thomas Scialom"


def test_collection_heading_is_not_a_talk_and_slides_keep_their_position():
    text = (
        "# 合集（一）\n\n\n\n# 会-坛 - P1：报告：张三 - up - BV1234567890\n\n第一段。\n\n"
        "![](https://example.org/a.png)\n\n第二段。\n\n![](img/b.png)"
    )
    talks = parse_transcript(text)
    assert len(talks) == 1
    assert talks[0].paragraphs == ["第一段。", "第二段。"]
    assert [(s.url, s.after_segment) for s in talks[0].slides] == [
        ("https://example.org/a.png", 1),
        ("img/b.png", 2),
    ]
    assert talks[0].line == 5


def test_crlf_and_bom_are_read_like_plain_files():
    talks = parse_transcript("\ufeff# 会 - P1：题 - up - BV1234567890\r\n\r\n一段。\r\n\r\n两段。\r\n")
    assert talks[0].paragraphs == ["一段。", "两段。"]


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("just text\n\nno heading", "no '# ' heading"),
        ("# 会 - P1：题 - up - BV1234567890\n", "no paragraphs"),
        ("# 会 - P1：题\n\n段\x00落", "NUL"),
        ("preface\n\n# 会 - P1：题\n\n段落", "line 1"),
    ],
)
def test_unusable_files_raise_a_clear_error(text, reason):
    with pytest.raises(TranscriptError, match=reason):
        parse_transcript(text)


def test_segment_counts_match_the_paragraphs_of_the_files():
    for path in BUNDLED.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
        expected = sum(1 for b in blocks if not b.startswith("# ") and not b.startswith("!["))
        assert sum(len(t.paragraphs) for t in parse_transcript(text)) == expected, path.name


def test_a_long_paragraph_is_cut_between_sentences_then_clauses_then_anywhere():
    sentences = "".join(f"第{i}句，讲大模型。" for i in range(100))
    pieces = split_paragraph([sentences], size=50)
    assert "".join(pieces) == sentences and all(len(p) <= 50 and p.endswith("。") for p in pieces)
    clauses = "，".join(["没有句号的一个分句"] * 40)
    assert all(p.endswith("，") or p == split_paragraph([clauses], 50)[-1] for p in split_paragraph([clauses], 50))
    assert [len(p) for p in split_paragraph(["字" * 120], size=50)] == [50, 50, 20]
    english = "This is one sentence. " * 20
    assert all(p.endswith(".") for p in split_paragraph([english], size=60))
