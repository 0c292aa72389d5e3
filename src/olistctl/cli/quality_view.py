"""Rendering of quality reports: a findings table and per-table summaries."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from olistctl.cli.render import OutputFormat, emit_summary, rich_table

if TYPE_CHECKING:
    from olistctl.cli.state import AppState
    from olistctl.quality import DatasetQuality, QualityReport

_ORDER = {"error": 0, "warn": 1, "info": 2}


def show_quality(state: AppState, reports: Mapping[str, Any], output: OutputFormat) -> str | None:
    """Show each DatasetQuality (keyed by what it covers); return the worst severity found."""
    findings = []
    for scope, dq in reports.items():
        for f in dq.all_findings():
            findings.append((scope, f))
    findings.sort(key=lambda x: (_ORDER.get(x[1].severity, 3), x[0], x[1].table, x[1].check))
    worst = findings[0][1].severity if findings else None

    if output is OutputFormat.json:
        payload = {scope: dq.to_dict() for scope, dq in reports.items()}
        state.out.file.write(json.dumps(payload, indent=2, default=str) + "\n")
        return worst

    columns = ["scope", "severity", "table", "check", "column", "expected", "found", "message"]
    rows = [
        (scope, f.severity, f.table, f.check, f.column or "", f.expected, f.found, f.message)
        for scope, f in findings
    ]
    emit_summary(state.out, columns, rows, output, title="Data quality findings")
    if output is OutputFormat.table:
        for scope, dq in reports.items():
            summary = [
                (
                    name,
                    r.rows,
                    sum(1 for c in r.columns if c.nulls),
                    _count(r, "error"),
                    _count(r, "warn"),
                )
                for name, r in sorted(dq.tables.items())
            ]
            state.out.print(
                rich_table(
                    ["table", "rows", "columns with nulls", "errors", "warnings"],
                    summary,
                    title=f"Tables ({scope})",
                )
            )
    counts = {s: sum(1 for _, f in findings if f.severity == s) for s in _ORDER}
    state.info(f"{counts['error']} errors, {counts['warn']} warnings, {counts['info']} info.")
    return worst


def _count(report: QualityReport | DatasetQuality, severity: str) -> int:
    return sum(1 for f in report.findings if f.severity == severity)
