"""A bounded, thread-safe memory of answers, kept per published database.

The published file never changes, so an answer computed once stays true until ingest swaps in a
new file (which gets a new memory). Request threads share it, hence the lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class AnswerCache:
    """Least recently used answers first out; the computing itself happens outside the lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]  # type: ignore[return-value]
        value = compute()  # two threads may both compute a new key; both get a right answer
        with self._lock:
            self._answers[key] = value
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._answers)
