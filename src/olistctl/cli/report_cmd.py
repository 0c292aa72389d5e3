"""Reports: data quality of what is stored (or of given files), and what the pipeline costs."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from olistctl.cli import cost_cmd, report_html_cmd
from olistctl.cli.options import given_on_command_line
from olistctl.cli.render import QualityFormat
from olistctl.cli.state import AppState, get_state
from olistctl.errors import OperationFailed, UsageError

if TYPE_CHECKING:
    from olistctl.quality.overview import QualityOverview

app = typer.Typer(
    help="Reports: data quality, cost, and an HTML page with charts.",
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
            "(raw CSVs, processed Parquet and the catalog's tables).",
            show_default=False,
            metavar="PATH",
        ),
    ] = None,
    output: Annotated[
        QualityFormat,
        typer.Option(
            "--output",
            "-o",
            envvar="OLISTCTL_OUTPUT",
            help="Output format: table, csv, json (every finding in full), jsonl, markdown"
            " or html (a page to open in a browser).",
            case_sensitive=False,
            metavar="FORMAT",
        ),
    ] = QualityFormat.table,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding of this severity (or worse) is found:"
            " error, warn or never.",
            metavar="SEVERITY",
        ),
    ] = FailOn.error,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Show info findings too, and what each finding expected."
        ),
    ] = False,
    samples: Annotated[
        int,
        typer.Option(
            "--samples",
            min=0,
            max=1000,
            help="Show up to N failing rows (their keys) under each finding, read from the"
            " catalog's tables (so not with PATH arguments, which check files: load them with"
            " `olistctl run PATH...` first).",
            metavar="N",
        ),
    ] = 0,
) -> None:
    """Check the data: nulls, row counts, keys, value domains, cross-table orphans, and
    rules across columns and rows (dates out of order, payments that do not add up, points
    outside Brazil, ...).

    Known facts of the real Olist data (duplicate review ids, products without a
    category, the rules' anomalies) are warnings or info, not errors.
    """
    from olistctl.cli.quality_view import show_quality

    state = get_state(ctx)
    overview = quality_overview(state, paths, samples)
    from olistctl.quality.report import reaches

    worst = show_quality(state, overview, output, verbose=verbose)
    if reaches(worst, fail_on.value):
        # stdout holds the report alone; why the exit code is 1 goes to stderr.
        raise gate_failed(
            overview.counts(), fail_on, default=not given_on_command_line(ctx, "fail_on")
        )


def gate_failed(counts: dict[str, int], fail_on: FailOn, *, default: bool) -> OperationFailed:
    """The sentence for a report whose findings reach ``--fail-on``: how many of each
    severity tripped it, where they are listed, and the two ways out."""

    def many(n: int, word: str) -> str:
        return f"{n:,} {word}{'s' * (n != 1)}"

    flag = f"--fail-on {fail_on.value}" + (" (the default)" if default else "")
    if fail_on is FailOn.warn:
        found = f"{many(counts['warn'], 'warning')} and {many(counts['error'], 'error')}"
        fails, looser = "either", "pass --fail-on error to fail on errors only"
    else:
        found = many(counts["error"], "error")
        fails, looser = "any", "pass --fail-on never to report without failing"
    return OperationFailed(
        f"Data quality found {found}, and {flag} fails on {fails}",
        hint=f"the report on stdout lists them; fix the data, or {looser}",
    )


def quality_overview(state: AppState, paths: list[str] | None, samples: int) -> QualityOverview:
    """Over the files given (the streaming checks only), or over what is stored."""
    if paths and samples:
        # The samples are SQL over the catalog's tables: keys from other data than the
        # files checked would mislead, and leaving them out silently hides that.
        raise UsageError(
            "--samples reads failing rows from the catalog's tables, not from the files given",
            hint="drop --samples, or load the files with `olistctl run PATH...` and run"
            " `olistctl report quality --samples N`",
        )
    if paths:
        from olistctl.quality import check_files
        from olistctl.quality.overview import QualityOverview

        note = (
            "The rules across rows run over the catalog's tables, not over files:"
            " `olistctl run PATH...` loads the files, then `olistctl report quality` checks them."
        )
        return QualityOverview.build({"files": check_files(paths)}, notes=[note])
    from olistctl import pipeline

    return pipeline.quality_overview(state.backend(), samples=samples)


app.command("cost", help=cost_cmd.__doc__)(cost_cmd.command)
app.command("html", help=report_html_cmd.__doc__)(report_html_cmd.command)
