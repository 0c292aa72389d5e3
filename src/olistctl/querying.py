"""One query on whichever backend: the checks before it runs, the engine, its ledger line.

What ``olistctl query``, ``query --out``, the shell and the Python API run, and
``run`` for its KPIs (:mod:`olistctl.pipeline` takes these from here). Kept apart
from the pipeline's stages so that a query process does not import them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from olistctl.errors import Refused, UsageError
from olistctl.records import LedgerEntry, QueryResult, WrittenResult

if TYPE_CHECKING:
    from olistctl.backends.base import Backend
    from olistctl.result_file import ResultTarget
    from olistctl.sql.params import BoundParam


def _catalog_answer(backend: Backend, sql: str, max_rows: int | None) -> QueryResult | None:
    """SHOW TABLES / SHOW COLUMNS / DESCRIBE answered from the catalog; None for other SQL."""
    from olistctl.sql.catalog_statements import answer, parse_catalog_statement

    statement = parse_catalog_statement(sql)
    if statement is None:
        return None
    started = time.perf_counter()
    found = answer(statement, backend.catalog.tables(), backend.database())
    rows = found.rows if max_rows is None else found.rows[:max_rows]
    return QueryResult(
        columns=found.columns,
        types=found.types,
        rows=rows,
        engine_ms=(time.perf_counter() - started) * 1000,
        bytes_scanned=0,
        truncated=max_rows is not None and len(found.rows) > max_rows,
        from_catalog=True,
    )


def query(
    backend: Backend,
    sql: str,
    *,
    params: Sequence[BoundParam] = (),
    max_rows: int | None = None,
) -> QueryResult:
    """Run ``sql`` with ``params`` bound to its ``?`` marks in order (see ``sql.params``)."""
    begun, started = datetime.now(UTC), time.perf_counter()
    answered = _checked(backend, sql, params, max_rows)
    if answered is not None:
        return answered  # no query ran: nothing to bill or record
    result = backend.engine.execute(sql, params=params, max_rows=max_rows)
    record_query(backend, begun, started, len(result.rows), result)
    return result


def export(
    backend: Backend,
    sql: str,
    *,
    params: Sequence[BoundParam] = (),
    target: ResultTarget,
) -> WrittenResult:
    """Run ``sql`` (``params`` bound to its ``?`` marks) and write every row to ``target``.

    What :func:`query` is for rows shown, this is for rows written (``query --out``):
    the same checks, the engine's ``export`` instead of ``execute``, the same line in
    the run ledger; a catalog statement is answered from the catalog and written alike.
    """
    begun, started = datetime.now(UTC), time.perf_counter()
    answered = _checked(backend, sql, params, None)
    if answered is not None:
        return _write_catalog_answer(answered, target)
    written = backend.engine.export(sql, params=params, target=target)
    record_query(backend, begun, started, written.rows, written)
    return written


def _checked(
    backend: Backend, sql: str, params: Sequence[BoundParam], max_rows: int | None
) -> QueryResult | None:
    """The checks every query passes before it runs; a catalog statement's answer, if it is one."""
    from olistctl.sql.params import check_count

    if not sql.strip():
        raise UsageError("The SQL is empty", hint='pass a statement: olistctl query "SELECT 1"')
    answered = _catalog_answer(backend, sql, max_rows)
    if answered is not None:
        if params:
            raise UsageError(
                "SHOW and DESCRIBE statements take no parameters", hint="drop the values"
            )
        return answered
    check_count(sql, params)  # one clear message on both backends, before anything runs
    return None


def record_query(
    backend: Backend,
    begun: datetime,
    started: float,
    rows: int,
    ran: QueryResult | WrittenResult,
) -> None:
    """The query's line in the run ledger, so ``report cost`` counts its scan.

    A reused KPI answer (``kpi_answers``) ran and scanned nothing here, but the cost
    report prices the ledger as AWS would bill it, and Athena (which ``run`` never
    reuses on) would scan it again: its line carries the scan of the run that answered it.
    """
    seconds, scanned, detail = time.perf_counter() - started, ran.bytes_scanned, ran.query_id
    if isinstance(ran, QueryResult) and ran.reused_from is not None:
        seconds, scanned, detail = 0.0, ran.scan_if_run_again, "reused"
    entry = LedgerEntry(
        stage="query",
        started=begun,
        seconds=seconds,
        rows=rows,
        bytes_scanned=scanned,
        requests=1,
        backend=backend.name,
        detail=detail,
    )
    try:
        backend.ledger.append([entry])
    except (OSError, Refused) as exc:
        # A query needs to write nothing (a read-only workspace, a full disk, a file of
        # the user's in the ledger's place): the answer stands; only the cost report
        # will not count it.
        reason = exc.message if isinstance(exc, Refused) else exc.strerror or exc
        ran.notes.append(
            f"The query was not recorded in the run ledger ({reason});"
            " `report cost` will not count it."
        )


def _write_catalog_answer(result: QueryResult, target: ResultTarget) -> WrittenResult:
    """SHOW TABLES / SHOW COLUMNS / DESCRIBE written like rows: no query ran, nothing billed."""
    from olistctl.arrow_rows import to_arrow
    from olistctl.result_file import batches_of

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
