"""Arrow types in Glue/Athena spelling, as the Glue crawler writes them for Parquet columns.

Both catalogs use it (local: ``catalog.json``; aws: ``crawl --direct``), so a table
registered either way has the same column types as one the crawler made.
pyarrow is imported only when a type is converted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from olistctl.errors import OperationFailed

if TYPE_CHECKING:
    import pyarrow as pa

# Integer and floating widths keep their own names: the crawler writes int8 as tinyint.
_SIMPLE: tuple[tuple[str, str], ...] = (
    ("is_int8", "tinyint"),
    ("is_int16", "smallint"),
    ("is_int32", "int"),
    ("is_int64", "bigint"),
    ("is_float32", "float"),
    ("is_float64", "double"),
    ("is_boolean", "boolean"),
    ("is_date", "date"),
    ("is_timestamp", "timestamp"),
)


def athena_type(arrow_type: pa.DataType) -> str:
    """The Glue/Athena spelling of an Arrow type (``decimal(10,2)``, ``bigint`` …)."""
    import pyarrow as pa
    import pyarrow.types as t

    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or arrow_type == pa.null():
        return "string"  # an all-NULL column has no type of its own; Glue calls it string
    if t.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    for check, name in _SIMPLE:
        if getattr(t, check)(arrow_type):
            return name
    raise OperationFailed(
        f"Arrow type {arrow_type} has no Athena equivalent",
        hint="convert the column to a string, number, decimal, date or timestamp",
    )
