"""Settings: every value and where it came from."""

from __future__ import annotations

import typer

from olistctl.cli.options import OutputOpt
from olistctl.cli.render import OutputFormat, emit_summary
from olistctl.cli.state import get_state

app = typer.Typer(
    help="Show the resolved settings.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,  # the root command has the completion options
)


@app.command("show")
def show(ctx: typer.Context, output: OutputOpt = OutputFormat.table) -> None:
    """Print every setting with its value and its source (flag, env, file, terraform, default).

    Precedence: flag > OLISTCTL_* env > olistctl.toml > AWS env/profile >
    Terraform outputs of infra/ > default.
    """
    from olistctl.settings import SPECS

    state = get_state(ctx)
    settings = state.settings()
    values = settings.resolve_all() if settings.get("backend") == "aws" else settings.values
    rows = [(s.key, s.shown(values[s.key].value), values[s.key].source, s.help) for s in SPECS]
    emit_summary(
        state.out, ["setting", "value", "source", "meaning"], rows, output, title="Settings"
    )
