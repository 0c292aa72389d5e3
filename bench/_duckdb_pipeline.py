"""The pipeline as a DuckDB-only script: 9 CSVs -> Snappy Parquet, then the KPI queries.

    python bench/_duckdb_pipeline.py SOURCE_DIR LAKE_DIR KPI_SQL.json OUT.json

1. "transform": for each of the 9 Olist files, ``COPY (SELECT * FROM
   read_csv(FILE, the CSV dialect and the model's column types given, no
   sniffing)) TO LAKE/<table>.parquet
   (COMPRESSION snappy)`` on one DuckDB connection (all its threads);
2. "query": the KPI queries ``olistctl run`` shows, as the same DuckDB SQL
   olistctl runs (translated from Athena SQL once by the benchmark, read from
   KPI_SQL.json), with the same parameter values, over one view per table on the
   same connection.

No copy to a raw stage, no checksums, no quality checks, no catalog, no results
files, nothing that lets a second run skip work: the least that gets from the
CSVs to the answers. Writes the seconds of each step and the KPI answers to
OUT.json.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from olistctl.dataset import TABLES


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def main(argv: list[str]) -> None:
    source, lake, kpi_file, dest = (Path(a) for a in argv[:4])
    kpis_sql = json.loads(kpi_file.read_text())
    seconds: dict[str, float] = {}
    lake.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")

    started = time.perf_counter()
    for table in TABLES:
        columns = ", ".join(f"{_quote(c.name)}: {_quote(c.duckdb_type)}" for c in table.columns)
        target = lake / f"{table.name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM read_csv({_quote(str(source / table.file_name))},"
            f" header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"',"
            f" columns = {{{columns}}}, timestampformat = '%Y-%m-%d %H:%M:%S'))"
            f" TO {_quote(str(target))} (FORMAT parquet, COMPRESSION snappy)"
        )
        con.execute(
            f'CREATE OR REPLACE VIEW "{table.name}" AS SELECT * FROM'
            f" read_parquet({_quote(str(target))})"
        )
    seconds["transform"] = time.perf_counter() - started

    started = time.perf_counter()
    kpis = {}
    for name, query in kpis_sql.items():
        relation = con.execute(query["sql"], query["params"] or None)
        columns = [d[0] for d in relation.description]
        kpis[name] = {"columns": columns, "rows": relation.fetchall()}
    seconds["query"] = time.perf_counter() - started
    dest.write_text(json.dumps({"seconds": seconds, "kpis": kpis}, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
