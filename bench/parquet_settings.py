"""What the Parquet writer's settings cost: olistctl's row groups written with each variant.

Not a benchmark of the product (nothing goes to docs/benchmarks.md): the
measurement behind bench/analysis.md's verdict on the writer settings. The
CSV is parsed once; its row groups (the transform's size) are then written
with olistctl's settings and with one setting changed at a time. For each:
the writer's CPU time (best of ``--reps``, this process only) and the file's
size (the bytes a full scan of it reads).

    .venv/bin/python bench/parquet_settings.py CSV [--reps 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq

from _harness import table
from olistctl.ingest.reader import CsvBatches
from olistctl.transform.convert import rows_per_group
from olistctl.transform.parquet_out import COMPRESSION, columns_with_statistics, dictionary_columns

VARIANTS: dict[str, dict] = {
    "olistctl's settings": {},
    "no compression (not allowed: Snappy stays)": {"compression": "none"},
    "LZ4 (not allowed: Snappy stays)": {"compression": "lz4"},
    "no statistics": {"write_statistics": False},
    "data pages of 8 MB": {"data_page_size": 8 << 20},
    "data pages of 64 kB": {"data_page_size": 64 << 10},
    "dictionary for every column": {"use_dictionary": True},
    "data page v2": {"data_page_version": "2.0"},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    csv = CsvBatches(args.csv)
    whole = pa.Table.from_batches(list(csv), csv.schema)
    group = rows_per_group(csv.sample, csv.sample_is_all)
    groups = [whole.slice(at, group) for at in range(0, whole.num_rows, group)]
    base = {
        "compression": COMPRESSION,
        "use_dictionary": dictionary_columns(groups[0]),
        "coerce_timestamps": "ms",
        "write_statistics": columns_with_statistics(whole.schema),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.parquet")
        for label, change in VARIANTS.items():
            best = float("inf")
            for _ in range(args.reps):
                started = time.process_time()
                with pq.ParquetWriter(path, whole.schema, **{**base, **change}) as writer:
                    for g in groups:
                        writer.write_table(g, row_group_size=group)
                best = min(best, time.process_time() - started)
            rows.append([label, f"{best:.3f} s", f"{os.path.getsize(path) / 1e6:,.1f} MB"])
    load = os.getloadavg()[0]
    print(f"{whole.num_rows:,} rows, {len(groups)} row groups of {group:,}; load {load:.1f}")
    print(table(["writer settings", "CPU (best)", "file"], rows, "lrr"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
