"""The command line's serving setup."""

from __future__ import annotations

import os

from app import cli


def test_serving_asks_glibc_for_two_heap_arenas_per_worker(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "")  # so that the test's own setting is undone afterwards
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    cli._few_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == cli.MALLOC_ARENAS  # inherited by the worker processes


def test_a_users_own_arena_setting_is_kept(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "8")
    cli._few_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "8"
