"""`python -m app ingest [DIR] [--db PATH]` and `python -m app serve`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app import config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="AI-conference talks knowledge base")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest_parser = commands.add_parser("ingest", help="read transcripts into the database")
    ingest_parser.add_argument("folder", nargs="?", type=Path, help="transcripts folder (default: %(default)s)")
    ingest_parser.add_argument("--db", type=Path, help="database file (default: $KB_DB or data/kb.sqlite3)")
    ingest_parser.add_argument("--full", action="store_true", help="rebuild from scratch, even unchanged files")

    serve_parser = commands.add_parser("serve", help="serve the web app")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.add_argument("--db", type=Path, help="database file (default: $KB_DB or data/kb.sqlite3)")

    args = parser.parse_args(argv)
    if args.command == "ingest":
        return _ingest(args.folder or config.transcripts_dir(), args.db or config.database_path(), args.full)
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


def _serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    if args.db:
        os.environ["KB_DB"] = str(args.db)
    print(f"Serving the knowledge base on http://{args.host}:{args.port}", flush=True)
    uvicorn.run("app.web.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers)
    return 0
