"""The people file: correct names, affiliations and heard forms, read by app/roster.py."""

from __future__ import annotations

from app.roster import load_roster, parse_roster


def test_a_line_gives_name_affiliation_and_heard_forms():
    roster = parse_roster("# comment\n\n周伯文 | 上海人工智能实验室 | 周博文, 周博闻\n廉士国 | | 连世国、连士国\n")
    person = roster.find("周博闻")
    assert (person.name, person.affiliation, person.heard) == ("周伯文", "上海人工智能实验室", ("周博文", "周博闻"))
    assert roster.find("连士国").name == "廉士国" and roster.find("廉士国").affiliation is None
    assert roster.find("周伯") is None


def test_a_bad_line_is_reported_and_the_others_kept():
    roster = parse_roster("| no name |\n张 鹏 | 智谱\na | b | c | d\n")
    assert [p.name for p in roster.people] == ["张鹏"]
    assert [problem.split(":")[0] for problem in roster.problems] == ["line 1", "line 3"]


def test_no_file_lists_nobody(tmp_path):
    assert load_roster(tmp_path / "people.txt").people == []


def test_the_bundled_file_fixes_names_heard_in_the_bundled_transcripts():
    assert load_roster().find("周博文").name == "周伯文"
