"""CSV -> Snappy Parquet, streaming, on two cores, all or nothing.

One thread parses (pyarrow releases the GIL), profiles each batch for the
quality report and cuts fixed-size row groups; the calling thread encodes
and writes them. Handing each row group over as a rendezvous bounds memory
to a few read blocks, two row groups and the key sets' budget, whatever the
file's size (1 GB orders CSV: ~250 MB peak RSS; 3 GB: ~265 MB). Ctrl-C (in
the calling thread) stops the parser, removes the temporary file and
re-raises.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from olistctl.dataset import Table
from olistctl.ingest.reader import BLOCK_BYTES, CsvBatches
from olistctl.ingest.source import ByteSource
from olistctl.quality.profile import TableProfiler
from olistctl.transform.parquet_out import ParquetOutput, ParquetSink, schema_with_source
from olistctl.transform.result import TransformResult

# CSV bytes per Parquet row group (~15 MB of Arrow data, ~117k orders-like
# rows): the unit of Athena's parallelism, and of this process's memory, which
# holds two row groups at a time. 40 MB cost ~30 MB more peak RSS, for nothing
# the tables here need.
ROW_GROUP_CSV_BYTES = 20 << 20
_ROWS_STEP = 1024
_MIN_GROUP_ROWS = 16 * _ROWS_STEP
_MAX_GROUP_ROWS = 1024 * _ROWS_STEP


def rows_per_group(sample: bytes, whole_file: bool) -> int:
    """Rows per row group for a file whose first bytes are ``sample``.

    From the sample's average line length, so wide rows (review texts) get
    fewer rows per group and memory stays level; a function of the file's
    first bytes only, so the same file always gets the same row groups.
    """
    if whole_file:
        return _MAX_GROUP_ROWS  # the file is smaller than one row group
    lines = max(sample.count(b"\n"), 1)
    rows = int(ROW_GROUP_CSV_BYTES * lines / len(sample)) // _ROWS_STEP * _ROWS_STEP
    return min(max(rows, _MIN_GROUP_ROWS), _MAX_GROUP_ROWS)


@dataclass
class _Done:
    pass


@dataclass
class _Failed:
    error: BaseException


def convert_csv(
    source: str | os.PathLike | ByteSource,
    dest: str | os.PathLike | ParquetSink,
    *,
    table: Table | None = None,
    source_name: str | None = None,
    source_sha256: str | None = None,
    progress: Callable[[int], None] | None = None,
    batch_bytes: int = BLOCK_BYTES,
    row_group_rows: int | None = None,
) -> TransformResult:
    """Convert one CSV (a path, or a binary stream with ``read(n)``) into a Parquet file.

    ``dest`` is a path, or a :class:`ParquetSink` (the Lambda streams to S3): the
    same bytes either way.

    ``table`` None: the header decides (an unknown header gets inferred types
    and a warning). ``row_group_rows`` None: sized from the file's first bytes.
    Raises InputError for a file that cannot be read as its table (message
    naming the file, line and fix); nothing is left at ``dest`` then, and a
    file already there is untouched.
    """
    started = time.perf_counter()
    csv = CsvBatches(
        source,
        table=table,
        source_name=source_name,
        progress=progress,
        block_size=batch_bytes,
    )
    group_rows = row_group_rows or rows_per_group(csv.sample, csv.sample_is_all)
    out = ParquetOutput(
        dest, schema_with_source(csv.schema, source_sha256), row_group_rows=group_rows
    )
    profiler = TableProfiler(csv.name, csv.table, csv.schema)
    try:
        _pump(csv, profiler, out, group_rows)
        rows_written = out.finish()
        quality = profiler.finish(rows_written=rows_written)
        csv.stream.drain()  # bytes_in is the whole source, even past a final empty line
        bytes_out = out.publish()
    except BaseException:
        out.discard()
        profiler.close()
        raise
    finally:
        csv.close()
    return TransformResult(
        table=csv.name,
        source=csv.label,
        rows_read=csv.rows,
        rows_written=rows_written,
        bytes_in=csv.bytes_in,
        bytes_out=bytes_out,
        seconds=time.perf_counter() - started,
        quality=quality,
        inferred=csv.inferred,
        warnings=list(csv.warnings),
    )


def _pump(csv: CsvBatches, profiler: TableProfiler, out: ParquetOutput, group_rows: int) -> None:
    """Parse and profile in a worker thread; write row groups in this one.

    The handoff is a rendezvous: the worker assembles the next row group
    while this thread writes the previous one, then waits for it to be taken.
    Two row groups in memory at most, and both cores busy.
    """
    slot: queue.Queue = queue.Queue(maxsize=1)
    taken = threading.Semaphore(0)
    stop = threading.Event()
    schema = csv.schema

    def hand_over(item: object) -> None:
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                break
            except queue.Full:
                continue
        while not stop.is_set() and not taken.acquire(timeout=0.1):
            pass

    def parse() -> None:
        try:
            pending: list[pa.RecordBatch] = []
            held = 0
            for batch in csv:
                if stop.is_set():
                    return
                pending.append(batch)
                held += batch.num_rows
                while held >= group_rows:
                    rows = pa.Table.from_batches(pending, schema)
                    group = rows.slice(0, group_rows)
                    profiler.add(group)  # a row group at a time: per batch cost 2x the calls
                    hand_over(group)
                    pending = rows.slice(group_rows).to_batches()
                    held -= group_rows
            if held:
                group = pa.Table.from_batches(pending, schema)
                profiler.add(group)
                hand_over(group)
            del pending
            profiler.seal()  # sorts the key sets while the last row group is written
            hand_over(_Done())
        except BaseException as exc:  # handed to the writing thread, which raises it
            hand_over(_Failed(exc))

    worker = threading.Thread(target=parse, name="olistctl-csv-parse", daemon=True)
    worker.start()
    try:
        while True:
            item = slot.get()
            taken.release()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            out.write(item)
            del item
    finally:
        stop.set()
        csv.abort()
        worker.join()
