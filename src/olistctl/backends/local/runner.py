"""The local transform runner: the transform core, in this process, tables in parallel."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from olistctl import layout
from olistctl.backends.base import ProgressCallback, TransformOutcome
from olistctl.backends.local.store import LocalStore
from olistctl.errors import OlistError


class LocalRunner:
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
        try:
            result = convert_csv(
                self.store.ws.path("raw", raw_key),
                self.store.ws.path("processed", processed_key),
                table=table,
                source_name=raw_key,
                source_sha256=info.sha256 if info else None,
                progress=progress,
            )
        except OlistError as exc:
            return TransformOutcome(raw_key=raw_key, table=table_name, ok=False, error=str(exc))
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
    ) -> Iterator[TransformOutcome]:
        lock = threading.Lock()

        def report(n: int) -> None:
            if progress:
                with lock:
                    progress(n)

        # Biggest first, so the long pole starts early.
        order = sorted(
            raw_keys,
            key=lambda k: -(info.size if (info := self.store.head("raw", k)) else 0),
        )
        pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="transform")
        pending: set[Future[TransformOutcome]] = set()
        try:
            pending = {pool.submit(self._convert_one, key, report) for key in order}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            # On Ctrl-C: drop what has not started; what is running finishes
            # into a temporary file and is renamed only if it completes.
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
