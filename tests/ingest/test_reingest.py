"""Re-ingesting under stress: an ingest killed midway, and ingests swapping the file under a live server.

Ingest builds a private copy and renames it over the published file; the server reopens the file
when it changes. So a killed ingest leaves the old data readable, and a request served during a
swap sees the old or the new data, complete, never a mix or an error.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from app.cli import main
from app.db import Database, StaleFile
from app.ingest import ingest
from app.web.app import create_app
from tests.conftest import BUNDLED, PROJECT, every_row


def leftovers(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}.building-*"))


def test_an_ingest_killed_midway_leaves_the_old_database_and_the_next_one_cleans_up(tmp_path):
    folder, db = tmp_path / "transcripts", tmp_path / "kb.sqlite3"
    folder.mkdir()
    shutil.copy(BUNDLED / "000_698b2339b18dce45.txt", folder)
    assert ingest(folder, db).ok
    before, old_size = every_row(db), db.stat().st_size
    client = TestClient(create_app(Database(db)))
    old_talks = len(client.get("/api/talks").json())
    for path in BUNDLED.glob("*.txt"):  # 1 MB more: several seconds of work, in one process
        shutil.copy(path, folder)

    ingesting = subprocess.Popen(
        [sys.executable, "-m", "app", "ingest", str(folder), "--db", str(db)],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        # Kill it while it writes: once its copy has grown well past the old database.
        while not any(p.stat().st_size > 2 * old_size for p in leftovers(db) if p.exists()):
            assert ingesting.poll() is None, "the ingest finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        ingesting.kill()  # SIGKILL: no clean-up of any kind
        ingesting.wait(timeout=30)
    assert ingesting.returncode == -signal.SIGKILL

    assert [p.name for p in leftovers(db)] == [f".{db.name}.building-{ingesting.pid}"]
    assert every_row(db) == before
    for reader in (client, TestClient(create_app(Database(db)))):  # already open, and opened afresh
        assert len(reader.get("/api/talks").json()) == old_talks
        assert reader.get("/api/search", params={"q": "模型"}).status_code == 200

    assert main(["ingest", str(folder), "--db", str(db)]) == 0
    assert leftovers(db) == []
    assert len(client.get("/api/talks").json()) == 11


def test_the_copy_of_an_ingest_still_running_is_left_alone(tmp_path):
    folder, db = tmp_path / "transcripts", tmp_path / "kb.sqlite3"
    folder.mkdir()
    shutil.copy(BUNDLED / "000_698b2339b18dce45.txt", folder)
    alive = db.with_name(f".{db.name}.building-{os.getppid()}")  # the process that started pytest
    alive.write_bytes(b"")
    assert ingest(folder, db).ok
    assert alive.exists()


# -- serving while ingests swap the database ------------------------------------------------------

TALK = "# {event} - P{part}：{title}：张三 - 上传者 - BV1swap00000\n\n{body}\n"
SHARED = TALK.format(event="稳定大会", part=1, title="不变的报告", body="模型一。\n\n模型二。")
CHANGING = {
    "old": TALK.format(event="稳定大会", part=2, title="旧的报告", body="模型甲。\n\n模型乙。\n\n别的。"),
    "new": TALK.format(event="稳定大会", part=2, title="新的报告", body="\n\n".join(f"新模型{i}。" for i in range(9))),
}
NEW_ONLY = TALK.format(event="新大会", part=3, title="新来的报告", body="只在新数据里的模型。\n\n第二段。")
PATHS = [
    "/api/search?q=模型",
    "/api/search?q=模型&event=新大会",
    "/api/search?q=新数据&limit=5",
    "/api/talks",
    "/api/talks/BV1swap00000-p2",
    "/api/talks/BV1swap00000-p3",
    "/talks/BV1swap00000-p3",
    "/search?q=模型",
    "/api/speakers/张三",
]
SWAPS = 16
MAX_REQUESTS = 5000
MAX_SECONDS = 60


def _write_state(folder: Path, state: str) -> None:
    (folder / "shared.txt").write_text(SHARED, encoding="utf-8")
    (folder / "changing.txt").write_text(CHANGING[state], encoding="utf-8")
    new_only = folder / "new_only.txt"
    if state == "new":
        new_only.write_text(NEW_ONLY, encoding="utf-8")
    else:
        new_only.unlink(missing_ok=True)


def _talks(session) -> int:
    return session.connection().exec_driver_sql("SELECT count(*) FROM talk").scalar()


def test_a_request_reads_one_file_and_an_engine_never_opens_the_next_one(tmp_path):
    folder, db = tmp_path / "transcripts", tmp_path / "kb.sqlite3"
    folder.mkdir()
    _write_state(folder, "old")
    assert ingest(folder, db).ok
    database = Database(db)
    old_engine = database.engine()
    with database.session() as before:
        _write_state(folder, "new")
        assert ingest(folder, db).ok
        with pytest.raises(StaleFile):
            old_engine.connect()  # its pool would have to open the path, which is now the new file
        with database.session() as after:
            assert _talks(after) == 3
        assert _talks(before) == 2  # the old engine is disposed of, its running request reads on
    assert database.engine() is not old_engine


class Server:
    """uvicorn serving the app on a free loopback port, in a thread."""

    def __init__(self, db: Path) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(create_app(Database(db)), log_level="warning", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self.socket.close()


def _answer(client: httpx.Client, path: str) -> tuple[int, str]:
    response = client.get(path)
    return response.status_code, response.text


def test_requests_during_reingests_see_the_old_or_the_new_data_never_an_error(tmp_path):
    folder, db = tmp_path / "transcripts", tmp_path / "kb.sqlite3"
    folder.mkdir()
    with Server(db) as server, httpx.Client(base_url=server.url, trust_env=False, timeout=30) as client:
        expected: dict[str, dict[str, tuple[int, str]]] = {}
        # Equal scores keep the order of segment ids, which a re-ingested file renews: the answers
        # are taken from the second round, after which each state always gets the same ids order.
        for state in ("old", "new", "old", "new"):
            _write_state(folder, state)
            assert ingest(folder, db).ok
            expected[state] = {path: _answer(client, path) for path in PATHS}
        assert all(status == 200 for status, _ in expected["new"].values())
        assert expected["old"]["/api/talks/BV1swap00000-p3"][0] == 404
        assert all(expected["old"][path] != expected["new"][path] for path in PATHS)

        seen: Counter[str] = Counter()
        wrong: list[str] = []
        counting = threading.Lock()
        stop = threading.Event()
        started = time.monotonic()

        def load(worker: int) -> None:
            with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as own:
                k = worker
                while not stop.is_set() and sum(seen.values()) < MAX_REQUESTS:
                    path = PATHS[k % len(PATHS)]
                    k += 1
                    answer = _answer(own, path)
                    match = next((s for s in ("old", "new") if expected[s][path] == answer), None)
                    with counting:
                        seen[match or "wrong"] += 1
                        if match is None:
                            wrong.append(f"{path}: HTTP {answer[0]} {answer[1][:300]}")

        workers = [threading.Thread(target=load, args=(n,)) for n in range(8)]
        for worker in workers:
            worker.start()
        try:
            for swap in range(SWAPS):
                _write_state(folder, "old" if swap % 2 == 0 else "new")
                assert ingest(folder, db).ok
                time.sleep(0.05 * (swap % 3))  # some swaps back to back, some with requests in between
            assert time.monotonic() - started < MAX_SECONDS
        finally:
            stop.set()
            for worker in workers:
                worker.join(timeout=60)
    print(f"{sum(seen.values())} requests during {SWAPS} swaps: {dict(seen)}")
    assert wrong == [], f"{len(wrong)} inconsistent answers, first: {wrong[:3]}"
    assert seen["old"] and seen["new"]
