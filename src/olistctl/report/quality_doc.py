"""A quality overview as markdown, or as an HTML section and page (no dependencies)."""

from __future__ import annotations

from olistctl.quality.overview import (
    QualityOverview,
    finding_text,
    sample_lines,
    stage_word,
    summary_lines,
    verdict_word,
)
from olistctl.report.markdown_text import cell_code, cell_text
from olistctl.report.page import document, esc, table


def quality_markdown(overview: QualityOverview, *, verbose: bool) -> str:
    lines = ["# Data quality", ""]
    lines += [line + "  " for line in summary_lines(overview, verbose=verbose)]
    entries = overview.shown(verbose)
    if not entries:
        return "\n".join([*lines, ""]) + "\n"
    stage = overview.stages_differ()
    columns = ["table", "severity", "check", "rows", *(["stage"] if stage else []), "finding"]
    lines += ["", "| " + " | ".join(columns) + " |"]
    lines.append("|" + "|".join("---:" if c == "rows" else "---" for c in columns) + "|")
    for e in entries:
        f = e.finding
        text = cell_text(finding_text(e, verbose=verbose))
        samples = sample_lines(e)
        if samples:
            text += " (e.g. " + "; ".join(cell_code(s) for s in samples) + ")"
        cells = [cell_code(f.table), *map(cell_text, [f.severity, f.check, f"{f.count:,}"])]
        cells += [cell_text(stage_word(e))] if stage else []
        cells.append(text)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def quality_section(overview: QualityOverview, *, verbose: bool, heading: str = "h2") -> str:
    """The verdict and the findings table, as a piece of a page."""
    lines = summary_lines(overview, verbose=verbose)
    word = verdict_word(overview)
    out = [
        f'<{heading} id="quality">Data quality <span class="verdict {word}">{word}</span>'
        f"</{heading}>"
    ]
    out += [f'<p class="lead">{esc(line)}</p>' for line in lines]
    entries = overview.shown(verbose)
    if not entries:
        return "\n".join(out)
    stage = overview.stages_differ()
    columns = ["table", "severity", "check", "rows", *(["stage"] if stage else []), "finding"]
    rows = []
    for e in entries:
        f = e.finding
        text = esc(finding_text(e, verbose=verbose))
        samples = sample_lines(e)
        if samples:
            items = "".join(f'<li class="key">{esc(s)}</li>' for s in samples)
            text += f'<ul class="samples">{items}</ul>'
        row = [
            f"<code>{esc(f.table)}</code>",
            f'<span class="sev-{esc(f.severity)}">{esc(f.severity)}</span>',
            esc(f.check),
            f"{f.count:,}",
        ]
        row += [esc(stage_word(e))] if stage else []
        row.append(text)
        rows.append(row)
    numeric = [c == "rows" for c in columns]
    out.append(table(columns, rows, numeric=numeric, raw_html=[True] * len(columns)))
    return "\n".join(out)


def quality_page(overview: QualityOverview, *, verbose: bool) -> str:
    return document(
        "olistctl: data quality", [quality_section(overview, verbose=verbose, heading="h1")]
    )
