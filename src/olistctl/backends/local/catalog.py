"""The local catalog: one table per ``processed/<table>/`` folder, read from Parquet footers.

Kept in ``catalog.json`` so ``status`` and the query engine need not re-read
footers, and so a crawl can report what changed since the previous one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime

from olistctl.backends.base import Catalog
from olistctl.backends.local.store import LocalStore
from olistctl.errors import OperationFailed
from olistctl.glue_types import athena_type
from olistctl.records import CatalogColumn, CatalogDiff, CatalogTable, CrawlReport


def read_table_from_footers(store: LocalStore, table: str) -> CatalogTable | None:
    import pyarrow.parquet as pq

    files = [o for o in store.list("processed", f"{table}/") if o.key.endswith(".parquet")]
    if not files:
        return None
    columns: list[CatalogColumn] | None = None
    rows = 0
    for obj in files:
        path = store.ws.path("processed", obj.key)
        try:
            meta = pq.read_metadata(path)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise OperationFailed(
                f"{path} is not a readable Parquet file ({str(exc).strip().rstrip('.')})",
                hint=f"convert it again with `olistctl transform --force {table}`",
            ) from exc
        rows += meta.num_rows
        schema = meta.schema.to_arrow_schema()
        these = [CatalogColumn(f.name, athena_type(f.type)) for f in schema]
        if columns is None:
            columns = these
        elif these != columns:
            # The Glue crawler's CombineCompatibleSchemas would merge compatible
            # schemas; a real conflict is reported rather than guessed.
            raise OperationFailed(
                f"Parquet files under processed/{table}/ disagree on their schema"
                f" ({files[0].key} vs {obj.key})",
                hint=f"re-run `olistctl transform {table} --force`",
            )
    return CatalogTable(
        name=table,
        columns=columns or [],
        location=store.location("processed", f"{table}/"),
        rows=rows,
        bytes=sum(o.size for o in files),
        files=len(files),
        updated=max(o.modified for o in files if o.modified),
    )


def _to_json(tables: list[CatalogTable]) -> str:
    return json.dumps(
        {
            "tables": [
                {
                    "name": t.name,
                    "location": t.location,
                    "columns": [[c.name, c.type] for c in t.columns],
                    "rows": t.rows,
                    "bytes": t.bytes,
                    "files": t.files,
                    "updated": t.updated.isoformat() if t.updated else None,
                }
                for t in tables
            ]
        },
        indent=2,
    )


def _from_json(text: str) -> list[CatalogTable]:
    """The catalog's tables; ValueError naming what is wrong when the file is not one."""
    data = json.loads(text)
    entries = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError('it holds no list of "tables"')
    return [_table_from_json(entry, i) for i, entry in enumerate(entries)]


def _table_from_json(entry: object, index: int) -> CatalogTable:
    def text(value: object, what: str) -> str:
        if not isinstance(value, str) or not value:
            raise ValueError(f"table {index + 1} has no {what}")
        return value

    def count(value: object, what: str) -> int | None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"table {index + 1} has a {what} that is not a number")
        return value

    if not isinstance(entry, dict):
        raise ValueError(f"table {index + 1} is not an object")
    columns = entry.get("columns")
    if not isinstance(columns, list) or not all(
        isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c) for c in columns
    ):
        raise ValueError(f"table {index + 1} has no list of [name, type] columns")
    updated = entry.get("updated")
    if updated is not None and not isinstance(updated, str):
        raise ValueError(f"table {index + 1} has an update time that is not text")
    return CatalogTable(
        name=text(entry.get("name"), "name"),
        location=text(entry.get("location"), "location"),
        columns=[CatalogColumn(n, ty) for n, ty in columns],
        rows=count(entry.get("rows"), "row count"),
        bytes=count(entry.get("bytes"), "size"),
        files=count(entry.get("files"), "file count"),
        updated=datetime.fromisoformat(updated) if updated else None,
    )


# The local catalog reads the footers either way; what ``direct`` changes is what the run
# ledger records, and so what ``report cost`` (priced as if on AWS) charges for the crawl:
# a crawler run, or a registration through the Glue API (cost/usage.py, is_crawler_run).
_PRICED_AS = {
    False: "read from the Parquet footers; `report cost` prices this crawl as a Glue crawler"
    " run, as on aws (--direct: as a registration from the footers, no crawler charge)",
    True: "read from the Parquet footers; `report cost` prices this crawl as a registration"
    " from the footers, with no crawler charge, as on aws",
}


class LocalCatalog(Catalog):
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def tables(self) -> list[CatalogTable]:
        path = self.store.ws.catalog_path
        if not path.is_file():
            return []
        try:
            return _from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError) as exc:  # UnicodeDecodeError: ValueError
            reason: str | None = str(exc)
            if isinstance(exc, RecursionError):  # JSON nested deeper than the parser goes
                reason = "it is nested too deeply to read"
            elif isinstance(exc, OSError):
                reason = exc.strerror
            raise OperationFailed(
                f"The catalog {path} is damaged ({reason})",
                hint="run `olistctl crawl` to rebuild it",
            ) from exc

    def crawl(
        self, *, direct: bool = False, progress: Callable[[str], None] | None = None
    ) -> CrawlReport:
        started = time.perf_counter()
        try:
            before = self.tables()
        except OperationFailed:
            before = []  # a damaged catalog is what a crawl rebuilds: all of it is new
        processed = self.store.ws.stage_dir("processed")
        folders = (
            sorted(p.name for p in processed.iterdir() if p.is_dir()) if processed.is_dir() else []
        )
        after: list[CatalogTable] = []
        for name in folders:
            if progress:
                progress(name)
            table = read_table_from_footers(self.store, name)
            if table is not None:
                after.append(table)
        self.store.ws.write_text(self.store.ws.catalog_path, _to_json(after) + "\n")
        return CrawlReport(
            tables=after,
            diff=CatalogDiff.between(before, after),
            status="SUCCEEDED",
            seconds=time.perf_counter() - started,
            message=_PRICED_AS[direct],
        )

    def updated_at(self) -> datetime | None:
        path = self.store.ws.catalog_path
        if not path.is_file():
            return None
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
