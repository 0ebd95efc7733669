"""Stage 3: query → literal matches and variants → one ranking → hits, facets, suggestions."""

from app.search.engine import search

__all__ = ["search"]
