"""The summary `olistctl run` prints at the end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

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


def stage_figures(summary: RunSummary) -> list[tuple[str, dict[str, Any], float | None]]:
    """Each stage that ran (or was skipped) with what it did, in numbers: what
    ``-o json`` gives scripts beside the sentence people read (:func:`stage_rows`)."""
    up = summary.uploads
    uploaded = [u for u in up if u.status == "uploaded"]
    tr = summary.transform
    stages: list[tuple[str, dict[str, Any], float | None]] = [
        (
            "upload",
            {
                "uploaded": len(uploaded),
                "bytes": sum(u.bytes for u in uploaded),
                "unchanged": len(up) - len(uploaded),
            },
            summary.seconds.get("upload"),
        ),
        (
            "transform",
            {
                "converted": len(tr.converted),
                "rows": sum(o.rows for o in tr.converted),
                "unchanged": len(tr.skipped),
                "failed": len(tr.failed),
            },
            summary.seconds.get("transform"),
        ),
    ]
    if summary.crawl is not None:
        figures: dict[str, Any] = {
            "ran": True,
            "tables": len(summary.crawl.tables),
            "new": len(summary.crawl.diff.added_tables),
        }
        stages.append(("crawl", figures, summary.seconds.get("crawl")))
    elif not tr.failed:
        stages.append(("crawl", {"ran": False}, summary.seconds.get("crawl")))
    if summary.kpis or summary.skipped_kpis or summary.failed_kpis:
        reused = [k.result.reused_from for k in summary.kpis if k.result.reused_from]
        figures = {
            "queries": len(summary.kpis),
            "scanned_bytes": sum(k.result.bytes_scanned for k in summary.kpis),
            "reused": len(reused),
            # The answers of an earlier run, nothing they depend on having changed since.
            "reused_since": min(reused) if reused else None,
            "skipped": len(summary.skipped_kpis),
            "failed": len(summary.failed_kpis),
        }
        stages.append(("query", figures, summary.seconds.get("query")))
    return stages


def stage_rows(summary: RunSummary) -> list[tuple]:
    """Each stage's line of the Pipeline table: what it did, said, and its seconds."""
    rows = []
    for stage, f, seconds in stage_figures(summary):
        if stage == "upload":
            what = (
                f"{f['uploaded']} uploaded ({human_bytes(f['bytes'])}), {f['unchanged']} unchanged"
            )
        elif stage == "transform":
            what = (
                f"{f['converted']} converted ({f['rows']:,} rows),"
                f" {f['unchanged']} unchanged, {f['failed']} failed"
            )
        elif stage == "crawl":
            what = f"{f['tables']} tables" if f["ran"] else "catalog current, skipped"
            if f.get("new"):
                what += f", {f['new']} new"
        else:
            what = f"{f['queries']} KPI queries, {human_bytes(f['scanned_bytes'])} scanned"
            if f["reused"]:
                # As wide as the transform's line, so the table fits 80 columns.
                if f["reused"] == f["queries"]:
                    since = _when(f["reused_since"])
                    what = f"{f['reused']} KPIs reused (data unchanged since {since})"
                else:
                    what += f", {f['reused']} reused"
            if f["skipped"]:
                missing = sorted({t for k in summary.skipped_kpis for t in k.missing})
                what += f", {f['skipped']} skipped (no {', '.join(missing)})"
            if f["failed"]:
                what += f", {f['failed']} failed"
        rows.append((stage, what, round(seconds, 2) if seconds is not None else None))
    return rows


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
            # Each stage's sentence (the table's), its figures for scripts, its seconds.
            "stages": [
                {"stage": stage, "result": what, **figures, "seconds": seconds}
                for (stage, what, seconds), (_, figures, _) in zip(
                    stage_rows(summary), stage_figures(summary), strict=True
                )
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
