"""`python -m app ingest [DIR] [--db PATH]`, `python -m app embed` and `python -m app serve` (also `talks-kb`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app import config
from app.builds import build_problem
from app.memory import few_malloc_arenas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="AI-conference talks knowledge base")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest_parser = commands.add_parser("ingest", help="read transcripts into the database")
    ingest_parser.add_argument("folder", nargs="?", type=Path, help="transcripts folder (default: %(default)s)")
    ingest_parser.add_argument("--db", type=Path, help="database file (default: $KB_DB or data/kb.sqlite3)")
    ingest_parser.add_argument("--full", action="store_true", help="rebuild from scratch, even unchanged files")

    embed_parser = commands.add_parser("embed", help="compute the vectors for meaning-based search")
    embed_parser.add_argument("--db", type=Path, help="database file (default: $KB_DB or data/kb.sqlite3)")

    serve_parser = commands.add_parser("serve", help="serve the web app")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.add_argument("--db", type=Path, help="database file (default: $KB_DB or data/kb.sqlite3)")
    serve_parser.add_argument(
        "--no-embed", action="store_true", help="do not compute missing vectors in the background while serving"
    )

    args = parser.parse_args(argv)
    if args.command == "ingest":
        return _ingest(args.folder or config.transcripts_dir(), args.db or config.database_path(), args.full)
    if args.command == "embed":
        return _embed(args.db or config.database_path())
    return _serve(args)


class _Progress:
    """Files done, MB, rate and time left on one terminal line; silent when stderr is not a terminal."""

    def __init__(self, folder: Path) -> None:
        self.total = sum(p.stat().st_size for p in folder.glob("*") if p.is_file()) if folder.is_dir() else 0
        self.done = self.files = 0
        self.started = time.perf_counter()

    def __call__(self, source) -> None:  # noqa: ANN001 (a parsing.SourceText)
        self.done += source.size
        self.files += 1
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed / 2**20 if elapsed else 0.0
        left = (self.total - self.done) / 2**20 / rate if rate else 0.0
        print(
            f"\r{self.files} files, {self.done / 2**20:.1f} of {self.total / 2**20:.1f} MB, "
            f"{rate:.2f} MB/s, about {left:.0f} s left ",
            end="",
            file=sys.stderr,
            flush=True,
        )

    def finish(self) -> None:
        if self.files:
            print(file=sys.stderr)


def _ingest(folder: Path, db_path: Path, full: bool) -> int:
    from app.ingest import ingest

    started = time.perf_counter()
    progress = _Progress(folder) if sys.stderr.isatty() else None
    report = ingest(folder, db_path, full=full, progress=progress)
    if progress:
        progress.finish()
    for problem in report.problems:
        print(f"rejected {problem}", file=sys.stderr)
    print(f"ingest: {report.summary()} in {time.perf_counter() - started:.1f} s → {db_path}")
    return 0 if report.ok else 1


def _embed(db_path: Path) -> int:
    from app.ingest.embed import embed
    from app.semantic import encoder

    chosen = encoder()
    if chosen is None:
        print("embed: meaning-based search is off (KB_ENCODER=none)")
        return 0
    if not db_path.exists():
        print(f"embed: no database at {db_path}; run `python -m app ingest` first", file=sys.stderr)
        return 1
    if problem := build_problem(db_path):
        print(f"embed: {db_path} is {problem}; build it with `python -m app ingest --db {db_path}`", file=sys.stderr)
        return 1

    def show(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\rembedding: {done} of {total} segments", end="", file=sys.stderr, flush=True)

    report = embed(db_path, chosen, progress=show)
    if report.encoded and sys.stderr.isatty():
        print(file=sys.stderr)
    print(report.summary())
    return 0


def _serve(args: argparse.Namespace) -> int:
    import os
    import subprocess

    import uvicorn

    if args.db:
        os.environ["KB_DB"] = str(args.db)
    few_malloc_arenas()
    embedding = None
    db_path = config.database_path()
    if not args.no_embed and config.ENCODER != "none" and db_path.exists() and not build_problem(db_path):
        # Words are searchable at once; meaning-based results join when the vectors are ready.
        command = [sys.executable, "-m", "app", "embed", "--db", str(db_path)]
        embedding = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    print(f"Serving the knowledge base on http://{args.host}:{args.port}", flush=True)
    try:
        uvicorn.run("app.web.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers)
    finally:
        if embedding is not None and embedding.poll() is None:
            embedding.terminate()  # it resumes from its cache next time
    return 0
