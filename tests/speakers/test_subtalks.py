"""Sub-talk detection in forum recordings, on small texts and on the hand-labelled forums."""

from __future__ import annotations

import json

from app.ingest.parsing import parse_transcript
from app.speakers.subtalks import detect_subtalks
from tests.conftest import BUNDLED, TEST_DATA

LABELS = json.loads((TEST_DATA / "subtalks.json").read_text(encoding="utf-8"))


def forum_paragraphs() -> dict[str, list[str]]:
    talks = {}
    for path in BUNDLED.glob("*.txt"):
        for talk in parse_transcript(path.read_text(encoding="utf-8")):
            talks[f"{talk.heading.video_id}-p{talk.heading.part}"] = talk.paragraphs
    return {talk_id: talks[talk_id] for talk_id in LABELS}


def test_a_hand_over_starts_a_chapter_with_speaker_and_affiliation():
    paragraphs = [
        "各位来宾大家好，欢迎来到今天的论坛。",
        "今天的议程非常丰富。",
        "我们的第一位嘉宾是一位著名学者。",
        "下面让我们以热烈的掌声有请清华大学教授李明为我们带来《大模型的未来》主旨演讲。",
        "尊敬的各位领导，各位嘉宾，大家好，我今天讲的是大模型。",
        "大模型的发展非常快。",
    ]
    chapters = detect_subtalks(paragraphs)
    assert [c.start for c in chapters] == [1, 5]
    talk = chapters[1]
    assert (talk.speaker, talk.affiliation, talk.topic) == ("李明", "清华大学教授", "大模型的未来")


def test_the_new_voice_can_start_inside_the_hand_over_paragraph():
    paragraphs = (
        ["开场。"] * 5 + ["感谢王教授的精彩分享。有请张伟博士上台。大家好，我是张伟，很高兴来到这里。"] + ["内容。"] * 5
    )
    assert [c.start for c in detect_subtalks(paragraphs)] == [1, 6]


def test_inviting_an_answer_inside_a_talk_is_no_hand_over():
    paragraphs = ["我们请大家思考一个问题。", "也特别感谢主办方邀请我们来分享。", "欢迎大家加入我们的社区。"] * 4
    assert [c.start for c in detect_subtalks(paragraphs)] == [1]


def test_labelled_forums_precision_and_recall():
    true_positive = predicted = 0
    gold_total = 0
    for talk_id, paragraphs in forum_paragraphs().items():
        gold = sorted({entry["segment"] for entry in LABELS[talk_id]})
        found = [c.start for c in detect_subtalks(paragraphs)]
        matched: set[int] = set()
        for start in found:
            hit = next((g for g in gold if abs(g - start) <= 1 and g not in matched), None)
            if hit is not None:
                matched.add(hit)
        true_positive += len(matched)
        predicted += len(found)
        gold_total += len(gold)
    precision, recall = true_positive / predicted, true_positive / gold_total
    assert precision >= 0.93 and recall >= 0.88, (precision, recall)


def test_chapter_speakers_are_names_as_heard():
    chapters = {c.start: c for c in detect_subtalks(forum_paragraphs()["BV1iT421k7Bv-p36"])}
    assert chapters[20].speaker == "张鹏"
    assert chapters[655].speaker == "涂存超"
