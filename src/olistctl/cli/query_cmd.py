"""Run Athena SQL: on Athena (aws) or on DuckDB with Athena's semantics (local).

Give the SQL as an argument, from a file (`--file`), or by the name of a
shipped analytics query (`--name`; `--list` shows them and their parameters).
Parameter values are bound, never pasted into the SQL: `--param NAME=VALUE`
for a shipped query; for your own SQL one `--param VALUE` per `?`, in order,
as text or as TYPE:VALUE (`date:2018-01-01`, `integer:3`, `double:0.5`,
`decimal:9.90`, `bigint:…`, `timestamp:…`, `boolean:…`).
After the rows, stderr gets: rows, elapsed time, the bytes Athena scans (aws)
or would scan (local estimate from the Parquet column chunks the query reads),
and the cost.
"""

# No ``from __future__ import annotations``: typer reads the command's annotations at every
# start, and strings it evaluates twice (inspect and typing, ~1 ms here).
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from olistctl.cli.options import MaxRowsOpt, OutputOpt, given_on_command_line
from olistctl.cli.render import ChartKind, OutputFormat
from olistctl.cli.state import get_state
from olistctl.errors import UsageError

if TYPE_CHECKING:
    from olistctl.cli.state import AppState
    from olistctl.sql.named import NamedQuery
    from olistctl.sql.params import BoundParam


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
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="A parameter value, repeatable: NAME=VALUE for --name; for your own SQL"
            " one VALUE per ? in order (text, or TYPE:VALUE such as date:2018-01-01).",
            show_default=False,
        ),
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list", "-l", help="List the shipped queries and their parameters.")
    ] = False,
    output: OutputOpt = OutputFormat.table,
    max_rows: MaxRowsOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write every row to this .parquet or .csv file (atomically) instead of"
            " showing them.",
            show_default=False,
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Let --out replace an existing file.")
    ] = False,
    chart: Annotated[
        ChartKind | None,
        typer.Option(
            "--chart",
            help="Draw the answer in the terminal instead of a table: bar or line, for two"
            " columns (a label or time, and a number).",
            case_sensitive=False,
            show_default=False,
            metavar="KIND",
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show the query id (aws shows it anyway).")
    ] = False,
) -> None:
    from olistctl.cli.render import emit

    state = get_state(ctx)
    if list_:
        from olistctl.sql.named import list_queries

        if param:
            raise UsageError("--list takes no --param", hint="drop the --param values")
        ignored = [
            what
            for what, given in (
                ("SQL", sql is not None),
                ("--file", file is not None),
                ("--name", name is not None),
                ("--out", out is not None or overwrite),
                ("--chart", chart is not None),
                ("--max-rows", max_rows is not None),
            )
            if given
        ]
        if ignored:
            raise UsageError(
                f"--list shows the shipped queries and runs none, so it takes no"
                f" {' and no '.join(ignored)}",
                hint="drop --list to run the query, or drop"
                f" {' and '.join('the SQL' if w == 'SQL' else w for w in ignored)}",
            )
        emit(
            state.out,
            ["name", "parameters", "description"],
            [
                (q.name, ", ".join(p.describe() for p in q.params), q.description)
                for q in list_queries()
            ],
            output,
        )
        return
    if chart is not None and out is not None:
        raise UsageError(
            "--chart draws the answer in the terminal, and --out writes it to a file",
            hint="drop one of them (or run the query once with each)",
        )
    if chart is not None and output is not OutputFormat.table:
        raise UsageError(
            f"--chart draws in the terminal, and --output {output.value} writes data",
            hint="drop one of them",
        )
    if out is not None and given_on_command_line(ctx, "output"):  # not OLISTCTL_OUTPUT
        raise UsageError(
            f"--output {output.value} shows the rows, and --out writes them to {out} in the"
            " format its name ends in",
            hint="drop --output (or --out, to see the rows)",
        )
    statement, named = _statement(sql, file, name)
    params = cli_params(param or [], named)
    if out is not None or overwrite:
        from olistctl.cli.query_out import write_out

        write_out(state, statement, params, out, overwrite=overwrite, max_rows=max_rows)
        return
    run_and_show(
        state,
        statement,
        params=params,
        output=output,
        max_rows=max_rows,
        name=name,
        chart=chart,
        verbose=verbose,
    )


def _statement(
    sql: str | None, file: Path | None, name: str | None
) -> tuple[str, "NamedQuery | None"]:
    given = [x for x in (sql, file, name) if x is not None]
    if len(given) != 1:
        raise UsageError(
            "Give exactly one of: the SQL as an argument, --file or --name",
            hint='e.g. olistctl query "SELECT COUNT(*) FROM olist_orders_dataset"',
        )
    if file is not None:
        from olistctl.ingest.inputs import refuse_special_file

        if file.exists():
            refuse_special_file(file, what="a file of SQL")  # a FIFO would block the read
        try:
            # utf-8-sig: a byte-order mark (Windows editors write one) is not SQL.
            return file.read_text(encoding="utf-8-sig"), None
        except OSError as exc:
            raise UsageError(f"Cannot read {file} ({exc.strerror})", hint="check the path") from exc
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{file} is not UTF-8 text (byte {exc.start} cannot be decoded)",
                hint="give a file that holds the SQL as text",
            ) from exc
    if name is not None:
        from olistctl.sql.named import get_query, list_queries

        try:
            query = get_query(name)
        except KeyError:
            import difflib

            names = [q.name for q in list_queries()]
            close = difflib.get_close_matches(name, names, n=3)
            hint = (
                f"did you mean {' or '.join(close)}? `olistctl query --list` shows all {len(names)}"
                if close
                else f"`olistctl query --list` shows the {len(names)} there are"
            )
            raise UsageError(f"There is no query named {name!r}", hint=hint) from None
        return query.sql, query
    assert sql is not None
    return sql, None


def cli_params(texts: list[str], named: "NamedQuery | None") -> "list[BoundParam]":
    """The ``--param`` values: NAME=VALUE for a shipped query, positional values for SQL."""
    from olistctl.sql.params import parse_positional

    if named is None:
        return [parse_positional(text, index) for index, text in enumerate(texts, start=1)]
    takes = ", ".join(p.name for p in named.params) or "no parameters"
    given: dict[str, str] = {}
    for text in texts:
        key, equals, value = text.partition("=")
        key = key.strip()
        if not equals or not key:
            raise UsageError(
                f"--param {text} is not NAME=VALUE",
                hint=f"a shipped query takes --param NAME=VALUE ({named.name} takes {takes})",
            )
        if key in given:
            raise UsageError(f"The parameter {key} is given twice", hint="give each parameter once")
        given[key] = value
    return named.bind(given)


def run_and_show(
    state: "AppState",
    statement: str,
    *,
    params: "list[BoundParam] | None" = None,
    output: OutputFormat,
    max_rows: int | None,
    title: str | None = None,
    name: str | None = None,
    chart: ChartKind | None = None,
    verbose: bool = False,
) -> None:
    """Run ``statement`` and print its answer; ``name``: a shipped query, warned about if empty."""
    from olistctl import querying
    from olistctl.cli.render import emit
    from olistctl.cli.summaries import query_stats, warn_if_empty
    from olistctl.errors import Interrupted

    backend = state.backend()
    try:
        result = querying.query(backend, statement, params=params or (), max_rows=max_rows)
    except KeyboardInterrupt:
        backend.engine.cancel()
        raise Interrupted("The query was cancelled") from None
    if chart is not None:
        from olistctl.cli.chart import show_chart

        show_chart(state.out, result.columns, result.rows, chart, title=title)
    else:
        emit(state.data_out(output), result.columns, result.rows, output, title=title)
    state.info(query_stats(state, result, verbose=verbose))
    for note in result.notes:
        state.info(note)
    if name is not None:
        warn_if_empty(state, [(name, result)])
