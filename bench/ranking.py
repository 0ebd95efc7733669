"""Ranking quality on the graded judged queries of tests/data/ranking_judged.json.

Four systems over one database of the bundled and the development transcripts (../shared/dev-transcripts,
when present): plain FTS5 over jieba tokens (all words, then any word), the dense encoder alone, naive
reciprocal-rank fusion of those two, and this app's search. Prints nDCG@10 (gains 2^grade - 1) and
success@3 (a passage graded 1 or 2 in the top three) per kind of query, on the tuning half and on the
held-out half, which no rule or weight was tuned on. Run: `python -m bench.ranking`.
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from app.db import read_only_engine
from app.ingest import ingest
from app.ingest.embed import build_id, embed
from app.search import search
from app.search.engine import ENCODED_UNITS, leading_units
from app.semantic import encoder, load_vectors
from app.text import normalize, words
from bench.common import percentiles, timed

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "tests" / "data" / "ranking_judged.json"
BUNDLED = ROOT / "data" / "transcripts"
DEV = ROOT.parent / "shared" / "dev-transcripts"
CACHE = ROOT / "bench" / ".cache" / "judged"  # the database and vectors, reused between runs
SYSTEMS = ("fts5", "dense", "rrf", "app")
RRF_K = 60  # the usual constant of reciprocal-rank fusion, untuned
DEPTH = 10

Ranker = Callable[[str], list[int]]


def corpus() -> tuple[Path, bool]:
    """A folder linking the bundled and (when present) the development transcripts; whether dev is in."""
    folder = CACHE / "transcripts"
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(BUNDLED.iterdir()) + (sorted(DEV.glob("*.md")) if DEV.is_dir() else [])
    for source in sources:
        link = folder / source.name
        if not link.exists():
            link.symlink_to(source)
    return folder, DEV.is_dir()


def prepared_database() -> Path:
    folder, _ = corpus()
    db = CACHE / "kb.sqlite3"
    report = ingest(folder, db)
    assert report.ok, report.problems
    chosen = encoder()
    assert chosen is not None, "bench.ranking needs the encoder (KB_ENCODER=e5)"
    started = time.perf_counter()
    done = embed(db, chosen)
    print(f"{done.summary()} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return db


def segment_ids(db: Path) -> dict[tuple[str, int], int]:
    """(talk id or file name, segment number) → segment row id."""
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT s.id, s.talk_id, t.source_file, s.number FROM segment s JOIN talk t ON t.id = s.talk_id"
        ).fetchall()
    found = {}
    for row_id, talk, file, number in rows:
        found[(talk, number)] = found[(file, number)] = row_id
    return found


def fts5_ranker(connection: sqlite3.Connection) -> Ranker:
    """Plain FTS5 BM25 over jieba search tokens: every token, topped up with any token."""

    def rank(query: str) -> list[int]:
        tokens = sorted(set(words(normalize(query))))
        if not tokens:
            return []
        phrases = ['"' + t.replace('"', '""') + '"' for t in tokens]
        found: list[int] = []
        for joiner in (" AND ", " OR "):
            rows = connection.execute(
                "SELECT rowid FROM segment_words WHERE segment_words MATCH ? ORDER BY rank LIMIT ?",
                (joiner.join(phrases), DEPTH * 3),
            )
            found += [r for (r,) in rows if r not in found]
            if len(found) >= DEPTH:
                break
        return found[: DEPTH * 3]

    return rank


def dense_ranker(db: Path) -> Ranker:
    vectors, chosen = load_vectors(db, build_id(db)), encoder()
    assert vectors is not None and chosen is not None

    def rank(query: str) -> list[int]:
        return [segment_id for segment_id, _ in vectors.nearest(chosen.query(query), DEPTH * 3)]

    return rank


def rrf_ranker(first: Ranker, second: Ranker) -> Ranker:
    def rank(query: str) -> list[int]:
        scores: dict[int, float] = defaultdict(float)
        for ranker in (first, second):
            for position, segment_id in enumerate(ranker(query)):
                scores[segment_id] += 1 / (RRF_K + position + 1)
        return sorted(scores, key=lambda s: -scores[s])

    return rank


def app_ranker(db: Path) -> Ranker:
    connection = read_only_engine(db).connect()

    def rank(query: str) -> list[int]:
        return [hit.segment_id for hit in search(connection, query, limit=DEPTH).hits]

    return rank


def ndcg(ranked: list[int], grades: dict[int, int]) -> float:
    gain = sum((2 ** grades.get(s, 0) - 1) / math.log2(i + 2) for i, s in enumerate(ranked[:DEPTH]))
    ideal = sorted(grades.values(), reverse=True)[:DEPTH]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return gain / best if best else 0.0


def evaluate() -> tuple[dict, dict]:
    """{(split, kind): {system: (nDCG@10, success@3, queries)}} and facts about the run."""
    db = prepared_database()
    ids = segment_ids(db)
    judged = json.loads(JUDGED.read_text(encoding="utf-8"))["queries"]
    has_dev = DEV.is_dir()
    if not has_dev:
        print(f"bench.ranking: {DEV} not found, so only the queries on the bundled files are measured")
        judged = [q for q in judged if q["corpus"] == "bundled"]
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as connection:
        fts5 = fts5_ranker(connection)
        dense = dense_ranker(db)
        rankers = {"fts5": fts5, "dense": dense, "rrf": rrf_ranker(fts5, dense), "app": app_ranker(db)}
        scores: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
        for entry in judged:
            grades = {}
            for passage in entry["relevant"]:
                key = (passage.get("talk") or passage.get("file"), passage["segment"])
                if key in ids:
                    grades[ids[key]] = passage["grade"]
            for name, ranker in rankers.items():
                ranked = ranker(entry["query"])[:DEPTH]
                success = float(any(grades.get(s, 0) >= 1 for s in ranked[:3]))
                for kind in (entry["kind"], "all"):
                    scores[(entry["split"], kind)][name].append((ndcg(ranked, grades), success))
    table = {
        key: {
            name: (
                sum(n for n, _ in values) / len(values),
                sum(s for _, s in values) / len(values),
                len(values),
            )
            for name, values in by_system.items()
        }
        for key, by_system in scores.items()
    }
    return table, {"dev": has_dev, "queries": len(judged), "segments": len(set(ids.values()))}


def semantic_latency(queries: list[str]) -> dict[str, float]:
    """Milliseconds to encode a query as search does (its first ENCODED_UNITS characters and words) and find
    its nearest segments, each query once (the cache is not used)."""
    db = CACHE / "kb.sqlite3"
    vectors, chosen = load_vectors(db, build_id(db)), encoder()
    assert vectors is not None and chosen is not None
    encoded = [leading_units(q, ENCODED_UNITS) for q in queries]
    times = [timed(lambda q=q: vectors.nearest(chosen.query(q), 200))[0] for q in encoded]
    return percentiles(times)


def main() -> None:
    table, facts = evaluate()
    dev = "in" if facts["dev"] else "absent"
    print(f"ranking on {JUDGED.name}: {facts['queries']} graded queries, dev transcripts {dev}")
    print("nDCG@10 / success@3; app = this search, rrf = naive fusion of fts5 and dense")
    header = f"{'split':<8} {'kind':<9} {'n':>3}  " + "  ".join(f"{name:>11}" for name in SYSTEMS)
    print(header)
    kinds = ["topic", "question", "entity", "english", "passage", "all"]
    for split in ("tune", "heldout"):
        for kind in kinds:
            row = table.get((split, kind))
            if not row:
                continue
            cells = "  ".join(f"{row[name][0]:.2f} / {row[name][1]:.2f}" for name in SYSTEMS)
            print(f"{split:<8} {kind:<9} {row['app'][2]:>3}  {cells}")
    queries = [q["query"] for q in json.loads(JUDGED.read_text(encoding="utf-8"))["queries"]]
    latency = semantic_latency(queries)
    print(
        f"query embedding + nearest 200 of {facts['segments']:,} vectors, first time: p50 {latency['p50']} ms, "
        f"p95 {latency['p95']} ms"
    )


if __name__ == "__main__":
    main()
