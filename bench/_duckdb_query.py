"""A bare Python process doing what a cached ``olistctl query --name X -o csv`` does at its core.

    python bench/_duckdb_query.py TRANSLATED.json NAME

Opens DuckDB, makes a view over the same Parquet files for each table the
query reads, runs the same translated SQL with the same parameter values and
prints the rows as CSV on stdout. No sandbox, no checks, no results file, no
scan estimate: the floor an ``olistctl query`` process is measured against.
"""

from __future__ import annotations

import csv
import json
import sys

import duckdb


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        query = json.load(f)[argv[1]]
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    for table, files in query["files"].items():
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet([{listed}])')
    relation = con.execute(query["sql"], query["params"] or None)
    out = csv.writer(sys.stdout)
    out.writerow([d[0] for d in relation.description])
    out.writerows(relation.fetchall())


if __name__ == "__main__":
    main(sys.argv[1:])
