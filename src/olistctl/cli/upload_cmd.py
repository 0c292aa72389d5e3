"""Upload Olist CSV files (files, folders or globs) to the raw stage, skipping unchanged ones."""

from __future__ import annotations

from typing import Annotated

import typer

from olistctl.cli.options import ForceOpt, OutputOpt
from olistctl.cli.render import OutputFormat
from olistctl.cli.state import get_state


def command(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            help="CSV files, folders of them, or globs (quote globs).", show_default=False
        ),
    ],
    force: ForceOpt = False,
    output: OutputOpt = OutputFormat.table,
) -> None:
    from olistctl import pipeline
    from olistctl.cli.summaries import show_uploads

    state = get_state(ctx)
    backend = state.backend()
    with state.progress() as progress:
        outcomes = pipeline.upload(backend, paths, force=force, progress=progress)
    show_uploads(state, outcomes, output, location=backend.store.location("raw"))
