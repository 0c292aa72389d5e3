"""Make src/olistctl/sql/prebuilt.json again: the shipped queries' translations at release.

Crawls the bundled sample_data/ into a scratch workspace with the local
backend (the catalog every crawl of the Olist dataset makes), then translates
each shipped query that runs as it is, with its default parameters, under the
key the transpile cache would give it (olistctl/sql/prebuilt.py says why). The
local engine's guard reads each translation first: the engine runs these
without it.

    .venv/bin/python scripts/prebuild_sql.py          # writes the file
    .venv/bin/python scripts/prebuild_sql.py --check  # exit 1 if it is not current
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def olist_catalog() -> tuple[dict[str, dict[str, str]], str | None]:
    """The local catalog's tables and types, and its database, after a crawl of the Olist data."""
    from olistctl import pipeline
    from olistctl.backends import open_backend
    from olistctl.settings import load_settings

    with tempfile.TemporaryDirectory() as scratch:
        env = {"OLISTCTL_BACKEND": "local", "OLISTCTL_WORKSPACE": str(Path(scratch) / "ws")}
        backend = open_backend(load_settings(env=env, cwd=Path(scratch)))
        try:
            pipeline.upload(backend, [str(REPO / "sample_data")])
            pipeline.transform(backend)
            pipeline.crawl(backend, prepare=False)
            return backend.engine.schema(), backend.database()  # type: ignore[attr-defined]
        finally:
            backend.close()


def generate() -> bytes:
    """What prebuilt.json must hold for this code, sqlglot and DuckDB."""
    from olistctl.backends.local.engine import connect, engine_label
    from olistctl.backends.local.guard import check_duckdb_sql
    from olistctl.sql import prebuilt
    from olistctl.sql.cache import TranspileCache
    from olistctl.sql.named import list_queries
    from olistctl.sql.transpile import transpile

    schema, database = olist_catalog()
    keys = TranspileCache(Path(), engine=engine_label(), secret=lambda: None)
    entries = {}
    # The engine runs these without its guard (they are package data, like its code), so
    # the guard reads each one here: a translation it refuses is never shipped.
    con = connect()
    try:
        for q in list_queries():
            if not q.runs_as_is:
                continue
            param_types = [p.sql_type for p in q.bind()]
            key = keys.key(q.sql, schema, database, param_types)
            translated = transpile(q.sql, schema, database=database, param_types=param_types)
            check_duckdb_sql(con, translated.duckdb_sql, translated.tables)
            entries[key] = {"sql": q.sql, "transpiled": translated.to_json()}
    finally:
        con.close()
    text = json.dumps(
        {"format": prebuilt.FORMAT, "engine": keys.engine, "entries": entries},
        indent=1,
        sort_keys=True,
    )
    return (text + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    from olistctl.fs import SHARED, atomic_write_bytes
    from olistctl.sql import prebuilt

    wanted = generate()
    current = prebuilt.PATH.read_bytes() if prebuilt.PATH.exists() else b""
    if args.check:
        if current != wanted:
            print(f"{prebuilt.PATH.name} is not current: run `make prebuilt-sql`", file=sys.stderr)
            return 1
        return 0
    if current != wanted:
        atomic_write_bytes(prebuilt.PATH, wanted, mode=SHARED)
    print(f"{prebuilt.PATH.relative_to(REPO)}: {len(wanted):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
