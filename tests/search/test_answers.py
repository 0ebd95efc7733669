"""The answer cache that request threads share."""

from __future__ import annotations

import sys
import threading

from app.search.answers import AnswerCache


def test_many_threads_on_a_tiny_cache_always_get_their_answer():
    cache = AnswerCache(size=2)
    errors: list[BaseException] = []
    wrong: list[tuple[int, int]] = []

    def ask() -> None:
        try:
            for i in range(20_000):
                key = i % 5
                value = cache.remembered(key, lambda key=key: key * 10)
                if value != key * 10:
                    wrong.append((key, value))
        except BaseException as error:  # a KeyError here is a 500 for a user
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so races show
    try:
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors and not wrong
    assert len(cache) <= 2


def test_the_least_recently_used_answer_goes_first():
    cache, computed = AnswerCache(size=2), []

    def compute(key: str) -> str:
        computed.append(key)
        return key.upper()

    for key in ("a", "b", "a", "c", "a", "b"):
        assert cache.remembered(key, lambda key=key: compute(key)) == key.upper()
    assert computed == ["a", "b", "c", "b"]  # b was evicted by c, a was kept by being used
