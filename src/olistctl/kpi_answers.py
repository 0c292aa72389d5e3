"""The answers of ``olistctl run``'s KPI queries, reused while nothing they depend on changed.

A re-run over unchanged input uploads, converts and crawls nothing, and then
ran the three KPI queries again: ~0.3 s of a ~0.55 s no-op run (importing
DuckDB, opening it, running them; bench/analysis.md), for the same answers.
Athena has the same idea, query result reuse (per query, opt-in, while the
previous result is younger than a maximum age: "Reuse query results in
Athena", https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html),
which trusts the data not to have changed in that time. Here an answer is
reused only while it provably would be the same: its key covers the query's
SQL, its parameters' types and values, the engine's data version (locally:
the catalog's tables, columns and types, and every Parquet file's stat identity;
:meth:`olistctl.backends.base.QueryEngine.data_version`) and the code that
answers it (olistctl's own files, DuckDB's and sqlglot's, by stat identity). An
engine that cannot say its data version (Athena) never reuses. ``run --force``
and ``run --no-reuse`` run the queries again.

Only ``run``'s KPI queries are kept: shipped queries, none of which calls a
function whose answer changes by itself (``now()``, ``rand()``; a test checks).
The file lives with the backend's own files, so whoever can write the workspace
could write it: it is signed with the user's secret (:mod:`olistctl.user_secret`),
and one that does not verify counts as empty. A reused answer ran and scanned
nothing here, but the run ledger still gets its line, with the scan of the run
that answered it: the cost report prices the ledger as AWS would bill it, and
Athena (which ``run`` never reuses on) would scan it again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from olistctl.errors import OlistError
from olistctl.fs import read_own_json, stat_identity
from olistctl.records import QueryResult
from olistctl.sql.params import BoundParam
from olistctl.user_secret import signed_document, verified_content

NAME = ".cache/kpi-answers.json"
FORMAT = 1
MAX_ROWS = 10_000  # a KPI answer is a few dozen rows; a bigger one is not kept
MAX_BYTES = 8 << 20


class _NotKept(Exception):
    """A value this file does not keep exactly: the answer is not kept."""


def _encode(value: Any) -> Any:
    # Exact round trips only: JSON keeps str, int and float (repr) as they are.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return {"b": value}
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise _NotKept
        return {"ts": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise _NotKept


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, text),) = value.items()
    if tag == "b":
        return bool(text)
    if tag == "d":
        return Decimal(text)
    if tag == "ts":
        return dt.datetime.fromisoformat(text)
    if tag == "date":
        return dt.date.fromisoformat(text)
    raise ValueError(f"unknown tag {tag!r}")


# What answers a query besides olistctl: DuckDB (its Python package and, beside it, the
# compiled module that does the work) and sqlglot.
_ENGINE_MODULES = ("duckdb", "_duckdb", "sqlglot")


def code_identity() -> list[object]:
    """What answers a query, by stat identity: olistctl's files, DuckDB's and sqlglot's.

    olistctl's files count with their status-change time and inode: an edit that keeps a
    file's size and modification time (``cp -p``, ``rsync -a``, ``touch -r``) still
    moves them. An installed package's files count by inode instead (a reinstall writes
    new files) but not by status-change time, which a hard link made by another
    environment's install from the same cache moves too.
    """
    found: list[object] = []
    root = Path(__file__).parent
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".sql", ".json")):
                path = os.path.join(folder, name)
                found.append([os.path.relpath(path, root), *stat_identity(os.stat(path))])
    for module in _ENGINE_MODULES:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.origin:
            found.append([module, None])
            continue
        origin = Path(spec.origin)
        if spec.submodule_search_locations is None:  # a module: its one file
            paths = [origin]
        else:  # a package: the files at its top
            with os.scandir(origin.parent) as entries:
                paths = [Path(e.path) for e in entries if e.is_file(follow_symlinks=False)]
        for file in sorted(paths, key=lambda p: p.name):
            st = os.stat(file)
            found.append([module, file.name, st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev])
    return found


class KpiAnswers:
    """The kept answers, by key; :meth:`save` writes them back, signed, if any changed."""

    def __init__(
        self,
        path: Path | None,
        write: Callable[[bytes], None] | None,
        *,
        secret: bytes | None,
        data_version: str | None,
        code: list[object] | None = None,
    ) -> None:
        """``code``: the :func:`code_identity` of when the process began (default: now)."""
        self.path, self.write, self.secret = path, write, secret
        self.code = code_identity() if code is None else code
        self.version = None
        if secret is not None and data_version is not None:
            text = json.dumps([FORMAT, data_version, self.code])
            self.version = hashlib.sha256(text.encode()).hexdigest()
        self._entries: dict[str, dict] = {}
        self._changed = False
        if self.version is None or path is None:
            return
        assert secret is not None
        data = read_own_json(path, limit=MAX_BYTES)
        self._entries = verified_content(data, secret, FORMAT, "entries") or {}

    def _key(self, sql: str, params: Sequence[BoundParam]) -> str:
        text = json.dumps([self.version, sql, [[p.type, p.literal] for p in params]])
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, sql: str, params: Sequence[BoundParam]) -> QueryResult | None:
        """The answer kept for this query over this data and code, marked as reused."""
        if self.version is None:
            return None
        entry = self._entries.get(self._key(sql, params))
        try:
            if not isinstance(entry, dict):
                return None
            columns, types, rows = entry["columns"], entry["types"], entry["rows"]
            if not (
                isinstance(columns, list)
                and isinstance(types, list)
                and isinstance(rows, list)
                and all(isinstance(r, list) and len(r) == len(columns) for r in rows)
                and len(types) == len(columns)
            ):
                return None
            return QueryResult(
                columns=[str(c) for c in columns],
                types=[str(t) for t in types],
                rows=[tuple(_decode(v) for v in row) for row in rows],
                engine_ms=0.0,
                bytes_scanned=0,
                reused_from=str(entry["answered"]),
                scan_if_run_again=int(entry.get("bytes_scanned") or 0),
            )
        except (KeyError, ValueError, TypeError):
            return None

    def put(
        self, sql: str, params: Sequence[BoundParam], result: QueryResult, answered: str
    ) -> None:
        """Keep ``result`` (answered at ``answered``, ISO time) unless it cannot be kept exactly."""
        if self.version is None or result.truncated or len(result.rows) > MAX_ROWS:
            return
        try:
            rows = [[_encode(v) for v in row] for row in result.rows]
        except _NotKept:
            return
        self._entries[self._key(sql, params)] = {
            "columns": list(result.columns),
            "types": list(result.types),
            "rows": rows,
            "answered": answered,
            "bytes_scanned": result.bytes_scanned,
        }
        self._changed = True

    def keep_only(self, sql_params: Sequence[tuple[str, Sequence[BoundParam]]]) -> None:
        """Drop the answers of other queries or of data or code that is gone."""
        wanted = {self._key(sql, params) for sql, params in sql_params}
        if set(self._entries) - wanted:
            self._entries = {k: v for k, v in self._entries.items() if k in wanted}
            self._changed = True

    def save(self) -> None:
        """Write the answers if they changed; a file that cannot be written is left out."""
        if self.write is None or self.version is None or not self._changed:
            return
        if code_identity() != self.code:
            # olistctl, DuckDB or sqlglot changed on disk since the process began: its
            # answers came from the code it had loaded, which the next run will not have.
            return
        assert self.secret is not None
        data = signed_document(self.secret, FORMAT, "entries", self._entries)
        # Like the checksum memo: not writing it only costs the next run its queries.
        with contextlib.suppress(OSError, OlistError):
            self.write(data)
            self._changed = False
