"""A searchable knowledge base of AI-conference talks."""

import os

# One BLAS thread per process, set before anything imports numpy. The vector scans are matrix–vector
# products, too small to share between cores, and OpenBLAS's extra threads spin while they wait:
# at 100× with 2 workers and 16 clients, 6.8 requests/s with a thread per core, 21.9 with one
# (one process alone: first-time p50 66 → 54 ms, half the CPU). A value the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
