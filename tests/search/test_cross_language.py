"""Queries in the other language: passages saying more of the query's words come first."""

from __future__ import annotations

from app.bilingual import says
from app.db import read_only_engine
from app.ingest import ingest
from app.search import engine, search
from app.search.variants import Variant

CEDICT = (
    "數據 数据 [shu4 ju4] /data/numbers/\n"
    "飛輪 飞轮 [fei1 lun2] /flywheel/\n"
    "私有 私有 [si1 you3] /private/\n"
    "專屬 专属 [zhuan1 shu3] /private/exclusive/\n"
)
TALK = "# 测试大会-测试论坛 - P1：报告：张三 - 上传者 - BV1test00000\n\n{body}\n"
SEGMENTS = [
    "私有部署，私有服务，专属服务，专属方案。",  # two senses of private, nothing else of the query
    "数据飞轮转起来以后，模型越来越好。",  # data (a common word here, as it is in talks) and flywheel
    *(f"第{n}位嘉宾上台，大家下午好。" for n in range(30)),
    *(f"第{n}组数据。" for n in range(5)),
]


def test_english_words_are_said_as_whole_words_or_inflections_and_chinese_ones_as_substrings():
    assert says("the credit card number", "credit card") and not says("we discard it", "card")
    assert says("two credit cards", "credit card") and not says("cardinal", "card")
    assert says("back propagation was invented", "propagate") and says("can attackers extract", "attacker")
    assert not says("artificial", "art")  # too short to match by its stem
    assert says("数据飞轮转起来", "飞轮")


def translated_hits(tmp_path, monkeypatch, dictionary: str, segments: list[str], query: str) -> list:
    (tmp_path / "cedict.txt").write_text(dictionary, encoding="utf-8")
    monkeypatch.setattr("app.bilingual.BILINGUAL_FILE", tmp_path / "cedict.txt")
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "a.txt").write_text(TALK.format(body="\n\n".join(segments)), encoding="utf-8")
    assert ingest(folder, tmp_path / "kb.sqlite3").ok
    with read_only_engine(tmp_path / "kb.sqlite3").connect() as connection:
        return [hit for hit in search(connection, query).hits if hit.match == "translated"]


def test_a_passage_saying_two_of_the_query_words_beats_one_saying_one_word_twice(tmp_path, monkeypatch):
    hits = translated_hits(tmp_path, monkeypatch, CEDICT, SEGMENTS, "private data flywheel")
    assert [hit.segment for hit in hits[:2]] == [2, 1]


def test_a_chinese_query_finds_the_english_passage_saying_its_gloss_inflected(tmp_path, monkeypatch):
    segments = ["So can attackers extract the secrets?", *(f"第{n}位嘉宾上台，大家下午好。" for n in range(30))]
    hits = translated_hits(tmp_path, monkeypatch, "攻擊者 攻击者 [gong1 ji1 zhe3] /attacker/\n", segments, "攻击者")
    assert [(hit.segment, hit.translation) for hit in hits] == [(1, "attacker")]


def coverage_order(tmp_path, segments: list[str], query: str, translations: dict, heard: list) -> tuple[list, dict]:
    """The coverage ordering of the first two segments of a talk, and segment number → id."""
    folder = tmp_path / "t"
    folder.mkdir()
    padding = [f"第{n}位嘉宾上台，大家下午好。" for n in range(60)]
    (folder / "a.txt").write_text(TALK.format(body="\n\n".join([*segments, *padding])), encoding="utf-8")
    assert ingest(folder, tmp_path / "kb.sqlite3").ok
    with read_only_engine(tmp_path / "kb.sqlite3").connect() as connection:
        ids = dict(connection.exec_driver_sql("SELECT number, id FROM segment").fetchall())
        facts = engine.corpus_facts(connection)
        candidates = {"words": [ids[1], ids[2]]}
        order = engine._coverage_order(connection, facts, engine.parse_query(query), translations, candidates, heard)
    return order, ids


def test_the_coverage_ordering_counts_a_word_said_in_a_heard_form(tmp_path):
    """Of two candidates saying 开源, the one that also says Llama as the recogniser heard it (喇嘛) comes first."""
    heard = [Variant("喇嘛", "sounds_like", "llama", 0.8)]
    order, ids = coverage_order(tmp_path, ["开源生态开源社区都很开源。", "喇嘛开源了新版本。"], "llama 开源", {}, heard)
    assert order == [ids[2], ids[1]]


def test_a_word_inside_a_translated_query_word_is_not_a_concept_of_its_own(tmp_path):
    """神经网络 is part of 图神经网络: a passage on neural networks does not cover graph neural networks."""
    segments = ["神经网络的发展，神经网络的特征。", "We train graph neural networks on many graphs."]
    translations = {"图神经网络": ["graph neural network"], "节点特征": ["node feature"]}
    order, ids = coverage_order(tmp_path, segments, "图神经网络的节点特征", translations, [])
    assert order[0] == ids[2]
    assert ids[1] not in order  # it says 神经网络 and 特征, parts of the query's words only
