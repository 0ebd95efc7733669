"""Mark query terms in display text: snippets for result lists, full text for talk pages.

Matching happens on normalised text (as in search) and is mapped back to the
display text, so `gpt` marks `GPT` and `ｇｐｔ`. The output is HTML-safe.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from markupsafe import Markup

from app.text import normalize_with_offsets, occurrences


def match_spans(display_text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) ranges of the display text where any normalised term occurs."""
    normalized, offsets = normalize_with_offsets(display_text)
    spans: list[tuple[int, int]] = []
    for term in {t for t in terms if t}:
        spans += [(offsets[start], offsets[start + len(term) - 1] + 1) for start in occurrences(normalized, term)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _densest_window(spans: list[tuple[int, int]], length: int, width: int) -> tuple[int, int]:
    """The window of `width` characters holding the most matches, centred on them."""
    best_start, best_count = 0, -1
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best_count, best_start = count, start
    covered_end = max(e for s, e in spans if s >= best_start and e <= best_start + width) if spans else 0
    slack = width - (covered_end - best_start)
    window_start = max(0, min(best_start - slack // 2, length - width))
    return window_start, min(length, window_start + width)


def mark(display_text: str, terms: Iterable[str], width: int | None = None) -> Markup:
    """HTML with <mark> around matches; with `width`, cut to the densest window with ellipses."""
    spans = match_spans(display_text, terms)
    start, end = 0, len(display_text)
    if width is not None and len(display_text) > width:
        start, end = _densest_window(spans, len(display_text), width)
    pieces = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        pieces.append(escape(display_text[cursor:span_start]))
        pieces.append(f"<mark>{escape(display_text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(display_text[cursor:end]))
    pieces.append("…" if end < len(display_text) else "")
    return Markup("".join(pieces))
