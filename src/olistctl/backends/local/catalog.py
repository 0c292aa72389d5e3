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
        meta = pq.read_metadata(store.ws.path("processed", obj.key))
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
    data = json.loads(text)
    return [
        CatalogTable(
            name=t["name"],
            location=t["location"],
            columns=[CatalogColumn(n, ty) for n, ty in t["columns"]],
            rows=t.get("rows"),
            bytes=t.get("bytes"),
            files=t.get("files"),
            updated=datetime.fromisoformat(t["updated"]) if t.get("updated") else None,
        )
        for t in data["tables"]
    ]


class LocalCatalog(Catalog):
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def tables(self) -> list[CatalogTable]:
        path = self.store.ws.catalog_path
        if not path.is_file():
            return []
        try:
            return _from_json(path.read_text())
        except (ValueError, KeyError) as exc:
            raise OperationFailed(
                f"The catalog {path} is damaged ({exc})", hint="run `olistctl crawl` to rebuild it"
            ) from exc

    def crawl(
        self, *, direct: bool = False, progress: Callable[[str], None] | None = None
    ) -> CrawlReport:
        started = time.perf_counter()
        before = self.tables()
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
        )

    def updated_at(self) -> datetime | None:
        path = self.store.ws.catalog_path
        if not path.is_file():
            return None
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
