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

Encoding and compressing a row group was the transform's critical path on one
thread. So each row group is encoded on one of two threads (pyarrow releases
the GIL) into a Parquet file of its own in memory, a piece; the pieces' bytes
go out in row-group order as they complete, and the footer joins theirs
(``parquet_meta.FooterJoin``). The file is byte for byte what one ParquetWriter
writing the row groups in turn writes (tests/core/test_parquet_pieces.py).
"""

from __future__ import annotations

import collections
import contextlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from olistctl import fs, layout
from olistctl.errors import OlistError, OperationFailed, is_disk_full, os_error
from olistctl.ingest.memory import arrow_pool
from olistctl.parquet_meta import MAGIC, FooterJoin

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
# Row groups being encoded at once: one per core. With the one the parser is
# cutting, three row groups in memory at most.
ENCODERS = 2


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


def schema_with_source(schema: pa.Schema, source_sha256: str | None) -> pa.Schema:
    """The schema, carrying the source's SHA-256 in its metadata when known (and nothing else)."""
    schema = schema.remove_metadata()
    if source_sha256:
        schema = schema.with_metadata({layout.SOURCE_SHA256: source_sha256})
    return schema


def writer_options(use_dictionary: list[str]) -> dict:
    """The ParquetWriter settings of every file (and every piece of one)."""
    return {
        "compression": COMPRESSION,
        "use_dictionary": use_dictionary,
        # Athena engine v2 cannot read nanoseconds: INT64 TIMESTAMP(MILLIS).
        "coerce_timestamps": "ms",
        "allow_truncated_timestamps": False,
        "write_statistics": True,
        "memory_pool": arrow_pool(),
    }


def encode_piece(
    group: pa.Table, schema: pa.Schema, options: dict, row_group_rows: int, space: pa.Buffer | None
) -> pa.Buffer:
    """``group`` as a whole Parquet file in memory (``PAR1``, its row groups, its footer).

    Written into ``space`` if it fits (a slice of it is returned), else into a new buffer.
    """
    if space is not None:
        out = pa.FixedSizeBufferWriter(space)
        try:
            with pq.ParquetWriter(out, schema, **options) as writer:
                writer.write_table(group, row_group_size=row_group_rows)
            return space.slice(0, out.tell())
        except OSError:
            pass  # larger than the space: again below (where any other error recurs)
    grown = pa.BufferOutputStream(memory_pool=arrow_pool())
    with pq.ParquetWriter(grown, schema, **options) as writer:
        writer.write_table(group, row_group_size=row_group_rows)
    return grown.getvalue()


def _room_for(piece_size: int) -> int:
    """The buffer for the next pieces, after one of ``piece_size`` bytes (row groups vary)."""
    return piece_size * 5 // 4


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
        self.rows_written: int | None = None
        self._file: BinaryIO | None = None
        self._options: dict | None = None
        self._encoders: ThreadPoolExecutor | None = None
        self._pieces: collections.deque[tuple[Future[pa.Buffer], pa.Buffer | None]] = (
            collections.deque()
        )
        # Buffers the pieces are encoded into, reused: fresh ones for every piece cost
        # ~0.5 s of page faults per GB.
        self._spare: list[pa.Buffer] = []
        self._footer = FooterJoin()
        self._size = 0

    def _open(self, first: pa.Table) -> None:
        self._options = writer_options(dictionary_columns(first))
        if self.sink is None:
            assert self.dest is not None
            # The umask's permissions, as a file written in place would get.
            tmp = self.tmp = fs.new_temporary(self.dest, mode=fs.SHARED)
            self._file = open(tmp, "wb")  # noqa: SIM115 (closed by finish or discard)
        self._encoders = ThreadPoolExecutor(ENCODERS, thread_name_prefix="olistctl-parquet")
        self._out(MAGIC)

    def _out(self, data: bytes | memoryview) -> None:
        if self._file is not None:
            self._file.write(data)
        else:
            assert self.sink is not None
            self.sink.write(data)  # type: ignore[arg-type]
        self._size += len(data)

    def _write_oldest(self) -> None:
        future, space = self._pieces.popleft()
        encoded = future.result()
        piece = memoryview(encoded)
        footer_size = int.from_bytes(piece[-8:-4], "little")
        footer_at = len(piece) - 8 - footer_size
        self._footer.add(bytes(piece[footer_at:-8]), self._size)
        self._out(piece[len(MAGIC) : footer_at])
        if space is not None and encoded.address == space.address:
            self._spare.append(space)
        else:  # the first pieces, or one that outgrew its space: room for a bigger one
            self._spare.append(pa.allocate_buffer(_room_for(len(piece)), memory_pool=arrow_pool()))

    def write(self, group: pa.Table) -> None:
        """Write one row group (at most ``row_group_rows`` rows, one chunk per column).

        Returns once it is being encoded; if both encoders were busy, the oldest
        piece is written out first.
        """
        try:
            if self._encoders is None:
                self._open(group)
            assert self._encoders is not None and self._options is not None
            self.make_room()
            space = self._spare.pop() if self._spare else None
            self._pieces.append(
                (
                    self._encoders.submit(
                        encode_piece, group, self.schema, self._options, self.row_group_rows, space
                    ),
                    space,
                )
            )
        except OSError as exc:
            raise _write_failed(self.label, exc) from exc

    def make_room(self) -> None:
        """Write out pieces, in order as they complete, until an encoder is free.

        Called before taking the next row group: the parser holds that one
        meanwhile, so three row groups at most are in memory, not four.
        """
        try:
            while len(self._pieces) >= ENCODERS:
                self._write_oldest()
        except OSError as exc:
            raise _write_failed(self.label, exc) from exc

    def finish(self) -> int:
        """Close the file, flush it to disk, and return the rows its footer records."""
        assert self._encoders is not None
        try:
            while self._pieces:
                self._write_oldest()
            self._encoders.shutdown()
            self._encoders = None
            self._spare.clear()
            footer = self._footer.footer()
            self._out(footer + len(footer).to_bytes(4, "little") + MAGIC)
            if self._file is not None:
                self._file.close()
                self._file = None
                assert self.tmp is not None
                fs.fsync_file(self.tmp)
        except OSError as exc:
            raise _write_failed(self.label, exc) from exc
        if self.sink is not None:
            self.rows_written = self._footer.rows  # the footer just written
        else:
            assert self.tmp is not None
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
        if self._encoders is not None:  # waits for the row groups being encoded
            self._encoders.shutdown(cancel_futures=True)
            self._encoders = None
        self._pieces.clear()
        self._spare.clear()
        if self._file is not None:
            with contextlib.suppress(Exception):
                self._file.close()
            self._file = None
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
