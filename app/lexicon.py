"""Word lists and thresholds that more than one stage relies on, each with the reason it exists.

Lists used by a single module live at the top of that module; these are the ones
speaker detection, ingest and search must agree on.
"""

from __future__ import annotations

import re

# Han characters: CJK unified ideographs, extension A and the compatibility block.
HAN = "\u3400-\u9fff\uf900-\ufaff"
HAN_CHARACTER = re.compile(f"[{HAN}]")


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


# jieba's dictionary frequency from which a word is an ordinary word (谢谢, 只能, 大概), so a
# recogniser's spelling of a name or a term that happens to be one is not taken for a mishearing.
ORDINARY_WORD_FREQUENCY = 400

# Titles said after a surname or a name when someone is introduced, spoken to or about (张总, 白磊博士).
PERSON_TITLES = ("博士", "老师", "教授", "院士", "院长", "主任", "所长", "老板", "先生", "女士", "研究员", "总")
# Titles of office said after a name in a host's introduction only (周伯文董事长), never as 张总裁.
OFFICE_TITLES = ("总裁", "董事长", "总经理", "科学家", "CEO")

# The host thanks a speaker for the talk that just ended: a forum's sub-talk is over.
THANKS_FOR_TALK = re.compile(r"(?:感谢|谢谢).{0,20}?(?:精彩|分享|演讲|报告)|谢谢大家")
# A hand-over that opens a conversation rather than a talk: its host speaks only at the start.
PANEL_CUE = re.compile(r"对话|圆桌|讨论|几位嘉宾|各位嘉宾")
