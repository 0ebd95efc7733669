"""A small HTTP load generator for a server on this machine, bounded in time and requests.

`concurrency` clients send GET requests back to back, cycling through `paths`,
until `seconds` have passed or `max_requests` have been sent. Loopback only:
any other host is refused. Run:
`python -m bench.load http://127.0.0.1:8000 --seconds 5 --concurrency 8 --path /ping`
(prints the figures as JSON).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlsplit

import httpx

LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
MAX_REQUESTS = 200_000
# Clients connect this far apart, as people arrive one after another. Connecting in one instant,
# every keep-alive connection would go to whichever server worker accepted first.
ARRIVAL_GAP_SECONDS = 0.05


def latency_summary(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/mean in ms, like bench.common.percentiles (which would import the app)."""
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "mean": round(statistics.fmean(ordered), 2)}


def check_loopback(base_url: str) -> None:
    """Refuse to send load anywhere but this machine."""
    host = urlsplit(base_url).hostname
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"refusing to load {host!r}: only {sorted(LOOPBACK_HOSTS)} are allowed")


async def _load(base_url: str, seconds: float, concurrency: int, paths: list[str], max_requests: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def client_loop(arrival: int) -> None:
        # One client (one keep-alive connection) per loop: a shared pool serialises on its lock.
        nonlocal sent
        await asyncio.sleep(arrival * ARRIVAL_GAP_SECONDS)
        async with httpx.AsyncClient(base_url=base_url, timeout=60, trust_env=False) as client:
            while sent < max_requests and time.perf_counter() < deadline:
                path = paths[sent % len(paths)]
                sent += 1
                begun = time.perf_counter()
                try:
                    response = await client.get(path)
                except httpx.HTTPError as error:
                    errors.append(f"{path}: {type(error).__name__}")
                    continue
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - begun) * 1000)
                else:
                    errors.append(f"{path}: HTTP {response.status_code}")

    await asyncio.gather(*(client_loop(arrival) for arrival in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "seconds": round(elapsed, 2),
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:5],
        "rps": round(len(latencies) / elapsed, 1),
        "latency_ms": latency_summary(latencies) if latencies else None,
    }


def run_load(
    base_url: str, seconds: float, concurrency: int, paths: list[str], max_requests: int = MAX_REQUESTS
) -> dict:
    """Requests/s, latency percentiles (ms) and error count of GETs on `paths` at `base_url`."""
    check_loopback(base_url)
    if not paths:
        raise ValueError("no paths to request")
    return asyncio.run(_load(base_url, seconds, concurrency, paths, max_requests))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=MAX_REQUESTS)
    parser.add_argument("--path", action="append", dest="paths", required=True, help="repeat for several paths")
    args = parser.parse_args(argv)
    print(json.dumps(run_load(args.base_url, args.seconds, args.concurrency, args.paths, args.max_requests)))


if __name__ == "__main__":
    main()
