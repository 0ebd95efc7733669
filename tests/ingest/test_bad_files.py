"""Broken transcript files: each is ingested sensibly or rejected with its name, line and reason.

The small cases live in tests/data/broken/; big and binary ones are made here. Whatever a bad
file holds, the talks already stored from other files stay exactly as they were, no half-built
copy is left behind, and `python -m app ingest` exits with 1 when it rejected anything.
"""

from __future__ import annotations

import errno
import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from app.db import read_only_engine
from app.ingest import ingest
from app.ingest.parsing import MAX_HEADING_CHARS, SPLIT_SEGMENT_CHARS, TranscriptError, parse_transcript
from app.search import search
from tests.conftest import TEST_DATA, every_row

BROKEN = TEST_DATA / "broken"
GOOD = (
    "# 测试大会-正常论坛 - P1：正常报告：王五 - 上传者 - BV1good00000\n\n"
    "第一段，关于大模型。\n\n![](https://example.org/slide.png)\n\n第二段，王五讲安全。\n"
)
TEN_MB = 10 * 2**20
LONG_PARAGRAPH = "字" * (TEN_MB // 3)


def _binary() -> bytes:
    """An image renamed .txt: PNG magic, then noise."""
    return b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(64 * 1024)


def _long_heading() -> bytes:
    return f"# 测试大会 - P1：{LONG_PARAGRAPH} - 上传者 - BV1long00000\n\n正文。\n".encode()


def _one_line() -> bytes:
    return b"x" * TEN_MB


def _committed(name: str) -> Callable[[], bytes]:
    return lambda: (BROKEN / name).read_bytes()


# file name, its content, the line blamed (None where no line is), a part of the reason
REJECTED = [
    ("gbk.txt", _committed("gbk.txt"), 3, "not UTF-8 text (save the file as UTF-8)"),
    ("utf16.txt", _committed("utf16.txt"), 1, "not UTF-8 text"),
    ("binary.txt", _binary, 1, "not UTF-8 text"),
    ("empty.txt", _committed("empty.txt"), None, "file is empty"),
    ("heading_only.txt", _committed("heading_only.txt"), 1, "headings but no paragraphs: nothing to ingest"),
    ("no_heading.txt", _committed("no_heading.txt"), None, "no '# ' heading found"),
    ("text_before_heading.txt", _committed("text_before_heading.txt"), 1, "text before the first '# ' heading"),
    ("nul.txt", _committed("nul.txt"), 5, "contains NUL bytes (binary file?)"),
    ("one_line.txt", _one_line, None, "no '# ' heading found"),
    ("long_heading.txt", _long_heading, 1, f"characters is over the limit of {MAX_HEADING_CHARS:,}"),
    ("duplicate_id.txt", _committed("duplicate_id.txt"), 1, "talk id BV1good00000-p1 is already used by good.txt"),
]

# file name, the talk id it gets, its segments
INGESTED = [
    ("bom.txt", "BV1bom000000-p1", ["文件开头有字节顺序标记。", "第二段。"]),
    ("crlf.txt", "BV1crlf00000-p1", ["每一行都以回车换行结束。", "第二段。"]),
    ("no_id.txt", "我的笔记-一次分享", ["没有视频编号也没有分P的标题。"]),
]


SENTENCES = [f"第{i}句讲的是大模型的第{i}个问题。" for i in range(1000)]  # about 20,000 characters
WITHOUT_BLANK_LINES = {  # file name → its text: a whole talk on one line, subtitles one sentence per line
    "one_line.md": "# 测试大会 - P1：一整行 - 上传者 - BV1line00000\n\n" + "".join(SENTENCES) + "\n",
    "subtitles.md": "# 测试大会 - P1：逐行字幕 - 上传者 - BV1subs00000\n\n" + "\n".join(SENTENCES) + "\n",
}


@pytest.mark.parametrize("name", WITHOUT_BLANK_LINES)
def test_a_transcript_without_blank_lines_is_ingested_whole_in_readable_segments(tmp_path, name):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / name).write_text(WITHOUT_BLANK_LINES[name], encoding="utf-8")
    db = tmp_path / "kb.sqlite3"
    assert ingest(folder, db).ok
    with sqlite3.connect(db) as connection:
        texts = [text for (text,) in connection.execute("SELECT text FROM segment ORDER BY talk_id, number")]
    assert len(texts) > 20 and all(len(text) <= SPLIT_SEGMENT_CHARS for text in texts)
    assert "".join("".join(texts).split()) == "".join(SENTENCES)  # nothing lost (a line break reads as a space)
    assert all(text.endswith("。") for text in texts)  # cut between sentences
    with read_only_engine(db).connect() as connection:
        assert search(connection, "第237句").total == 1


def rows_of(db: Path, file: str) -> dict[str, list[tuple]]:
    """Every row that hangs off one file's talks (their programme position may move when talks arrive)."""
    talks = "SELECT id FROM talk WHERE source_file = ?"
    queries = {
        "sourcefile": "SELECT * FROM sourcefile WHERE name = ?",
        "talk": "SELECT id, heading, title, event, forum, part, segment_count FROM talk WHERE source_file = ?",
        "segment": f"SELECT * FROM segment WHERE talk_id IN ({talks}) ORDER BY id",
        "slide": f"SELECT * FROM slide WHERE talk_id IN ({talks}) ORDER BY id",
        "chapter": f"SELECT * FROM chapter WHERE talk_id IN ({talks}) ORDER BY id",
        "talkspeaker": f"SELECT * FROM talkspeaker WHERE talk_id IN ({talks}) ORDER BY position",
        "speaker": f"SELECT * FROM speaker WHERE id IN (SELECT speaker_id FROM talkspeaker WHERE talk_id IN ({talks}))",
        "indexed": f"SELECT rowid FROM segment_trigrams WHERE segment_trigrams MATCH '\"大模型\"' AND rowid IN "
        f"(SELECT id FROM segment WHERE talk_id IN ({talks}))",
    }
    with sqlite3.connect(db) as connection:
        return {table: connection.execute(sql, (file,)).fetchall() for table, sql in queries.items()}


def leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if ".building" in p.name)


@pytest.fixture()
def stored(tmp_path: Path) -> tuple[Path, Path]:
    """A folder whose good.txt is already in the database."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "kb.sqlite3"
    assert ingest(folder, db).ok
    assert rows_of(db, "good.txt")["indexed"]
    return folder, db


def _where(name: str, line: int | None) -> str:
    return f"{name}:{line}" if line else name


@pytest.mark.parametrize("name,content,line,reason", REJECTED, ids=[case[0] for case in REJECTED])
def test_a_rejected_file_is_named_with_its_line_and_reason_and_nothing_changes(stored, name, content, line, reason):
    folder, db = stored
    before, published = every_row(db), db.stat()
    (folder / name).write_bytes(content())
    started = time.perf_counter()
    report = ingest(folder, db)
    assert time.perf_counter() - started < 10
    assert [(p.file, p.line) for p in report.problems] == [(name, line)]
    assert reason in report.problems[0].reason
    assert str(report.problems[0]).startswith(f"{_where(name, line)}: ")
    assert report.unchanged == ["good.txt"] and not report.added and "1 rejected" in report.summary()
    assert every_row(db) == before
    assert (db.stat().st_ino, db.stat().st_mtime_ns) == (published.st_ino, published.st_mtime_ns)
    assert leftovers(db) == []


@pytest.mark.parametrize("name,content,line,reason", REJECTED, ids=[case[0] for case in REJECTED])
def test_the_cli_names_a_rejected_file_on_stderr_and_exits_1(stored, capsys, name, content, line, reason):
    folder, db = stored
    before = every_row(db)
    (folder / name).write_bytes(content())
    assert main(["ingest", str(folder), "--db", str(db)]) == 1
    out, err = capsys.readouterr()
    [message] = err.splitlines()
    assert message.startswith(f"rejected {_where(name, line)}: ") and reason in message
    assert "1 unchanged" in out and "1 rejected" in out
    assert every_row(db) == before


@pytest.mark.parametrize("name,talk,segments", INGESTED, ids=[case[0] for case in INGESTED])
def test_a_file_that_can_be_read_is_ingested_beside_the_stored_ones(stored, name, talk, segments):
    folder, db = stored
    before = rows_of(db, "good.txt")
    shutil.copy(BROKEN / name, folder)
    report = ingest(folder, db)
    assert report.ok and report.added == [name] and report.unchanged == ["good.txt"]
    with sqlite3.connect(db) as connection:
        stored_segments = connection.execute("SELECT text FROM segment WHERE talk_id = ? ORDER BY number", (talk,))
        assert [text for (text,) in stored_segments] == segments
        heading, line = connection.execute("SELECT heading, heading_line FROM talk WHERE id = ?", (talk,)).fetchone()
    assert line == 1 and not heading.startswith(("\ufeff", "#")) and "\r" not in heading
    assert rows_of(db, "good.txt") == before
    assert leftovers(db) == []


@pytest.mark.parametrize("name,talk,segments", INGESTED, ids=[case[0] for case in INGESTED])
def test_the_cli_ingests_a_readable_file_and_exits_0(stored, capsys, name, talk, segments):
    folder, db = stored
    shutil.copy(BROKEN / name, folder)
    assert main(["ingest", str(folder), "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "1 added" in out and "0 rejected" in out


def test_the_whole_corpus_at_once(stored, capsys):
    folder, db = stored
    before = rows_of(db, "good.txt")
    for name, content, _, _ in REJECTED:
        (folder / name).write_bytes(content())
    for name, _, _ in INGESTED:
        shutil.copy(BROKEN / name, folder)
    assert main(["ingest", str(folder), "--db", str(db)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == len(REJECTED)
    for name, _, line, reason in REJECTED:
        [message] = [m for m in err if m.startswith(f"rejected {_where(name, line)}: ")]
        assert reason in message
    with sqlite3.connect(db) as connection:
        talks = {talk for (talk,) in connection.execute("SELECT id FROM talk")}
    assert talks == {"BV1good00000-p1", *(talk for _, talk, _ in INGESTED)}
    assert rows_of(db, "good.txt") == before
    # Nothing was forgotten: the rejected files are reported again, the others are unchanged.
    assert main(["ingest", str(folder), "--db", str(db)]) == 1
    assert len(capsys.readouterr().err.splitlines()) == len(REJECTED)


def test_a_file_too_big_to_be_a_transcript_is_not_read(stored):
    folder, db = stored
    with open(folder / "video.txt", "wb") as file:
        file.truncate(40 * 2**20)  # sparse: takes no room
    [problem] = ingest(folder, db).problems
    assert str(problem) == "video.txt: file of 40 MB is over the limit of 32 MB"


def test_two_new_files_claiming_one_talk_id_the_first_wins_until_it_goes(stored, capsys):
    folder, db = stored
    talk = "# 另一个大会 - P2：{title} - 上传者 - BV1twin00000\n\n{title}的正文。\n"
    (folder / "a.txt").write_text(talk.format(title="甲"), encoding="utf-8")
    (folder / "b.txt").write_text("# 前言\n\n" + talk.format(title="乙"), encoding="utf-8")
    for _ in range(2):  # the rejection is not forgotten once a.txt is stored
        assert main(["ingest", str(folder), "--db", str(db)]) == 1
        assert capsys.readouterr().err == "rejected b.txt:3: talk id BV1twin00000-p2 is already used by a.txt\n"
    (folder / "a.txt").unlink()
    assert main(["ingest", str(folder), "--db", str(db)]) == 0
    [(talk, _, title, *_)] = rows_of(db, "b.txt")["talk"]
    assert (talk, title) == ("BV1twin00000-p2", "乙")


def test_one_file_with_the_same_talk_twice_is_rejected(stored):
    folder, db = stored
    talk = "# 另一个大会 - P3：报告 - 上传者 - BV1twin00000\n\n正文。\n\n"
    (folder / "twice.txt").write_text(talk * 2, encoding="utf-8")
    [problem] = ingest(folder, db).problems
    assert str(problem) == "twice.txt:5: talk id BV1twin00000-p3 is already the id of the talk on line 1"


def test_a_stored_file_changed_to_clash_keeps_its_old_talks(stored):
    folder, db = stored
    (folder / "other.txt").write_text(GOOD.replace("BV1good00000", "BV1other0000"), encoding="utf-8")
    assert ingest(folder, db).ok
    before = rows_of(db, "other.txt")
    (folder / "other.txt").write_text(GOOD.replace("第二段", "改过的第二段"), encoding="utf-8")
    [problem] = ingest(folder, db).problems
    assert str(problem) == "other.txt:1: talk id BV1good00000-p1 is already used by good.txt"
    assert rows_of(db, "other.txt") == before


def test_lines_are_counted_as_editors_count_them():
    """Only \\n, \\r\\n and \\r end a line; a form feed or U+2028 inside a paragraph does not."""
    text = "# 会 - P1：题\r\n\r\n段\u2028落\x0c。\r\n\r\n# 会 - P2：题\r\r段。\n\n坏\x00"
    with pytest.raises(TranscriptError, match="line 9: contains NUL"):
        parse_transcript(text)
    talks = parse_transcript(text.replace("\x00", ""))
    assert [t.line for t in talks] == [1, 5]
    assert talks[0].paragraphs == ["段\u2028落\x0c。"]


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _denied(self):
    raise PermissionError(errno.EACCES, "Permission denied", str(self))


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        ("full disk", "No space left on device"),
        ("unreadable folder", "Permission denied"),
        ("database folder is a file", "File exists"),
    ],
)
def test_an_error_of_the_system_is_one_line_exit_1_and_the_database_untouched(
    stored, capsys, monkeypatch, breakage, reason
):
    folder, db = stored
    (folder / "new.txt").write_text(GOOD.replace("BV1good00000", "BV1new000000"), encoding="utf-8")
    before = db.read_bytes()
    target = db
    if breakage == "full disk":
        monkeypatch.setattr("app.ingest.store._copy_database", _full_disk)
    elif breakage == "unreadable folder":
        monkeypatch.setattr(Path, "iterdir", _denied)
    else:
        target = db.parent / "good.txt.d" / "kb.sqlite3"
        target.parent.write_text("a file where a folder should be", encoding="utf-8")
    assert main(["ingest", str(folder), "--db", str(target)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert err.count("\n") == 1 and err.startswith("rejected ") and reason in err
    assert "left as it was" in err
    assert db.read_bytes() == before
