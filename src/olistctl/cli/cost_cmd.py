"""What the pipeline costs, service by service, against the Free Tier."""

from __future__ import annotations

import typer

from olistctl.errors import OperationFailed


def command(ctx: typer.Context) -> None:
    raise OperationFailed("report cost is not built yet")
