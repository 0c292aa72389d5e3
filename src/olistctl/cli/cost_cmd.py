"""What the pipeline costs, service by service, against the Free Tier.

Usage is measured, not guessed: on --backend aws from the account (S3 object
versions, Lambda metrics, Glue crawls and catalog, Athena bytes scanned, the
log group); on the local backend from the run ledger and the workspace,
priced as if the runs had happened on AWS in the configured region. S3 and
Data Catalog request counts, which AWS does not report per caller, are
estimated from the ledger; the basis column says which figures are which.

The period is this month to date (UTC) unless --month or --since says
otherwise. The projection extrapolates the period to a full month: requests,
compute, bytes scanned and log ingestion at the rate so far; storage as it
stands now, for the whole month.

--scale N prices the same month with N times the data in the same files:
storage, Lambda GB-seconds and bytes scanned per query grow N-fold, while
requests, invocations, crawler runs and queries follow the number of files
and runs, which stays the same.

--queries compares, for each named query, what Athena would scan over the
Parquet tables and over the raw CSVs, in bytes and billed dollars.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from olistctl.cli.options import OutputOpt, given_on_command_line
from olistctl.cli.render import OutputFormat, dollars, emit
from olistctl.cli.state import AppState, get_state
from olistctl.cli.units import iso_time
from olistctl.errors import UsageError

if TYPE_CHECKING:
    from olistctl.cost import CostReport
    from olistctl.cost.billed import ActualCosts
    from olistctl.cost.scan_compare import ScanComparison

LINE_COLUMNS = [
    "service",
    "usage",
    "unit",
    "free_tier",
    "billable",
    "unit_price",
    "price_unit",
    "cost",
    "projected_usage",
    "projected_cost",
    "basis",
    "price_source",  # "bundled table, 2026-11-26", "AWS Price List, 2026-03-01" (effective)
]
QUERY_COLUMNS = [
    "query",
    "tables",
    "parquet_bytes",
    "parquet_billed_bytes",
    "parquet_usd",
    "csv_bytes",
    "csv_billed_bytes",
    "csv_usd",
    "ratio",
]


def command(
    ctx: typer.Context,
    month: Annotated[
        str | None,
        typer.Option("--month", help="A calendar month, YYYY-MM (default: this month to date)."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="From this date (YYYY-MM-DD, UTC) until now."),
    ] = None,
    scale: Annotated[
        float,
        typer.Option(
            "--scale",
            help="Price N times the data in the same files: storage, GB-seconds and bytes"
            " scanned grow; request counts follow the file count, which stays the same.",
        ),
    ] = 1.0,
    free_tier: Annotated[
        str,
        typer.Option(
            "--free-tier",
            help="legacy: 12-month and Always Free offers (accounts before 15 July 2025);"
            " always: Always Free only (later accounts get credits instead); none.",
        ),
    ] = "legacy",
    no_free_tier: Annotated[
        bool, typer.Option("--no-free-tier", help="Price every unit (same as --free-tier none).")
    ] = False,
    actual: Annotated[
        bool,
        typer.Option(
            "--actual",
            help="aws: add what Cost Explorer billed the stack's tagged resources"
            " ($0.01 per Cost Explorer request).",
        ),
    ] = False,
    queries: Annotated[
        bool,
        typer.Option(
            "--queries", help="Compare each named query's scan over Parquet and over the CSVs."
        ),
    ] = False,
    refresh_prices: Annotated[
        bool,
        typer.Option(
            "--refresh-prices",
            help="Fetch the region's prices from the AWS Price List (needs AWS credentials) into"
            " the user's cache, used from then on before the bundled table; without it no"
            " network call is made for prices.",
        ),
    ] = False,
    output: OutputOpt = OutputFormat.table,
) -> None:
    from olistctl import pipeline
    from olistctl.cost import FreeTierPlan, resolve_period

    state = get_state(ctx)
    try:
        plan = FreeTierPlan(free_tier.lower())
    except ValueError:
        raise UsageError(
            f"--free-tier {free_tier!r} is not a Free Tier plan",
            hint="use legacy, always or none",
        ) from None
    if no_free_tier:
        if plan is not FreeTierPlan.none and given_on_command_line(ctx, "free_tier"):
            raise UsageError(  # --no-free-tier silently won
                f"--no-free-tier prices every unit, but --free-tier {free_tier} counts a Free Tier",
                hint="give one of them",
            )
        plan = FreeTierPlan.none
    if queries:  # the comparison prices no period and no Free Tier: refuse what it would drop
        dropped = [
            flag
            for flag, given in (
                ("--month", month is not None),
                ("--since", since is not None),
                ("--free-tier", given_on_command_line(ctx, "free_tier")),
                ("--no-free-tier", no_free_tier),
                ("--actual", actual),
            )
            if given
        ]
        if dropped:
            raise UsageError(
                "--queries compares each named query's scan over Parquet and CSV, which"
                f" prices no period and no Free Tier, so it takes no {' and no '.join(dropped)}",
                hint=f"drop {' and '.join(dropped)}, or drop --queries for the cost report",
            )
    period = resolve_period(since=since, month=month)
    statement = pipeline.cost_report(
        state.backend(),
        state.settings(),
        period=period,
        free_tier_plan=plan,
        scale=scale,
        actual=actual,
        queries=queries,
        refresh_prices=refresh_prices,
        progress=Notes(state),
    )
    if statement.comparisons is not None:
        _show_queries(state, statement.comparisons, statement.region, output, scale)
        return
    assert statement.report is not None
    if statement.billed is not None:
        costs = statement.billed
        state.info(
            f"{costs.requests} Cost Explorer request(s) made: {dollars(costs.request_cost)}."
            " Its figures lag by up to a day."
        )
    _show_report(state, statement.report, output, statement.billed)


class Notes:
    """The pipeline's notes as lines on stderr; ``report cost`` draws no bars."""

    def __init__(self, state: AppState) -> None:
        self.state = state

    def task(self, description: str, total: int | None) -> Callable[[int], None]:
        return lambda n: None

    def note(self, message: str) -> None:
        self.state.info(message)


# -- the report -----------------------------------------------------------------


def _line_record(line) -> list:
    return [
        line.service,
        line.usage,
        line.unit,
        line.free_tier,
        line.billable,
        line.unit_price,
        line.price_unit,
        round(line.cost, 6),
        line.projected_usage,
        round(line.projected_cost, 6),
        line.basis,
        line.price_source,
    ]


def _title(report: CostReport) -> str:
    scaled = f", {report.scale:g}x the data" if report.scale != 1 else ""
    return f"Cost of the {report.backend} run: {report.region}, {report.period.label}{scaled}"


def _show_report(
    state: AppState, report: CostReport, output: OutputFormat, billed: ActualCosts | None
) -> None:
    if output is OutputFormat.json:
        document = {
            "backend": report.backend,
            "region": report.region,
            "period": {
                "start": iso_time(report.period.start),
                "end": iso_time(report.period.end),
                "label": report.period.label,
                "month_fraction": report.period.month_fraction,
            },
            "free_tier": report.free_tier_plan.value,
            "scale": report.scale,
            "lines": [
                dict(zip(LINE_COLUMNS, _line_record(ln), strict=True)) for ln in report.lines
            ],
            "total_usd": round(report.total, 6),
            "projected_month_usd": round(report.projection, 6),
            "notes": report.notes,
        }
        if billed is not None:
            document["billed"] = {
                "start": billed.start,
                "end_exclusive": billed.end,
                "currency": billed.currency,
                "by_service": billed.by_service,
                "total": billed.total,
                "cost_explorer_requests": billed.requests,
            }
        state.out.file.write(json.dumps(document, indent=2) + "\n")
        state.out.file.flush()
        return
    if output is not OutputFormat.table:
        rows = [_line_record(ln) for ln in report.lines]
        if billed is not None:
            # Same shape as the lines, so a script reads one table.
            rows += [
                [
                    f"billed: {service}",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    round(amount, 6),
                    None,
                    None,
                    "cost explorer",
                    None,
                ]
                for service, amount in billed.by_service.items()
            ]
        emit(state.out, LINE_COLUMNS, rows, output)
        return

    from olistctl.cli.cost_view import show_cost_table

    show_cost_table(state, report, _title(report), billed)


# -- --queries --------------------------------------------------------------------


def _query_record(c: ScanComparison) -> list:
    return [
        c.query,
        " ".join(c.tables),
        c.parquet.bytes_scanned,
        c.parquet.billed_bytes,
        round(c.parquet.dollars, 8),
        c.csv.bytes_scanned,
        c.csv.billed_bytes,
        round(c.csv.dollars, 8),
        None if c.ratio is None else round(c.ratio, 2),
    ]


def _show_queries(
    state: AppState,
    comparisons: list[ScanComparison],
    region: str,
    output: OutputFormat,
    scale: float,
) -> None:
    if output is not OutputFormat.table:
        emit(state.out, QUERY_COLUMNS, [_query_record(c) for c in comparisons], output)
        return
    from olistctl.cli.cost_view import show_scans_table

    title = f"Athena scan per named query, Parquet vs CSV ({region}" + (
        f", {scale:g}x the data)" if scale != 1 else ")"
    )
    show_scans_table(state, comparisons, title)
