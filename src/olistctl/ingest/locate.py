"""Turn a pyarrow CSV error into one sentence naming the file, the line and the fix.

pyarrow's streaming reader says *what* failed ("Expected 7 columns, got 6",
"invalid value 'abc'") but not *where*. The source keeps the blocks around
the failing batch (:class:`~olistctl.ingest.source.SourceStream`), each
with the physical line count and quote parity at its start; this module
re-reads those bytes record by record with the same rules pyarrow applies
(field count, UTF-8, the column's type) and reports the first record that
breaks one. Lines are physical lines of the file (1 = the header), counted
to where the record starts, so a record with line breaks inside quotes
moves the count as an editor would.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyarrow as pa

from olistctl.errors import InputError
from olistctl.ingest.source import Chunk

_QUOTE_OR_NEWLINE = re.compile(rb'["\n]')

_INT = re.compile(r"-?[0-9]+\Z")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[+-]?(inf|infinity|nan)\Z", re.IGNORECASE)
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[ T]([0-9]{2})(?::([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?)?)?\Z"
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")


# -- one value against one type ---------------------------------------------


def _valid_int(bits: int) -> Callable[[str], bool]:
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    def check(v: str) -> bool:
        return bool(_INT.match(v)) and lo <= int(v) <= hi

    return check


def _valid_decimal(precision: int, scale: int) -> Callable[[str], bool]:
    def check(v: str) -> bool:
        if not _NUMBER.match(v):
            return False
        try:
            d = Decimal(v)
            q = d.quantize(Decimal(1).scaleb(-scale))
        except InvalidOperation:
            return False
        return q == d and len(q.as_tuple().digits) <= precision

    return check


def _valid_float(v: str) -> bool:
    return bool(_NUMBER.match(v) or _SPECIAL_FLOAT.match(v))


def _valid_timestamp(digits: int) -> Callable[[str], bool]:
    def check(v: str) -> bool:
        m = _TIMESTAMP.match(v)
        if not m:
            return False
        y, mo, d, h, mi, s, frac = m.groups()
        if frac and frac.rstrip("0") and len(frac.rstrip("0")) > digits:
            return False
        try:
            datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        except ValueError:
            return False
        return True

    return check


def _valid_date(v: str) -> bool:
    m = _DATE.match(v)
    if not m:
        return False
    try:
        date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def describe_type(t: pa.DataType) -> str:
    """What a value of this type looks like, for a message."""
    if pa.types.is_decimal(t):
        return (
            f"an amount with at most {t.scale} decimals and {t.precision - t.scale} digits before"
            f" the point, like 58.90 (decimal({t.precision},{t.scale}))"
        )
    if pa.types.is_integer(t):
        return f"a whole number that fits in {t.bit_width} bits"
    if pa.types.is_timestamp(t):
        return "a timestamp like 2017-10-02 10:56:33"
    if pa.types.is_date(t):
        return "a date like 2017-10-02"
    if pa.types.is_floating(t):
        return "a number"
    return str(t)


def value_check(t: pa.DataType) -> Callable[[str], bool] | None:
    """A predicate that accepts what pyarrow converts to ``t`` (None: anything goes)."""
    if pa.types.is_decimal(t):
        return _valid_decimal(t.precision, t.scale)
    if pa.types.is_integer(t):
        return _valid_int(t.bit_width)
    if pa.types.is_timestamp(t):
        return _valid_timestamp({"s": 0, "ms": 3, "us": 6, "ns": 9}[t.unit])
    if pa.types.is_date(t):
        return _valid_date
    if pa.types.is_floating(t):
        return _valid_float
    return None


# -- finding the record -----------------------------------------------------


def _likely_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "Latin-1 (ISO-8859-1)"
    return "Windows-1252 / Latin-1"


def _records(window: Sequence[Chunk], at_eof: bool) -> tuple[bytes, int, list[tuple[int, int]]]:
    """The window's bytes, the line number of its start, and its whole records.

    Each record is ``(start, end)`` in the window's bytes. The first partial
    record (the window may start mid-record) and, before the end of the file,
    the last partial one are left out.
    """
    data = b"".join(c.data for c in window)
    first = window[0]
    inside = first.quotes_before % 2 == 1
    bounds: list[int] = [0] if first.offset == 0 else []
    for m in _QUOTE_OR_NEWLINE.finditer(data):
        if m.group() == b'"':
            inside = not inside
        elif not inside:
            bounds.append(m.end())
    if at_eof and (not bounds or bounds[-1] < len(data)):
        bounds.append(len(data))
    spans = list(itertools.pairwise(bounds))
    if first.offset == 0 and spans:
        spans = spans[1:]  # the header
    return data, first.lines_before, spans


def locate(
    window: Sequence[Chunk],
    at_eof: bool,
    schema: pa.Schema,
    label: str,
    *,
    nullable: Callable[[str], bool],
    inferred: bool,
) -> InputError | None:
    """The first record in ``window`` that pyarrow would reject, as an InputError (or None)."""
    if not window:
        return None
    data, lines_before, spans = _records(window, at_eof)
    names = schema.names
    checks = [value_check(f.type) for f in schema]
    for start, end in spans:
        raw = data[start:end]
        line = lines_before + data.count(b"\n", 0, start) + 1
        if not raw.strip(b"\r\n"):
            continue  # an empty line: pyarrow skips it too
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = line + raw.count(b"\n", 0, exc.start)
            return InputError(
                f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}; it looks like"
                f" {_likely_encoding(data)})",
                path=label,
                line=bad_line,
                hint="re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`",
            )
        try:
            fields = next(csv.reader(io.StringIO(text, newline=""), strict=False))
        except (csv.Error, StopIteration):
            continue
        if len(fields) != len(names):
            return InputError(
                f"the row has {len(fields)} fields but the header has {len(names)} columns",
                path=label,
                line=line,
                hint="fix or remove that row (a value containing a comma must be in double"
                " quotes, and every opening quote closed)",
            )
        for name, check, value, field in zip(names, checks, fields, schema, strict=True):
            if check is None or value == "" or check(value):
                continue
            if inferred:
                fix = (
                    f"correct the value; the type of {name} was inferred from the first rows of"
                    " the file, so a column mixing kinds of values must be fixed or quoted"
                    " consistently"
                )
            elif nullable(name):
                fix = "correct the value, or leave the field empty for NULL"
            else:
                fix = "correct the value (this column may not be empty)"
            shown = value if len(value) <= 60 else value[:57] + "..."
            return InputError(
                f"column {name} holds {shown!r}, which is not {describe_type(field.type)}",
                path=label,
                line=line,
                hint=fix,
            )
    return None


def unlocated(exc: Exception, label: str, window: Sequence[Chunk]) -> InputError:
    """The error when no record could be pinned down: pyarrow's words, and roughly where."""
    text = str(exc).strip()
    after = f" after line {window[0].lines_before:,}" if window and window[0].lines_before else ""
    if "straddl" in text or "quote" in text.lower():
        return InputError(
            f"a quoted value is never closed, or a record is longer than the read block,"
            f" somewhere{after}",
            path=label,
            hint='check the double quotes there; a quote inside a value is written as two ("")',
        )
    return InputError(
        f"the CSV could not be read{after} ({text})",
        path=label,
        hint="check those rows against the header",
    )
