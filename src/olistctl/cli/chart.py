"""`query --chart bar|line`: a two-column answer drawn in the terminal with plotext.

The first column labels the points (a category, a month, an hour), the second
holds the numbers. Bars are one line per row, with the value written after
the bar; a line chart puts the rows in their order along the x axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.console import Console

from olistctl.cli.render import ChartKind, text
from olistctl.errors import UsageError

_MAX_TICKS = 8


def chart_points(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[list, list]:
    """The labels and numbers of a two-column answer; UsageError for any other shape."""
    if len(columns) != 2:
        raise UsageError(
            f"--chart draws two columns (a label or time, then a number), and this answer has"
            f" {len(columns)} ({', '.join(columns)})",
            hint="select two columns, e.g. SELECT month, orders ...",
        )
    values = [row[1] for row in rows if row[1] is not None]
    bad = next(
        (v for v in values if isinstance(v, bool) or not isinstance(v, int | float | Decimal)),
        None,
    )
    if bad is not None:
        raise UsageError(
            f"--chart draws numbers, and the second column {columns[1]} holds {text(bad)!r}",
            hint="put the number in the second column (CAST it if it is text)",
        )
    # NULL, NaN and the infinities have no place on an axis: left out, and counted by the caller.
    kept = [row for row in rows if row[1] is not None and math.isfinite(float(row[1]))]
    return [text(r[0]) if r[0] is not None else "NULL" for r in kept], [float(r[1]) for r in kept]


def render_chart(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    kind: ChartKind,
    *,
    width: int,
    height: int = 20,
    title: str | None = None,
    color: bool = False,
) -> str:
    """The chart as text (ANSI colours when ``color``), ``width`` columns wide."""
    import plotext as plt

    labels, numbers = chart_points(columns, rows)
    heading = title or f"{columns[1]} by {columns[0]}"
    plt.clear_figure()
    if kind is ChartKind.bar:
        plt.simple_bar(labels, numbers, width=width, title=heading)
    else:
        plt.plotsize(width, height)
        plt.theme("clear")
        positions = list(range(1, len(numbers) + 1))
        plt.plot(positions, numbers, marker="braille")
        step = max(1, -(-len(labels) // _MAX_TICKS))
        ticks = positions[::step]
        plt.xticks(ticks, [labels[i - 1] for i in ticks])
        plt.title(heading)
        plt.xlabel(columns[0])
    drawn = plt.build()
    plt.clear_figure()
    return drawn if color else plt.uncolorize(drawn)


def show_chart(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    kind: ChartKind,
    *,
    title: str | None = None,
) -> None:
    _, numbers = chart_points(columns, rows)
    if numbers:
        color = console.is_terminal and not console.no_color
        drawn = render_chart(columns, rows, kind, width=console.width, title=title, color=color)
        console.file.write(drawn.rstrip("\n") + "\n")
    else:
        console.file.write("No rows to draw.\n")
    skipped = len(rows) - len(numbers)
    if skipped:
        console.file.write(
            f"{skipped} row(s) with a NULL (or NaN or infinite) {columns[1]} are not drawn.\n"
        )
    console.file.flush()
