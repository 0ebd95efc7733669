"""Ingest: the 11 bundled talks, stable ids, idempotence, incremental updates, broken files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.ingest import ingest
from tests.conftest import BUNDLED

EXPECTED_TALKS = {
    "BV1yS411A73A-p7": 170,
    "BV1zE421N7UJ-p7": 65,
    "BV1zE421N7UJ-p8": 223,
    "BV1uH4y1w77V-p1": 137,
    "BV1uH4y1w77V-p2": 112,
    "BV1uH4y1w77V-p3": 121,
    "BV1uH4y1w77V-p4": 63,
    "BV1uH4y1w77V-p5": 181,
    "BV1iT421k7Bv-p3": 1089,
    "BV1iT421k7Bv-p31": 1000,
    "BV1iT421k7Bv-p36": 871,
}

TALK = "# 测试大会-测试论坛 - P{part}：报告：张三 - 上传者 - BV1test00000\n\n{body}\n"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def snapshot(db: Path) -> list[tuple]:
    return rows(db, "SELECT talk_id, number, text FROM segment ORDER BY talk_id, number")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "transcripts"
    target.mkdir()
    return target


def test_bundled_files_give_eleven_talks_with_their_segment_counts(bundled_db):
    counts = dict(rows(bundled_db, "SELECT talk_id, count(*) FROM segment GROUP BY talk_id"))
    assert counts == EXPECTED_TALKS
    assert dict(rows(bundled_db, "SELECT id, segment_count FROM talk")) == EXPECTED_TALKS


def test_slides_are_stored_but_not_searchable(bundled_db):
    assert rows(bundled_db, "SELECT count(*) FROM slide")[0][0] == 110
    assert rows(bundled_db, "SELECT count(*) FROM segment WHERE text LIKE '%![](%'")[0][0] == 0


def test_a_full_build_leaves_each_index_merged_and_no_free_pages(bundled_db):
    assert rows(bundled_db, "PRAGMA freelist_count") == [(0,)]
    for index in ("segment_words", "segment_chars", "segment_trigrams", "segment_sounds"):
        # FTS5 keeps one row in its _idx table per b-tree segment and level: merged, one level is left
        assert rows(bundled_db, f"SELECT count(DISTINCT segid) FROM {index}_idx") == [(1,)]


def test_reingest_is_a_no_op_and_a_full_rebuild_keeps_ids(tmp_path):
    db = tmp_path / "kb.sqlite3"
    ingest(BUNDLED, db)
    before = snapshot(db)
    again = ingest(BUNDLED, db)
    assert again.unchanged and not again.added and not again.updated
    rebuilt = ingest(BUNDLED, db, full=True)
    assert rebuilt.ok and snapshot(db) == before


def test_changed_file_replaces_only_its_own_talks(folder, tmp_path):
    db = tmp_path / "kb.sqlite3"
    (folder / "a.txt").write_text(TALK.format(part=1, body="第一段。\n\n第二段。"), encoding="utf-8")
    (folder / "b.txt").write_text(TALK.format(part=2, body="别的文件。"), encoding="utf-8")
    ingest(folder, db)
    (folder / "a.txt").write_text(TALK.format(part=1, body="改过的第一段。"), encoding="utf-8")
    report = ingest(folder, db)
    assert report.updated == ["a.txt"] and report.unchanged == ["b.txt"]
    assert snapshot(db) == [("BV1test00000-p1", 1, "改过的第一段。"), ("BV1test00000-p2", 1, "别的文件。")]
    fts = rows(db, "SELECT rowid FROM segment_trigrams WHERE segment_trigrams MATCH '\"第二段\"'")
    assert fts == []  # the old text is gone from the index too


def test_deleted_file_takes_its_talks_along(folder, tmp_path):
    db = tmp_path / "kb.sqlite3"
    (folder / "a.txt").write_text(TALK.format(part=1, body="一。"), encoding="utf-8")
    (folder / "b.md").write_text(TALK.format(part=2, body="二。"), encoding="utf-8")
    ingest(folder, db)
    (folder / "b.md").unlink()
    report = ingest(folder, db)
    assert report.removed == ["b.md"]
    assert rows(db, "SELECT id FROM talk") == [("BV1test00000-p1",)]
    assert rows(db, "SELECT count(*) FROM speaker")[0][0] == 1


def word_index(db: Path) -> list[tuple]:
    """(token, segments holding it) of the word index, read off the index itself."""
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, segment_words, row)")
        return connection.execute("SELECT term, doc FROM temp.vocabulary ORDER BY term").fetchall()


def test_files_changed_one_by_one_leave_the_word_index_a_fresh_build_would_have(folder, tmp_path):
    # The word index stores no text: a deleted segment is cut again, and must be cut as it was
    # indexed, with the names its ingest knew (欧阳明远 from b's heading), not with today's.
    db = tmp_path / "kb.sqlite3"
    (folder / "a.txt").write_text(TALK.format(part=1, body="下面请欧阳明远老师来讲一讲。"), encoding="utf-8")
    named = "# 测试大会-测试论坛 - P2：报告：欧阳明远 - 上传者 - BV1test00000\n\n欧阳明远的报告。\n"
    (folder / "b.txt").write_text(named, encoding="utf-8")
    ingest(folder, db)
    assert ("欧阳明远", 2) in word_index(db)
    (folder / "b.txt").unlink()
    ingest(folder, db)
    (folder / "c.txt").write_text(TALK.format(part=3, body="第三个文件说的话。"), encoding="utf-8")
    ingest(folder, db)
    (folder / "a.txt").unlink()
    assert ingest(folder, db).removed == ["a.txt"]
    fresh = tmp_path / "fresh.sqlite3"
    ingest(folder, fresh)
    assert word_index(db) == word_index(fresh)
    assert not any("欧阳" in term for term, _ in word_index(db))


@pytest.mark.parametrize(
    "content,reason",
    [
        ("# 会 - P1：题\n\n中文".encode("gbk"), "not UTF-8"),
        (b"", "empty"),
        ("只有正文，没有标题。".encode(), "no '# ' heading"),
    ],
)
def test_broken_file_is_reported_and_nothing_stored_is_lost(folder, tmp_path, content, reason):
    db = tmp_path / "kb.sqlite3"
    (folder / "good.txt").write_text(TALK.format(part=1, body="好的。"), encoding="utf-8")
    ingest(folder, db)
    before = snapshot(db)
    (folder / "bad.txt").write_bytes(content)
    report = ingest(folder, db)
    assert not report.ok
    assert [p.file for p in report.problems] == ["bad.txt"] and reason in report.problems[0].reason
    assert snapshot(db) == before


def test_a_stored_file_that_turns_broken_keeps_its_old_talks(folder, tmp_path):
    db = tmp_path / "kb.sqlite3"
    (folder / "a.txt").write_text(TALK.format(part=1, body="原文。"), encoding="utf-8")
    ingest(folder, db)
    (folder / "a.txt").write_bytes(b"\xff\xfe broken")
    assert not ingest(folder, db).ok
    assert snapshot(db) == [("BV1test00000-p1", 1, "原文。")]


def test_two_files_claiming_one_talk_id_keep_the_first(folder, tmp_path):
    db = tmp_path / "kb.sqlite3"
    (folder / "a.txt").write_text(TALK.format(part=1, body="甲。"), encoding="utf-8")
    (folder / "b.txt").write_text(TALK.format(part=1, body="乙。"), encoding="utf-8")
    report = ingest(folder, db)
    assert "already used by a.txt" in str(report.problems[0])
    assert snapshot(db) == [("BV1test00000-p1", 1, "甲。")]


def test_heading_without_video_id_gets_a_readable_id(folder, tmp_path):
    db = tmp_path / "kb.sqlite3"
    (folder / "x.txt").write_text("# 我的笔记：一次分享\n\n内容。\n", encoding="utf-8")
    assert ingest(folder, db).ok
    assert rows(db, "SELECT id FROM talk") == [("我的笔记-一次分享",)]


def test_cli_exit_status_says_whether_anything_was_rejected(folder, tmp_path, capsys):
    from app.cli import main

    shutil.copy(BUNDLED / "000_698b2339b18dce45.txt", folder)
    assert main(["ingest", str(folder), "--db", str(tmp_path / "kb.sqlite3")]) == 0
    (folder / "broken.txt").write_bytes(b"\x00\x01")
    assert main(["ingest", str(folder), "--db", str(tmp_path / "kb.sqlite3")]) == 1
    assert "broken.txt" in capsys.readouterr().err


def test_editing_the_dictionary_rebuilds_every_file_and_says_why(tmp_path, monkeypatch):
    dictionary = tmp_path / "dictionary.txt"
    dictionary.write_text("大模型\n", encoding="utf-8")
    monkeypatch.setattr("app.config.DICTIONARY_FILE", dictionary)
    folder, db = tmp_path / "transcripts", tmp_path / "kb.sqlite3"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "# 会 - P1：报告：王五 - 上传者 - BV1dict00000\n\n悟道天鹰讲了很多。\n", encoding="utf-8"
    )
    assert ingest(folder, db).added == ["a.txt"]
    assert ingest(folder, db).unchanged == ["a.txt"]  # nothing changed: nothing read again
    dictionary.write_text("大模型\n悟道天鹰\n", encoding="utf-8")
    report = ingest(folder, db)
    assert report.added == ["a.txt"] and report.rebuilt == "the dictionary (dictionary.txt) changed"
    assert "rebuilt in full (the dictionary (dictionary.txt) changed)" in report.summary()
    assert ingest(folder, db).unchanged == ["a.txt"]
