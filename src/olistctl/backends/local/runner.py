"""The local transform runner: the transform core, in this process, tables in parallel."""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence

from olistctl import layout
from olistctl.backends.base import TransformRunner
from olistctl.backends.local.store import LocalStore
from olistctl.backends.pool import convert_in_pool
from olistctl.errors import OlistError, os_error
from olistctl.records import ProgressCallback, TransformOutcome


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
            self.store.ws.claim(dest)
        except OSError as exc:
            error = os_error(exc, f"writing {dest}", where=str(self.store.ws.root))
            return TransformOutcome(raw_key=raw_key, table=table_name, ok=False, error=str(error))
        try:
            result = convert_csv(
                self.store.ws.path("raw", raw_key),
                dest,
                table=table,
                source_name=raw_key,
                source_sha256=info.sha256 if info else None,
                progress=progress,
            )
        except OlistError as exc:
            return TransformOutcome(raw_key=raw_key, table=table_name, ok=False, error=str(exc))
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
