"""Query rows as an Arrow table typed by the Athena types of their columns.

A :class:`~olistctl.records.QueryResult` holds Python values (``int``,
``Decimal``, ``datetime`` …) and each column's Athena type name. This module
turns them into a ``pyarrow.Table`` whose column types say what Athena said:
``decimal(10,2)`` stays an exact ``decimal128(10, 2)``, ``bigint`` is
``int64`` even when a value is NULL, ``timestamp`` is milliseconds (Athena's
precision, and the unit olistctl writes everywhere). The Python API and
``query --out`` for catalog statements use it; pyarrow is imported only here,
when called.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")


def arrow_type(athena_type: str) -> pa.DataType | None:
    """The Arrow type of an Athena result type; None where Arrow should infer it (arrays, rows)."""
    import pyarrow as pa

    name = athena_type.strip().lower()
    found = _DECIMAL.fullmatch(name)
    if found:
        return pa.decimal128(int(found.group(1)), int(found.group(2)))
    kind = name.split("(", 1)[0].strip()
    simple = {
        "varchar": pa.string(),
        "char": pa.string(),
        "string": pa.string(),
        "json": pa.string(),
        "tinyint": pa.int8(),
        "smallint": pa.int16(),
        "integer": pa.int32(),
        "int": pa.int32(),
        "bigint": pa.int64(),
        "real": pa.float32(),
        "float": pa.float32(),
        "double": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("ms"),
        "timestamp with time zone": pa.timestamp("ms", tz="UTC"),
        "varbinary": pa.binary(),
    }
    return simple.get(name, simple.get(kind))


def to_arrow(
    columns: Sequence[str], types: Sequence[str], rows: Sequence[Sequence[Any]]
) -> pa.Table:
    """A ``pyarrow.Table`` of ``rows``; a column whose values do not fit its type is text.

    Repeated column names (Athena allows ``SELECT 1 AS a, 2 AS a``) are kept as they are.
    """
    import pyarrow as pa

    arrays = []
    for index, athena_type in enumerate(types):
        values = [row[index] for row in rows]
        wanted = arrow_type(athena_type)
        try:
            arrays.append(pa.array(values, type=wanted))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            # Values Arrow cannot hold in one type (mixed, say): kept as text.
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
    fields = [pa.field(name, array.type) for name, array in zip(columns, arrays, strict=True)]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
