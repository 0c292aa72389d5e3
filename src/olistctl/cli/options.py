"""Options shared by several commands, so a flag means the same thing everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from olistctl.cli.render import OutputFormat

OutputOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--output",
        "-o",
        envvar="OLISTCTL_OUTPUT",
        help="Output format for data on stdout.",
        case_sensitive=False,
    ),
]
MaxRowsOpt = Annotated[
    int | None,
    typer.Option("--max-rows", min=1, help="Show at most this many rows."),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would happen and change nothing.")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", "-f", help="Redo the work even when nothing changed.")
]
ConcurrencyOpt = Annotated[
    int,
    typer.Option(
        "--concurrency",
        "-j",
        min=1,
        max=256,
        help="How many files to convert at once (local: threads; aws: Lambda invocations).",
    ),
]
