"""Write a table's columns as a CSV file byte-identical in format to the real Olist files.

The format facts (header quoting, BOM, line terminator, final newline, which
values are quoted) come from :mod:`olistctl.dataset`; this module only applies
them. Column values arrive as numpy arrays, one per column, typed by the
column's logical type:

- ``string``: an object array (or list) of ``str``, ``None`` for NULL;
- ``timestamp``: ``datetime64[s]``, ``NaT`` for NULL;
- ``decimal``: ``int64`` cents (money is exact; the file shows 2 decimals);
- ``int``: an integer array, or a ``numpy.ma.MaskedArray`` whose masked cells are NULL;
- ``double``: ``float64``, written as Python's shortest round-trip repr.

Every file is written under a temporary name in the target folder and moved
into place with ``os.replace``, so a reader never sees half a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from olistctl.dataset import Column, CsvFormat, Table

# Rows formatted and written per step: bounds memory for the 1M-row geolocation file.
CHUNK_ROWS = 100_000

# Characters that force RFC 4180 quoting of a text value.
_SPECIAL = (",", '"', "\r", "\n")


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    rows: int
    bytes: int


def quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def string_cell(value: str | None, column: Column, fmt: CsvFormat) -> str:
    """One string value as it appears in the real files."""
    if value is None:
        return ""
    if (
        column.always_quoted
        or (fmt.quote_leading_digit and value[:1].isdigit())
        or any(ch in value for ch in _SPECIAL)
    ):
        return quote(value)
    return value


def header_line(table: Table) -> str:
    names = table.column_names
    cells = [quote(n) for n in names] if table.csv.header_quoted else list(names)
    return ("\ufeff" if table.csv.bom else "") + ",".join(cells)


def format_cells(column: Column, values, fmt: CsvFormat) -> list[str]:
    """The cells of one column (a chunk of it), formatted and quoted."""
    if column.type == "string":
        # Cities, states and zips repeat a lot: format each distinct value once.
        memo: dict[str | None, str] = {}
        out = []
        for v in values:
            cell = memo.get(v)
            if cell is None:
                cell = memo[v] = string_cell(v, column, fmt)
            out.append(cell)
        return out
    if column.type == "timestamp":
        text = np.datetime_as_string(np.asarray(values, dtype="datetime64[s]"), unit="s")
        return ["" if t == "NaT" else t.replace("T", " ") for t in text.tolist()]
    if column.type == "decimal":
        cents = np.asarray(values, dtype=np.int64)
        if cents.size and cents.min() < 0:
            raise ValueError(f"{column.name}: negative money value")
        return [f"{c // 100}.{c % 100:02d}" for c in cents.tolist()]
    if column.type == "int":
        mask = np.ma.getmaskarray(values)
        data = np.ma.getdata(values).astype(np.int64).tolist()
        return ["" if m else str(v) for v, m in zip(data, mask.tolist(), strict=True)]
    if column.type == "double":
        return ["" if v != v else repr(v) for v in np.asarray(values, dtype=float).tolist()]
    raise ValueError(f"{column.name}: unknown type {column.type}")


def write_table(
    out_dir: Path,
    table: Table,
    columns: Mapping[str, Sequence],
    *,
    progress: Callable[[str, int], None] | None = None,
) -> WrittenFile:
    """Write ``columns`` (name -> values, in any order) as ``out_dir/<table>.csv``."""
    if set(columns) != set(table.column_names):
        raise ValueError(f"{table.name}: columns {sorted(columns)} != {table.column_names}")
    ordered = [columns[name] for name in table.column_names]
    n_rows = len(ordered[0])
    if any(len(values) != n_rows for values in ordered):
        raise ValueError(f"{table.name}: columns differ in length")

    fmt = table.csv
    eol = fmt.line_terminator
    path = out_dir / table.file_name
    tmp = out_dir / f".{table.file_name}.{os.getpid()}.tmp"
    written = 0
    try:
        with open(tmp, "wb") as fh:
            head = header_line(table)
            if n_rows or fmt.final_newline:
                head += eol
            written += fh.write(head.encode("utf-8"))
            for start in range(0, n_rows, CHUNK_ROWS):
                stop = min(start + CHUNK_ROWS, n_rows)
                cells = [
                    format_cells(col, values[start:stop], fmt)
                    for col, values in zip(table.columns, ordered, strict=True)
                ]
                text = eol.join(map(",".join, zip(*cells, strict=True)))
                if stop < n_rows or fmt.final_newline:
                    text += eol
                written += fh.write(text.encode("utf-8"))
                if progress is not None:
                    progress(table.name, stop)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if progress is not None and n_rows == 0:
        progress(table.name, 0)
    return WrittenFile(path, n_rows, written)
