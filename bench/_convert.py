"""One CSV -> Snappy Parquet conversion, by one method, in this process (the benchmark times it).

    python bench/_convert.py METHOD SOURCE.csv DEST.parquet

Methods:

- ``olistctl``: ``olistctl.transform.convert_csv`` (the product).
- ``pandas-typed``: the usual Lambda way done right: ``pandas.read_csv`` with
  ids as strings and the timestamps parsed, then ``to_parquet``.
- ``pandas-default``: ``read_csv`` with inferred types (what many Lambdas do).
- ``pyarrow-stream``: a single-threaded pyarrow streaming reader and writer.
- ``duckdb-copy``: DuckDB ``COPY … TO … (FORMAT parquet)``, on every core.
- ``polars-sink``: polars ``scan_csv`` with the model's types, ``sink_parquet``
  (streaming, every core).

Prints nothing: the benchmark reads the result's footer afterwards, untimed.
"""

from __future__ import annotations

import sys

from _pandas_baseline import read_csv_typed, table_for_file
from olistctl.dataset import arrow_schema

# Rows per row group for the pyarrow reference: about what olistctl writes for orders.
_PYARROW_GROUP_ROWS = 128 * 1024


def olistctl(source: str, dest: str) -> None:
    from olistctl.transform import convert_csv

    convert_csv(source, dest)


def pandas_typed(source: str, dest: str) -> None:
    frame = read_csv_typed(source, table_for_file(source))
    frame.to_parquet(dest, compression="snappy", index=False)


def pandas_default(source: str, dest: str) -> None:
    import pandas as pd

    pd.read_csv(source).to_parquet(dest, compression="snappy", index=False)


def pyarrow_stream(source: str, dest: str) -> None:
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    schema = arrow_schema(table_for_file(source))
    reader = pcsv.open_csv(
        source,
        read_options=pcsv.ReadOptions(block_size=1 << 20, use_threads=False),
        convert_options=pcsv.ConvertOptions(
            column_types=schema, null_values=[""], strings_can_be_null=True
        ),
    )
    pending: list[pa.RecordBatch] = []
    held = 0
    with pq.ParquetWriter(dest, schema, compression="snappy", coerce_timestamps="ms") as writer:
        for batch in reader:
            pending.append(batch)
            held += batch.num_rows
            if held >= _PYARROW_GROUP_ROWS:
                writer.write_table(pa.Table.from_batches(pending, schema))
                pending, held = [], 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema))


def duckdb_copy(source: str, dest: str) -> None:
    import duckdb

    table = table_for_file(source)
    columns = ", ".join(f"'{c.name}': '{c.duckdb_type}'" for c in table.columns)
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute(
        f"COPY (SELECT * FROM read_csv('{source}', header = true, columns = {{{columns}}},"
        f" timestampformat = '%Y-%m-%d %H:%M:%S')) TO '{dest}'"
        " (FORMAT parquet, COMPRESSION snappy)"
    )
    con.close()


_POLARS_TYPES = {"string": "String", "int": "Int32", "double": "Float64", "decimal": "Float64"}


def polars_sink(source: str, dest: str) -> None:
    import polars as pl

    columns = table_for_file(source).columns
    # Timestamps read as text and parsed with their format: polars given Datetime in the
    # schema guesses the format value by value, ~3x slower on this file (measured).
    schema = {
        c.name: pl.String
        if c.type in ("string", "timestamp")
        else getattr(pl, _POLARS_TYPES[c.type])
        for c in columns
    }
    stamps = [
        pl.col(c.name).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="ms")
        for c in columns
        if c.type == "timestamp"
    ]
    frame = pl.scan_csv(source, schema=schema).with_columns(stamps)
    frame.sink_parquet(dest, compression="snappy")


METHODS = {
    "olistctl": olistctl,
    "pandas-typed": pandas_typed,
    "pandas-default": pandas_default,
    "pyarrow-stream": pyarrow_stream,
    "duckdb-copy": duckdb_copy,
    "polars-sink": polars_sink,
}


def main(argv: list[str]) -> None:
    method, source, dest = argv
    METHODS[method](source, dest)


if __name__ == "__main__":
    main(sys.argv[1:])
