"""The pipeline as a folder of scripts would do it: copy, pandas CSV -> Parquet, pandas KPIs.

    python bench/_pandas_pipeline.py SOURCE_DIR LAKE_DIR OUT.json

1. "upload": copy each CSV to ``LAKE/raw/<table>/``;
2. "transform": ``read_csv`` with correct types, ``to_parquet`` (Snappy) into
   ``LAKE/processed/<table>/``;
3. "query": the KPI queries (those olistctl's ``run`` shows), in pandas,
   reading the Parquet files back.

No step knows what an earlier run did, so a second run does it all again.
Writes the seconds of each step and the KPI answers to OUT.json.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from _pandas_baseline import read_csv_typed
from _pandas_queries import QUERIES, ParquetTables, rows_of
from olistctl.dataset import TABLES
from olistctl.sql.named import list_queries


def main(argv: list[str]) -> None:
    source, lake, dest = Path(argv[0]), Path(argv[1]), Path(argv[2])
    seconds: dict[str, float] = {}

    started = time.perf_counter()
    raw = {}
    for table in TABLES:
        target = lake / "raw" / table.name / table.file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / table.file_name, target)
        raw[table.name] = target
    seconds["upload"] = time.perf_counter() - started

    started = time.perf_counter()
    for table in TABLES:
        target = lake / "processed" / table.name / f"{table.name}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame = read_csv_typed(raw[table.name], table)
        frame.to_parquet(target, compression="snappy", index=False)
        del frame
    seconds["transform"] = time.perf_counter() - started

    started = time.perf_counter()
    read = ParquetTables(lake / "processed")
    kpis = {}
    for query in list_queries():
        if query.kpi:
            answer = QUERIES[query.name](read)
            kpis[query.name] = {"columns": list(answer.columns), "rows": rows_of(answer)}
    seconds["query"] = time.perf_counter() - started
    dest.write_text(json.dumps({"seconds": seconds, "kpis": kpis}))


if __name__ == "__main__":
    main(sys.argv[1:])
