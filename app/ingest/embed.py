"""`python -m app embed`: a vector for every segment of the published database, for meaning-based search.

Its own step, after ingest: the database is searchable by words at once, and vectors follow.
Vectors are cached by model and text hash in a file beside the database, so re-embedding a
rebuilt database costs only its new or changed paragraphs, and an interrupted run resumes.
The finished vectors are written to a private folder and renamed into place whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app import config
from app.semantic import Encoder, complete, progress_file, save_vectors, vectors_dir


@dataclass
class EmbedReport:
    segments: int = 0
    encoded: int = 0  # segments the encoder had to read (the rest came from the cache)
    seconds: float = 0.0
    already_done: bool = False

    def summary(self) -> str:
        if self.already_done:
            return f"embed: the vectors of all {self.segments} segments are ready"
        rate = self.encoded / self.seconds if self.seconds else 0.0
        return (
            f"embed: {self.segments} segments, {self.encoded} encoded ({rate:.1f} segments/s), "
            f"{self.segments - self.encoded} from the cache, in {self.seconds:.1f} s"
        )


def cache_file(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.embedding-cache")


def build_id(db_path: Path) -> str:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
    return row[0] if row else "unknown"


def _key(model: str, text: str) -> bytes:
    return hashlib.sha1(f"{model}\n{text}".encode()).digest()


def embed(db_path: Path, encoder: Encoder, progress: Callable[[int, int], None] | None = None) -> EmbedReport:
    """Compute the vectors of the published database's build, unless they exist already."""
    started = time.perf_counter()
    build = build_id(db_path)
    target = vectors_dir(db_path, build)
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as connection:
        if complete(target):  # every `serve` asks: answer without reading the texts
            return EmbedReport(connection.execute("SELECT count(*) FROM segment").fetchone()[0], already_done=True)
        rows = connection.execute("SELECT id, text FROM segment ORDER BY id").fetchall()
    report = EmbedReport(segments=len(rows))
    with closing(sqlite3.connect(cache_file(db_path))) as cache:
        cache.execute("CREATE TABLE IF NOT EXISTS vector (key BLOB PRIMARY KEY, value BLOB)")
        keys = [_key(encoder.name, text) for _, text in rows]
        found: dict[bytes, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(cache.execute(f"SELECT key, value FROM vector WHERE key IN ({marks})", chunk).fetchall())
        missing = [i for i, key in enumerate(keys) if key not in found]
        done = len(rows) - len(missing)
        _write_progress(db_path, build, done, len(rows))  # pages say how far it is from the start
        for start in range(0, len(missing), config.EMBED_BATCH):
            batch = missing[start : start + config.EMBED_BATCH]
            vectors = encoder.passages([rows[i][1] for i in batch]).astype(np.float16)
            pairs = [(keys[i], vector.tobytes()) for i, vector in zip(batch, vectors, strict=True)]
            cache.executemany("INSERT OR REPLACE INTO vector VALUES (?, ?)", pairs)
            cache.commit()  # an interrupted run keeps what it encoded
            found.update(pairs)
            done += len(batch)
            report.encoded += len(batch)
            _write_progress(db_path, build, done, len(rows))
            if progress:
                progress(done, len(rows))
    _publish(db_path, build, rows, [found[key] for key in keys])
    report.seconds = time.perf_counter() - started
    return report


def _write_progress(db_path: Path, build: str, done: int, total: int) -> None:
    path = progress_file(db_path, build)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps({"done": done, "total": total}))
    os.replace(temporary, path)


def _publish(db_path: Path, build: str, rows: list[tuple[int, str]], vectors: list[bytes]) -> None:
    """Write the vectors privately, rename the folder into place, drop other builds' vectors.

    A folder of the same build in an older format is moved aside first (a directory cannot be
    renamed over a full one); meanwhile searches go on by words alone."""
    target = vectors_dir(db_path, build)
    private = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.rmtree(private, ignore_errors=True)
    private.mkdir()
    matrix = np.frombuffer(b"".join(vectors), dtype=np.float16).reshape(len(rows), -1) if rows else np.zeros((0, 1))
    ids = np.array([row_id for row_id, _ in rows], dtype=np.int64)
    save_vectors(private, ids, matrix)  # cached as float16, stored as int8
    stale = target.with_name(f".{target.name}.stale-{os.getpid()}")
    if target.exists():
        os.replace(target, stale)
    os.replace(private, target)
    shutil.rmtree(stale, ignore_errors=True)
    progress_file(db_path, build).unlink(missing_ok=True)
    for old in db_path.parent.glob(f"{db_path.name}.vectors-*"):
        if old != target and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        elif old.suffix == ".json" and old != progress_file(db_path, build):
            old.unlink(missing_ok=True)
