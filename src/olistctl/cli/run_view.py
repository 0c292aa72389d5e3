"""The summary `olistctl run` prints at the end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from olistctl.cli.render import (
    FittedTable,
    OutputFormat,
    _json_value,
    human_bytes,
    rich_table,
    to_markdown,
)

if TYPE_CHECKING:
    from olistctl.cli.state import AppState
    from olistctl.pipeline import RunSummary


def stage_rows(summary: RunSummary) -> list[tuple]:
    up = summary.uploads
    uploaded = [u for u in up if u.status == "uploaded"]
    tr = summary.transform
    rows = [
        (
            "upload",
            f"{len(uploaded)} uploaded ({human_bytes(sum(u.bytes for u in uploaded))}),"
            f" {len(up) - len(uploaded)} unchanged",
            summary.seconds.get("upload"),
        ),
        (
            "transform",
            f"{len(tr.converted)} converted ({sum(o.rows for o in tr.converted):,} rows),"
            f" {len(tr.skipped)} unchanged, {len(tr.failed)} failed",
            summary.seconds.get("transform"),
        ),
    ]
    if summary.crawl is not None:
        diff = summary.crawl.diff
        what = f"{len(summary.crawl.tables)} tables"
        if diff.added_tables:
            what += f", {len(diff.added_tables)} new"
        rows.append(("crawl", what, summary.seconds.get("crawl")))
    elif not tr.failed:
        rows.append(("crawl", "catalog current, skipped", summary.seconds.get("crawl")))
    if summary.kpis or summary.skipped_kpis or summary.failed_kpis:
        scanned = sum(k.result.bytes_scanned for k in summary.kpis)
        reused = [k.result.reused_from for k in summary.kpis if k.result.reused_from]
        what = f"{len(summary.kpis)} KPI queries, {human_bytes(scanned)} scanned"
        if reused:
            # The answers of an earlier run, nothing they depend on having changed since.
            # As wide as the transform's line, so the table fits 80 columns.
            if len(reused) == len(summary.kpis):
                what = f"{len(reused)} KPIs reused (data unchanged since {_when(min(reused))})"
            else:
                what += f", {len(reused)} reused"
        if summary.skipped_kpis:
            missing = sorted({t for k in summary.skipped_kpis for t in k.missing})
            what += f", {len(summary.skipped_kpis)} skipped (no {', '.join(missing)})"
        if summary.failed_kpis:
            what += f", {len(summary.failed_kpis)} failed"
        rows.append(("query", what, summary.seconds.get("query")))
    return [(s, w, round(t, 2) if t is not None else None) for s, w, t in rows]


def _when(iso: str) -> str:
    """An ISO time (UTC) as the local time a person reads it at."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    today = datetime.now().astimezone().date()
    return when.strftime("%H:%M:%S" if when.date() == today else "%Y-%m-%d %H:%M")


def show_run(state: AppState, summary: RunSummary, output: OutputFormat) -> None:
    if output is OutputFormat.json:
        payload = {
            "stages": [
                dict(zip(("stage", "result", "seconds"), r, strict=True))
                for r in stage_rows(summary)
            ],
            "kpis": {
                k.name: [
                    dict(zip(k.result.columns, map(_json_value, row), strict=True))
                    for row in k.result.rows
                ]
                for k in summary.kpis
            },
            "reused_kpis": {
                k.name: k.result.reused_from for k in summary.kpis if k.result.reused_from
            },
            "skipped_kpis": {k.name: k.missing for k in summary.skipped_kpis},
            "failed_kpis": {k.name: k.error for k in summary.failed_kpis},
        }
        state.data_out(output).file.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        _notes(state, summary)
        return
    if output is OutputFormat.table:
        for kpi in summary.kpis:
            # KPI values are text (one column holds every metric): shown as the numbers they are.
            state.out.print(
                FittedTable(
                    kpi.result.columns,
                    kpi.result.rows,
                    title=kpi.description,
                    numbers_in_text=True,
                )
            )
    else:
        # Several tables, each with its columns, as one stream that still parses as one
        # (run_cmd refuses csv, which cannot hold them).
        out = state.data_out(output).file
        out.write(_several_tables(summary, output))
        out.flush()
    for o in summary.transform.failed:
        state.err.print(f"[red]failed[/red] {o.raw_key}: {o.error}")
    _notes(state, summary)
    state.info(rich_table(["stage", "result", "seconds"], stage_rows(summary), title="Pipeline"))
    total = sum(summary.seconds.values())
    if summary.transform.failed:
        state.info("Stopped: some files failed to convert (see above).")
    elif summary.failed_kpis:
        state.info(f"Done in {total:.1f} s, but some KPI queries failed (see above).")
    else:
        state.info(f"Done in {total:.1f} s.")


def _several_tables(summary: RunSummary, output: OutputFormat) -> str:
    """The KPI tables as one document: JSON Lines whose every row names its KPI first
    (``"kpi": "order_status_mix"``), or Markdown tables, each under its description as a
    heading and apart from the next by a blank line (else GFM reads one long table)."""
    if output is OutputFormat.jsonl:
        return "".join(
            json.dumps(
                {"kpi": k.name, **dict(zip(k.result.columns, map(_json_value, row), strict=True))},
                ensure_ascii=False,
            )
            + "\n"
            for k in summary.kpis
            for row in k.result.rows
        )
    from olistctl.report.markdown_text import cell_text

    return "\n".join(
        f"## {cell_text(k.description)}\n\n{to_markdown(k.result.columns, k.result.rows)}"
        for k in summary.kpis
    )


def _notes(state: AppState, summary: RunSummary) -> None:
    """Why a KPI is missing from the summary: its tables are not there, or it failed."""
    for k in summary.skipped_kpis:
        tables = ", ".join(k.missing)
        state.info(
            f"Skipped the KPI {k.name}: it needs {tables}, which the catalog does not hold"
            f" (add {', '.join(t + '.csv' for t in k.missing)} to the input and run again)."
        )
    for failed in summary.failed_kpis:
        state.err.print(f"[red]failed[/red] KPI {failed.name}: {failed.error}")
    for kpi in summary.kpis:
        for note in kpi.result.notes:
            state.info(f"{kpi.name}: {note}")
