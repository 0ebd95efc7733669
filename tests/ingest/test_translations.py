"""The translation table a build writes: the bilingual dictionary's pairs the corpus says, kept current."""

from __future__ import annotations

from pathlib import Path

from app.ingest import ingest
from tests.ingest.test_topic_tables import build, rows

CHIP = "芯片 芯片 [xin1 pian4] /(computer) chip/microchip/\n"
POWER = "功耗 功耗 [gong1 hao4] /power consumption/\n"
UNSAID = "長頸鹿 长颈鹿 [chang2 jing3 lu4] /giraffe/\n"


def test_a_build_keeps_the_pairs_its_corpus_says_and_an_edited_dictionary_is_read_again(tmp_path, monkeypatch):
    dictionary = tmp_path / "cedict.txt"
    dictionary.write_text(CHIP + UNSAID, encoding="utf-8")
    monkeypatch.setattr("app.bilingual.BILINGUAL_FILE", dictionary)
    monkeypatch.setattr("app.bilingual.GLOSSARY_FILE", tmp_path / "no-glossary.txt")
    db = tmp_path / "kb.sqlite3"
    build(tmp_path / "t", db)
    assert rows(db, "SELECT chinese, english, sense FROM translation ORDER BY sense") == [
        ("芯片", "chip", 0),
        ("芯片", "microchip", 1),
    ]  # 长颈鹿 and giraffe are never said
    dictionary.write_text(CHIP + POWER, encoding="utf-8")
    report = ingest(tmp_path / "t", db)
    assert report.ok and len(report.unchanged) == 3, "the transcripts are not read again"
    assert ("功耗", "power consumption", 0) in rows(db, "SELECT chinese, english, sense FROM translation")


def test_without_a_dictionary_or_glossary_a_build_has_no_translations(tmp_path: Path, monkeypatch):
    monkeypatch.setattr("app.bilingual.BILINGUAL_FILE", None)
    monkeypatch.setattr("app.bilingual.GLOSSARY_FILE", tmp_path / "no-glossary.txt")
    db = tmp_path / "kb.sqlite3"
    build(tmp_path / "t", db)
    assert rows(db, "SELECT count(*) FROM translation") == [(0,)]
