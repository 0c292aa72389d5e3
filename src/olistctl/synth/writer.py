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

Every file is written under a temporary name in the target folder, flushed and
renamed into place (:mod:`olistctl.fs`), so a reader never sees half a file.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from olistctl import fs
from olistctl.dataset import Column, CsvFormat, Table

# Rows formatted and written per step: bounds memory for the 1M-row geolocation file.
CHUNK_ROWS = 100_000

# Merged lines written at a time, and runs merged at once (files open together).
MERGE_BATCH_ROWS = 20_000
MERGE_FAN_IN = 64

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


def _lines(table: Table, columns: Mapping[str, Sequence | np.ndarray]) -> list[str]:
    """The rows of ``columns`` (name -> values) as the file's text lines, without terminators."""
    if set(columns) != set(table.column_names):
        raise ValueError(f"{table.name}: columns {sorted(columns)} != {table.column_names}")
    ordered = [columns[name] for name in table.column_names]
    n_rows = len(ordered[0])
    if any(len(values) != n_rows for values in ordered):
        raise ValueError(f"{table.name}: columns differ in length")
    lines: list[str] = []
    for start in range(0, n_rows, CHUNK_ROWS):
        stop = min(start + CHUNK_ROWS, n_rows)
        cells = [
            format_cells(col, values[start:stop], table.csv)
            for col, values in zip(table.columns, ordered, strict=True)
        ]
        lines += map(",".join, zip(*cells, strict=True))
    return lines


class TableStream:
    """One table written part after part, byte for byte as if written whole.

    The file grows under a temporary name in the target folder; :meth:`commit`
    finishes it and moves it into place (:func:`olistctl.fs.publish`), :meth:`discard` removes
    it. A reader never sees half a file.
    """

    def __init__(
        self,
        out_dir: Path,
        table: Table,
        *,
        progress: Callable[[str, int], None] | None = None,
    ):
        self.table = table
        self.path = out_dir / table.file_name
        self.rows = 0
        self._progress = progress
        self._eol = table.csv.line_terminator
        # The user's files: the permissions a plain open() gives.
        self._tmp = fs.new_temporary(self.path, mode=fs.SHARED)
        self._fh = open(self._tmp, "wb")  # noqa: SIM115 - closed by commit or discard
        self._bytes = self._fh.write(header_line(table).encode("utf-8"))
        if progress is not None:
            progress(table.name, 0)

    def write(self, columns: Mapping[str, Sequence | np.ndarray]) -> None:
        """Append rows (name -> values, in any order)."""
        self._append(_lines(self.table, columns))

    def _append(self, lines: list[str]) -> None:
        if not lines:
            return
        eol = self._eol
        # Each line is preceded by the terminator of the line before (the header's first).
        self._bytes += self._fh.write((eol + eol.join(lines)).encode("utf-8"))
        self.rows += len(lines)
        if self._progress is not None:
            self._progress(self.table.name, self.rows)

    def commit(self) -> WrittenFile:
        self.finish()
        return self.publish()

    def finish(self) -> None:
        """Write the file's end and flush it to disk: everything but the move into place."""
        if self.table.csv.final_newline:
            self._bytes += self._fh.write(self._eol.encode("utf-8"))
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()

    def publish(self) -> WrittenFile:
        """Move the finished file into place (:meth:`finish` first)."""
        fs.publish(self._tmp, self.path)
        return WrittenFile(self.path, self.rows, self._bytes)

    def discard(self) -> None:
        self._fh.close()
        fs.discard(self._tmp)


def _sort_key(line: str) -> str:
    """A line's first value, unquoted (ids starting with a digit are quoted)."""
    if line.startswith('"'):
        return line[1 : line.index('"', 1)]
    return line.split(",", 1)[0]


class SortedTableStream(TableStream):
    """A table whose file is sorted by its first column, written from parts that are
    each sorted by it, every key within one part (a chunk's order items).

    Each part goes to a run file beside the table; :meth:`finish` merges the runs
    (a k-way merge holds one line per run), so no more than one part is ever in
    memory. Runs are merged MERGE_FAN_IN at a time as they accumulate (a run of
    level L+1 from MERGE_FAN_IN runs of level L), so the files open at once stay
    few at any size. Rows must not contain line breaks.
    """

    def __init__(self, out_dir: Path, table: Table, **kwargs):
        super().__init__(out_dir, table, **kwargs)
        self._runs: list[tuple[int, Path]] = []  # (level, path), higher levels first
        self._made: list[Path] = []  # every run file made, removed in the end

    def write(self, columns: Mapping[str, Sequence | np.ndarray]) -> None:
        lines = _lines(self.table, columns)
        if not lines:
            return
        if any("\n" in line or "\r" in line for line in lines):
            raise ValueError(f"{self.table.name}: a sorted table cannot hold line breaks")
        run = self._new_run()
        self._runs.append((0, run))
        run.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.rows += len(lines)
        level = 0
        while len(self._runs) >= MERGE_FAN_IN and all(
            lv == level for lv, _ in self._runs[-MERGE_FAN_IN:]
        ):
            merged = self._new_run()
            with open(merged, "w", encoding="utf-8", newline="") as out:
                for batch in self._merged([path for _, path in self._runs[-MERGE_FAN_IN:]]):
                    out.write("".join(batch))
            for _, path in self._runs[-MERGE_FAN_IN:]:
                path.unlink()
            del self._runs[-MERGE_FAN_IN:]
            level += 1
            self._runs.append((level, merged))
        if self._progress is not None:
            self._progress(self.table.name, self.rows)

    def _new_run(self) -> Path:
        run = self._tmp.with_name(f"{self._tmp.name}.run{len(self._made)}")
        self._made.append(run)
        return run

    def _merged(self, runs: list[Path]) -> Iterator[list[str]]:
        """The runs' lines (with their newline) in key order, in batches."""
        files = [open(run, encoding="utf-8", newline="") for run in runs]  # noqa: SIM115
        try:
            batch: list[str] = []
            for line in heapq.merge(*files, key=_sort_key):
                batch.append(line)
                if len(batch) == MERGE_BATCH_ROWS:
                    yield batch
                    batch = []
            if batch:
                yield batch
        finally:
            for fh in files:
                fh.close()

    def finish(self) -> None:
        rows, self.rows = self.rows, 0
        eol = self._eol
        for batch in self._merged([path for _, path in self._runs]):
            text = eol + eol.join(line[:-1] for line in batch)
            self._bytes += self._fh.write(text.encode("utf-8"))
            self.rows += len(batch)
        if self.rows != rows:
            raise RuntimeError(f"{self.table.name}: merged {self.rows} of {rows} rows")
        self._remove_runs()
        super().finish()

    def discard(self) -> None:
        super().discard()
        self._remove_runs()

    def _remove_runs(self) -> None:
        for run in self._made:
            run.unlink(missing_ok=True)


def write_table(
    out_dir: Path,
    table: Table,
    columns: Mapping[str, Sequence | np.ndarray],
    *,
    progress: Callable[[str, int], None] | None = None,
) -> WrittenFile:
    """Write ``columns`` (name -> values, in any order) as ``out_dir/<table>.csv``."""
    lines = _lines(table, columns)  # checked before anything is created
    stream = TableStream(out_dir, table, progress=progress)
    try:
        stream._append(lines)
        return stream.commit()
    except BaseException:
        stream.discard()
        raise
