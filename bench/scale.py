"""Is it still fast at a hundred times the data? Ingest, query and serving figures per scale.

For each scale (copies of the bundled transcripts, see bench/corpus.py) this
measures, printing figures and never asserting:

- ingest in a separate process (`python -m app ingest`): wall time, MB/s, peak RSS,
  database size against the raw text, and a re-ingest of the unchanged files;
- first-time query latency over about 180 queries drawn the way people search (bench/queries.py),
  each asked once in a process that has only loaded the catalogue, in process
  (`app.search.search`) and over HTTP; the same queries again (the answer cache); each
  hostile query once, and whether its page says it was too broad;
- serving throughput of `/api/search`, `/search` and `/talks/{id}` under load from
  bench/load.py, with 1 and 2 workers; with 2 workers, 16 clients sending only queries never
  sent before; the server's resident memory;
- baselines from the same run: plain `jieba.cut_for_search` and rjieba throughput, a plain FTS5
  trigram index over the same normalised text and query mix, and a trivial FastAPI endpoint.

Writes bench/results/latest.json and latest.md. Run:
`python -m bench.scale` (1× and 100×, about 12 minutes), `python -m bench.scale --scales 1 --quick`
(about a minute), `--scales 1,10`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import jieba
import numpy as np
import rjieba

from app.db import read_only_engine
from app.ingest.embed import build_id
from app.search import search
from app.search.explore import explore
from app.search.filters import corpus_facts
from app.search.query import parse_query
from app.semantic import encoder, save_vectors, vectors_dir
from app.text import normalize
from bench.common import percentiles
from bench.corpus import cached_corpus
from bench.queries import HOSTILE, Query, query_mix

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
MB = 1_000_000
SAMPLE_SECONDS = 0.1  # how often a child's process tree is polled for memory
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None


@dataclass(frozen=True)
class Settings:
    seed: int = 7
    ingest_timeout: float = 600  # seconds; a slower ingest is reported as a timeout
    load_seconds: float = 5  # per load run that cycles through the mix
    concurrency: int = 8
    distinct_seconds: float = 60  # the load run in which every request is a query never sent before
    distinct_clients: int = 16
    jieba_sample: int = 4 * MB  # bytes of text the plain-jieba baseline segments

    @classmethod
    def quick(cls, seed: int, ingest_timeout: float) -> Settings:
        return cls(seed, ingest_timeout, load_seconds=2, distinct_seconds=10, jieba_sample=MB)


# ---------------------------------------------------------------- child processes


def run_child(command: list[str], timeout: float) -> dict:
    """Run a command to completion or timeout: wall time, exit status, peak memory, last output line.

    Two peaks: `peak_rss_mb`, the largest single process, as GNU time reports its
    ru_maxrss (measured from our own child it would start at this process's size:
    Linux carries the pre-exec high-water mark over), and `peak_tree_rss_mb`, the
    largest VmRSS sum over the process and its workers, sampled every
    `SAMPLE_SECONDS` (an upper bound: forked workers' shared pages count twice).
    """
    with tempfile.TemporaryDirectory(prefix="kb-bench-child-") as workdir:
        maxrss_file = Path(workdir) / "maxrss"
        if GNU_TIME:
            command = [GNU_TIME, "--format=%M", f"--output={maxrss_file}", *command]
        output = Path(workdir) / "output"
        with output.open("wb") as sink:
            process = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
        started = time.perf_counter()
        status, peak_tree = "ok", 0.0
        while process.poll() is None:
            peak_tree = max(peak_tree, tree_rss_mb(process.pid))
            if time.perf_counter() - started > timeout:
                _kill_tree(process)
                status = "timeout"
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - started
        if status == "ok" and process.returncode != 0:
            status = f"failed (exit {process.returncode})"
        # GNU time writes its figure last, after any "Command exited with non-zero status" line.
        maxrss = maxrss_file.read_text().split()[-1:] if maxrss_file.exists() else []
        lines = output.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return {
        "status": status,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(int(maxrss[0]) * 1024 / MB, 1) if maxrss and maxrss[0].isdigit() else None,
        "peak_tree_rss_mb": peak_tree,
        "output": lines[-1] if lines else "",
    }


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants, from the parent ids in /proc/*/stat."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending += parents.get(current, [])
    return tree


def tree_rss_mb(pid: int) -> float:
    """Memory of a process and its descendants in MB: their proportional set sizes (Pss), so pages
    they share (the memory-mapped vectors, the code) count once; VmRSS where smaps_rollup is missing."""
    total_kib = 0
    for member in process_tree(pid):
        for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
            try:
                lines = Path(f"/proc/{member}/{name}").read_text().splitlines()
            except OSError:
                continue
            total_kib += next((int(line.split()[1]) for line in lines if line.startswith(field)), 0)
            break
    return round(total_kib * 1024 / MB, 1)


def stand_in_vectors(db: Path, seed: int) -> dict:
    """Random unit vectors for every segment, published as `python -m app embed` would publish them.

    Encoding 400,000 segments takes hours on two cores, so the scale runs time the semantic tier
    (query encoding, a scan of every vector, memory-mapped pages) on stand-ins; its quality is
    bench/ranking.py's business. Returns the vectors' size.
    """
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        ids = np.array([row[0] for row in connection.execute("SELECT id FROM segment ORDER BY id")], dtype=np.int64)
    chosen = encoder()
    if chosen is None:
        return {"skipped": "KB_ENCODER=none"}
    vectors = np.random.default_rng(seed).standard_normal((len(ids), len(chosen.query("维度"))), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    target = vectors_dir(db, build_id(db))
    target.mkdir(exist_ok=True)
    save_vectors(target, ids, vectors)  # as embed publishes them, with the coarse projection at 100×
    size = sum(path.stat().st_size for path in target.iterdir())  # int8 rows, scales, coarse projection
    return {"segments": len(ids), "mb": round(size / MB, 1), "bytes_per_segment": size // max(1, len(ids))}


@dataclass
class Server:
    """A server subprocess and its log file."""

    process: subprocess.Popen
    log: Path

    def problems(self) -> dict:
        """Its exit status if it died, workers uvicorn had to replace, and the distinct error lines it logged."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return {
            "exit_status": self.process.poll(),
            "workers_died": sum(1 for line in lines if _WORKER_DIED.search(line)),
            "error_lines": sorted({line.strip() for line in lines if _ERROR_LINE.match(line)})[:8],
        }


_WORKER_DIED = re.compile(r"Child process \[\d+\] died")
_ERROR_LINE = re.compile(r"^\s*(?:[\w.]+(?:Error|Exception)\b|unhandled error)")


@contextmanager
def serving(command: list[str], base_url: str, ready_path: str) -> Iterator[Server]:
    """A server subprocess, yielded once `ready_path` answers 200 and stopped afterwards."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-server-") as workdir:
        log = Path(workdir) / "server.log"
        with log.open("wb") as output:
            server = Server(subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT), log)
        try:
            _wait_ready(server, base_url + ready_path)
            yield server
        finally:
            _stop(server.process)


def _wait_ready(server: Server, url: str, timeout: float = 180) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {server.process.returncode}: {tail}")
        try:
            if httpx.get(url, timeout=60, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after {timeout} s: {url}")


def _stop(process: subprocess.Popen) -> None:
    """Ask the server (and so its workers) to stop; kill what is left of it if it does not."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _kill_tree(process)


def _kill_tree(process: subprocess.Popen) -> None:
    """SIGKILL a child and its descendants, each by pid, and reap the child."""
    for pid in process_tree(process.pid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def load(base_url: str, paths: list[str], seconds: float, concurrency: int) -> dict:
    """bench/load.py in its own process, so the client does not share the GIL with anything else."""
    command = [PYTHON, "-m", "bench.load", base_url, "--seconds", str(seconds), "--concurrency", str(concurrency)]
    command += [argument for path in paths for argument in ("--path", path)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 300)
    if finished.returncode != 0:
        return {"load_failed": finished.stderr.strip().splitlines()[-1:]}
    return json.loads(finished.stdout)


# ---------------------------------------------------------------- latency


def query_latency(run: Callable[[str, dict[str, str]], object], mix: list[Query]) -> dict:
    """Latency (ms) of `run` over the mix: each query once, new to the process (the headline), then again.

    The repeat, asked straight after, meets the answers the app remembered: the cached figure.
    """
    first: dict[str, float] = {}
    kinds: dict[str, list[float]] = {}
    again: list[float] = []
    for kind, query, filters in mix:
        elapsed = _timed_ms(lambda q=query, f=filters: run(q, f))
        first[f"{kind}: {query[:40]} {filters or ''}".strip()] = elapsed
        kinds.setdefault(kind, []).append(elapsed)
        again.append(_timed_ms(lambda q=query, f=filters: run(q, f)))  # at once, before the cache evicts it
    slowest = sorted(first.items(), key=lambda item: -item[1])[:6]
    return {
        "queries": len(mix),
        **percentiles(list(first.values())),
        "cached": percentiles(again),
        "by_kind": {kind: percentiles(times) for kind, times in kinds.items()},
        "slowest": dict(slowest),
    }


def _timed_ms(function: Callable[[], object]) -> float:
    begun = time.perf_counter()
    function()
    return round((time.perf_counter() - begun) * 1000, 2)


def in_process_latency(db: Path, mix: list[Query]) -> dict:
    """First-time and cached latency of the mix, then each hostile query once, in one fresh process state."""
    engine = read_only_engine(db)
    with engine.connect() as connection:
        search(connection, "预热", limit=20)  # loads jieba, pypinyin and the catalogue
        corpus_facts(connection).warm()  # and the rest the server loads before its first request (web/app.py)
        figures = query_latency(lambda q, f: search(connection, q, limit=20, filters=f), mix)
        hostile = {}
        for _, query, filters in HOSTILE:
            begun = time.perf_counter()
            result = search(connection, query, limit=20, filters=filters)
            hostile[query[:40]] = {
                "ms": round((time.perf_counter() - begun) * 1000, 1),
                "total": result.total,
                "exact": result.total_exact,
                "notice": any("too broad" in w for w in result.warnings),
            }
        figures["hostile"] = hostile
    engine.dispose()
    return figures


# /explore queries (issue 16): one and several topics, every grouping; each asked once, new to the server.
EXPLORE_MIX = [
    ("开源", "forum"),
    ("开源, 闭源", "forum"),
    ("大模型", "event"),
    ("具身智能", "talk"),
    ("智能体, agent", "speaker"),
    ("幻觉", "forum"),
    ("scaling law", "talk"),
    ("算力, 芯片, 能耗", "forum"),
    ("数据", "speaker"),
    ("安全, 对齐", "event"),
    ("模型", "forum"),
    ("AGI, 通用人工智能", "talk"),
]


def explore_latency(db: Path) -> dict:
    """First-time latency (ms) of explore(): a fresh engine, so no answer is remembered between runs of it."""
    engine = read_only_engine(db)
    times: dict[str, float] = {}
    with engine.connect() as connection:
        corpus_facts(connection).warm()  # the catalogue, loaded before the first request as the server does
        for query, by in EXPLORE_MIX:
            begun = time.perf_counter()
            explore(connection, query, by)
            times[f"{query} by {by}"] = round((time.perf_counter() - begun) * 1000, 2)
    engine.dispose()
    return {**percentiles(list(times.values())), "max": max(times.values()), "by_query": times}


def http_latency(base_url: str, mix: list[Query]) -> dict:
    """Sequential GET /api/search latency (ms) over the query mix; failed requests are counted, not raised."""
    failures: list[str] = []
    with httpx.Client(base_url=base_url, timeout=120, trust_env=False) as client:

        def run(query: str, filters: dict[str, str]) -> None:
            try:
                response = client.get("/api/search", params={"q": query, "limit": 20, **filters})
            except httpx.HTTPError as error:
                failures.append(f"{query}: {type(error).__name__}")
                return
            if response.status_code != 200:
                failures.append(f"{query}: HTTP {response.status_code}")

        figures = query_latency(run, mix)
    return {**figures, "errors": len(failures), "first_errors": failures[:5]}


# ---------------------------------------------------------------- baselines


def normalised_segments(db: Path) -> Iterator[tuple[int, str]]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        for segment_id, text in connection.execute("SELECT id, text FROM segment ORDER BY id"):
            yield segment_id, normalize(text)


def sample_texts(db: Path, sample_bytes: int) -> tuple[list[str], int]:
    """The normalised segment texts of the first `sample_bytes` bytes, and their size in bytes."""
    texts, size = [], 0
    for _, text in normalised_segments(db):
        if size >= sample_bytes:
            break
        texts.append(text)
        size += len(text.encode("utf-8"))
    return texts, size


def tokeniser_baseline(db: Path, sample_bytes: int, cut: Callable[[str], object]) -> dict:
    """Single-process throughput of a search-mode tokeniser over (a prefix of) the normalised text."""
    texts, size = sample_texts(db, sample_bytes)
    started = time.perf_counter()
    for text in texts:
        for _ in cut(text):
            pass
    seconds = time.perf_counter() - started
    return {"bytes": size, "seconds": round(seconds, 3), "mb_per_s": round(size / MB / seconds, 3)}


def trigram_baseline(db: Path, workdir: Path, mix: list[Query]) -> dict:
    """A plain FTS5 trigram index over the same normalised text, and its limit-20 latency on the mix.

    Filters are ignored (the index has no metadata) and terms under three characters find nothing.
    """
    path = workdir / "trigram.sqlite3"
    with closing(sqlite3.connect(path)) as connection:
        started = time.perf_counter()
        connection.execute("CREATE VIRTUAL TABLE trigram USING fts5(text, tokenize = 'trigram')")
        connection.executemany("INSERT INTO trigram(rowid, text) VALUES (?, ?)", normalised_segments(db))
        connection.commit()
        build_seconds = time.perf_counter() - started

        def run(query: str, _filters: dict[str, str]) -> None:
            terms = ['"' + term.text.replace('"', '""') + '"' for term in parse_query(query).positive_terms]
            sql = "SELECT rowid FROM trigram WHERE trigram MATCH ? ORDER BY rank LIMIT 20"
            with suppress(sqlite3.OperationalError):  # a malformed expression finds nothing
                connection.execute(sql, (" AND ".join(terms),)).fetchall()

        latency = query_latency(run, mix)
    return {"build_seconds": round(build_seconds, 2), "size_mb": round(path.stat().st_size / MB, 1), **latency}


def trivial_serving(settings: Settings) -> dict:
    """Requests/s of GET /ping on a trivial FastAPI app under uvicorn, 1 and 2 workers."""
    figures = {}
    for workers in (1, 2):
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        command = [PYTHON, "-m", "uvicorn", "bench.trivial_app:app", "--host", "127.0.0.1", "--port", str(port)]
        with serving([*command, "--workers", str(workers)], base_url, "/ping") as server:
            load(base_url, ["/ping"], 1, settings.concurrency)  # warm every worker
            figures[str(workers)] = load(base_url, ["/ping"], settings.load_seconds, settings.concurrency)
            figures[str(workers)]["rss_mb"] = tree_rss_mb(server.process.pid)
    return figures


# ---------------------------------------------------------------- one scale


def request_paths(db: Path, mix: list[Query]) -> dict[str, list[str]]:
    """The paths each load run cycles through: the query mix as API and page URLs, and ten talks."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        talks = [talk_id for (talk_id,) in connection.execute("SELECT id FROM talk ORDER BY position")]
    step = max(1, len(talks) // 10)
    return {
        "api_search": [f"/api/search?{urlencode({'q': q, 'limit': 20, **f})}" for _, q, f in mix],
        "search_page": [f"/search?{urlencode({'q': q, **f})}" for _, q, f in mix],
        "talk_page": [f"/talks/{talk_id}" for talk_id in talks[::step][:10]],
    }


def app_serving(db: Path, workers: int, settings: Settings, mix: list[Query]) -> dict:
    """Sequential first-time /api/search latency (1 worker), load per kind of page, and resident memory.

    With 2 workers, a last run sends only queries never sent before (`distinct`): what a
    server meets when many people search at once.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [PYTHON, "-m", "app", "serve", "--db", str(db), "--port", str(port), "--workers", str(workers)]
    command.append("--no-embed")  # the stand-in vectors are in place; nothing else should compete for the cores
    paths = request_paths(db, mix)
    figures: dict = {}
    with serving(command, base_url, "/api/search?q=%E8%8A%AF&limit=1") as server:
        if workers == 1:
            figures["latency"] = http_latency(base_url, mix)
        load(base_url, [p for group in paths.values() for p in group], 1, settings.concurrency)  # warm every worker
        for name, group in paths.items():
            if server.process.poll() is not None:
                break  # it died: nothing left to load
            figures[name] = load(base_url, group, settings.load_seconds, settings.concurrency)
        if workers == 2 and server.process.poll() is None:
            figures["distinct"] = distinct_load(base_url, db, mix, settings)
        if server.process.poll() is None:
            figures["rss_mb"] = tree_rss_mb(server.process.pid)
            figures["rss_mb_per_worker"] = round(figures["rss_mb"] / workers, 1)
        figures["problems"] = server.problems()
    return figures


def distinct_load(base_url: str, db: Path, mix: list[Query], settings: Settings) -> dict:
    """`distinct_clients` clients for `distinct_seconds`, every request a query not sent before."""
    sent = {(q, tuple(sorted(f.items()))) for _, q, f in mix}
    pool = [(q, f) for _, q, f in query_mix(db, seed=99, scale=40) if (q, tuple(sorted(f.items()))) not in sent]
    paths = [f"/api/search?{urlencode({'q': q, 'limit': 20, **f})}" for q, f in pool]
    figures = load(base_url, paths, settings.distinct_seconds, settings.distinct_clients)
    figures["distinct_queries"] = len(paths)
    figures["repeated"] = figures.get("requests", 0) + figures.get("errors", 0) > len(paths)
    return figures


def measure_scale(copies: int, settings: Settings) -> dict:
    """Every figure for one scale; stops after the ingest if it fails or times out."""
    print(f"\n== {copies}× ==", flush=True)
    corpus_dir, corpus = cached_corpus(copies, settings.seed)
    print(f"corpus: {corpus['files']} files, {corpus['bytes'] / MB:.1f} MB in {corpus_dir}", flush=True)
    figures: dict = {"corpus": {**corpus, "path": str(corpus_dir)}}
    with tempfile.TemporaryDirectory(prefix="kb-bench-scale-") as workdir:
        db = Path(workdir) / "kb.sqlite3"
        command = [PYTHON, "-m", "app", "ingest", str(corpus_dir), "--db", str(db)]
        figures["ingest"] = ingest = run_child(command, settings.ingest_timeout)
        print(f"ingest: {ingest['status']} in {ingest['seconds']} s, peak {ingest['peak_tree_rss_mb']} MB", flush=True)
        if ingest["status"] != "ok":
            return figures
        ingest["mb_per_s"] = round(corpus["bytes"] / MB / ingest["seconds"], 3)
        figures["database"] = {
            "size_mb": round(db.stat().st_size / MB, 1),
            "ratio_to_raw": round(db.stat().st_size / corpus["bytes"], 2),
        }
        figures["reingest"] = reingest = run_child(command, settings.ingest_timeout)
        # Read from the ingest summary line: a re-ingest that rebuilt anything measured the wrong thing.
        reingest["all_unchanged"] = f"{corpus['files']} unchanged" in reingest["output"]
        print(f"re-ingest: {figures['reingest']['seconds']} s", flush=True)

        jieba.initialize()
        figures["jieba"] = tokeniser_baseline(db, settings.jieba_sample, jieba.cut_for_search)
        figures["rjieba"] = tokeniser_baseline(db, settings.jieba_sample, rjieba.cut_for_search)
        ingest["ratio_to_jieba"] = round(ingest["mb_per_s"] / figures["jieba"]["mb_per_s"], 2)
        figures["vectors"] = stand_in_vectors(db, settings.seed)
        mix = query_mix(db)
        figures["in_process"] = in_process_latency(db, mix)
        print(f"in-process: p50 {figures['in_process']['p50']} ms, p99 {figures['in_process']['p99']} ms", flush=True)
        figures["explore"] = explore_latency(db)
        print(
            f"explore, first time: p50 {figures['explore']['p50']} ms, max {figures['explore']['max']} ms", flush=True
        )
        figures["trigram"] = trigram_baseline(db, Path(workdir), mix)
        for workers in (1, 2):
            try:
                figures[f"serve_{workers}"] = served = app_serving(db, workers, settings, mix)
            except RuntimeError as error:  # the server never became ready
                figures[f"serve_{workers}"] = served = {"problems": {"not_ready": str(error)}}
            rps = _fmt(_get(served, "api_search", "rps"))
            print(f"serving, {workers} worker(s): /api/search {rps} requests/s, {_health(served)}", flush=True)
    return figures


# ---------------------------------------------------------------- report


def _get(figures: dict, *keys: str) -> object:
    for key in keys:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def _fmt(value: object, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:.3g}" if abs(value) < 10 else f"{value:,.0f}"
    return f"{value}{unit}"


def _percentile_row(figures: dict, *keys: str) -> str:
    block = _get(figures, *keys)
    if not isinstance(block, dict):
        return "–"
    cell = " / ".join(_fmt(block.get(p)) for p in ("p50", "p95", "p99"))
    return cell + (f" ({block['errors']} err)" if block.get("errors") else "")


def _ingest_cell(figures: dict) -> str:
    ingest = figures.get("ingest", {})
    if ingest.get("status") not in (None, "ok"):
        return f"{ingest['status']} after {ingest['seconds']:.0f} s"
    return _fmt(ingest.get("seconds"), " s")


def _explore_cell(figures: dict) -> str:
    return f"{_fmt(_get(figures, 'explore', 'p50'))} / {_fmt(_get(figures, 'explore', 'max'))}"


def _reingest_cell(figures: dict) -> str:
    reingest = figures.get("reingest")
    if not reingest:
        return "–"
    return _fmt(reingest["seconds"], " s") + ("" if reingest["all_unchanged"] else " (not all files seen as unchanged)")


def _api_share(figures: dict, trivial: dict) -> str:
    rps = _get(figures, "serve_2", "api_search", "rps")
    errors = _get(figures, "serve_2", "api_search", "errors")
    trivial_rps = _get(trivial, "2", "rps")
    if not rps or not trivial_rps:
        return "–"
    return f"{rps / trivial_rps:.0%} ({errors} errors)"


def _health(served: dict) -> str:
    if not served:
        return "–"
    problems = served.get("problems") or {}
    if "not_ready" in problems:
        return "never ready"
    if problems.get("exit_status") is not None:
        return f"died (exit {problems['exit_status']})"
    if problems.get("workers_died"):
        return f"{problems['workers_died']} workers died"
    return "errors logged" if problems.get("error_lines") else "ok"


def _rps(figures: dict, name: str) -> str:
    cells = []
    for workers in (1, 2):
        run = _get(figures, f"serve_{workers}", name)
        if not isinstance(run, dict):
            cells.append("–")
        else:
            cells.append("load failed" if "load_failed" in run else f"{_fmt(run['rps'])} ({run['errors']} err)")
    return " / ".join(cells)


def _hostile_cell(figures: dict) -> str:
    hostile = _get(figures, "in_process", "hostile")
    if not isinstance(hostile, dict) or not hostile:
        return "–"
    query, worst = max(hostile.items(), key=lambda item: item[1]["ms"])
    noticed = sum(1 for h in hostile.values() if h["notice"])
    return f"{_fmt(worst['ms'])} ({query[:16]}…); notice on {noticed} of {len(hostile)}"


def _distinct_cell(figures: dict) -> str:
    run = _get(figures, "serve_2", "distinct")
    if not isinstance(run, dict) or "rps" not in run:
        return "–"
    latency = run.get("latency_ms") or {}
    repeated = ", some repeated" if run.get("repeated") else ""
    return (
        f"{_fmt(run['rps'])} rps, p50/p95 {_fmt(latency.get('p50'))} / {_fmt(latency.get('p95'))} ms, "
        f"{run['errors']} errors ({run['requests']:,} queries{repeated})"
    )


ROWS: list[tuple[str, str, Callable[[dict, dict], str]]] = [
    ("corpus MB (files)", "", lambda f, t: f"{f['corpus']['bytes'] / MB:.1f} ({f['corpus']['files']})"),
    ("ingest wall time", "", lambda f, t: _ingest_cell(f)),
    ("ingest MB/s", "", lambda f, t: _fmt(_get(f, "ingest", "mb_per_s"))),
    (
        "plain jieba / rjieba MB/s",
        "baseline",
        lambda f, t: " / ".join(_fmt(_get(f, name, "mb_per_s")) for name in ("jieba", "rjieba")),
    ),
    ("ingest ÷ plain jieba", "≥ 3× at 100×", lambda f, t: _fmt(_get(f, "ingest", "ratio_to_jieba"), "×")),
    (
        "ingest peak RSS MB: largest process / tree",
        "< 1,500",
        lambda f, t: " / ".join(_fmt(_get(f, "ingest", key)) for key in ("peak_rss_mb", "peak_tree_rss_mb")),
    ),
    ("re-ingest unchanged", "< 1 s at 1×", lambda f, t: _reingest_cell(f)),
    ("database MB", "", lambda f, t: _fmt(_get(f, "database", "size_mb"))),
    ("database ÷ raw text", "≤ 5×", lambda f, t: _fmt(_get(f, "database", "ratio_to_raw"), "×")),
    (
        "vectors MB (bytes per segment)",
        "reported apart",
        lambda f, t: f"{_fmt(_get(f, 'vectors', 'mb'))} ({_fmt(_get(f, 'vectors', 'bytes_per_segment'))})",
    ),
    (
        "**first-time** search in process ms p50/p95/p99",
        "p95 ≤ 50, p99 ≤ 120 at 100×",
        lambda f, t: _percentile_row(f, "in_process") + f" ({_get(f, 'in_process', 'queries')} queries)",
    ),
    ("same queries again (answer cache) ms", "", lambda f, t: _percentile_row(f, "in_process", "cached")),
    ("slowest hostile query ms", "≤ 1,000, with a notice", lambda f, t: _hostile_cell(f)),
    ("FTS5 trigram, same mix, first time ms", "baseline", lambda f, t: _percentile_row(f, "trigram")),
    ("HTTP /api/search first time ms (1 worker)", "", lambda f, t: _percentile_row(f, "serve_1", "latency")),
    ("2 workers, 16 clients, distinct queries", "0 errors, p95 ≤ 150", lambda f, t: _distinct_cell(f)),
    ("/api/explore first time ms p50 / max", "≤ 300 at 100×", lambda f, t: _explore_cell(f)),
    ("/api/search rps 1w / 2w (mix repeated)", "", lambda f, t: _rps(f, "api_search")),
    ("/search rps 1w / 2w (mix repeated)", "", lambda f, t: _rps(f, "search_page")),
    ("/talks/{id} rps 1w / 2w", "", lambda f, t: _rps(f, "talk_page")),
    ("/api/search 2w ÷ trivial 2w", "≥ 40%, 0 errors", _api_share),
    ("server health 1w / 2w", "ok", lambda f, t: " / ".join(_health(f.get(f"serve_{w}", {})) for w in (1, 2))),
    (
        "server memory MB per worker (Pss) 1w / 2w",
        "≤ 400",
        lambda f, t: " / ".join(_fmt(_get(f, f"serve_{w}", "rss_mb_per_worker")) for w in (1, 2)),
    ),
]


def markdown(results: dict) -> str:
    scales = results["scales"]
    trivial = results["trivial"]
    header = ["figure", "target", *(f"{copies}×" for copies in scales)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, target, cell in ROWS:
        values = [cell(figures, trivial) for figures in scales.values()]
        lines.append("| " + " | ".join([label, target, *values]) + " |")
    trivial_rps = " / ".join(_fmt(_get(trivial, w, "rps")) for w in ("1", "2"))
    notes = [
        f"Trivial FastAPI `GET /ping` under uvicorn, 1w / 2w: {trivial_rps} requests/s "
        f"(load: {results['settings']['concurrency']} connections from one bench/load.py process, same machine).",
        "Ingest MB/s counts raw file bytes; jieba MB/s the normalised segment text it was given.",
        "FTS5 trigram baseline: `ORDER BY rank LIMIT 20`, no filters, nothing for terms under 3 characters.",
        "First time: each query of the mix once, new to the process (only the catalogue loaded before); "
        "the cached row asks each query again straight after.",
        "The meaning-based tier is on, over random stand-in vectors (bench/scale.py stand_in_vectors): its cost "
        "and memory are real, its quality is measured by bench/ranking.py.",
        "Server memory is the proportional set size: pages the workers share (code, mapped vectors) count once.",
    ]
    for copies, figures in scales.items():
        for workers in (1, 2):
            lines_logged = _get(figures, f"serve_{workers}", "problems", "error_lines")
            if lines_logged:
                notes.append(f"{copies}×, {workers} worker(s), server log: " + " | ".join(lines_logged[:3]))
    if (_get(trivial, "2", "rps") or 0) < (_get(trivial, "1", "rps") or 0):
        notes.append(
            "2 workers serve fewer requests than 1 even for the trivial app: uvicorn's `--workers N` path leaves "
            "TCP_NODELAY off, so keep-alive responses wait ~40 ms on delayed ACKs (Kludex/uvicorn#3149)."
        )
    return "\n".join(lines) + "\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"


def save(results: dict) -> None:
    """Write latest.json and latest.md, each through a .tmp file renamed into place."""
    RESULTS.mkdir(exist_ok=True)
    outputs = {"latest.json": json.dumps(results, indent=2, ensure_ascii=False), "latest.md": markdown(results)}
    for name, content in outputs.items():
        temporary = RESULTS / f"{name}.tmp"
        temporary.write_text(content + "\n", encoding="utf-8")
        temporary.replace(RESULTS / name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", help="comma-separated copies of the bundled corpus (default 1,100; quick 1,10)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds and shorter load runs, for development")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ingest-timeout", type=float, default=600, help="seconds (default %(default)s)")
    args = parser.parse_args(argv)
    settings = (Settings.quick if args.quick else Settings)(args.seed, args.ingest_timeout)
    scales = [int(s) for s in (args.scales or ("1,10" if args.quick else "1,100")).split(",")]

    results: dict = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform(),
        },
        "settings": asdict(settings),
        "hostile": [q for _, q, _ in HOSTILE],
        "trivial": {},
        "scales": {},
    }
    started = time.perf_counter()
    print("trivial FastAPI endpoint…", flush=True)
    results["trivial"] = trivial_serving(settings)
    for copies in scales:
        results["scales"][str(copies)] = measure_scale(copies, settings)
        save(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    save(results)
    print()
    print(markdown(results))
    print(f"{results['seconds']:.0f} s; figures in {RESULTS / 'latest.json'} and latest.md")


if __name__ == "__main__":
    main()
