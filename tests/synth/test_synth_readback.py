"""pandas and pyarrow read the generated files to the same values, typed as the model says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from olistctl.dataset import CUSTOMERS, TABLES, arrow_schema


def read_with_pyarrow(path, table) -> pa.Table:
    schema = arrow_schema(table)
    return pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=schema,
            null_values=[""],
            strings_can_be_null=True,
            timestamp_parsers=["%Y-%m-%d %H:%M:%S"],
        ),
    )


def read_with_pandas(path, table) -> pd.DataFrame:
    """The way a careful analyst reads the real files: ids and zips as text, NULL = empty."""
    dtypes = {}
    for c in table.columns:
        dtypes[c.name] = {"string": str, "int": "Int64", "double": float, "decimal": str}.get(
            c.type, str
        )
    frame = pd.read_csv(
        path,
        dtype=dtypes,
        keep_default_na=False,
        na_values=[""],
    )
    for c in table.columns:
        if c.type == "timestamp":
            frame[c.name] = pd.to_datetime(frame[c.name], format="%Y-%m-%d %H:%M:%S")
    return frame


def pandas_values(series: pd.Series, kind: str) -> list:
    out = []
    for v in series.tolist():
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
            out.append(None)
        elif kind == "decimal":
            out.append(Decimal(v))
        elif kind == "timestamp":
            out.append(v.to_pydatetime())
        elif kind == "int":
            out.append(int(v))
        else:
            out.append(v)
    return out


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.short_name)
def test_pandas_and_pyarrow_agree(thousand, table):
    path = thousand.files[table.name]
    arrow = read_with_pyarrow(path, table)
    frame = read_with_pandas(path, table)
    assert arrow.schema == arrow_schema(table)
    assert arrow.num_rows == len(frame) == thousand.rows[table.name]
    assert list(frame.columns) == list(table.column_names)
    for column in table.columns:
        from_arrow = arrow.column(column.name).to_pylist()
        from_pandas = pandas_values(frame[column.name], column.type)
        assert from_arrow == from_pandas, column.name
        if column.type == "timestamp":
            assert all(isinstance(v, dt.datetime) for v in from_arrow if v is not None)


def test_zip_prefixes_keep_leading_zeros(thousand):
    path = thousand.files[CUSTOMERS.name]
    customers = read_with_pandas(path, CUSTOMERS).customer_zip_code_prefix
    assert customers.str.len().eq(5).all()
    assert customers.str.startswith("0").any()


def test_row_counts_match_the_result(shaped, frames):
    by_short = {t.name: t.short_name for t in TABLES}
    for name, rows in shaped.rows.items():
        assert len(frames[by_short[name]]) == rows, name


def test_bytes_match_the_files(shaped):
    for name, path in shaped.files.items():
        assert path.stat().st_size == shaped.bytes[name]
        assert path.name == f"{name}.csv"
