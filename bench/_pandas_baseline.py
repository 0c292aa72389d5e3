"""The usual way, done right: pandas reads an Olist CSV with the types the data needs.

Types come from the dataset model, as a careful Lambda author would write
them by hand: ids and zip prefixes as strings (leading zeros kept),
timestamps parsed, counts as nullable integers, money and coordinates as
float64 (pandas has no decimal type).
"""

from __future__ import annotations

import csv
import os

from olistctl.dataset import Table, table_for_header

_PANDAS_TYPES = {"int": "Int32", "double": "float64", "decimal": "float64"}


def table_for_file(path: str | os.PathLike) -> Table:
    """The Olist table whose header this CSV has."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    table = table_for_header(header)
    if table is None:
        raise ValueError(f"{path} has no Olist table's header")
    return table


def read_csv_typed(path: str | os.PathLike, table: Table):
    """``pandas.read_csv`` with strings as ``str`` and the timestamps parsed."""
    import pandas as pd

    dtypes: dict[str, object] = {}
    dates: list[str] = []
    for column in table.columns:
        if column.type == "timestamp":
            dates.append(column.name)
        elif column.type == "string":
            dtypes[column.name] = str
        else:
            dtypes[column.name] = _PANDAS_TYPES[column.type]
    return pd.read_csv(
        path,
        dtype=dtypes,
        parse_dates=dates,
        encoding="utf-8-sig",
    )
