"""The summary `olistctl run` prints at the end."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from olistctl.cli.render import OutputFormat, _json_value, emit, human_bytes, rich_table

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
    if summary.kpis:
        scanned = sum(k.result.bytes_scanned for k in summary.kpis)
        rows.append(
            (
                "query",
                f"{len(summary.kpis)} KPI queries, {human_bytes(scanned)} scanned",
                summary.seconds.get("query"),
            )
        )
    return [(s, w, round(t, 2) if t is not None else None) for s, w, t in rows]


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
        }
        state.out.file.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        return
    for kpi in summary.kpis:
        emit(state.out, kpi.result.columns, kpi.result.rows, output, title=kpi.description)
    for o in summary.transform.failed:
        state.err.print(f"[red]failed[/red] {o.raw_key}: {o.error}")
    state.info(rich_table(["stage", "result", "seconds"], stage_rows(summary), title="Pipeline"))
    total = sum(summary.seconds.values())
    state.info(
        f"Done in {total:.1f} s."
        if not summary.transform.failed
        else "Stopped: some files failed to convert (see above)."
    )
