"""Time ``LocalEngine.execute`` in-process for every named query, after a warm-up run.

    python bench/_engine_timing.py WORKSPACE REPS OUT.json

Writes, per query: the timed seconds, the engine's own milliseconds, the
estimated bytes scanned, and the answer (columns and rows), which the
benchmark compares with pandas'.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal
from pathlib import Path

from olistctl.backends import open_backend
from olistctl.settings import load_settings
from olistctl.sql.named import list_queries


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def main(argv: list[str]) -> None:
    workspace, reps, dest = argv[0], int(argv[1]), argv[2]
    settings = load_settings({"backend": "local", "workspace": workspace}, env={})
    engine = open_backend(settings).engine
    out = {}
    for query in list_queries():
        params = query.bind()  # the defaults
        answer = engine.execute(query.sql, params=params)
        seconds, engine_ms = [], []
        for _ in range(reps):
            started = time.perf_counter()
            result = engine.execute(query.sql, params=params)
            seconds.append(time.perf_counter() - started)
            engine_ms.append(result.engine_ms)
            Path(result.output_location).unlink()  # keep the workspace from filling up
        out[query.name] = {
            "seconds": seconds,
            "engine_ms": engine_ms,
            "bytes_scanned": answer.bytes_scanned,
            "columns": answer.columns,
            "rows": [[_plain(v) for v in row] for row in answer.rows],
        }
    Path(dest).write_text(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
