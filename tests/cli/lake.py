"""What the CLI tests compare against: the sample tables read independently, with pandas.

Nothing here goes through olistctl's reader, transform or engine: the CSV
files are read by pandas, typed from the dataset model (the one place the
types are written), and the expected answers are computed from those frames.
Values are spelled the way Athena's CSV results spell them, so one expected
row serves every output format.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from olistctl.dataset import CSV_TIMESTAMP_FORMAT, get_table

WS = "olist-lake"  # the workspace the CLI uses by default, in the current folder
ORDERS = "olist_orders_dataset"


@cache
def frame(folder: Path, name: str) -> pd.DataFrame:
    """One sample table, typed: strings, Timestamps, Decimals, nullable ints, floats."""
    table = get_table(name)
    df = pd.read_csv(
        folder / table.file_name,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8-sig",  # the translation file starts with a BOM
    )
    assert list(df.columns) == list(table.column_names)
    for column in table.columns:
        values = df[column.name]
        if column.type == "timestamp":
            df[column.name] = pd.to_datetime(values, format=CSV_TIMESTAMP_FORMAT)
        elif column.type == "decimal":
            df[column.name] = values.map(lambda v: None if pd.isna(v) else Decimal(v))
        elif column.type == "int":
            df[column.name] = values.astype("Int64")
        elif column.type == "double":
            df[column.name] = values.astype(float)
    return df


def athena_text(value: Any) -> str | None:
    """A value as Athena's CSV result spells it; None for NULL."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# -- reading each output format back into rows of text (None for NULL) -------------


def rows_from(fmt: str, out: str) -> list[dict[str, str | None]]:
    """The rows a ``query -o FMT`` printed, each value as text (None for NULL)."""
    if fmt == "csv":
        return [{k: v or None for k, v in r.items()} for r in csv.DictReader(io.StringIO(out))]
    if fmt == "json":
        return [{k: _json_text(v) for k, v in r.items()} for r in json.loads(out)]
    if fmt == "jsonl":
        return [
            {k: _json_text(v) for k, v in json.loads(line).items()} for line in out.splitlines()
        ]
    if fmt == "markdown":
        lines = out.splitlines()
        assert set(lines[1]) <= set("|-"), lines[1]  # the separator row
        header = _cells(lines[0], "|")
        return [
            dict(zip(header, (c or None for c in _cells(x, "|")), strict=True)) for x in lines[2:]
        ]
    if fmt == "table":  # rich's box drawing: ┃ in the header, │ in data rows; NULL shown as NULL
        header = next(_cells(x, "┃") for x in out.splitlines() if "┃" in x)
        data = [_cells(x, "│") for x in out.splitlines() if "│" in x]
        return [
            dict(zip(header, (None if c == "NULL" else _digits(c) for c in cells), strict=True))
            for cells in data
        ]
    raise AssertionError(f"unknown format {fmt}")


_GROUPED = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


def _digits(cell: str) -> str:
    """A number the table wrote with thousands separators, as its digits."""
    return cell.replace(",", "") if _GROUPED.fullmatch(cell) else cell


def _cells(line: str, bar: str) -> list[str]:
    return [c.strip() for c in line.strip().strip(bar).split(bar)]


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):  # decimals arrive as JSON numbers: back to their digits
        return str(Decimal(repr(value)))
    return str(value)


def same_numbers(rows: Sequence[dict], columns: Sequence[str]) -> list[dict]:
    """Rows with the given columns' texts read as Decimals, so 5.0 and 5.00 compare equal."""
    return [
        {k: Decimal(v) if k in columns and v is not None else v for k, v in r.items()} for r in rows
    ]
