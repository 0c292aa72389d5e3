"""Read an Olist CSV as typed Arrow record batches, streaming, or fail with a located error.

Used by the transform (batches -> Parquet row groups) and by the quality
checks of raw CSV files (batches -> counters). The header decides the
table (or is checked against the one expected); the model's Arrow schema is
given to pyarrow, so nothing is inferred for Olist tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pcsv

from olistctl.dataset import Table, arrow_schema, closest_table_for_header, table_for_header
from olistctl.errors import InputError
from olistctl.glue_types import athena_type
from olistctl.ingest import header as hdr
from olistctl.ingest.csv_types import infer_schema
from olistctl.ingest.inputs import open_input
from olistctl.ingest.locate import locate, unlocated
from olistctl.ingest.memory import arrow_pool
from olistctl.ingest.source import ByteSource, SourceStream

# pyarrow's read block: it bounds memory (docs/architecture.md: 1 MiB blocks kept a
# 1 GB conversion at ~266 MB, 64 MiB blocks at 1.3 GB).
BLOCK_BYTES = 1 << 20
# The start of the file that settles what the stream cannot: an unknown CSV's
# types, and the row-group size. Fixed, so neither depends on the block size.
SAMPLE_BYTES = 1 << 20


def source_label(source: str | os.PathLike | ByteSource, source_name: str | None) -> str:
    """How a source is named in messages: the given name, the path, or the stream's name."""
    if source_name:
        return source_name
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", None) or "<stream>")


class CsvBatches:
    """The typed record batches of one CSV.

    Construction reads the first block and settles the table and schema (or
    raises InputError); iterating streams the rest. ``table`` None means
    "whatever the header says"; an unknown header then gets inferred types
    (``inferred``, with a warning) instead of an error.
    """

    def __init__(
        self,
        source: str | os.PathLike | ByteSource,
        *,
        table: Table | None = None,
        source_name: str | None = None,
        progress: Callable[[int], None] | None = None,
        block_size: int = BLOCK_BYTES,
    ) -> None:
        self.label = source_label(source, source_name)
        self.block_size = block_size
        self.rows = 0
        self.warnings: list[str] = []
        self.inferred = False
        self._owned: BinaryIO | None = None
        raw: ByteSource
        if isinstance(source, str | os.PathLike):
            self._owned = raw = open_input(source, self.label)  # closed by close()
        else:
            raw = source
        self.stream = SourceStream(raw, block_size=block_size, progress=progress)
        try:
            self._settle(table)
        except BaseException:
            self.close()
            raise

    def _settle(self, table: Table | None) -> None:
        head, at_eof = self.stream.peek(max(self.block_size, SAMPLE_BYTES))
        self.sample = head[:SAMPLE_BYTES]
        self.sample_is_all = at_eof and len(head) <= SAMPLE_BYTES
        hdr.check_is_text(head, self.label)
        names = hdr.parse_header(head, at_eof, self.label)
        if table is not None:
            if tuple(names) != table.column_names:
                raise hdr.header_error(names, self.label, table)
        else:
            table = table_for_header(names)
            if table is None and hdr.other_separator(names):
                raise hdr.header_error(names, self.label, None)
        self.table = table
        if table is not None:
            self.name = table.name
            self.schema = arrow_schema(table)
            return
        hdr.check_names(names, self.label)
        self.schema, sampled = infer_schema(self.sample, names, self.sample_is_all)
        self.inferred = True
        self.name = Path(self.label).stem or "unknown"
        closest = closest_table_for_header(names)
        near = ""
        if closest is not None:
            near = f" (closest: {closest[0].name}: {hdr.describe_mismatch(names, closest[0])})"
        types = ", ".join(f"{f.name} {athena_type(f.type)}" for f in self.schema)
        self.warnings.append(
            f"{self.label}: the header matches no Olist table{near}, so the column types were"
            f" inferred from its first {sampled:,} rows: {types}."
        )

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        reader = None
        try:
            self.stream.waiting(True)
            reader = pcsv.open_csv(
                self.stream,
                memory_pool=arrow_pool(),
                # The names settled from the header (stripped), not the file's own: padded
                # names ("customer_state ") would otherwise miss their types and checks.
                read_options=pcsv.ReadOptions(
                    block_size=self.block_size,
                    use_threads=False,
                    column_names=self.schema.names,
                    skip_rows=1,
                ),
                parse_options=pcsv.ParseOptions(newlines_in_values=True),
                convert_options=pcsv.ConvertOptions(
                    column_types=self.schema,
                    # An empty field is NULL, quoted or not: the Olist files never
                    # hold an empty string, and re-saved copies quote everything.
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                ),
            )
            self.stream.waiting(False)
            while True:
                self.stream.waiting(True)
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                finally:
                    self.stream.waiting(False)
                self.stream.batch_done()
                if not batch.num_rows:
                    continue
                self.rows += batch.num_rows
                yield batch
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            self.stream.abort()
            raise self._located(exc) from None
        finally:
            # pyarrow's reader waits for its read-ahead when destroyed; a read held by
            # the throttle would never finish, so release it first.
            self.stream.abort()
            del reader
        if not self.rows:
            raise InputError(
                "the file has a header but no data rows",
                path=self.label,
                hint="export the table again with its rows (an empty table is refused, so that"
                " a truncated export cannot replace good data)",
            )

    def _located(self, exc: Exception) -> InputError:
        window = list(self.stream.window)
        # The failing batch's records start in the block before its own at the earliest.
        failing = self.stream.batches_done
        window = self.stream.counted([c for c in window if c.index >= failing - 1])
        table = self.table

        def nullable(name: str) -> bool:
            return table is None or table.column(name).nullable

        found = locate(
            window,
            self.stream.at_eof,
            self.schema,
            self.label,
            nullable=nullable,
            inferred=self.inferred,
        )
        return found or unlocated(exc, self.label, window)

    @property
    def bytes_in(self) -> int:
        return self.stream.bytes_in

    def abort(self) -> None:
        self.stream.abort()

    def close(self) -> None:
        self.stream.abort()
        if self._owned is not None:
            self._owned.close()
            self._owned = None
