"""The local transform runner: the transform core, in this process, tables in parallel."""

from __future__ import annotations

import io
import os
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from typing import Any

import olistctl.backends.local.nofollow as nofollow
from olistctl import fs, layout
from olistctl.backends.base import TransformRunner
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.workspace import Workspace
from olistctl.errors import OlistError, os_error
from olistctl.records import ProgressCallback, TransformOutcome

# Written-back as the file grows, so that publishing it waits for the last few
# MiB, not for the whole file (fs.start_writeback).
WRITEBACK_BYTES = 16 << 20


class WorkspaceParquetFile(io.RawIOBase):
    """A Parquet file being written into the workspace (a ``ParquetSink``).

    The bytes go to a temporary file the manifest lists, created and written through
    a descriptor (no link followed); :meth:`publish` flushes it and renames it into
    place, :meth:`discard` removes it. The transform core writes the same bytes here
    as to the Lambda's S3 stream. What is in the way (a file of the user's, a link) is
    refused at once; the file and its folders are listed and made at the first write,
    so a CSV that fails before its first row group leaves nothing behind.
    """

    def __init__(self, ws: Workspace, dest: Path) -> None:
        super().__init__()
        self.ws = ws
        self.dest = dest
        ws.check_claim(dest)
        self.tmp: Path | None = None
        self._fd = -1
        self.size = 0
        self._written_back = 0  # bytes handed to the kernel's writeback so far

    def _open(self) -> None:
        if self._fd < 0:
            # The umask's permissions, as a file written in place would get.
            self.tmp, self._fd = self.ws.new_temporary(self.dest, mode=fs.SHARED)

    @property
    def name(self) -> str:
        return str(self.dest)

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def write(self, data: Any) -> int:
        self._open()
        view = memoryview(data).cast("B")
        nofollow.write_all(self._fd, view)
        self.size += len(view)
        if self.size - self._written_back >= WRITEBACK_BYTES:
            fs.start_writeback(self._fd, self._written_back, self.size - self._written_back)
            self._written_back = self.size
        return len(view)

    def publish(self) -> int:
        self._open()
        os.fsync(self._fd)
        self._close_fd()
        assert self.tmp is not None
        self.ws.publish(self.tmp, self.dest, sync_folder=True)
        self.tmp = None
        return self.size

    def discard(self) -> None:
        self._close_fd()
        self.ws.discard(self.tmp)
        self.tmp = None

    def _close_fd(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class LocalRunner(TransformRunner):
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def _convert_one(self, raw_key: str, progress: ProgressCallback | None) -> TransformOutcome:
        from olistctl.dataset import get_table
        from olistctl.transform import convert_csv

        table_name, _ = layout.split_key(raw_key)
        processed_key = layout.processed_key(raw_key)
        info = self.store.head("raw", raw_key)
        try:
            table = get_table(table_name)
        except KeyError:
            table = None  # an unknown CSV: the core infers its types and warns
        dest = self.store.ws.path("processed", processed_key)
        try:
            # Refused if a file of the user's (or a link) is in the way: that table fails.
            sink = WorkspaceParquetFile(self.store.ws, dest)
        except OSError as exc:
            error = os_error(exc, f"writing {dest}", where=str(self.store.ws.root))
            return TransformOutcome(raw_key=raw_key, table=table_name, ok=False, error=str(error))
        except OlistError as exc:
            return TransformOutcome(raw_key=raw_key, table=table_name, ok=False, error=str(exc))
        try:
            result = convert_csv(
                self.store.ws.path("raw", raw_key),
                sink,
                table=table,
                source_name=raw_key,
                source_sha256=info.sha256 if info else None,
                progress=progress,
            )
        except OlistError as exc:
            return TransformOutcome(raw_key=raw_key, table=table_name, ok=False, error=str(exc))
        finally:
            sink.discard()  # nothing, once published
        # Converted cleanly: the version this upload replaced is no longer needed.
        self.store.drop_previous(raw_key)
        return TransformOutcome(
            raw_key=raw_key,
            table=result.table,
            ok=True,
            processed_key=processed_key,
            rows=result.rows_written,
            bytes_in=result.bytes_in,
            bytes_out=result.bytes_out,
            seconds=result.seconds,
            quality=result.quality.to_dict(),
        )

    def convert(
        self,
        raw_keys: Sequence[str],
        *,
        concurrency: int = 2,
        progress: ProgressCallback | None = None,
        sizes: Mapping[str, int] | None = None,
        finished: list[TransformOutcome] | None = None,
    ) -> Generator[TransformOutcome, None, None]:
        # Here, not at the top: every local command opens this backend, and the pool's
        # concurrent.futures (and logging) is ~3 ms of a query process.
        from olistctl.backends.pool import convert_in_pool

        if sizes is None:
            sizes = {k: info.size for k in raw_keys if (info := self.store.head("raw", k))}
        return convert_in_pool(
            raw_keys,
            sizes,
            self._convert_one,
            concurrency=concurrency,
            progress=progress,
            finished=finished,
        )
