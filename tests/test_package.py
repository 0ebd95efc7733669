"""What importing the package sets up for every process it runs in."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import PROJECT


def _blas_threads(environment: dict[str, str]) -> str:
    code = "import app, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=environment, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.strip()


def test_numpy_gets_one_blas_thread_per_process():
    environment = {"PATH": "/usr/bin:/bin"}
    assert _blas_threads(environment) == "1"  # inherited by the server's workers and read by numpy


def test_a_users_own_blas_thread_count_is_kept():
    assert _blas_threads({"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "4"}) == "4"
