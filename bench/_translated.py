"""The DuckDB SQL olistctl runs for a named query, for the bare-DuckDB baselines.

Translated once, in the benchmark's process, with olistctl's own transpiler
against a workspace's catalog: the baselines then run exactly the SQL (and the
parameter values) an ``olistctl query`` runs, without olistctl around it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from olistctl.backends import open_backend
from olistctl.settings import load_settings
from olistctl.sql.named import get_query


def translated(ws: Path, names: Iterable[str]) -> dict[str, dict]:
    """Per query: its DuckDB SQL, its default parameter values, and each table's files."""
    settings = load_settings({"backend": "local", "workspace": str(ws)}, env={})
    backend = open_backend(settings)
    engine = backend.engine
    schema = engine.schema()
    out = {}
    for name in names:
        query = get_query(name)
        params = query.bind()
        done = engine._cache().transpile(
            query.sql, schema, database=engine.database, param_types=[p.sql_type for p in params]
        )
        out[name] = {
            "sql": done.duckdb_sql,
            "params": [p.value for p in params],
            "files": {t: [str(p) for p in engine.parquet_files(t)] for t in done.tables},
        }
    backend.close()
    return json.loads(json.dumps(out, default=str))
