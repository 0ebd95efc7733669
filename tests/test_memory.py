"""How a server process uses the C heap."""

from __future__ import annotations

import os
import platform

import pytest

from app import memory


def test_serving_asks_glibc_for_two_heap_arenas_per_worker(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "")  # so that the test's own setting is undone afterwards
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    memory.few_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == memory.MALLOC_ARENAS  # inherited by the worker processes


def test_a_users_own_arena_setting_is_kept(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    memory.few_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "8"


def _resident_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/status") or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_freed_memory_is_given_back_to_the_system():
    blocks = [bytes(2000) for _ in range(100_000)]  # 200 MB of malloc'd blocks, as a catalogue read leaves
    last = blocks[-1]  # kept: the heap cannot simply shrink from its top
    del blocks
    before = _resident_mb()
    memory.release_freed_memory()
    assert _resident_mb() < before - 100
    assert last
