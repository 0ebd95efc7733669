"""Helpers shared by the benchmarks: a database of the bundled transcripts, timing, percentiles."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.db import read_only_engine
from app.ingest import ingest

BUNDLED = Path(__file__).resolve().parent.parent / "data" / "transcripts"


def bundled_connection():
    """A read-only connection to a fresh database of the bundled transcripts."""
    path = Path(tempfile.mkdtemp(prefix="kb-bench-")) / "kb.sqlite3"
    report = ingest(BUNDLED, path)
    assert report.ok, report.problems
    return read_only_engine(path).connect()


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "mean": round(statistics.fmean(ordered), 2)}
