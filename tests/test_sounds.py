"""How text sounds (app/sounds.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from app.sounds import fold, readings, sound_string, syllable

POLYPHONES = "长重行乐还为调都得地了着和数传降差朝便"


def test_confused_sounds_fold_together():
    assert sound_string("端侧") == sound_string("端测") == "|duan|ce|"
    assert sound_string("植麟") == sound_string("志玲")


def test_readings_are_the_same_as_with_pypinyins_phrase_dictionary():
    """The phrase dictionary is left unloaded (46 MB a process): one character's reading never uses it."""
    script = (
        "import json, pypinyin\n"  # imported first, so the phrase dictionary loads as by default
        "from pypinyin import Style, lazy_pinyin, pinyin\n"
        "print(json.dumps([[lazy_pinyin(c)[0], pinyin(c, style=Style.NORMAL, heteronym=True)[0]]"
        f" for c in {POLYPHONES!r}]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYPINYIN_NO_PHRASES"}
    full = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env).stdout)
    for char, (first, every) in zip(POLYPHONES, full, strict=True):
        assert syllable(char) == first
        assert readings(char) == tuple(dict.fromkeys([fold(first), *(fold(r) for r in every)]))
