"""Why Parquet: what each named query would scan over the Parquet tables and over the raw CSVs.

The Parquet side is the bytes of the column chunks the query reads, from the
files' footers; the CSV side is every byte of every table the query touches
(a CSV has no columns to skip). Both are priced with Athena's rules: rounded
up to the MB, at least 10 MB per query.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from olistctl.errors import OperationFailed
from olistctl.pricing import QueryCost, RegionPrices, athena_query_cost, prices_in_use
from olistctl.records import CatalogTable, ObjectInfo, Stage
from olistctl.sql.scan import ParquetSource

# pyarrow reads a file's last 64 KiB to find the footer; one ranged GET of that
# size holds the whole footer of an Olist table's file.
TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class ScanComparison:
    query: str
    tables: tuple[str, ...]
    parquet: QueryCost
    csv: QueryCost

    @property
    def ratio(self) -> float | None:
        """How many times more bytes the CSV scan reads (None when Parquet reads nothing)."""
        if not self.parquet.bytes_scanned:
            return None
        return self.csv.bytes_scanned / self.parquet.bytes_scanned


def compare_named_queries(
    schema: Mapping[str, Mapping[str, str]],
    parquet_files: Mapping[str, Sequence[ParquetSource]],
    raw_sizes: Mapping[str, int | Sequence[int]],
    *,
    region: str,
    database: str | None = None,
    scale: float = 1.0,
    prices: RegionPrices | None = None,
) -> list[ScanComparison]:
    """One comparison per named query.

    ``parquet_files`` maps table -> Parquet files (paths, or seekable file
    objects for objects in S3); ``raw_sizes`` maps table -> CSV bytes.
    ``scale`` prices ``scale`` times the data: where Athena's 10 MB minimum
    stops hiding the difference. ``prices`` default to the prices in use.
    """
    from olistctl.sql.named import list_queries
    from olistctl.sql.scan import csv_scan_bytes, estimate_scan_bytes
    from olistctl.sql.transpile import transpile

    # Each footer is fetched (and checked) once here; the queries then read it from memory.
    footers = {
        table: [_footer(source, table) for source in sources]
        for table, sources in parquet_files.items()
    }
    prices = prices or prices_in_use(region)
    comparisons = []
    for query in list_queries():
        params = query.bind()  # the defaults: the scan does not depend on the values
        transpiled = transpile(
            query.sql, schema, database=database, param_types=[p.sql_type for p in params]
        )
        parquet = estimate_scan_bytes(transpiled.columns, footers)
        csv = csv_scan_bytes(transpiled.tables, raw_sizes)
        comparisons.append(
            ScanComparison(
                query=query.name,
                tables=tuple(transpiled.tables),
                parquet=athena_query_cost(round(parquet.bytes * scale), region, prices),
                csv=athena_query_cost(round(csv.bytes * scale), region, prices),
            )
        )
    return comparisons


def _footer(source: ParquetSource, table: str) -> TailFile:
    """``source``'s tail in memory, its footer checked: a damaged file is named, not a crash."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
    else:
        name = str(getattr(source, "name", "") or f"a file of {table}")
    try:
        tail = source if isinstance(source, TailFile) else _tail_of(source, name)
        pq.read_metadata(tail)
    except (pa.ArrowException, OSError):
        raise OperationFailed(
            f"{name} is not a readable Parquet file",
            hint=f"re-run `olistctl transform {table} --force`",
        ) from None
    return tail


def _tail_of(source: ParquetSource, name: str) -> TailFile:
    """A :class:`TailFile` over a local path or a seekable binary file object."""
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)

        def read_path(start: int, end: int) -> bytes:
            with open(path, "rb") as fh:
                fh.seek(start)
                return fh.read(end - start)

        return TailFile(os.path.getsize(path), read_path, name=name)

    def read_file(start: int, end: int) -> bytes:
        source.seek(start)
        return source.read(end - start)

    return TailFile(source.seek(0, io.SEEK_END), read_file, name=name)


class TailFile(io.RawIOBase):
    """A seekable, read-only view of the end of a remote file: enough to read a Parquet footer.

    ``read_range(start, end)`` returns bytes ``start`` to ``end`` (exclusive).
    One call fetches the last 64 KiB; a second is made only when the footer is
    longer. Reading anywhere before the tail is an error, so an estimate can
    never quietly download the data.
    """

    def __init__(self, size: int, read_range: Callable[[int, int], bytes], name: str = "") -> None:
        super().__init__()
        self.name = name
        self._size = size
        self._start = max(0, size - TAIL_BYTES)
        self._tail = read_range(self._start, size)
        if size >= 8:
            footer_end = int.from_bytes(self._tail[-8:-4], "little") + 8
            if footer_end > size - self._start and footer_end <= size:
                earlier = size - footer_end
                self._tail = read_range(earlier, self._start) + self._tail
                self._start = earlier
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        if self._pos < self._start:
            raise OSError(f"{self.name or 'file'}: byte {self._pos} is outside the fetched tail")
        chunk = self._tail[self._pos - self._start : self._pos - self._start + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


class StoredFiles(Protocol):
    """What a comparison reads of an object store (``backends.base.ObjectStore`` has it)."""

    def list(
        self, stage: Stage, prefix: str = "", *, checksums: bool = True
    ) -> list[ObjectInfo]: ...

    def location(self, stage: Stage, key: str = "") -> str: ...

    def local_path(self, stage: Stage, key: str) -> Path | None: ...

    def read_range(self, stage: Stage, key: str, start: int, end: int) -> bytes: ...


def parquet_sources(
    store: StoredFiles, objects: Sequence[ObjectInfo]
) -> dict[str, list[str | TailFile]]:
    """table -> what ``estimate_scan_bytes`` can read a footer from, for each Parquet object.

    A file on this machine is read in place; an object in S3 is a :class:`TailFile`
    over ranged GETs (the store's ``read_range``, end inclusive).
    """
    sources: dict[str, list[str | TailFile]] = {}
    for obj in objects:
        if not obj.key.endswith(".parquet"):
            continue
        path = store.local_path("processed", obj.key)
        source: str | TailFile
        if path is not None:
            source = str(path)
        else:

            def fetch(start: int, end: int, key: str = obj.key) -> bytes:
                return store.read_range("processed", key, start, end - 1)

            source = TailFile(obj.size, fetch, name=store.location("processed", obj.key))
        sources.setdefault(obj.table, []).append(source)
    return sources


def csv_sizes(store: StoredFiles) -> dict[str, int]:
    """Bytes of raw CSV per table: what an Athena scan over the CSVs would read whole."""
    sizes: dict[str, int] = {}
    for obj in store.list("raw", checksums=False):
        if obj.key.lower().endswith(".csv"):
            sizes[obj.table] = sizes.get(obj.table, 0) + obj.size
    return sizes


def compare_stored_queries(
    store: StoredFiles,
    tables: Sequence[CatalogTable],
    *,
    region: str,
    database: str | None = None,
    scale: float = 1.0,
    prices: RegionPrices | None = None,
) -> list[ScanComparison]:
    """Every named query's scan over the stored Parquet tables and over the raw CSVs."""
    if not tables:
        raise OperationFailed(
            "There are no catalog tables to compare scans over yet",
            hint="run `olistctl run` (or upload, transform and crawl) first",
        )
    schema = {t.name: {c.name: c.type for c in t.columns} for t in tables}
    # Keys and sizes are all a comparison needs: no HEAD per object for its checksum.
    files = parquet_sources(store, store.list("processed", checksums=False))
    return compare_named_queries(
        schema,
        files,
        csv_sizes(store),
        region=region,
        database=database,
        scale=scale,
        prices=prices,
    )
