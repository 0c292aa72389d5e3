"""Rows to stdout in the format asked for: table, csv, json, jsonl, markdown.

Values are printed the way Athena prints them in its CSV results (timestamps
with milliseconds, decimals with their scale, NULL as an empty field in CSV
and ``null`` in JSON), so output from both backends reads the same.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported only where a table is drawn (~30 ms of a start-up)
    from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    from olistctl.cli.fit import ColumnText


class PlainOut:
    """Where the machine formats (csv, json, jsonl, markdown) go: stdout, with no rich
    Console made for it."""

    @property
    def file(self) -> Any:
        return sys.stdout


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class ChartKind(StrEnum):
    """`query --chart`: a terminal chart of a two-column answer."""

    bar = "bar"
    line = "line"


class QualityFormat(StrEnum):
    """`report quality`'s formats: the data formats, and a page to open in a browser."""

    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


def text(value: Any) -> str:
    """A value as Athena's CSV output spells it (NULL -> "")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        # JSON numbers; money has 2 decimals and round-trips exactly through float repr.
        return float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else text(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return text(value)


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([text(v) for v in row])
    return buf.getvalue()


def _json_names(columns: Sequence[str]) -> Sequence[str]:
    """The names of a JSON record, none repeated: an object keeps one value per name."""
    from olistctl.result_file import refuse_repeated_names

    refuse_repeated_names(
        columns,
        "a JSON object holds one value per name",
        hint="give each column its own name with AS (or use -o csv)",
    )
    return columns


def to_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    columns = _json_names(columns)
    records = [dict(zip(columns, (_json_value(v) for v in row), strict=True)) for row in rows]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def to_jsonl(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    columns = _json_names(columns)
    return "".join(
        json.dumps(
            dict(zip(columns, (_json_value(v) for v in row), strict=True)), ensure_ascii=False
        )
        + "\n"
        for row in rows
    )


def to_markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    # Every value renders as written: the one escape is report/markdown_text.py's.
    from olistctl.report.markdown_text import cell_text

    lines = ["| " + " | ".join(cell_text(text(c)) for c in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    lines += ["| " + " | ".join(cell_text(text(v)) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _is_numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present
    )


# Columns whose whole numbers are not quantities: a year reads 2017, not 2,017.
_NOT_QUANTITY = re.compile(r"(^|_)(year|yyyy|id|zip|prefix|code)(_|$)", re.IGNORECASE)
_MAX_DECIMALS = 12


def _decimals(value: int | float | Decimal) -> int:
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        if not math.isfinite(value):
            return 0
        value = Decimal(repr(value))
    exponent = value.as_tuple().exponent
    return min(-exponent, _MAX_DECIMALS) if isinstance(exponent, int) and exponent < 0 else 0


def number_format(name: str, values: Sequence[Any]) -> Callable[[Any], str] | None:
    """How a numeric column's values read in a table: thousands separators, and as many
    decimals as the most precise value needs, the same for every row; None for text."""
    if not _is_numeric(values):
        return None
    present = [v for v in values if v is not None]
    places = max(_decimals(v) for v in present)
    separator = "" if _NOT_QUANTITY.search(name) else ","

    def fmt(value: Any) -> str:
        if isinstance(value, float) and not math.isfinite(value):
            return text(value)
        if places == 0 and isinstance(value, int):
            return format(value, f"{separator}d")
        return format(
            Decimal(repr(value)) if isinstance(value, float) else value, f"{separator}.{places}f"
        )

    return fmt


def number_text_format(values: Sequence[Any]) -> Callable[[Any], str] | None:
    """For a text column that holds numbers written out (a KPI's value column): each with
    thousands separators and its own decimals, padded so the decimal points line up."""
    from olistctl.report.numbers import grouped, is_number_text

    present = [v for v in values if v is not None]
    if not present or not all(is_number_text(v) for v in present):
        return None
    # Aligned on the decimal point by padding on the left (rich trims trailing spaces).
    width = max(len(grouped(v).partition(".")[0]) for v in present)

    def fmt(value: Any) -> str:
        whole, dot, frac = grouped(str(value)).partition(".")
        return whole.rjust(width) + dot + frac

    return fmt


class FittedTable:
    """A table of rows that fits the width it is printed in.

    Numbers are right-aligned, with separators and a fixed number of decimals per column;
    text wraps between words. When even that does not fit (more columns than the
    terminal is wide), each row is shown as a list of ``column  value`` lines instead,
    so no value is cut short.

    ``layout`` gives, for cells already written out as text, each column's justification
    and whether its cells may wrap; ``footer`` a last row drawn under a rule (totals).
    """

    def __init__(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        title: str | None = None,
        caption: str | None = None,
        null: str = "[dim]NULL[/dim]",
        numbers_in_text: bool = False,
        layout: Sequence[tuple[JustifyMethod, bool]] | None = None,
        footer: Sequence[str] | None = None,
    ) -> None:
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        self.title, self.caption, self.null, self.footer = title, caption, null, footer
        self.formats: list[Callable[[Any], str] | None] = []
        self.justify: list[JustifyMethod] = []
        self.wraps: list[bool] = []
        for i, name in enumerate(self.columns):
            values = [r[i] for r in self.rows]
            fmt = None if layout else number_format(name, values)
            justify: JustifyMethod = "right" if fmt else "left"
            if fmt is None and numbers_in_text:
                # Numbers written out as text line up on the decimal point by their padding.
                fmt = number_text_format(values)
            self.formats.append(fmt)
            self.justify.append(layout[i][0] if layout else justify)
            self.wraps.append(layout[i][1] if layout else fmt is None)

    def cell(self, i: int, value: Any) -> Text | str:
        from rich.text import Text

        if value is None:
            return self.null
        fmt = self.formats[i]
        return Text(fmt(value) if fmt else text(value))

    def texts(self, keep: Sequence[int] | None = None) -> list[ColumnText]:
        """The text of the columns ``keep`` (all by default), as :func:`fit_widths` takes it."""
        from olistctl.cli.fit import ColumnText

        def plain(i: int, value: Any) -> str:
            cell = self.cell(i, value)
            return "NULL" if value is None or isinstance(cell, str) else cell.plain

        return [
            ColumnText(
                self.columns[i],
                [plain(i, r[i]) for r in self.rows],
                wraps=self.wraps[i],
                footer=self.footer[i] if self.footer else "",
            )
            for i in self._kept(keep)
        ]

    def _kept(self, keep: Sequence[int] | None) -> Sequence[int]:
        return range(len(self.columns)) if keep is None else keep

    def table(self, widths: list[int] | None = None, keep: Sequence[int] | None = None) -> Table:
        """The columns ``keep`` (all by default) as a rich table, at content ``widths``."""
        from rich.table import Table

        from olistctl.cli.fit import wrap_header

        table = Table(
            title=self.title,
            caption=self.caption,
            title_justify="left",
            caption_justify="left",
            header_style="bold",
            show_footer=self.footer is not None,
        )
        kept = self._kept(keep)
        for n, i in enumerate(kept):
            width = widths[n] if widths else None
            name = self.columns[i]
            table.add_column(
                wrap_header(name, width) if width else name,
                justify=self.justify[i],
                footer=self.footer[i] if self.footer else "",
                no_wrap=not self.wraps[i],
                overflow="fold",
                width=width,
            )
        for row in self.rows:
            table.add_row(*(self.cell(i, row[i]) for i in kept))
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table
        from rich.text import Text

        from olistctl.cli.fit import fit_widths

        widths = fit_widths(self.texts(), options.max_width)
        if widths is not None:
            yield self.table(widths)
            return
        if self.title:
            yield Text(self.title, style="italic")
        for n, row in enumerate(self.rows, start=1):
            record = Table(
                title=f"row {n}", title_justify="left", show_header=False, header_style="bold"
            )
            record.add_column("column", style="bold", overflow="fold")
            record.add_column("value", overflow="fold")
            for i, value in enumerate(row):
                record.add_row(self.columns[i], self.cell(i, value))
            yield record
        if self.footer:  # the totals row, under its own label
            total = Table(
                title=self.footer[0], title_justify="left", show_header=False, header_style="bold"
            )
            total.add_column("column", style="bold", overflow="fold")
            total.add_column("value", overflow="fold")
            for i in range(1, len(self.columns)):
                if self.footer[i]:
                    total.add_row(self.columns[i], self.footer[i])
            yield total
        if self.caption:
            yield Text(self.caption, style="dim")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.table())


def rich_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    null: str = "[dim]NULL[/dim]",
) -> FittedTable:
    return FittedTable(columns, rows, title=title, caption=caption, null=null)


def emit(
    console: Console | PlainOut,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: OutputFormat,
    *,
    title: str | None = None,
    null: str = "[dim]NULL[/dim]",
) -> None:
    """Write rows to stdout in ``fmt`` (``null`` is how the table format shows a NULL)."""
    if fmt is OutputFormat.table:
        assert not isinstance(console, PlainOut), "a table is drawn by a rich Console"
        console.print(rich_table(columns, rows, title=title, null=null))
        return
    writer = {
        OutputFormat.csv: to_csv,
        OutputFormat.json: to_json,
        OutputFormat.jsonl: to_jsonl,
        OutputFormat.markdown: to_markdown,
    }[fmt]
    # Bypass rich for machine formats: no wrapping, no markup, exact bytes.
    console.file.write(writer(columns, rows))
    console.file.flush()


def human_bytes(n: int | float | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def dollars(amount: float | Decimal) -> str:
    amount = float(amount)
    if amount == 0:
        return "$0.00"
    if abs(amount) < 0.01:
        return f"${amount:.6f}"
    return f"${amount:,.2f}"


def emit_summary(
    console: Console,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: OutputFormat,
    *,
    title: str | None = None,
) -> None:
    """:func:`emit` for a command's own summary tables, where a missing value shows as "-"."""
    emit(console, columns, rows, fmt, title=title, null="-")
