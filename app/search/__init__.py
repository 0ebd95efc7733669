"""Search: query → literal matches, variants, shared words, meaning → one ranking → hits and facets."""

from app.search.engine import search

__all__ = ["search"]
