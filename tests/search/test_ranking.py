"""Ranking: the pure features, and the judged query set built from passages of the transcripts."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from app.search import search
from app.search.ranking import Candidate, phrase, proximity, score, whole_word
from tests.conftest import TEST_DATA

JUDGED = json.loads((TEST_DATA / "judged_queries.json").read_text(encoding="utf-8"))


def candidate(text, bm25=5.0, metadata=""):
    return Candidate(text, bm25, metadata)


def test_whole_word_beats_a_match_inside_a_longer_word():
    assert whole_word(candidate("这个模型很好"), "模型")
    assert not whole_word(candidate("这个大模型很好"), "模型")
    assert whole_word(candidate("这个大模型很好，模型也很大"), "模型")  # one use of its own is enough
    assert whole_word(candidate("gpt is here"), "gpt")
    assert not whole_word(candidate("gpt4 is here"), "gpt")


def test_proximity_prefers_terms_close_together():
    assert proximity("幻觉和安全", ["幻觉", "安全"]) > proximity("幻觉" + "很多字" * 10 + "安全", ["幻觉", "安全"])
    assert proximity("只有幻觉", ["幻觉", "安全"]) == 0.0


def test_phrase_in_typed_order():
    assert phrase("我们的 scaling law 很重要", ["scaling", "law"])
    assert not phrase("law 和 scaling", ["scaling", "law"])


def test_metadata_and_whole_words_lift_the_score():
    plain = candidate("大模型的安全")
    titled = candidate("大模型的安全", metadata="安全报告")
    assert score(titled, ["安全"]) > score(plain, ["安全"])


def _first_relevant_rank(connection, entry):
    hits = search(connection, entry["query"], limit=10).hits
    relevant = {tuple(pair) for pair in entry["relevant"]}
    return next((i for i, hit in enumerate(hits, 1) if (hit.talk_id, hit.segment) in relevant), None)


def test_judged_queries_find_the_passage_in_the_top_three(connection):
    ranks = defaultdict(list)
    for entry in JUDGED:
        ranks[entry["kind"]].append(_first_relevant_rank(connection, entry))
    top3 = {kind: sum(1 for r in found if r and r <= 3) / len(found) for kind, found in ranks.items()}
    # Remembered passages and loose paraphrases must be found; questions are the hardest kind.
    assert top3["remembered"] == 1.0 and top3["paraphrase"] == 1.0
    assert top3["topic"] >= 0.9 and top3["english"] >= 0.9 and top3["name"] >= 0.8
    assert top3["question"] >= 0.6
    everything = [r for found in ranks.values() for r in found]
    assert sum(1 for r in everything if r and r <= 3) / len(everything) >= 0.88


@pytest.mark.parametrize("kind", ["remembered", "paraphrase"])
def test_each_remembered_passage_is_first_or_close(connection, kind):
    for entry in (e for e in JUDGED if e["kind"] == kind):
        rank = _first_relevant_rank(connection, entry)
        assert rank is not None and rank <= 3, entry["query"]
