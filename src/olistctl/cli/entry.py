"""The ``olistctl`` console script: the CLI imported where a Ctrl-C can be answered.

Importing the commands' modules (typer among them) takes ~0.1 s, before the CLI's
own signal handling is in place: a Ctrl-C then ended in a Python traceback. Here
it ends as a Ctrl-C at a prompt does: one line, exit 130, nothing changed (no
command has started).
"""

from __future__ import annotations

import os
import sys

# NumPy (which pyarrow imports) loads OpenBLAS, which starts a thread per core that
# spins waiting for matrix work olistctl never gives it: 40-100 ms of CPU taken from
# the transform's threads on every `run` (bench/analysis.md, issue 17). Set before
# anything imports NumPy; a value the user set stays.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main() -> None:
    try:
        from olistctl.cli.app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted; nothing was changed.\n")
        raise SystemExit(130) from None  # ExitCode.INTERRUPTED (errors.py is not loaded yet)
    try:
        run()
    finally:
        # The process ends next. The interpreter's collections at exit walk every object
        # the imports made (typer, pyarrow, NumPy, DuckDB): 0.09-0.24 s after a full-scale
        # `run`, 0.02-0.03 s with them frozen (bench/analysis.md, issue 17). Nothing waits
        # on a collection: every file is closed where it is written, the standard streams
        # are flushed at exit, and temporary folders are removed by atexit finalizers.
        import gc

        gc.freeze()
