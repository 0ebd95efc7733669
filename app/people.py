"""People as transcripts name them: who is a person, how their name is written and split (pure).

Headings, speaker detection and search all need to tell a name from a word; they share these rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.lexicon import HAN

# The most common Chinese surnames, single and compound; a token of two to four Han
# characters that starts with one of them reads as a person's name.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 端木 南宫 西门".split(" ")
)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封钮晁丰燕郁"
)

_CHINESE_NAME = re.compile(f"^[{HAN}]{{2,4}}$")
_LATIN_NAME = re.compile(r"^[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*){1,3}$")
_HAN_SPACE_HAN = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])")


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # host, guest, speaker, questioner, keynote


def normalize_name(name: str) -> str:
    """`张 鹏` → `张鹏`; Latin names keep single spaces."""
    name = re.sub(r"\s+", " ", name.strip())
    return _HAN_SPACE_HAN.sub("", name)


def looks_like_person(token: str) -> bool:
    """Shaped like a name: a surname and one to three Han characters, or two to four capitalised words."""
    token = normalize_name(token)
    if _CHINESE_NAME.match(token):
        return token[:2] in COMPOUND_SURNAMES or token[0] in SURNAMES
    return bool(_LATIN_NAME.match(token))


def split_name(name: str) -> tuple[str | None, str]:
    """(surname, given name) of a Chinese name; (None, name) when it does not start with a surname."""
    name = normalize_name(name)
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    if looks_like_person(name):
        return name[0], name[1:]
    return None, name
