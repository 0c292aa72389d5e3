"""Full-size query results in a file (``query --out``): Parquet or CSV, every row, atomically.

The rows arrive as Arrow record batches (DuckDB's stream locally, the Parquet
files an Athena UNLOAD wrote on aws) and are written one batch at a time, so
memory holds one batch, never the result. They go to a temporary name beside
the target (:mod:`olistctl.fs`), made before the query runs (a folder that
cannot be written fails before Athena bills a scan), flushed to disk and
renamed onto the target only when every row is written: an error or Ctrl-C
leaves nothing half-written, and an existing file is replaced only when asked.
The file gets the permissions a plain ``open(path, "w")`` would give: it is
made for the user.

How values are written:

- Parquet: Snappy, one row group per batch, timestamps as INT64 milliseconds
  (Athena's precision, and how olistctl writes every Parquet file), decimals
  as decimals;
- CSV: a header, then every non-NULL value quoted and NULL an empty unquoted
  field, timestamps ``2017-10-02 10:56:33.000``, as Athena writes its results.

Athena's UNLOAD refuses a result whose column names repeat; the local engine
refuses it the same way, so a query that writes locally writes on Athena.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olistctl import fs
from olistctl.errors import Refused, UsageError, os_error

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = {".parquet": "parquet", ".csv": "csv"}
# Rows per batch asked of DuckDB (its row group size): a few MB of memory for Olist's widths.
BATCH_ROWS = 122_880


def format_of(path: str | os.PathLike) -> str:
    """``parquet`` or ``csv``, from the file name; UsageError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"--out {path} names neither a .parquet nor a .csv file",
            hint="end the file name in .parquet or .csv (e.g. --out result.parquet)",
        )
    return FORMATS[suffix]


class ResultTarget:
    """The file ``--out`` names: checked, and its temporary name made, before the query runs."""

    def __init__(self, path: str | os.PathLike, *, overwrite: bool = False) -> None:
        self.path = Path(path)
        self.format = format_of(self.path)
        self.tmp: Path | None = None
        folder = self.path.parent
        if self.path.is_dir():
            raise UsageError(
                f"--out {self.path} is a folder", hint="give a file name, e.g. result.parquet"
            )
        if not folder.is_dir():
            raise UsageError(
                f"The folder {folder} of --out {self.path} does not exist",
                hint="create it first, or give a file in an existing folder",
            )
        if os.path.lexists(self.path) and not overwrite:
            # A guardrail, as for `report html --out` over a file olistctl did not write.
            raise Refused(
                f"{self.path} already exists, and olistctl does not replace a file unasked",
                hint="give another name, or add --overwrite to replace it",
            )
        try:
            self.tmp = fs.new_temporary(self.path, mode=fs.SHARED)
        except OSError as exc:
            raise os_error(exc, f"creating a file in {folder}", where=str(folder)) from exc

    def __enter__(self) -> ResultTarget:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.discard()

    def discard(self) -> None:
        """Remove the temporary file (after an error, Ctrl-C, or a rename that already happened)."""
        fs.discard(self.tmp)
        self.tmp = None

    def write(self, batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> int:
        """Write every batch to the temporary file, then rename it onto the target; the rows."""
        assert self.tmp is not None, "a ResultTarget is written once"
        schema = output_schema(schema, self.format)
        try:
            if self.format == "parquet":
                rows = _write_parquet(self.tmp, schema, batches)
            else:
                rows = _write_csv(self.tmp, schema, batches)
            fs.fsync_file(self.tmp)
            fs.publish(self.tmp, self.path)
        except OSError as exc:
            raise os_error(exc, f"writing {self.path}", where=str(self.path.parent)) from exc
        self.tmp = None
        return rows


def refuse_repeated_names(names: Iterable[str], why: str, *, hint: str) -> None:
    """UsageError naming the first column name that repeats (Athena allows ``SELECT 1 AS a,
    2 AS a``) where an output keeps one value per name; ``why`` says which output."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise UsageError(f"The result has two columns named {name!r}, and {why}", hint=hint)
        seen.add(name)


def output_schema(schema: pa.Schema, fmt: str) -> pa.Schema:
    """The schema written: timestamps in milliseconds, views as plain strings; names unique."""
    import pyarrow as pa

    refuse_repeated_names(
        schema.names,
        "Athena's UNLOAD (what --out runs on aws) refuses repeated names",
        hint="give each column its own name with AS",
    )
    fields = []
    for f in schema:
        kind = f.type
        if pa.types.is_timestamp(kind):
            kind = pa.timestamp("ms", tz=kind.tz)
        elif pa.types.is_string_view(kind) or pa.types.is_large_string(kind):
            kind = pa.string()
        elif fmt == "csv" and pa.types.is_nested(kind):
            raise UsageError(
                f"The column {f.name} is a {kind}, which a CSV file cannot hold",
                hint="write Parquet (--out result.parquet), or CAST the column to varchar",
            )
        fields.append(pa.field(f.name, kind))
    return pa.schema(fields)


def _cast(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    if batch.schema.equals(schema):
        return batch
    # Timestamps beyond milliseconds (DuckDB's now(), say) are truncated, as Athena keeps ms.
    columns = [
        column.cast(f.type, safe=False) for column, f in zip(batch.columns, schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _write_parquet(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> int:
    import pyarrow.parquet as pq

    rows = 0
    with pq.ParquetWriter(path, schema, compression="snappy") as writer:
        for batch in batches:
            if batch.num_rows:
                writer.write_batch(_cast(batch, schema))
                rows += batch.num_rows
    return rows


def _write_csv(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> int:
    import pyarrow.csv as pacsv

    rows = 0
    options = pacsv.WriteOptions(quoting_style="all_valid")
    with pacsv.CSVWriter(path, schema, write_options=options) as writer:
        for batch in batches:
            if batch.num_rows:
                writer.write_batch(_cast(batch, schema))
                rows += batch.num_rows
    return rows


def batches_of(table: pa.Table, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """A table's rows as record batches (for results that are already in memory)."""
    yield from table.to_batches(max_chunksize=rows)


__all__ = [
    "BATCH_ROWS",
    "FORMATS",
    "ResultTarget",
    "batches_of",
    "format_of",
    "output_schema",
]
