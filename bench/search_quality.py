"""Literal recall and precision of search against a brute-force scan, with two baselines.

Draws a fixed-seed sample of queries from the bundled transcripts (jieba words of
1-6 characters, raw substrings of 2-5 characters, English words, two-term queries)
and compares the set of segments each index returns with the set a plain
substring scan returns. Baselines built in the same run: an FTS5 trigram index
and an FTS5 index over jieba tokens. Run: `python -m bench.search_quality`.
"""

from __future__ import annotations

import random
import re
import sqlite3

from app.search.engine import search
from app.search.matching import matching_ids_sql
from app.search.query import parse_query
from app.text import normalize, words
from bench.common import bundled_connection, percentiles, timed

SEED = 20240704
SAMPLE_PER_KIND = 80


def sample_queries(segments: list[str]) -> list[tuple[str, str]]:
    rng = random.Random(SEED)
    queries: list[tuple[str, str]] = []
    texts = [t for t in segments if len(t) >= 8]
    while sum(1 for k, _ in queries if k == "jieba word") < SAMPLE_PER_KIND:
        candidates = [w for w in words(rng.choice(texts)) if 1 <= len(w) <= 6 and '"' not in w]
        if candidates:
            queries.append(("jieba word", rng.choice(candidates)))
    while sum(1 for k, _ in queries if k == "substring") < SAMPLE_PER_KIND:
        text = rng.choice(texts)
        size = rng.randint(2, 5)
        start = rng.randrange(0, len(text) - size)
        piece = text[start : start + size]
        if piece.strip() == piece and " " not in piece and '"' not in piece:
            queries.append(("substring", piece))
    english = sorted({w for t in texts for w in re.findall(r"[a-z]{3,}", t)})
    for word in rng.sample(english, min(SAMPLE_PER_KIND, len(english))):
        queries.append(("english", word))
    while sum(1 for k, _ in queries if k == "two terms") < SAMPLE_PER_KIND:
        candidates = [w for w in words(rng.choice(texts)) if 2 <= len(w) <= 4]
        if len(candidates) >= 2:
            queries.append(("two terms", " ".join(rng.sample(candidates, 2))))
    return queries


def brute_force(segments: dict[int, str], terms: list[str]) -> set[int]:
    return {i for i, text in segments.items() if all(t in text for t in terms)}


def build_baselines(segments: dict[int, str]) -> sqlite3.Connection:
    baseline = sqlite3.connect(":memory:")
    baseline.execute("CREATE VIRTUAL TABLE trigram USING fts5(text, tokenize = 'trigram')")
    baseline.execute("CREATE VIRTUAL TABLE jieba USING fts5(tokens)")
    baseline.executemany("INSERT INTO trigram(rowid, text) VALUES (?, ?)", segments.items())
    baseline.executemany(
        "INSERT INTO jieba(rowid, tokens) VALUES (?, ?)", ((i, " ".join(words(t))) for i, t in segments.items())
    )
    return baseline


def _phrase(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def trigram_ids(baseline: sqlite3.Connection, terms: list[str]) -> set[int]:
    expression = " AND ".join(_phrase(t) for t in terms)
    try:
        return {r for (r,) in baseline.execute("SELECT rowid FROM trigram WHERE trigram MATCH ?", (expression,))}
    except sqlite3.OperationalError:
        return set()


def jieba_ids(baseline: sqlite3.Connection, terms: list[str]) -> set[int]:
    expression = " AND ".join(_phrase(" ".join(words(t)) or t) for t in terms)
    try:
        return {r for (r,) in baseline.execute("SELECT rowid FROM jieba WHERE jieba MATCH ?", (expression,))}
    except sqlite3.OperationalError:
        return set()


def score(found: list[set[int]], truth: list[set[int]]) -> tuple[float, float]:
    true_positive = sum(len(f & t) for f, t in zip(found, truth, strict=True))
    recall = true_positive / max(1, sum(len(t) for t in truth))
    precision = true_positive / max(1, sum(len(f) for f in found))
    return recall, precision


def run() -> dict:
    connection = bundled_connection()
    rows = connection.exec_driver_sql("SELECT id, text FROM segment").all()
    segments = {i: normalize(text) for i, text in rows}
    queries = sample_queries(list(segments.values()))
    baseline = build_baselines(segments)
    search(connection, "预热", limit=20)  # loads jieba and the catalogue before timing

    truth, ours, ours_ms, ids_ms, tri, tri_ms, jie, jie_ms = [], [], [], [], [], [], [], []
    for _, raw in queries:
        query = parse_query(raw)
        terms = [t.text for t in query.positive_terms]
        truth.append(brute_force(segments, terms))
        ids_sql, params = matching_ids_sql(query)
        elapsed, found = timed(lambda s=ids_sql, p=tuple(params): {i for (i,) in connection.exec_driver_sql(s, p)})
        ours.append(found)
        ids_ms.append(elapsed)
        elapsed, result = timed(lambda raw=raw: search(connection, raw, limit=20))
        assert result.total == len(ours[-1])
        ours_ms.append(elapsed)
        elapsed, found = timed(lambda terms=terms: trigram_ids(baseline, terms))
        tri.append(found)
        tri_ms.append(elapsed)
        elapsed, found = timed(lambda terms=terms: jieba_ids(baseline, terms))
        jie.append(found)
        jie_ms.append(elapsed)

    report = {"queries": len(queries), "kinds": {k: sum(1 for q, _ in queries if q == k) for k, _ in queries}}
    tiers = (
        ("ours", ours, ours_ms),
        ("ours ids only", ours, ids_ms),
        ("fts5 trigram", tri, tri_ms),
        ("fts5 jieba", jie, jie_ms),
    )
    for name, found, times in tiers:
        recall, precision = score(found, truth)
        exact = sum(1 for f, t in zip(found, truth, strict=True) if f == t) / len(truth)
        report[name] = {
            "recall": round(recall, 4),
            "precision": round(precision, 4),
            "queries_exact": round(exact, 4),
            "latency_ms": percentiles(times),
        }
    misses = [raw for (_, raw), f, t in zip(queries, ours, truth, strict=True) if f != t]
    report["ours"]["queries_with_a_difference"] = misses
    return report


def main() -> None:
    report = run()
    print(f"search quality: {report['queries']} queries {report['kinds']}")
    print(f"{'index':<14} {'recall':>8} {'precision':>10} {'exact sets':>11} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name in ("ours", "ours ids only", "fts5 trigram", "fts5 jieba"):
        row = report[name]
        lat = row["latency_ms"]
        print(
            f"{name:<14} {row['recall']:>8.2%} {row['precision']:>10.2%} {row['queries_exact']:>11.2%} "
            f"{lat['p50']:>8} {lat['p95']:>8} {lat['p99']:>8}"
        )
    print("recall/precision over all (query, segment) pairs; 'exact sets': queries whose result set equals the scan's")
    print("ours: the full search() call (count, facets, ranked page of 20); the others: matching ids only")
    if report["ours"]["queries_with_a_difference"]:
        print("queries where ours differs from the brute-force scan:", report["ours"]["queries_with_a_difference"])


if __name__ == "__main__":
    main()
