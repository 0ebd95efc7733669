"""Benchmarks that print their figures beside baselines measured in the same run."""

import app  # noqa: F401  (first: it gives numpy one BLAS thread per process, as in the server)
