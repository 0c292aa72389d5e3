"""The local query engine: Athena SQL, transpiled, run by DuckDB over the workspace's Parquet.

Each query gets a fresh in-memory DuckDB connection with one view per catalog
table it reads, so the engine holds no state between queries. DuckDB runs the
query once into a table, writes that to ``results/<query id>.csv`` the way
Athena writes results to S3 (every value quoted, timestamps with milliseconds,
NULL as an empty field), and hands over the rows to display.

An ``olistctl query`` process is mostly start-up, so this path imports neither
pyarrow (DuckDB writes the CSV and reads the Parquet footers for the scan
estimate) nor, once a query's transpiled SQL is in the workspace's cache,
sqlglot.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from olistctl import layout
from olistctl.backends.base import QueryResult
from olistctl.backends.local.catalog import LocalCatalog
from olistctl.backends.local.store import LocalStore
from olistctl.backends.local.workspace import atomic_target, is_temporary
from olistctl.errors import OperationFailed
from olistctl.sql.params import BoundParam

# Transpiled queries, under the workspace root (removed with it by teardown).
TRANSPILE_CACHE = Path(".cache") / "sql"
# The table each query's result is materialised in, in the query's own connection.
_RESULT_TABLE = "olistctl_result"
# How Athena writes a results CSV.
_CSV_OPTIONS = "FORCE_QUOTE *, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S.%g'"

# Athena's names for result column types (ResultSetMetadata), by DuckDB type id.
_RESULT_TYPES = {
    "varchar": "varchar",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "integer": "integer",
    "bigint": "bigint",
    # DuckDB-only integer types, as the Athena type that holds every value.
    "utinyint": "smallint",
    "usmallint": "integer",
    "uinteger": "bigint",
    "ubigint": "decimal(20,0)",
    "hugeint": "decimal(38,0)",
    "uhugeint": "decimal(38,0)",
    "float": "real",
    "double": "double",
    "boolean": "boolean",
    "date": "date",
    "time": "time",
    "timestamp": "timestamp",
    "timestamp_s": "timestamp",
    "timestamp_ms": "timestamp",
    "timestamp_ns": "timestamp",
    "timestamp with time zone": "timestamp with time zone",
    "interval": "interval day to second",
    "blob": "varbinary",
    "list": "array",
    "array": "array",
    "struct": "row",
    "map": "map",
}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)", re.IGNORECASE)


def result_type(duckdb_type) -> str:
    """Athena's result-set type name for the type of a DuckDB result column."""
    found = _DECIMAL.fullmatch(str(duckdb_type))
    if found:
        return f"decimal({found.group(1)},{found.group(2)})"
    if str(duckdb_type) == "JSON":  # a varchar alias in DuckDB; json_extract's type in Athena
        return "json"
    return _RESULT_TYPES.get(duckdb_type.id, "varchar")


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

    def parquet_files(self, table: str) -> list[Path]:
        """The Parquet files of ``processed/<table>/``, by name.

        Listed here rather than with ``LocalStore.list``, which reads every
        footer (with pyarrow) for the source checksum the engine does not need.
        """
        folder = self.store.ws.path(layout.PROCESSED, table)
        try:
            names = sorted(os.listdir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [
            folder / name
            for name in names
            if name.endswith(layout.PARQUET_SUFFIX) and not is_temporary(name)
        ]

    def files_by_table(self) -> dict[str, list[Path]]:
        return {t.name: self.parquet_files(t.name) for t in self.catalog.tables()}

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

    def prepare(self, statements: Iterable[tuple[str, Sequence[BoundParam]]]) -> None:
        """Transpile ``statements`` (SQL and the parameters it will run with) into the cache now.

        Called after a crawl with the shipped queries and their default parameters,
        so that their first ``olistctl query --name`` does not pay for importing
        sqlglot and transpiling. The cache holds the SQL with its ``?`` marks, keyed
        by the parameters' types, so any other values of those types hit it too.
        A statement the engine refuses is left out: running it says why.
        """
        from olistctl.errors import UsageError
        from olistctl.sql.transpiled import TranspileCache

        cache = TranspileCache(self.store.ws.root / TRANSPILE_CACHE)
        schema = self.schema()
        for sql, params in statements:
            with contextlib.suppress(UsageError):
                cache.transpile(
                    sql,
                    schema,
                    database=self.database,
                    param_types=[p.sql_type for p in params],
                )

    def execute(
        self, sql: str, *, params: Sequence[BoundParam] = (), max_rows: int | None = None
    ) -> QueryResult:
        """Run ``sql`` with ``params`` bound to its ``?`` marks as DuckDB prepared parameters."""
        import duckdb

        from olistctl.sql.failures import duckdb_error
        from olistctl.sql.scan import duckdb_scan_bytes
        from olistctl.sql.transpiled import TranspileCache

        cache = TranspileCache(self.store.ws.root / TRANSPILE_CACHE)
        transpiled = cache.transpile(
            sql,
            self.schema(),
            database=self.database,
            param_types=[p.sql_type for p in params],
        )
        files = {table: self.parquet_files(table) for table in transpiled.tables}
        for table, paths in files.items():
            if not paths:
                raise OperationFailed(
                    f"The table {table} has no Parquet files under processed/{table}/",
                    hint=f"run `olistctl transform {table}` and `olistctl crawl`",
                )
        query_id = str(uuid.uuid4())
        out = self.store.ws.path("results", f"{query_id}.csv")
        started = time.perf_counter()
        con = self._con = connect()
        try:
            try:
                for table, paths in files.items():
                    file_list = ", ".join(_quote(str(p)) for p in paths)
                    con.execute(
                        f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet([{file_list}])'
                    )
                # First, from every file's footer: a damaged file fails here, as a query
                # error, before any result is written (a query may never open a file).
                scanned = duckdb_scan_bytes(con, transpiled.columns, files).bytes
                # Binding gives the names and types (names may repeat, as in Athena);
                # create() runs the query, once.
                relation = con.sql(transpiled.duckdb_sql, params=[p.value for p in params] or None)
                columns = list(relation.columns)
                types = [result_type(t) for t in relation.types]
                relation.create(_RESULT_TABLE)
                with atomic_target(out) as tmp:
                    _write_results_csv(con, columns, tmp)
                limit = "" if max_rows is None else f" LIMIT {max_rows + 1}"
                rows = con.execute(f"SELECT * FROM {_RESULT_TABLE}{limit}").fetchall()
            except duckdb.Error as exc:
                raise duckdb_error(exc) from exc
            truncated = max_rows is not None and len(rows) > max_rows
            if truncated:
                rows = rows[:max_rows]
            engine_ms = (time.perf_counter() - started) * 1000
        finally:
            self._con = None
            con.close()
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


def _write_results_csv(con, columns: list[str], path: Path) -> None:
    """The materialised result as Athena's results CSV, header included."""
    if len(set(columns)) == len(columns):
        con.execute(f"COPY {_RESULT_TABLE} TO {_quote(str(path))} (HEADER, {_CSV_OPTIONS})")
        return
    # The result table renamed repeated names (a, a_1); the header keeps the query's.
    body = path.with_name(f"{path.stem}.body.tmp")  # a temporary name, like ``path``
    try:
        con.execute(f"COPY {_RESULT_TABLE} TO {_quote(str(body))} (HEADER false, {_CSV_OPTIONS})")
        with open(path, "w", encoding="utf-8", newline="") as out:
            csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(columns)
            with open(body, encoding="utf-8", newline="") as rows:
                shutil.copyfileobj(rows, out)
    finally:
        body.unlink(missing_ok=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
