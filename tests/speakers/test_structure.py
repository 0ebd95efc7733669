"""Talk kinds and who speaks each segment, on the bundled talks."""

from __future__ import annotations

import sqlite3

import pytest

from app import config
from app.ingest.parsing import parse_heading
from app.speakers.structure import analyse, talk_kind

FORUM_HEADING = parse_heading("某大会 - P1：20240705-某论坛 - 上传者 - BV1test00001")  # a whole forum, no people


@pytest.mark.parametrize(
    "heading,kind",
    [
        ("2024北京智源大会-大模型前沿探索 - P7：圆桌讨论;主持人 - 智源社区 - BV1yS411A73A", "panel"),
        ("2024北京智源大会-开幕式及全体大会 - P1：智源进展报告：王仲远 - 智源社区 - BV1uH4y1w77V", "talk"),
        (
            "2024北京智源大会-开幕式及全体大会 - P2：主题报告：多模态大模型-主旨演讲：Aditya Rameah-对话嘉宾：谢赛宁"
            " - 智源社区 - BV1uH4y1w77V",
            "conversation",
        ),
        (
            "2024北京智源大会-开幕式及全体大会 - P3：主题讨论：通用人工智能-环节1：Fireside Chat-李开复-张亚勤"
            " - 智源社区 - BV1uH4y1w77V",
            "panel",
        ),
        ("某大会-某论坛 - P3：健康信息学定量分析研究：张贺烨-主持人：马雷 - 智源社区 - BV1test00002", "talk"),
        ("某大会-某论坛 - P2：意识理论--主讲嘉宾：罗 欢、提问嘉宾：眭亚楠 - 智源社区 - BV1test00003", "conversation"),
    ],
)
def test_kind_from_the_heading(heading, kind):
    assert talk_kind(parse_heading(heading), []) == kind


def kinds(db) -> dict[str, str]:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT id, kind FROM talk"))


def test_bundled_talk_kinds(bundled_db):
    found = kinds(bundled_db)
    assert found["BV1iT421k7Bv-p3"] == found["BV1iT421k7Bv-p31"] == found["BV1iT421k7Bv-p36"] == "forum"
    assert found["BV1uH4y1w77V-p5"] == found["BV1zE421N7UJ-p8"] == "panel"
    assert found["BV1uH4y1w77V-p4"] == found["BV1zE421N7UJ-p7"] == "talk"


def test_single_speaker_talk_is_attributed_from_the_heading(bundled_db):
    with sqlite3.connect(bundled_db) as connection:
        rows = connection.execute(
            "SELECT DISTINCT speaker_id, method FROM segment WHERE talk_id = 'BV1uH4y1w77V-p4'"
        ).fetchall()
    assert rows == [("王海峰", "heading")]


def test_forum_segments_take_the_speaker_the_host_introduced(bundled_db):
    with sqlite3.connect(bundled_db) as connection:
        chapters = connection.execute(
            "SELECT start_segment, speaker_id FROM chapter WHERE talk_id = 'BV1iT421k7Bv-p36' ORDER BY number"
        ).fetchall()
        speaker = connection.execute(
            "SELECT speaker_id, method FROM segment WHERE talk_id = 'BV1iT421k7Bv-p36' AND number = 60"
        ).fetchone()
    assert (20, "张鹏") in chapters and (655, "涂存超") in chapters
    assert speaker == ("张鹏", "handover")


def test_a_person_heard_in_a_forum_is_the_same_record_as_in_a_heading(bundled_db):
    with sqlite3.connect(bundled_db) as connection:
        talks = connection.execute("SELECT talk_id, source FROM talkspeaker WHERE speaker_id = '张鹏'").fetchall()
    assert ("BV1uH4y1w77V-p5", "heading") in talks and ("BV1iT421k7Bv-p36", "handover") in talks


def test_after_a_speaker_signs_off_the_host_s_words_are_not_theirs():
    paragraphs = [
        "各位来宾大家好，欢迎来到今天的论坛。",
        "下面让我们以热烈的掌声有请清华大学教授李明为我们带来《大模型的未来》主旨演讲。",
        "尊敬的各位领导，各位嘉宾，大家好，我今天讲的是大模型。",
        "大模型的发展非常快。",
        "我的分享就到这里，谢谢大家。",
        "好，谢谢李老师。其实大模型落地是我们一直关心的问题。",
        "所以我们接下来还有一个报告。感谢李明教授的精彩报告，下面有请北京大学教授王芳为我们带来《智能体》主题演讲。",
        "尊敬的各位嘉宾，大家好，我今天讲智能体。",
        "智能体的发展也很快。",
    ]
    speakers = [who.name for who in analyse(FORUM_HEADING, paragraphs).speakers]
    assert speakers[2:5] == ["李明"] * 3
    assert speakers[5:7] == [None, None]
    assert speakers[7] == "王芳"


CLOSING_PANEL_FORUM = [
    "各位来宾大家好，欢迎来到今天的论坛。",
    "下面让我们以热烈的掌声有请清华大学教授李明远为我们带来《大模型的未来》主旨演讲。",
    "尊敬的各位领导，各位嘉宾，大家好，我今天讲的是大模型。",
    "大模型的发展非常快，我的分享就到这里，谢谢大家。",
    "感谢李明远教授的精彩报告，下面有请北京大学教授王芳华为我们带来《智能体》主题演讲。",
    "尊敬的各位嘉宾，大家好，我今天讲智能体。",
    "智能体的发展也很快，我的分享就到这里，谢谢大家。",
    "好，谢谢。下面是我们的圆桌讨论，请几位嘉宾上台，明远，芳华，有请。",
    "第一个问题，大模型会不会取代程序员？明远，您先来。",
    "好的，我觉得不会，程序员会用大模型写得更快。",
    "我就说这么多。",
    "好，谢谢明远。芳华，您怎么看？",
    "对，我觉得智能体会改变程序员的工作方式。",
    "我补充的就这些。",
]


def test_a_closing_panel_of_the_forum_s_speakers_is_attributed_to_them():
    """Nobody lists the panelists, but the host hands over to two of the forum's speakers by given name."""
    structure = analyse(FORUM_HEADING, CLOSING_PANEL_FORUM)
    speakers = [who.name for who in structure.speakers]
    assert structure.subtalks[-1].kind == "talk" and not structure.subtalks[-1].guests
    assert speakers[9] == "李明远" and speakers[12] == "王芳华"
    guessed = [who.confidence for who in structure.speakers[9:] if who.name in ("李明远", "王芳华")]
    assert guessed and max(guessed) < config.SURE_CONFIDENCE  # a guessed cast is shown as "probably"


def test_a_forum_speaker_only_talked_about_in_a_panel_is_not_put_on_it():
    """A panel that mentions an earlier speaker (李明远教授讲过) without handing over to them keeps them off."""
    paragraphs = CLOSING_PANEL_FORUM[:7] + [
        "下面是我们的圆桌讨论，请几位嘉宾上台。",
        "刚才李明远教授讲过大模型。李明远教授的观点很有意思。",
        "我们请各位嘉宾谈谈大模型会不会取代程序员？",
        "我觉得不会，程序员会用大模型写得更快。",
    ]
    speakers = [who.name for who in analyse(FORUM_HEADING, paragraphs).speakers]
    assert "李明远" not in speakers[7:]


def test_a_forum_panel_s_turns_are_named_but_shown_as_probable():
    """Its cast is heard from the host, and a hand-over not heard would leave an answer in a host turn."""
    paragraphs = CLOSING_PANEL_FORUM[:7] + [
        "好，谢谢。下面是我们的圆桌讨论，由北京大学的赵明教授主持，有请嘉宾李明远教授、王芳华教授、孙浩然博士上台。",
        "好，谢谢主持人，谢谢各位。第一个问题，大模型会不会取代程序员？明远，您先来。",
        "好的，我觉得不会，程序员会用大模型写得更快。",
        "我就说这么多。",
    ]
    host, answer = analyse(FORUM_HEADING, paragraphs).speakers[8:10]
    assert (host.name, host.method, answer.name) == ("赵明", "host_question", "李明远")
    assert max(host.confidence, answer.confidence) < config.SURE_CONFIDENCE


HOSTED_TALK = [
    "好，各位专家，我们接下来欢迎清华大学张明华教授为我们做报告。",
    "张明华教授主要从事医学影像分析研究，获得过多项奖励。",
    "谢谢马老师的介绍，我今天报告的题目是医学影像。",
    "医学影像的数据量很小，所以我们引入知识。",
    "这样的方法在心脏影像上效果很好。",
    "我们也在临床上做了验证。",
    "下一步我们会做多中心的研究。",
    "多中心的数据更难收集。",
    "我们和几家医院一起合作。",
    "希望以后和大家多多合作。",
    "我的报告就到这里，谢谢大家。",
    "再见。",
]


def test_a_hosted_talk_is_the_speaker_s_after_the_host_s_introduction():
    """张贺烨-主持人：马雷: the host introduces, the lecture is the speaker's; no panel turns are guessed."""
    heading = parse_heading("某大会-某论坛 - P3：医学影像：张明华-主持人：马雷 - 智源社区 - BV1test00002")
    speakers = analyse(heading, HOSTED_TALK).speakers
    assert [who.name for who in speakers[:2]] == ["马雷", "马雷"]
    assert [who.name for who in speakers[2:11]] == ["张明华"] * 9
    assert all(who.confidence >= config.SURE_CONFIDENCE for who in speakers[2:11])
    assert speakers[11].name is None  # closing words after the sign-off: too short to tell whose


def test_a_talk_with_a_questioner_is_the_lecturer_s_until_the_questions():
    """主讲嘉宾/提问嘉宾: the lecture is the speaker's, and the questioner is never given the lecture."""
    heading = parse_heading("某大会-某论坛 - P2：意识理论--主讲嘉宾：罗 欢、提问嘉宾：眭亚楠 - 智源社区 - BV1test00003")
    paragraphs = ["各位下午好，我今天讲意识理论。"] + [f"意识理论的第{n}个问题是这样的。" for n in range(1, 8)]
    paragraphs += ["好，感谢罗老师的精彩报告，下面是问答环节。", "请问罗老师，动物有没有意识？", "我觉得有。"]
    speakers = [who.name for who in analyse(heading, paragraphs).speakers]
    assert speakers[:8] == ["罗欢"] * 8
    assert "罗欢" not in speakers[8:9]


def test_a_talk_whose_heading_names_nobody_is_given_to_the_speaker_the_chair_introduces():
    """English, no people in the heading: the chair's introduction is nobody's, the talk "probably" the speaker's."""
    heading = parse_heading("Some Conference 2024 p03 P03_Graphs_and_Language -BV1test00004_p3-")
    paragraphs = ["All right， so I think we can start， it's my pleasure to introduce Xavier Bresson。"]
    paragraphs += ["He needs no introduction。", "So Zavier take it away。All right， thank you for the introduction。"]
    paragraphs += [f"Graph point {n}。" for n in range(1, 10)]
    speakers = analyse(heading, paragraphs).speakers
    assert [who.name for who in speakers[:2]] == [None, None]
    assert {who.name for who in speakers[2:]} == {"Xavier Bresson"}
    assert all(who.method == "handover" and who.confidence < config.SURE_CONFIDENCE for who in speakers[2:])
