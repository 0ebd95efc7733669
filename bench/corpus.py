"""Synthetic corpora for scale benchmarks: N distinct copies of the bundled transcripts.

Copy 0 is the bundled text itself, so 1× is exactly the real corpus. Every
further copy gets new Bilibili video ids in its headings (so its talks get new
ids) and a few two-character spans per paragraph replaced by character pairs
that are frequent in the corpus, so no copy is byte-identical to another.
Headings, blank-line separated paragraphs and `![](…)` slide lines keep their
grammar. The same seed gives identical bytes. Run:
`python -m bench.corpus TARGET COPIES [--seed N]`.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import string
import tempfile
from collections import Counter
from pathlib import Path

from bench.common import BUNDLED

GENERATOR_VERSION = "1"
MANIFEST = "manifest.json"
VOCABULARY_SIZE = 3000  # most frequent Han character pairs, the replacement words
CHARS_PER_EDIT = 120  # one more replacement per this many characters of a line
MAX_EDITS_PER_LINE = 4

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_HAN_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
_BVID = re.compile(r"\bBV[0-9A-Za-z]{10}\b")
_ID_ALPHABET = string.ascii_letters + string.digits


def _is_text_line(line: str) -> bool:
    """A paragraph line: not blank, not a `# ` heading, not a `![](…)` slide."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("# ") and not stripped.startswith("![")


def _sources(source: Path) -> list[tuple[str, str]]:
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(source.iterdir()) if p.suffix in (".txt", ".md")]


def _fingerprint(sources: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for name, content in sources:
        digest.update(name.encode() + b"\0" + content.encode() + b"\0")
    return digest.hexdigest()


def _vocabulary(sources: list[tuple[str, str]]) -> tuple[list[str], list[int]]:
    """The most frequent Han character pairs of the paragraphs, with cumulative weights."""
    pairs: Counter[str] = Counter()
    for _, content in sources:
        for line in filter(_is_text_line, content.splitlines()):
            pairs.update(m.group(1) for m in _HAN_PAIR.finditer(line))
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[:VOCABULARY_SIZE]
    return [pair for pair, _ in ranked], list(itertools.accumulate(count for _, count in ranked))


def _video_ids(sources: list[tuple[str, str]], copies: int, seed: int) -> list[dict[str, str]]:
    """Per copy, original video id → new one; copy 0 keeps the originals. Ids never repeat."""
    originals = sorted({m.group(0) for _, content in sources for m in _BVID.finditer(content)})
    used = set(originals)
    mapping: list[dict[str, str]] = [{vid: vid for vid in originals}]
    for copy in range(1, copies):
        rng = random.Random(f"{seed}/{copy}/ids")
        renamed = {}
        for vid in originals:
            new = vid
            while new in used:
                new = "BV" + "".join(rng.choices(_ID_ALPHABET, k=10))
            used.add(new)
            renamed[vid] = new
        mapping.append(renamed)
    return mapping


def _perturb(line: str, rng: random.Random, vocabulary: list[str], weights: list[int]) -> str:
    """Replace a few two-character Han spans of a paragraph line by frequent pairs."""
    runs = [m.span() for m in _HAN_RUN.finditer(line)]
    if not runs:
        return line
    chars = list(line)
    for _ in range(min(MAX_EDITS_PER_LINE, 1 + len(line) // CHARS_PER_EDIT)):
        start, end = rng.choice(runs)
        at = rng.randrange(start, end - 1)
        chars[at : at + 2] = rng.choices(vocabulary, cum_weights=weights)[0]
    return "".join(chars)


def _copy_text(content: str, rng: random.Random, ids: dict[str, str], vocabulary: list[str], weights: list[int]) -> str:
    lines = content.split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith("# "):
            lines[index] = _BVID.sub(lambda m: ids[m.group(0)], line)
        elif _is_text_line(line):
            lines[index] = _perturb(line, rng, vocabulary, weights)
    return "\n".join(lines)


def _paragraphs(content: str) -> int:
    """Blank-line separated blocks of paragraph lines, counted the way the parser splits them."""
    return sum(1 for is_text, _ in itertools.groupby(content.splitlines(), key=_is_text_line) if is_text)


def _read_manifest(target: Path) -> dict | None:
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _generated_files(target: Path) -> list[Path]:
    return sorted(target.glob("c[0-9][0-9][0-9][0-9]_*"))


def make_corpus(target: Path, copies: int, seed: int = 7, source: Path = BUNDLED) -> dict:
    """Write `copies` copies of the transcripts in `source` into `target`; return a summary.

    A folder that already holds this corpus (same generator, seed, copies and
    source files, per its manifest) is reused as it is.
    """
    if not 1 <= copies <= 9999:
        raise ValueError("copies must be between 1 and 9999")
    sources = _sources(source)
    key = {"generator": GENERATOR_VERSION, "seed": seed, "copies": copies, "sources": _fingerprint(sources)}
    manifest = _read_manifest(target)
    if manifest and manifest.get("key") == key:
        present = _generated_files(target)
        if len(present) == manifest["files"] and sum(p.stat().st_size for p in present) == manifest["bytes"]:
            return {**manifest["summary"], "reused": True}

    target.mkdir(parents=True, exist_ok=True)
    (target / MANIFEST).unlink(missing_ok=True)
    for stale in _generated_files(target):
        stale.unlink()
    vocabulary, weights = _vocabulary(sources)
    id_maps = _video_ids(sources, copies, seed)
    files = total_bytes = paragraphs = 0
    for copy, ids in enumerate(id_maps):
        for name, content in sources:
            if copy:
                content = _copy_text(content, random.Random(f"{seed}/{copy}/{name}"), ids, vocabulary, weights)
            data = content.encode("utf-8")
            (target / f"c{copy:04d}_{name}").write_bytes(data)
            files += 1
            total_bytes += len(data)
            paragraphs += _paragraphs(content)
    summary = {"copies": copies, "seed": seed, "files": files, "bytes": total_bytes, "paragraphs": paragraphs}
    manifest = {"key": key, "files": files, "bytes": total_bytes, "summary": summary}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return {**summary, "reused": False}


def cached_corpus(copies: int, seed: int = 7) -> tuple[Path, dict]:
    """The corpus in a folder under the system temp dir, generated on first use."""
    target = Path(tempfile.gettempdir()) / "kb-bench-corpus" / f"seed{seed}-x{copies}"
    return target, make_corpus(target, copies, seed)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("copies", type=int)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(json.dumps(make_corpus(args.target, args.copies, args.seed)))


if __name__ == "__main__":
    main()
