"""The topic tables a build writes: keywords per talk and forum, related talks, refreshed with the alias list."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.ingest import ingest
from bench.keywords import TARGET, TOP, hits

TALK = "# 2024某大会-{forum} - P{part} - {title} - 上传者 - BV1topic000{part}\n\n" + "\n\n".join(["{body}"] * 6)
VIDEO = "今天讲视频生成，扩散模型生成视频，智朴的视频生成模型。"
VIDEO_TOO = "视频生成的评测，视频生成和扩散模型的未来，智谱也在做。"
CHIPS = "芯片的算力不够，国产芯片，算力集群，芯片的功耗。"


def build(folder: Path, db: Path) -> None:
    folder.mkdir(exist_ok=True)
    for part, (forum, title, body) in enumerate(
        [("生成论坛", "视频生成", VIDEO), ("生成论坛", "视频评测", VIDEO_TOO), ("芯片论坛", "国产芯片", CHIPS)], 1
    ):
        text = TALK.format(forum=forum, part=part, title=title, body=body)
        (folder / f"{part}.txt").write_text(text, encoding="utf-8")
    report = ingest(folder, db)
    assert report.ok, report.problems


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_each_talk_gets_its_keywords_and_the_talks_about_the_same_thing_are_related(tmp_path):
    db = tmp_path / "kb.sqlite3"
    build(tmp_path / "t", db)
    keywords = dict(rows(db, "SELECT talk_id, group_concat(term, ' ') FROM talkkeyword GROUP BY talk_id"))
    assert "芯片" in keywords["BV1topic0003-p3"].split() and "视频生成" in keywords["BV1topic0001-p1"].split()
    related = rows(db, "SELECT talk_id, other_id, shared FROM relatedtalk WHERE rank = 1 ORDER BY talk_id")
    assert related[0][:2] == ("BV1topic0001-p1", "BV1topic0002-p2") and "视频生成" in related[0][2]
    forums = dict(rows(db, "SELECT forum, group_concat(term, ' ') FROM forumkeyword GROUP BY forum"))
    assert "芯片" in forums["芯片论坛"].split() and "芯片" not in forums["生成论坛"].split()


def test_editing_the_alias_list_folds_spellings_again_without_reading_the_files(tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.txt"
    aliases.write_text("", encoding="utf-8")
    monkeypatch.setattr("app.aliases.ALIASES_FILE", aliases)
    db = tmp_path / "kb.sqlite3"
    build(tmp_path / "t", db)
    assert rows(db, "SELECT term FROM talkkeyword WHERE talk_id = 'BV1topic0001-p1' AND term = '智谱'") == []
    aliases.write_text("智谱 | 智朴\n", encoding="utf-8")
    report = ingest(tmp_path / "t", db)
    assert report.ok and len(report.unchanged) == 3
    (forms,) = rows(db, "SELECT forms FROM talkkeyword WHERE talk_id = 'BV1topic0001-p1' AND term = '智谱'")
    assert forms == ("智朴",)


def test_editing_the_filler_list_rebuilds_and_drops_the_word_from_keywords(tmp_path, monkeypatch):
    fillers = tmp_path / "fillers.txt"
    fillers.write_text("", encoding="utf-8")
    monkeypatch.setattr("app.config.FILLERS_FILE", fillers)
    db = tmp_path / "kb.sqlite3"
    build(tmp_path / "t", db)
    assert rows(db, "SELECT count(*) FROM talkkeyword WHERE term = '功耗'") == [(1,)]
    fillers.write_text("功耗\n", encoding="utf-8")
    report = ingest(tmp_path / "t", db)
    assert report.ok and "fillers.txt" in (report.rebuilt or "")
    assert rows(db, "SELECT count(*) FROM talkkeyword WHERE term = '功耗'") == [(0,)]


def test_bundled_talks_keywords_name_the_topics_a_reader_chose(bundled_db):
    """tests/data/talk_topics.json: five terms per talk, chosen by reading it (bench/keywords.py).
    On the bundled files alone, 10 of 11 talks have 3 or more among their top ten (plain TF-IDF: 0)."""
    labels = json.loads((Path(__file__).parents[1] / "data" / "talk_topics.json").read_text(encoding="utf-8"))
    with sqlite3.connect(bundled_db) as connection:
        sql = "SELECT term, forms FROM talkkeyword WHERE talk_id = ? ORDER BY rank"
        keywords = {talk: connection.execute(sql, (talk,)).fetchall() for talk in labels["bundled"]}
    named = {
        talk: hits([(term, *forms.split(" | ")) for term, forms in keywords[talk][:TOP]], label["topics"])
        for talk, label in labels["bundled"].items()
    }
    assert sum(count >= TARGET for count in named.values()) >= 10 and min(named.values()) >= 2, named
