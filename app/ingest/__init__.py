"""Stage 1: transcript files → parsed talks → prepared segments → the published database."""

from app.ingest.sync import ingest

__all__ = ["ingest"]
