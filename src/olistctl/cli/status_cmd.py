"""What is in each stage: objects, tables, rows, bytes, and the last run of each stage."""

from __future__ import annotations

import typer

from olistctl.cli.options import OutputOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state


def command(ctx: typer.Context, output: OutputOpt = OutputFormat.table) -> None:
    from olistctl import pipeline
    from olistctl.cli.summaries import show_status

    state = get_state(ctx)
    show_status(state, pipeline.status(state.backend()), output)
