"""`python -m app embed`: vectors cached by text, published whole per build; search uses them when ready."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from app import semantic
from app.db import read_only_engine
from app.ingest import ingest
from app.ingest.embed import build_id, embed
from app.search import search
from app.semantic import Progress, load_vectors, read_progress, vectors_dir

HEADING = "# 测试大会 - P1：机器人报告：王五 - 上传者 - BV1embed0000\n\n"
TALK = HEADING + "机器人在工厂里搬运箱子。\n\n今天天气很好，我们去公园。\n"
MORE = "# 测试大会 - P2：数据报告：赵六 - 上传者 - BV1embed0000\n\n数据飞轮让模型越来越好。\n"


class CharacterBag:
    """A stand-in encoder: a text's vector counts its characters, so texts sharing characters are close."""

    name = "character-bag"

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(64, dtype=np.float32)
        for char in text:
            vector[hashlib.md5(char.encode()).digest()[0] % 64] += 1
        return vector / (np.linalg.norm(vector) or 1)

    def passages(self, texts: list[str]) -> np.ndarray:
        self.encoded += texts
        return np.stack([self._vector(t) for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "a.txt").write_text(TALK, encoding="utf-8")
    db = tmp_path / "kb.sqlite3"
    assert ingest(folder, db).ok
    return folder, db


def test_vectors_are_published_whole_and_computed_once(corpus):
    folder, db = corpus
    encoder = CharacterBag()
    report = embed(db, encoder)
    assert report.segments == report.encoded == 2
    vectors = load_vectors(db, build_id(db))
    assert vectors is not None and list(vectors.ids) == [1, 2] and vectors.vectors.shape == (2, 64)
    assert embed(db, encoder).already_done and len(encoder.encoded) == 2


def test_embedding_says_how_far_it_is_before_its_first_batch_is_encoded(corpus):
    folder, db = corpus
    seen = []

    class Watching(CharacterBag):
        def passages(self, texts: list[str]) -> np.ndarray:
            seen.append(read_progress(db, build_id(db)))
            return super().passages(texts)

    embed(db, Watching())
    assert seen[0] == Progress(0, 2)  # a page asked while the first batch is encoded says 0 of 2
    assert read_progress(db, build_id(db)) is None  # the vectors are published: nothing is pending


def test_a_new_build_encodes_only_new_text_and_drops_old_vectors(corpus):
    folder, db = corpus
    encoder = CharacterBag()
    embed(db, encoder)
    old = vectors_dir(db, build_id(db))
    (folder / "b.txt").write_text(MORE, encoding="utf-8")
    assert ingest(folder, db).ok
    report = embed(db, encoder)
    assert report.segments == 3 and report.encoded == 1 and encoder.encoded[-1] == "数据飞轮让模型越来越好。"
    assert not old.exists() and vectors_dir(db, build_id(db)).is_dir()


def test_search_says_meaning_is_being_prepared_then_uses_the_vectors(corpus, monkeypatch):
    folder, db = corpus
    encoder = CharacterBag()
    monkeypatch.setattr("app.semantic.encoder", lambda: encoder)
    with read_only_engine(db).connect() as connection:
        waiting = search(connection, "工厂 箱子")
        assert waiting.embedding is not None and waiting.hits  # found by its words meanwhile
    embed(db, encoder)
    with read_only_engine(db).connect() as connection:  # a new engine: as after the server notices the files
        ready = search(connection, "在工厂里搬箱子的机器人")
    assert ready.embedding is None and ready.total == 0
    assert ready.hits[0].text == "机器人在工厂里搬运箱子。" and ready.hits[0].match in ("semantic", "words", "related")
    assert any(hit.match == "semantic" for hit in ready.hits)


def test_the_search_page_says_whether_meaning_is_being_prepared_and_how_far(corpus, monkeypatch):
    from fastapi.testclient import TestClient

    from app.db import Database
    from app.ingest.embed import _write_progress
    from app.web.app import create_app

    folder, db = corpus
    encoder = CharacterBag()
    monkeypatch.setattr("app.semantic.encoder", lambda: encoder)
    client = TestClient(create_app(Database(db)))
    never_started = client.get("/search", params={"q": "箱子"}).text
    assert "Meaning-based results are not available yet" in never_started and "python -m app embed" in never_started
    assert client.get("/api/search", params={"q": "箱子"}).json()["meaning_ready"] is False
    _write_progress(db, build_id(db), 1, 2)  # what a running `embed` writes after each batch
    assert "still being prepared (1 of 2 passages)" in client.get("/search", params={"q": "工厂"}).text


def test_a_large_build_finds_the_nearest_vectors_through_its_coarse_projection(tmp_path, monkeypatch):
    monkeypatch.setattr(semantic, "COARSE_FROM", 1_000)
    monkeypatch.setattr(semantic, "COARSE_CANDIDATES", 300)
    rng = np.random.default_rng(3)
    topics = rng.standard_normal((20, 384)).astype(np.float32)  # vectors cluster around topics, as texts do
    vectors = topics[rng.integers(0, 20, 5_000)] + 0.3 * rng.standard_normal((5_000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(10, 5_010)
    semantic.save_vectors(tmp_path, ids, vectors)
    assert np.load(tmp_path / "coarse.npy", mmap_mode="r").dtype == np.int8  # a quarter of float32's pages
    index = semantic.VectorIndex(
        np.load(tmp_path / "ids.npy"),
        np.load(tmp_path / "vectors.npy", mmap_mode="r"),
        np.load(tmp_path / "scales.npy"),
        np.load(tmp_path / "basis.npy"),
        np.load(tmp_path / "coarse.npy", mmap_mode="r"),
        np.load(tmp_path / "coarse_scales.npy"),
    )
    stored = (index.vectors.astype(np.float32) * index.scales[:, None]).astype(np.float32)
    for row in (0, 1234, 4999):
        exact = [int(i) for i in ids[np.argsort(-(stored @ vectors[row]))[:20]]]  # a scan of every stored row
        found = index.nearest(vectors[row], 20)
        assert found[0][0] == ids[row] and found[0][1] == pytest.approx(1.0, abs=1e-3)
        assert len({i for i, _ in found} & set(exact)) >= 18  # the two steps keep nearly all of the exact top 20


def test_vectors_stored_in_eight_bits_keep_similarities_and_order():
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((2_000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    stored, scales = semantic.quantised(vectors)
    assert stored.dtype == np.int8 and stored.nbytes == vectors.nbytes // 4
    index = semantic.VectorIndex(np.arange(2_000), stored, scales)
    query = vectors[7] + 0.5 * vectors[8]
    query /= np.linalg.norm(query)
    exact = vectors @ query
    found = index.nearest(query, 10)
    assert [i for i, _ in found[:2]] == [7, 8]
    assert max(abs(score - exact[i]) for i, score in found) < 0.005
    tenth = np.sort(exact)[-10]
    assert all(exact[i] > tenth - 0.005 for i, _ in found)  # any change of order is between near ties


def test_vectors_of_an_older_format_are_rewritten_from_the_cache(corpus):
    folder, db = corpus
    encoder = CharacterBag()
    embed(db, encoder)
    target = vectors_dir(db, build_id(db))
    (target / "scales.npy").unlink()  # as a build embedded before vectors were stored in 8 bits
    assert load_vectors(db, build_id(db)) is None  # never read as if it were int8
    report = embed(db, encoder)
    assert not report.already_done and report.encoded == 0  # the texts' vectors came from the cache
    assert load_vectors(db, build_id(db)) is not None


def test_embedding_a_file_ingest_did_not_build_says_so_and_fails(tmp_path, capsys):
    from app.cli import main

    empty = tmp_path / "kb.sqlite3"
    empty.touch()
    assert main(["embed", "--db", str(empty)]) == 1
    assert "not a database of talks" in capsys.readouterr().err
