"""`report cost` in a terminal: tables that fit its width without cutting an answer.

Money columns have one number of decimals for every row and the total (enough
for the smallest amount, two at least); service names and units wrap between
words. Where the unit prices came from (the bundled table and its date, or the
AWS Price List and the date AWS says the price took effect; the notes say when
it was fetched) is said once under the table when every line's came from the
same place, else in a "price from" column. When the terminal is too narrow for
every column, the least needed ones (price from, basis, billable units, free
tier, unit price) are left out and named under the table; ``-o json`` or ``-o
csv`` always has them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from olistctl.cli.render import FittedTable
from olistctl.report.numbers import money_format, quantity, unit_price

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult

    from olistctl.cli.state import AppState
    from olistctl.cost import CostReport
    from olistctl.cost.billed import ActualCosts
    from olistctl.cost.scan_compare import ScanComparison


Column = tuple[str, "JustifyMethod", bool]  # name, justify, whether its cells may wrap


class NarrowingTable(FittedTable):
    """A :class:`FittedTable` of cells written out as text that leaves out its optional
    columns, least needed first, until it fits (rather than showing rows as lists)."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Any]],
        *,
        optional: Sequence[str],  # names of the columns that may go, in that order
        title: str | None = None,
        caption: str | None = None,
        footer: Sequence[str] | None = None,
    ) -> None:
        super().__init__(
            [name for name, _, _ in columns],
            rows,
            title=title,
            caption=caption,
            layout=[(justify, wraps) for _, justify, wraps in columns],
            footer=footer,
        )
        self.optional = list(optional)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        from olistctl.cli.fit import fit_widths

        dropped: list[str] = []
        keep = list(range(len(self.columns)))
        widths = fit_widths(self.texts(keep), options.max_width)
        for name in self.optional:
            if widths is not None:
                break
            dropped.append(name)
            keep = [i for i, c in enumerate(self.columns) if c not in dropped]
            widths = fit_widths(self.texts(keep), options.max_width)
        if widths is None:
            # Not even the needed columns fit: each row as lines, every column kept (drawn
            # anyway, rich would fold numbers and money across lines).
            yield from super().__rich_console__(console, options)
            return
        yield self.table(widths, keep)
        if dropped:
            yield Text(
                f"Left out at this width: {', '.join(dropped)} (a wider terminal, or -o json,"
                " shows them).",
                style="dim",
            )


def cost_table(report: CostReport, title: str) -> NarrowingTable:
    money = money_format(
        [line.cost for line in report.lines] + [report.total]
        + [line.projected_cost for line in report.lines] + [report.projection]
    )  # fmt: skip
    sources = sorted({line.price_source for line in report.lines})
    # One source for every line: said once, under the table, rather than on every row.
    by_line = len(sources) > 1
    price_from: list[Column] = [("price from", "left", True)] if by_line else []
    columns: list[Column] = [
        ("service", "left", True),
        ("usage", "right", True),  # the number and its unit may wrap apart
        ("free tier", "right", False),
        ("billable", "right", False),
        ("unit price", "right", True),
        *price_from,
        ("cost", "right", False),
        ("month (projected)", "right", True),  # the header wraps; the amounts are one word
        ("basis", "left", True),
    ]
    rows = [
        (
            line.service,
            f"{quantity(line.usage)} {line.unit}",
            quantity(line.free_tier),
            quantity(line.billable),
            f"{unit_price(line.unit_price)} / {line.price_unit}",
            *([line.price_source] if by_line else []),
            money(line.cost),
            money(line.projected_cost),
            line.basis,
        )
        for line in report.lines
    ]
    footer = ["Total", "", "", "", "", *([""] if by_line else []), money(report.total)]
    footer += [money(report.projection), ""]
    return NarrowingTable(
        columns,
        rows,
        optional=["price from", "basis", "billable", "free tier", "unit price"],
        title=title,
        caption=None if by_line or not sources else f"Unit prices from the {sources[0]}.",
        footer=footer,
    )


def billed_table(billed: ActualCosts, title: str) -> NarrowingTable:
    money = money_format([*billed.by_service.values(), billed.total])
    rows = [(service, money(amount)) for service, amount in billed.by_service.items()]
    rows.append(("Total", money(billed.total)))
    return NarrowingTable(
        [("service", "left", True), ("billed", "right", False)], rows, optional=[], title=title
    )


def scans_table(comparisons: Sequence[ScanComparison], title: str) -> NarrowingTable:
    from olistctl.cli.render import human_bytes

    money = money_format(
        [c.parquet.dollars for c in comparisons] + [c.csv.dollars for c in comparisons]
    )
    columns: list[Column] = [
        ("query", "left", False),  # a name to type back: never wrapped or cut
        ("parquet scanned", "right", True),
        ("parquet billed", "right", True),
        ("csv scanned", "right", True),
        ("csv billed", "right", True),
        ("csv / parquet", "right", True),
    ]
    rows = [
        (
            c.query,
            human_bytes(c.parquet.bytes_scanned),
            money(c.parquet.dollars),
            human_bytes(c.csv.bytes_scanned),
            money(c.csv.dollars),
            "-" if c.ratio is None else f"{c.ratio:,.1f}x",
        )
        for c in comparisons
    ]
    return NarrowingTable(columns, rows, optional=["csv billed", "parquet billed"], title=title)


def show_cost_table(
    state: AppState, report: CostReport, title: str, billed: ActualCosts | None
) -> None:
    state.out.print(cost_table(report, title))
    if billed is not None:
        from olistctl.settings import STACK_TAG_KEY

        state.out.print(
            billed_table(
                billed,
                f"Billed by AWS to resources tagged {STACK_TAG_KEY}"
                f" ({billed.start} to {billed.end}, end exclusive; {billed.currency})",
            )
        )
    for note in report.notes:
        state.info(f"[dim]·[/dim] {note}")


def show_scans_table(state: AppState, comparisons: Sequence[ScanComparison], title: str) -> None:
    state.out.print(scans_table(comparisons, title))
    state.info(
        "Billed: rounded up to the MB with Athena's 10 MB minimum per query, so on small data"
        " both sides cost the minimum; the bytes show what grows with the data."
    )
