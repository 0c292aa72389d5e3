"""How each stage's result is shown: summary tables on stdout, notes and stats on stderr."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from olistctl.cli.render import OutputFormat, dollars, emit_summary, human_bytes, rich_table
from olistctl.cli.units import units

if TYPE_CHECKING:
    from olistctl.cli.state import AppState
    from olistctl.pipeline import StatusReport, TransformSummary, UploadOutcome
    from olistctl.records import CrawlReport, QueryResult


def show_uploads(
    state: AppState, outcomes: Sequence[UploadOutcome], output: OutputFormat, *, location: str
) -> None:
    unit = units(output)
    rows = [(str(o.path), o.table, unit.size(o.bytes), o.status) for o in outcomes]
    emit_summary(
        state.out,
        ["file", "table", unit.size_column(), "status"],
        rows,
        output,
        title=f"Upload to {location}",
    )
    uploaded = [o for o in outcomes if o.status == "uploaded"]
    state.info(
        f"{len(uploaded)} uploaded ({human_bytes(sum(o.bytes for o in uploaded))}),"
        f" {len(outcomes) - len(uploaded)} unchanged and skipped."
    )


def _quality_counts(quality: dict[str, Any] | None) -> str:
    if not quality:
        return ""
    from olistctl.quality import QualityReport

    report = QualityReport.from_dict(quality)
    errors = sum(1 for f in report.findings if f.severity == "error")
    warns = sum(1 for f in report.findings if f.severity == "warn")
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warns:
        parts.append(f"{warns} warning{'s' * (warns != 1)}")
    return ", ".join(parts) or "ok"


def show_transform(state: AppState, summary: TransformSummary, output: OutputFormat) -> None:
    unit = units(output)
    columns = [
        "file",
        "table",
        "status",
        "rows",
        unit.size_column("csv"),
        unit.size_column("parquet"),
        "ratio",
        "seconds",
        "quality",
    ]
    rows = []
    for o in summary.outcomes:
        status = "skipped" if o.skipped else ("converted" if o.ok else "FAILED")
        ratio = round(o.bytes_in / o.bytes_out, 1) if o.ok and o.bytes_out else None
        rows.append(
            (
                o.raw_key,
                o.table,
                status,
                o.rows if not o.skipped else None,
                unit.size(o.bytes_in),
                unit.size(o.bytes_out) if o.ok else None,
                ratio,
                round(o.seconds, 2) if not o.skipped else None,
                _quality_counts(o.quality) if o.ok else o.error,
            )
        )
    emit_summary(state.out, columns, rows, output, title="Transform")
    converted, failed, skipped = summary.converted, summary.failed, summary.skipped
    state.info(
        f"{len(converted)} converted, {len(skipped)} unchanged and skipped, {len(failed)} failed."
    )
    for o in failed:
        state.err.print(f"[red]failed[/red] {o.raw_key}: {o.error}")
    if output is OutputFormat.table:
        show_findings(state, [o.quality for o in converted if o.quality])


def show_findings(state: AppState, reports: Sequence[dict[str, Any]]) -> None:
    """The warnings and errors of per-file quality reports, as one table on stderr."""
    from olistctl.quality import QualityReport

    rows = []
    for data in reports:
        report = QualityReport.from_dict(data)
        for f in report.findings:
            if f.severity in ("error", "warn"):
                rows.append((f.severity, f.table, f.check, f.column or "", f.expected, f.found))
    if rows:
        state.info(
            rich_table(
                ["severity", "table", "check", "column", "expected", "found"],
                rows,
                title="Quality findings",
            )
        )


def show_crawl(state: AppState, report: CrawlReport, output: OutputFormat) -> None:
    unit = units(output)
    rows = [
        (t.name, len(t.columns), t.rows, t.files, unit.size(t.bytes), t.location)
        for t in report.tables
    ]
    emit_summary(
        state.out,
        ["table", "columns", "rows", "files", unit.size_column(), "location"],
        rows,
        output,
        title=f"Catalog ({report.status})",
    )
    if report.message:  # e.g. the crawler was already running and that run was awaited
        state.info(report.message[0].upper() + report.message[1:].rstrip(".") + ".")
    diff = report.diff
    if diff.empty:
        state.info(f"No changes since the previous crawl ({report.seconds:.1f} s).")
        return
    lines = []
    lines += [f"  + table {t}" for t in diff.added_tables]
    lines += [f"  - table {t}" for t in diff.removed_tables]
    lines += [f"  + column {t}.{c}" for t, c in diff.added_columns]
    lines += [f"  - column {t}.{c}" for t, c in diff.removed_columns]
    lines += [f"  ~ column {t}.{c}: {old} -> {new}" for t, c, old, new in diff.retyped_columns]
    state.info("Changes since the previous crawl:\n" + "\n".join(lines))


def query_stats(state: AppState, result: QueryResult, *, verbose: bool = False) -> str:
    """The line after a query's rows: rows, time, bytes scanned and billed, cost.

    One line in the terminal's width: the longest form that fits, dropping first the
    region, then words, and last the query id (shown on aws; locally with --verbose,
    which puts it on a line of its own when it does not fit).
    """
    lines = query_footer(state, result, verbose=verbose)
    return "\n".join(lines)


def query_footer(state: AppState, result: QueryResult, *, verbose: bool = False) -> list[str]:
    from olistctl.pricing import athena_query_cost
    from olistctl.settings import DEFAULT_REGION

    region = state.settings().get("region") or DEFAULT_REGION
    on_aws = state.settings().get("backend") == "aws"
    n = len(result.rows)
    rows = f"{n:,} row{'s' * (n != 1)}"
    if result.from_catalog:
        tail = " shown (more exist; raise --max-rows)" if result.truncated else ""
        return [f"{rows}{tail} · from the catalog (no query ran, nothing billed)"]
    cost = athena_query_cost(result.bytes_scanned, region)
    scanned, billed = human_bytes(result.bytes_scanned), human_bytes(cost.billed_bytes)
    seconds = f"{result.engine_ms / 1000:.2f} s"
    money = dollars(cost.dollars)
    verb = "scanned" if on_aws else "Athena would scan"
    query_id = result.query_id if (on_aws or verbose) else None
    width = state.err_width
    long_rows = rows + (" shown (more exist; raise --max-rows)" if result.truncated else "")
    short_rows = rows + (" (more: --max-rows)" if result.truncated else "")
    short_scan = f"scan {scanned}, billed {billed}"
    forms = [
        f"{row_text} · {seconds} · {scan} · {money}{place}"
        for row_text, scan, place in (
            (long_rows, f"{verb} {scanned} (billed {billed})", f" in {region}"),
            (long_rows, f"{verb} {scanned} (billed {billed})", ""),
            (short_rows, f"{verb} {scanned} (billed {billed})", ""),
            (short_rows, short_scan, ""),
        )
    ]
    # The id matters more than the wording: every form with it first, then without.
    candidates = [f"{form} · {query_id}" for form in forms] if query_id else []
    candidates += forms
    line = next((c for c in candidates if len(c) <= width), candidates[-1])
    lines = [line]
    if verbose and query_id and query_id not in line:
        lines.append(f"query id {query_id}")
    return lines


def warn_if_empty(state: AppState, answers: Sequence[tuple[str, QueryResult]]) -> None:
    """One stderr line when shipped queries (the KPIs, ``query --name``) came back empty on aws.

    Each of them has rows on any loaded Olist data, so an empty answer is a sign, not a
    result, and the line names its likely cause. GetQueryResults' ResultSetMetadata is
    "the metadata that describes the column structure and data types of a table of query
    results" (Athena API Reference, GetQueryResults/ResultSet): a SELECT that ran has
    columns, so an answer with none did not come from running the SQL. moto's Athena gives
    exactly that for every query no result was queued for (moto/athena/models.py,
    ``get_query_results``).
    """
    if state.settings().get("backend") != "aws":
        return
    empty = [(name, r) for name, r in answers if not r.rows and not r.from_catalog]
    if not empty:
        return
    names = ", ".join(name for name, _ in empty)
    what = (
        f"the query {names} returned no rows"
        if len(answers) == 1
        else f"{len(empty)} of {len(answers)} KPI queries returned no rows ({names})"
    )
    if all(not r.columns for _, r in empty):
        cause = (
            "the endpoint described no columns either, so its Athena did not run the SQL"
            " (moto's runs none): the answers are not the data's"
        )
    else:
        cause = "the tables hold no rows; `olistctl status` shows what is loaded"
    state.err.print(f"Warning: {what}: {cause}.", markup=False)


def show_status(state: AppState, report: StatusReport, output: OutputFormat) -> None:
    unit = units(output)
    rows = []
    for s in report.stages:
        last = s.last_run
        rows.append(
            (
                s.stage,
                s.objects,
                s.tables,
                unit.size(s.bytes),
                unit.time(last.started if last else None),
                round(last.seconds, 2) if last else None,
            )
        )
    if report.previous:
        rows.append(
            (
                "previous",
                len(report.previous),
                len({o.table for o in report.previous}),
                unit.size(sum(o.size for o in report.previous)),
                None,
                None,
            )
        )
    emit_summary(
        state.out,
        ["stage", "objects", "tables", unit.size_column(), "last_run", "seconds"],
        rows,
        output,
        title=f"{report.backend}: {report.location}",
    )
    if output is OutputFormat.table and report.tables:
        state.out.print(
            rich_table(
                ["table", "columns", "rows", unit.size_column()],
                [(t.name, len(t.columns), t.rows, unit.size(t.bytes)) for t in report.tables],
                title="Catalog tables",
            )
        )
    if report.pending:
        state.info(
            f"{len(report.pending)} raw object(s) not yet converted: run `olistctl transform`."
        )
    for kept in report.previous:
        state.info(
            f"Kept the previous version of raw/{kept.key} as previous/{kept.key}, until the"
            " file that replaced it converts cleanly (`olistctl transform`)."
        )
