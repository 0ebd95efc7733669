"""Related talks: talks about the same things, with the terms that show it."""

from __future__ import annotations

from app.topics.keywords import Keyword
from app.topics.related import related_talks


def keywords(**weights: float) -> list[Keyword]:
    return [Keyword(term, weight, 10, (term,), term) for term, weight in weights.items()]


def test_talks_sharing_distinctive_terms_are_related_and_say_why():
    found = related_talks(
        {
            "video": keywords(视频生成=9, 扩散模型=6, sora=4),
            "sora": keywords(sora=8, 视频生成=5, 世界模型=3),
            "chips": keywords(芯片=9, 算力=7),
        }
    )
    assert [r.talk_id for r in found["video"]] == ["sora"]
    assert found["video"][0].shared == ("视频生成", "sora")
    assert found["chips"] == []


def test_the_closest_talk_comes_first():
    found = related_talks(
        {
            "a": keywords(幻觉=9, 安全=5),
            "b": keywords(幻觉=9, 安全=5),
            "c": keywords(幻觉=2, 代码=9),
        }
    )
    assert [r.talk_id for r in found["a"]] == ["b", "c"]
    assert found["a"][0].score > found["a"][1].score
