"""The local query engine: Athena SQL, transpiled, run by DuckDB over the workspace's Parquet.

Each query gets a fresh in-memory DuckDB connection with one view per catalog
table it reads, so the engine holds no state between queries. Results are
streamed to ``results/<query id>.csv`` (as Athena writes them to S3) while the
first rows are kept for display.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from olistctl.backends.base import QueryResult
from olistctl.backends.local.catalog import LocalCatalog
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.workspace import atomic_target
from olistctl.errors import OperationFailed

# Athena's names for result column types (ResultSetMetadata), by Athena/Glue type.
_RESULT_TYPES = {
    "string": "varchar",
    "int": "integer",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "bigint": "bigint",
    "float": "real",
    "double": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


def result_type(arrow_type) -> str:
    """Athena's result-set type name for an Arrow type from DuckDB."""
    import pyarrow.types as t

    from olistctl.backends.local.catalog import athena_type

    if t.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    if t.is_list(arrow_type) or t.is_large_list(arrow_type):
        return "array"
    if t.is_struct(arrow_type):
        return "row"
    if t.is_map(arrow_type):
        return "map"
    if t.is_time(arrow_type):
        return "time"
    if t.is_interval(arrow_type) or t.is_duration(arrow_type):
        return "interval day to second"
    return _RESULT_TYPES.get(athena_type(arrow_type), "varchar")


def connect():
    """A DuckDB connection as Athena sessions behave: UTC, nothing fetched from the network."""
    import duckdb

    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    con.execute("SET TimeZone='UTC'")
    return con


class LocalEngine:
    def __init__(self, store: LocalStore, catalog: LocalCatalog, database: str | None) -> None:
        self.store = store
        self.catalog = catalog
        self.database = database
        self._con = None

    def files_by_table(self) -> dict[str, list[Path]]:
        return {
            t.name: [
                self.store.ws.path("processed", o.key)
                for o in self.store.list("processed", f"{t.name}/")
                if o.key.endswith(".parquet")
            ]
            for t in self.catalog.tables()
        }

    def schema(self) -> dict[str, dict[str, str]]:
        tables = self.catalog.tables()
        if not tables:
            if self.store.list("processed"):
                raise OperationFailed(
                    "The catalog is empty, so there is nothing to query yet",
                    hint="run `olistctl crawl` first",
                )
            raise OperationFailed(
                "There are no tables to query: nothing has been transformed and crawled yet",
                hint="run `olistctl run` (or upload, transform and crawl)",
            )
        return {t.name: {c.name: c.type for c in t.columns} for t in tables}

    def execute(self, sql: str, *, max_rows: int | None = None) -> QueryResult:
        import duckdb
        import pyarrow as pa
        import pyarrow.csv as pacsv

        from olistctl.sql.dialect import duckdb_error, transpile
        from olistctl.sql.scan import estimate_scan_bytes

        transpiled = transpile(sql, self.schema(), database=self.database)
        files = self.files_by_table()
        query_id = str(uuid.uuid4())
        started = time.perf_counter()
        con = self._con = connect()
        try:
            for table in transpiled.tables:
                paths = [str(p) for p in files.get(table, [])]
                if not paths:
                    raise OperationFailed(
                        f"The table {table} has no Parquet files under processed/{table}/",
                        hint=f"run `olistctl transform {table}` and `olistctl crawl`",
                    )
                file_list = ", ".join(_quote(p) for p in paths)
                con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet([{file_list}])')
            try:
                reader = con.execute(transpiled.duckdb_sql).to_arrow_reader(65_536)
            except duckdb.Error as exc:
                raise duckdb_error(exc) from exc

            columns = list(reader.schema.names)
            types = [result_type(f.type) for f in reader.schema]
            rows: list[tuple] = []
            truncated = False
            out = self.store.ws.path("results", f"{query_id}.csv")
            with atomic_target(out) as tmp:
                writer = None
                try:
                    for batch in reader:
                        if writer is None:
                            writer = pacsv.CSVWriter(str(tmp), batch.schema)
                        writer.write_batch(batch)
                        if max_rows is None or len(rows) <= max_rows:
                            rows.extend(zip(*(c.to_pylist() for c in batch.columns), strict=True))
                    if writer is None:  # no rows: still write the header, as Athena does
                        pacsv.write_csv(pa.Table.from_batches([], schema=reader.schema), str(tmp))
                except duckdb.Error as exc:
                    raise duckdb_error(exc) from exc
                finally:
                    if writer is not None:
                        writer.close()
            if max_rows is not None and len(rows) > max_rows:
                rows = rows[:max_rows]
                truncated = True
        finally:
            self._con = None
            con.close()
        engine_ms = (time.perf_counter() - started) * 1000
        scanned = estimate_scan_bytes(transpiled.columns, files).bytes
        return QueryResult(
            columns=columns,
            types=types,
            rows=rows,
            engine_ms=engine_ms,
            bytes_scanned=scanned,
            query_id=query_id,
            truncated=truncated,
            output_location=str(out),
        )

    def cancel(self) -> None:
        con = self._con
        if con is not None:
            con.interrupt()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
