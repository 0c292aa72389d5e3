"""Convert raw CSV objects to Parquet (Snappy) with the dataset's types, and check their quality.

Converts every raw object not yet converted, or only the named tables.
A failing file does not stop the others; the exit code is 1 if any failed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from olistctl.cli.options import ConcurrencyOpt, ForceOpt, OutputOpt, RunnerOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state
from olistctl.errors import ExitCode


def command(
    ctx: typer.Context,
    tables: Annotated[
        list[str] | None,
        typer.Argument(
            help="Tables to convert (e.g. orders or olist_orders_dataset); default: all.",
            show_default=False,
        ),
    ] = None,
    force: ForceOpt = False,
    concurrency: ConcurrencyOpt = 2,
    runner: RunnerOpt = None,
    output: OutputOpt = OutputFormat.table,
) -> None:
    from olistctl import pipeline
    from olistctl.cli.summaries import show_transform

    state = get_state(ctx)
    if runner is not None:
        state.flags["runner"] = runner
    backend = state.backend()
    with state.progress() as progress:
        summary = pipeline.transform(
            backend, tables, force=force, concurrency=concurrency, progress=progress
        )
    show_transform(state, summary, output)
    if summary.failed:
        raise typer.Exit(ExitCode.FAILED)
