"""Ingest: transcript files → parsed talks → prepared segments → the published database (uses speakers)."""

from app.ingest.sync import ingest

__all__ = ["ingest"]
