"""The threads an ``olistctl`` process starts: none that only wait for work it never gives.

Run in fresh processes, as the console script starts: which threads NumPy's OpenBLAS
makes is decided once, when NumPy is first imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self/task") or (os.cpu_count() or 1) < 2,
    reason="counts a process's threads in /proc, and OpenBLAS starts none on one core",
)

# As the console script does: the entry module first, then NumPy (which a `run` imports
# through pyarrow; pyarrow's own jemalloc thread is left out by importing NumPy alone).
_THREADS_AFTER_NUMPY = """
import json, os
import olistctl.cli.entry
import numpy
print(json.dumps(len(os.listdir('/proc/self/task'))))
"""


def _threads(env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _THREADS_AFTER_NUMPY],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_cli_process_starts_no_openblas_threads():
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _threads(env) == 1


def test_a_thread_count_the_user_set_for_openblas_is_kept():
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2"}
    assert _threads(env) == 2
