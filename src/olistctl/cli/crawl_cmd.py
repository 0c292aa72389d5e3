"""Build the catalog from the Parquet files: one table per folder, with a diff against before.

On aws this starts the Glue crawler and waits for it; `--direct` registers
the tables from the Parquet footers through the Glue API instead (seconds,
no crawler charge). The local backend always reads the footers; `--direct`
decides what `report cost` prices the crawl as: a crawler run, or (with it)
a registration with no crawler charge.
"""

from __future__ import annotations

from typing import Annotated

import typer

from olistctl.cli.options import OutputOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state


def command(
    ctx: typer.Context,
    direct: Annotated[
        bool,
        typer.Option(
            "--direct",
            help="Register the tables from the Parquet footers instead of running the Glue"
            " crawler: seconds, no crawler charge (local: the footers are read either way;"
            " this makes `report cost` price no crawler run).",
        ),
    ] = False,
    output: OutputOpt = OutputFormat.table,
) -> None:
    from olistctl import pipeline
    from olistctl.cli.summaries import show_crawl

    state = get_state(ctx)
    backend = state.backend()
    with state.progress() as progress:
        report = pipeline.crawl(backend, direct=direct, progress=progress)
    show_crawl(state, report, output)
