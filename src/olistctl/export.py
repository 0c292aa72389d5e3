"""``query --out``: a query's every row written to a Parquet or CSV file, on either backend.

What :func:`olistctl.pipeline.query` is for rows shown, this is for rows
written: the same checks (empty SQL, one value per ``?``, catalog
statements answered from the catalog), the engine's ``export`` instead of
``execute``, and the same line in the run ledger, so ``report cost`` counts
the scan.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from olistctl.backends.base import Backend
from olistctl.errors import UsageError
from olistctl.records import LedgerEntry
from olistctl.result_file import ResultTarget, WrittenResult, batches_of

if TYPE_CHECKING:
    from olistctl.sql.params import BoundParam


def export(
    backend: Backend,
    sql: str,
    *,
    params: Sequence[BoundParam] = (),
    target: ResultTarget,
) -> WrittenResult:
    """Run ``sql`` (``params`` bound to its ``?`` marks) and write every row to ``target``."""
    from olistctl.sql.catalog_statements import parse_catalog_statement
    from olistctl.sql.params import check_count

    if not sql.strip():
        raise UsageError("The SQL is empty", hint='pass a statement: olistctl query "SELECT 1"')
    if parse_catalog_statement(sql) is not None:
        return _catalog_answer(backend, sql, params, target)
    check_count(sql, params)
    begun = datetime.now(UTC)
    started = time.perf_counter()
    written = backend.engine.export(sql, params=params, target=target)
    entry = LedgerEntry(
        stage="query",
        started=begun,
        seconds=time.perf_counter() - started,
        rows=written.rows,
        bytes_scanned=written.bytes_scanned,
        requests=1,
        backend=backend.name,
        detail=written.query_id,
    )
    try:
        backend.ledger.append([entry])
    except OSError as exc:
        written.notes.append(
            f"The query was not recorded in the run ledger ({exc.strerror or exc});"
            " `report cost` will not count it."
        )
    return written


def _catalog_answer(
    backend: Backend, sql: str, params: Sequence[BoundParam], target: ResultTarget
) -> WrittenResult:
    """SHOW TABLES / SHOW COLUMNS / DESCRIBE, answered from the catalog, written like rows."""
    from olistctl import pipeline
    from olistctl.arrow_rows import to_arrow

    result = pipeline.query(backend, sql, params=params)
    table = to_arrow(result.columns, result.types, result.rows)
    rows = target.write(batches_of(table), table.schema)
    return WrittenResult(
        path=str(target.path),
        format=target.format,
        rows=rows,
        bytes=target.path.stat().st_size,
        columns=result.columns,
        engine_ms=result.engine_ms,
        notes=["Answered from the catalog: no query ran, nothing billed."],
    )
