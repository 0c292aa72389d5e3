"""Options shared by several commands, so a flag means the same thing everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from olistctl.cli.help_types import install as _install_help_words
from olistctl.cli.render import OutputFormat

# Help writes a word for an option's value, not its Python type (every command imports this).
_install_help_words()

OutputOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--output",
        "-o",
        envvar="OLISTCTL_OUTPUT",
        help="Output format for data on stdout: table, csv, json, jsonl or markdown.",
        case_sensitive=False,
        metavar="FORMAT",
    ),
]
MaxRowsOpt = Annotated[
    int | None,
    typer.Option("--max-rows", min=1, help="Show at most this many rows.", metavar="N"),
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
        metavar="N",
    ),
]
RunnerOpt = Annotated[
    str | None,
    typer.Option(
        "--runner",
        help="aws backend: `lambda` (default) or `local` to run the handler in this process"
        " against S3 (an endpoint that runs no Lambda code, such as moto without Docker);"
        " refused on the local backend, which always converts in this process.",
        show_default=False,
    ),
]


# -- the stack's resource names (global options; help text from olistctl.settings) -----------

STACK_PANEL = "AWS stack names (default: infra/'s Terraform outputs)"


def _stack_name_option(key: str):
    from olistctl.settings import SPECS_BY_KEY

    help_text = SPECS_BY_KEY[key].help
    return Annotated[
        str | None,
        typer.Option(
            "--" + key.replace("_", "-"),
            help=help_text[0].upper() + help_text[1:] + ".",
            show_default=False,
            rich_help_panel=STACK_PANEL,
            metavar="NAME",
        ),
    ]


RawBucketOpt = _stack_name_option("raw_bucket")
ProcessedBucketOpt = _stack_name_option("processed_bucket")
ResultsBucketOpt = _stack_name_option("results_bucket")
FunctionNameOpt = _stack_name_option("function_name")
DatabaseOpt = _stack_name_option("database")
CrawlerOpt = _stack_name_option("crawler")
WorkgroupOpt = _stack_name_option("workgroup")
StackOpt = _stack_name_option("stack")


def given_on_command_line(ctx: typer.Context, param: str) -> bool:
    """Whether ``param`` was written on this command line (not from the environment or
    its default): a standing choice such as OLISTCTL_OUTPUT never contradicts a flag."""
    source = ctx.get_parameter_source(param)
    return source is not None and source.name == "COMMANDLINE"
