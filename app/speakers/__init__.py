"""Who speaks: the kind of each talk, sub-talks of forum recordings, panel turns (pure; ingest calls it)."""
