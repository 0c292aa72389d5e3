"""Bytes an Athena query would scan, estimated from the files' own metadata.

Athena bills the bytes it reads: for Parquet, the compressed column chunks of
the columns a query touches, in every row group; for CSV, whole files. The
estimate reads Parquet footers only. Athena's 10 MB minimum per query is a
pricing rule and is applied by the pricing module, not here.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import BinaryIO

# A Parquet file: its path, or a seekable binary file object (e.g. a ranged view of S3).
ParquetSource = str | PathLike[str] | BinaryIO | io.RawIOBase


@dataclass
class ScanEstimate:
    bytes: int
    per_table: dict[str, int] = field(default_factory=dict)


def parquet_column_bytes(path: ParquetSource, columns: Iterable[str]) -> int:
    """Compressed bytes of ``columns`` over all row groups of one Parquet file (footer only)."""
    import pyarrow.parquet as pq

    wanted = {c.lower() for c in columns}
    if not wanted:
        return 0
    metadata = pq.read_metadata(path)
    total = 0
    for index in range(metadata.num_row_groups):
        row_group = metadata.row_group(index)
        for position in range(row_group.num_columns):
            chunk = row_group.column(position)
            # Nested columns are stored as leaves ("a.b"); the query reads the top-level name.
            if chunk.path_in_schema.split(".")[0].lower() in wanted:
                total += chunk.total_compressed_size
    return total


def estimate_scan_bytes(
    columns: Mapping[str, set[str]],
    files_by_table: Mapping[str, Sequence[ParquetSource]],
) -> ScanEstimate:
    """The Parquet bytes Athena would scan to read ``columns`` (table -> column names).

    A table listed with no columns (``SELECT COUNT(*)``) scans nothing: Athena
    answers it from the footers.
    """
    per_table = {
        table: sum(parquet_column_bytes(path, wanted) for path in files_by_table.get(table, ()))
        for table, wanted in columns.items()
    }
    return ScanEstimate(bytes=sum(per_table.values()), per_table=per_table)


def duckdb_scan_bytes(
    con,
    columns: Mapping[str, set[str]],
    files_by_table: Mapping[str, Sequence[str | PathLike[str]]],
) -> ScanEstimate:
    """:func:`estimate_scan_bytes` for local files, reading the footers with DuckDB.

    For the local engine, which has a DuckDB connection open anyway and so
    need not import pyarrow (~0.1 s of a query process) to read footers.
    DuckDB names a nested leaf ``a, b`` where pyarrow writes ``a.b``.
    """
    per_table: dict[str, int] = {}
    for table, wanted in columns.items():
        names = {c.lower() for c in wanted}
        paths = [os.fspath(p) for p in files_by_table.get(table, ())]
        total = 0
        if names and paths:
            chunks = con.execute(
                "SELECT path_in_schema, SUM(total_compressed_size)::BIGINT"
                " FROM parquet_metadata(?) GROUP BY path_in_schema",
                [paths],
            ).fetchall()
            total = sum(size for path, size in chunks if path.split(", ")[0].lower() in names)
        per_table[table] = total
    return ScanEstimate(bytes=sum(per_table.values()), per_table=per_table)


def csv_scan_bytes(
    tables: Iterable[str], raw_sizes: Mapping[str, int | Sequence[int]]
) -> ScanEstimate:
    """What the same query would scan over the raw CSV files: every byte of each table read."""
    per_table: dict[str, int] = {}
    for table in dict.fromkeys(tables):
        size = raw_sizes.get(table, 0)
        per_table[table] = size if isinstance(size, int) else sum(size)
    return ScanEstimate(bytes=sum(per_table.values()), per_table=per_table)
