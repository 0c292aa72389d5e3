"""Writing the Parquet file: fixed settings, fixed row groups, and all-or-nothing publication.

Same input, same bytes: row groups hold exactly ``row_group_rows`` rows
(whatever the batch boundaries were), each is one contiguous chunk, the
dictionary choice depends only on the first row group's values, and the
only metadata besides pyarrow's schema is the source CSV's SHA-256.

The file is written under a temporary name in the destination's folder,
fsynced, and renamed over the destination only when complete; on any
failure the temporary file goes and an existing destination is untouched.
The destination may instead be a :class:`ParquetSink` (the Lambda's S3
multipart upload, ``olistctl.s3_stream``): the same bytes are streamed to it,
and it becomes visible only when published.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from olistctl import fs, layout
from olistctl.errors import OlistError, OperationFailed, is_disk_full, os_error
from olistctl.ingest.memory import arrow_pool

COMPRESSION = "snappy"
# Dictionary encoding pays for repetitive columns (status, state, dates at
# midnight) and wastes time on unique ones (ids), where the writer builds a
# dictionary only to give it up; the first row group decides.
DICTIONARY_MAX_DISTINCT_SHARE = 0.5
# Counting the distinct values of a whole first row group took 0.1-0.2 s (most
# of it the id and timestamp columns) while the parser waited for the group to
# be taken. A random sample's distinct share is at least the group's, less
# sampling noise, and at most 1 - f/2 (f: the sampled fraction) when the group's
# is 0.5 (every value twice, the most spread-out case). So the sample settles
# the columns that clearly repeat enough (dictionary) and those that hardly
# repeat at all (plain); a column in between is counted in full. The sample's
# rows come from a fixed seed: the same group always gets the same choice.
DICTIONARY_SAMPLE_ROWS = 16_384
DICTIONARY_SAMPLE_SHARE = 8  # at least 1/8 of the group: 1 - f/2 <= 0.94
CLEARLY_REPEATING = 0.45
NEARLY_ALL_DISTINCT = 0.95


def _distinct_share(col: pa.ChunkedArray | pa.Array) -> float | None:
    present = len(col) - col.null_count
    if not present:
        return None
    return pc.count_distinct(col).as_py() / present


def _sample_rows(rows: int) -> pa.Array | None:
    """Sorted row positions of a fixed random sample of a group, or None to count it all."""
    size = max(DICTIONARY_SAMPLE_ROWS, rows // DICTIONARY_SAMPLE_SHARE)
    if size * 2 > rows:
        return None
    positions = np.sort(np.random.default_rng(0).choice(rows, size=size, replace=False))
    # From the buffer: pyarrow converting a numpy array itself would import pandas.
    return pa.Array.from_buffers(pa.int64(), size, [None, pa.py_buffer(positions.astype(np.int64))])


def dictionary_columns(group: pa.Table) -> list[str]:
    """The columns worth dictionary-encoding, judged on one row group."""
    positions = _sample_rows(group.num_rows)
    chosen = []
    for name in group.column_names:
        col = group.column(name)
        share = None
        if positions is not None:
            share = _distinct_share(col.take(positions))
            if share is not None and CLEARLY_REPEATING < share < NEARLY_ALL_DISTINCT:
                share = None
        if share is None:
            share = _distinct_share(col)
        if share is None or share <= DICTIONARY_MAX_DISTINCT_SHARE:
            chosen.append(name)
    return chosen


def columns_with_statistics(schema: pa.Schema) -> list[str]:
    """The columns whose row groups carry min/max statistics: all but floating-point ones.

    Parquet's min and max leave NaN out, and DuckDB (the local engine, 2.0.1) reads a
    double column's statistics as if no NaN lay in the range: with a NaN in the file,
    ``is_nan(x)`` was false for it and ``max(x)`` skipped it, where Athena answers from the
    values. Without statistics DuckDB reads the values. Athena loses only the pruning of
    row groups by a coordinate's range (the doubles here are geolocation's).
    """
    return [f.name for f in schema if not pa.types.is_floating(f.type)]


def schema_with_source(schema: pa.Schema, source_sha256: str | None) -> pa.Schema:
    """The schema, carrying the source's SHA-256 in its metadata when known (and nothing else)."""
    schema = schema.remove_metadata()
    if source_sha256:
        schema = schema.with_metadata({layout.SOURCE_SHA256: source_sha256})
    return schema


@runtime_checkable
class ParquetSink(Protocol):
    """A destination that is not a local path: a writable binary file object (``io.RawIOBase``)
    whose content becomes visible only when published."""

    @property
    def name(self) -> str: ...  # where it goes, for messages

    def write(self, data: bytes) -> int: ...

    def publish(self) -> int:
        """Make what was written visible; returns its size."""
        ...

    def discard(self) -> None:
        """Drop what was written; the destination stays as it was."""
        ...


class ParquetOutput:
    """One Parquet file being written; becomes ``dest`` only on :meth:`publish`."""

    def __init__(
        self, dest: str | os.PathLike | ParquetSink, schema: pa.Schema, *, row_group_rows: int
    ) -> None:
        self.sink = dest if isinstance(dest, ParquetSink) else None
        self.dest = None if self.sink is not None else Path(dest)  # type: ignore[arg-type]
        self.label = self.sink.name if self.sink is not None else str(self.dest)
        self.schema = schema
        self.row_group_rows = row_group_rows
        self.tmp: Path | None = None
        self._writer: pq.ParquetWriter | None = None
        self.rows_written: int | None = None

    def _open(self, first: pa.Table) -> None:
        where: str | ParquetSink
        if self.sink is not None:
            where = self.sink
        else:
            assert self.dest is not None
            # The umask's permissions, as a file written in place would get.
            tmp = self.tmp = fs.new_temporary(self.dest, mode=fs.SHARED)
            where = str(tmp)
        self._writer = pq.ParquetWriter(
            where,
            self.schema,
            compression=COMPRESSION,
            use_dictionary=dictionary_columns(first),
            # Athena engine v2 cannot read nanoseconds: INT64 TIMESTAMP(MILLIS).
            coerce_timestamps="ms",
            allow_truncated_timestamps=False,
            write_statistics=columns_with_statistics(self.schema),
            memory_pool=arrow_pool(),
        )

    def write(self, group: pa.Table) -> None:
        """Write one row group (at most ``row_group_rows`` rows, one chunk per column)."""
        try:
            if self._writer is None:
                self._open(group)
            assert self._writer is not None
            self._writer.write_table(group, row_group_size=self.row_group_rows)
        except OSError as exc:
            raise _write_failed(self.label, exc) from exc

    def finish(self) -> int:
        """Close the file, flush it to disk, and return the rows its footer records."""
        assert self._writer is not None
        if self.sink is not None:
            writer, self._writer = self._writer, None
            try:
                writer.close()  # writes the footer into the stream; the stream stays open
            except OSError as exc:
                raise _write_failed(self.label, exc) from exc
            self.rows_written = writer.writer.metadata.num_rows  # the footer just written
            return self.rows_written
        assert self.tmp is not None
        try:
            self._writer.close()
            self._writer = None
            fs.fsync_file(self.tmp)
        except OSError as exc:
            raise _write_failed(self.label, exc) from exc
        self.rows_written = pq.read_metadata(self.tmp).num_rows
        return self.rows_written

    def publish(self) -> int:
        """Put the finished file in place; returns its size."""
        assert self.rows_written is not None
        if self.sink is not None:
            try:
                return self.sink.publish()
            except OSError as exc:  # a local file's rename (S3's errors are not OSErrors)
                raise _write_failed(self.label, exc) from exc
        assert self.tmp is not None and self.dest is not None
        try:
            size = self.tmp.stat().st_size
            fs.publish(self.tmp, self.dest, sync_folder=True)  # fails on a folder in the way
        except OSError as exc:
            raise _write_failed(self.label, exc) from exc
        self.tmp = None
        return size

    def discard(self) -> None:
        """Remove everything written so far; the destination stays as it was."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
            self._writer = None
        if self.sink is not None:
            self.sink.discard()
        fs.discard(self.tmp)
        self.tmp = None


def _write_failed(dest: str, exc: OSError) -> OlistError:
    if is_disk_full(exc):  # not a folder to fix: space to free
        parent = dest.rsplit("/", 1)[0] if "/" in dest else None
        return os_error(exc, f"writing {dest}", where=parent)
    return OperationFailed(
        f"Could not write {dest}: {exc.strerror or exc}",
        hint="check that the folder is writable and the disk has room",
    )
