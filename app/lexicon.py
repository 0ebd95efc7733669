"""Word lists and thresholds that more than one stage relies on, each with the reason it exists.

Lists used by a single module live at the top of that module; these are the ones
speaker detection, ingest and search must agree on.
"""

from __future__ import annotations

import re

# Han characters: CJK unified ideographs, extension A and the compatibility block.
HAN_RANGES = ((0x3400, 0x9FFF), (0xF900, 0xFAFF))
HAN = "".join(f"{chr(first)}-{chr(last)}" for first, last in HAN_RANGES)
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

# What an affiliation names: a role or an organisation. A hand-over's words before a name that hold
# neither (那么这个, 今天的开场嘉宾, 下一位的分享者) are not shown as where the speaker comes from.
# (The titles above that are an office, not a form of address such as 老师 or 总.)
ADDRESS_ONLY = ("老师", "老板", "先生", "女士", "总")
AFFILIATION_WORDS = re.compile(
    "|".join(title for title in (*PERSON_TITLES, *OFFICE_TITLES) if title not in ADDRESS_ONLY)
    + r"|经理|创始人|负责人|总监|主席|理事长|专家|顾问|合伙人|主编|主笔|工程师|部长|书记|秘书长|导师|首席|总师|助理"
    r"|大学|学院|学校|研究院|研究所|研究会|实验室|公司|集团|中心|科技|分院|协会|学会|基金会|医院|资本|银行"
    r"|委员会|联盟|团队|(?i:ceo|cto|coo|vp|lab)"
)
# The host thanks a speaker for the talk that just ended: a forum's sub-talk is over.
THANKS_FOR_TALK = re.compile(r"(?:感谢|谢谢).{0,20}?(?:精彩|分享|演讲|报告)|谢谢大家")
# A hand-over that opens a conversation rather than a talk: its host speaks only at the start.
PANEL_CUE = re.compile(r"对话|圆桌|讨论|几位嘉宾|各位嘉宾")
