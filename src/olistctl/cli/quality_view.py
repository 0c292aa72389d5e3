"""How `report quality` shows its findings: verdict first, then one table grouped by table.

The table fits the terminal: the fixed columns (severity, check, rows) keep
their width and never wrap; the finding's text wraps between words in what
is left. A stage column appears only where the raw CSVs and the processed
Parquet disagree. Info findings show with --verbose; --samples N adds failing
rows under each finding, as full-width lines.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from olistctl.cli.render import OutputFormat, QualityFormat, emit_summary

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from olistctl.cli.state import AppState
    from olistctl.quality.overview import Entry, QualityOverview

_STYLE = {"error": "bold red", "warn": "yellow", "info": "dim"}


class FindingsTable:
    """The findings, grouped by table, laid out for the width it is given."""

    GAP = 2

    def __init__(self, entries: list[Entry], *, show_stage: bool, verbose: bool) -> None:
        self.entries = entries
        self.show_stage = show_stage
        self.verbose = verbose

    def _columns(self) -> list[tuple[str, int]]:
        from olistctl.quality.overview import stage_word

        counts = [f"{e.finding.count:,}" for e in self.entries]
        columns = [
            ("severity", max(len("severity"), *(len(e.finding.severity) for e in self.entries))),
            ("check", max(len("check"), *(len(e.finding.check) for e in self.entries))),
            ("rows", max(len("rows"), *map(len, counts))),
        ]
        if self.show_stage:
            columns.append(("stage", max(len(stage_word(e)) for e in self.entries)))
        return columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.cells import cell_len
        from rich.padding import Padding
        from rich.table import Table
        from rich.text import Text

        from olistctl.quality.overview import finding_text, sample_lines, stage_word

        if not self.entries:
            return
        fixed = self._columns()
        used = sum(w for _, w in fixed) + self.GAP * len(fixed)
        text_width = max(options.max_width - used, 20)

        def grid(header: bool = False) -> Table:
            table = Table(
                box=None,
                show_header=header,
                header_style="bold",
                pad_edge=False,
                padding=(0, self.GAP, 0, 0),
                expand=False,
            )
            for name, width in fixed:
                table.add_column(
                    name, width=width, no_wrap=True, justify="right" if name == "rows" else "left"
                )
            table.add_column("finding", width=text_width, overflow="fold")
            return table

        yield grid(header=True)
        current = None
        for entry in self.entries:
            f = entry.finding
            if f.table != current:
                current = f.table
                yield Text(current, style="bold")
            row = grid()
            cells: list[Text | str] = [
                Text(f.severity, style=_STYLE[f.severity]),
                f.check,
                f"{f.count:,}",
            ]
            if self.show_stage:
                cells.append(stage_word(entry))
            text = finding_text(entry, verbose=self.verbose)
            indent = fixed[0][1] + self.GAP
            # A word longer than the finding column (a category name) would be folded in
            # it: such a finding's text goes on full-width lines under its row instead.
            fits = max((cell_len(w) for w in text.split()), default=0) <= text_width
            row.add_row(*cells, text if fits else "")
            yield row
            lines = [] if fits else [Text(text)]
            lines += [Text("e.g. " + line, style="dim") for line in sample_lines(entry)]
            for line in lines:
                line.overflow = "fold"
                yield Padding(line, (0, 0, 0, indent))


def show_quality(
    state: AppState, overview: QualityOverview, output: QualityFormat, *, verbose: bool
) -> str | None:
    """Print the report in ``output``; return the worst severity found."""
    from olistctl.quality.overview import summary_lines

    worst = overview.worst()
    if output is QualityFormat.json:
        state.out.file.write(json.dumps(overview.to_dict(), indent=2, default=str) + "\n")
        return worst
    if output is QualityFormat.markdown:
        from olistctl.report.quality_doc import quality_markdown

        state.out.file.write(quality_markdown(overview, verbose=verbose))
        return worst
    if output is QualityFormat.html:
        from olistctl.report.quality_doc import quality_page

        state.out.file.write(quality_page(overview, verbose=verbose))
        return worst
    entries = overview.shown(verbose)
    if output is not QualityFormat.table:  # csv, jsonl: one row per finding, full text
        columns = ["severity", "table", "check", "column", "stages", "count", "expected", "found"]
        columns += ["message", "samples"]
        rows = [_record(e) for e in entries]
        emit_summary(state.out, columns, rows, OutputFormat(output.value))
        return worst
    for line in summary_lines(overview, verbose=verbose):
        state.out.print(line, highlight=False, markup=False)
    if entries:
        state.out.print()
        state.out.print(
            FindingsTable(entries, show_stage=overview.stages_differ(), verbose=verbose)
        )
    return worst


def _record(entry: Entry) -> tuple[Any, ...]:
    from olistctl.quality.overview import sample_lines

    f = entry.finding
    return (
        f.severity,
        f.table,
        f.check,
        f.column,
        " ".join(entry.stages),
        f.count,
        f.expected,
        f.found,
        f.message,
        "; ".join(sample_lines(entry)),
    )
