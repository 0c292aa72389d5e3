"""The baseline of bench/query_out.py: DuckDB's own ``COPY (query) TO file`` in a bare process.

    python bench/_duckdb_copy.py PROCESSED_DIR SQL OUT.parquet|OUT.csv

One view per table folder of the workspace's ``processed/`` (``read_parquet`` of its
files), the query as written (the benchmark's SQL means the same in DuckDB and Athena),
and COPY to Parquet (Snappy) or CSV with a header: no transpiling, no sandbox, no checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb


def main(processed: str, sql: str, out: str) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    for folder in sorted(Path(processed).iterdir()):
        if folder.is_dir():
            files = str(folder / "*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW \"{folder.name}\" AS SELECT * FROM read_parquet('{files}')")
    target = out.replace("'", "''")
    options = "FORMAT parquet, COMPRESSION snappy" if out.endswith(".parquet") else "HEADER"
    con.execute(f"COPY ({sql}) TO '{target}' ({options})")


if __name__ == "__main__":
    main(*sys.argv[1:4])
