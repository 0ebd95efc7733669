"""Only a few searches of a process compute at once; the others wait their turn."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from app import config
from app.search.budget import turn


def test_no_more_than_the_configured_searches_compute_at_once():
    computing, most = 0, 0
    lock = threading.Lock()

    def one_search(_: int) -> None:
        nonlocal computing, most
        with turn():
            with lock:
                computing += 1
                most = max(most, computing)
            time.sleep(0.02)
            with lock:
                computing -= 1

    with ThreadPoolExecutor(4 * config.SEARCHES_AT_ONCE) as pool:
        list(pool.map(one_search, range(8 * config.SEARCHES_AT_ONCE)))
    assert most == config.SEARCHES_AT_ONCE  # the others waited, and every search ran


def test_a_search_that_fails_gives_its_turn_back():
    for _ in range(config.SEARCHES_AT_ONCE + 1):
        try:
            with turn():
                raise ValueError("a search that raised")
        except ValueError:
            pass
    acquired = threading.Event()

    def waits() -> None:
        with turn():
            acquired.set()

    thread = threading.Thread(target=waits)
    thread.start()
    thread.join(timeout=5)
    assert acquired.is_set()
