"""The local query engine: Athena SQL, transpiled, run by DuckDB over the workspace's Parquet.

The engine keeps one in-memory DuckDB connection for the process (opening one
costs 10-60 ms on a busy machine; ``olistctl run`` asks three queries), made
again only when a query reads a Parquet file it was not opened for. Each query
(re)defines a view for each catalog table it reads. DuckDB runs the query once
into a table, writes that into the engine's private scratch folder the way
Athena writes results to S3 (every value quoted, timestamps with milliseconds,
NULL as an empty field), from where it is moved to ``results/<query id>.csv``,
and hands over the rows to display.

DuckDB is the second wall behind the SQL checks: before it runs, the SQL is
checked again by DuckDB's own parser (``guard.py``: one SELECT over the
query's own views; the release's translations of the shipped queries, package
data, were checked when they were made), and the connection may open only the catalog's Parquet
files and the engine's scratch folder (a new empty folder of the user's, mode
0700, that holds nothing but this engine's result files, copied from there into the
workspace through its own unlinked folders), may load no extension, and cannot change
its settings.
A query writes nothing it needs: on a read-only or full disk the answer is
still given, without its copy under ``results/``.

An ``olistctl query`` process is mostly start-up, so this path imports neither
pyarrow (DuckDB writes the CSV and reads the Parquet footers for the scan
estimate) nor, once a query's transpiled SQL is in the workspace's cache,
sqlglot.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from olistctl import layout
from olistctl.backends.base import QueryEngine
from olistctl.backends.local.catalog import LocalCatalog
from olistctl.backends.local.guard import UnsafeQuery
from olistctl.backends.local.store import LocalStore
from olistctl.errors import Interrupted, OlistError, OperationFailed, Refused, UsageError
from olistctl.fs import is_temporary, stat_identity
from olistctl.records import QueryResult, WrittenResult
from olistctl.sql.params import BoundParam
from olistctl.worker import WAIT_S, Worker

if TYPE_CHECKING:
    import duckdb

    from olistctl.result_file import ResultTarget
    from olistctl.sql.translation import Transpiled

# The schema a query is transpiled against: table -> column -> Athena type.
_Schema = dict[str, dict[str, str]]

_R = TypeVar("_R")

# Transpiled queries, under the workspace root (removed with it by teardown).
TRANSPILE_CACHE = Path(".cache") / "sql"
# The table each query's result is materialised in, in the query's own connection.
_RESULT_TABLE = "olistctl_result"
# How Athena writes a results CSV.
# USE_TMP_FILE false: the file is already a temporary name, renamed when complete.
_CSV_OPTIONS = "FORCE_QUOTE *, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S.%g', USE_TMP_FILE false"

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


def connect(
    *,
    allowed_paths: Sequence[str] = (),
    allowed_directories: Sequence[str] = (),
    temp_directory: str | None = None,
):
    """A DuckDB connection as Athena sessions behave (UTC), sandboxed to ``allowed_paths``.

    The second wall behind the SQL checks: no file but the ones listed (the
    catalog's Parquet files) or inside ``allowed_directories`` (the engine's
    scratch folder for result files) can be opened, no extension can be
    installed or loaded, nothing is fetched from the network, and the settings are
    locked so the query itself cannot undo any of it. DuckDB spills to
    ``temp_directory`` (default: a new folder under the system's temporary folder,
    which DuckDB creates only if it spills and removes on close), never to the
    current folder.
    """
    import duckdb

    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        spill = temp_directory or os.path.join(
            tempfile.gettempdir(), f"olistctl-duckdb-{uuid.uuid4().hex}"
        )
        con.execute("SET TimeZone='UTC'")
        con.execute("SET temp_directory=?", [spill])
        con.execute("SET allow_community_extensions=false")
        # DuckDB draws a progress bar on stdout after 2 s: it would land in `-o csv > file`.
        con.execute("SET enable_progress_bar=false")
        # The allowed paths first: they cannot change once external access is off.
        con.execute("SET allowed_paths=?", [[os.path.abspath(p) for p in allowed_paths]])
        con.execute(
            "SET allowed_directories=?", [[os.path.abspath(d) for d in allowed_directories]]
        )
        con.execute("SET enable_external_access=false")
        con.execute("SET lock_configuration=true")
    except BaseException:
        con.close()
        raise
    return con


class LocalEngine(QueryEngine):
    def __init__(self, store: LocalStore, catalog: LocalCatalog, database: str | None) -> None:
        self.store = store
        self.catalog = catalog
        self.database = database
        # The process's one connection, the files it may read, and its scratch folder.
        self._con: duckdb.DuckDBPyConnection | None = None
        self._allowed: frozenset[str] = frozenset()
        self._scratch: Path | None = None
        self._forget_scratch: Callable[[], object] = lambda: None
        self._running = False
        self._scratch_error: OSError | None = None
        # One query at a time on the one connection (a script's threads may share a lake).
        self._busy = threading.Lock()

    def parquet_files(self, table: str) -> list[Path]:
        """The Parquet files of ``processed/<table>/``, by name, as absolute paths.

        Listed here rather than with ``LocalStore.list``, which reads every
        footer (with pyarrow) for the source checksum the engine does not need.
        Table names come from the catalog, a file in the workspace: one that is not
        a plain folder name, or a file that links outside the table's folder, is
        refused rather than followed.
        """
        if not table or table in (".", "..") or any(c in table for c in "/\\\0"):
            raise UnsafeQuery(
                f"The catalog names a table {table!r} that is not a folder of processed/",
                hint="run `olistctl crawl` to rebuild the catalog",
            )
        folder = Path(os.path.abspath(self.store.ws.path(layout.PROCESSED, table)))
        try:
            names = sorted(os.listdir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        inside = os.path.realpath(folder) + os.sep
        files = []
        for name in names:
            if not name.endswith(layout.PARQUET_SUFFIX) or is_temporary(name):
                continue
            path = folder / name
            if not os.path.realpath(path).startswith(inside):
                raise UnsafeQuery(
                    f"{path} links to a file outside the workspace's processed/{table}/"
                    " folder, which the local engine does not read",
                    hint=f"remove the link, then run `olistctl transform {table} --force`",
                )
            files.append(path)
        return files

    def data_version(self) -> str | None:
        """The catalog (database, tables, columns, types) and each table's Parquet files by
        stat identity (size, modification and status-change times, inode, device: a file
        olistctl writes again is renamed into place, a new inode). DuckDB's release is in
        the code identity the caller adds (importing DuckDB to ask costs ~60 ms).

        The catalog file and each table's folder count by stat identity too: what they
        hold could change after this and change back before the next run (a file copied
        in while a query ran, then removed; a crawl, then the old catalog again), and an
        answer read in between must not be kept under a version that comes back. Their
        status-change times only move forward, so a version never does."""
        parts: list[object] = ["local", self.database]
        parts.append(_identity(self.store.ws.catalog_path))
        for table, columns in self.schema().items():
            files = []
            for path in self.parquet_files(table):
                # Of what DuckDB reads, through a link if it is one.
                files.append([path.name, _identity(path)])
            folder = self.store.ws.path(layout.PROCESSED, table)
            parts.append([table, list(columns.items()), _identity(folder), files])
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

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

    def _cache(self):
        from olistctl.sql.cache import TranspileCache

        ws = self.store.ws
        return TranspileCache(
            ws.root / TRANSPILE_CACHE,
            engine=engine_label(),
            # Not flushed to disk: an entry a crash loses is transpiled again.
            write=lambda path, data: ws.write_bytes(path, data, durable=False),
            remove=ws.remove,
        )

    def prepare(self, statements: Iterable[tuple[str, Sequence[BoundParam]]]) -> None:
        """Transpile ``statements`` (SQL and the parameters it will run with) into the cache now.

        Called after a crawl with the shipped queries and their default parameters,
        so that their first ``olistctl query --name`` does not pay for importing
        sqlglot and transpiling. The cache holds the SQL with its ``?`` marks, keyed
        by the parameters' types, so any other values of those types hit it too.
        A statement the engine refuses is left out: running it says why.
        """
        cache = self._cache()
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
        return self._transpiled(
            sql,
            params,
            lambda transpiled, schema, notes, check: self._run(
                transpiled, schema, params, max_rows, notes, check=check
            ),
        )

    def export(
        self, sql: str, *, params: Sequence[BoundParam] = (), target: ResultTarget
    ) -> WrittenResult:
        """Run ``sql`` and stream every row, as Arrow batches, into ``target`` (``query --out``).

        The batches are written from Python, so the sandbox's allowed paths stay
        the query's Parquet files: the connection never opens the output file.
        """
        return self._transpiled(
            sql,
            params,
            lambda transpiled, schema, notes, check: self._export(
                transpiled, schema, params, target, notes, check=check
            ),
        )

    def _transpiled(
        self,
        sql: str,
        params: Sequence[BoundParam],
        run: Callable[[Transpiled, _Schema, list[str], bool], _R],
    ) -> _R:
        """``run(transpiled, schema, notes, check)`` on the query's DuckDB SQL (from the cache
        or new); ``check``: whether the guard reads it first (all but the release's own)."""
        # Shared: a command that changes the workspace waits, and does not take this
        # query's temporary files for a killed command's leftovers.
        param_types = [p.sql_type for p in params]
        with self._one_query(), self.store.ws.shared():
            cache = self._cache()
            schema = self.schema()
            transpiled = cache.transpile(
                sql, schema, database=self.database, param_types=param_types
            )
            if not cache.hit:
                return self._interruptible(lambda: run(transpiled, schema, [], True))
            # The release's translations were checked when they were made
            # (scripts/prebuild_sql.py): package data, as trusted as this module.
            check = not cache.shipped
            # Where the translation came from, for the note if it is not used: a shipped
            # one stays in the package, and the query's new translation goes to the cache.
            if cache.shipped:
                from olistctl.sql import prebuilt

                where = f"The translation of this query shipped with olistctl ({prebuilt.PATH})"
                then = "; the query was translated again instead."
            else:
                where = (
                    "A cached translation of this query in the workspace's cache folder"
                    f" {cache.folder}"
                )
                then = None
            try:
                return self._interruptible(lambda: run(transpiled, schema, [], check))
            except UnsafeQuery as refusal:
                # Not what olistctl wrote: never run it; transpile again and replace it.
                note = f"{where} was refused ({refusal.why})" + (then or " and replaced.")
                failed: OlistError | None = None
            except Interrupted:
                raise
            except OlistError as error:
                # Once: a fresh translation that is the same SQL fails the same way.
                reason = error.message.rstrip(".")
                note = f"{where} failed ({reason})" + (then or " and was replaced.")
                failed = error
            fresh = cache.transpile(
                sql, schema, database=self.database, param_types=param_types, refresh=True
            )
            if failed is not None and fresh.duckdb_sql == transpiled.duckdb_sql:
                raise failed
            return self._interruptible(lambda: run(fresh, schema, [note], True))

    @contextlib.contextmanager
    def _one_query(self) -> Iterator[None]:
        """The engine's one connection for this query; UsageError while another thread's
        query holds it (DuckDB would refuse the busy connection mid-query, and the close
        after that left the running query where ``cancel()`` no longer reached it)."""
        if not self._busy.acquire(blocking=False):
            raise UsageError(
                "This lake is already running a query (in another thread)",
                hint="wait for it to end, or open a lake for each thread with olistctl.connect()",
            )
        try:
            yield
        finally:
            self._busy.release()

    def _interruptible(self, call: Callable[[], _R]) -> _R:
        """``call()`` (a query's DuckDB work) where Ctrl-C, SIGTERM and SIGHUP stop it at once.

        On the main thread the work runs in a thread of its own while this one waits
        in Python (``Worker.wait_ended``), where the signal's handler runs within
        ``WAIT_S``; it then interrupts DuckDB, waits for the work to end (its files
        removed, the lock let go) and raises the ``KeyboardInterrupt`` on. Run on the
        main thread, DuckDB checks for signals only between the pieces of work that
        thread does itself: while one of its worker threads ran the long part, the main
        thread waited in C++ and a SIGINT went unnoticed until the query ended
        (docs/architecture.md, "Ctrl-C and the local engine"). Elsewhere (the shell's
        query thread) the caller's main thread cancels, and ``call()`` runs here as it is.
        """
        if threading.current_thread() is not threading.main_thread():
            return call()
        work = Worker(call, "olistctl-query")
        try:
            work.start()
            work.wait_ended()
        except KeyboardInterrupt:
            self._stop(work)
            raise
        return work.result()

    def _stop(self, work: Worker) -> None:
        """Interrupt the query until its thread has ended, through any further signal.

        Again and again: ``cancel()`` does nothing while the query is being prepared,
        and DuckDB forgets an interrupt that finds no statement running (before the
        query, or between two of its statements): the next one runs.
        """
        while work.running:
            try:
                self.cancel()
                work.wait(WAIT_S)
            except KeyboardInterrupt:
                continue  # a second Ctrl-C: the first one is already being acted on

    def _files(self, transpiled: Transpiled, schema: _Schema) -> dict[str, list[Path]]:
        """The Parquet files of each table the query reads; refused before anything is made."""
        unknown = [t for t in transpiled.tables if t not in schema]
        if unknown:
            why = f"it reads {', '.join(unknown)}, which the catalog does not hold"
            raise UnsafeQuery(
                f"The local engine refused to run the query's DuckDB SQL: {why}",
                hint="if it came from the workspace's cache (.cache/sql), delete that folder;"
                " otherwise report it as a bug in olistctl",
                why=why,
            )
        files = {table: self.parquet_files(table) for table in transpiled.tables}
        for table, paths in files.items():
            if not paths:
                raise OperationFailed(
                    f"The table {table} has no Parquet files under processed/{table}/",
                    hint=f"run `olistctl transform {table}` and `olistctl crawl`",
                )
        return files

    def _connection(self, files: dict[str, list[Path]]) -> duckdb.DuckDBPyConnection:
        """The engine's connection, opened (again) when it may not read one of ``files``.

        It may read the Parquet files of every catalog table (a table whose folder
        the engine refuses to read is left out, so it refuses only the queries that
        read it) and write only in its scratch folder.
        """
        wanted = {str(p) for paths in files.values() for p in paths}
        if self._con is not None and wanted <= self._allowed:
            return self._con
        self.close()
        allowed = set(wanted)
        for table in self.catalog.tables():
            with contextlib.suppress(UnsafeQuery):
                allowed.update(str(p) for p in self.parquet_files(table.name))
        scratch: Path | None
        try:
            scratch = Path(tempfile.mkdtemp(prefix="olistctl-results-"))  # mode 0700
        except OSError as exc:
            # No scratch folder (a full temporary folder): answer, without the results copy.
            scratch, self._scratch_error = None, exc
        cleanup: Callable[[], object] = (
            # Removed with the engine, or at exit by an engine never closed (a script's).
            weakref.finalize(self, shutil.rmtree, scratch, ignore_errors=True)
            if scratch is not None
            else (lambda: None)
        )
        try:
            con = connect(
                allowed_paths=sorted(allowed),
                allowed_directories=[str(scratch)] if scratch is not None else [],
            )
        except BaseException:
            cleanup()
            raise
        self._con, self._allowed, self._scratch = con, frozenset(allowed), scratch
        self._forget_scratch = cleanup
        return con

    def close(self) -> None:
        """Close the connection and remove its scratch folder (a query's files are elsewhere)."""
        con, self._con, self._allowed = self._con, None, frozenset()
        if con is not None:
            con.close()
            self._forget_scratch()
            self._scratch = None

    @contextlib.contextmanager
    def _session(
        self, transpiled: Transpiled, files: dict[str, list[Path]], *, check: bool
    ) -> Iterator[tuple[duckdb.DuckDBPyConnection, int]]:
        """The sandboxed connection with the query's views: ``(connection, bytes it scans)``;
        ``check``: the guard reads the SQL first."""
        import duckdb

        from olistctl.backends.local.guard import check_duckdb_sql
        from olistctl.sql.scan import duckdb_scan_bytes

        con = self._connection(files)
        try:
            try:
                if check:
                    check_duckdb_sql(con, transpiled.duckdb_sql, transpiled.tables)
                try:
                    for table, paths in files.items():
                        file_list = ", ".join(_quote(str(p)) for p in paths)
                        con.execute(
                            f"CREATE OR REPLACE VIEW {_identifier(table)} AS"
                            f" SELECT * FROM read_parquet([{file_list}])"
                        )
                    # First, from every file's footer: a damaged file fails here, before
                    # any result is written (a query may never open a file).
                    scanned = duckdb_scan_bytes(con, transpiled.columns, files).bytes
                except duckdb.Error as exc:
                    raise _damaged_file(exc, files) from exc
            except duckdb.Error as exc:
                raise _engine_error(exc) from exc
            except RuntimeError as exc:
                raise _interrupted(exc) from None
            self._running = True
            yield con, scanned
        except BaseException:
            # Interrupted or failed: a fresh connection for the next query, to be sure
            # nothing of this one's state carries over.
            self.close()
            raise
        finally:
            self._running = False
            if self._con is con:
                with contextlib.suppress(duckdb.Error):
                    con.execute(f"DROP TABLE IF EXISTS {_RESULT_TABLE}")

    def _run(
        self,
        transpiled: Transpiled,
        schema: _Schema,
        params: Sequence[BoundParam],
        max_rows: int | None,
        notes: list[str],
        *,
        check: bool,
    ) -> QueryResult:
        import duckdb

        files = self._files(transpiled, schema)  # refusals first: nothing is made before
        query_id = str(uuid.uuid4())
        out = self.store.ws.path("results", f"{query_id}.csv")
        started = time.perf_counter()
        results = _ResultsFile(self.store.ws, out, notes)
        with self._session(transpiled, files, check=check) as (con, scanned):
            try:
                values = [p.value for p in params] or None
                # Bound and run once, into the result table: asking the relational API for
                # the names first bound it twice (45-78 ms of executive_kpis' 40 KB).
                con.execute(f"CREATE TABLE {_RESULT_TABLE} AS {transpiled.duckdb_sql}", values)
                table = con.table(_RESULT_TABLE)
                columns = list(table.columns)
                types = [result_type(t) for t in table.types]
                if _maybe_renamed(columns):
                    # Names may repeat, as in Athena, but not in a table: the query's own
                    # names, from binding it once more (it does not run again).
                    columns = list(con.sql(transpiled.duckdb_sql, params=values).columns)
                if self._scratch is None:
                    results.unsaved(self._scratch_error)
                else:
                    results.write(con, columns, self._scratch / f"{query_id}.csv")
                limit = "" if max_rows is None else f" LIMIT {max_rows + 1}"
                rows = con.execute(f"SELECT * FROM {_RESULT_TABLE}{limit}").fetchall()
            except duckdb.Error as exc:
                raise _engine_error(exc) from exc
            except RuntimeError as exc:
                raise _interrupted(exc) from None
        truncated = max_rows is not None and len(rows) > max_rows
        if truncated:
            rows = rows[:max_rows]
        engine_ms = (time.perf_counter() - started) * 1000
        return QueryResult(
            columns=columns,
            types=types,
            rows=rows,
            engine_ms=engine_ms,
            bytes_scanned=scanned,
            query_id=query_id,
            truncated=truncated,
            output_location=str(out) if results.saved else None,
            notes=notes,
        )

    def _export(
        self,
        transpiled: Transpiled,
        schema: _Schema,
        params: Sequence[BoundParam],
        target: ResultTarget,
        notes: list[str],
        *,
        check: bool,
    ) -> WrittenResult:
        import duckdb

        from olistctl.result_file import BATCH_ROWS

        files = self._files(transpiled, schema)
        started = time.perf_counter()
        with self._session(transpiled, files, check=check) as (con, scanned):
            try:
                relation = con.sql(transpiled.duckdb_sql, params=[p.value for p in params] or None)
                columns = list(relation.columns)
                reader = relation.to_arrow_reader(BATCH_ROWS)
                rows = target.write(reader, reader.schema)
            except duckdb.Error as exc:
                raise _engine_error(exc) from exc
            except RuntimeError as exc:
                raise _interrupted(exc) from None
        return WrittenResult(
            path=str(target.path),
            format=target.format,
            rows=rows,
            bytes=target.path.stat().st_size,
            columns=columns,
            engine_ms=(time.perf_counter() - started) * 1000,
            bytes_scanned=scanned,
            notes=notes,
        )

    def cancel(self) -> None:
        import duckdb

        con = self._con
        if con is not None and self._running:
            # The query's thread may close the connection at this very moment.
            with contextlib.suppress(duckdb.Error):
                con.interrupt()


class _ResultsFile:
    """``results/<query id>.csv``, as Athena writes results to S3, but best-effort.

    A query needs to write nothing: on a read-only or full disk (or with a file of
    the user's in the way) the answer is still given, with a note that its copy under
    results/ is missing. DuckDB writes the CSV in the engine's scratch folder; it is
    copied from there into a temporary the workspace made (listed, in a folder reached
    without links) and renamed into place, so nothing is written into the workspace by
    a path that a link could redirect.
    """

    def __init__(self, ws, out: Path, notes: list[str]) -> None:
        self.ws = ws
        self.out = out
        self.notes = notes
        self.ready = False
        self.saved = False
        try:
            ws.claim(out)
            self.ready = True
        except (OSError, Refused) as exc:
            self._not_saved(exc)

    def unsaved(self, exc: OSError | None) -> None:
        """No scratch folder to write the results in: the answer stands, without its copy."""
        if self.ready:
            self._not_saved(exc or OSError("no temporary folder"), scratch=tempfile.gettempdir())
            self.ready = False

    def write(self, con, columns: list[str], staged: Path) -> None:
        """DuckDB writes ``staged`` (in the engine's scratch folder), copied here from there."""
        import duckdb

        if not self.ready:
            return
        tmp: Path | None = None
        try:
            try:
                _write_results_csv(con, columns, staged)
            except (duckdb.IOException, OSError) as exc:
                # The scratch folder's disk, not the workspace's: say which one to free.
                self._not_saved(exc, scratch=str(staged.parent.parent))
                return
            tmp, fd = self.ws.new_temporary(self.out)
            with os.fdopen(fd, "wb") as copy, open(staged, "rb") as rows:
                shutil.copyfileobj(rows, copy, 1 << 20)
            # Not flushed to disk: a copy of an answer already printed, that a crash may lose.
            self.ws.publish(tmp, self.out)
            tmp = None
            self.saved = True
        except (duckdb.IOException, OSError, Refused) as exc:
            self._not_saved(exc)
        finally:
            self.ws.discard(tmp)
            with contextlib.suppress(OSError):
                staged.unlink()

    def _not_saved(self, exc: BaseException, *, scratch: str | None = None) -> None:
        if isinstance(exc, Refused):
            reason = exc.message
        elif isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        else:
            reason = _io_reason(str(exc))
        if scratch is not None:  # written in the temporary folder first, which failed
            reason = f"writing it first in the temporary folder {scratch}: {reason}"
        self.notes.append(
            f"The result was not saved to {self.out.parent} ({reason}); the rows above are"
            " complete."
        )


def _io_reason(text: str) -> str:
    if "No space left on device" in text or '"errno":"28"' in text:
        return "No space left on device"
    return text.strip().splitlines()[0] if text.strip() else "an I/O error"


def _identity(path: Path) -> list[int] | None:
    """A file's or folder's stat identity (through a link), None where there is none."""
    try:
        return stat_identity(os.stat(path))
    except FileNotFoundError:
        return None


def engine_label() -> str:
    """What runs the translations, as the transpile cache's key names it: DuckDB and its release."""
    import duckdb

    return f"duckdb {duckdb.__version__}"


def _interrupted(exc: RuntimeError) -> BaseException:
    """DuckDB's answer to a Ctrl-C (SIGINT) that reached it mid-query, as olistctl's."""
    if "interrupted" in str(exc).lower():
        return Interrupted("The query was cancelled")
    return exc


def _damaged_file(exc: BaseException, files: dict[str, list[Path]]) -> OlistError:
    """A failure reading the tables' files (their schema, their footers): no fault of the
    query's, so the advice is to write the file again."""
    error = _engine_error(exc)
    if isinstance(error, UnsafeQuery) or error.message.startswith("The disk is full"):
        return error
    text = str(exc)
    table = next((t for t, paths in files.items() for p in paths if str(p) in text), None)
    error.hint = "convert the damaged file again with `olistctl transform --force" + (
        f" {table}`" if table else "`"
    )
    return error


def _engine_error(exc: BaseException) -> OlistError:
    """A DuckDB failure as the error a user can act on."""
    import duckdb

    from olistctl.sql.failures import duckdb_error

    text = str(exc)
    if isinstance(exc, duckdb.IOException) and _io_reason(text) == "No space left on device":
        return OperationFailed(
            "The disk is full: the local engine ran out of space for the data it works on",
            hint=f"free some space in {tempfile.gettempdir()} (where it spills) and run the"
            " query again",
        )
    if isinstance(exc, duckdb.PermissionException):
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        return UnsafeQuery(
            f"The local engine refused a file access the query is not allowed ({first})",
            hint="if the query came from the workspace's cache (.cache/sql), delete that"
            " folder; otherwise report it as a bug in olistctl",
        )
    return duckdb_error(exc)


def _body(tmp: Path) -> Path:
    """Where the rows go first when the header must be written apart (a temporary name)."""
    return tmp.with_name(f"{tmp.stem}.body.tmp")


_NUMBERED = re.compile(r"(.+)_[0-9]+", re.DOTALL)  # a quoted name may hold a line break


def _maybe_renamed(columns: list[str]) -> bool:
    """Whether DuckDB may have renamed a repeated name in a result table: it keeps the
    first ``a`` (or ``A``) and makes the next one the first free ``a_1``, ``a_2``, … (so a
    renamed column's stem is always another column's name)."""
    names = {c.lower() for c in columns}
    return any(
        (found := _NUMBERED.fullmatch(c)) is not None and found.group(1).lower() in names
        for c in columns
    )


def _write_results_csv(con, columns: list[str], path: Path) -> None:
    """The materialised result as Athena's results CSV, header included."""
    if len(set(columns)) == len(columns):
        con.execute(f"COPY {_RESULT_TABLE} TO {_quote(str(path))} (HEADER, {_CSV_OPTIONS})")
        return
    # The result table renamed repeated names (a, a_1); the header keeps the query's.
    body = _body(path)
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


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
