"""Reports: data quality of what is stored (or of given files), and what the pipeline costs."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from olistctl.cli import cost_cmd, report_html_cmd
from olistctl.cli.render import QualityFormat
from olistctl.cli.state import get_state
from olistctl.errors import ExitCode

app = typer.Typer(
    help="Reports: data quality, cost, and an HTML page with charts.",
    no_args_is_help=True,
    rich_markup_mode="rich",
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
            " catalog's tables.",
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
        raise typer.Exit(ExitCode.FAILED)


def quality_overview(state, paths: list[str] | None, samples: int):
    """The streaming checks of each stage, and the rules over the catalog's tables."""
    from olistctl.quality.overview import QualityOverview

    if paths:
        from olistctl.quality import check_files

        note = (
            "The rules across rows run over the catalog's tables, not over files:"
            " `olistctl run PATH...` loads the files, then `olistctl report quality` checks them."
        )
        return QualityOverview.build({"files": check_files(paths)}, notes=[note])
    from olistctl import pipeline
    from olistctl.quality.rules import attach_samples, run_rules
    from olistctl.quality.samples import sample_query

    backend = state.backend()
    stored = pipeline.quality(backend)
    reports = {name: r for name, r in (("raw", stored.raw), ("processed", stored.processed)) if r}
    available = [t.name for t in backend.catalog.tables()]
    notes = []
    if not available:
        notes.append(
            "The rules across rows run over the catalog's tables, and the catalog is empty:"
            " run `olistctl crawl`, then check again."
        )

    def execute(sql: str):
        return pipeline.query(backend, sql)

    rules = run_rules(execute, available, samples=samples) if available else None
    if rules is not None and rules.skipped:
        missing = sorted({t for s in rules.skipped for t in s.missing})
        notes.append(
            f"{len(rules.skipped)} rule{'s' * (len(rules.skipped) != 1)} not run: the catalog"
            f" has no {', '.join(missing)}."
        )
    overview = QualityOverview.build(reports, rules, notes)
    if samples and available:
        shown = [e.finding for e in overview.entries if "catalog" not in e.stages]
        queries = {}
        for i, finding in enumerate(shown):
            sql = sample_query(finding)
            if sql and all(t in available for t in pipeline.tables_named_in(sql)):
                queries[i] = sql
        attach_samples(execute, shown, queries, samples)
    return overview


app.command("cost", help=cost_cmd.__doc__)(cost_cmd.command)
app.command("html", help=report_html_cmd.__doc__)(report_html_cmd.command)
