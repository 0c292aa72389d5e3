"""Column types for a CSV that is not an Olist table, inferred from its first block.

pyarrow's own inference is what earlier pipelines got wrong: ``"01037"``
becomes the integer 1037. Here a column is a number only if no value has a
leading zero, a timestamp only if every value is a whole
``YYYY-MM-DD HH:MM:SS``, and a string otherwise, or when in doubt.
"""

from __future__ import annotations

import io
import re

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

# Each candidate: the pattern every non-NULL value must match, and the type.
_CANDIDATES: tuple[tuple[str, pa.DataType], ...] = (
    (r"^-?(0|[1-9][0-9]{0,17})$", pa.int64()),
    (r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", pa.float64()),
    (
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?$",
        pa.timestamp("ms"),
    ),
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", pa.date32()),
)

_QUOTE_OR_NEWLINE = re.compile(rb'["\n]')


def last_record_end(data: bytes) -> int:
    """The offset just past the last line break that ends a record (not inside quotes)."""
    inside = False
    end = 0
    for m in _QUOTE_OR_NEWLINE.finditer(data):
        if m.group() == b'"':
            inside = not inside
        elif not inside:
            end = m.end()
    return end


def infer_schema(head: bytes, names: list[str], at_eof: bool) -> tuple[pa.Schema, int]:
    """A schema for these columns from the sample ``head``, and how many rows it looked at."""
    cut = len(head) if at_eof else last_record_end(head)
    strings = pa.schema([(n, pa.string()) for n in names])
    try:
        sample = pcsv.read_csv(
            io.BytesIO(head[:cut]),
            read_options=pcsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=strings,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        # The stream will fail on the same rows and say where; strings meanwhile.
        return strings, 0
    fields = [pa.field(n, _infer_column(sample.column(n))) for n in names]
    return pa.schema(fields), sample.num_rows


def _infer_column(values: pa.ChunkedArray) -> pa.DataType:
    present = pc.drop_null(values)
    if len(present) == 0:
        return pa.string()
    for pattern, arrow_type in _CANDIDATES:
        if not pc.all(pc.match_substring_regex(present, pattern)).as_py():
            continue
        try:
            pc.cast(present, arrow_type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        return arrow_type
    return pa.string()
