"""Run Athena SQL: on Athena (aws) or on DuckDB with Athena's semantics (local).

Give the SQL as an argument, from a file (`--file`), or by the name of a
shipped analytics query (`--name`; `--list` shows them). After the rows,
stderr gets: rows, elapsed time, the bytes Athena scans (aws) or would scan
(local estimate from the Parquet column chunks the query reads), and the cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from olistctl.cli.options import MaxRowsOpt, OutputOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state
from olistctl.errors import UsageError


def command(
    ctx: typer.Context,
    sql: Annotated[
        str | None, typer.Argument(help="The SQL statement.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Read the SQL from this file.", show_default=False),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Run a shipped query by name.", show_default=False),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="List the shipped queries.")] = False,
    output: OutputOpt = OutputFormat.table,
    max_rows: MaxRowsOpt = None,
) -> None:
    from olistctl.cli.render import emit

    state = get_state(ctx)
    if list_:
        from olistctl.sql.named import list_queries

        emit(
            state.out,
            ["name", "description"],
            [(q.name, q.description) for q in list_queries()],
            output,
        )
        return
    statement = _statement(sql, file, name)
    run_and_show(state, statement, output=output, max_rows=max_rows, name=name)


def _statement(sql: str | None, file: Path | None, name: str | None) -> str:
    given = [x for x in (sql, file, name) if x is not None]
    if len(given) != 1:
        raise UsageError(
            "Give exactly one of: the SQL as an argument, --file or --name",
            hint='e.g. olistctl query "SELECT COUNT(*) FROM olist_orders_dataset"',
        )
    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"Cannot read {file} ({exc.strerror})", hint="check the path") from exc
    if name is not None:
        from olistctl.sql.named import get_query, list_queries

        try:
            return get_query(name).sql
        except KeyError:
            names = ", ".join(q.name for q in list_queries())
            raise UsageError(
                f"There is no query named {name!r}", hint=f"use one of: {names}"
            ) from None
    assert sql is not None
    return sql


def run_and_show(
    state,
    statement: str,
    *,
    output: OutputFormat,
    max_rows: int | None,
    title: str | None = None,
    name: str | None = None,
) -> None:
    """Run ``statement`` and print its answer; ``name``: a shipped query, warned about if empty."""
    from olistctl import pipeline
    from olistctl.cli.render import emit
    from olistctl.cli.summaries import query_stats, warn_if_empty
    from olistctl.errors import Interrupted

    backend = state.backend()
    try:
        result = pipeline.query(backend, statement, max_rows=max_rows)
    except KeyboardInterrupt:
        backend.engine.cancel()
        raise Interrupted("The query was cancelled") from None
    emit(state.out, result.columns, result.rows, output, title=title)
    state.info(query_stats(state, result))
    if name is not None:
        warn_if_empty(state, [(name, result)])
