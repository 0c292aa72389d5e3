"""Reports: data quality of what is stored (or of given files), and what the pipeline costs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from olistctl.cli import cost_cmd
from olistctl.cli.options import OutputOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state
from olistctl.errors import ExitCode

app = typer.Typer(
    help="Reports: data quality and cost.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,  # the root command has the completion options
)


class FailOn(StrEnum):
    error = "error"
    warn = "warn"
    never = "never"


@app.command("quality")
def quality(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="CSV files or folders to check; default: what is stored "
            "(raw CSVs and processed Parquet).",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = OutputFormat.table,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on", help="Exit 1 when a finding of this severity (or worse) is found."
        ),
    ] = FailOn.error,
) -> None:
    """Check the data: nulls, row counts, keys, value domains and cross-table orphans.

    Known facts of the real Olist data (duplicate review ids, products without a
    category) are warnings or info, not errors.
    """
    from olistctl.cli.quality_view import show_quality

    state = get_state(ctx)
    if paths:
        from olistctl.quality import check_files

        reports = {"files": check_files(paths)}
    else:
        from olistctl import pipeline

        stored = pipeline.quality(state.backend())
        reports = {
            name: r for name, r in (("raw", stored.raw), ("processed", stored.processed)) if r
        }
    from olistctl.quality.report import reaches

    worst = show_quality(state, reports, output)
    if reaches(worst, fail_on.value):
        raise typer.Exit(ExitCode.FAILED)


app.command("cost", help=cost_cmd.__doc__)(cost_cmd.command)
