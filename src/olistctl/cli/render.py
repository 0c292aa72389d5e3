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
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported only where a table is drawn (~30 ms of a start-up)
    from rich.console import Console


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


def to_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    records = [dict(zip(columns, (_json_value(v) for v in row), strict=True)) for row in rows]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def to_jsonl(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return "".join(
        json.dumps(
            dict(zip(columns, (_json_value(v) for v in row), strict=True)), ensure_ascii=False
        )
        + "\n"
        for row in rows
    )


def to_markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        return text(v).replace("|", "\\|").replace("\r\n", " ").replace("\n", " ")

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _is_numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present
    )


def rich_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    null: str = "[dim]NULL[/dim]",
):
    from rich.table import Table

    table = Table(title=title, caption=caption, title_justify="left", header_style="bold")
    for i, name in enumerate(columns):
        numeric = _is_numeric([row[i] for row in rows])
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(text(v) if v is not None else null for v in row))
    return table


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


def emit_summary(console: Console, columns, rows, fmt: OutputFormat, *, title=None) -> None:
    """:func:`emit` for a command's own summary tables, where a missing value shows as "-"."""
    emit(console, columns, rows, fmt, title=title, null="-")
