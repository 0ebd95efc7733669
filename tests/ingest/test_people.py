"""Speaker records: the people file's correct names, and one record per person across talks and events."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app import config
from app.ingest import ingest

FORUM = "# {event}-某论坛 - P{part}：20240705-全程 - 上传者 - BV1test0000{part}\n\n" + "\n\n".join(
    [
        "各位来宾大家好，欢迎来到今天的论坛。",
        "今天的议程非常丰富。",
        "下面让我们以热烈的掌声有请{place}教授{name}为我们带来《大模型的未来》主旨演讲。",
        "尊敬的各位领导，各位嘉宾，大家好，我今天讲的是大模型。",
        "大模型的发展非常快。",
        "第二部分讲应用。谢谢大家。",
        "感谢精彩的分享。下面让我们以热烈的掌声有请北京大学教授李明为我们带来《智能体》主题演讲。",
        "尊敬的各位嘉宾，大家好，我今天讲智能体。",
        "智能体的发展也很快。",
    ]
)


def forum(event: str, part: int, name: str, place: str = "清华大学") -> str:
    return FORUM.format(event=event, part=part, name=name, place=place)


def speakers(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as connection:
        return dict(connection.execute("SELECT name, aliases FROM speaker"))


def build(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "kb.sqlite3"
    assert ingest(folder, db).ok
    return db


def test_the_people_file_gives_the_correct_name_and_keeps_the_heard_one(tmp_path, monkeypatch):
    people = tmp_path / "people.txt"
    people.write_text("周伯文 | 上海人工智能实验室 | 周博文, 周博闻\n", encoding="utf-8")
    monkeypatch.setattr(config, "PEOPLE_FILE", people)
    db = build(tmp_path, {"a.txt": forum("2024某大会", 1, "周博文")})
    assert speakers(db)["周伯文"] == "周博文 | 周博闻" and "周博文" not in speakers(db)
    with sqlite3.connect(db) as connection:
        (affiliation,) = connection.execute("SELECT affiliation FROM speaker WHERE id = '周伯文'").fetchone()
    assert affiliation == "上海人工智能实验室"


def test_editing_the_people_file_rebuilds_and_says_why(tmp_path, monkeypatch):
    people = tmp_path / "people.txt"
    monkeypatch.setattr(config, "PEOPLE_FILE", people)
    db = build(tmp_path, {"a.txt": forum("2024某大会", 1, "周博文")})
    assert "周博文" in speakers(db)
    people.write_text("周伯文 | | 周博文\n", encoding="utf-8")
    report = ingest(tmp_path / "transcripts", db)
    assert "people file" in (report.rebuilt or "")
    assert "周伯文" in speakers(db) and "周博文" not in speakers(db)


def test_names_that_sound_alike_at_different_events_stay_two_people(tmp_path):
    db = build(
        tmp_path,
        {
            "a.txt": forum("2023某大会", 1, "张伟"),
            "b.txt": forum("2024另一大会", 2, "章玮", place="浙江工业大学"),
        },
    )
    assert {"张伟", "章玮"} <= set(speakers(db))


def test_names_that_sound_alike_in_one_event_are_one_person(tmp_path):
    db = build(
        tmp_path,
        {
            "a.txt": forum("2024某大会", 1, "张伟"),
            "b.txt": forum("2024某大会", 2, "章玮", place="浙江工业大学"),
        },
    )
    names = speakers(db)
    assert "章玮" not in names and "章玮" in names["张伟"]


def test_a_forum_part_that_says_only_lin_laoshi_is_given_to_the_forum_s_lin(bundled_db):
    with sqlite3.connect(bundled_db) as connection:
        records = dict(connection.execute("SELECT id, aliases FROM speaker"))
    assert "林老师" in records["林德华"].split(" | ")
    assert not any(speaker_id.startswith("林老师（") for speaker_id in records)


def test_a_name_added_later_that_sounds_like_a_stored_speaker_of_the_event_is_that_person(tmp_path):
    """The speakers stored by an earlier ingest are compared too, not only those of this one."""
    db = build(tmp_path, {"a.txt": forum("2024某大会", 1, "张伟")})
    (tmp_path / "transcripts" / "b.txt").write_text(forum("2024某大会", 2, "章玮", place="浙江工业大学"), "utf-8")
    assert ingest(tmp_path / "transcripts", db).ok
    names = speakers(db)
    assert "章玮" not in names and "章玮" in names["张伟"]
